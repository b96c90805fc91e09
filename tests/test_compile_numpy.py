"""autograd.compile(fn, backend="numpy"): the array replay gives the eager numbers on every
op, MLP and random graph, fills the same .grads, and never replays a trace that does not fit."""

import math
import random
import subprocess
import sys

import pytest

np = pytest.importorskip("numpy", reason="the numpy backend needs numpy: pip install numpy")

from strategies import given, programs, run  # noqa: E402

import autograd  # noqa: E402
from autograd import Value, compile_numpy, ops  # noqa: E402
from nn import MLP  # noqa: E402
from nn.data import make_moons  # noqa: E402

REL = 1e-12  # the contract: the eager numbers to 1e-12 relative, in float64
ABS = 1e-14  # for numbers that are 0 in one and a rounding error in the other


def agree(a, b):
    return math.isclose(a, b, rel_tol=REL, abs_tol=ABS)


# One expression per op of the table, on a leaf `p` (a parameter) and an argument `x`. The
# compiled function applies it to a batch of x, so each op's nodes form a group of several.
OP_CASES = {
    "+": lambda p, x: p + x,
    "sum": lambda p, x: autograd.sum([p, x, p * x]),
    "*": lambda p, x: p * x,
    "linear": lambda p, x: autograd.linear([x, p], [p, x], p * x),
    "neg": lambda p, x: -(p * x),
    "**": lambda p, x: (p * x) ** 3 + (p * p + 1.0) ** 0.5 + (p * x + 4.0) ** -2,
    "pow": lambda p, x: (p * p + 1.0) ** x,
    "exp": lambda p, x: (p * x).exp(),
    "log": lambda p, x: (p * p + x * x + 1.0).log(),
    "sqrt": lambda p, x: (p * p + x * x).sqrt(),
    "tanh": lambda p, x: (p * x).tanh(),
    "sigmoid": lambda p, x: (p * x).sigmoid() + (p * x * 40.0).sigmoid(),
    "softplus": lambda p, x: (p * x).softplus(),
    "relu": lambda p, x: (p * x).relu() + (p - x).relu(),
    "leaky_relu": lambda p, x: (p * x).leaky_relu(0.1) + (p - x).leaky_relu(),
    "abs": lambda p, x: (p * x).abs(),
    "sin": lambda p, x: (p * x).sin(),
    "cos": lambda p, x: (p * x).cos(),
}
BATCHES = [[0.7, -1.3, 2.1, 0.4, -0.2], [1.1, 0.3, -2.5, 0.0, 0.9], [-0.6, 1.7, 0.2, -1.1, 3.0]]


def test_every_op_in_the_table_has_a_case():
    assert set(OP_CASES) == set(ops.OPS)


def _eager_and_numpy(build, p_value=0.9):
    """(loss, p.grad) for each batch, eagerly and replayed with numpy after a tracing call."""
    results = {}
    for backend in ("eager", "numpy"):
        p = Value(p_value, label="p")

        def fn(xs, p=p):
            return autograd.sum([build(p, x) for x in xs])

        step = fn if backend == "eager" else autograd.compile(fn, backend="numpy")
        rows = []
        for xs in BATCHES:
            p.grad = 0.0
            out = step(xs)
            out.backward()
            rows.append((out.data, p.grad))
        results[backend] = rows
        if backend == "numpy":
            assert step.trace_count == 1 and out._op == "compiled"  # replayed, not retraced
    return results["eager"], results["numpy"]


def _assert_same(eager, replayed):
    for (e_out, e_grad), (c_out, c_grad) in zip(eager, replayed, strict=True):
        assert agree(c_out, e_out), (c_out, e_out)
        assert agree(c_grad, e_grad), (c_grad, e_grad)


@pytest.mark.parametrize("name", sorted(OP_CASES))
def test_each_op_replays_to_the_eager_numbers(name):
    _assert_same(*_eager_and_numpy(OP_CASES[name]))


@pytest.mark.parametrize("name", sorted(OP_CASES))
def test_each_op_replays_row_by_row_without_its_array_form(name, monkeypatch):
    # The fallback every op has: the row of ops.py on each node in turn.
    monkeypatch.setattr(compile_numpy, "ARRAY_RULES", {})
    _assert_same(*_eager_and_numpy(OP_CASES[name]))


