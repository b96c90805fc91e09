"""The second half of the micrograd lecture on nn: MLP(..., activation="tanh",
output_activation="tanh", init="lecture") is the lecture's network, with the same numbers
under the same seed. The references: the lecture's own classes, as it writes them (on
autograd.Value, in tests/micrograd_examples.py), and PyTorch in float64."""

import math
import random

import pytest
from micrograd_examples import (
    LECTURE_XS,
    LECTURE_YS,
    LectureLayer,
    LectureMLP,
    LectureNeuron,
    lecture_training,
)

from nn import MLP, Layer, Neuron, optim
from nn import functional as F


def lecture_run(seed, lr, steps):
    """The lecture's network trained by its own loop: its start, losses and final parameters."""
    random.seed(seed)
    n = LectureMLP(3, [4, 4, 1])
    start = [p.data for p in n.parameters()]
    losses = lecture_training(n, steps, lr)
    return start, losses, [p.data for p in n.parameters()]


def lecture_model():
    return MLP(3, [4, 4, 1], activation="tanh", output_activation="tanh", init="lecture")


def nn_run(seed, lr, steps):
    """The same training, written with nn: a loss function and an optimiser."""
    random.seed(seed)
    model = lecture_model()
    start = [p.data for p in model.parameters()]
    optimizer = optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        loss = F.mse_loss([model(x) for x in LECTURE_XS], LECTURE_YS, reduction="sum")
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.data)
    return start, losses, [p.data for p in model.parameters()]


def close(a, b):
    return len(a) == len(b) and all(
        math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-12) for x, y in zip(a, b)
    )


@pytest.mark.parametrize("lr", [0.1, 0.05])  # the lecture's versions use one or the other
@pytest.mark.parametrize("seed", [1337, 0, 42])
def test_the_lectures_training_gives_the_same_numbers_on_nn(seed, lr):
    ours_start, ours_losses, ours_end = nn_run(seed, lr, steps=20)
    start, losses, end = lecture_run(seed, lr, steps=20)
    assert len(start) == 41  # (3+1)*4 + (4+1)*4 + (4+1)*1
    assert ours_start == start  # the same draws, in the same order: each w, then its b
    assert close(ours_losses, losses), (ours_losses, losses)
    assert close(ours_end, end)
    assert losses[-1] < losses[0]  # and it trains


def test_the_lecture_init_draws_each_neurons_weights_then_its_bias():
    random.seed(7)
    neuron, layer = LectureNeuron(3), LectureLayer(3, 2)
    random.seed(7)
    ours_neuron, ours_layer = Neuron(3, init="lecture"), Layer(3, 2, init="lecture")
    assert [p.data for p in ours_neuron.parameters()] == [p.data for p in neuron.parameters()]
    assert [p.data for p in ours_layer.parameters()] == [p.data for p in layer.parameters()]
    assert all(-1.0 <= p.data <= 1.0 for p in ours_layer.parameters())
    assert all(n.b.data != 0.0 for n in ours_layer.neurons)  # drawn, not left at 0
    assert ours_neuron.activation == "relu"  # init draws numbers; it does not pick activations
    model = lecture_model()
    assert [layer.neurons[0].activation for layer in model.layers] == ["tanh"] * 3
    random.seed(7)
    default = MLP(3, [4, 1])  # the default is unchanged: micrograd's nn.py, biases at 0
    assert all(n.b.data == 0.0 for layer in default.layers for n in layer.neurons)


def test_one_step_of_the_lecture_matches_pytorch_float64():
    torch = pytest.importorskip("torch")
    random.seed(1337)
    model = lecture_model()
    weights = [  # one row per neuron, as torch.nn.Linear's weight
        torch.tensor(
            [[w.data for w in n.w] for n in layer.neurons], dtype=torch.float64, requires_grad=True
        )
        for layer in model.layers
    ]
    biases = [
        torch.tensor([n.b.data for n in layer.neurons], dtype=torch.float64, requires_grad=True)
        for layer in model.layers
    ]
    reference = torch.optim.SGD([*weights, *biases], lr=0.1)
    total = torch.zeros((), dtype=torch.float64)
    for x, y in zip(LECTURE_XS, LECTURE_YS):
        h = torch.tensor(x, dtype=torch.float64)
        for W, b in zip(weights, biases):
            h = torch.tanh(W @ h + b)
        total = total + (h[0] - y) ** 2
    reference.zero_grad()
    total.backward()
    reference.step()

    optimizer = optim.SGD(model.parameters(), lr=0.1)
    loss = F.mse_loss([model(x) for x in LECTURE_XS], LECTURE_YS, reduction="sum")
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

    assert math.isclose(loss.data, total.item(), rel_tol=1e-12, abs_tol=1e-12)
    for layer, W, b in zip(model.layers, weights, biases):
        assert close([w.data for n in layer.neurons for w in n.w], W.detach().flatten().tolist())
        assert close([n.b.data for n in layer.neurons], b.detach().tolist())
