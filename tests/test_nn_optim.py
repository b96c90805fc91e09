"""nn.optim, its schedulers and gradient clipping against torch (float64): on the same
gradients, from a real loss, the parameters agree to 1e-12 step after step."""

import math

import pytest

from autograd import Value
from nn import MLP, optim
from nn import functional as F
from nn.optim import lr_scheduler
from nn.utils import clip_grad_norm_, clip_grad_value_

X = [[0.5, -1.0], [1.5, 0.3], [-0.7, 0.8], [0.1, 0.1]]
Y = [1.0, -1.0, 0.5, 0.0]

CASES = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.3, weight_decay=0.01)),
    ("SGD", dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.1)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.05, betas=(0.8, 0.9), eps=1e-6, weight_decay=0.1)),
    ("Adam", dict(lr=0.05, amsgrad=True)),
    ("AdamW", dict(lr=0.05)),
    ("AdamW", dict(lr=0.05, weight_decay=0.3, amsgrad=True)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, alpha=0.9, momentum=0.5, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.01, centered=True, momentum=0.3)),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.05, weight_decay=0.1, initial_accumulator_value=0.2)),
]


def _loss(model):
    return F.mse_loss([model(x) for x in X], Y)


@pytest.mark.parametrize("name, kwargs", CASES, ids=[f"{n}-{k}" for n, k in CASES])
def test_updates_equal_torch_optim_over_several_steps(name, kwargs):
    torch = pytest.importorskip("torch")
    model = MLP(2, [3, 1], activation="tanh", seed=0)
    params = model.parameters()
    ours = getattr(optim, name)(params, **kwargs)
    vector = torch.tensor([p.data for p in params], dtype=torch.float64, requires_grad=True)
    theirs = getattr(torch.optim, name)([vector], **kwargs)
    for _ in range(6):
        ours.zero_grad()
        _loss(model).backward()
        vector.grad = torch.tensor([p.grad for p in params], dtype=torch.float64)
        ours.step()
        theirs.step()
        for p, expected in zip(params, vector.tolist()):
            assert math.isclose(p.data, expected, rel_tol=1e-12, abs_tol=1e-12)
    assert model(X[0]).data != MLP(2, [3, 1], activation="tanh", seed=0)(X[0]).data


def test_training_with_adam_lowers_the_loss():
    model = MLP(2, [4, 1], activation="tanh", seed=1)
    optimizer = optim.Adam(model.parameters(), lr=0.05)
    first = _loss(model).data
    for _ in range(30):
        loss = _loss(model)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert _loss(model).data < 0.2 * first


def test_param_groups_have_their_own_settings_and_zero_grad_clears_them():
    a, b = Value(1.0), Value(1.0)
    optimizer = optim.SGD([{"params": [a], "lr": 0.5}, {"params": [b]}], lr=0.1)
    a.grad = b.grad = 1.0
    optimizer.step()
    assert (a.data, b.data) == (0.5, 0.9)
    optimizer.zero_grad()
    assert a.grad == b.grad == 0.0
    assert repr(optimizer).startswith("SGD(lr=0.5, momentum=0.0")


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda p: optim.SGD(p, lr=-0.1), ValueError, "Invalid lr: -0.1"),
        (lambda p: optim.SGD(p, lr=0.1, momentum=-1), ValueError, "Invalid momentum"),
        (lambda p: optim.SGD(p, lr=0.1, nesterov=True), ValueError, "Nesterov momentum requires"),
        (lambda p: optim.Adam(p, betas=(1.0, 0.9)), ValueError, "Invalid beta at index 0"),
        (lambda p: optim.Adam(p, eps=-1e-8), ValueError, "Invalid eps"),
        (lambda p: optim.AdamW(p, weight_decay=-1), ValueError, "Invalid weight_decay"),
        (lambda p: optim.RMSprop(p, alpha=-0.5), ValueError, "Invalid alpha"),
        (lambda p: optim.Adagrad(p, lr_decay=-1), ValueError, "Invalid lr_decay"),
        (lambda p: optim.Adam(p, lr="fast"), TypeError, "lr must be a number"),
        (lambda p: optim.SGD([], lr=0.1), ValueError, "empty parameter list"),
        (lambda p: optim.SGD([1.0], lr=0.1), TypeError, "only optimise Values"),
        (lambda p: optim.SGD(p[0], lr=0.1), TypeError, "got a Value"),
        (lambda p: optim.SGD([{"params": p, "speed": 1}]), ValueError, "unknown settings"),
    ],
)
def test_bad_arguments_are_refused_as_torch_refuses_them(make, error, message):
    with pytest.raises(error, match=message):
        make([Value(1.0)])


