"""Finding where a NaN or an infinity first appeared, as torch.autograd.detect_anomaly does.

Inside `detect_anomaly()`, every op checks its result, and every backward step checks the
gradient it passes on; the first that is NaN or infinite raises AnomalyError naming the op,
its operands (label and data), and the line of user code that created the node.
"""

from __future__ import annotations

import contextlib
import math
import os
import threading
from collections.abc import Iterator
from typing import Any

# As grad mode, detect_anomaly belongs to a thread. Every op reads `threads_on` first, which
# stays 0 while no thread is inside detect_anomaly(), and asks its own thread only when some
# thread is.
threads_on = 0
_count_lock = threading.Lock()
_local = threading.local()  # per thread: .blocks, a list of (block, on), innermost last

_PACKAGE = os.path.dirname(os.path.realpath(__file__)) + os.sep  # the sep: not autograd_x.py


class AnomalyError(RuntimeError):
    """An op or a backward step produced NaN or an infinity inside detect_anomaly()."""


def is_enabled() -> bool:
    """True inside detect_anomaly() in this thread (and not paused)."""
    blocks = getattr(_local, "blocks", None)
    return blocks[-1][1] if blocks else False


def checking() -> bool:
    """What every op asks, the common case first: no thread checks."""
    return threads_on != 0 and is_enabled()


def detect_anomaly() -> contextlib.AbstractContextManager[None]:
    """A context in which the first NaN or infinity, forward or backward, raises AnomalyError.

    Slow (it records where every node was made): use it to find a bug, not to train.
    """
    return _checks(True)


def paused() -> contextlib.AbstractContextManager[None]:
    """No checks for a moment: while grad() evaluates a derivative rule on Values, whose
    result it then checks as a gradient, naming the op the user wrote."""
    return _checks(False)


@contextlib.contextmanager
def _checks(on: bool) -> Iterator[None]:
    blocks = _local.__dict__.setdefault("blocks", [])
    block = object()  # this block's own entry: blocks may exit out of order
    was_inside = _inside_detect_anomaly(blocks)
    blocks.append((block, on))
    _count_change(was_inside, _inside_detect_anomaly(blocks))
    try:
        yield
    finally:
        was_inside = _inside_detect_anomaly(blocks)
        blocks[:] = [entry for entry in blocks if entry[0] is not block]
        _count_change(was_inside, _inside_detect_anomaly(blocks))


def _inside_detect_anomaly(blocks: list) -> bool:
    return any(on for _, on in blocks)  # paused or not


def _count_change(was_inside: bool, now_inside: bool) -> None:
    """Keep `threads_on` the number of threads inside a detect_anomaly() block."""
    global threads_on
    if was_inside != now_inside:
        with _count_lock:
            threads_on += 1 if now_inside else -1


def check_forward(op_name: str, operands: tuple, data: float) -> None:
    if not math.isfinite(data):
        raise AnomalyError(
            f"{op_name} gave {data} in the forward pass, from {_describe(operands)}, "
            f"at {_user_line()}"
        )


def remember(node: Any) -> None:
    # On the node itself, not in a table here: a node no longer used is freed as usual.
    node._created_at = _user_line()


def check_backward(node: Any, upstream: float, local_derivatives: tuple) -> None:
    created_at = getattr(node, "_created_at", "a place before detect_anomaly")
    for i, (operand, local) in enumerate(zip(node._prev, local_derivatives)):
        contribution = _number(local) * _number(upstream)  # numbers: no new node to check
        if not math.isfinite(contribution):
            raise AnomalyError(
                f"backward through {node._op} gave {contribution} for operand {i}, "
                f"{_describe((operand,))}: local derivative {_number(local)} times upstream "
                f"gradient {_number(upstream)}; the {node._op} node takes {_describe(node._prev)}"
                f" and was created at {created_at}"
            )


def _describe(operands: tuple) -> str:
    return ", ".join(f"{v.label or 'unlabelled'} (data {v.data})" for v in operands)


def _number(x: Any) -> float:
    return x if isinstance(x, float) else getattr(x, "data", x)


def _user_line() -> str:
    """The innermost frame of the stack that is not in this package: the user's line."""
    import traceback  # here, not at the top: only detect_anomaly needs it, and it is slow to import

    for frame in reversed(traceback.extract_stack()):
        if not frame.filename.startswith(_PACKAGE):
            return f"{frame.filename}:{frame.lineno} in {frame.name}: {frame.line}"
    return "an unknown place"
