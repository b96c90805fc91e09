"""Forward mode: autograd.jvp against reverse mode and against torch.func.jvp in float64.

Every op of the table has a case here (a new op of autograd.ops.OPS fails until it has one),
and random graphs with shared nodes come from strategies.py. jvp's directional derivative must
equal the gradient from a backward pass dotted with the tangent, and torch's jvp, to 1e-12.
The tests that compare with torch skip themselves when it is not installed.
"""

import math
import random
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from strategies import STEPS, assume, given, programs, run, torch_softplus

import autograd
from autograd import Value
from autograd.forward_mode import carry_tangents
from autograd.ops import OPS

REL = 1e-12


def close(got, want, scale=1.0):
    # Relative to 1e-12. `scale` is the size of what a sum of products cancelled from (see
    # magnitude); 1e-300 lets two subnormal numbers that round differently agree.
    return math.isclose(got, want, rel_tol=REL, abs_tol=REL * scale + 1e-300)


def magnitude(y, xs, tangents):
    """The directional derivative with every local derivative and tangent made positive: the
    sum over paths of |product along the path|, which bounds the rounding of either mode."""
    sizes = {x: abs(t) for x, t in zip(xs, tangents)}
    for node in autograd.topological_order(y):
        if node not in sizes:
            sizes[node] = sum(
                abs(local) * sizes.get(operand, 0.0)
                for operand, local in zip(node._prev, node._local)
            )
    return sizes[y]


def reverse_mode(fn, primals, tangents):
    """(value, dot(grad, tangent), magnitude) from one backward pass: what jvp must agree with."""
    xs = [Value(x) for x in primals]
    y = fn(*xs)
    grads = autograd.grad(y, xs, allow_unused=True)
    terms = [0.0 if g is None else g.data * t for g, t in zip(grads, tangents)]
    return y.data, math.fsum(terms), magnitude(y, xs, tangents)


def well_conditioned(nodes):
    """No saturated tanh or sigmoid: there 1 - y*y is tiny, and one ulp of difference between
    torch's tanh and math.tanh changes it by far more than 1e-12 (1e-8 at tanh(10))."""
    return all(abs(node._local[0]) > 1e-3 for node in nodes if node._op in ("tanh", "sigmoid"))


def torch_jvp(fn, primals, tangents):
    torch = pytest.importorskip("torch")
    value, derivative = torch.func.jvp(
        fn,
        tuple(torch.tensor(x, dtype=torch.float64) for x in primals),
        tuple(torch.tensor(t, dtype=torch.float64) for t in tangents),
    )
    return value.item(), derivative.item()


# --- every op of the table ---------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    op: str  # the primitive this case covers, as named in OPS
    engine: Callable  # on Values
    torch: Callable | None  # the same function on float64 tensors; None: `engine` works on both
    primals: tuple  # away from kinks and poles, inside the domain
    tangents: tuple


def leaky(slope):
    def on_tensors(t):
        import torch.nn.functional as F

        return F.leaky_relu(t, slope)

    return on_tensors


CASES = {
    "a + b": Case("+", lambda a, b: a + b, None, (0.3, -1.2), (0.7, -0.4)),
    "sum": Case(
        "sum",
        lambda a, b, c: autograd.sum([a, b, c]),
        lambda a, b, c: a + b + c,
        (0.5, -1.0, 2.0),
        (1.0, 0.3, -2.0),
    ),
    "a * b": Case("*", lambda a, b: a * b, None, (0.7, -1.3), (-0.2, 0.9)),
    "linear": Case(
        "linear",
        lambda b, w1, x1, w2, x2: autograd.linear([x1, x2], [w1, w2], b),
        lambda b, w1, x1, w2, x2: b + w1 * x1 + w2 * x2,
        (0.1, 0.5, -1.2, 0.8, 0.3),
        (0.4, -1.0, 0.6, 0.2, -0.7),
    ),
    "-a": Case("neg", lambda a: -a, None, (0.9,), (1.3,)),
    "a ** 3": Case("**", lambda a: a**3, None, (-1.1,), (0.6,)),
    "a ** -1.5": Case("**", lambda a: a**-1.5, None, (0.6,), (-0.8,)),
    "a ** b": Case("pow", lambda a, b: a**b, None, (1.6, -0.7), (0.5, 1.2)),
    "exp": Case("exp", lambda a: a.exp(), None, (0.4,), (-1.5,)),
    "log": Case("log", lambda a: a.log(), None, (2.5,), (0.8,)),
    "sqrt": Case("sqrt", lambda a: a.sqrt(), None, (1.7,), (0.9,)),
    "tanh": Case("tanh", lambda a: a.tanh(), None, (0.8,), (-1.1,)),
    "sigmoid": Case("sigmoid", lambda a: a.sigmoid(), None, (-0.6,), (2.0,)),
    "softplus": Case("softplus", lambda a: a.softplus(), torch_softplus, (0.7,), (1.4,)),
    "relu": Case("relu", lambda a: a.relu(), None, (1.3,), (-0.5,)),
    "relu below 0": Case("relu", lambda a: a.relu(), None, (-1.3,), (-0.5,)),
    "leaky_relu": Case("leaky_relu", lambda a: a.leaky_relu(0.2), leaky(0.2), (-0.9,), (1.5,)),
    "abs": Case("abs", lambda a: a.abs(), None, (-0.7,), (0.3,)),
    "sin": Case("sin", lambda a: a.sin(), None, (0.9,), (-1.2,)),
    "cos": Case("cos", lambda a: a.cos(), None, (0.9,), (0.6,)),
}


