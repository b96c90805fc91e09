"""Learning-rate schedules, as torch.optim.lr_scheduler.

    scheduler = StepLR(optimizer, step_size=30, gamma=0.1)
    for epoch in range(100):
        train(...)               # optimizer.step() inside
        scheduler.step()         # then move the schedule on

A scheduler sets each parameter group's "lr" to base_lr × a factor that depends on how many
times step() has been called (`last_epoch`). Here each schedule is its closed form, a
function of the count alone; torch computes the same numbers step by step from the
previous lr (which also follows an lr you change by hand; these do not).

    LambdaLR            base_lr · lr_lambda(t)
    StepLR              base_lr · gamma^⌊t / step_size⌋
    ExponentialLR       base_lr · gamma^t
    LinearLR            base_lr · (start + (end - start) · min(t, total_iters) / total_iters)
    CosineAnnealingLR   eta_min + (base_lr - eta_min) · (1 + cos(π t / T_max)) / 2
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from nn.modules import StateDictError, check_size
from nn.optim.optimizer import Optimizer, is_number, plain


class LRScheduler:
    """The base: remembers each group's starting lr and sets the new one on every step()."""

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"a scheduler takes an nn.optim optimizer; got {optimizer!r}")
        self.optimizer = optimizer
        for group in optimizer.param_groups:
            if last_epoch == -1:
                group.setdefault("initial_lr", group["lr"])
            elif "initial_lr" not in group:
                raise KeyError("to resume a schedule (last_epoch != -1) set initial_lr per group")
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self.step()  # as torch: the lr for step 0 is set at once

    def lr_at(self, base_lr: float, t: int) -> float:
        raise NotImplementedError

    def get_lr(self) -> list[float]:
        return [self.lr_at(base_lr, self.last_epoch) for base_lr in self.base_lrs]

    def step(self) -> None:
        self.last_epoch += 1
        for group, lr in zip(self.optimizer.param_groups, self.get_lr()):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self) -> list[float]:
        """The lr of each group, as the last step() set it."""
        return list(self._last_lr)

    def state_dict(self) -> dict[str, Any]:
        """As torch's: the scheduler's attributes but the optimizer (its counter last_epoch,
        base_lrs, the last lrs and its settings), as plain numbers. LambdaLR's functions are
        code, not numbers, and are not saved: a resumed LambdaLR is built with them again."""
        return {
            key: list(value) if isinstance(value, list) else value
            for key, value in vars(self).items()
            if key not in ("optimizer", "lr_lambdas")
        }

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Take the counter and settings of `state_dict`, from state_dict() of a scheduler of
        the same kind on as many parameter groups. The optimizer's lrs are its own state_dict's
        to restore. Checked whole before anything changes."""
        own = self.state_dict()
        if not isinstance(state_dict, Mapping) or set(state_dict) != set(own):
            got = sorted(map(str, state_dict)) if isinstance(state_dict, Mapping) else state_dict
            raise StateDictError(
                f"a {type(self).__name__}'s state_dict has the keys {sorted(own)}; got {got} "
                "(was it saved from another scheduler?)"
            )
        for key, value in state_dict.items():
            if not _fits(value, own[key], whole=key in _COUNTS):
                raise StateDictError(
                    f"{type(self).__name__} state {key!r} should be like {own[key]!r}; "
                    f"got {value!r}"
                )
        for key, value in state_dict.items():
            setattr(
                self, key, [plain(v) for v in value] if isinstance(value, list) else plain(value)
            )


class LambdaLR(LRScheduler):
    def __init__(
        self,
        optimizer: Optimizer,
        lr_lambda: Callable[[int], float] | list[Callable[[int], float]],
        last_epoch: int = -1,
    ) -> None:
        n_groups = len(optimizer.param_groups)
        self.lr_lambdas = list(lr_lambda) if isinstance(lr_lambda, list) else [lr_lambda] * n_groups
        if len(self.lr_lambdas) != n_groups:
            raise ValueError(f"expected {n_groups} lr_lambdas, one per group; got {len(lr_lambda)}")
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        return [base * f(self.last_epoch) for base, f in zip(self.base_lrs, self.lr_lambdas)]


class StepLR(LRScheduler):
    """Multiply the lr by gamma every step_size steps."""

    def __init__(
        self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        check_size("step_size", step_size)
        self.step_size, self.gamma = step_size, gamma
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr: float, t: int) -> float:
        return base_lr * self.gamma ** (t // self.step_size)


class ExponentialLR(LRScheduler):
    """Multiply the lr by gamma every step."""

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr: float, t: int) -> float:
        return base_lr * self.gamma**t


class LinearLR(LRScheduler):
    """Move the factor on the lr in a straight line from start_factor to end_factor over
    total_iters steps, then hold it. micrograd's demo decay is LinearLR(opt, 1.0, 0.1, steps)."""

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        if not 0.0 < start_factor <= 1.0:
            raise ValueError(f"start_factor must be in (0, 1]; got {start_factor!r}")
        if not 0.0 <= end_factor <= 1.0:
            raise ValueError(f"end_factor must be in [0, 1]; got {end_factor!r}")
        check_size("total_iters", total_iters)
        self.start_factor, self.end_factor, self.total_iters = start_factor, end_factor, total_iters
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr: float, t: int) -> float:
        progress = min(t, self.total_iters) / self.total_iters
        return base_lr * (self.start_factor + (self.end_factor - self.start_factor) * progress)


class CosineAnnealingLR(LRScheduler):
    """Half a cosine from base_lr down to eta_min over T_max steps (then back up, as torch's)."""

    def __init__(
        self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1
    ) -> None:
        check_size("T_max", T_max)
        self.T_max, self.eta_min = T_max, eta_min
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr: float, t: int) -> float:
        cosine = (1 + math.cos(math.pi * t / self.T_max)) / 2  # from 1 down to 0
        return self.eta_min + (base_lr - self.eta_min) * cosine


_COUNTS = ("last_epoch", "step_size", "T_max", "total_iters")  # whole numbers


def _fits(value: Any, like: Any, whole: bool) -> bool:
    """Is `value` a number where `like` is one (an int if `whole`), or a list of as many
    numbers where `like` is a list?"""
    if isinstance(like, list):
        return isinstance(value, list) and len(value) == len(like) and all(map(is_number, value))
    if whole:
        return is_number(value) and isinstance(value, int)
    return is_number(value)
