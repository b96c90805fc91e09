"""Neurons, layers and multi-layer perceptrons built from Values, as in micrograd.

    model = MLP(2, [16, 16, 1])     # 2 inputs, two ReLU layers of 16, one linear output
    score = model([0.5, -1.0])      # a Value
    model.zero_grad(); score.backward()
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from numbers import Real

import autograd
from autograd import Value

# Each activation by name: the Value method it applies (None: the identity).
ACTIVATIONS = {"relu": Value.relu, "tanh": Value.tanh, "sigmoid": Value.sigmoid, "linear": None}
_DISPLAY_NAMES = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid", "linear": "Linear"}


class Module:
    """The base of everything with parameters."""

    def parameters(self) -> list[Value]:
        return []

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = 0.0


class Neuron(Module):
    """activation(w · x + b), with weights drawn from uniform(-1, 1) and the bias at 0."""

    def __init__(self, nin: int, nonlin: bool = True, activation: str = "relu") -> None:
        _check_size("nin", nin)
        _check_activation(activation)
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(0.0)
        self.activation = activation if nonlin else "linear"  # nonlin=False: micrograd's name

    @property
    def nonlin(self) -> bool:
        return self.activation != "linear"

    def __call__(self, x: Sequence[Value | Real]) -> Value:
        if len(x) != len(self.w):
            raise ValueError(f"{self!r} takes {len(self.w)} inputs; got {len(x)}")
        # b + w1*x1 + ... + wn*xn, added in micrograd's order, as one sum node.
        act = autograd.sum([self.b, *(wi * xi for wi, xi in zip(self.w, x))])
        apply = ACTIVATIONS[self.activation]
        return apply(act) if apply else act

    def parameters(self) -> list[Value]:
        return self.w + [self.b]

    def __repr__(self) -> str:
        return f"{_DISPLAY_NAMES[self.activation]}Neuron({len(self.w)})"


class Layer(Module):
    """`nout` neurons that all see the same inputs."""

    def __init__(self, nin: int, nout: int, **kwargs) -> None:
        _check_size("nout", nout)
        self.neurons = [Neuron(nin, **kwargs) for _ in range(nout)]

    def __call__(self, x: Value | Real | Sequence[Value | Real]) -> Value | list[Value]:
        if isinstance(x, (Value, Real)):  # one input, or a one-neuron layer's output
            x = [x]
        # Wrap numbers once here, not once per neuron that multiplies them.
        x = [xi if isinstance(xi, Value) else Value(xi) for xi in x]
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self) -> list[Value]:
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(Module):
    """Layers of sizes `nouts` on `nin` inputs: `activation` on the hidden layers,
    `output_activation` (linear by default, as in micrograd) on the last."""

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str = "relu",
        output_activation: str = "linear",
    ) -> None:
        if isinstance(nouts, int) or not nouts:
            raise ValueError(f"nouts must be a non-empty list of layer sizes, say [16, 1]: {nouts}")
        sizes = [nin, *nouts]
        last = len(nouts) - 1
        self.layers = [
            Layer(sizes[i], sizes[i + 1], activation=output_activation if i == last else activation)
            for i in range(len(nouts))
        ]

    def __call__(self, x: Value | Real | Sequence[Value | Real]) -> Value | list[Value]:
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"


def _check_size(name: str, size: int) -> None:
    if not isinstance(size, int) or isinstance(size, bool) or size < 1:
        raise ValueError(f"{name} must be a positive whole number; got {size!r}")


def _check_activation(name: str) -> None:
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}")
