"""micrograd 0.1.0 from PyPI, as its README and demo notebook use it.

`make bench` installs it into build/bench-deps, apart from .venv, and puts that folder on the
worker's path. It has +, *, ** (by a number) and relu; -x is x * -1, two nodes. For tanh, the
per-op table uses the lecture's Value.tanh, written here on the package's Value.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from importlib import metadata

from micrograd.engine import Value
from micrograd.nn import MLP

from benchmarks.workloads import MoonsProblem, build_chain, build_products

VERSION = metadata.version("micrograd")

Graph = tuple[Value, tuple[Value, ...]]


def moons_trainer(problem: MoonsProblem) -> Callable[[float], float]:
    model = MLP(problem.sizes[0], list(problem.sizes[1:]))
    params = model.parameters()
    if len(params) != len(problem.weights):
        raise ValueError(f"the model has {len(params)} parameters; got {len(problem.weights)}")
    for p, w in zip(params, problem.weights):
        p.data = w

    def step(lr: float) -> float:  # the loss of micrograd's demo.ipynb, line for line
        inputs = [list(map(Value, xrow)) for xrow in problem.X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(problem.signs, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = problem.alpha * sum(p * p for p in model.parameters())
        total_loss = data_loss + reg_loss
        model.zero_grad()
        total_loss.backward()
        for p in model.parameters():
            p.data -= lr * p.grad
        return total_loss.data

    return step


def chain(n: int) -> Graph:
    return build_chain(Value, n)


def sum_of_products(xs: list[float], ys: list[float]) -> Graph:
    return build_products(Value, xs, ys)


def backward(graph: Graph) -> None:
    graph[0].backward()  # a recursive topological sort: RecursionError past ~1000 levels


def gradients(graph: Graph) -> tuple[float, list[float]]:
    return graph[0].data, [leaf.grad for leaf in graph[1]]


leaf = Value


def lecture_tanh(x: Value) -> Value:
    """tanh as the micrograd lecture adds it to Value (the PyPI package has none): the output
    from the formula, and a closure that passes (1 - t**2) * out.grad back."""
    t = (math.exp(2 * x.data) - 1) / (math.exp(2 * x.data) + 1)
    out = Value(t, (x,), "tanh")

    def _backward():
        x.grad += (1 - t**2) * out.grad

    out._backward = _backward
    return out


OP_CALLS: dict[str, Callable[[Value, Value], Value]] = {
    "+": lambda x, c: x + c,
    "*": lambda x, c: x * c,
    "neg": lambda x, c: -x,
    "**": lambda x, c: x**3,
    "relu": lambda x, c: x.relu(),
    "tanh": lambda x, c: lecture_tanh(x),
}
