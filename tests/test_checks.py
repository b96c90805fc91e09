"""gradcheck and gradgradcheck: they pass on correct functions, and catch a wrong rule.

A wrong rule is put into the table of ops for one test (pytest's monkeypatch restores it):
its row in ops.OPS, the one address that the engine and higher order both read. The cases
are generated from autograd.ops.OPS, so a new op fails here until it has one.
"""

import math
import re

import pytest

import autograd
from autograd import GradcheckError, Value, gradcheck, gradgradcheck, ops
from autograd.ops import OPS

# One function per op, at a point away from kinks where its first and second derivatives are
# not 0 (so doubling the first, or freezing it to a constant, changes a number).
CASES = {
    "+": (lambda a, b: a + b, [0.3, -1.2]),
    "sum": (lambda a, b, c: autograd.sum([a, b, c]), [0.5, -1.0, 2.0]),
    "*": (lambda a, b: a * b, [0.7, -1.3]),
    "linear": (
        lambda b, w1, x1, w2, x2: autograd.linear([x1, x2], [w1, w2], b),
        [0.1, 0.5, -1.2, 0.8, 0.3],
    ),
    "neg": (lambda a: -a, [0.9]),
    "**": (lambda a: a**3, [-1.1]),
    "pow": (lambda a, b: a**b, [1.6, -0.7]),
    "exp": (lambda a: a.exp(), [-0.4]),
    "log": (lambda a: a.log(), [0.6]),
    "sqrt": (lambda a: a.sqrt(), [2.2]),
    "tanh": (lambda a: a.tanh(), [0.5]),
    "sigmoid": (lambda a: a.sigmoid(), [0.7]),
    "softplus": (lambda a: a.softplus(), [1.3]),
    "relu": (lambda a: a.relu(), [0.7]),
    "leaky_relu": (lambda a: a.leaky_relu(0.2), [-0.9]),
    "abs": (lambda a: a.abs(), [-0.9]),
    "sin": (lambda a: a.sin(), [1.0]),
    "cos": (lambda a: a.cos(), [0.4]),
}

# Ops whose derivative is a constant (on each side of a kink): their second derivative is 0.
LINEAR = {"+", "sum", "neg", "relu", "leaky_relu", "abs"}

COMPOSITES = {
    "a neuron": (lambda w, x, b: (w * x + b).tanh(), [0.4, -1.5, 0.2]),
    "smooth ops together": (
        lambda x, y: (x * y).sigmoid() * (x * x + 1).log() + y.softplus() / (x.exp() + 1),
        [0.8, -0.6],
    ),
    "powers and roots": (
        lambda x, y: (x * x + y * y).sqrt() + (x * x + 1) ** y - x**-2,
        [1.2, 0.5],
    ),
    "trigonometry": (lambda x, y: (x * y).sin() * y.cos() - x.sin() ** 2, [0.7, 1.9]),
    "kinks away from 0": (
        lambda x, y: (x * y).relu() + (x - y).abs() * y.leaky_relu(0.1) - autograd.sum([x, -y]),
        [1.3, -0.4],
    ),
    "an unused input": (lambda x, y: x.sin() * x, [0.3, 2.0]),
}


def put_rule(monkeypatch, op_name, derivatives):
    """Put a new derivative rule in op's row, where the engine and grad() both read it."""
    monkeypatch.setitem(ops.OPS, op_name, OPS[op_name]._replace(derivatives=derivatives))


def doubled(rule):
    return lambda *args: tuple(2 * d for d in rule(*args))  # works on floats and Values


def frozen(rule):
    # Right on floats, but a constant on Values: the first derivative is right, the second 0.
    return lambda *args: tuple(ops.data(d) for d in rule(*args))


def central_differences(f, point, eps=1e-6):
    """d f / d x_j at point for each j, computed as gradcheck does (f returns one Value)."""
    result = []
    for j, x in enumerate(point):
        above = f(*[Value(x + eps if k == j else p) for k, p in enumerate(point)]).data
        below = f(*[Value(x - eps if k == j else p) for k, p in enumerate(point)]).data
        result.append((above - below) / (2 * eps))
    return result


def numbers_in(message):
    return [float(n) for n in re.findall(r"[-+]?(?:\d+\.\d*|\d+)(?:[eE][-+]?\d+)?", message)]


