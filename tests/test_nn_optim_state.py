"""Optimisers and schedulers as saved state: every parameter stepped once however it is
listed (a duplicate is refused, as torch refuses it), and state_dict / load_state_dict in
torch's layout, so that a run resumed from a state_dict goes on with exactly the same numbers.
The comparisons with torch skip without it; the rest runs on the standard library."""

import json
import math

import pytest

from autograd import Value
from nn import MLP, StateDictError, optim
from nn import functional as F
from nn.optim import lr_scheduler

OPTIMIZERS = ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"]

CASES = [  # the settings under which each optimiser keeps each piece of state
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("Adam", dict(lr=0.05, betas=(0.8, 0.9), weight_decay=0.1)),
    ("Adam", dict(lr=0.05, amsgrad=True)),
    ("AdamW", dict(lr=0.05, weight_decay=0.3)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, centered=True, momentum=0.3)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.05, initial_accumulator_value=0.2)),
]
IDS = [f"{name}-{kwargs}" for name, kwargs in CASES]

X = [[0.5, -1.0], [1.5, 0.3], [-0.7, 0.8], [0.1, 0.1]]
Y = [1.0, -1.0, 0.5, 0.0]


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_passing_the_model_or_its_method_says_to_call_model_parameters(name):
    model = MLP(2, [3, 1], seed=0)
    Optimizer = getattr(optim, name)
    fix = rf"{name}\(model\.parameters\(\), lr=\.\.\.\)"
    with pytest.raises(TypeError, match=rf"{name} takes the model's parameters, not .*{fix}"):
        Optimizer(model)
    with pytest.raises(TypeError, match=rf"the method or function MLP.parameters .*call it, {fix}"):
        Optimizer(model.parameters)
    with pytest.raises(TypeError, match=rf"not the model \(MLP\): {fix}"):
        Optimizer([{"params": model}])  # the same slip inside a parameter group
    with pytest.raises(TypeError, match="put the group in a list"):
        Optimizer({"params": model.parameters()})
    with pytest.raises(TypeError, match="takes a list of Values, like model.parameters"):
        Optimizer(0.1)
    assert len(Optimizer(model.parameters()).param_groups[0]["params"]) == 13


def _groups(model, lr=0.02):
    """Two groups, the second with its own lr, as a resumed run must keep them apart."""
    params = model.parameters()
    return [{"params": params[:-3]}, {"params": params[-3:], "lr": lr}]


def ours_params(optimizer):
    return [p for group in optimizer.param_groups for p in group["params"]]


def _train(model, optimizer, steps, scheduler=None):
    losses = []
    for _ in range(steps):
        loss = F.mse_loss([model(x) for x in X], Y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        losses.append(loss.data)
    return losses


# --- each parameter once ---------------------------------------------------------------


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_a_parameter_listed_twice_is_refused_by_every_optimizer(name):
    make = getattr(optim, name)
    a, b = Value(1.0), Value(2.0)
    with pytest.raises(ValueError, match="parameter 2 of this group .* is listed twice"):
        make([a, b, a])
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter group"):
        make([{"params": [a, b]}, {"params": [b]}])
    optimizer = make([a])
    with pytest.raises(ValueError, match="already in group 0"):
        optimizer.add_param_group({"params": [b, a]})
    assert len(optimizer.param_groups) == 1  # the refused group was not added
    # Two Values with equal numbers are two parameters: identity, not equality, decides.
    assert len(make([Value(1.0), Value(1.0)]).param_groups[0]["params"]) == 2


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_torch_refuses_the_same_across_groups(name):
    torch = pytest.importorskip("torch")
    t = torch.zeros(1, requires_grad=True)
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter group"):
        getattr(torch.optim, name)([{"params": [t]}, {"params": [t]}], lr=0.1)


# --- state_dict ------------------------------------------------------------------------


@pytest.mark.parametrize("name, kwargs", CASES, ids=IDS)
def test_state_dict_has_torchs_layout_and_numbers(name, kwargs):
    torch = pytest.importorskip("torch")
    model = MLP(2, [3, 1], activation="tanh", seed=0)
    ours = getattr(optim, name)(_groups(model), **kwargs)
    tensors = [
        torch.tensor(p.data, dtype=torch.float64, requires_grad=True) for p in ours_params(ours)
    ]
    theirs = getattr(torch.optim, name)(
        [{"params": tensors[:-3]}, {"params": tensors[-3:], "lr": 0.02}], **kwargs
    )
    for _ in range(3):
        _train(model, ours, 1)
        for p, t in zip(ours_params(ours), tensors):
            t.grad = torch.tensor(p.grad, dtype=torch.float64)
        theirs.step()
    mine, torchs = ours.state_dict(), theirs.state_dict()
    assert set(mine) == set(torchs) == {"state", "param_groups"}
    assert list(mine["state"]) == list(torchs["state"])  # the same parameter indices
    for i, state in mine["state"].items():
        assert set(state) == set(torchs["state"][i]), i  # the same names for the same state
        for key, number in state.items():
            assert math.isclose(
                number, float(torchs["state"][i][key]), rel_tol=1e-12, abs_tol=1e-15
            )
    for group, expected in zip(mine["param_groups"], torchs["param_groups"]):
        assert group == {key: expected[key] for key in group}  # ours: a part of torch's keys
    assert mine["param_groups"][1]["params"] == list(range(10, 13))


@pytest.mark.parametrize("name, kwargs", CASES, ids=IDS)
def test_training_resumed_from_a_state_dict_gives_the_same_numbers(name, kwargs):
    def fresh():
        model = MLP(2, [3, 1], activation="tanh", seed=0)
        optimizer = getattr(optim, name)(_groups(model), **kwargs)
        return model, optimizer, lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)

    model, optimizer, scheduler = fresh()
    straight = _train(model, optimizer, 8, scheduler)

    first, optimizer_1, scheduler_1 = fresh()
    resumed = _train(first, optimizer_1, 4, scheduler_1)
    # through JSON, as a file holds them: tuples come back as lists, int keys as strings
    saved = json.loads(json.dumps([first.state_dict(), scheduler_1.state_dict()]))
    optimizer_state = optimizer_1.state_dict()
    second, optimizer_2, scheduler_2 = fresh()
    second.load_state_dict(saved[0])
    optimizer_2.load_state_dict(optimizer_state)
    scheduler_2.load_state_dict(saved[1])
    assert optimizer_2.state_dict() == optimizer_state
    resumed += _train(second, optimizer_2, 4, scheduler_2)

    assert resumed == straight  # exactly: the same floats, step after step
    assert second.state_dict() == model.state_dict()
    assert optimizer_2.state_dict() == optimizer.state_dict()
    assert scheduler_2.get_last_lr() == scheduler.get_last_lr()