def test_numbers_outside_an_array_form_run_the_row_and_raise_what_it_raises():
    w = Value(1.0)
    for make in (lambda x: (w * x).log(), lambda x: (w * x) ** 0.5, lambda x: (w * x).sqrt()):
        step = autograd.compile(lambda xs, make=make: autograd.sum(map(make, xs)), "numpy")
        assert agree(step([1.0, 4.0]).data, autograd.sum(map(make, [1.0, 4.0])).data)
        with pytest.raises(ValueError) as eager:
            make(-1.0)
        with pytest.raises(ValueError) as replayed:
            step([4.0, -1.0])
        assert str(replayed.value) == str(eager.value)
    step = autograd.compile(lambda x: (w * x) ** -1.0, backend="numpy")
    step(2.0)
    with pytest.raises(ZeroDivisionError):
        step(0.0)


def test_overflow_and_nan_replay_as_eager():
    w = Value(1.0)
    build = [lambda x: (w * x).exp(), lambda x: (w * x) ** 3.0, lambda x: (w * x).relu()]
    for make in build:
        step = autograd.compile(lambda xs, make=make: autograd.sum(map(make, xs)), "numpy")
        step([1.0, 2.0])
        for xs in ([800.0, 1.0], [1e200, 1.0], [math.nan, 1.0]):
            w.grad = 0.0
            eager = autograd.sum(map(make, xs))
            eager.backward()
            expected, w_grad = eager.data, w.grad
            w.grad = 0.0
            out = step(xs)
            out.backward()
            assert out.data == expected or (math.isnan(out.data) and math.isnan(expected))
            assert w.grad == w_grad or (math.isnan(w.grad) and math.isnan(w_grad))


# --- MLPs -----------------------------------------------------------------------------------


def _moons_loss(model, X, signs):
    scores = [model(x) for x in X]
    data_loss = autograd.sum((1 - s * score).relu() for s, score in zip(signs, scores)) / len(X)
    return data_loss + 1e-4 * autograd.sum(p * p for p in model.parameters()), scores


@pytest.mark.parametrize("sizes", [[8, 8, 1], [5, 1], [6, 3, 1]])
def test_mlp_training_replayed_with_numpy_equals_eager(sizes):
    X, y = make_moons(40, noise=0.1, seed=3)
    signs = [2 * label - 1 for label in y]
    runs = {}
    for backend in ("eager", "numpy"):
        random.seed(5)
        model = MLP(2, sizes)

        def loss(model=model):
            loss, scores = _moons_loss(model, X, signs)
            return loss, scores[:3]

        step = loss if backend == "eager" else autograd.compile(loss, backend="numpy")
        history = []
        for k in range(5):
            loss, scores = step()
            model.zero_grad()
            loss.backward()
            history.append(
                (loss.data, [s.data for s in scores], [p.grad for p in model.parameters()])
            )
            for p in model.parameters():
                p.data -= (1.0 - 0.9 * k / 5) * p.grad
        runs[backend] = history
        if backend == "numpy":
            assert step.trace_count == 1
            assert "a layer" in step.source  # the hidden layers ran as matrix products
    for (le, se, ge), (lc, sc, gc) in zip(runs["eager"], runs["numpy"]):
        assert agree(lc, le)
        assert all(map(agree, sc, se))
        assert all(map(agree, gc, ge))


def test_backward_fills_the_same_grads_and_accumulates():
    random.seed(1)
    model = MLP(3, [4, 1])
    xs = [[0.5, -1.0, 2.0], [1.5, 0.2, -0.3], [-0.7, 0.9, 0.1]]

    def loss():
        return autograd.sum((model(x) - 1.0) ** 2 for x in xs)

    step = autograd.compile(loss, backend="numpy")
    step()
    model.zero_grad()
    loss().backward()
    loss().backward()
    eager = [p.grad for p in model.parameters()]
    model.zero_grad()
    step().backward()
    step().backward()  # twice: the gradients add up, as in eager
    assert all(map(agree, [p.grad for p in model.parameters()], eager))


