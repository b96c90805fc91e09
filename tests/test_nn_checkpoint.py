"""nn.save_checkpoint / nn.load_checkpoint: a run stopped halfway, saved, loaded into fresh
objects and trained on gives exactly the numbers of the run that never stopped; the file keeps
nn.save's guarantees (atomic, JSON, distinct errors), and a load that does not fit changes
nothing."""

import json
import math
import os

import pytest

import nn
from nn import MLP, fit, optim
from nn import functional as F
from nn.optim.lr_scheduler import CosineAnnealingLR, StepLR

X = [[-1.0, -1.0], [-0.8, -1.2], [1.0, 1.1], [1.2, 0.9], [-1.1, -0.7], [0.9, 1.3]]
Y = [0, 0, 1, 1, 0, 1]


def _run(seed=0):
    """A model, an optimiser with two groups and momentum-like state, and a schedule."""
    model = MLP(2, [4, 1], activation="tanh", seed=seed)
    params = model.parameters()
    optimizer = optim.Adam([{"params": params[:-5]}, {"params": params[-5:], "lr": 0.02}], lr=0.05)
    return model, optimizer, StepLR(optimizer, step_size=3, gamma=0.5)


def _fit(model, optimizer, scheduler, steps):
    loss_fn = F.binary_cross_entropy_with_logits
    return fit(model, X, Y, loss_fn, optimizer, steps, scheduler=scheduler, log_every=0)


def test_a_resumed_run_gives_the_numbers_of_the_uninterrupted_one(tmp_path):
    model, optimizer, scheduler = _run()
    straight = _fit(model, optimizer, scheduler, 10)

    first = _run()
    half = _fit(*first, 5)
    path = tmp_path / "run.json"
    nn.save_checkpoint(path, model=first[0], optimizer=first[1], scheduler=first[2], step=5)

    second = _run(seed=1)  # other weights: every number must come from the file
    step = nn.load_checkpoint(path, model=second[0], optimizer=second[1], scheduler=second[2])
    assert step == 5
    rest = _fit(*second, 10 - step)

    assert half.loss + rest.loss == straight.loss  # exact equality, step after step
    assert half.lr + rest.lr == straight.lr
    assert second[0].state_dict() == model.state_dict()
    assert second[1].state_dict() == optimizer.state_dict()
    assert second[2].state_dict() == scheduler.state_dict()
    document = json.loads(path.read_text())
    assert document["format"] == "chainrule.checkpoint" and document["step"] == 5
    assert document["optimizer"]["class"] == "Adam" and document["scheduler"]["class"] == "StepLR"
    assert not list(tmp_path.glob(".*.tmp"))  # written atomically, no debris


def test_the_model_alone_and_the_parts_one_asks_for(tmp_path):
    path = tmp_path / "run.json"
    model, optimizer, scheduler = _run()
    _fit(model, optimizer, scheduler, 2)
    nn.save_checkpoint(path, model=model, optimizer=optimizer, scheduler=scheduler, step=2)
    other = MLP(2, [4, 1], activation="tanh", seed=3)
    assert nn.load_checkpoint(path, model=other) == 2  # the optimizer's state is not needed
    assert other.state_dict() == model.state_dict()
    nn.save_checkpoint(path, model=model)
    with pytest.raises(nn.StateDictError, match="holds no optimizer .*saved without optimizer="):
        nn.load_checkpoint(path, model=other, optimizer=optim.Adam(other.parameters()))


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "run.json"
    model, optimizer, scheduler = _run()
    _fit(model, optimizer, scheduler, 3)
    nn.save_checkpoint(path, model=model, optimizer=optimizer, scheduler=scheduler, step=3)
    return path


def _unchanged_after(call, objects):
    before = [part.state_dict() for part in objects]
    call()
    assert [part.state_dict() for part in objects] == before


@pytest.mark.parametrize(
    "make, error, message",
    [
        (
            lambda: (MLP(2, [5, 1], activation="tanh", seed=0), None, None),
            nn.StateDictError,
            "saved from the model .*'nouts': \\[4, 1\\]",
        ),
        (
            lambda: (MLP(2, [4, 1], activation="relu", seed=0), None, None),
            nn.StateDictError,
            "'activation': 'tanh'",
        ),
        (
            lambda: (lambda m: (m, optim.SGD(m.parameters(), lr=0.1), None))(_run()[0]),
            nn.StateDictError,
            "holds the state of Adam, not of SGD",
        ),
        (
            lambda: (lambda r: (r[0], r[1], CosineAnnealingLR(r[1], T_max=4)))(_run()),
            nn.StateDictError,
            "of StepLR, not of CosineAnnealingLR",
        ),
        (
            lambda: (lambda m: (m, optim.Adam(m.parameters()), None))(_run()[0]),
            nn.StateDictError,
            "has 2 parameter groups and this Adam has 1",
        ),
    ],
    ids=["shape", "activation", "optimizer", "scheduler", "groups"],
)
def test_what_does_not_fit_is_refused_and_nothing_changes(saved, make, error, message):
    model, optimizer, scheduler = make()
    parts = [part for part in (model, optimizer, scheduler) if part is not None]

    def load():
        with pytest.raises(error, match=message):
            nn.load_checkpoint(saved, model=model, optimizer=optimizer, scheduler=scheduler)

    _unchanged_after(load, parts)


