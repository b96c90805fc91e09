"""Weight initialisations, with torch.nn.init's names and formulas.

Each function fills weights in place and returns what it was given. It takes
- a list of Values: those Values, as one neuron's weights (fan_in = len, fan_out = 1),
  or a list of lists of Values: a weight matrix, one row per neuron (as torch's weight);
- anything with a `weight_rows()` method that returns such a matrix (HasWeights): a Layer
  (fan_in = inputs, fan_out = neurons) or a Neuron (a layer of one neuron, fan_out = 1).
This file knows nothing of nn.modules: the modules import it, and say through weight_rows()
where their weights are. Biases are never touched by passing a Layer or a Neuron: pass them
as a list (`init.zeros_([n.b for n in layer.neurons])`). The one scheme that draws biases is
MLP(init="lecture"), the micrograd lecture's: it asks a layer for them through `biases()`.

`generator` is where the numbers come from (torch's name): a random.Random, an int seed, or
None for Python's global random, so that `random.seed(...)` makes a run reproducible.

The formulas (fan_in inputs, fan_out outputs of a layer):

    uniform_            U(a, b)
    normal_             N(mean, std²)
    xavier_uniform_     U(-B, B),  B = gain · sqrt(6 / (fan_in + fan_out))   Glorot & Bengio 2010
    xavier_normal_      N(0, σ²),  σ = gain · sqrt(2 / (fan_in + fan_out))
    kaiming_uniform_    U(-B, B),  B = gain · sqrt(3 / fan)                   He et al. 2015
    kaiming_normal_     N(0, σ²),  σ = gain / sqrt(fan)      fan = fan_in (or fan_out)

Xavier keeps the variance of signals the same forwards and backwards through tanh-like
units; He doubles it for ReLU, which zeroes half its inputs (the gain sqrt(2)).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from typing import Protocol, TypeVar, runtime_checkable

from autograd import Value
from nn._random import generator as _generator


@runtime_checkable
class HasWeights(Protocol):
    """What init needs of a layer: its weight matrix, one row (list of Values) per neuron."""

    def weight_rows(self) -> list[list[Value]]: ...


@runtime_checkable
class HasBiases(Protocol):
    """A layer whose biases init="lecture" draws: one bias per row of weight_rows()."""

    def weight_rows(self) -> list[list[Value]]: ...

    def biases(self) -> list[Value]: ...


Target = TypeVar("Target", HasWeights, Sequence[Value], Sequence[Sequence[Value]])

# calculate_gain's table: the factor that makes up for how much an activation shrinks a signal.
_GAINS = {"linear": 1.0, "identity": 1.0, "sigmoid": 1.0, "tanh": 5.0 / 3, "relu": math.sqrt(2.0)}
_GAINS["selu"] = 3.0 / 4


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended gain for an activation, as torch.nn.init.calculate_gain."""
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        if isinstance(slope, bool) or not isinstance(slope, (int, float)):
            raise ValueError(f"leaky_relu's negative slope must be a number; got {slope!r}")
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity not in _GAINS:
        known = ", ".join([*_GAINS, "leaky_relu"])
        raise ValueError(f"unknown nonlinearity {nonlinearity!r}; choose one of {known}")
    return _GAINS[nonlinearity]


def uniform_(
    target: Target, a: float = 0.0, b: float = 1.0, generator: random.Random | None = None
) -> Target:
    if a > b:
        raise ValueError(f"uniform_ needs a <= b; got a={a!r}, b={b!r}")
    rng = _generator(generator)
    for w in _weights(target):
        w.data = rng.uniform(a, b)
    return target


def normal_(
    target: Target, mean: float = 0.0, std: float = 1.0, generator: random.Random | None = None
) -> Target:
    if std < 0:
        raise ValueError(f"normal_ needs a non-negative std; got {std!r}")
    rng = _generator(generator)
    for w in _weights(target):
        w.data = rng.gauss(mean, std)
    return target


def constant_(target: Target, val: float) -> Target:
    for w in _weights(target):
        w.data = float(val)
    return target


def zeros_(target: Target) -> Target:
    return constant_(target, 0.0)


def ones_(target: Target) -> Target:
    return constant_(target, 1.0)


