"""Derivatives of derivatives: autograd.grad (with create_graph), jacobian and hessian.

Every number is checked against PyTorch in float64: derivatives up to third order, mixed
partials included, for every op of the table (generated from autograd.ops.OPS, so a new op
fails here until it has a case) and for random expression graphs with shared sub-expressions.
"""

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from strategies import (
    STEPS,
    F,
    assume,
    close,
    given,
    programs,
    requires_torch,
    run,
    settings,
    torch,
    torch_leaf,
    torch_leaves,
    torch_softplus,
)

import autograd
from autograd import Value
from autograd.higher_order import local_derivatives
from autograd.ops import OPS


def engine_derivatives(f, point, order):
    """{(i,): df/dx_i, (i, j): d/dx_j df/dx_i, (i, j, k): ...} up to `order`, by repeated grad."""
    xs = [Value(x, label=f"x{i}") for i, x in enumerate(point)]
    found = {}
    frontier = {(): f(*xs)}
    for _ in range(order):
        deeper = {}
        for index, y in frontier.items():
            if y is None:  # a derivative that is None is 0, and so are all of its own
                gs = [None] * len(xs)
            else:
                gs = autograd.grad(y, xs, create_graph=True, allow_unused=True)
            for i, g in enumerate(gs):
                deeper[index + (i,)] = g
                found[index + (i,)] = 0.0 if g is None else g.data
        frontier = deeper
    return found


def torch_derivatives(f, point, order):
    """The same as engine_derivatives, by torch.autograd.grad(..., create_graph=True)."""
    ts = torch_leaves(point)
    found = {}
    frontier = {(): f(*ts)}
    for _ in range(order):
        deeper = {}
        for index, y in frontier.items():
            if y is None or not y.requires_grad:  # a constant: torch has no graph to go back
                gs = [None] * len(ts)
            else:
                gs = torch.autograd.grad(y, ts, create_graph=True, allow_unused=True)
            for i, g in enumerate(gs):
                deeper[index + (i,)] = g
                found[index + (i,)] = 0.0 if g is None else g.item()
        frontier = deeper
    return found


def assert_derivatives_match(f_engine, f_torch, point, order=3):
    got = engine_derivatives(f_engine, point, order)
    want = torch_derivatives(f_torch, point, order)
    assert got.keys() == want.keys()
    wrong = {
        index: (got[index], want[index]) for index in got if not close(got[index], want[index])
    }
    assert not wrong, f"at {point}, (index: (engine, torch)): {wrong}"
    return got


# --- every op of the table, to third order ---------------------------------------------------


@dataclass(frozen=True)
class Case:
    op: str  # the primitive this case covers, as named in OPS
    engine: Callable  # on Values
    torch: Callable  # the same function on float64 tensors
    point: tuple  # away from kinks and poles, inside the domain


def same(op, call, point):
    return Case(op, call, call, point)  # written with operators and methods both types have