def test_every_op_in_the_table_has_a_case():
    covered = {case.op for case in CASES.values()}
    assert set(OPS) <= covered, f"ops with no case in CASES: {sorted(set(OPS) - covered)}"


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_op_matches_reverse_mode(name):
    case = CASES[name]
    value, derivative = autograd.jvp(case.engine, case.primals, case.tangents)
    want_value, want, scale = reverse_mode(case.engine, case.primals, case.tangents)
    assert value == want_value
    assert close(derivative, want, scale), (derivative, want)


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_op_matches_torch(name):
    case = CASES[name]
    value, derivative = autograd.jvp(case.engine, case.primals, case.tangents)
    want_value, want = torch_jvp(case.torch or case.engine, case.primals, case.tangents)
    assert close(value, want_value)
    assert close(derivative, want), (derivative, want)


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_op_edge_carries_its_local_derivative(name):
    # One op, one input moved: the tangent is that input's local derivative on the op's node.
    case = CASES[name]
    xs = [Value(x) for x in case.primals]
    y = case.engine(*xs)
    for k, operand in enumerate(y._prev):
        if operand in xs:
            seeds = {x: 1.0 if x is operand else 0.0 for x in xs}
            assert carry_tangents([y], seeds)[y] == y._local[k]


# --- random graphs with shared nodes ------------------------------------------------------------

BOUND = 10.0  # a step's result beyond this is squashed with tanh, so nothing overflows


def test_random_graphs_use_every_op_in_the_table():
    used = {step.op for step in STEPS.values()}
    assert set(OPS) <= used, f"ops the random graphs never use: {sorted(set(OPS) - used)}"


def tangents_for(leaves, seed):
    rng = random.Random(seed)
    return [rng.uniform(-2.0, 2.0) for _ in leaves]


@given(programs(bound=BOUND))
def test_random_graph_matches_reverse_mode(program):
    leaves, steps = program
    tangents = tangents_for(leaves, len(steps))

    def fn(*xs):
        return run(steps, list(xs))[-1]

    value, derivative = autograd.jvp(fn, leaves, tangents)
    want_value, want, scale = reverse_mode(fn, leaves, tangents)
    assert value == want_value
    assert close(derivative, want, scale), (derivative, want)


@given(programs(bound=BOUND))
def test_random_graph_matches_torch(program):
    leaves, steps = program
    assume(well_conditioned(run(steps, [Value(x) for x in leaves])))
    tangents = tangents_for(leaves, len(steps))

    def fn(*xs):
        return run(steps, list(xs))[-1]

    value, derivative = autograd.jvp(fn, leaves, tangents)
    want_value, want = torch_jvp(fn, leaves, tangents)
    _, _, scale = reverse_mode(fn, leaves, tangents)
    assert close(value, want_value)
    assert close(derivative, want, scale), (derivative, want)


@given(programs(bound=BOUND))
def test_random_graph_every_node_matches_torch(program):
    # all of the graph's nodes as outputs at once: one forward pass gives every tangent
    torch = pytest.importorskip("torch")
    leaves, steps = program
    nodes = run(steps, [Value(x) for x in leaves])
    assume(well_conditioned(nodes))
    tangents = tangents_for(leaves, len(steps))
    values, derivatives = autograd.jvp(lambda *xs: run(steps, list(xs)), leaves, tangents)
    _, want = torch.func.jvp(
        lambda *ts: tuple(run(steps, list(ts))),
        tuple(torch.tensor(x, dtype=torch.float64) for x in leaves),
        tuple(torch.tensor(t, dtype=torch.float64) for t in tangents),
    )
    assert isinstance(derivatives, list) and len(derivatives) == len(want)
    for i, (got, expected, node) in enumerate(zip(derivatives, want, nodes)):
        scale = magnitude(node, nodes[: len(leaves)], tangents)
        assert close(got, expected.item(), scale), (i, got, expected.item())


# --- what jvp returns ----------------------------------------------------------------------------


def test_unit_tangents_give_the_gradient_one_input_at_a_time():
    # the README's L = (a*b + c) * f: its gradient 6, -4, -2, 4, one jvp per input
    def L(a, b, c, f):
        return (a * b + c) * f

    point = [2.0, -3.0, 10.0, -2.0]
    columns = [autograd.jvp(L, point, [float(i == j) for j in range(4)]) for i in range(4)]
    assert [value for value, _ in columns] == [-8.0] * 4
    assert [derivative for _, derivative in columns] == [6.0, -4.0, -2.0, 4.0]


