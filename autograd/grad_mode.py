"""Switching graph recording off and on, as torch.no_grad does: ops then compute data only."""

import contextlib
from collections.abc import Iterator

enabled = True  # read by every op; a plain flag, shared by all threads


def is_grad_enabled() -> bool:
    return enabled


@contextlib.contextmanager
def set_grad_enabled(mode: bool) -> Iterator[None]:
    """A context (or decorator) in which ops record the graph if `mode` is true."""
    global enabled
    previous, enabled = enabled, bool(mode)
    try:
        yield
    finally:
        enabled = previous


def no_grad() -> contextlib.AbstractContextManager[None]:
    """A context (or decorator) in which ops compute data and record no graph.

    Use it to evaluate a model over many points: the results are leaves, nothing is kept
    for backward, and memory stays flat.
    """
    return set_grad_enabled(False)


def enable_grad() -> contextlib.AbstractContextManager[None]:
    """A context (or decorator) in which ops record the graph again, even inside no_grad."""
    return set_grad_enabled(True)
