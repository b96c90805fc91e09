"""nn.plots: each plot holds the numbers it was given or computed (read back from the Axes),
and matplotlib stays out of `import nn`."""

import math
import subprocess
import sys

import pytest

import nn
from autograd import Value, no_grad
from nn import functional as F
from nn import plots
from nn.data import make_moons

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")  # no display: draw into memory


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def test_import_nn_does_not_import_matplotlib():
    code = "import sys, nn, nn.optim, nn.functional; print('matplotlib' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_loss_curve_plots_the_losses_against_the_steps():
    losses = [2.5, 1.25, 0.5, 0.125]
    ax = plots.loss_curve(losses, log=True)
    (line,) = ax.get_lines()
    assert list(line.get_ydata()) == losses
    assert list(line.get_xdata()) == [0, 1, 2, 3]
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "step"


def test_loss_curve_adds_labelled_runs_to_one_axes():
    ax = plots.loss_curve([3.0, 2.0], label="SGD")
    assert plots.loss_curve([3.0, 1.0], ax, label="Adam") is ax
    assert [line.get_label() for line in ax.get_lines()] == ["SGD", "Adam"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["SGD", "Adam"]


def test_decision_boundary_shades_the_models_scores_on_the_grid():
    X, y = make_moons(20, noise=0.1, seed=0)
    model = nn.MLP(2, [4, 1], seed=0)
    steps = 7
    ax = plots.decision_boundary(model, X, y, steps=steps)
    mesh = ax.collections[0]
    grid = mesh.get_array().reshape(steps, steps)  # grid[j][i]: the score at (xs[i], ys[j])
    xs = [
        min(p[0] for p in X)
        - 0.5
        + (max(p[0] for p in X) - min(p[0] for p in X) + 1.0) * i / (steps - 1)
        for i in range(steps)
    ]
    ys = [
        min(p[1] for p in X)
        - 0.5
        + (max(p[1] for p in X) - min(p[1] for p in X) + 1.0) * j / (steps - 1)
        for j in range(steps)
    ]
    with no_grad():
        for i, j in [(0, 0), (3, 5), (6, 2), (6, 6)]:
            assert grid[j][i] == model([xs[i], ys[j]]).data
    # the points are drawn on top, one per example
    assert len(ax.collections[-1].get_offsets()) == len(X)
    assert ax.get_xlim() == pytest.approx((xs[0], xs[-1]))


def test_decision_boundary_takes_a_model_returning_a_list_and_checks_steps():
    X, y = [[0.0, 0.0], [1.0, 1.0]], [0, 1]
    ax = plots.decision_boundary(lambda p: [Value(p[0] + p[1] - 1.0)], X, y, steps=3)
    assert ax.collections[0].get_array().reshape(3, 3)[1][1] == pytest.approx(0.0)
    with pytest.raises(ValueError, match="steps"):
        plots.decision_boundary(lambda p: Value(0.0), X, y, steps=1)
    with pytest.raises(ValueError, match="one output"):
        plots.decision_boundary(lambda p: [Value(0.0), Value(1.0)], X, y, steps=2)


def test_a_model_with_a_score_per_class_is_drawn_as_the_error_says():
    X, y = [[0.0, 0.0], [1.0, 1.0]], [0, 1]
    model = nn.MLP(2, [4, 2], seed=0)  # a score per class, as cross_entropy takes
    with pytest.raises(ValueError, match=r"lambda p: model\(p\)\[1\] - model\(p\)\[0\], X, y"):
        plots.decision_boundary(model, X, y, steps=3)
    ax = plots.decision_boundary(lambda p: model(p)[1] - model(p)[0], X, y, steps=3)
    grid = ax.collections[0].get_array().reshape(3, 3)
    with no_grad():
        for i, j in [(0, 0), (1, 2), (2, 1)]:
            scores = model([-0.5 + i, -0.5 + j])  # the grid runs from -0.5 to 1.5 in steps of 1
            assert grid[j][i] == scores[1].data - scores[0].data


def test_gradient_sizes_of_a_model_are_each_layers_gradient_norm():
    model = nn.MLP(2, [3, 3, 1], seed=0)
    F.hinge_loss(model([0.5, -1.0]), 1).backward()
    ax = plots.gradient_sizes(model)
    heights = [bar.get_height() for bar in ax.patches]
    norms = [math.sqrt(sum(p.grad**2 for p in layer.parameters())) for layer in model.layers]
    assert heights == norms and len(heights) == 3
    assert all(h > 0 for h in heights) and ax.get_yscale() == "log"


def test_gradient_sizes_draws_given_numbers_and_named_runs_side_by_side():
    ax = plots.gradient_sizes([1e-3, 1e-2, 1e-1], log=False)
    assert [bar.get_height() for bar in ax.patches] == [1e-3, 1e-2, 1e-1]
    ax = plots.gradient_sizes({"sigmoid": [1e-4, 1e-2], "relu": [0.5, 0.6]})
    assert [bar.get_height() for bar in ax.patches] == [1e-4, 1e-2, 0.5, 0.6]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["sigmoid", "relu"]


def test_points_and_decision_boundary_take_numpy_arrays():
    np = pytest.importorskip("numpy")  # sklearn's make_moons, as micrograd's demo uses it
    X, y = np.array([[0.0, 0.0], [1.0, 1.0], [0.5, 0.2]]), np.array([0, 1, 1])
    ax = plots.points(X, y)
    assert [tuple(c) for c in ax.collections[0].get_facecolors()] == [
        matplotlib.colors.to_rgba(plots.POINT_COLOURS[k]) for k in (0, 1, 1)
    ]
    ax = plots.decision_boundary(nn.MLP(2, [3, 1], seed=0), X, y * 2 - 1, steps=3)
    assert len(ax.collections[-1].get_offsets()) == 3


def test_gradient_sizes_of_no_runs_is_refused():
    with pytest.raises(ValueError, match="no runs to draw"):
        plots.gradient_sizes({})


def test_a_missing_matplotlib_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)  # import raises ImportError
    with pytest.raises(ImportError, match="pip install matplotlib"):
        plots.loss_curve([1.0])