def test_betas_read_back_as_a_list_become_a_tuple_again():
    model = MLP(2, [1], seed=0)
    optimizer = optim.Adam(model.parameters(), lr=0.1)
    _train(model, optimizer, 1)
    state = json.loads(json.dumps(optimizer.state_dict()))
    state["state"] = {int(i): s for i, s in state["state"].items()}
    other = optim.Adam(MLP(2, [1], seed=1).parameters())
    other.load_state_dict(state)
    assert other.param_groups[0]["betas"] == (0.9, 0.999) and other.param_groups[0]["lr"] == 0.1


def test_numpy_numbers_in_a_state_dict_are_loaded_as_pythons_own():
    np = pytest.importorskip("numpy")
    model = MLP(2, [1], seed=0)
    optimizer = optim.Adam(model.parameters(), lr=0.1)
    scheduler = lr_scheduler.StepLR(optimizer, step_size=2)
    _train(model, optimizer, 1)
    scheduler.step()
    state, schedule = optimizer.state_dict(), scheduler.state_dict()
    state["state"] = {
        i: {key: np.int64(v) if key == "step" else np.float32(v) for key, v in s.items()}
        for i, s in state["state"].items()
    }
    schedule = {k: [np.float32(v) for v in x] if isinstance(x, list) else x
                for k, x in schedule.items()}  # fmt: skip
    optimizer.load_state_dict(state)
    scheduler.load_state_dict(schedule)
    scheduler.step()
    _train(model, optimizer, 1)
    numbers = [*(v for s in optimizer.state.values() for v in s.values()), *scheduler.base_lrs]
    numbers += [p.data for p in model.parameters()] + [optimizer.param_groups[0]["lr"]]
    assert {type(x) for x in numbers} <= {int, float}  # json writes them: a checkpoint saves
    assert json.loads(json.dumps(optimizer.state_dict()))["state"]["0"]["step"] == 2


def test_a_state_dict_is_a_copy():
    model = MLP(2, [1], seed=0)
    optimizer = optim.Adam(model.parameters(), lr=0.1)
    _train(model, optimizer, 1)
    state = optimizer.state_dict()
    _train(model, optimizer, 1)
    assert state["state"][0]["step"] == 1 and optimizer.state_dict()["state"][0]["step"] == 2
    other = optim.Adam(MLP(2, [1], seed=0).parameters())
    other.load_state_dict(state)
    state["state"][0]["step"] = 50
    state["param_groups"][0]["lr"] = 9.0
    assert other.state_dict()["state"][0]["step"] == 1 and other.param_groups[0]["lr"] == 0.1


