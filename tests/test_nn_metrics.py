"""nn.metrics: the accuracy fit and evaluate report is read as the loss and the output
imply. Each model here is right on every example (or on a known share of them); the old
reading, class 1 whenever the output was above 0, reported 50% for the sigmoid + BCE one."""

import functools

import pytest

from autograd import Value
from nn import MLP, Layer, Neuron, evaluate, fit, optim
from nn import functional as F
from nn.metrics import accuracy, metric_for

X = [[-2.0], [-1.0], [1.0], [2.0]]
LABELS = [0, 0, 1, 1]
SIGNS = [-1, -1, 1, 1]


def _neuron(activation, w, b=0.0):
    neuron = Neuron(1, activation=activation, init="zeros")
    neuron.w[0].data, neuron.b.data = w, b
    return neuron


def _reported(model, y, loss_fn, **kwargs):
    """The accuracy fit prints for one step that does not move the model (lr 0)."""
    optimizer = optim.SGD(model.parameters(), lr=0.0)
    history = fit(model, X, y, loss_fn, optimizer, 1, log_every=0, **kwargs)
    return history.accuracy


@pytest.mark.parametrize(
    "model, y, loss_fn",
    [
        (_neuron("sigmoid", 5.0), LABELS, F.binary_cross_entropy),  # p near 0 or 1
        (_neuron("linear", 3.0), LABELS, F.binary_cross_entropy_with_logits),
        (_neuron("linear", 1.0), SIGNS, F.hinge_loss),
        (_neuron("tanh", 2.0), SIGNS, F.mse_loss),
        # a regression onto 0/1: outputs 0.1, 0.3 for class 0 and 0.7, 0.9 for class 1
        (_neuron("linear", 0.2, b=0.5), LABELS, F.mse_loss),
        (_neuron("sigmoid", 5.0), LABELS, functools.partial(F.mse_loss, reduction="sum")),
        (_neuron("sigmoid", 5.0), LABELS, lambda p, y: F.binary_cross_entropy(p, y)),
        (_neuron("linear", 1.0), SIGNS, lambda p, y: F.hinge_loss(p, y) + 0.0),
    ],
    ids=[
        "sigmoid+bce",
        "logits",
        "hinge",
        "tanh+mse",
        "mse-0/1",
        "partial",
        "own-sigmoid",
        "own-signs",
    ],  # fmt: skip
)
def test_a_model_right_on_every_example_reports_100_percent(model, y, loss_fn):
    assert _reported(model, y, loss_fn) == [1.0]
    assert evaluate(model, X, y, loss_fn)[1] == 1.0


def test_the_threshold_is_where_the_classes_part():
    # outputs 0.1, 0.3, 0.7, 0.9 against labels 0, 1, 1, 1: one wrong at 0.5, two at 0
    model, y = _neuron("linear", 0.2, b=0.5), [0, 1, 1, 1]
    assert _reported(model, y, F.mse_loss) == [0.75]
    assert _reported(model, y, F.binary_cross_entropy_with_logits) == [0.75]  # all above 0
    model = _neuron("linear", 0.2, b=0.3)  # -0.1, 0.1, 0.5, 0.7: right at 0, half at 0.5
    assert _reported(model, y, F.binary_cross_entropy_with_logits) == [1.0]
    assert _reported(model, y, F.mse_loss) == [0.5]


def test_class_scores_are_read_at_their_largest():
    layer = Layer(1, 3, activation="linear", init="zeros")
    for k, neuron in enumerate(layer.neurons):
        neuron.w[0].data = k - 1.0  # scores -x, 0, x: class 0 below 0, class 2 above
    y = [0, 0, 2, 2]
    assert _reported(layer, y, F.cross_entropy) == [1.0]
    assert _reported(layer, y, lambda s, t: F.cross_entropy(s, t)) == [1.0]
    # a loss of one's own with 0/1 class indices: several outputs make them classes
    assert _reported(layer, [0, 0, 1, 1], lambda s, t: F.cross_entropy(s, t)) == [0.5]


def test_a_regression_reports_no_accuracy(capsys):
    model = _neuron("linear", 1.0)
    assert _reported(model, [0.3, -1.5, 2.5, 0.1], F.mse_loss) == []
    assert _reported(model, [0.3, -1.5, 2.5, 0.1], lambda p, y: F.mse_loss(p, y)) == []
    optimizer = optim.SGD(model.parameters(), lr=0.0)
    fit(model, X, [0.3, -1.5, 2.5, 0.1], F.mse_loss, optimizer, 1, progress=False)
    assert "accuracy" not in capsys.readouterr().out
    assert evaluate(model, X, [0.3, -1.5, 2.5, 0.1], F.mse_loss)[1] is None


def test_what_cannot_be_known_is_refused_before_training():
    model = _neuron("linear", 1.0)
    before = model.state_dict()
    own_loss = lambda p, y: F.mse_loss(p, y)  # noqa: E731
    with pytest.raises(ValueError, match="cannot tell how to read.*metric=None"):
        fit(model, X, LABELS, own_loss, optim.SGD(model.parameters(), lr=1.0), 3, log_every=0)
    assert model.state_dict() == before  # nothing trained
    explicit = functools.partial(accuracy, threshold=0.5)  # the fix the message names
    assert _reported(model, LABELS, own_loss, metric=explicit) == [1.0]
    with pytest.raises(ValueError, match="sigmoid would be applied twice"):
        metric_for(F.binary_cross_entropy_with_logits, _neuron("sigmoid", 1.0), LABELS)
    with pytest.raises(ValueError, match="sigmoid would be applied twice"):
        metric_for(F.hinge_loss, MLP(1, [2, 1], output_activation="sigmoid"), SIGNS)


def test_accuracy_refuses_targets_it_cannot_read():
    scores = [Value(0.5), Value(-2.0)]
    with pytest.raises(ValueError, match="labels 0/1 or -1/\\+1; got targets \\{0.3, 2\\}"):
        accuracy(scores, [0.3, 2])
    with pytest.raises(ValueError, match="class indices 0..1; got 2"):
        accuracy([[Value(0.1), Value(0.2)]], [2])
    assert accuracy(scores, [1, 0], threshold=0.4) == 1.0
    assert accuracy(scores, [1, 0], threshold=0.5) == 0.5  # above, not at, the threshold
    assert accuracy(scores, [1, -1], threshold=0.6) == 0.5
