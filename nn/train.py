"""A training loop, for when the loop itself is not the lesson (the notebooks write it out).

    history = fit(model, X, y, F.hinge_loss, optim.SGD(model.parameters(), lr=0.1), steps=100)

Each step runs the model on the data (or on the next mini-batch), computes the loss,
backpropagates, and lets the optimizer (and the scheduler, if any) take a step. In a
terminal a progress bar (tqdm, on stderr) shows the loss, the accuracy and the learning rate;
elsewhere (CI, a log file, a test) it prints one line every `log_every` steps to stdout.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from tqdm import tqdm

from autograd import no_grad
from nn._random import generator as _generator
from nn.data import batches
from nn.metrics import LossFn, Metric, accuracy, metric_for
from nn.optim import Optimizer

__all__ = ["History", "accuracy", "evaluate", "fit", "metric_for"]  # the last two: nn.metrics'


@dataclass
class History:
    """What fit saw at each step: the loss, the accuracy (on that step's batch) and the lr."""

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)


def evaluate(
    model: Callable,
    X: Sequence[Any],
    y: Sequence[Any],
    loss_fn: LossFn,
    metric: Metric | None | str = "auto",
) -> tuple[float, float | None]:
    """(loss, metric) of the model on a data set, without recording a graph. metric="auto"
    is the accuracy metric_for(loss_fn, model, y) chooses (None for a regression)."""
    metric = _chosen(metric, loss_fn, model, y)
    with no_grad():
        predictions = [model(x) for x in X]
        return loss_fn(predictions, y).data, metric(predictions, y) if metric else None


def fit(
    model: Any,
    X: Sequence[Any],
    y: Sequence[Any],
    loss_fn: LossFn,
    optimizer: Optimizer,
    steps: int,
    scheduler: Any = None,
    batch_size: int | None = None,
    seed: Any = None,
    metric: Metric | None | str = "auto",
    progress: bool | None = None,
    log_every: int = 10,
    file: TextIO | None = None,
) -> History:
    """Train `model` for `steps` optimizer steps; return the History.

    loss_fn(predictions, targets) -> Value, e.g. F.mse_loss or a lambda that adds a penalty.
    batch_size: None trains on all of X at every step; a number takes the next shuffled
    mini-batch at every step, starting a new epoch when the data runs out (order from `seed`).
    metric(predictions, targets) -> float, shown and recorded at every step; "auto" (the
    default) is the accuracy that fits the loss and the model's output (see metric_for: a
    regression gets none, and where it cannot be known fit raises before training); None for
    no metric.
    progress: True for a tqdm bar on stderr, False for printed lines, None (the default) for a
    bar when stderr is a terminal and lines otherwise. log_every=0 prints no lines.
    """
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
        raise ValueError(f"steps must be a whole number, 0 or more; got {steps!r}")
    if len(X) != len(y):
        raise ValueError(f"X and y must have the same length; got {len(X)} and {len(y)}")
    if not X:
        raise ValueError("fit needs at least one example; X is empty")
    metric = _chosen(metric, loss_fn, model, y)
    file = sys.stdout if file is None else file
    if progress is None:
        progress = sys.stderr.isatty()
    data = _batch_stream(X, y, batch_size, seed)
    history = History()
    bar = tqdm(total=steps, file=sys.stderr, unit="step", disable=not progress, leave=True)
    for k in range(steps):
        X_batch, y_batch = next(data)
        predictions = [model(x) for x in X_batch]
        loss = loss_fn(predictions, y_batch)
        optimizer.zero_grad()
        loss.backward()
        history.lr.append(optimizer.param_groups[0]["lr"])  # the lr this step used
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        history.loss.append(loss.data)
        line = f"loss {loss.data:.4f}"
        if metric is not None:
            history.accuracy.append(metric(predictions, y_batch))
            line += f"  accuracy {history.accuracy[-1]:.0%}"
        if progress:
            bar.set_postfix_str(f"{line}  lr {history.lr[-1]:.3g}", refresh=False)
            bar.update()
        elif log_every and ((k + 1) % log_every == 0 or k == 0):
            print(f"step {k + 1:4d}/{steps}  {line}", file=file, flush=True)
    bar.close()
    return history


def _chosen(metric: Metric | None | str, loss_fn: LossFn, model: Any, y: Sequence[Any]):
    if isinstance(metric, str):
        if metric != "auto":
            raise ValueError(f'metric is "auto", a function or None; got {metric!r}')
        return metric_for(loss_fn, model, y)
    return metric


def _batch_stream(X, y, batch_size: int | None, seed):
    """The data for every step: all of it each time, or mini-batches, epoch after epoch."""
    if batch_size is None:
        X, y = list(X), list(y)
        while True:
            yield X, y
    rng = _generator(seed)  # one generator: a new order every epoch, reproducible from an int
    while True:
        yield from batches(X, y, batch_size, shuffle=True, seed=rng)