# --- schedulers --------------------------------------------------------------------------

SCHEDULES = [
    ("StepLR", dict(step_size=3, gamma=0.5)),
    ("ExponentialLR", dict(gamma=0.9)),
    ("LinearLR", dict(start_factor=1.0, end_factor=0.1, total_iters=10)),
    ("LinearLR", dict()),
    ("CosineAnnealingLR", dict(T_max=7, eta_min=0.01)),
    ("LambdaLR", dict(lr_lambda=lambda t: 1 / (1 + t))),
]


@pytest.mark.parametrize("name, kwargs", SCHEDULES, ids=[n for n, _ in SCHEDULES])
def test_schedules_match_torch(name, kwargs):
    torch = pytest.importorskip("torch")
    ours_optimizer = optim.SGD([Value(1.0)], lr=0.3)
    ours = getattr(lr_scheduler, name)(ours_optimizer, **kwargs)
    theirs_optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.3)
    theirs = getattr(torch.optim.lr_scheduler, name)(theirs_optimizer, **kwargs)
    for _ in range(20):  # past T_max and total_iters
        assert math.isclose(ours.get_last_lr()[0], theirs.get_last_lr()[0], rel_tol=1e-12)
        assert ours_optimizer.param_groups[0]["lr"] == ours.get_last_lr()[0]
        ours_optimizer.step()
        theirs_optimizer.step()
        ours.step()
        theirs.step()


def test_linear_lr_reproduces_micrograds_decay():
    optimizer = optim.SGD([Value(0.0)], lr=1.0)
    scheduler = lr_scheduler.LinearLR(optimizer, start_factor=1.0, end_factor=0.1, total_iters=100)
    for k in range(100):
        assert math.isclose(scheduler.get_last_lr()[0], 1.0 - 0.9 * k / 100, rel_tol=1e-14)
        scheduler.step()


def test_scheduler_arguments_are_checked():
    optimizer = optim.SGD([Value(0.0)], lr=1.0)
    with pytest.raises(ValueError, match="step_size"):
        lr_scheduler.StepLR(optimizer, step_size=0)
    with pytest.raises(ValueError, match="start_factor"):
        lr_scheduler.LinearLR(optimizer, start_factor=0.0)
    with pytest.raises(ValueError, match="T_max"):
        lr_scheduler.CosineAnnealingLR(optimizer, T_max=0)


def test_a_scheduler_refuses_a_torch_optimizer():
    torch = pytest.importorskip("torch")
    with pytest.raises(TypeError, match="nn.optim optimizer"):
        lr_scheduler.StepLR(torch.optim.SGD([torch.zeros(1, requires_grad=True)]), 1)


# --- clipping ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "max_norm, norm_type", [(0.5, 2.0), (100.0, 2.0), (0.3, 1.0), (0.2, math.inf)]
)
def test_clip_grad_norm_matches_torch(max_norm, norm_type):
    torch = pytest.importorskip("torch")
    grads = [0.3, -1.2, 0.05, 2.0, -0.7]
    params = [Value(0.0) for _ in grads]
    for p, g in zip(params, grads):
        p.grad = g
    total = clip_grad_norm_(params, max_norm, norm_type=norm_type)
    tensors = [torch.zeros((), dtype=torch.float64, requires_grad=True) for _ in grads]
    for t, g in zip(tensors, grads):
        t.grad = torch.tensor(g, dtype=torch.float64)
    expected = torch.nn.utils.clip_grad_norm_(tensors, max_norm, norm_type=norm_type)
    assert math.isclose(total, expected.item(), rel_tol=1e-12)
    for p, t in zip(params, tensors):
        assert math.isclose(p.grad, t.grad.item(), rel_tol=1e-12)


def test_clip_grad_value_clamps_each_gradient():
    params = [Value(0.0) for _ in range(3)]
    for p, g in zip(params, [-3.0, 0.5, 2.0]):
        p.grad = g
    clip_grad_value_(params, 1.0)
    assert [p.grad for p in params] == [-1.0, 0.5, 1.0]
    with pytest.raises(ValueError, match="max_norm"):
        clip_grad_norm_(params, -1.0)


def test_schedulers_import_as_from_torch():
    from nn.optim.lr_scheduler import CosineAnnealingLR  # as torch.optim.lr_scheduler

    assert CosineAnnealingLR is lr_scheduler.CosineAnnealingLR
