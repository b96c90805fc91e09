"""autograd.compile: a replay gives the eager numbers, and a stale trace is never replayed."""

import math
import random
import warnings

import pytest

import autograd
from autograd import Value, ops
from nn import MLP
from nn.data import make_moons

# One expression per op of the table, on a leaf `p` (a parameter) and an argument `x`.
OP_CASES = {
    "+": lambda p, x: p + x,
    "sum": lambda p, x: autograd.sum([p, x, p * x]),
    "*": lambda p, x: p * x,
    "linear": lambda p, x: autograd.linear([x, p], [p, x], p * x),
    "neg": lambda p, x: -(p * x),
    "**": lambda p, x: (p * x) ** 3 + (p * p + 1.0) ** 0.5,
    "pow": lambda p, x: (p * p + 1.0) ** x,
    "exp": lambda p, x: (p * x).exp(),
    "log": lambda p, x: (p * p + x * x + 1.0).log(),
    "sqrt": lambda p, x: (p * p + x * x).sqrt(),
    "tanh": lambda p, x: (p * x).tanh(),
    "sigmoid": lambda p, x: (p * x).sigmoid(),
    "softplus": lambda p, x: (p * x).softplus(),
    "relu": lambda p, x: (p * x).relu() + (p - x).relu(),
    "leaky_relu": lambda p, x: (p * x).leaky_relu(0.1) + (p - x).leaky_relu(),
    "abs": lambda p, x: (p * x).abs(),
    "sin": lambda p, x: (p * x).sin(),
    "cos": lambda p, x: (p * x).cos(),
}


def test_every_op_in_the_table_has_a_case():
    missing, extra = sorted(set(ops.OPS) - set(OP_CASES)), sorted(set(OP_CASES) - set(ops.OPS))
    assert set(OP_CASES) == set(ops.OPS), f"ops with no case: {missing}; cases of no op: {extra}"


def _eager_and_compiled(build, p_value, xs):
    """Losses and p.grad for each x, eagerly and compiled (after a first tracing call)."""
    results = {}
    for mode in ("eager", "compiled"):
        p = Value(p_value, label="p")

        def fn(x, p=p):
            return build(p, x)

        if mode == "compiled":
            fn = autograd.compile(fn)
        rows = []
        for x in xs:
            p.grad = 0.0
            out = fn(x)
            out.backward()
            rows.append((out.data, p.grad))
        results[mode] = rows
    return results["eager"], results["compiled"]


@pytest.mark.parametrize("name", sorted(OP_CASES))
def test_each_op_replays_to_the_eager_numbers(name):
    xs = [0.7, -1.3, 2.1, 0.4, -0.2]
    eager, compiled = _eager_and_compiled(OP_CASES[name], 0.9, xs)
    for (e_out, e_grad), (c_out, c_grad) in zip(eager, compiled):
        assert math.isclose(c_out, e_out, rel_tol=1e-12, abs_tol=1e-15)
        assert math.isclose(c_grad, e_grad, rel_tol=1e-12, abs_tol=1e-15)


def test_replays_are_replays_not_retraces():
    p = Value(0.5)
    step = autograd.compile(lambda x: (p * x).tanh())
    for x in [0.1, 0.2, 0.3, 0.4]:
        out = step(x)
    assert step.trace_count == 1 and out._op == "compiled"
    assert "def replay" in step.source and "tanh" in step.source


def _moons_loss(model, X, signs):
    scores = [model(x) for x in X]
    data_loss = autograd.sum((1 - s * score).relu() for s, score in zip(signs, scores)) / len(X)
    return data_loss + 1e-4 * autograd.sum(p * p for p in model.parameters()), scores


def test_moons_training_compiled_equals_eager_to_1e12():
    X, y = make_moons(40, noise=0.1, seed=3)
    signs = [2 * label - 1 for label in y]
    runs = {}
    for compiled in (False, True):
        random.seed(5)
        model = MLP(2, [8, 8, 1])

        def loss(model=model):
            return _moons_loss(model, X, signs)

        step = autograd.compile(loss) if compiled else loss
        history = []
        for k in range(6):
            loss, scores = step()
            model.zero_grad()
            loss.backward()
            history.append(
                (loss.data, [s.data for s in scores], [p.grad for p in model.parameters()])
            )
            for p in model.parameters():
                p.data -= (1.0 - 0.9 * k / 6) * p.grad
        runs[compiled] = history
        if compiled:
            assert step.trace_count == 1
    for (le, se, ge), (lc, sc, gc) in zip(runs[False], runs[True]):
        assert math.isclose(lc, le, rel_tol=1e-12)
        assert sc == pytest.approx(se, rel=1e-12, abs=1e-15)
        assert gc == pytest.approx(ge, rel=1e-12, abs=1e-15)