def assert_names_input_and_numbers(message, j, engine, numerical):
    assert f"input {j}" in message and re.search(rf"\bx{j}\b", message), message
    found = numbers_in(message)
    assert any(math.isclose(n, engine, rel_tol=1e-9) for n in found), (engine, message)
    assert any(math.isclose(n, numerical, rel_tol=1e-9) for n in found), (numerical, message)


# --- the table ------------------------------------------------------------------------------


def test_every_op_in_the_table_of_ops_has_a_case():
    assert set(OPS) <= set(CASES), f"ops with no case in CASES: {sorted(set(OPS) - set(CASES))}"


@pytest.mark.parametrize("op_name", CASES)
def test_each_case_is_the_op_it_claims(op_name):
    f, point = CASES[op_name]
    assert f(*[Value(x) for x in point])._op == op_name


# --- correct functions pass -------------------------------------------------------------------


@pytest.mark.parametrize("op_name", CASES)
def test_gradcheck_and_gradgradcheck_pass_for_every_op(op_name):
    f, point = CASES[op_name]
    assert gradcheck(f, point) is True
    assert gradgradcheck(f, point) is True


@pytest.mark.parametrize("name", COMPOSITES)
def test_gradcheck_and_gradgradcheck_pass_on_functions_of_several_ops(name):
    f, point = COMPOSITES[name]
    assert gradcheck(f, point) is True
    assert gradgradcheck(f, point) is True


def test_gradcheck_passes_on_a_function_with_several_outputs():
    def f(x, y):
        return [x * y, (x + y).tanh(), x.exp() - y.sigmoid()]

    assert gradcheck(f, [0.3, -0.4]) is True


def test_gradcheck_takes_ints_and_keeps_grad_mode_on():
    assert gradcheck(lambda x, y: x * y.exp(), [2, 0]) is True
    assert autograd.is_grad_enabled()


# --- a wrong first derivative ------------------------------------------------------------------


@pytest.mark.parametrize("op_name", CASES)
def test_a_wrong_derivative_rule_is_caught_naming_the_input_and_both_numbers(op_name, monkeypatch):
    f, point = CASES[op_name]
    right = autograd.jacobian(f, point)[0]
    numerical = central_differences(f, point)
    j = next(j for j, d in enumerate(right) if d != 0.0)  # the first input the error shows in

    put_rule(monkeypatch, op_name, doubled(OPS[op_name].derivatives))
    with pytest.raises(GradcheckError) as info:
        gradcheck(f, point)
    message = str(info.value)
    assert "gradcheck" in message
    assert_names_input_and_numbers(message, j, 2 * right[j], numerical[j])


def test_a_wrong_tanh_rule_is_reported_at_the_input_that_goes_through_tanh(monkeypatch):
    def f(x0, x1):
        return x0 * 3 + x1.tanh()

    put_rule(monkeypatch, "tanh", lambda out, x: (1.0 + out * out,))  # the sign of out*out flipped
    t = math.tanh(0.5)
    assert Value(0.5).tanh()._local == (1.0 + t * t,)  # the engine read the patched row
    with pytest.raises(GradcheckError) as info:
        gradcheck(f, [2.0, 0.5])
    message = str(info.value)
    assert "input 0" not in message and "x0" not in message  # x0's derivative, 3, was right
    numerical = central_differences(f, [2.0, 0.5])[1]
    assert math.isclose(numerical, 1.0 - t * t, rel_tol=1e-6)
    assert_names_input_and_numbers(message, 1, 1.0 + t * t, numerical)
    assert gradcheck(f, [2.0, 0.5], raise_exception=False) is False


def test_each_rule_has_one_address_its_row_in_the_table():
    rows = [name for name, value in vars(ops).items() if isinstance(value, ops.Op)]
    assert rows == [], f"rows reachable outside ops.OPS as well: {rows}"
    assert all(OPS[name].name == name for name in OPS)


def test_a_patched_rule_is_restored_when_the_patch_ends(monkeypatch):
    original = OPS["tanh"]
    with monkeypatch.context() as patch:
        put_rule(patch, "tanh", doubled(original.derivatives))
        assert OPS["tanh"] is not original
        assert gradcheck(lambda x: x.tanh(), [0.5], raise_exception=False) is False
    assert OPS["tanh"] is original
    assert gradcheck(lambda x: x.tanh(), [0.5]) is True
    assert gradgradcheck(lambda x: x.tanh(), [0.5]) is True


