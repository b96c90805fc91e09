"""Activations and losses on Values, with torch.nn.functional's names.

    from nn import functional as F

Activations take a Value, or a list of Values (they apply to each). softmax and log_softmax
take the list of one example's scores (or a list of such lists, one per example).

Losses take a batch: a list of predictions (one Value each, or for cross_entropy one list of
scores each) and a list of targets of the same length; a single prediction and target is a
batch of one. The outputs of a model, `[model(x) for x in X]`, are a Python list, which has no
backward(); a loss makes one Value of them, which has: `F.mse_loss(outputs, y).backward()`.
`reduction` is 'mean' (the default), 'sum' or 'none' (the list of per-example losses), as in
PyTorch. The formulas, per example (p a probability, x a score, y a target):

    mse_loss                              (x - y)²
    binary_cross_entropy                  -(y log p + (1 - y) log(1 - p))       y in [0, 1]
    binary_cross_entropy_with_logits      softplus(x) - x y  = the line above with p = σ(x)
    cross_entropy                         log Σ_j e^(x_j) - x_y                 y a class index
    nll_loss                              -x_y                    x the log-probabilities
    hinge_loss                            max(0, 1 - y x)                       y in {-1, +1}
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Real

import autograd
from autograd import Value

Scalar = Value | Real
REDUCTIONS = ("mean", "sum", "none")


# --- activations -----------------------------------------------------------------------


def relu(input: Scalar | Sequence[Scalar]) -> Value | list[Value]:
    return _each(input, lambda x: x.relu())


def tanh(input: Scalar | Sequence[Scalar]) -> Value | list[Value]:
    return _each(input, lambda x: x.tanh())


def sigmoid(input: Scalar | Sequence[Scalar]) -> Value | list[Value]:
    return _each(input, lambda x: x.sigmoid())


def leaky_relu(
    input: Scalar | Sequence[Scalar], negative_slope: float = 0.01
) -> Value | list[Value]:
    return _each(input, lambda x: x.leaky_relu(negative_slope))


def softplus(input: Scalar | Sequence[Scalar]) -> Value | list[Value]:
    return _each(input, lambda x: x.softplus())


def softmax(input: Sequence[Scalar] | Sequence[Sequence[Scalar]]) -> list:
    """e^(x_i) / Σ_j e^(x_j) for each score of a list: probabilities that add up to 1."""
    if _is_batch(input):
        return [softmax(row) for row in input]
    shifted = _shifted(input)
    exps = [z.exp() for z in shifted]
    total = autograd.sum(exps)
    return [e / total for e in exps]


def log_softmax(input: Sequence[Scalar] | Sequence[Sequence[Scalar]]) -> list:
    """x_i - log Σ_j e^(x_j): the logarithms of softmax, without ever taking log of 0."""
    if _is_batch(input):
        return [log_softmax(row) for row in input]
    shifted = _shifted(input)
    log_total = autograd.sum(z.exp() for z in shifted).log()
    return [z - log_total for z in shifted]


# --- losses ----------------------------------------------------------------------------


def mse_loss(
    input: Scalar | Sequence[Scalar], target: Scalar | Sequence[Scalar], reduction: str = "mean"
) -> Value | list[Value]:
    """Mean squared error: (input - target)², averaged over the batch."""
    _check_reduction(reduction)
    inputs, targets = _batch(input, target, "mse_loss")
    return _reduce([(x - y) ** 2 for x, y in zip(inputs, targets)], reduction)


def binary_cross_entropy(
    input: Scalar | Sequence[Scalar], target: Scalar | Sequence[Scalar], reduction: str = "mean"
) -> Value | list[Value]:
    """The cross-entropy of probabilities `input` (a sigmoid's outputs) and targets in [0, 1].

    As in PyTorch, each log is clamped at -100, so a probability of exactly 0 or 1 costs 100
    instead of raising; there the gradient is lost. On scores, binary_cross_entropy_with_logits
    is the stable form."""
    _check_reduction(reduction)
    inputs, targets = _batch(input, target, "binary_cross_entropy")
    _check_probability_targets(targets, "binary_cross_entropy")
    losses = []
    for p, y in zip(inputs, targets):
        if isinstance(p, Value) and not 0.0 <= p.data <= 1.0:
            raise ValueError(f"binary_cross_entropy takes probabilities in [0, 1]; got {p.data}")
        terms = []
        if _data(y) != 0.0:  # a term whose factor is 0 is left out, so log(0) is never taken
            terms.append(y * _clamped_log(p))
        if _data(y) != 1.0:
            terms.append((1 - y) * _clamped_log(1 - p))
        losses.append(-autograd.sum(terms))
    return _reduce(losses, reduction)


def binary_cross_entropy_with_logits(
    input: Scalar | Sequence[Scalar], target: Scalar | Sequence[Scalar], reduction: str = "mean"
) -> Value | list[Value]:
    """binary_cross_entropy(sigmoid(input), target) computed from the scores themselves:
    softplus(x) - x·y = max(x, 0) - x·y + log(1 + e^-|x|), which never overflows."""
    _check_reduction(reduction)
    inputs, targets = _batch(input, target, "binary_cross_entropy_with_logits")
    _check_probability_targets(targets, "binary_cross_entropy_with_logits")
    return _reduce([_value(x).softplus() - x * y for x, y in zip(inputs, targets)], reduction)


def cross_entropy(
    input: Sequence[Scalar] | Sequence[Sequence[Scalar]],
    target: int | Sequence[int],
    reduction: str = "mean",
) -> Value | list[Value]:
    """Softmax cross-entropy of scores (logits) and class indices.

    A batch, as in PyTorch: `input` a list of score lists, one per example, `target` a list of
    class indices. One example: a list of scores and an int. The loss of an example is
    -log softmax(x)[y] = log Σ_j e^(x_j) - x_y, computed shifted by the largest score."""
    _check_reduction(reduction)
    inputs, targets = _score_lists(input, target, "cross_entropy")
    losses = []
    for scores, y in zip(inputs, targets):
        _check_class(y, len(scores), "cross_entropy")
        shifted = _shifted(scores)
        losses.append(autograd.sum(z.exp() for z in shifted).log() - shifted[y])
    return _reduce(losses, reduction)


def nll_loss(
    input: Sequence[Scalar] | Sequence[Sequence[Scalar]],
    target: int | Sequence[int],
    reduction: str = "mean",
) -> Value | list[Value]:
    """The negative log-likelihood -x_y of log-probabilities x (say, from log_softmax)."""
    _check_reduction(reduction)
    inputs, targets = _score_lists(input, target, "nll_loss", "log-probabilities")
    losses = []
    for log_probs, y in zip(inputs, targets):
        _check_class(y, len(log_probs), "nll_loss")
        losses.append(-_value(log_probs[y]))
    return _reduce(losses, reduction)


def hinge_loss(
    input: Scalar | Sequence[Scalar], target: Scalar | Sequence[Scalar], reduction: str = "mean"
) -> Value | list[Value]:
    """The binary max-margin loss of micrograd's demo: max(0, 1 - y·x), labels y in {-1, +1}.

    Zero once a score is on the right side by a margin of 1. (PyTorch's closest relatives are
    the multi-class multi_margin_loss and hinge_embedding_loss.)"""
    _check_reduction(reduction)
    inputs, targets = _batch(input, target, "hinge_loss")
    for y in targets:
        if _data(y) not in (-1.0, 1.0):
            raise ValueError(
                f"hinge_loss takes labels -1 and +1; got {_data(y)!r} "
                "(labels 0/1 become -1/+1 with 2*y - 1)"
            )
    return _reduce([(1 - y * x).relu() for x, y in zip(inputs, targets)], reduction)


# --- helpers ---------------------------------------------------------------------------


def _check_reduction(reduction: str) -> None:
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of 'mean', 'sum' or 'none'; got {reduction!r}")


def _reduce(losses: list[Value], reduction: str) -> Value | list[Value]:
    if reduction == "none":
        return losses
    total = autograd.sum(losses)  # one node with an edge from every example
    return total if reduction == "sum" else total / len(losses)


def _batch(input, target, name: str) -> tuple[list, list]:
    """One score per example: input and target as two lists of the same length; a single pair
    becomes a batch of one."""
    inputs, targets = _pairs(input, target, name)
    for i, x in enumerate(inputs):
        if isinstance(x, (list, tuple)):  # a model with several outputs
            raise ValueError(
                f"{name} takes one score (a Value) per example; example {i} is a list of "
                f"{len(x)}, as from a model with {len(x)} outputs. Give the model one output, "
                "MLP(..., [..., 1]), or compare each output with its own target; for one score "
                "per class, use cross_entropy"
            )
    return inputs, targets


def _score_lists(input, target, name: str, what: str = "class scores") -> tuple[list, list]:
    """A list of class scores per example: a batch (a list of score lists and a list of class
    indices), or one example (a list of scores and an int), as a batch of one."""
    if _is_batch(input):
        return _pairs(input, target, name)
    if isinstance(target, (list, tuple)) and isinstance(input, (list, tuple)) and input:
        # A list of single scores and a list of targets: one score per example, where this
        # loss needs one score per class. Each score would be read as a class of one example.
        raise ValueError(
            f"{name} takes a list of {what} per example, one per class; got "
            f"{len(input)} single numbers for {len(target)} targets. Give the model one output "
            "per class, MLP(..., [..., k]), or, for two classes and one score per example, "
            "use binary_cross_entropy_with_logits"
        )
    return _pairs([input], [target], name)


def _pairs(input, target, name: str) -> tuple[list, list]:
    """input and target as two lists of the same length; a single pair becomes a batch of one."""
    inputs = input if isinstance(input, (list, tuple)) else [input]
    targets = target if isinstance(target, (list, tuple)) else [target]
    if len(inputs) != len(targets):
        raise ValueError(
            f"{name} needs one target per prediction; got {len(inputs)} predictions "
            f"and {len(targets)} targets"
        )
    if not inputs:
        raise ValueError(f"{name} needs at least one prediction; got an empty list")
    return inputs, targets


def _is_batch(input) -> bool:
    return isinstance(input, (list, tuple)) and bool(input) and isinstance(input[0], (list, tuple))


def _shifted(scores: Sequence[Scalar]) -> list[Value]:
    """x_i - max(x): the same softmax, but e^z never overflows (every z <= 0). The maximum is
    subtracted as a plain number, a constant: the gradient stays exact and the graph small."""
    if not scores:
        raise ValueError("softmax needs at least one score; got an empty list")
    values = [_value(x) for x in scores]
    top = max(v.data for v in values)
    return [v - top for v in values]


def _clamped_log(p: Scalar) -> Value:
    if _data(p) <= _EXP_MINUS_100:
        return Value(-100.0)  # torch's clamp: log(0) would be -inf
    return _value(p).log()


_EXP_MINUS_100 = math.exp(-100.0)  # below this, log is clamped to -100


def _check_probability_targets(targets: list, name: str) -> None:
    # Outside [0, 1] the formula still returns a number, even a negative one, and training
    # follows it somewhere meaningless: refuse, as PyTorch's binary_cross_entropy does.
    for y in targets:
        if not 0.0 <= _data(y) <= 1.0:  # also catches nan
            raise ValueError(
                f"{name} takes targets in [0, 1], the probability of class 1; got {_data(y)!r} "
                "(labels -1/+1 become 0/1 with (y + 1) / 2, or use hinge_loss; "
                "class indices 0..k-1 want cross_entropy)"
            )


def _check_class(y, n_classes: int, name: str) -> None:
    if isinstance(y, bool) or not isinstance(y, int) or not 0 <= y < n_classes:
        raise ValueError(f"{name}'s targets are class indices 0..{n_classes - 1}; got {y!r}")


def _each(input, f):
    if isinstance(input, (list, tuple)):
        return [f(_value(x)) for x in input]
    return f(_value(input))


def _value(x: Scalar) -> Value:
    return x if isinstance(x, Value) else Value(x)


def _data(x: Scalar) -> float:
    return x.data if isinstance(x, Value) else float(x)
