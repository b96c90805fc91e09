"""Switching graph recording off, as torch.no_grad does: ops then compute data only."""

import contextlib
from collections.abc import Iterator

enabled = True  # read by every op; a plain flag, shared by all threads


def is_grad_enabled() -> bool:
    return enabled


@contextlib.contextmanager
def no_grad() -> Iterator[None]:
    """A context (or decorator) in which ops compute data and record no graph.

    Use it to evaluate a model over many points: the results are leaves, nothing is kept
    for backward, and memory stays flat.
    """
    global enabled
    previous, enabled = enabled, False
    try:
        yield
    finally:
        enabled = previous
