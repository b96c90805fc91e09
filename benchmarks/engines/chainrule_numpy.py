"""chainrule with autograd.compile(..., backend="numpy"): the loss is traced once (in the
untimed warm-up step), then every step replays it as a few dozen array operations, forward
and backward, one per group of nodes of the same op and depth.

The SGD update works on numpy arrays too: the replayed loss is one node whose edges go to
the leaves, labelled d loss/d leaf (autograd/compiler.py), so the parameters' gradients are
read off its edges and the update is one array operation; the new numbers are then written
back to the parameters, which the next replay reads. loss.backward() and a Python loop over
the parameters would cost more than the replay itself.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

import autograd
from autograd import Value
from benchmarks.engines.chainrule_eager import VERSION, moons_loss, moons_model
from benchmarks.workloads import MoonsProblem

__all__ = ["VERSION", "moons_trainer", "spiral_trainer"]


def moons_trainer(problem: MoonsProblem) -> Callable[[float], float]:
    model = moons_model(problem)
    params = model.parameters()
    weights = np.array([p.data for p in params])
    compiled = autograd.compile(lambda: moons_loss(model, problem), backend="numpy")
    edges: dict[int, np.ndarray] = {}  # by trace: where each parameter is among the edges

    def step(lr: float) -> float:
        loss = compiled()
        if loss._op == "compiled":  # a replay: one node, its edges to the leaves
            if compiled.trace_count not in edges:
                edges.clear()
                edges[compiled.trace_count] = _edges_of(loss, params)
            grads = np.array(loss._local)[edges[compiled.trace_count]]  # d loss/d parameter
        else:  # the call that traced it: the graph as eager code built it
            model.zero_grad()
            loss.backward()
            grads = np.array([p.grad for p in params])
        weights[:] -= lr * grads
        for p, w in zip(params, weights.tolist()):
            p.data = w
        return loss.data

    return step


spiral_trainer = moons_trainer  # the same MLP and loss, on the spiral problem


def _edges_of(loss: Value, params: list[Value]) -> np.ndarray:
    """The position of each parameter among the replayed loss's edges (its operands)."""
    where = {node: k for k, node in enumerate(loss._prev)}
    return np.array([where[p] for p in params])
