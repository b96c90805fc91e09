"""The base of every optimiser, as torch.optim.Optimizer: parameter groups, per-parameter
state, zero_grad, step, and state_dict / load_state_dict to save and resume training.

A state_dict is torch's layout, in plain numbers: parameters are numbered 0, 1, ... across the
groups in order, and

    {"state": {0: {"step": 3, "exp_avg": 0.02, "exp_avg_sq": 1e-05}, 1: {...}, ...},
     "param_groups": [{"lr": 0.01, "betas": (0.9, 0.999), ..., "params": [0, 1, ...]}, ...]}

A parameter with no state yet (before its first step, or plain SGD) has no entry in "state".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from numbers import Integral, Real
from typing import Any

from autograd import Value
from nn.modules import Module, StateDictError, not_python

Params = Iterable[Value] | Iterable[dict[str, Any]]


class Optimizer:
    """The base: parameter groups, per-parameter state, zero_grad and step."""

    def __init__(self, params: Params, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        self.state: dict[Value, dict[str, Any]] = {}  # keyed by the Value itself
        self.param_groups: list[dict[str, Any]] = []
        if isinstance(params, Value):
            raise TypeError("params must be a list of Values, like model.parameters(); got a Value")
        groups = self._listed(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        for group in groups if isinstance(groups[0], dict) else [{"params": groups}]:
            self.add_param_group(group)

    def add_param_group(self, group: dict[str, Any]) -> None:
        params = group["params"]
        params = [params] if isinstance(params, Value) else self._listed(params)
        for p in params:
            if not isinstance(p, Value):
                raise TypeError(f"an optimizer can only optimise Values; got {p!r}")
        self._check_each_parameter_once(params)
        unknown = set(group) - set(self.defaults) - {"params", "initial_lr"}
        if unknown:
            known = ", ".join(self.defaults)
            raise ValueError(f"unknown settings {sorted(unknown)}; choose from {known}")
        group = {**self.defaults, **group, "params": params}
        self._check(group)
        self.param_groups.append(group)

    def _listed(self, params: Any) -> list[Any]:
        """The parameters (or groups) as a list; the usual slips of passing the model, or the
        method model.parameters without calling it, are named with their fix."""
        name = type(self).__name__
        if isinstance(params, Module):
            raise TypeError(
                f"{name} takes the model's parameters, not the model ({type(params).__name__}): "
                f"{name}(model.parameters(), lr=...)"
            )
        if callable(params):  # model.parameters, the method itself
            what = getattr(params, "__qualname__", type(params).__name__)
            raise TypeError(
                f"{name} got the method or function {what} instead of the list it returns: "
                f"call it, {name}(model.parameters(), lr=...)"
            )
        if isinstance(params, Mapping):
            raise TypeError(
                f"{name} takes a list of parameter groups; put the group in a list: "
                f"{name}([{{'params': ...}}], lr=...)"
            )
        try:
            return list(params)
        except TypeError:
            raise TypeError(
                f"{name} takes a list of Values, like model.parameters(), or of parameter "
                f"groups (dicts); got {type(params).__name__}"
            ) from None

    def _check_each_parameter_once(self, params: list[Value]) -> None:
        # step() updates a parameter once per time it is listed: twice would be a double step.
        # Values are compared by identity (a Value has no __eq__).
        group_of = {id(p): k for k, group in enumerate(self.param_groups) for p in group["params"]}
        seen: set[int] = set()
        for i, p in enumerate(params):
            if id(p) in seen:
                raise ValueError(
                    f"parameter {i} of this group ({p!r}) is listed twice, so every step would "
                    "update it twice; list each parameter once (model.parameters() does)"
                )
            if id(p) in group_of:
                raise ValueError(
                    "some parameters appear in more than one parameter group: parameter "
                    f"{i} ({p!r}) is already in group {group_of[id(p)]}; put each in one group"
                )
            seen.add(id(p))

    def zero_grad(self) -> None:
        for group in self.param_groups:
            for p in group["params"]:
                p.grad = 0.0

    decoupled_weight_decay = False  # AdamW shrinks the weight itself instead

    def step(self) -> None:
        for group in self.param_groups:
            wd = 0.0 if self.decoupled_weight_decay else group.get("weight_decay", 0.0)
            for p in group["params"]:
                # L2 weight decay: the gradient of the penalty (wd/2)·p² joins the gradient.
                g = p.grad + wd * p.data if wd else p.grad
                self._update(p, g, group, self.state.setdefault(p, {}))

    def _update(self, p: Value, g: float, group: dict[str, Any], state: dict[str, Any]) -> None:
        raise NotImplementedError

    def _check(self, group: dict[str, Any]) -> None:
        at_least(0.0, group, "lr", "weight_decay")

    # --- saving and resuming ---------------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        """The settings of each group and the state of each parameter, by index (see the top
        of this file). Copies of plain numbers: training on does not change it."""
        params = [p for group in self.param_groups for p in group["params"]]
        groups, start = [], 0
        for group in self.param_groups:
            settings = {key: value for key, value in group.items() if key != "params"}
            groups.append({**settings, "params": list(range(start, start + len(group["params"])))})
            start += len(group["params"])
        state = {i: dict(self.state[p]) for i, p in enumerate(params) if self.state.get(p)}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Take the settings and state of `state_dict`, from state_dict() of an optimiser of the
        same kind over parameters of the same shapes, in the same order; the parameters stay
        this optimiser's own. Everything is checked before anything changes."""
        if not isinstance(state_dict, Mapping) or set(state_dict) != {"state", "param_groups"}:
            raise StateDictError(
                "an optimizer's state_dict is a dict with the keys 'state' and 'param_groups', "
                f"as optimizer.state_dict() returns; got {_brief(state_dict)}"
            )
        saved_groups, saved_state = state_dict["param_groups"], state_dict["state"]
        if not isinstance(saved_groups, (list, tuple)) or len(saved_groups) != len(
            self.param_groups
        ):
            raise StateDictError(
                f"the state_dict has {_count(saved_groups)} parameter groups and this "
                f"{type(self).__name__} has {len(self.param_groups)}"
            )
        groups = [self._loaded_group(k, saved) for k, saved in enumerate(saved_groups)]
        param_of = {  # saved index -> this optimizer's parameter, group by group, as torch
            i: p
            for saved, group in zip(saved_groups, self.param_groups)
            for i, p in zip(saved["params"], group["params"])
        }
        if len(param_of) != sum(len(group["params"]) for group in self.param_groups):
            raise StateDictError("the state_dict lists a parameter index twice")
        state = self._loaded_state(saved_state, param_of)
        for group, loaded in zip(self.param_groups, groups):
            group.clear()  # in place: a scheduler or a user may hold the group itself
            group.update(loaded)
        self.state = state

    def _loaded_group(self, k: int, saved: Any) -> dict[str, Any]:
        own = self.param_groups[k]
        indices = saved.get("params") if isinstance(saved, Mapping) else None
        if not isinstance(indices, (list, tuple)) or not all(_is_index(i) for i in indices):
            raise StateDictError(f"group {k} of the state_dict has no list of parameter indices")
        if len(indices) != len(own["params"]):
            raise StateDictError(
                f"group {k} of the state_dict has {len(indices)} parameters and this "
                f"optimizer's has {len(own['params'])} (was it saved for another model?)"
            )
        settings = {key: value for key, value in saved.items() if key != "params"}
        missing = sorted(set(self.defaults) - set(settings))
        unexpected = sorted(set(settings) - set(self.defaults) - {"initial_lr"})
        if missing or unexpected:
            raise StateDictError(
                f"group {k}'s settings do not fit {type(self).__name__}: missing {missing}, "
                f"unexpected {unexpected} (was it saved from another optimizer?)"
            )
        for key, value in own.items():  # JSON reads tuples, like Adam's betas, back as lists
            if isinstance(value, tuple) and isinstance(settings.get(key), list):
                settings[key] = tuple(settings[key])
        group = {**settings, "params": own["params"]}
        try:
            self._check(group)
        except (TypeError, ValueError) as error:
            raise StateDictError(f"group {k} of the state_dict: {error}") from None
        return group

    def _loaded_state(self, saved: Any, param_of: dict[int, Value]) -> dict[Value, dict]:
        if not isinstance(saved, Mapping):
            raise StateDictError(f"the state_dict's 'state' is not a dict; got {_brief(saved)}")
        state = {}
        for i, values in saved.items():
            if i not in param_of:
                raise StateDictError(f"the state_dict has state for parameter {i!r}, not listed")
            if not isinstance(values, Mapping) or not all(
                isinstance(key, str) and is_number(value) for key, value in values.items()
            ):
                raise StateDictError(
                    f"the state of parameter {i} must be a dict of name: number; "
                    f"got {_brief(values)}"
                )
            state[param_of[i]] = {key: plain(value) for key, value in values.items()}
        return state

    def __repr__(self) -> str:
        settings = ", ".join(f"{k}={self.param_groups[0][k]!r}" for k in self.defaults)
        return f"{type(self).__name__}({settings})"


def at_least(low: float, group: dict[str, Any], *names: str) -> None:
    for name in names:
        value = group[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"{name} must be a number; got {value!r}{not_python(value)}")
        if not value >= low:  # also catches nan
            raise ValueError(f"Invalid {name}: {value!r} (it must be >= {low:g})")


def is_number(value: Any) -> bool:
    """A real number that a float holds (not True, not an int like 10**400)."""
    if isinstance(value, bool) or not isinstance(value, Real):
        return False
    try:
        float(value)
    except OverflowError:
        return False
    return True


def plain(value: Real) -> int | float:
    """A number that passed is_number as Python's own int or float, as a loaded state is kept:
    numpy's float32 (say) would pass into every parameter a step touches, and json refuses it."""
    return int(value) if isinstance(value, Integral) else float(value)


def _is_index(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _count(items: Any) -> int | str:
    return len(items) if isinstance(items, (list, tuple)) else "no list of"


def _brief(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