def test_a_part_that_fails_late_leaves_the_parts_loaded_before_it_as_they_were(saved):
    document = json.loads(saved.read_text())
    document["scheduler"]["state_dict"]["last_epoch"] = "three"  # the last part to load
    saved.write_text(json.dumps(document))
    model, optimizer, scheduler = _run(seed=4)

    def load():
        with pytest.raises(nn.StateDictError, match="'last_epoch' should be like"):
            nn.load_checkpoint(saved, model=model, optimizer=optimizer, scheduler=scheduler)

    _unchanged_after(load, [model, optimizer, scheduler])


@pytest.mark.parametrize(
    "change, error, message",
    [
        (lambda text: text[: len(text) // 2], nn.CorruptFileError, "not valid JSON.*cut short"),
        (lambda text: "[" * 100_000, nn.CorruptFileError, "nests lists or objects too deeply"),
        (
            lambda text: text.replace('"version": 1', '"version": 7'),
            nn.UnsupportedVersionError,
            "version 7",
        ),  # fmt: skip
        (lambda text: text.replace('"step": 3', '"step": -3'), nn.NotAModelFileError, '"step"'),
        (lambda text: text.replace('"model"', '"modell"'), nn.NotAModelFileError, '"model"'),
        (lambda text: text.replace('"step": 3', '"step": NaN'), nn.CorruptFileError, "NaN"),
        (lambda text: text.replace('"step": 3', '"step": 1e999'), nn.CorruptFileError, "1e999"),
    ],
    ids=["truncated", "nested", "version", "step", "model", "NaN", "1e999"],
)
def test_a_damaged_file_is_refused_with_its_own_error(saved, change, error, message):
    saved.write_text(change(saved.read_text()))
    model, optimizer, scheduler = _run()
    with pytest.raises(error, match=message):
        nn.load_checkpoint(saved, model=model, optimizer=optimizer, scheduler=scheduler)


def test_a_model_file_is_not_a_checkpoint_nor_a_checkpoint_a_model(tmp_path, saved):
    model_file = tmp_path / "model.json"
    nn.save(MLP(2, [4, 1], seed=0), model_file)
    with pytest.raises(nn.NotAModelFileError, match="not a chainrule checkpoint"):
        nn.load_checkpoint(model_file, model=MLP(2, [4, 1], seed=0))
    with pytest.raises(nn.NotAModelFileError, match="not a chainrule model"):
        nn.load(saved)


def test_a_diverged_run_is_not_saved_and_the_previous_checkpoint_stays(saved, monkeypatch):
    before = saved.read_bytes()
    model, optimizer, scheduler = _run()
    model.layers[0].neurons[0].b.data = math.nan
    with pytest.raises(ValueError, match="layers.0.neurons.0.b is nan"):
        nn.save_checkpoint(saved, model=model)
    model, optimizer, scheduler = _run()
    _fit(model, optimizer, scheduler, 1)
    optimizer.state[model.parameters()[0]]["exp_avg"] = math.inf
    with pytest.raises(ValueError, match="optimizer's or the scheduler's state holds nan or inf"):
        nn.save_checkpoint(saved, model=model, optimizer=optimizer)

    def failing_fsync(fd):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(OSError, match="disk full"):
        nn.save_checkpoint(saved, model=MLP(2, [4, 1], seed=5), step=9)
    monkeypatch.undo()
    assert saved.read_bytes() == before and list(saved.parent.iterdir()) == [saved]


def test_bad_arguments_are_refused(tmp_path):
    model, optimizer, scheduler = _run()
    path = tmp_path / "run.json"
    with pytest.raises(ValueError, match="step must be a whole number"):
        nn.save_checkpoint(path, model=model, step=-1)
    with pytest.raises(TypeError, match="model must be an nn Module"):
        nn.save_checkpoint(path, model=[1.0])
    with pytest.raises(TypeError, match="optimizer must be an nn.optim optimizer"):
        nn.save_checkpoint(path, model=model, optimizer=scheduler)
    other = optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="schedules another optimizer"):
        nn.save_checkpoint(path, model=model, optimizer=other, scheduler=scheduler)
    assert not path.exists()
