"""PyTorch on scalars: 0-dim float64 tensors, op by op, the same graph as the scalar engines.

Every parameter and leaf is a tensor with requires_grad; every + and * is one autograd node.
This is what "just use PyTorch" costs for scalar code. Its nodes live in C++, where
tracemalloc cannot see them.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from benchmarks.workloads import MoonsProblem, build_chain, build_products

VERSION = torch.__version__
TRACEMALLOC_SEES_ALL = False

Graph = tuple[torch.Tensor, tuple[torch.Tensor, ...]]


def _leaf(value: float, requires_grad: bool = True) -> torch.Tensor:
    return torch.tensor(value, dtype=torch.float64, requires_grad=requires_grad)


def moons_trainer(problem: MoonsProblem) -> Callable[[float], float]:
    params = [_leaf(w) for w in problem.weights]
    layers = _layers(params, problem.sizes)
    inputs = [[_leaf(v, requires_grad=False) for v in row] for row in problem.X]

    def model(x: list[torch.Tensor]) -> torch.Tensor:
        for k, layer in enumerate(layers):
            acts = [sum((wi * xi for wi, xi in zip(w, x)), b) for w, b in layer]
            x = [act.relu() for act in acts] if k < len(layers) - 1 else acts
        return x[0]

    def step(lr: float) -> float:
        scores = [model(x) for x in inputs]
        losses = [(1 - s * score).relu() for s, score in zip(problem.signs, scores)]
        loss = sum(losses) * (1.0 / len(losses)) + problem.alpha * sum(p * p for p in params)
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= lr * p.grad
                p.grad = None
        return loss.item()

    return step


def _layers(
    params: list[torch.Tensor], sizes: tuple[int, ...]
) -> list[list[tuple[list[torch.Tensor], torch.Tensor]]]:
    """The flat parameter list as layers of neurons (weights, bias), in MLP order."""
    layers, k = [], 0
    for nin, nout in zip(sizes, sizes[1:]):
        layer = []
        for _ in range(nout):
            layer.append((params[k : k + nin], params[k + nin]))
            k += nin + 1
        layers.append(layer)
    return layers


def chain(n: int) -> Graph:
    return build_chain(_leaf, n)


def sum_of_products(xs: list[float], ys: list[float]) -> Graph:
    return build_products(_leaf, xs, ys)


def backward(graph: Graph) -> None:
    graph[0].backward()


def gradients(graph: Graph) -> tuple[float, list[float]]:
    return graph[0].item(), [leaf.grad.item() for leaf in graph[1]]
