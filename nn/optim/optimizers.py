"""Optimisers, with torch.optim's names, arguments and update formulas.

    optimizer = optim.Adam(model.parameters(), lr=0.01)
    for step in range(100):
        loss = ...
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

Each one updates every parameter on its own, from its gradient g = p.grad and a little
memory of past gradients (`optimizer.state[p]`), in the order of the pseudo-code in
PyTorch's documentation, so that on the same gradients the numbers agree with torch.optim:

    SGD        plain steps, optionally with momentum (a running sum of past steps)
    Adam       momentum divided by a running root-mean-square of gradients, bias-corrected
    AdamW      Adam with the weight decay applied to the weights directly (decoupled)
    RMSprop    gradient divided by a running root-mean-square of gradients
    Adagrad    gradient divided by the root of the sum of all past squared gradients

Parameters can be given in groups with their own settings, as in torch:
`SGD([{"params": a, "lr": 0.1}, {"params": b}], lr=0.01)`. Learning-rate schedules are in
`nn.optim.lr_scheduler`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from autograd import Value

Params = Iterable[Value] | Iterable[dict[str, Any]]


class Optimizer:
    """The base: parameter groups, per-parameter state, zero_grad and step."""

    def __init__(self, params: Params, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        self.state: dict[Value, dict[str, Any]] = {}  # keyed by the Value itself
        self.param_groups: list[dict[str, Any]] = []
        if isinstance(params, Value):
            raise TypeError("params must be a list of Values, like model.parameters(); got a Value")
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        for group in groups if isinstance(groups[0], dict) else [{"params": groups}]:
            self.add_param_group(group)

    def add_param_group(self, group: dict[str, Any]) -> None:
        params = group["params"]
        params = [params] if isinstance(params, Value) else list(params)
        for p in params:
            if not isinstance(p, Value):
                raise TypeError(f"an optimizer can only optimise Values; got {p!r}")
        unknown = set(group) - set(self.defaults) - {"params", "initial_lr"}
        if unknown:
            known = ", ".join(self.defaults)
            raise ValueError(f"unknown settings {sorted(unknown)}; choose from {known}")
        group = {**self.defaults, **group, "params": params}
        self._check(group)
        self.param_groups.append(group)

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
        _at_least(0.0, group, "lr", "weight_decay")

    def __repr__(self) -> str:
        settings = ", ".join(f"{k}={self.param_groups[0][k]!r}" for k in self.defaults)
        return f"{type(self).__name__}({settings})"


class SGD(Optimizer):
    """p ← p - lr·g, with optional momentum (Nesterov's if asked) and L2 weight decay."""

    def __init__(
        self,
        params: Params,
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening)
        defaults.update(weight_decay=weight_decay, nesterov=nesterov)
        super().__init__(params, defaults)

    def _check(self, group: dict[str, Any]) -> None:
        _at_least(0.0, group, "lr", "momentum", "weight_decay")
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")

    def _update(self, p, g, group, state):
        momentum = group["momentum"]
        if momentum:
            buf = state.get("momentum_buffer")
            # The first step starts the buffer at g; then it is a decaying sum of gradients.
            buf = g if buf is None else momentum * buf + (1 - group["dampening"]) * g
            state["momentum_buffer"] = buf
            g = g + momentum * buf if group["nesterov"] else buf  # Nesterov: look one step ahead
        p.data -= group["lr"] * g


class Adam(Optimizer):
    """Adaptive moments: m, a running mean of g, and v, of g²; p ← p - lr·m̂ / (sqrt(v̂) + eps),
    where the hats undo the bias of starting both at 0 (divide by 1 - beta**t)."""

    def __init__(
        self,
        params: Params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
    ) -> None:
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad)
        super().__init__(params, defaults)

    def _check(self, group: dict[str, Any]) -> None:
        _at_least(0.0, group, "lr", "eps", "weight_decay")
        for i, beta in enumerate(group["betas"]):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"Invalid beta at index {i}: {beta!r} (need 0 <= beta < 1)")

    def _update(self, p, g, group, state):
        lr, (beta1, beta2), wd = group["lr"], group["betas"], group["weight_decay"]
        t = state["step"] = state.get("step", 0) + 1
        if wd and self.decoupled_weight_decay:  # AdamW: shrink the weight, apart from g
            p.data *= 1 - lr * wd
        m = state["exp_avg"] = beta1 * state.get("exp_avg", 0.0) + (1 - beta1) * g
        v = state["exp_avg_sq"] = beta2 * state.get("exp_avg_sq", 0.0) + (1 - beta2) * g * g
        if group["amsgrad"]:  # never let the denominator shrink
            v = state["max_exp_avg_sq"] = max(state.get("max_exp_avg_sq", 0.0), v)
        bias_correction1 = 1 - beta1**t
        bias_correction2 = 1 - beta2**t
        denom = math.sqrt(v) / math.sqrt(bias_correction2) + group["eps"]
        p.data -= lr / bias_correction1 * m / denom


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter): p ← p·(1 - lr·wd), then Adam."""

    decoupled_weight_decay = True

    def __init__(
        self,
        params: Params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad)


class RMSprop(Optimizer):
    """p ← p - lr·g / (sqrt(v) + eps), v a running mean of g² (decay `alpha`). centered=True
    divides by the running variance of g instead; momentum adds a buffer as in SGD."""

    def __init__(
        self,
        params: Params,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
    ) -> None:
        defaults = dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay)
        defaults.update(momentum=momentum, centered=centered)
        super().__init__(params, defaults)

    def _check(self, group: dict[str, Any]) -> None:
        _at_least(0.0, group, "lr", "alpha", "eps", "weight_decay", "momentum")

    def _update(self, p, g, group, state):
        alpha = group["alpha"]
        v = state["square_avg"] = alpha * state.get("square_avg", 0.0) + (1 - alpha) * g * g
        if group["centered"]:  # subtract the squared running mean: a running variance
            mean = state["grad_avg"] = alpha * state.get("grad_avg", 0.0) + (1 - alpha) * g
            v = v - mean * mean
        avg = math.sqrt(v) + group["eps"]
        if group["momentum"] > 0:
            buf = group["momentum"] * state.get("momentum_buffer", 0.0) + g / avg
            state["momentum_buffer"] = buf
            p.data -= group["lr"] * buf
        else:
            p.data -= group["lr"] * g / avg


class Adagrad(Optimizer):
    """p ← p - lr·g / (sqrt(Σ g²) + eps): each parameter's steps shrink as its gradients add up,
    so rarely-updated parameters keep larger steps."""

    def __init__(
        self,
        params: Params,
        lr: float = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
    ) -> None:
        defaults = dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay)
        defaults.update(initial_accumulator_value=initial_accumulator_value, eps=eps)
        super().__init__(params, defaults)

    def _check(self, group: dict[str, Any]) -> None:
        _at_least(0.0, group, "lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps")

    def _update(self, p, g, group, state):
        t = state["step"] = state.get("step", 0) + 1
        lr = group["lr"] / (1 + (t - 1) * group["lr_decay"])
        total = state.get("sum", group["initial_accumulator_value"]) + g * g
        state["sum"] = total
        p.data -= lr * g / (math.sqrt(total) + group["eps"])


def _at_least(low: float, group: dict[str, Any], *names: str) -> None:
    for name in names:
        value = group[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"{name} must be a number; got {value!r}")
        if not value >= low:  # also catches nan
            raise ValueError(f"Invalid {name}: {value!r} (it must be >= {low:g})")
