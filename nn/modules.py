"""Neurons, layers and multi-layer perceptrons built from Values, as in micrograd.

    model = MLP(2, [16, 16, 1])     # 2 inputs, two ReLU layers of 16, one linear output
    score = model([0.5, -1.0])      # a Value
    model.zero_grad(); score.backward()

Every parameter has a PyTorch-style dotted name (`layers.0.neurons.3.w.1`), which
`state_dict()` and `load_state_dict()` use to copy weights in and out as plain floats.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from numbers import Integral, Real
from typing import NamedTuple

import autograd
from autograd import Value
from nn import init as _init
from nn._random import Seed
from nn._random import generator as _generator

# Each activation by name: the Value method it applies (None: the identity).
ACTIVATIONS = {
    "relu": Value.relu,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "leaky_relu": Value.leaky_relu,  # slope 0.01 below zero, as torch.nn.LeakyReLU()
    "linear": None,
}
_DISPLAY_NAMES = {
    "relu": "ReLU",
    "tanh": "Tanh",
    "sigmoid": "Sigmoid",
    "leaky_relu": "LeakyReLU",
    "linear": "Linear",
}


class StateDictError(ValueError):
    """A state_dict that does not fit the model: missing or unexpected names, or non-numbers."""


class IncompatibleKeys(NamedTuple):  # what load_state_dict(strict=False) returns, as in torch
    missing_keys: list[str]
    unexpected_keys: list[str]


class Module:
    """The base of everything with parameters."""

    def parameters(self) -> list[Value]:
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = 0.0

    def named_parameters(self) -> Iterator[tuple[str, Value]]:
        """(dotted name, Value) for every parameter, found in the attributes in the order they
        were set: a Value, a Module, or a list of either. A walk with a stack, not recursion.

        Each parameter is listed once, under the first name it is found by, and each module
        and list is walked once, as torch does: a Value shared by two modules is one
        parameter, and a module that refers to itself or to its parent (`model.me = model`,
        `layer.parent = model`) is not walked again, so the walk always ends."""
        seen: set[int] = set()  # ids of the Values, Modules and lists already reached
        stack: list[tuple[str, object]] = [("", self)]
        while stack:
            name, item = stack.pop()
            if not isinstance(item, (Value, Module, list, tuple)):
                continue  # a number, a string: not a parameter
            if id(item) in seen:
                continue
            seen.add(id(item))
            if isinstance(item, Value):
                yield name, item
                continue
            if isinstance(item, Module):
                children = list(vars(item).items())
            else:
                children = [(str(i), child) for i, child in enumerate(item)]
            stack.extend((f"{name}.{key}" if name else key, child) for key, child in children[::-1])

    def state_dict(self) -> dict[str, float]:
        """Every parameter's number by its dotted name, in parameters() order."""
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(
        self, state_dict: Mapping[str, float], strict: bool = True
    ) -> IncompatibleKeys:
        """Copy the numbers of `state_dict` into the parameters of the same names.

        Everything is checked before anything is assigned, so a state_dict that does not fit
        (a missing name, a non-number, a number too big for a float) leaves the model as it
        was. strict=False loads the names that fit and returns those that did not, as torch
        does. nan and inf are copied as they are, as torch copies them (files refuse them).
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"load_state_dict takes a dict of name: number; got {state_dict!r}")
        own = dict(self.named_parameters())
        numbers, not_numbers, too_big = {}, [], []
        for name in own:  # every conversion before any assignment: all or nothing
            if name not in state_dict:
                continue  # missing: see below
            value = state_dict[name]
            if isinstance(value, bool) or not isinstance(value, Real):
                not_numbers.append(name)
                continue
            try:
                numbers[name] = float(value)
            except OverflowError:  # an int like 10**400: no float holds it
                too_big.append(name)
        if not_numbers:
            raise StateDictError(f"these entries are not numbers: {_some(not_numbers)}")
        if too_big:
            raise StateDictError(f"these entries are too big for a float: {_some(too_big)}")
        missing = [name for name in own if name not in state_dict]
        unexpected = [name for name in state_dict if name not in own]
        if strict and (missing or unexpected):
            problems = []
            if missing:
                problems.append(f"missing keys {_some(missing)}")
            if unexpected:
                problems.append(f"unexpected keys {_some(unexpected)}")
            raise StateDictError(
                f"the state_dict does not fit this {type(self).__name__}: {'; '.join(problems)} "
                "(was it saved from a model of another architecture?)"
            )
        for name, number in numbers.items():
            own[name].data = number
        return IncompatibleKeys(missing, unexpected)


class Neuron(Module):
    """activation(w · x + b), with weights drawn by `init` (micrograd's uniform(-1, 1) by
    default; see nn.init.INITS) and the bias at 0 (init="lecture": weights, then the bias,
    from uniform(-1, 1), as the micrograd lecture's Neuron). `seed`: see nn/_random.py."""

    def __init__(
        self,
        nin: int,
        nonlin: bool = True,
        activation: str = "relu",
        init: str = "uniform",
        seed: Seed = None,
    ) -> None:
        check_size("nin", nin)
        _check_activation(activation)
        _check_init(init)
        self.w = [Value(0.0) for _ in range(nin)]
        self.b = Value(0.0)
        self.activation = activation if nonlin else "linear"  # nonlin=False: micrograd's name
        _init.INITS[init](self, _generator(seed))
        self.label_parameters()

    def label_parameters(self, prefix: str = "") -> None:
        """Name the parameters after where they live, for drawings: `w1`, `w2`, `b`, and
        inside a layer of a model `L1.n3.w2`. Only labels change; the numbers do not."""
        for i, w in enumerate(self.w, 1):
            w.label = f"{prefix}w{i}"  # w_i multiplies the input x_i
        self.b.label = f"{prefix}b"

    @property
    def nonlin(self) -> bool:
        return self.activation != "linear"

    def __call__(self, x: Sequence[Value | Real]) -> Value:
        # A whole data set passed as one point is looked for only once the call has failed:
        # this method runs for every neuron of every point.
        if len(x) != len(self.w):
            _check_one_point(self, x, len(self.w))
            raise ValueError(f"{self!r} takes {len(self.w)} inputs; got {len(x)}")
        # b + w1*x1 + ... + wn*xn, added in micrograd's order, as one node whose edges carry
        # the local derivatives x_i (to w_i), w_i (to x_i) and 1 (to b).
        try:
            act = autograd.linear(x, self.w, self.b)
        except TypeError:  # as many points as inputs: linear() met a point where a number goes
            _check_one_point(self, x, len(self.w))
            raise
        apply = ACTIVATIONS[self.activation]
        return apply(act) if apply else act

    def parameters(self) -> list[Value]:
        return self.w + [self.b]

    def weight_rows(self) -> list[list[Value]]:  # what nn.init fills: a layer of one neuron
        return [self.w]

    def biases(self) -> list[Value]:  # what init="lecture" draws too
        return [self.b]

    def __repr__(self) -> str:
        return f"{_DISPLAY_NAMES[self.activation]}Neuron({len(self.w)})"


class Layer(Module):
    """`nout` neurons that all see the same inputs."""

    def __init__(
        self,
        nin: int,
        nout: int,
        nonlin: bool = True,
        activation: str = "relu",
        init: str = "uniform",
        seed: Seed = None,
    ) -> None:
        check_size("nout", nout)
        _check_init(init)
        self.neurons = [Neuron(nin, nonlin, activation, init="zeros") for _ in range(nout)]
        # Drawn for the layer as a whole, row by row: Xavier and He need its fan_out, and
        # uniform draws the same numbers, in the same order, as micrograd's neurons did.
        _init.INITS[init](self, _generator(seed))
        self.label_parameters()

    def label_parameters(self, prefix: str = "") -> None:
        """Name the parameters `n3.w2` (neuron 3's weight on input 2), `n3.b`, after `prefix`."""
        for j, neuron in enumerate(self.neurons, 1):
            neuron.label_parameters(f"{prefix}n{j}.")

    def __call__(self, x: Value | Real | Sequence[Value | Real]) -> Value | list[Value]:
        if isinstance(x, (Value, Real)):  # one input, or a one-neuron layer's output
            x = [x]
        _check_one_point(self, x, len(self.neurons[0].w))
        # Wrap numbers once here, not once per neuron that multiplies them.
        x = [xi if isinstance(xi, Value) else Value(xi) for xi in x]
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self) -> list[Value]:
        return [p for n in self.neurons for p in n.parameters()]

    def weight_rows(self) -> list[list[Value]]:  # what nn.init fills: one row per neuron
        return [n.w for n in self.neurons]

    def biases(self) -> list[Value]:  # what init="lecture" draws too, one per row
        return [n.b for n in self.neurons]

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(Module):
    """Layers of sizes `nouts` on `nin` inputs: `activation` on the hidden layers,
    `output_activation` (linear by default, as in micrograd) on the last.

    init: how weights are drawn, one of nn.init.INITS ('uniform', micrograd's U(-1, 1), by
    default; 'xavier', 'he', 'zeros'...); biases start at 0. seed: an int makes the weights
    reproducible; a random.Random is drawn from; None uses Python's global random.

    The network of the second half of the micrograd lecture, tanh on every layer and each
    neuron's weights and then its bias drawn from U(-1, 1), gives the lecture's numbers under
    the same seed:

        random.seed(1337)
        n = MLP(3, [4, 4, 1], activation="tanh", output_activation="tanh", init="lecture")
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str = "relu",
        output_activation: str = "linear",
        init: str = "uniform",
        seed: Seed = None,
    ) -> None:
        if isinstance(nouts, int) or not nouts:
            raise ValueError(f"nouts must be a non-empty list of layer sizes, say [16, 1]: {nouts}")
        check_size("nin", nin)
        for size in nouts:  # all of them before any layer is built
            check_size("every layer size in nouts", size)
        _check_activation(activation)
        _check_activation(output_activation)
        rng = _generator(seed)  # one generator for all layers: a seed fixes the whole model
        sizes = [nin, *nouts]
        last = len(nouts) - 1
        self.layers = [
            Layer(
                sizes[i],
                sizes[i + 1],
                activation=output_activation if i == last else activation,
                init=init,
                seed=rng,
            )
            for i in range(len(nouts))
        ]
        for k, layer in enumerate(self.layers, 1):
            layer.label_parameters(f"L{k}.")  # L1.n3.w2: layer 1, neuron 3, the weight on input 2
        # The architecture, which nn.save writes so that nn.load can rebuild the model.
        self.nin = nin
        self.nouts = list(nouts)
        self.activation = activation
        self.output_activation = output_activation

    def __call__(self, x: Value | Real | Sequence[Value | Real]) -> Value | list[Value]:
        _check_one_point(self, x, self.nin)
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"


def _check_one_point(module: Module, x: object, nin: int) -> None:
    """A model is called on one point, a list of numbers; a list of points (a whole data set)
    would otherwise fail deep inside as "Value() takes a real number"."""
    if isinstance(x, (list, tuple)) and x and isinstance(x[0], (list, tuple)):
        raise TypeError(
            f"{type(module).__name__} takes one point at a time, a list of {nin} numbers; got a "
            f"list of {len(x)} lists (a whole data set?). Call the model once per point: "
            "[model(x) for x in X], and pass that list to a loss of nn.functional (a list has "
            "no backward(); the loss does)"
        )


def is_size(size: object) -> bool:
    """A layer size: a positive whole number. nn.load asks it of a file's sizes before it
    builds anything, so the file and the constructors agree on what a size is."""
    return isinstance(size, int) and not isinstance(size, bool) and size >= 1


def check_size(name: str, size: int) -> None:
    """ValueError unless `size` is a positive whole number: layer sizes, and the schedulers'
    step counts."""
    if not is_size(size):
        raise ValueError(f"{name} must be a positive whole number; got {size!r}{not_python(size)}")


def not_python(number: object) -> str:
    """For an error message: the fix, when `number` is a number but not Python's own (numpy's
    int64 or float32, say), which nn keeps out of its models so that their files save."""
    if isinstance(number, (int, float)) or not isinstance(
        number, Real
    ):  # numpy's float64 is a float
        return ""
    like = "int" if isinstance(number, Integral) else "float"
    return f" ({type(number).__name__} is not Python's {like}: {like}(...) makes one)"


def _check_activation(name: str) -> None:
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}")


def _check_init(name: str) -> None:
    if name not in _init.INITS:
        raise ValueError(f"unknown init {name!r}; choose one of {', '.join(_init.INITS)}")


def _some(names: list[str], shown: int = 5) -> str:
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more
