"""The plots a course draws again and again: a loss curve, a classifier's decision boundary, and
the size of the gradient layer by layer. Each draws on the Axes it is given (or a new one) and
returns it, so that a caller can add a title or a second curve.

    from nn import plots
    ax = plots.loss_curve(losses, log=True)
    plots.decision_boundary(model, X, y)
    plots.gradient_sizes(model)          # after loss.backward(): one bar per layer

matplotlib is optional: it is imported when a plot is drawn, never by `import nn`
(pip install matplotlib; in a checkout, `make course` or pip install -e '.[course]').
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from autograd import no_grad
from nn.data import linspace

if TYPE_CHECKING:
    from matplotlib.axes import Axes

# The two classes, as light fills (the regions) and strong colours (the points).
REGION_COLOURS = ("#9ec5ea", "#f4a99b")
POINT_COLOURS = ("#2166ac", "#b2182b")


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise ImportError(
            "nn.plots draws with matplotlib, which is not installed: pip install matplotlib"
            " (in a checkout of chainrule: make course, or pip install -e '.[course]')"
        ) from error
    return plt


def _axes(ax: Axes | None) -> Axes:
    plt = _pyplot()  # first, so that a missing matplotlib is reported as such
    if ax is None:
        _, ax = plt.subplots()
    return ax


def loss_curve(
    losses: Sequence[float],
    ax: Axes | None = None,
    *,
    label: str | None = None,
    log: bool = False,
    ylabel: str = "loss",
) -> Axes:
    """One point per training step: losses[i] at step i. Call it again with the same `ax` and
    a `label` for each run to compare runs; log=True for a log scale."""
    ax = _axes(ax)
    ax.plot(range(len(losses)), [float(x) for x in losses], label=label)
    ax.set(xlabel="step", ylabel=ylabel)
    if log:
        ax.set_yscale("log")
    if label is not None:
        ax.legend()
    return ax


def points(X: Sequence[Sequence[float]], y: Sequence[float], ax: Axes | None = None) -> Axes:
    """A scatter of 2-d points, coloured by class: a label above 0 (1, or +1) is one class,
    0 or -1 the other."""
    ax = _axes(ax)
    colours = [POINT_COLOURS[1 if label > 0 else 0] for label in y]  # numpy's bool is no index
    ax.scatter(
        [p[0] for p in X],
        [p[1] for p in X],
        c=colours,
        s=16,
        edgecolors="k",
        linewidths=0.4,
        zorder=3,
    )
    ax.set(xlabel="$x_1$", ylabel="$x_2$")
    return ax


def decision_boundary(
    model: Any,
    X: Sequence[Sequence[float]],
    y: Sequence[float],
    ax: Axes | None = None,
    *,
    steps: int = 40,
    threshold: float = 0.0,
    margin: float = 0.5,
) -> Axes:
    """Where `model` (2 inputs, 1 score) says each class, with the points on top.

    The model is evaluated on a grid of `steps` × `steps` points covering the data and
    `margin` around it (under no_grad: no graph is built). Scores above `threshold` are
    shaded as the class labelled 1 (or +1); the line is the boundary, score == threshold.
    The grid's scores are the shading's values: ax.collections[0].get_array().
    """
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 2:
        raise ValueError(f"steps is the number of grid points on each axis, 2 or more: {steps!r}")
    ax = _axes(ax)
    from matplotlib import colors  # installed: _axes has checked

    xs = linspace(min(p[0] for p in X) - margin, max(p[0] for p in X) + margin, steps)
    ys = linspace(min(p[1] for p in X) - margin, max(p[1] for p in X) + margin, steps)
    with no_grad():
        grid = [[_score(model([a, b])) for a in xs] for b in ys]  # grid[j][i]: at (xs[i], ys[j])
    lowest = min(min(row) for row in grid)
    highest = max(max(row) for row in grid)
    shades = colors.ListedColormap(REGION_COLOURS)
    # Two bands, below and above the threshold, however far the scores reach either way.
    bounds = [min(lowest, threshold) - 1.0, threshold, max(highest, threshold) + 1.0]
    ax.pcolormesh(
        xs, ys, grid, cmap=shades, norm=colors.BoundaryNorm(bounds, 2), shading="nearest", alpha=0.8
    )
    if lowest < threshold < highest:
        ax.contour(xs, ys, grid, levels=[threshold], colors="k", linewidths=1)
    points(X, y, ax)
    ax.set(xlim=(xs[0], xs[-1]), ylim=(ys[0], ys[-1]))
    return ax


def gradient_sizes(
    grads: Any,
    ax: Axes | None = None,
    *,
    log: bool = True,
    ylabel: str | None = None,
) -> Axes:
    """One bar per layer, layer 1 (next to the input) first.

    grads: a model with `.layers` (nn.MLP), after backward(): each bar is the 2-norm of that
        layer's parameters' gradients, sqrt(sum of p.grad**2); or one number per layer,
        measured any way you like; or {name: numbers per layer} for runs side by side.
    log: a log scale (the default), since the sizes often differ by powers of ten.
    """
    ax = _axes(ax)
    if hasattr(grads, "layers"):
        series = {None: layer_norms(grads)}
        ylabel = ylabel or "2-norm of the layer's gradients"
    elif isinstance(grads, Mapping):
        series = {name: [float(x) for x in sizes] for name, sizes in grads.items()}
    else:
        series = {None: [float(x) for x in grads]}
    if not series:
        raise ValueError("gradient_sizes got no runs to draw: an empty dict")
    width = 0.8 / len(series)
    for k, (name, sizes) in enumerate(series.items()):
        offset = (k - (len(series) - 1) / 2) * width
        ax.bar([i + 1 + offset for i in range(len(sizes))], sizes, width=width, label=name)
    layers = max(len(sizes) for sizes in series.values())
    ax.set_xticks(range(1, layers + 1))
    ax.set(xlabel="layer (1 = next to the input)", ylabel=ylabel or "gradient size")
    if log:
        ax.set_yscale("log")
    if len(series) > 1 or None not in series:
        ax.legend()
    return ax


def layer_norms(model: Any) -> list[float]:
    """The 2-norm of each layer's gradients, sqrt(sum of p.grad**2 over its parameters)."""
    return [math.sqrt(sum(p.grad**2 for p in layer.parameters())) for layer in model.layers]


def _score(out: Any) -> float:
    if isinstance(out, list):  # a model with one output may return it in a list
        if len(out) != 1:
            raise ValueError(
                f"decision_boundary draws a model with one output (a score); this one has"
                f" {len(out)}. For a score per class, draw how much class 1 outscores class 0:"
                " decision_boundary(lambda p: model(p)[1] - model(p)[0], X, y)"
            )
        out = out[0]
    return float(getattr(out, "data", out))
