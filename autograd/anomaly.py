"""Finding where a NaN or an infinity first appeared, as torch.autograd.detect_anomaly does.

Inside `detect_anomaly()`, every op checks its result, and every backward step checks the
gradient it passes on; the first that is NaN or infinite raises AnomalyError naming the op,
its operands (label and data), and the line of user code that created the node.
"""

from __future__ import annotations

import contextlib
import math
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

enabled = False  # read by every op and by backward
_created_at: dict[Any, str] = {}  # node -> the user's line that made it, while enabled

_PACKAGE = str(Path(__file__).resolve().parent)


class AnomalyError(RuntimeError):
    """An op or a backward step produced NaN or an infinity inside detect_anomaly()."""


@contextlib.contextmanager
def detect_anomaly() -> Iterator[None]:
    """A context in which the first NaN or infinity, forward or backward, raises AnomalyError.

    Slow (it records where every node was made): use it to find a bug, not to train.
    """
    global enabled
    previous, enabled = enabled, True
    try:
        yield
    finally:
        enabled = previous
        if not enabled:
            _created_at.clear()


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """No checks for a moment: while grad() evaluates a derivative rule on Values, whose
    result it then checks as a gradient, naming the op the user wrote."""
    global enabled
    previous, enabled = enabled, False
    try:
        yield
    finally:
        enabled = previous


def check_forward(op_name: str, operands: tuple, data: float) -> None:
    if not math.isfinite(data):
        raise AnomalyError(
            f"{op_name} gave {data} in the forward pass, from {_describe(operands)}, "
            f"at {_user_line()}"
        )


def remember(node: Any) -> None:
    _created_at[node] = _user_line()


def check_backward(node: Any, upstream: float, local_derivatives: tuple) -> None:
    for i, (operand, local) in enumerate(zip(node._prev, local_derivatives)):
        contribution = _number(local) * _number(upstream)  # numbers: no new node to check
        if not math.isfinite(contribution):
            raise AnomalyError(
                f"backward through {node._op} gave {contribution} for operand {i}, "
                f"{_describe((operand,))}: local derivative {_number(local)} times upstream "
                f"gradient {_number(upstream)}; the {node._op} node takes {_describe(node._prev)}"
                f" and was created at {_created_at.get(node, 'a place before detect_anomaly')}"
            )


def _describe(operands: tuple) -> str:
    return ", ".join(f"{v.label or 'unlabelled'} (data {v.data})" for v in operands)


def _number(x: Any) -> float:
    return x if isinstance(x, float) else getattr(x, "data", x)


def _user_line() -> str:
    """The innermost frame of the stack that is not in this package: the user's line."""
    for frame in reversed(traceback.extract_stack()):
        if not frame.filename.startswith(_PACKAGE):
            return f"{frame.filename}:{frame.lineno} in {frame.name}: {frame.line}"
    return "an unknown place"
