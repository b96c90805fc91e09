"""chainrule as users run it today: every op records a Value node; backward() walks the graph."""

from __future__ import annotations

from collections.abc import Callable
from importlib import metadata
from typing import Any

import autograd
from autograd import Value
from autograd.ops import OPS
from benchmarks.workloads import MoonsProblem, build_chain, build_products
from nn import MLP

try:
    VERSION = metadata.version("chainrule")
except metadata.PackageNotFoundError:
    VERSION = "checkout"

Graph = tuple[Value, tuple[Value, ...]]  # the output and the leaves


def moons_model(problem: MoonsProblem) -> MLP:
    model = MLP(problem.sizes[0], list(problem.sizes[1:]))
    _set_weights(model.parameters(), problem.weights)
    return model


def moons_loss(model: MLP, problem: MoonsProblem) -> Value:
    scores = [model(x) for x in problem.X]
    margins = ((1 - s * score).relu() for s, score in zip(problem.signs, scores))
    data_loss = autograd.sum(margins) / len(scores)
    reg_loss = problem.alpha * autograd.sum(p * p for p in model.parameters())
    return data_loss + reg_loss


def moons_trainer(problem: MoonsProblem) -> Callable[[float], float]:
    model = moons_model(problem)
    return lambda lr: sgd_step(model, moons_loss(model, problem), lr)


def sgd_step(model: MLP, loss: Value, lr: float) -> float:
    """Backward from `loss` and one plain SGD update; returns the loss."""
    model.zero_grad()
    loss.backward()
    for p in model.parameters():
        p.data -= lr * p.grad
    return loss.data


spiral_trainer = moons_trainer  # the same MLP and loss, on the spiral problem


def chain(n: int) -> Graph:
    return build_chain(Value, n)


def sum_of_products(xs: list[float], ys: list[float]) -> Graph:
    return build_products(Value, xs, ys, total=autograd.sum)


def backward(graph: Graph) -> None:
    graph[0].backward()


def gradients(graph: Graph) -> tuple[float, list[float]]:
    return graph[0].data, [leaf.grad for leaf in graph[1]]


leaf = Value

# How to apply each op of autograd.ops.OPS to a node x (and a second operand, the leaf c).
# Ops named like a Value method need no entry; an op with neither shows as "no recipe".
_SPECIAL: dict[str, Callable[[Value, Value], Value]] = {
    "+": lambda x, c: x + c,
    "sum": lambda x, c: autograd.sum((x, c)),
    "*": lambda x, c: x * c,
    "linear": lambda x, c: autograd.linear((x,), (c,), c),
    "neg": lambda x, c: -x,
    "**": lambda x, c: x**3,
    "pow": lambda x, c: x**c,
}


def _method_call(name: str) -> Callable[[Value, Value], Value] | None:
    method = getattr(Value, name, None)
    return None if method is None else lambda x, c: method(x)


OP_CALLS: dict[str, Callable[[Value, Value], Value] | None] = {
    name: _SPECIAL.get(name) or _method_call(name) for name in OPS
}


def _set_weights(params: list[Any], weights: list[float]) -> None:
    if len(params) != len(weights):
        raise ValueError(f"the model has {len(params)} parameters; got {len(weights)} weights")
    for p, w in zip(params, weights):
        p.data = w
