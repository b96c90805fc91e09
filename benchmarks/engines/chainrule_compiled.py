"""chainrule with autograd.compile: the moons loss is traced once (in the untimed warm-up
step), then every step replays its forward and backward pass as straight-line float code.

Only the moons workload: the chain and sum-of-products workloads time building a graph,
which a replay by design does not do.
"""

from __future__ import annotations

from collections.abc import Callable

import autograd
from benchmarks.engines.chainrule_eager import VERSION, moons_loss, moons_model, sgd_step
from benchmarks.workloads import MoonsProblem

__all__ = ["VERSION", "moons_trainer"]


def moons_trainer(problem: MoonsProblem) -> Callable[[float], float]:
    model = moons_model(problem)
    compiled = autograd.compile(lambda: moons_loss(model, problem))
    return lambda lr: sgd_step(model, compiled(), lr)
