"""Metrics for classifiers, and which one a loss implies.

A classifier's outputs mean different things under different losses: a logit is class 1
above 0, a probability above 0.5, a list of class scores at its largest. fit and evaluate
ask metric_for which reading the loss and the model's output imply, so that the accuracy
they report is the model's, whatever the loss.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from autograd import Value
from nn import functional as F
from nn.modules import MLP, Layer, Neuron

LossFn = Callable[[list, Sequence[Any]], Value]


def accuracy(
    predictions: Sequence[Value | Sequence[Value]], targets: Sequence[Any], threshold: float = 0.0
) -> float:
    """The fraction of predictions that are right.

    One score per example, labels 0/1 or -1/+1: the prediction is class 1 (or +1) when the
    score is above `threshold`, which is 0 for logits and ±1 scores and 0.5 for probabilities
    (a sigmoid's) or a regression onto 0/1. A list of scores per example, class indices: right
    when the largest score is at the target's index. fit and evaluate choose the reading from
    the loss and the model: see metric_for."""
    if len(predictions) != len(targets):
        raise ValueError(f"{len(predictions)} predictions but {len(targets)} targets")
    if not predictions:
        raise ValueError("accuracy needs at least one prediction")
    if isinstance(predictions[0], (list, tuple)):
        correct = 0
        for scores, target in zip(predictions, targets):
            if not _is_index(target) or not target < len(scores):
                raise ValueError(
                    f"with {len(scores)} scores per example, targets are class indices "
                    f"0..{len(scores) - 1}; got {target!r}"
                )
            numbers = [s.data for s in scores]
            correct += numbers.index(max(numbers)) == target
        return correct / len(predictions)
    if _labels(targets) is None:
        raise ValueError(
            f"accuracy takes labels 0/1 or -1/+1; got targets {_some_values(targets)} "
            "(for a regression, pass metric=None)"
        )
    right = [(p.data > threshold) == (y > 0) for p, y in zip(predictions, targets)]
    return sum(right) / len(predictions)


Metric = Callable[[list, Sequence[Any]], float]
_PROBABILITIES = partial(accuracy, threshold=0.5)


def metric_for(loss_fn: LossFn, model: Any, targets: Sequence[Any]) -> Metric | None:
    """The accuracy that reads the model's outputs as the loss trains them; None for a
    regression, which has no accuracy.

        cross_entropy, nll_loss            the largest score is the class
        binary_cross_entropy               p > 0.5    the outputs are probabilities
        binary_cross_entropy_with_logits   x > 0      logits
        hinge_loss                         x > 0      ±1 scores
        mse_loss on labels 0/1             x > 0.5    a regression onto the labels
        mse_loss on labels -1/+1           x > 0
        mse_loss on other targets          None

    A loss of one's own (a lambda, a closure) says nothing, so the targets and the model's
    output decide: class indices with several outputs by the largest score, -1/+1 labels by
    sign, 0/1 labels on a sigmoid output as probabilities, other numbers as a regression.
    0/1 labels on one output of any other kind could be logits (read at 0) or a regression
    (at 0.5): that cannot be known, and this raises ValueError asking for metric=. So does a
    sigmoid output with a loss that takes scores (the sigmoid would be applied twice)."""
    loss = loss_fn
    while isinstance(loss, partial):  # partial(F.mse_loss, reduction="sum") is mse_loss
        loss = loss.func
    labels, (outputs, output) = _labels(targets), _output(model)
    if loss in (F.cross_entropy, F.nll_loss):
        return accuracy
    if output == "sigmoid" and loss in (F.binary_cross_entropy_with_logits, F.hinge_loss):
        raise ValueError(
            f"the model's output is a sigmoid's, a probability, but {loss.__name__} takes "
            "scores: the sigmoid would be applied twice. Use output_activation='linear', "
            "or binary_cross_entropy on the probabilities"
        )
    if loss is F.binary_cross_entropy:
        return _PROBABILITIES
    if loss in (F.binary_cross_entropy_with_logits, F.hinge_loss):
        return accuracy
    if loss is F.mse_loss:
        return {"0/1": _PROBABILITIES, "-1/+1": accuracy}.get(labels)
    # a loss of one's own: the targets and the output decide, where they can
    if _class_indices(targets) and (labels is None or (outputs or 0) > 1):
        return accuracy  # class indices 0..k-1 and k scores an example: the largest
    if labels == "-1/+1" and output != "sigmoid":
        return accuracy
    if labels is None:
        return None  # neither labels nor class indices: a regression
    if labels == "0/1" and output == "sigmoid":
        return _PROBABILITIES
    raise ValueError(
        f"cannot tell how to read this model's outputs as classes with the loss {loss!r} "
        f"and targets {_some_values(targets)}: pass metric=nn.metrics.accuracy for scores or "
        "logits (class 1 above 0), metric=functools.partial(nn.metrics.accuracy, "
        "threshold=0.5) for probabilities or a regression onto 0/1, or metric=None"
    )


def _labels(targets: Sequence[Any]) -> str | None:
    """'0/1' or '-1/+1' if every target is one of those labels, else None."""
    found = set()
    for y in targets:
        if isinstance(y, bool) or not isinstance(y, (int, float)):
            return None
        found.add(float(y))
    if found <= {0.0, 1.0}:
        return "0/1"
    return "-1/+1" if found <= {-1.0, 1.0} else None


def _class_indices(targets: Sequence[Any]) -> bool:
    return all(_is_index(y) for y in targets)


def _is_index(y: Any) -> bool:
    return isinstance(y, int) and not isinstance(y, bool) and y >= 0


def _output(model: Any) -> tuple[int | None, str | None]:
    """How many outputs the model has and their activation, if it is one of ours."""
    if isinstance(model, MLP):
        return model.nouts[-1], model.output_activation
    if isinstance(model, Layer):
        return len(model.neurons), model.neurons[0].activation
    if isinstance(model, Neuron):
        return 1, model.activation
    return None, None


def _some_values(targets: Sequence[Any], shown: int = 4) -> str:
    values = sorted({repr(y) for y in targets})
    return "{" + ", ".join(values[:shown]) + (", ..." if len(values) > shown else "") + "}"