def test_a_step_hidden_from_the_graph_is_caught():
    # Value(x.data) cuts the graph: the engine sees x * constant, so it misses half of 2x.
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x: x * Value(x.data), [1.5])
    assert_names_input_and_numbers(str(info.value), 0, 1.5, 3.0)


def test_a_mismatch_in_a_later_output_names_that_output():
    def f(x):
        return [x * 2, x * Value(x.data)]  # output 1 hides a step

    with pytest.raises(GradcheckError, match="output 1"):
        gradcheck(f, [1.5])


# --- a wrong second derivative -------------------------------------------------------------------


@pytest.mark.parametrize("op_name", sorted(set(CASES) - LINEAR))
def test_a_rule_right_on_floats_only_is_caught_by_gradgradcheck_not_gradcheck(op_name, monkeypatch):
    f, point = CASES[op_name]
    put_rule(monkeypatch, op_name, frozen(OPS[op_name].derivatives))
    assert gradcheck(f, point) is True  # the first derivative is still right
    with pytest.raises(GradcheckError, match="gradgradcheck"):
        gradgradcheck(f, point)
    assert gradgradcheck(f, point, raise_exception=False) is False


@pytest.mark.parametrize("op_name", sorted(LINEAR))
def test_a_constant_rule_is_right_for_an_op_whose_derivative_is_constant(op_name, monkeypatch):
    f, point = CASES[op_name]
    put_rule(monkeypatch, op_name, frozen(OPS[op_name].derivatives))
    assert gradcheck(f, point) is True
    assert gradgradcheck(f, point) is True


def test_a_wrong_second_derivative_message_names_the_input_and_both_numbers(monkeypatch):
    # tanh'' = -2 tanh (1 - tanh**2); with tanh' frozen to a number the engine says 0
    put_rule(monkeypatch, "tanh", frozen(OPS["tanh"].derivatives))
    with pytest.raises(GradcheckError) as info:
        gradgradcheck(lambda x: x.tanh(), [0.5])
    t = math.tanh(0.5)
    numerical = ((1 - math.tanh(0.5 + 1e-6) ** 2) - (1 - math.tanh(0.5 - 1e-6) ** 2)) / 2e-6
    assert math.isclose(numerical, -2 * t * (1 - t * t), rel_tol=1e-6)
    assert_names_input_and_numbers(str(info.value), 0, 0.0, numerical)


# --- raise_exception, eps, atol, rtol ----------------------------------------------------------


def test_raise_exception_false_returns_false_instead_of_raising():
    def hidden(x):
        return x * Value(x.data)

    assert gradcheck(hidden, [1.5], raise_exception=False) is False
    assert gradgradcheck(lambda x: x * x * Value(x.data), [1.5], raise_exception=False) is False
    assert gradcheck(lambda x: x * x, [1.5], raise_exception=False) is True


def test_the_tolerances_are_the_ones_passed(monkeypatch):
    # a rule off by one part in 10**4: inside rtol=1e-3, outside rtol=1e-6
    right = OPS["sin"].derivatives
    put_rule(monkeypatch, "sin", lambda x, out: tuple(d * (1 + 1e-4) for d in right(x, out)))

    def f(x):
        return x.sin()

    assert gradcheck(f, [0.3]) is True
    assert gradcheck(f, [0.3], rtol=1e-6, atol=0.0, raise_exception=False) is False
    assert gradcheck(f, [0.3], rtol=0.0, atol=1e-3) is True
    assert gradcheck(f, [0.3], rtol=0.0, atol=1e-6, raise_exception=False) is False


def test_eps_is_the_step_of_the_central_differences():
    # with a step of 0.5 the estimate of exp'(0) is sinh(0.5)/0.5 = 1.042, far from 1
    assert gradcheck(lambda x: x.exp(), [0.0], eps=0.5, raise_exception=False) is False
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x: x.exp(), [0.0], eps=0.5)
    assert_names_input_and_numbers(str(info.value), 0, 1.0, math.sinh(0.5) / 0.5)
    assert gradcheck(lambda x: x.exp(), [0.0], eps=1e-4) is True