def _adam_state():
    model = MLP(2, [2, 1], seed=0)
    optimizer = optim.Adam(_groups(model), lr=0.1)
    _train(model, optimizer, 2)
    return optimizer.state_dict()


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda s: s.pop("state"), "keys 'state' and 'param_groups'"),
        (lambda s: s["param_groups"].pop(), "has 1 parameter groups and this Adam has 2"),
        (lambda s: s["param_groups"][1]["params"].pop(), "group 1 .* has 2 parameters"),
        (lambda s: s["param_groups"][0].pop("betas"), "missing \\['betas'\\]"),
        (lambda s: s["param_groups"][0].update(momentum=0.9), "unexpected \\['momentum'\\]"),
        (lambda s: s["param_groups"][0].update(lr=-1.0), "group 0 .*Invalid lr: -1.0"),
        (lambda s: s["state"].update({99: {"step": 1}}), "state for parameter 99"),
        (lambda s: s["state"][0].update(exp_avg="0.5"), "dict of name: number"),
        (lambda s: s["state"][1].update(exp_avg=10**400), "dict of name: number"),  # no float
        (lambda s: s["param_groups"][1].update(params=[0, 1, 2]), "index twice"),
    ],
)
def test_load_state_dict_refuses_what_does_not_fit_and_changes_nothing(change, message):
    state = _adam_state()
    change(state)
    model = MLP(2, [2, 1], seed=1)
    optimizer = optim.Adam(_groups(model), lr=0.3)
    _train(model, optimizer, 1)
    before = optimizer.state_dict()
    with pytest.raises(StateDictError, match=message):
        optimizer.load_state_dict(state)
    assert optimizer.state_dict() == before


def test_an_sgd_state_dict_does_not_load_into_adam():
    model = MLP(2, [1], seed=0)
    sgd = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    _train(model, sgd, 1)
    with pytest.raises(StateDictError, match="do not fit Adam.*another optimizer"):
        optim.Adam(model.parameters()).load_state_dict(sgd.state_dict())


# --- schedulers ------------------------------------------------------------------------

SCHEDULES = [
    ("StepLR", dict(step_size=3, gamma=0.5)),
    ("ExponentialLR", dict(gamma=0.9)),
    ("LinearLR", dict(start_factor=0.5, end_factor=1.0, total_iters=6)),
    ("CosineAnnealingLR", dict(T_max=7, eta_min=0.01)),
    ("LambdaLR", dict(lr_lambda=lambda t: 1 / (1 + t))),
]


@pytest.mark.parametrize("name, kwargs", SCHEDULES, ids=[n for n, _ in SCHEDULES])
def test_a_schedule_resumed_from_its_state_dict_goes_on_as_before(name, kwargs):
    def fresh():
        optimizer = optim.SGD([Value(1.0)], lr=0.3)
        return optimizer, getattr(lr_scheduler, name)(optimizer, **kwargs)

    optimizer, scheduler = fresh()
    for _ in range(5):
        scheduler.step()
    saved = json.loads(json.dumps((optimizer.state_dict(), scheduler.state_dict())))
    optimizer_2, scheduler_2 = fresh()
    optimizer_2.load_state_dict(saved[0])
    scheduler_2.load_state_dict(saved[1])
    assert scheduler_2.last_epoch == 5 and scheduler_2.get_last_lr() == scheduler.get_last_lr()
    for _ in range(10):
        scheduler.step()
        scheduler_2.step()
        assert optimizer_2.param_groups[0]["lr"] == optimizer.param_groups[0]["lr"]


@pytest.mark.parametrize("name, kwargs", SCHEDULES[:4], ids=[n for n, _ in SCHEDULES[:4]])
def test_scheduler_state_dict_is_a_part_of_torchs(name, kwargs):
    torch = pytest.importorskip("torch")
    ours = getattr(lr_scheduler, name)(optim.SGD([Value(1.0)], lr=0.3), **kwargs)
    t = torch.zeros(1, requires_grad=True)
    theirs_optimizer = torch.optim.SGD([t], lr=0.3)
    theirs = getattr(torch.optim.lr_scheduler, name)(theirs_optimizer, **kwargs)
    for _ in range(4):
        theirs_optimizer.step()
        ours.step()
        theirs.step()
    mine, torchs = ours.state_dict(), theirs.state_dict()
    assert set(mine) <= set(torchs)
    for key, value in mine.items():
        assert value == pytest.approx(torchs[key], rel=1e-12), key


def test_a_scheduler_state_dict_of_another_kind_is_refused():
    optimizer = optim.SGD([Value(1.0)], lr=0.3)
    step = lr_scheduler.StepLR(optimizer, step_size=2)
    cosine = lr_scheduler.CosineAnnealingLR(optimizer, T_max=5)
    with pytest.raises(StateDictError, match="CosineAnnealingLR's state_dict has the keys"):
        cosine.load_state_dict(step.state_dict())
    state = step.state_dict()
    state["last_epoch"] = 2.5
    with pytest.raises(StateDictError, match="'last_epoch' should be like"):
        step.load_state_dict(state)
    state["last_epoch"], state["base_lrs"] = 1, [10**400]  # no float holds it
    with pytest.raises(StateDictError, match="'base_lrs' should be like"):
        step.load_state_dict(state)
    assert step.last_epoch == 0
