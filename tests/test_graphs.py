"""Whole graphs, compared with the same expression built in PyTorch float64: random graphs in
which nodes feed several later nodes (shared sub-expressions), micrograd's own two tests, and
shapes whose path count explodes."""

import math

import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from micrograd_examples import readme_expression

import autograd
from autograd import Value


def close(a, b):
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def torch_leaf(x):
    return torch.tensor(x, dtype=torch.float64, requires_grad=True)


# One step of a random graph: (number of operands, on Values, on tensors). Where the two
# spellings agree one lambda serves both. Each step is safe on any finite input of moderate
# size: log and pow get a positive base (x*x + 1), division a denominator >= 1.
def _same(arity, f):
    return arity, f, f


STEPS = {
    "a + b": _same(2, lambda a, b: a + b),
    "a - b": _same(2, lambda a, b: a - b),
    "a * b": _same(2, lambda a, b: a * b),
    "a / (b*b + 1)": _same(2, lambda a, b: a / (b * b + 1)),
    "(a*a + 1) ** tanh(b)": _same(2, lambda a, b: (a * a + 1) ** b.tanh()),
    "2 ** tanh(a)": _same(1, lambda a: 2 ** a.tanh()),
    "1 - a": _same(1, lambda a: 1 - a),
    "-a": _same(1, lambda a: -a),
    "a ** 2": _same(1, lambda a: a**2),
    "a ** 3": _same(1, lambda a: a**3),
    "(a*a + 1) ** -0.5": _same(1, lambda a: (a * a + 1) ** -0.5),
    "exp(a)": _same(1, lambda a: a.exp()),
    "log(a*a + 1)": _same(1, lambda a: (a * a + 1).log()),
    "sqrt(a*a + 1)": _same(1, lambda a: (a * a + 1).sqrt()),
    "tanh": _same(1, lambda a: a.tanh()),
    "sigmoid": _same(1, lambda a: a.sigmoid()),
    "relu": _same(1, lambda a: a.relu()),
    "abs": _same(1, lambda a: a.abs()),
    "sin": _same(1, lambda a: a.sin()),
    "cos": _same(1, lambda a: a.cos()),
    "softplus": (1, Value.softplus, lambda a: torch.log1p(torch.exp(a))),  # exact, see test_ops
    "leaky_relu": (1, Value.leaky_relu, F.leaky_relu),
    "leaky_relu(0.2)": (1, lambda a: a.leaky_relu(0.2), lambda a: F.leaky_relu(a, 0.2)),
    "sum(3 terms)": (3, lambda *xs: autograd.sum(xs), lambda *xs: torch.stack(xs).sum()),
}
BOUND = 10.0  # a step's result beyond this is squashed with tanh, so nothing overflows


@st.composite
def programs(draw):
    """Leaf values, then steps: (step name, indices into the pool of nodes built so far)."""
    leaves = draw(st.lists(st.floats(-3.0, 3.0), min_size=1, max_size=4))
    steps = []
    for size in range(len(leaves), len(leaves) + draw(st.integers(1, 12))):
        name = draw(st.sampled_from(sorted(STEPS)))
        # indices may repeat and may point at any earlier node: that is what shares nodes
        operands = tuple(draw(st.integers(0, size - 1)) for _ in range(STEPS[name][0]))
        steps.append((name, operands))
    return leaves, steps


def build(leaves, steps):
    values = [Value(x) for x in leaves]
    tensors = [torch_leaf(x) for x in leaves]
    for name, operands in steps:
        _, on_values, on_tensors = STEPS[name]
        value = on_values(*[values[i] for i in operands])
        tensor = on_tensors(*[tensors[i] for i in operands])
        if abs(value.data) > BOUND:  # decided on our data, mirrored in torch's graph
            value, tensor = value.tanh(), tensor.tanh()
        tensor.retain_grad()  # keep interior gradients to compare them too
        values.append(value)
        tensors.append(tensor)
    return values, tensors


@given(programs())
def test_random_graph_with_shared_nodes_matches_torch(program):
    values, tensors = build(*program)
    values[-1].backward()
    tensors[-1].backward()
    assert close(values[-1].data, tensors[-1].item())
    for i, (value, tensor) in enumerate(zip(values, tensors)):
        expected = 0.0 if tensor.grad is None else tensor.grad.item()  # None: not on a path
        assert close(value.grad, expected), (i, value.grad, expected)


@given(programs())
def test_random_graph_nodes_are_sorted_after_their_operands(program):
    values, _ = build(*program)
    order = autograd.topological_order(values[-1])
    position = {node: i for i, node in enumerate(order)}
    assert len(position) == len(order)  # each node once, however many paths reach it
    assert order[-1] is values[-1]
    for node in order:
        assert all(position[operand] < position[node] for operand in node._prev)


def test_diamond_ladder_visits_each_node_once_not_each_path():
    # x = x + x sixty times: 2**60 paths from the output to the leaf, 61 nodes
    leaf = Value(1.0)
    x = leaf
    for _ in range(60):
        x = x + x
    x.backward()
    assert x.data == 2.0**60
    assert leaf.grad == 2.0**60
    assert len(autograd.topological_order(x)) == 61


def test_a_node_feeding_many_nodes_collects_each_contribution():
    x = Value(0.5)
    terms = [x * k for k in range(1, 101)]  # x feeds 100 products
    out = autograd.sum(terms) + terms[0] * terms[1]
    out.backward()
    # d/dx (x * (1 + ... + 100) + 2x**2) = 5050 + 4x
    assert x.grad == 5050.0 + 4.0 * 0.5
    assert all(t.grad == 1.0 for t in terms[2:])
    assert terms[0].grad == 1.0 + terms[1].data and terms[1].grad == 1.0 + terms[0].data


# --- micrograd's own tests, rewritten here -----------------------------------------------


def test_micrograd_sanity_check_matches_torch():
    def f(x):
        z = 2 * x + 2 + x
        q = z.relu() + z * x
        h = (z * z).relu()
        return h + q + q * x

    x = Value(-4.0)
    y = f(x)
    y.backward()
    tx = torch_leaf(-4.0)
    ty = f(tx)
    ty.backward()
    assert close(y.data, ty.item())
    assert close(x.grad, tx.grad.item())


def test_micrograd_more_ops_matches_torch():
    a, b = Value(-4.0), Value(2.0)
    g = readme_expression(a, b)
    g.backward()
    ta, tb = torch_leaf(-4.0), torch_leaf(2.0)
    tg = readme_expression(ta, tb)
    tg.backward()
    assert close(g.data, tg.item())
    assert close(a.grad, ta.grad.item())
    assert close(b.grad, tb.grad.item())