# --- random graphs ----------------------------------------------------------------------------


@given(programs(bound=10.0))
def test_random_graphs_replayed_as_batches_equal_eager(program):
    leaves, steps = program
    # The program on three points that share the first leaf (a parameter): each step's nodes
    # form a group of three, and the shared leaf's gradient is a scatter-add.
    shared = Value(leaves[0])
    points = [[x + k for x in leaves[1:]] for k in range(3)]

    def fn(points):
        outs = [run(steps, [shared, *point])[-1] for point in points]
        return autograd.sum(outs)

    step = autograd.compile(fn, backend="numpy")
    for k in range(3):
        moved = [[x * (1.0 + 0.1 * k) for x in point] for point in points]
        arguments = [[Value(x) for x in point] for point in moved]
        shared.grad = 0.0
        eager = fn(arguments)
        eager.backward()
        expected = [shared.grad] + [x.grad for point in arguments for x in point]
        shared.grad = 0.0
        arguments = [[Value(x) for x in point] for point in moved]
        out = step(arguments)
        out.backward()
        got = [shared.grad] + [x.grad for point in arguments for x in point]
        assert agree(out.data, eager.data)
        assert all(map(agree, got, expected)), (got, expected)


# --- traces that do not fit -------------------------------------------------------------------


def test_a_python_branch_on_data_is_retraced_never_replayed_wrong():
    w = Value(2.0)

    def f(xs):
        h = autograd.sum([w * x for x in xs])
        return h.tanh() if h.data > 0 else h * h  # the branch depends on a number

    step = autograd.compile(f, backend="numpy")
    assert agree(step([1.0, 0.5]).data, math.tanh(3.0))
    out = step([-1.0, -0.5])  # the other branch: the tanh trace must not be replayed
    assert out.data == 9.0
    out.backward()
    assert w.grad == 2 * (2.0 * -1.5) * -1.5
    assert step.trace_count == 2


def test_arguments_of_another_shape_get_a_trace_of_their_own():
    w = Value(1.5)
    step = autograd.compile(lambda xs: autograd.sum([w * x for x in xs]), backend="numpy")
    assert step([1.0, 2.0]).data == 4.5
    assert step([1.0, 2.0, 3.0]).data == 9.0  # not the two-term trace replayed
    assert step([3.0, 4.0]).data == 10.5
    assert step.trace_count == 2


def test_an_argument_read_is_guarded():
    w = Value(1.0)
    step = autograd.compile(lambda x, flag: w * x if flag.data > 0 else w - x, backend="numpy")
    assert step(2.0, 1.0).data == 2.0
    assert step(2.0, -1.0).data == -1.0


def test_extras_and_nodes_off_the_loss_path_are_replayed():
    # The extra is in the same group (depth and op) as nodes of the loss, but the loss does
    # not depend on it: it is computed, and passes no gradient on.
    w = Value(0.5)

    def f(x):
        a, b = w * x, w * (x + 1.0)
        return (a * a).log(), b * b

    step = autograd.compile(f, backend="numpy")
    step(3.0)
    loss, extra = step(2.0)
    loss.backward()
    assert agree(loss.data, math.log(1.0)) and agree(extra.data, 2.25)
    assert agree(w.grad, 2.0 / 0.5)


# --- choosing the backend ---------------------------------------------------------------------


def test_an_unknown_backend_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="python, numpy"):
        autograd.compile(lambda: Value(1.0), backend="jax")


def test_the_numpy_backend_without_numpy_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "numpy", None)  # what `import numpy` meets when absent
    monkeypatch.delitem(sys.modules, "autograd.compile_numpy")  # as if never imported
    monkeypatch.delattr(autograd, "compile_numpy")
    with pytest.raises(ImportError, match="pip install numpy"):
        autograd.compile(lambda: Value(1.0), backend="numpy")
    assert autograd.compile(lambda: Value(1.0) * 2.0)().data == 2.0  # the python backend


def test_importing_autograd_does_not_import_numpy():
    code = "import sys; sys.modules['numpy'] = None; import autograd, nn; print('ok')"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "ok", done.stderr
