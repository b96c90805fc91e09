"""Plain floats with forward and backward written by hand: the practical limit for scalar
work in CPython. No graph: the forward pass keeps the numbers the backward pass needs."""

from __future__ import annotations

import platform
from collections.abc import Callable

from benchmarks.workloads import CHAIN_LEAVES, MoonsProblem

VERSION = f"CPython {platform.python_version()}"

Layer = tuple[list[list[float]], list[float]]  # each neuron's weights, and the biases


def moons_trainer(problem: MoonsProblem) -> Callable[[float], float]:
    layers = _layers(problem.weights, problem.sizes)
    n = len(problem.X)

    def step(lr: float) -> float:
        grads = [([[0.0] * len(w) for w in ws], [0.0] * len(bs)) for ws, bs in layers]
        data_loss = 0.0
        for x, s in zip(problem.X, problem.signs):
            # Forward: each layer's input and pre-activation, kept for the way back.
            inputs, pres, h = [], [], x
            for k, (ws, bs) in enumerate(layers):
                pre = []
                for w, b in zip(ws, bs):
                    act = b  # b + w1*x1 + ... + wn*xn, left to right, as the engines add
                    for wi, hi in zip(w, h):
                        act += wi * hi
                    pre.append(act)
                inputs.append(h)
                pres.append(pre)
                h = [a if a > 0.0 else 0.0 for a in pre] if k < len(layers) - 1 else pre
            margin = 1.0 - s * h[0]
            if margin <= 0.0:  # relu(margin) is 0: this point adds nothing, nor any gradient
                continue
            data_loss += margin
            # Backward: d(loss)/d(score) = -s/n, then through each layer, last to first.
            g = [-s / n]
            for k in range(len(layers) - 1, -1, -1):
                ws, _ = layers[k]
                gws, gbs = grads[k]
                if k < len(layers) - 1:
                    g = [gj if a > 0.0 else 0.0 for gj, a in zip(g, pres[k])]  # relu'
                h, g_in = inputs[k], [0.0] * len(inputs[k])
                for j, gj in enumerate(g):
                    if gj == 0.0:
                        continue
                    gbs[j] += gj
                    gw, w = gws[j], ws[j]
                    for i, hi in enumerate(h):
                        gw[i] += gj * hi
                        g_in[i] += gj * w[i]
                g = g_in
        reg = 0.0
        for (ws, bs), (gws, gbs) in zip(layers, grads):
            for j, (w, gw) in enumerate(zip(ws, gws)):
                reg += sum(wi * wi for wi in w) + bs[j] * bs[j]
                for i, wi in enumerate(w):  # d(alpha * w**2)/dw = 2 * alpha * w
                    w[i] = wi - lr * (gw[i] + 2.0 * problem.alpha * wi)
                bs[j] -= lr * (gbs[j] + 2.0 * problem.alpha * bs[j])
        return data_loss / n + problem.alpha * reg

    return step


def _layers(weights: list[float], sizes: tuple[int, ...]) -> list[Layer]:
    """The flat weights (per neuron: w..., b) as layers of weight rows and biases."""
    layers, k = [], 0
    for nin, nout in zip(sizes, sizes[1:]):
        ws, bs = [], []
        for _ in range(nout):
            ws.append(list(weights[k : k + nin]))
            bs.append(weights[k + nin])
            k += nin + 1
        layers.append((ws, bs))
    return layers


class _Chain:
    """x = x * a, x = x + b, alternately: the inputs of each multiply, for the way back."""

    def __init__(self, n: int) -> None:
        x, a, b = CHAIN_LEAVES
        self.a = a
        self.saved = []
        for _ in range(n // 2):
            self.saved.append(x)
            x = x * a + b
        self.value = x
        self.grads = [0.0, 0.0, 0.0]

    def backward(self) -> None:
        g, ga, gb = 1.0, 0.0, 0.0
        for x in reversed(self.saved):
            gb += g  # through x + b
            ga += g * x  # through x * a
            g *= self.a
        self.grads = [g, ga, gb]


class _Products:
    def __init__(self, xs: list[float], ys: list[float]) -> None:
        self.xs, self.ys = xs, ys
        self.value = sum(x * y for x, y in zip(xs, ys))
        self.grads: list[float] = []

    def backward(self) -> None:
        self.grads = self.ys + self.xs  # d/dxi = yi, d/dyi = xi


spiral_trainer = moons_trainer  # the same MLP and loss, on the spiral problem


def chain(n: int) -> _Chain:
    return _Chain(n)


def sum_of_products(xs: list[float], ys: list[float]) -> _Products:
    return _Products(xs, ys)


def backward(graph: _Chain | _Products) -> None:
    graph.backward()


def gradients(graph: _Chain | _Products) -> tuple[float, list[float]]:
    return graph.value, graph.grads
