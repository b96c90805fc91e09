"""nn.functional without a reference library: the stable forms at extreme inputs, batches
row by row, and the errors promised. test_nn_functional_torch.py checks every activation and
loss against torch.nn.functional."""

import math

import pytest

from autograd import Value
from nn import functional as F

SCORES = [0.7, -1.3, 2.2, -0.4, 0.05]


def _close(a, b):
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


def test_softmax_of_a_batch_is_row_by_row():
    rows = [[0.1, 0.2], [3.0, -1.0, 0.5]]
    assert [[p.data for p in row] for row in F.softmax(rows)] == [
        [p.data for p in F.softmax(row)] for row in rows
    ]


def test_cross_entropy_is_stable_for_huge_scores():
    loss = F.cross_entropy([Value(1000.0), Value(-1000.0)], 1)
    assert _close(loss.data, 2000.0)
    loss.backward()


def test_bce_with_logits_is_stable_where_sigmoid_saturates():
    x = [Value(800.0), Value(-800.0)]
    loss = F.binary_cross_entropy_with_logits(x, [0.0, 1.0], reduction="none")
    assert [v.data for v in loss] == [800.0, 800.0]
    F.binary_cross_entropy_with_logits(x, [0.0, 1.0]).backward()
    assert [v.grad for v in x] == [0.5, -0.5]


def test_a_single_prediction_and_target_is_a_batch_of_one():
    assert F.mse_loss(Value(3.0), 1.0).data == 4.0
    assert F.hinge_loss(Value(0.25), -1).data == 1.25


@pytest.mark.parametrize(
    "call",
    [
        lambda r: F.mse_loss([Value(1.0)], [1.0], reduction=r),
        lambda r: F.binary_cross_entropy([Value(0.5)], [1.0], reduction=r),
        lambda r: F.binary_cross_entropy_with_logits([Value(0.5)], [1.0], reduction=r),
        lambda r: F.cross_entropy([Value(0.5), Value(1.0)], 0, reduction=r),
        lambda r: F.nll_loss([Value(-0.5)], 0, reduction=r),
        lambda r: F.hinge_loss([Value(0.5)], [1], reduction=r),
    ],
)
def test_bad_reduction_names_the_choices(call):
    with pytest.raises(ValueError, match="'mean', 'sum' or 'none'; got 'avg'"):
        call("avg")


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: F.mse_loss([Value(1.0), Value(2.0)], [1.0]), "2 predictions and 1 targets"),
        (lambda: F.hinge_loss([Value(1.0)], [1, -1]), "1 predictions and 2 targets"),
        (lambda: F.cross_entropy([[Value(1.0)], [Value(2.0)]], [0]), "2 predictions and 1"),
        (lambda: F.mse_loss([], []), "at least one prediction"),
        (lambda: F.hinge_loss([Value(1.0)], [0]), "labels -1 and \\+1; got 0.0"),
        (lambda: F.cross_entropy([Value(1.0), Value(2.0)], 2), "class indices 0..1; got 2"),
        (lambda: F.binary_cross_entropy([Value(1.5)], [1.0]), "probabilities in \\[0, 1\\]"),
        # targets outside [0, 1] gave a loss, even a negative one: -1/+1 labels, a class index 2
        (lambda: F.binary_cross_entropy([Value(0.3)], [-1]), "targets in \\[0, 1\\].*got -1.0"),
        (lambda: F.binary_cross_entropy([Value(0.3)], [2]), "got 2.0 .*cross_entropy"),
        (lambda: F.binary_cross_entropy_with_logits([Value(3.0)], [-1]), "\\(y \\+ 1\\) / 2"),
        (lambda: F.binary_cross_entropy_with_logits(Value(3.0), 2.0), "targets in \\[0, 1\\]"),
        (lambda: F.binary_cross_entropy_with_logits([Value(0.0)], [float("nan")]), "got nan"),
        (lambda: F.softmax([]), "at least one score"),
        # one score per example, where cross_entropy needs one per class: it once read the
        # 40 scores as the classes of one example ("targets are class indices 0..39")
        (
            lambda: F.cross_entropy([Value(0.1 * i) for i in range(40)], [0, 1] * 20),
            "a list of class scores per example, one per class; got 40 single numbers for 40 "
            "targets. Give the model one output per class, MLP\\(..., \\[..., k\\]\\), or, "
            "for two classes .* binary_cross_entropy_with_logits",
        ),
        (
            lambda: F.nll_loss([Value(-0.5), Value(-1.0)], [0, 1]),
            "nll_loss takes a list of log-probabilities per example",
        ),
        # a list of scores per example, where the loss needs one: it once failed on list - int
        (
            lambda: F.mse_loss([[Value(1.0), Value(2.0)], [Value(0.0), Value(1.0)]], [0.5, 1.0]),
            "one score \\(a Value\\) per example; example 0 is a list of 2, as from a model "
            "with 2 outputs",
        ),
        (
            lambda: F.binary_cross_entropy_with_logits([[Value(1.0)] * 3], [1.0]),
            "binary_cross_entropy_with_logits takes one score",
        ),
    ],
)
def test_bad_inputs_say_what_was_wrong(call, message):
    with pytest.raises(ValueError, match=message):
        call()