def test_arguments_of_another_shape_get_a_trace_of_their_own():
    w = Value(1.5)
    step = autograd.compile(lambda xs: autograd.sum([w * x for x in xs]))
    assert step([1.0, 2.0]).data == 4.5
    assert step([1.0, 2.0, 3.0]).data == 9.0  # not the two-term trace replayed
    assert step([3.0, 4.0]).data == 10.5
    assert step.trace_count == 2


def test_a_python_branch_on_data_is_retraced_never_replayed_wrong():
    w = Value(2.0)

    def f(x):
        h = w * x
        return h.tanh() if h.data > 0 else h * h  # the branch depends on a number

    step = autograd.compile(f)
    assert step(1.0).data == math.tanh(2.0)
    out = step(-1.0)  # the branch goes the other way: the tanh trace must not be replayed
    assert out.data == 4.0
    out.backward()
    assert w.grad == 2 * (2.0 * -1.0) * -1.0  # d/dw (w x)**2 = 2 w x**2... at x = -1: 4
    assert step.trace_count == 2


@pytest.mark.parametrize(
    "look", [lambda v: v.data > 0, lambda v: v.item() > 0, lambda v: f"{v:.1f}" != "-0.5"]
)
def test_every_way_of_reading_a_number_is_guarded(look):
    w = Value(1.0)
    step = autograd.compile(lambda x: (w * x).exp() if look(w * x) else (w * x).sin())
    step(0.5)
    assert step(-0.5).data == math.sin(-0.5)


def test_a_parameter_read_outside_the_graph_is_guarded():
    w, scale = Value(1.0), Value(3.0)
    step = autograd.compile(lambda x: w * x * (2.0 if scale.data > 0 else -2.0))
    assert step(1.0).data == 2.0
    scale.data = -1.0
    assert step(1.0).data == -2.0


def test_an_argument_read_but_unused_in_the_graph_is_guarded():
    w = Value(1.0)
    step = autograd.compile(lambda x, flag: w * x if flag.data > 0 else w - x)
    assert step(2.0, 1.0).data == 2.0
    assert step(2.0, -1.0).data == -1.0


def test_constant_retracing_warns_once_it_is_clearly_useless():
    w = Value(1.0)
    step = autograd.compile(lambda x: w * x if (w * x).data > 0 else w)
    with pytest.warns(UserWarning, match="retraced 3 times in a row"):
        for x in [1.0, 2.0, 3.0, 4.0, 5.0]:
            step(x)


def test_no_warning_when_replays_fit():
    w = Value(1.0)
    step = autograd.compile(lambda x: (w * x).relu())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for x in [1.0, -2.0, 3.0, -4.0, 5.0]:  # relu's kink is replayed, not a Python branch
            assert step(x).data == max(x, 0.0)


def test_compiled_backward_accumulates_like_eager():
    w = Value(0.3)
    step = autograd.compile(lambda x: (w * x).sigmoid())
    step(1.0)
    out = step(2.0)
    out.backward()
    out.backward()
    s = 1 / (1 + math.exp(-0.6))
    assert math.isclose(w.grad, 2 * s * (1 - s) * 2.0, rel_tol=1e-12)


def test_value_arguments_receive_gradients():
    step = autograd.compile(lambda a, b: a * b + a)
    a, b = Value(2.0), Value(-3.0)
    step(a, b)
    out = step(a, b)
    out.backward()
    assert (a.grad, b.grad) == (-2.0, 2.0) and out._op == "compiled"


def test_extra_outputs_come_back_as_numbers():
    w = Value(2.0)
    step = autograd.compile(lambda xs: (autograd.sum([w * x for x in xs]), [w * x for x in xs]))
    step([1.0, 2.0])
    loss, scores = step([3.0, 4.0])
    assert loss.data == 14.0 and [s.data for s in scores] == [6.0, 8.0]


def test_no_grad_and_detect_anomaly_run_the_function_itself():
    w = Value(1.0)
    step = autograd.compile(lambda x: w * x)
    step(1.0)
    with autograd.no_grad():
        assert step(2.0)._prev == ()
    with autograd.detect_anomaly():
        with pytest.raises(autograd.AnomalyError):
            step(float("inf")) - step(float("inf"))


def test_a_compiled_node_refuses_higher_order_with_a_clear_error():
    w = Value(1.0)
    step = autograd.compile(lambda x: w * x * x)
    step(1.0)
    out = step(2.0)
    with pytest.raises(TypeError, match="without autograd.compile"):
        autograd.grad(out, w, create_graph=True)


def test_bad_use_says_what_was_wrong():
    with pytest.raises(TypeError, match="takes a function"):
        autograd.compile(3)
    with pytest.raises(TypeError, match="must return its loss as a Value"):
        autograd.compile(lambda: 3.0)()
    with pytest.raises(TypeError, match="numbers, Values and lists"):
        autograd.compile(lambda x: Value(1.0))("a")


def test_the_data_slot_is_restored_even_when_the_function_raises():
    slot = Value.__dict__["data"]
    with pytest.raises(ZeroDivisionError):
        autograd.compile(lambda x: Value(1.0) / 0)(1.0)
    assert Value.__dict__["data"] is slot