CASES = {
    "a + b": same("+", lambda a, b: a + b, (0.3, -1.2)),
    "sum": Case(
        "sum", lambda a, b, c: autograd.sum([a, b, c]), lambda a, b, c: a + b + c, (0.5, -1.0, 2.0)
    ),
    "a * b": same("*", lambda a, b: a * b, (0.7, -1.3)),
    "linear": Case(
        "linear",
        lambda b, w1, x1, w2, x2: autograd.linear([x1, x2], [w1, w2], b),
        lambda b, w1, x1, w2, x2: b + w1 * x1 + w2 * x2,
        (0.1, 0.5, -1.2, 0.8, 0.3),
    ),
    "a * a": same("*", lambda a: a * a, (-0.6,)),  # one operand on both edges
    "-a": same("neg", lambda a: -a, (0.9,)),
    "a ** 3": same("**", lambda a: a**3, (-1.1,)),
    "a ** -2": same("**", lambda a: a**-2, (0.8,)),
    "a ** 0.5": same("**", lambda a: a**0.5, (1.7,)),
    "a ** -1.5": same("**", lambda a: a**-1.5, (0.6,)),
    "a ** b": same("pow", lambda a, b: a**b, (1.6, -0.7)),
    "a ** b, base below 1": same("pow", lambda a, b: a**b, (0.4, 2.3)),
    "a ** a": same("pow", lambda a: a**a, (1.3,)),
    "exp": same("exp", lambda a: a.exp(), (-0.4,)),
    "log": same("log", lambda a: a.log(), (0.6,)),
    "sqrt": same("sqrt", lambda a: a.sqrt(), (2.2,)),
    "tanh": same("tanh", lambda a: a.tanh(), (0.8,)),
    "sigmoid": same("sigmoid", lambda a: a.sigmoid(), (-1.2,)),
    "softplus": Case("softplus", lambda a: a.softplus(), torch_softplus, (1.3,)),
    "relu, x > 0": same("relu", lambda a: a.relu(), (0.7,)),
    "relu, x < 0": same("relu", lambda a: a.relu(), (-0.9,)),
    "leaky_relu, x > 0": Case(
        "leaky_relu", lambda a: a.leaky_relu(0.2), lambda a: F.leaky_relu(a, 0.2), (0.7,)
    ),
    "leaky_relu, x < 0": Case(
        "leaky_relu", lambda a: a.leaky_relu(0.2), lambda a: F.leaky_relu(a, 0.2), (-0.9,)
    ),
    "abs, x > 0": same("abs", lambda a: a.abs(), (0.7,)),
    "abs, x < 0": same("abs", lambda a: a.abs(), (-0.9,)),
    "sin": same("sin", lambda a: a.sin(), (1.1,)),
    "cos": same("cos", lambda a: a.cos(), (0.4,)),
}


def inner(x):
    return x + 0.1 * x * x  # keeps the sign of every point in CASES, so kinks stay away


def composed(f):
    """f between two nonlinear steps, so each of its rules meets an upstream graph."""

    def g(*xs):
        out = f(*[inner(x) for x in xs])
        return out.sin() * out + out

    return g


def test_every_op_in_the_table_of_ops_has_a_case():
    covered = {case.op for case in CASES.values()}
    assert set(OPS) <= covered, f"ops with no case in CASES: {sorted(set(OPS) - covered)}"


@requires_torch
@pytest.mark.parametrize("context", ["bare", "composed"])
@pytest.mark.parametrize("name", CASES)
def test_every_op_to_third_order_matches_torch(name, context):
    case = CASES[name]
    wrap = composed if context == "composed" else (lambda f: f)
    found = assert_derivatives_match(wrap(case.engine), wrap(case.torch), case.point, order=3)
    assert len(found) == sum(len(case.point) ** n for n in (1, 2, 3))  # every mixed partial


SLOPES = {  # the first derivative on each side of the kink; the second and third are 0
    "relu, x > 0": 1.0,
    "relu, x < 0": 0.0,
    "leaky_relu, x > 0": 1.0,
    "leaky_relu, x < 0": 0.2,
    "abs, x > 0": 1.0,
    "abs, x < 0": -1.0,
}


@pytest.mark.parametrize("name", SLOPES)
def test_piecewise_linear_ops_have_zero_second_and_third_derivatives_away_from_the_kink(name):
    found = engine_derivatives(CASES[name].engine, CASES[name].point, order=3)
    assert found == {(0,): SLOPES[name], (0, 0): 0.0, (0, 0, 0): 0.0}


@pytest.mark.parametrize("name", CASES)
def test_local_derivatives_as_values_equal_the_numbers_stored_on_the_node(name):
    # The Value path of each rule (higher order) and its float path (backward) must agree.
    case = CASES[name]
    node = case.engine(*[Value(x) for x in case.point])
    assert node._op == case.op
    as_values = local_derivatives(node)
    assert len(as_values) == len(node._local)
    for value, number in zip(as_values, node._local):
        assert (value.data if isinstance(value, Value) else value) == number


