"""Gradient clipping, as torch.nn.utils: a guard against exploding gradients.

Call it between loss.backward() and optimizer.step():

    total = clip_grad_norm_(model.parameters(), max_norm=1.0)
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from autograd import Value


def clip_grad_norm_(
    parameters: Iterable[Value] | Value,
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
) -> float:
    """Scale all gradients together so that their norm is at most max_norm; return the norm
    they had. As torch: the factor is max_norm / (norm + 1e-6), applied when it is below 1,
    so the direction of the step is kept and only its length shrinks."""
    params = _as_list(parameters)
    if not max_norm >= 0:
        raise ValueError(f"max_norm must be a non-negative number; got {max_norm!r}")
    grads = [abs(p.grad) for p in params]
    if not grads:
        return 0.0
    if norm_type == math.inf:
        total = max(grads)
    elif norm_type > 0:
        total = sum(g**norm_type for g in grads) ** (1.0 / norm_type)
    else:
        raise ValueError(f"norm_type must be positive or math.inf; got {norm_type!r}")
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(
            f"the total norm of order {norm_type} of the gradients is {total}: "
            "set error_if_nonfinite=False to clip anyway"
        )
    scale = min(max_norm / (total + 1e-6), 1.0)  # the 1e-6 keeps this finite when total is 0
    if scale < 1.0:
        for p in params:
            p.grad *= scale
    return total


def clip_grad_value_(parameters: Iterable[Value] | Value, clip_value: float) -> None:
    """Clamp every gradient into [-clip_value, clip_value], each on its own."""
    if not clip_value >= 0:
        raise ValueError(f"clip_value must be a non-negative number; got {clip_value!r}")
    for p in _as_list(parameters):
        p.grad = min(max(p.grad, -clip_value), clip_value)


def _as_list(parameters: Iterable[Value] | Value) -> list[Value]:
    params = [parameters] if isinstance(parameters, Value) else list(parameters)
    for p in params:
        if not isinstance(p, Value):
            raise TypeError(f"expected Values, like model.parameters(); got {p!r}")
    return params
