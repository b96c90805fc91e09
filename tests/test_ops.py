"""Every op, one at a time: value and gradient against PyTorch in float64 and against central
finite differences, the conventions at kinks, and the local derivatives stored on each node.

The cases come from one table, CASES. A test fails when autograd.ops.OPS holds an op that no
case covers, so a new primitive is tested the moment it is added to the table of ops.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from strategies import (
    F,
    close,
    given,
    requires_torch,
    st,
    torch,
    torch_grad,
    torch_leaves,
    torch_softplus,
)

import autograd
from autograd import Value
from autograd.ops import OPS


def floats(low, high):
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


ANY = floats(-10.0, 10.0)
WIDE = floats(-50.0, 50.0)  # exp(50) is large but far from overflow; tanh and sigmoid saturate
POSITIVE = floats(0.01, 100.0)
NONZERO = floats(0.01, 10.0) | floats(-10.0, -0.01)  # off kinks and poles; those are tested below


@dataclass(frozen=True)
class Case:
    op: str | None  # the primitive this case covers, as named in OPS; None for a derived op
    call: Callable  # the expression on Values
    torch: Callable  # the same expression on float64 tensors
    inputs: st.SearchStrategy  # a tuple of floats, one per Value operand


def unary(op, call, reference, domain=ANY):
    return Case(op, call, reference, st.tuples(domain))


def binary(op, call, reference, first=ANY, second=ANY):
    return Case(op, call, reference, st.tuples(first, second))


# The torch side of each case is a lambda, so that torch is looked up only when a test that
# compares with it runs: without torch the table is still built, and those tests are skipped.
CASES = {
    # primitives
    "a + b": binary("+", lambda a, b: a + b, lambda a, b: a + b),
    "sum(xs)": Case(
        "sum",
        lambda *xs: autograd.sum(xs),
        lambda *xs: torch.stack(xs).sum(),
        st.lists(ANY, min_size=1, max_size=6).map(tuple),
    ),
    "a * b": binary("*", lambda a, b: a * b, lambda a, b: a * b),
    "linear(xs, ws, b)": Case(
        "linear",
        lambda b, w1, x1, w2, x2: autograd.linear([x1, x2], [w1, w2], b),
        lambda b, w1, x1, w2, x2: b + w1 * x1 + w2 * x2,
        st.tuples(ANY, ANY, ANY, ANY, ANY),
    ),
    "-a": unary("neg", lambda a: -a, lambda a: -a),
    "a ** 2": unary("**", lambda a: a**2, lambda a: a**2),
    "a ** 3": unary("**", lambda a: a**3, lambda a: a**3),
    "a ** -1": unary("**", lambda a: a**-1, lambda a: a**-1, NONZERO),  # negative bases too
    "a ** -2": unary("**", lambda a: a**-2, lambda a: a**-2, NONZERO),
    "a ** 0.5": unary("**", lambda a: a**0.5, lambda a: a**0.5, POSITIVE),
    "a ** 1.5": unary("**", lambda a: a**1.5, lambda a: a**1.5, POSITIVE),
    "a ** -0.5": unary("**", lambda a: a**-0.5, lambda a: a**-0.5, POSITIVE),
    "a ** b": binary(
        "pow", lambda a, b: a**b, lambda a, b: torch.pow(a, b), floats(0.1, 10.0), floats(-3.0, 3.0)
    ),
    "exp": unary("exp", Value.exp, lambda t: torch.exp(t), WIDE),
    "log": unary("log", Value.log, lambda t: torch.log(t), POSITIVE),
    "sqrt": unary("sqrt", Value.sqrt, lambda t: torch.sqrt(t), POSITIVE),
    "tanh": unary("tanh", Value.tanh, lambda t: torch.tanh(t), WIDE),
    "sigmoid": unary("sigmoid", Value.sigmoid, lambda t: torch.sigmoid(t), WIDE),
    "softplus": unary("softplus", Value.softplus, torch_softplus, WIDE),
    "relu": unary("relu", Value.relu, lambda t: torch.relu(t), NONZERO),
    "leaky_relu": unary("leaky_relu", Value.leaky_relu, lambda t: F.leaky_relu(t), NONZERO),
    "leaky_relu(0.2)": unary(  # the default above is alpha 0.01
        "leaky_relu", lambda a: a.leaky_relu(0.2), lambda a: F.leaky_relu(a, 0.2), NONZERO
    ),
    "abs": unary("abs", Value.abs, lambda t: torch.abs(t), NONZERO),
    "abs()": unary("abs", abs, abs, NONZERO),  # the builtin, through __abs__
    "sin": unary("sin", Value.sin, lambda t: torch.sin(t)),
    "cos": unary("cos", Value.cos, lambda t: torch.cos(t)),
    # derived ops, written in terms of the primitives, with numbers on either side
    "a - b": binary(None, lambda a, b: a - b, lambda a, b: a - b),
    "a / b": binary(None, lambda a, b: a / b, lambda a, b: a / b, ANY, NONZERO),
    "a + 2.5": unary(None, lambda a: a + 2.5, lambda a: a + 2.5),
    "2.5 + a": unary(None, lambda a: 2.5 + a, lambda a: 2.5 + a),
    "a - 2": unary(None, lambda a: a - 2, lambda a: a - 2),
    "1 - a": unary(None, lambda a: 1 - a, lambda a: 1 - a),
    "a * -1.5": unary(None, lambda a: a * -1.5, lambda a: a * -1.5),
    "-1.5 * a": unary(None, lambda a: -1.5 * a, lambda a: -1.5 * a),
    "a / 4": unary(None, lambda a: a / 4, lambda a: a / 4),
    "2 / a": unary(None, lambda a: 2 / a, lambda a: 2 / a, NONZERO),
    "2 ** a": unary(None, lambda a: 2**a, lambda a: 2**a),
    "+a * 3": unary(None, lambda a: +a * 3, lambda a: +a * 3),
}
PRIMITIVES = [name for name, case in CASES.items() if case.op is not None]


# --- the table itself --------------------------------------------------------------------


def test_every_op_in_the_table_of_ops_has_a_case():
    covered = {case.op for case in CASES.values()}
    assert set(OPS) <= covered, f"ops with no case in CASES: {sorted(set(OPS) - covered)}"


# --- against PyTorch and finite differences ------------------------------------------------


@requires_torch
@pytest.mark.parametrize("name", CASES)
@given(data=st.data())
def test_value_and_grads_match_torch(name, data):
    case = CASES[name]
    xs = data.draw(case.inputs, label="inputs")
    values = [Value(x) for x in xs]
    out = case.call(*values)
    out.backward()
    tensors = torch_leaves(xs)
    expected = case.torch(*tensors)
    expected.backward()
    assert close(out.data, expected.item()), (out.data, expected.item())
    for value, tensor in zip(values, tensors):
        assert close(value.grad, torch_grad(tensor)), (value.grad, torch_grad(tensor))


@pytest.mark.parametrize("name", CASES)
@given(data=st.data())
def test_grads_match_central_differences(name, data):
    case = CASES[name]
    xs = data.draw(case.inputs, label="inputs")
    values = [Value(x) for x in xs]
    case.call(*values).backward()

    def f(inputs):
        return case.call(*[Value(x) for x in inputs]).data

    for i, value in enumerate(values):
        h = 1e-6 * max(1.0, abs(xs[i]))  # a relative step, so large inputs are not lost to rounding
        up = f(xs[:i] + (xs[i] + h,) + xs[i + 1 :])
        down = f(xs[:i] + (xs[i] - h,) + xs[i + 1 :])
        numeric = (up - down) / (2 * h)
        assert close(value.grad, numeric, rel=1e-5, abs_=1e-7), (i, value.grad, numeric)


@requires_torch
@pytest.mark.parametrize("name", PRIMITIVES)
@given(data=st.data())
def test_local_derivatives_on_the_node_match_torch(name, data):
    case = CASES[name]
    xs = data.draw(case.inputs, label="inputs")
    values = [Value(x) for x in xs]
    node = case.call(*values)
    tensors = torch_leaves(xs)
    expected = torch.autograd.grad(case.torch(*tensors), tensors)
    assert node._op == case.op  # the case covers the op it claims to
    # one edge per operand, in operand order, each carrying d(node)/d(operand)
    assert len(node._prev) == len(node._local) == len(values)
    assert all(operand is value for operand, value in zip(node._prev, values))
    for local, grad in zip(node._local, expected):
        assert close(local, grad.item()), (local, grad.item())


# --- kinks and edges -----------------------------------------------------------------------

KINKED = {
    "relu": (Value.relu, lambda t: torch.relu(t)),
    "abs": (Value.abs, lambda t: torch.abs(t)),
    "leaky_relu": (Value.leaky_relu, lambda t: F.leaky_relu(t)),
    "leaky_relu(0.2)": (lambda a: a.leaky_relu(0.2), lambda a: F.leaky_relu(a, 0.2)),
}


@requires_torch
@pytest.mark.parametrize("name", KINKED)
@pytest.mark.parametrize("x", [0.0, -0.0, 5e-324, -5e-324, 1e-300, -1e-300, 1e-8, -1e-8])
def test_at_and_around_kinks_value_and_grad_equal_torchs(name, x):
    call, reference = KINKED[name]
    value = Value(x)
    out = call(value)
    out.backward()
    [tensor] = torch_leaves([x])
    expected = reference(tensor)
    expected.backward()
    assert out.data == expected.item()
    assert value.grad == tensor.grad.item()


@requires_torch
@pytest.mark.parametrize(
    "name, convention",
    [("relu", 0.0), ("abs", 0.0), ("leaky_relu", 0.01), ("leaky_relu(0.2)", 0.2)],
)
def test_derivative_at_zero_is_the_documented_convention(name, convention):
    call, reference = KINKED[name]
    value = Value(0.0)
    call(value).backward()
    [tensor] = torch_leaves([0.0])
    reference(tensor).backward()
    assert value.grad == convention == tensor.grad.item()


@requires_torch
@pytest.mark.parametrize("exponent", [0, 1, 2, 3, 0.5, 1.5])
def test_number_power_of_zero_matches_torch(exponent):
    # d(x**n)/dx at x = 0: torch takes x**0 as the constant 1 (derivative 0) and sqrt'(0) = inf
    base = Value(0.0)
    out = base**exponent
    out.backward()
    [tensor] = torch_leaves([0.0])
    expected = tensor**exponent
    expected.backward()
    assert out.data == expected.item()
    assert base.grad == tensor.grad.item()


@requires_torch
@pytest.mark.parametrize("a, b", [(0.0, 0.0), (0.0, 2.0), (0.0, 0.5), (-2.0, 2.0), (-2.0, 3.0)])
def test_value_power_at_zero_and_negative_bases_matches_torch(a, b):
    base, exponent = Value(a), Value(b)
    out = base**exponent
    out.backward()
    tensors = torch_leaves([a, b])
    expected = tensors[0] ** tensors[1]
    expected.backward()
    assert out.data == expected.item()
    for value, tensor in zip((base, exponent), tensors):
        got, want = value.grad, tensor.grad.item()
        assert got == want or (math.isnan(got) and math.isnan(want)), (got, want)


# --- the edges a node keeps ----------------------------------------------------------------


def test_a_times_a_keeps_both_edges_and_gets_gradient_2a():
    a = Value(3.0)
    out = a * a
    assert len(out._prev) == 2 and out._prev[0] is a and out._prev[1] is a
    out.backward()
    assert a.grad == 6.0


@pytest.mark.parametrize(
    "build, expected_grad",
    [
        (lambda a: a + a, 2.0),
        (lambda a: autograd.sum([a, a, a]), 3.0),
        (lambda a: a**a, 3.0**3.0 * (math.log(3.0) + 1.0)),  # d(a**a)/da = a**a (ln a + 1)
    ],
)
def test_an_operand_used_twice_by_one_node_counts_twice(build, expected_grad):
    a = Value(3.0)
    build(a).backward()
    assert close(a.grad, expected_grad)


def test_operands_are_kept_in_order_with_numbers_as_constant_leaves():
    a, b = Value(1.0), Value(2.0)
    node = autograd.sum([a, 5, b])
    assert node._prev[0] is a and node._prev[2] is b
    constant = node._prev[1]
    assert constant.data == 5.0 and constant._prev == () and constant._op == ""
    assert (a - b)._prev[0] is a  # a - b = a + (-b): a first
    assert (a - b)._prev[1]._prev == (b,)


def test_constant_arguments_are_kept_on_the_node():
    a = Value(3.0)
    assert (a**2)._arg == 2.0
    assert a.leaky_relu(0.2)._arg == 0.2
    assert (a * a)._arg is None
