"""Checkpoints: a training run saved to a file and resumed with the same numbers.

    nn.save_checkpoint("run.json", model=model, optimizer=optimizer, scheduler=scheduler, step=k)
    ...                                                 # later, maybe in another process:
    model, optimizer, scheduler = ...                   # built as the first time
    k = nn.load_checkpoint("run.json", model=model, optimizer=optimizer, scheduler=scheduler)

The objects are built again as they were (the same architecture, the same kind of optimiser on
model.parameters(), the same schedule), then take the saved numbers: the parameters, each
parameter's optimiser state (Adam's moments and step count...), each group's settings (with
the lr a scheduler set), and the scheduler's counter. Training on from there gives exactly
the numbers training straight on would have: JSON writes every float with all its digits.
What a checkpoint does not hold: code (LambdaLR's function), and the shuffling of fit's
mini-batches, which starts again from its seed.

The file is JSON, with nn.save's guarantees: written atomically (a crash leaves the previous
file; through a symbolic link to its target; never over a read-only file; see nn/_atomic.py),
never pickle (loading runs no code), and refused with a clear error when it is cut
short, is not a checkpoint, or does not fit the objects it is loaded into:

    {"format": "chainrule.checkpoint", "version": 1, "step": 500,
     "model": {"architecture": {"class": "MLP", ...}, "state_dict": {"layers.0...": 0.2, ...}},
     "optimizer": {"class": "Adam", "state_dict": {"state": {"0": {...}}, "param_groups": [...]}},
     "scheduler": {"class": "StepLR", "state_dict": {"last_epoch": 500, ...}}}
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from nn._atomic import write_atomically
from nn.modules import MLP, Layer, Module, Neuron, StateDictError
from nn.optim import Optimizer
from nn.optim.lr_scheduler import LRScheduler
from nn.serialization import (
    NotAModelFileError,
    architecture,
    finite_state_dict,
    read_document,
)

FORMAT = "chainrule.checkpoint"
VERSION = 1


def save_checkpoint(
    path: str | os.PathLike,
    *,
    model: Module,
    optimizer: Optimizer | None = None,
    scheduler: LRScheduler | None = None,
    step: int = 0,
) -> None:
    """Write the model's parameters, the optimizer's and the scheduler's state and the step
    count to `path` as JSON, atomically."""
    _check_kinds(model, optimizer, scheduler)
    if scheduler is not None and optimizer is not None and scheduler.optimizer is not optimizer:
        raise ValueError("the scheduler schedules another optimizer than the one given")
    if isinstance(step, bool) or not isinstance(step, int) or step < 0:
        raise ValueError(f"step must be a whole number, 0 or more; got {step!r}")
    state_dict = finite_state_dict(model)
    document: dict[str, Any] = {"format": FORMAT, "version": VERSION, "step": step}
    document["model"] = {"architecture": _architecture(model), "state_dict": state_dict}
    for key, part in (("optimizer", optimizer), ("scheduler", scheduler)):
        if part is not None:
            document[key] = {"class": type(part).__name__, "state_dict": part.state_dict()}
    try:
        text = json.dumps(document, indent=1, allow_nan=False)
    except ValueError:
        raise ValueError(
            "cannot save: the optimizer's or the scheduler's state holds nan or inf "
            "(did training diverge?)"
        ) from None
    write_atomically(path, text + "\n")


def load_checkpoint(
    path: str | os.PathLike,
    *,
    model: Module,
    optimizer: Optimizer | None = None,
    scheduler: LRScheduler | None = None,
) -> int:
    """Load what save_checkpoint wrote into `model` (and `optimizer`, `scheduler`, if given);
    return the step count it was saved at. All or nothing: if any part does not fit, every
    object is left as it was.

    Raises CorruptFileError (not JSON), NotAModelFileError (JSON, but not a checkpoint),
    UnsupportedVersionError (a newer format) or StateDictError (does not fit the objects);
    all are ValueErrors."""
    _check_kinds(model, optimizer, scheduler)
    path = Path(path)
    document = read_document(path, FORMAT, VERSION, "checkpoint")
    step = document.get("step")
    if isinstance(step, bool) or not isinstance(step, int) or step < 0:
        raise NotAModelFileError(f'{path} has no "step" count (a whole number); got {step!r}')
    saved_model = _part(document, "model", path)
    saved_architecture, own = saved_model.get("architecture"), _architecture(model)
    if saved_architecture is not None and own is not None and saved_architecture != own:
        raise StateDictError(f"{path} was saved from the model {saved_architecture}, not {own}")
    loads = [(model, saved_model["state_dict"])]
    for key, part in (("optimizer", optimizer), ("scheduler", scheduler)):
        if part is None:
            continue  # the file may hold it; the caller did not ask for it
        if key not in document:
            raise StateDictError(f"{path} holds no {key} (it was saved without {key}=)")
        saved = _part(document, key, path)
        if saved.get("class") != type(part).__name__:
            raise StateDictError(
                f"{path} holds the state of {saved.get('class')}, not of {type(part).__name__}"
            )
        state_dict = saved["state_dict"]
        loads.append((part, _indexed(state_dict) if key == "optimizer" else state_dict))
    before = [(part, part.state_dict()) for part, _ in loads]
    try:
        for part, state_dict in loads:
            part.load_state_dict(state_dict)
    except BaseException:
        for part, state_dict in before:  # put back what was loaded before the failure
            part.load_state_dict(state_dict)
        raise
    return step


def _check_kinds(model: Any, optimizer: Any, scheduler: Any) -> None:
    if not isinstance(model, Module):
        raise TypeError(f"model must be an nn Module (an MLP, a Layer...); got {model!r}")
    if optimizer is not None and not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be an nn.optim optimizer; got {optimizer!r}")
    if scheduler is not None and not isinstance(scheduler, LRScheduler):
        raise TypeError(f"scheduler must be an nn.optim.lr_scheduler scheduler; got {scheduler!r}")


def _architecture(model: Module) -> dict[str, Any] | None:
    """What nn.save records of the model's shape; None for a Module of one's own."""
    return architecture(model) if isinstance(model, (MLP, Layer, Neuron)) else None


def _part(document: dict[str, Any], key: str, path: Path) -> dict[str, Any]:
    part = document.get(key)
    if not isinstance(part, dict) or not isinstance(part.get("state_dict"), dict):
        raise NotAModelFileError(f'{path} has no "{key}" object with a "state_dict"')
    return part


def _indexed(state_dict: dict[str, Any]) -> dict[str, Any]:
    """An optimizer's state_dict as JSON gives it back: the parameter indices of "state" are
    strings there ("0"); make them ints again. Anything else is left for the optimizer to
    refuse."""
    state = state_dict.get("state")
    if not isinstance(state, dict):
        return state_dict
    indexed = {int(key) if key.isdecimal() else key: value for key, value in state.items()}
    return {**state_dict, "state": indexed}