def test_a_list_or_tuple_of_outputs_gives_the_same_shape():
    values, derivatives = autograd.jvp(lambda t: [t.sin(), t * t, t], [0.5], [2.0])
    assert values == [math.sin(0.5), 0.25, 0.5]
    assert derivatives == [2.0 * math.cos(0.5), 2.0, 2.0]
    values, derivatives = autograd.jvp(lambda a, b: (a * b, a + b), (3.0, 4.0), (1.0, 0.0))
    assert (values, derivatives) == ((12.0, 7.0), (4.0, 1.0))


def test_many_outputs_match_the_jacobian_times_the_tangent():
    def f(a, b):
        return [a * b, (a - b).exp(), (a * a + b).tanh()]

    point, tangent = [0.3, -0.8], [1.5, -0.5]
    _, derivatives = autograd.jvp(f, point, tangent)
    jacobian = autograd.jacobian(f, point)
    for got, row in zip(derivatives, jacobian):
        assert close(got, row[0] * tangent[0] + row[1] * tangent[1])


def test_jvp_leaves_every_grad_alone():
    w = Value(1.5)
    w.grad = 7.0
    built = []

    def f(x):
        built.append((x * w).tanh())
        return built[-1]

    autograd.jvp(f, [0.4], [1.0])
    assert w.grad == 7.0
    graph = autograd.topological_order(built[0])
    assert [node.grad for node in graph if node is not w] == [0.0] * (len(graph) - 1)


def test_jvp_works_inside_no_grad():
    with autograd.no_grad():
        value, derivative = autograd.jvp(lambda x: x * x * x, [2.0], [1.0])
    assert (value, derivative) == (8.0, 12.0)


def test_a_primal_given_as_a_value_gives_its_number_only():
    x = Value(3.0)
    assert autograd.jvp(lambda a: a * a, [x], [1.0]) == (9.0, 6.0)
    assert x.grad == 0.0


# --- edge cases ---------------------------------------------------------------------------------


def test_a_zero_tangent_gives_a_zero_derivative():
    assert autograd.jvp(lambda a, b: (a * b).sin(), [0.7, -1.1], [0.0, 0.0]) == (
        math.sin(0.7 * -1.1),
        0.0,
    )


def test_an_input_used_twice_sums_both_edges():
    # x * x has two edges to x, each with local derivative x: the tangent is 2x, not x
    assert autograd.jvp(lambda x: x * x, [3.0], [1.0]) == (9.0, 6.0)
    assert autograd.jvp(lambda x: autograd.sum([x, x, x]), [1.0], [0.5]) == (3.0, 1.5)


def test_an_unused_input_adds_nothing_whatever_its_tangent():
    assert autograd.jvp(lambda a, b: a.exp(), [0.0, 5.0], [1.0, 100.0]) == (1.0, 1.0)


def test_a_constant_only_function_has_a_zero_derivative():
    assert autograd.jvp(lambda x: Value(4.0).sqrt() * 3, [1.0], [1.0]) == (6.0, 0.0)
    # an infinite local derivative on a constant (sqrt at 0) stays off the tangent: no 0 * inf
    assert autograd.jvp(lambda x: x + Value(0.0).sqrt(), [1.0], [2.0]) == (1.0, 2.0)


def test_the_output_may_be_an_input_itself():
    assert autograd.jvp(lambda a, b: b, [1.0, 2.0], [3.0, 4.0]) == (2.0, 4.0)


def test_a_function_of_no_inputs():
    assert autograd.jvp(lambda: Value(2.0) * 3, [], []) == (6.0, 0.0)


# --- errors that say what was wrong ---------------------------------------------------------------


def test_primals_and_tangents_of_different_lengths_are_an_error():
    with pytest.raises(ValueError, match="one tangent per primal; got 2 primals and 1 tangents"):
        autograd.jvp(lambda a, b: a * b, [1.0, 2.0], [1.0])


@pytest.mark.parametrize(
    "primals, tangents, message",
    [
        (2.0, [1.0], r"primals must be a list or tuple .*write \[x\]"),
        ([2.0], 1.0, r"tangents must be a list or tuple .*write \[x\]"),
        (["2"], [1.0], r"primals\[0\] must be a number; got str"),
        ([2.0], [None], r"tangents\[0\] must be a number; got NoneType"),
        ([2.0], [Value(1.0)], r"tangents\[0\] must be a number; got Value.*v\.data"),
        ([True], [1.0], r"primals\[0\] must be a number; got bool"),
    ],
)
def test_non_numbers_are_an_error(primals, tangents, message):
    with pytest.raises(TypeError, match=message):
        autograd.jvp(lambda a: a, primals, tangents)


@pytest.mark.parametrize(
    "fn, message",
    [
        (lambda x: 3.0, "return a Value, or a non-empty list or tuple of Values; got float"),
        (lambda x: [], "non-empty list or tuple of Values; got list"),
        (lambda x: [x, 1.0], "output 1 is float"),
        (lambda x: x.data, "got float"),
    ],
)
def test_fn_that_returns_no_value_is_an_error(fn, message):
    with pytest.raises(TypeError, match=message):
        autograd.jvp(fn, [1.0], [1.0])


def test_a_function_is_needed_first():
    with pytest.raises(TypeError, match="takes a function first"):
        autograd.jvp([1.0], [1.0], [1.0])