def xavier_uniform_(
    target: Target, gain: float = 1.0, generator: random.Random | None = None
) -> Target:
    fan_in, fan_out = _fans(target)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(target, -bound, bound, generator)


def xavier_normal_(
    target: Target, gain: float = 1.0, generator: random.Random | None = None
) -> Target:
    fan_in, fan_out = _fans(target)
    return normal_(target, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), generator)


def kaiming_uniform_(
    target: Target,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: random.Random | None = None,
) -> Target:
    """He initialisation, uniform. torch's defaults (a=0, leaky_relu) give ReLU's gain sqrt(2)."""
    bound = math.sqrt(3.0) * _kaiming_std(target, a, mode, nonlinearity)  # U(-B, B): var B²/3
    return uniform_(target, -bound, bound, generator)


def kaiming_normal_(
    target: Target,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: random.Random | None = None,
) -> Target:
    """He initialisation, normal: N(0, 2 / fan_in) for ReLU."""
    return normal_(target, 0.0, _kaiming_std(target, a, mode, nonlinearity), generator)


def _kaiming_std(target: Target, a: float, mode: str, nonlinearity: str) -> float:
    return calculate_gain(nonlinearity, a) / math.sqrt(_fan(target, mode))


def _lecture(layer: HasBiases, rng: random.Random) -> HasBiases:
    """The micrograd lecture's Neuron, neuron after neuron: its weights from U(-1, 1), then its
    bias from U(-1, 1) (`self.w = [Value(random.uniform(-1,1)) for _ in range(nin)]`,
    `self.b = Value(random.uniform(-1,1))`), so that under the same seed the numbers are the
    lecture's. That is uniform_ on the matrix whose rows are [w_1, ..., w_n, b]."""
    if not isinstance(layer, HasBiases):
        raise TypeError(f"init 'lecture' draws biases too: {layer!r} has no biases() method")
    rows = [[*row, bias] for row, bias in zip(layer.weight_rows(), layer.biases(), strict=True)]
    uniform_(rows, -1.0, 1.0, rng)
    return layer


# ---------------------------------------------------------------------------------------
# The named schemes of MLP(init=...): each fills a Layer's weights (biases stay 0, but for
# the lecture's, which draws them too).

INITS = {
    "uniform": lambda layer, rng: uniform_(layer, -1.0, 1.0, rng),  # micrograd's default
    "normal": lambda layer, rng: normal_(layer, 0.0, 1.0, rng),
    "xavier": lambda layer, rng: xavier_normal_(layer, generator=rng),  # the article's table
    "xavier_uniform": lambda layer, rng: xavier_uniform_(layer, generator=rng),
    "he": lambda layer, rng: kaiming_normal_(layer, nonlinearity="relu", generator=rng),
    "he_uniform": lambda layer, rng: kaiming_uniform_(layer, nonlinearity="relu", generator=rng),
    "zeros": lambda layer, rng: zeros_(layer),  # every neuron the same: the symmetry problem
    "lecture": _lecture,  # micrograd's lecture: weights, then the bias, from U(-1, 1)
}


def _rows(target: Target) -> list[list[Value]]:
    """The weights of `target` as a matrix: one row per neuron."""
    if isinstance(target, HasWeights):  # a Layer or a Neuron
        return [list(row) for row in target.weight_rows()]
    if isinstance(target, (list, tuple)) and target:
        if all(isinstance(v, Value) for v in target):
            return [list(target)]
        if all(isinstance(row, (list, tuple)) for row in target):
            rows = [list(row) for row in target]
            if all(isinstance(v, Value) for row in rows for v in row):
                return rows
    raise TypeError(
        "init functions take a Layer, a Neuron, a list of Values or a list of lists of Values; "
        f"got {type(target).__name__} (for a whole MLP, use MLP(..., init=...) or loop over "
        "model.layers)"
    )


def _weights(target: Target) -> list[Value]:
    return [w for row in _rows(target) for w in row]


def _fans(target: Target) -> tuple[int, int]:
    rows = _rows(target)
    return len(rows[0]), len(rows)  # fan_in: inputs per neuron; fan_out: neurons


def _fan(target: Target, mode: str) -> int:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode must be 'fan_in' or 'fan_out'; got {mode!r}")
    fan_in, fan_out = _fans(target)
    return fan_in if mode == "fan_in" else fan_out