def test_mixed_partials_of_a_product_of_functions():
    # f = sin(x) e**y: d/dy df/dx = cos(x) e**y, and d/dx of that is -sin(x) e**y
    x, y = Value(0.3, label="x"), Value(-0.5, label="y")
    f = x.sin() * y.exp()
    [dfdx] = autograd.grad(f, [x], create_graph=True)
    [d2fdxdy] = autograd.grad(dfdx, [y], create_graph=True)
    [d3] = autograd.grad(d2fdxdy, [x])
    assert close(dfdx.data, math.cos(0.3) * math.exp(-0.5))
    assert close(d2fdxdy.data, math.cos(0.3) * math.exp(-0.5))
    assert close(d3.data, -math.sin(0.3) * math.exp(-0.5))


@requires_torch
def test_mixed_partials_of_a_product_of_functions_match_torch():
    assert_derivatives_match(
        lambda a, b: a.sin() * b.exp(), lambda a, b: a.sin() * b.exp(), (0.3, -0.5)
    )


# --- random expression graphs ------------------------------------------------------------------
# The graphs come from strategies.py, shared with test_graphs: its table of steps must use every
# op, or a new op would never meet an upstream graph here.


def test_random_expressions_use_every_op_in_the_table():
    used = {step.op for step in STEPS.values()}
    assert set(OPS) <= used, f"ops the expressions never use: {sorted(set(OPS) - used)}"


@requires_torch
@settings(max_examples=40, deadline=None)
@given(programs(max_leaves=3, steps=(2, 8), low=-2.0, high=2.0))
def test_random_expressions_to_third_order_match_torch(expression):
    point, program = expression
    # keep the numbers moderate: no overflow, no saturated exp
    assume(all(abs(node.data) <= 20.0 for node in run(program, [Value(x) for x in point])))

    def f(*leaves):
        return run(program, leaves)[-1]  # on Values or on tensors: run() takes either

    assert_derivatives_match(f, f, tuple(point), order=3)


# --- grad: what it returns, and what it leaves alone -------------------------------------------


def shared_graph():
    """x, y and nodes built from them with shared sub-expressions; returns (leaves, output)."""
    x, y = Value(0.8, label="x"), Value(-1.3, label="y")
    h = (x * y).tanh()  # used three times below
    out = h * h + (h + x).exp() * y.sigmoid() - autograd.sum([h, x, y]).sin()
    return [x, y], out


def every_node(*roots):
    return autograd.topological_order(*roots)


@pytest.mark.parametrize("create_graph", [False, True])
def test_grad_leaves_every_grad_at_zero(create_graph):
    leaves, out = shared_graph()
    nodes = every_node(out)
    gs = autograd.grad(out, leaves, create_graph=create_graph)
    assert all(node.grad == 0.0 for node in nodes)
    assert all(node.grad == 0.0 for node in every_node(*gs))  # nor sets any on its own nodes


@pytest.mark.parametrize("create_graph", [False, True])
def test_grad_leaves_an_existing_grad_as_it_was(create_graph):
    leaves, out = shared_graph()
    nodes = every_node(out)
    for i, node in enumerate(nodes):
        node.grad = 0.25 + i  # as if an earlier backward() had run
    autograd.grad(out, leaves, create_graph=create_graph)
    assert [node.grad for node in nodes] == [0.25 + i for i in range(len(nodes))]


def test_grad_equals_backward_without_touching_grad():
    leaves, out = shared_graph()
    gs = autograd.grad(out, leaves)
    assert all(leaf.grad == 0.0 for leaf in leaves)
    out.backward()
    assert [g.data for g in gs] == [leaf.grad for leaf in leaves]


def test_without_create_graph_the_gradients_are_plain_leaves():
    leaves, out = shared_graph()
    for g in autograd.grad(out, leaves):
        assert isinstance(g, Value) and g._op == "" and g._prev == ()


def test_with_create_graph_the_gradients_are_graph_nodes_that_reach_the_inputs():
    leaves, out = shared_graph()
    for g in autograd.grad(out, leaves, create_graph=True):
        assert isinstance(g, Value) and g._op != ""
        reached = set(every_node(g))
        assert all(leaf in reached for leaf in leaves)


