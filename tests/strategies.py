"""What the tests share: the optional packages, a random-graph generator and small helpers.

The suite runs with only the runtime dependencies and pytest. torch (the reference the parity
tests compare with), numpy and hypothesis are optional: import them from here, and mark a test
that needs one with requires_torch or requires_numpy (a test decorated with @given is skipped
on its own when hypothesis is missing). Without the package the test is reported as skipped,
with the reason, and the rest of its file still runs.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

import pytest

import autograd
from autograd import Value

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    torch = F = None

try:
    import numpy as np
except ImportError:
    np = None

requires_torch = pytest.mark.skipif(
    torch is None, reason="compares with PyTorch, which is not installed: pip install torch"
)
requires_numpy = pytest.mark.skipif(
    np is None, reason="uses numpy scalars, and numpy is not installed: pip install numpy"
)

try:
    from hypothesis import assume, given, settings
    from hypothesis import strategies as st
except ImportError:
    NO_HYPOTHESIS = (
        "draws its inputs with hypothesis, which is not installed: pip install hypothesis"
    )

    class _NoStrategies:
        """Stands in for hypothesis.strategies: every strategy built from it is this placeholder
        again (st.floats(0, 1) | st.floats(2, 3) included), and nothing ever draws from it,
        because every test @given a strategy is skipped."""

        def __getattr__(self, name):
            return self

        def __call__(self, *args, **kwargs):
            return self

        def __or__(self, other):
            return self

    st = _NoStrategies()

    def given(*args, **kwargs):
        return pytest.mark.skip(reason=NO_HYPOTHESIS)

    def settings(*args, **kwargs):
        return lambda test: test

    def assume(condition):
        return True


# --- small helpers ------------------------------------------------------------------------------


def close(a, b, rel=1e-9, abs_=1e-12):
    """Equal up to float64 rounding: what two correct computations of one number agree to."""
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


def torch_leaf(x):
    return torch.tensor(x, dtype=torch.float64, requires_grad=True)


def torch_leaves(xs):
    return [torch_leaf(x) for x in xs]


def torch_grad(t):
    return 0.0 if t.grad is None else t.grad.item()  # torch leaves an unused input's grad None


def torch_softplus(t):
    # The exact log(1 + e**x) the engine computes: F.softplus returns x itself above its
    # threshold (x = 20 by default), off by 2e-9 in the gradient there.
    return torch.log1p(torch.exp(t))


# --- random graphs --------------------------------------------------------------------------------


def positive(a):
    return a * a + 1  # > 0 for any a: keeps log, sqrt and pow's base inside their domain


@dataclass(frozen=True)
class Step:
    """One step of a random graph: a node made from `arity` earlier nodes."""

    op: str | None  # the primitive of autograd.ops.OPS it exercises; None for a derived op
    arity: int
    on_values: Callable
    on_tensors: Callable | None = None  # None: on_values works on float64 tensors too


# Each step is safe on any finite input of moderate size: log, sqrt and pow get a positive
# base, division a denominator >= 1. test_higher_order fails if an op of OPS is missing here.
STEPS = {
    "a + b": Step("+", 2, lambda a, b: a + b),
    "a - b": Step(None, 2, lambda a, b: a - b),
    "1 - a": Step(None, 1, lambda a: 1 - a),
    "a * b": Step("*", 2, lambda a, b: a * b),
    "a / (b*b + 1)": Step(None, 2, lambda a, b: a / positive(b)),
    "sum(a, b, c)": Step(
        "sum", 3, lambda a, b, c: autograd.sum([a, b, c]), lambda a, b, c: a + b + c
    ),
    "linear([a, b], [b, c], a)": Step(
        "linear",
        3,
        lambda a, b, c: autograd.linear([a, b], [b, c], a),
        lambda a, b, c: a + b * a + c * b,
    ),
    "-a": Step("neg", 1, lambda a: -a),
    "a ** 2": Step("**", 1, lambda a: a**2),
    "a ** 3": Step("**", 1, lambda a: a**3),
    "(a*a + 1) ** -1": Step("**", 1, lambda a: positive(a) ** -1),
    "(a*a + 1) ** 0.5": Step("**", 1, lambda a: positive(a) ** 0.5),
    "(a*a + 1) ** -0.5": Step("**", 1, lambda a: positive(a) ** -0.5),
    "(a*a + 1) ** -1.5": Step("**", 1, lambda a: positive(a) ** -1.5),
    "(a*a + 1) ** b": Step("pow", 2, lambda a, b: positive(a) ** b),
    "(a*a + 1) ** tanh(b)": Step("pow", 2, lambda a, b: positive(a) ** b.tanh()),
    "2 ** tanh(a)": Step("pow", 1, lambda a: 2 ** a.tanh()),
    "exp(a)": Step("exp", 1, lambda a: a.exp()),
    "log(a*a + 1)": Step("log", 1, lambda a: positive(a).log()),
    "sqrt(a*a + 1)": Step("sqrt", 1, lambda a: positive(a).sqrt()),
    "tanh(a)": Step("tanh", 1, lambda a: a.tanh()),
    "sigmoid(a)": Step("sigmoid", 1, lambda a: a.sigmoid()),
    "softplus(a)": Step("softplus", 1, lambda a: a.softplus(), lambda a: torch_softplus(a)),
    "relu(a)": Step("relu", 1, lambda a: a.relu()),
    "leaky_relu(a)": Step("leaky_relu", 1, lambda a: a.leaky_relu(), lambda a: F.leaky_relu(a)),
    "leaky_relu(a, 0.2)": Step(
        "leaky_relu", 1, lambda a: a.leaky_relu(0.2), lambda a: F.leaky_relu(a, 0.2)
    ),
    "abs(a)": Step("abs", 1, lambda a: a.abs()),
    "sin(a)": Step("sin", 1, lambda a: a.sin()),
    "cos(a)": Step("cos", 1, lambda a: a.cos()),
}


@st.composite
def programs(draw, max_leaves=4, steps=(1, 12), low=-3.0, high=3.0, bound=None):
    """A random graph as a program: (leaf values, steps), each step (name in STEPS, indices of
    earlier nodes, squash). Indices may repeat and may point at any earlier node: that is what
    shares nodes. With a bound, a step whose result on Values is beyond it has squash set, and
    run() passes it through tanh, on Values and tensors alike, so nothing overflows."""
    leaves = draw(st.lists(st.floats(low, high), min_size=1, max_size=max_leaves), label="leaves")
    program = []
    values = [Value(x) for x in leaves]
    for size in range(len(leaves), len(leaves) + draw(st.integers(*steps), label="steps")):
        name = draw(st.sampled_from(sorted(STEPS)))
        operands = tuple(draw(st.integers(0, size - 1)) for _ in range(STEPS[name].arity))
        value = STEPS[name].on_values(*[values[i] for i in operands])
        squash = bound is not None and abs(value.data) > bound
        values.append(value.tanh() if squash else value)
        program.append((name, operands, squash))
    return leaves, program


def run(program, leaves):
    """Every node of the program on these leaves (Values, or float64 tensors): the leaves, then
    one node per step."""
    nodes = list(leaves)
    for name, operands, squash in program:
        step = STEPS[name]
        args = [nodes[i] for i in operands]
        on_values = isinstance(args[0], Value)
        node = (step.on_values if on_values or step.on_tensors is None else step.on_tensors)(*args)
        nodes.append(node.tanh() if squash else node)
    return nodes
