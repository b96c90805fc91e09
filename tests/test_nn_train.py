"""nn.train: fit's loop (full batch and mini-batches), its output in and out of a terminal,
and the accuracy it reports. Tiny models and data: the demo test does the long training."""

import io

import pytest

from autograd import Value
from nn import MLP, evaluate, fit, optim
from nn import functional as F
from nn.data import make_blobs
from nn.optim.lr_scheduler import StepLR
from nn.train import accuracy

X = [[-1.0, -1.0], [-0.8, -1.2], [1.0, 1.1], [1.2, 0.9], [-1.1, -0.7], [0.9, 1.3]]
SIGNS = [-1, -1, 1, 1, -1, 1]


def _setup(lr=0.05):
    model = MLP(2, [4, 1], activation="tanh", seed=0)
    return model, optim.Adam(model.parameters(), lr=lr)


def test_fit_lowers_the_loss_and_records_a_history(capsys):
    model, optimizer = _setup()
    scheduler = StepLR(optimizer, step_size=5, gamma=0.5)
    history = fit(model, X, SIGNS, F.hinge_loss, optimizer, 20, scheduler=scheduler, progress=False)
    assert len(history.loss) == len(history.accuracy) == len(history.lr) == 20
    assert history.lr[:6] == [0.05] * 5 + [0.025]  # each step's lr, before the scheduler moved
    assert history.loss[-1] < 0.5 * history.loss[0] and history.accuracy[-1] == 1.0
    loss, acc = evaluate(model, X, SIGNS, F.hinge_loss)
    assert acc == 1.0 and loss == pytest.approx(F.hinge_loss([model(x) for x in X], SIGNS).data)
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith("step    1/20  loss ") and printed[-1].startswith("step   20/20")
    assert len(printed) == 3 and "accuracy 100%" in printed[-1]  # steps 1, 10 and 20


def test_fit_on_mini_batches_takes_one_batch_a_step():
    seen = []

    def loss_fn(predictions, targets):
        seen.append(len(targets))
        return F.mse_loss(predictions, targets)

    model, optimizer = _setup()
    fit(model, X, SIGNS, loss_fn, optimizer, 5, batch_size=4, seed=0, metric=None, log_every=0)
    assert seen == [4, 2, 4, 2, 4]  # epochs of 6 examples: 4 + 2, then a new shuffle


def test_mini_batch_training_is_reproducible_from_a_seed():
    def run():
        model, optimizer = _setup()
        fit(model, X, SIGNS, F.mse_loss, optimizer, 6, batch_size=2, seed=1, log_every=0)
        return model.state_dict()

    assert run() == run()


def test_progress_bar_goes_to_stderr_and_lines_to_stdout(capsys):
    model, optimizer = _setup()
    fit(model, X, SIGNS, F.hinge_loss, optimizer, 3, progress=True)
    captured = capsys.readouterr()
    assert captured.out == "" and "3/3" in captured.err and "loss" in captured.err
    log = io.StringIO()
    fit(model, X, SIGNS, F.hinge_loss, optimizer, 3, progress=False, log_every=1, file=log)
    assert log.getvalue().count("\n") == 3 and capsys.readouterr().out == ""


def test_accuracy_reads_signs_zero_one_labels_and_class_scores():
    scores = [Value(0.5), Value(-2.0), Value(0.1)]
    assert accuracy(scores, [1, -1, -1]) == pytest.approx(2 / 3)
    assert accuracy(scores, [1, 0, 1]) == 1.0
    rows = [[Value(0.1), Value(2.0)], [Value(3.0), Value(-1.0)]]
    assert accuracy(rows, [1, 1]) == 0.5


def test_fit_trains_a_classifier_with_cross_entropy():
    X3, y3 = make_blobs(30, centers=[[-3, 0], [3, 0], [0, 4]], cluster_std=0.3, seed=0)
    model = MLP(2, [3], activation="linear", output_activation="linear", seed=0)
    history = fit(model, X3, y3, F.cross_entropy, optim.SGD(model.parameters(), lr=0.1), 15,
                  log_every=0)  # fmt: skip
    assert history.accuracy[-1] == 1.0 and history.loss[-1] < history.loss[0]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(steps=-1), "steps must be"),
        (dict(X=X[:2]), "same length"),
        (dict(X=[], y=[]), "at least one example"),
    ],
)
def test_fit_refuses_bad_arguments(kwargs, message):
    model, optimizer = _setup()
    arguments = dict(model=model, X=X, y=SIGNS, loss_fn=F.mse_loss, optimizer=optimizer, steps=2)
    with pytest.raises(ValueError, match=message):
        fit(**{**arguments, **kwargs})