@requires_torch
def test_backward_through_a_gradient_gives_the_second_derivative_like_torch():
    x = Value(0.7, label="x")
    [g] = autograd.grad((x * x.sin()).exp(), [x], create_graph=True)
    assert x.grad == 0.0
    g.backward()  # as torch: g.backward() after grad(..., create_graph=True)
    t = torch_leaf(0.7)
    [tg] = torch.autograd.grad((t * t.sin()).exp(), [t], create_graph=True)
    tg.backward()
    assert close(x.grad, t.grad.item())
    assert close(g.data, tg.item())


def test_the_gradient_of_an_intermediate_node_and_of_an_output_itself():
    x = Value(0.4, label="x")
    y = x * x
    z = y.sin()
    gy, gz = autograd.grad(z, [y, z])
    assert close(gy.data, math.cos(0.16)) and gz.data == 1.0
    [gx] = autograd.grad(x, [x])
    assert gx.data == 1.0


# --- grad: several outputs, grad_outputs, allow_unused, bad arguments --------------------------


def two_outputs(a, b):
    return [(a * b).tanh() + a.exp(), b.sin() * a * a]


@requires_torch
@pytest.mark.parametrize("grad_outputs", [None, [0.5, -2.0], [3.0, 0.0]])
def test_several_outputs_with_grad_outputs_match_torch(grad_outputs):
    point = [0.6, -0.3]
    xs = [Value(x) for x in point]
    gs = autograd.grad(two_outputs(*xs), xs, grad_outputs=grad_outputs)
    ts = torch_leaves(point)
    seeds = (
        None
        if grad_outputs is None
        else [torch.tensor(s, dtype=torch.float64) for s in grad_outputs]
    )
    want = torch.autograd.grad(two_outputs(*ts), ts, grad_outputs=seeds)
    for g, w in zip(gs, want):
        assert close(g.data, w.item()), (g.data, w.item())


def test_a_single_output_takes_a_number_as_grad_outputs():
    x = Value(1.5)
    [g] = autograd.grad(x * x, x, grad_outputs=-2.0)
    assert g.data == -6.0  # 2x * -2


@requires_torch
def test_an_output_listed_twice_counts_twice_as_in_torch():
    x = Value(0.9)
    y = x.tanh()
    [g] = autograd.grad([y, y], [x])
    t = torch_leaf(0.9)
    ty = t.tanh()
    [w] = torch.autograd.grad([ty, ty], [t])
    assert close(g.data, w.item()) and close(g.data, 2 * (1 - math.tanh(0.9) ** 2))


@requires_torch
def test_a_value_as_grad_output_can_itself_be_differentiated():
    # d/dv (v * dy/dx) = dy/dx, as torch gives for a grad_outputs tensor that requires grad
    x, v = Value(0.5, label="x"), Value(3.0, label="v")
    [g] = autograd.grad(x.sin() * x, [x], grad_outputs=[v], create_graph=True)
    dgdv, dgdx = autograd.grad(g, [v, x])
    t, tv = torch_leaf(0.5), torch_leaf(3.0)
    [tg] = torch.autograd.grad(t.sin() * t, [t], grad_outputs=[tv], create_graph=True)
    wdv, wdx = torch.autograd.grad(tg, [tv, t])
    assert close(g.data, tg.item())
    assert close(dgdv.data, wdv.item()) and close(dgdx.data, wdx.item())


def test_allow_unused_gives_none_for_an_input_the_outputs_do_not_use():
    a, b, c = Value(1.0, label="a"), Value(2.0, label="b"), Value(3.0, label="c")
    ga, gb, gc = autograd.grad(a * c, [a, b, c], allow_unused=True)
    assert gb is None
    assert ga.data == 3.0 and gc.data == 1.0


def test_an_unused_input_without_allow_unused_is_an_error_naming_it():
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    with pytest.raises(ValueError, match="allow_unused") as info:
        autograd.grad(a * a, [a, b])
    message = str(info.value)
    assert "input 1" in message and "'b'" in message


@pytest.mark.parametrize(
    "inputs",
    [
        lambda: [2.0],
        lambda: [Value(1.0), 2.0],
        lambda: ["x"],
        pytest.param(lambda: [torch.tensor(1.0)], marks=requires_torch),
    ],
    ids=["float", "mixed", "str", "tensor"],
)
def test_inputs_that_are_not_values_are_a_type_error(inputs):
    y = Value(1.0) * 2
    with pytest.raises(TypeError, match="inputs"):
        autograd.grad(y, inputs())


