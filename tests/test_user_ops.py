"""autograd.define_op: a primitive of one's own is a row of the op table like the others.

The references: the same function written with built-in ops (softsign(x) = x / (1 + |x|),
gelu-like smooth ops), and central finite differences through gradcheck."""

import math

import pytest

import autograd
from autograd import AnomalyError, GradcheckError, Value, ops
from autograd.ops import OPS


@pytest.fixture
def softsign():
    op = autograd.define_op(
        "softsign",
        value=lambda x: x / (1.0 + abs(x)),
        derivatives=lambda out, x: (1.0 / (1.0 + abs(x)) ** 2,),
    )
    yield op
    del OPS["softsign"]


@pytest.fixture
def smooth_max():
    # log(e^a + e^b), written with the table's helpers: works on floats and Values alike
    op = autograd.define_op(
        "smooth_max",
        value=lambda a, b: math.log(math.exp(a) + math.exp(b)),
        derivatives=lambda out, a, b: (ops.exp(a - out), ops.exp(b - out)),
    )
    yield op
    del OPS["smooth_max"]


def built_in_softsign(x):
    return x / (1.0 + x.abs())


def test_it_computes_and_backpropagates_as_the_same_function_of_built_in_ops(softsign):
    for point in (-2.5, -0.3, 0.4, 3.0):
        x, x_ref = Value(point), Value(point)
        y, y_ref = softsign(x * 2.0), built_in_softsign(x_ref * 2.0)
        y.backward()
        y_ref.backward()
        assert y.data == pytest.approx(y_ref.data, rel=1e-15)
        assert x.grad == pytest.approx(x_ref.grad, rel=1e-12)
        assert y._op == "softsign" and len(y._prev) == 1


def test_numbers_are_taken_as_constants(smooth_max):
    a = Value(0.5)
    y = smooth_max(a, 2)
    y.backward()
    assert y.data == pytest.approx(math.log(math.exp(0.5) + math.exp(2.0)))
    assert a.grad == pytest.approx(math.exp(0.5) / (math.exp(0.5) + math.exp(2.0)))


def test_it_draws_its_name_and_local_derivatives_and_steps(softsign):
    x = Value(0.5, label="x")
    y = softsign(x)
    y.label = "y"
    text = autograd.draw_text(y)
    assert "y = softsign(x)" in text and "local [x: 0.4444]" in text
    source = autograd.draw_dot(y).source
    assert "softsign" in source and "0.4444" in source
    steps = list(autograd.backward_steps(y))
    assert "softsign" in str(steps[0]) and x.grad == pytest.approx(1 / 1.5**2)


def test_no_grad_and_detect_anomaly(softsign):
    with autograd.no_grad():
        assert softsign(Value(1.0))._prev == ()
    broken = autograd.define_op("broken", lambda x: x, lambda out, x: (math.inf,))
    try:
        with autograd.detect_anomaly(), pytest.raises(AnomalyError, match="broken"):
            broken(Value(1.0)).backward()
        with autograd.detect_anomaly(), pytest.raises(AnomalyError, match="softsign gave nan"):
            softsign(Value(math.inf))  # inf / inf
    finally:
        del OPS["broken"]


def test_gradcheck_passes_a_right_rule_and_names_the_op_of_a_wrong_one(softsign):
    assert autograd.gradcheck(lambda x, y: softsign(x * y) + y, [0.7, -0.3])
    wrong = autograd.define_op("wrong_softsign", softsign_value, lambda out, x: (1.0 / (1 + x),))
    try:
        with pytest.raises(GradcheckError) as info:
            autograd.gradcheck(lambda x: wrong(x * 2.0), [0.7])
    finally:
        del OPS["wrong_softsign"]
    message = str(info.value)
    assert "wrong_softsign" in message and "input 0" in message
    engine = 2.0 / (1 + 1.4)
    numerical = 2.0 / (1 + 1.4) ** 2
    assert f"{engine!r}"[:8] in message and f"{numerical!r}"[:6] in message


def softsign_value(x):
    return x / (1.0 + abs(x))


def test_compile_replays_it(softsign, smooth_max):
    def loss(a, b):
        return smooth_max(softsign(a * b), b) * a

    compiled = autograd.compile(loss)
    for point in ((0.3, -1.2), (1.5, 0.4), (-0.7, 2.0)):
        eager_args = [Value(p) for p in point]
        compiled_args = [Value(p) for p in point]
        eager, replayed = loss(*eager_args), compiled(*compiled_args)
        eager.backward()
        replayed.backward()
        assert replayed.data == pytest.approx(eager.data, rel=1e-12)
        for e, c in zip(eager_args, compiled_args):
            assert c.grad == pytest.approx(e.grad, rel=1e-12)
    assert compiled.trace_count == 1


def test_higher_order_through_a_rule_written_with_the_tables_helpers(smooth_max):
    def f(a, b):
        return smooth_max(a * a, b)

    assert autograd.gradgradcheck(f, [0.4, 0.9])
    # d²/db² of log(e^{a²} + e^b) is s(1 - s), s = e^b / (e^{a²} + e^b)
    hessian = autograd.hessian(f, [0.4, 0.9])
    s = math.exp(0.9) / (math.exp(0.16) + math.exp(0.9))
    assert hessian[1][1] == pytest.approx(s * (1 - s), rel=1e-12)


def test_mistakes_in_a_definition_are_named():
    with pytest.raises(ValueError, match="built-in op"):
        autograd.define_op("tanh", math.tanh, lambda out, x: (1 - out * out,))
    with pytest.raises(TypeError, match="must be a function"):
        autograd.define_op("cube", lambda x: x**3, (3.0,))
    three = autograd.define_op("three", lambda x: x, lambda out, x: (1.0, 2.0))
    per_input = autograd.define_op("bare", lambda x: x, lambda out, x: 1.0)
    try:
        with pytest.raises(ValueError, match="2 local derivatives for 1 inputs"):
            three(Value(1.0))
        with pytest.raises(TypeError, match=r"must be a tuple.*\(d,\)"):
            per_input(Value(1.0))
    finally:
        del OPS["three"], OPS["bare"]


def test_a_user_op_can_be_defined_again_as_a_notebook_cell_runs_twice():
    first = autograd.define_op("twice", lambda x: 2 * x, lambda out, x: (2.0,))
    second = autograd.define_op("twice", lambda x: 2.0 * x, lambda out, x: (2.0,))
    try:
        assert first(Value(1.5)).data == second(Value(1.5)).data == 3.0
    finally:
        del OPS["twice"]
