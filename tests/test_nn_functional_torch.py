"""nn.functional against torch.nn.functional in float64: every activation and loss, values and
gradients, for each reduction, and the stable forms at extreme inputs."""

import math

import pytest

import autograd
from autograd import Value, topological_order
from nn import functional as F

torch = pytest.importorskip("torch", reason="compares with PyTorch: pip install torch")
T = torch.nn.functional
SCORES = [0.7, -1.3, 2.2, -0.4, 0.05]


def _t(numbers, grad=False):
    return torch.tensor(numbers, dtype=torch.float64, requires_grad=grad)


def _close(a, b):
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


def _backward_both(ours, theirs, weights):
    """Backpropagate a weighted sum of outputs (a Value or a list of them) through both."""
    if isinstance(ours, Value):
        ours.backward()
        theirs.backward()
        return
    autograd.sum(w * o for w, o in zip(weights, ours)).backward()
    (theirs * _t(weights)).sum().backward()


@pytest.mark.parametrize(
    "ours, theirs",
    [
        (F.relu, T.relu),
        (F.tanh, torch.tanh),
        (F.sigmoid, torch.sigmoid),
        (F.leaky_relu, T.leaky_relu),
        (lambda x: F.leaky_relu(x, negative_slope=0.2), lambda t: T.leaky_relu(t, 0.2)),
        (F.softplus, T.softplus),
    ],
)
def test_activations_match_torch_on_a_list_and_on_one_value(ours, theirs):
    xs = [Value(v) for v in SCORES]
    out = ours(xs)
    t = _t(SCORES, grad=True)
    expected = theirs(t)
    weights = [1.0, -2.0, 0.5, 3.0, 1.5]
    _backward_both(out, expected, weights)
    assert all(_close(o.data, e) for o, e in zip(out, expected.tolist()))
    assert all(_close(x.grad, g) for x, g in zip(xs, t.grad.tolist()))
    one = ours(Value(-0.3))
    assert isinstance(one, Value) and _close(one.data, theirs(_t(-0.3)).item())


@pytest.mark.parametrize("ours, theirs", [(F.softmax, T.softmax), (F.log_softmax, T.log_softmax)])
def test_softmax_and_log_softmax_match_torch(ours, theirs):
    xs = [Value(v) for v in SCORES]
    out = ours(xs)
    t = _t(SCORES, grad=True)
    expected = theirs(t, dim=0)
    _backward_both(out, expected, [1.0, -2.0, 0.5, 3.0, 1.5])
    assert all(_close(o.data, e) for o, e in zip(out, expected.tolist()))
    assert all(_close(x.grad, g) for x, g in zip(xs, t.grad.tolist()))


def test_softmax_is_stable_and_shifts_by_a_constant():
    xs = [Value(1000.0), Value(999.0), Value(-1000.0)]  # e**1000 overflows a float
    probs = F.softmax(xs)
    expected = T.softmax(_t([1000.0, 999.0, -1000.0]), dim=0).tolist()
    assert all(_close(p.data, e) for p, e in zip(probs, expected))
    assert _close(sum(p.data for p in probs), 1.0)
    log_probs = F.log_softmax(xs)
    assert _close(log_probs[2].data, -2000.0 - math.log1p(math.exp(-1.0)))
    # The maximum enters as a plain number: no edge from the max back into the graph, so the
    # graph of one softmax output holds the inputs, their shifts, exps, one sum and a divide.
    nodes = topological_order(probs[0])
    assert sum(1 for n in nodes if n._op == "sum") == 1 and len(nodes) <= 5 * len(xs) + 4


# --- losses: each against torch, for each reduction ------------------------------------

PROBS = [0.9, 0.2, 0.55, 0.01, 0.7]
LABELS = [1.0, 0.0, 1.0, 0.0, 0.3]  # BCE takes soft targets too
SIGNS = [1.0, -1.0, 1.0, 1.0, -1.0]


def _hinge_torch(x, y, reduction):
    losses = torch.clamp(1 - y * x, min=0)
    return {"mean": losses.mean(), "sum": losses.sum(), "none": losses}[reduction]


ELEMENTWISE = [
    (F.mse_loss, T.mse_loss, SCORES, [0.5, -1.0, 2.0, 0.0, 1.0]),
    (F.binary_cross_entropy, T.binary_cross_entropy, PROBS, LABELS),
    (F.binary_cross_entropy_with_logits, T.binary_cross_entropy_with_logits, SCORES, LABELS),
    (F.hinge_loss, _hinge_torch, SCORES, SIGNS),
]


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("ours, theirs, inputs, targets", ELEMENTWISE)
def test_elementwise_losses_match_torch(ours, theirs, inputs, targets, reduction):
    xs = [Value(v) for v in inputs]
    loss = ours(xs, targets, reduction=reduction)
    t = _t(inputs, grad=True)
    expected = theirs(t, _t(targets), reduction=reduction)
    weights = [0.5, -1.0, 2.0, 1.0, 3.0]
    _backward_both(loss, expected, weights)
    if reduction == "none":
        assert all(_close(o.data, e) for o, e in zip(loss, expected.tolist()))
    else:
        assert _close(loss.data, expected.item())
    assert all(_close(x.grad, g) for x, g in zip(xs, t.grad.tolist()))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_matches_torch_on_a_batch(reduction):
    logits = [[2.0, -1.0, 0.5], [0.1, 0.2, 0.3], [-3.0, 4.0, 1.0], [10.0, -10.0, 0.0]]
    targets = [0, 2, 1, 1]
    xs = [[Value(v) for v in row] for row in logits]
    loss = F.cross_entropy(xs, targets, reduction=reduction)
    t = _t(logits, grad=True)
    expected = T.cross_entropy(t, torch.tensor(targets), reduction=reduction)
    _backward_both(loss, expected, [1.0, -2.0, 0.5, 3.0])
    got = [loss.data] if isinstance(loss, Value) else [o.data for o in loss]
    assert all(_close(a, b) for a, b in zip(got, expected.reshape(-1).tolist()))
    grads = [x.grad for row in xs for x in row]
    assert all(_close(a, b) for a, b in zip(grads, t.grad.reshape(-1).tolist()))


def test_cross_entropy_of_one_example_and_nll_of_log_softmax_agree_with_torch():
    scores = [Value(v) for v in [1.0, 3.0, -2.0]]
    one = F.cross_entropy(scores, 1)
    expected = T.cross_entropy(_t([1.0, 3.0, -2.0]), torch.tensor(1)).item()
    assert _close(one.data, expected)
    assert _close(F.nll_loss(F.log_softmax(scores), 1).data, expected)
    batch = F.nll_loss([F.log_softmax(scores)] * 2, [1, 0], reduction="sum")
    log_p = T.log_softmax(_t([1.0, 3.0, -2.0]), dim=0)
    assert _close(batch.data, -(log_p[1] + log_p[0]).item())


def test_bce_clamps_its_logs_at_minus_100_as_torch():
    p = [Value(1.0), Value(0.0), Value(1.0)]
    loss = F.binary_cross_entropy(p, [0.0, 1.0, 1.0], reduction="none")
    expected = T.binary_cross_entropy(_t([1.0, 0.0, 1.0]), _t([0.0, 1.0, 1.0]), reduction="none")
    assert [v.data for v in loss] == expected.tolist() == [100.0, 100.0, 0.0]