def test_outputs_that_are_not_values_are_a_type_error():
    x = Value(1.0)
    with pytest.raises(TypeError, match="outputs"):
        autograd.grad([x * 2, 3.0], [x])


@pytest.mark.parametrize("bad", [2.0, None], ids=["float", "None"])
def test_a_bare_non_value_as_inputs_or_outputs_is_a_type_error_that_says_which(bad):
    # not a list at all: the message should still say which argument was wrong
    x = Value(1.0)
    with pytest.raises(TypeError, match="inputs"):
        autograd.grad(x * 2, bad)
    with pytest.raises(TypeError, match="outputs"):
        autograd.grad(bad, x)


@pytest.mark.parametrize("grad_outputs", [[1.0], [1.0, 2.0, 3.0], 1.0])
def test_grad_outputs_of_the_wrong_length_is_a_value_error(grad_outputs):
    a, b = Value(1.0), Value(2.0)
    with pytest.raises(ValueError, match="grad_outputs"):
        autograd.grad([a * b, a + b], [a, b], grad_outputs=grad_outputs)


def test_no_inputs_is_a_value_error():
    with pytest.raises(ValueError, match="inputs"):
        autograd.grad(Value(1.0) * 2, [])


# --- the derivative's own graph ------------------------------------------------------------------


def op_labels(dot_source):
    return re.findall(r"op\d+ \[label=<([^>]*)>", dot_source)


def test_the_graph_of_a_derivative_is_drawn_with_its_ops():
    x = Value(0.5, label="x")
    y = x.tanh()
    [g] = autograd.grad(y, [x], create_graph=True)  # dy/dx = 1 - y*y = (-(y * y)) + 1
    assert close(g.data, 1 - math.tanh(0.5) ** 2)
    source = autograd.draw_dot(g).source
    assert sorted(op_labels(source)) == sorted(["tanh", "*", "neg", "+"])
    assert "<TD>x</TD>" in source  # the derivative's graph reaches back to the input
    text = autograd.draw_text(g)
    assert "tanh(x)" in text and "neg(" in text


def test_the_graph_of_a_second_derivative_is_drawn():
    x = Value(0.5, label="x")
    [g] = autograd.grad(x.tanh(), [x], create_graph=True)
    [h] = autograd.grad(g, [x], create_graph=True)  # -2 y (1 - y*y)
    t = math.tanh(0.5)
    assert close(h.data, -2 * t * (1 - t * t))
    labels = op_labels(autograd.draw_dot(h).source)
    assert "tanh" in labels and "*" in labels


# --- jacobian and hessian ----------------------------------------------------------------------

HESSIAN_CASES = {
    "tanh of a product, exp and sin": (
        lambda x, y: (x * y).tanh() + x.exp() * y.sin(),
        [0.3, -0.8],
    ),
    "z only linear: zero row": (lambda x, y, z: x.sin() * y.exp() + 2 * z + z, [0.4, 0.1, -1.5]),
    "z unused: zero row": (lambda x, y, z: (x * x + y * y + 1).log(), [0.7, -0.2, 3.0]),
    "pow, sqrt, sigmoid": (
        lambda a, b: (a * a + 1) ** b + (a * b + 4).sqrt() * b.sigmoid(),
        [1.2, 0.6],
    ),
    "division and cos": (lambda x, y: x.cos() / (y * y + 1) - x * y * y * y, [-0.5, 0.9]),
    "kinks away from zero": (lambda x, y: (x * y).relu() * x.abs() + y.exp(), [1.5, 0.7]),
    "one input": (lambda x: x**4 - x.sin(), [1.1]),
}


