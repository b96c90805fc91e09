"""Switching graph recording off and on, as torch.no_grad does: ops then compute data only.

The mode belongs to a thread, as in PyTorch: `no_grad()` in one thread never stops another
thread's graphs. Each thread keeps a stack of the blocks it is inside; the innermost one
decides, and a block that exits removes its own entry wherever it is, so blocks that exit
out of order (two generators, say) still leave recording as it was before both.
"""

import contextlib
import threading
from collections.abc import Iterator

# Every op asks whether to record. The answer is "yes" in every thread while no thread has
# switched recording off, so the op reads this one number first and asks its own thread's
# stack only when some thread has.
threads_off = 0
_count_lock = threading.Lock()
_local = threading.local()  # per thread: .blocks, a list of (block, mode), innermost last,
# and .entered, how many blocks this thread has entered (autograd.compile asks whether the
# function it traces switched modes: what it computed then cannot be replayed)


def is_grad_enabled() -> bool:
    """True when ops in this thread record the graph."""
    blocks = getattr(_local, "blocks", None)
    return blocks[-1][1] if blocks else True


@contextlib.contextmanager
def set_grad_enabled(mode: bool) -> Iterator[None]:
    """A context (or decorator) in which ops record the graph if `mode` is true."""
    blocks = _local.__dict__.setdefault("blocks", [])
    _local.entered = blocks_entered() + 1
    block = object()  # this block's own entry, whatever happens to the others
    was = is_grad_enabled()
    blocks.append((block, bool(mode)))
    _count_change(was, is_grad_enabled())
    try:
        yield
    finally:
        was = is_grad_enabled()
        blocks[:] = [entry for entry in blocks if entry[0] is not block]
        _count_change(was, is_grad_enabled())


def blocks_entered() -> int:
    """How many set_grad_enabled blocks (no_grad, enable_grad, grad()) this thread entered."""
    return getattr(_local, "entered", 0)


def _count_change(was: bool, now: bool) -> None:
    global threads_off
    if was != now:
        with _count_lock:
            threads_off += 1 if was else -1


def no_grad() -> contextlib.AbstractContextManager[None]:
    """A context (or decorator) in which ops compute data and record no graph.

    Use it to evaluate a model over many points: the results are leaves, nothing is kept
    for backward, and memory stays flat.
    """
    return set_grad_enabled(False)


def enable_grad() -> contextlib.AbstractContextManager[None]:
    """A context (or decorator) in which ops record the graph again, even inside no_grad."""
    return set_grad_enabled(True)


def recording() -> bool:
    """What every op asks, the common case first: no thread has recording off."""
    return threads_off == 0 or is_grad_enabled()