@requires_torch
@pytest.mark.parametrize("name", HESSIAN_CASES)
def test_hessian_matches_torch(name):
    f, point = HESSIAN_CASES[name]
    got = autograd.hessian(f, point)
    want = torch.autograd.functional.hessian(
        lambda t: f(*t.unbind()), torch.tensor(point, dtype=torch.float64)
    ).tolist()
    assert len(got) == len(point) and all(len(row) == len(point) for row in got)
    assert all(isinstance(h, float) for row in got for h in row)
    for i, (row, wrow) in enumerate(zip(got, want)):
        for j, (h, w) in enumerate(zip(row, wrow)):
            assert close(h, w), (i, j, h, w)


@pytest.mark.parametrize("name", ["z only linear: zero row", "z unused: zero row"])
def test_hessian_row_and_column_of_a_linear_or_unused_variable_are_zero(name):
    f, point = HESSIAN_CASES[name]
    got = autograd.hessian(f, point)
    assert got[2] == [0.0, 0.0, 0.0]
    assert [row[2] for row in got] == [0.0, 0.0, 0.0]
    assert got[0][0] != 0.0


@requires_torch
def test_hessian_and_jacobian_inside_no_grad_match_torch():
    # As torch.autograd.functional does, they record the graph they need even inside no_grad
    # (a model evaluated under no_grad is where one asks for them), rather than find none.
    def f(x, y):
        return x * y * y

    point = torch.tensor([1.0, 2.0], dtype=torch.float64)
    with autograd.no_grad(), torch.no_grad():
        hessian = autograd.hessian(f, [1.0, 2.0])
        jacobian = autograd.jacobian(lambda x, y: [f(x, y)], [1.0, 2.0])
        want_hessian = torch.autograd.functional.hessian(lambda t: f(*t.unbind()), point)
        want_jacobian = torch.autograd.functional.jacobian(lambda t: f(*t.unbind()), point)
        assert not autograd.is_grad_enabled()
    assert want_hessian.tolist() == [[0.0, 4.0], [4.0, 2.0]]
    assert hessian == want_hessian.tolist()
    assert jacobian == [want_jacobian.tolist()] == [[4.0, 4.0]]


JACOBIAN_CASES = {
    "three outputs of two inputs": (
        lambda x, y: [x * y, (x + y).tanh(), x.exp() - y.sigmoid()],
        [0.3, -0.4],
    ),
    "an output without one input": (
        lambda x, y, z: [x * x, y.sin() * z, z.sqrt()],
        [1.5, 0.2, 4.0],
    ),
}


@requires_torch
@pytest.mark.parametrize("name", JACOBIAN_CASES)
def test_jacobian_of_a_function_returning_a_list_matches_torch(name):
    f, point = JACOBIAN_CASES[name]
    got = autograd.jacobian(f, point)
    want = torch.autograd.functional.jacobian(
        lambda t: torch.stack(f(*t.unbind())),
        torch.tensor(point, dtype=torch.float64),
    ).tolist()
    assert len(got) == len(want) and all(len(row) == len(point) for row in got)
    for row, wrow in zip(got, want):
        for j, w in zip(row, wrow):
            assert close(j, w), (got, want)


def test_jacobian_of_a_single_output_is_one_row():
    got = autograd.jacobian(lambda x, y: x * y.exp(), [2.0, 0.0])
    assert got == [[1.0, 2.0]]


# --- create_graph=True gives the same first derivative as create_graph=False ------------------

EDGES = {
    "sqrt at 0": (lambda x: x.sqrt(), 0.0),  # sqrt'(0) = inf
    "x ** 0.5 at 0": (lambda x: x**0.5, 0.0),
    "log at a tiny positive number": (lambda x: x.log(), 1e-320),  # 1/x overflows to inf
    "x ** 3 past overflow": (lambda x: x**3, 1e200),  # 3 x**2 overflows to inf
}


@requires_torch
@pytest.mark.parametrize("name", EDGES)
def test_create_graph_gives_the_same_first_derivative_at_the_edges_as_torch(name):
    f, point = EDGES[name]
    x = Value(point)
    [plain] = autograd.grad(f(x), [x])
    [graphed] = autograd.grad(f(x), [x], create_graph=True)
    t = torch_leaf(point)
    [want] = torch.autograd.grad(f(t), [t], create_graph=True)
    assert plain.data == want.item()
    assert graphed.data == want.item()
