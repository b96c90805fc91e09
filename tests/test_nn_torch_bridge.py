"""nn.to_torch and nn.from_torch: the same function both sides (float64, to 1e-12), round trips,
clear errors for what an MLP cannot be, and torch staying optional."""

import math
import subprocess
import sys

import pytest
from strategies import requires_torch, torch

import nn
from nn import MLP, Layer, Neuron

X = [[0.3, -1.2, 0.8], [2.0, 0.5, -0.4], [-0.7, -0.1, 0.0]]


def _same_outputs(model, net):
    for x in X:
        ours = model(x)
        ours = [v.data for v in (ours if isinstance(ours, list) else [ours])]
        theirs = net(torch.tensor(x, dtype=torch.float64)).tolist()
        assert all(math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12) for a, b in zip(ours, theirs))


@requires_torch
@pytest.mark.parametrize(
    "model",
    [
        MLP(3, [5, 4, 2], seed=0),
        MLP(3, [4, 1], activation="tanh", output_activation="sigmoid", seed=1),
        MLP(3, [4, 4, 1], activation="leaky_relu", seed=2),
        Layer(3, 2, activation="tanh", seed=3),
        Neuron(3, seed=4),
    ],
    ids=repr,
)
def test_to_torch_computes_the_same_function(model):
    net = nn.to_torch(model)
    assert isinstance(net, torch.nn.Sequential)
    assert all(p.dtype == torch.float64 for p in net.parameters())
    assert sum(p.numel() for p in net.parameters()) == len(model.parameters())
    _same_outputs(model, net)


@requires_torch
def test_to_torch_lays_out_linear_and_activation_modules():
    net = nn.to_torch(MLP(3, [5, 1], activation="tanh"))
    assert [type(m).__name__ for m in net] == ["Linear", "Tanh", "Linear"]
    model = MLP(3, [2, 1], seed=5)
    net = nn.to_torch(model)
    assert net[0].weight[1, 2].item() == model.layers[0].neurons[1].w[2].data
    assert net[0].bias[1].item() == model.layers[0].neurons[1].b.data
    with torch.no_grad():
        net[0].bias[1] = 7.0  # copies: changing one side leaves the other
    assert model.layers[0].neurons[1].b.data == 0.0


@requires_torch
def test_from_torch_reads_a_torch_network_and_round_trips():
    torch.manual_seed(0)
    net = torch.nn.Sequential(
        torch.nn.Linear(3, 6), torch.nn.ReLU(), torch.nn.Linear(6, 2), torch.nn.Sigmoid()
    )  # float32 weights: read as the float64 numbers they are
    model = nn.from_torch(net)
    assert (model.nin, model.nouts) == (3, [6, 2])
    assert (model.activation, model.output_activation) == ("relu", "sigmoid")
    _same_outputs(model, net.double())
    again = nn.from_torch(nn.to_torch(model))
    assert again.state_dict() == model.state_dict()
    assert nn.from_torch(torch.nn.Linear(3, 1)).nouts == [1]


# Each network is made by the test (nn_ is torch.nn), so that this file loads without torch.
REFUSED = [
    (lambda nn_: nn_.Sequential(nn_.Linear(2, 3), nn_.GELU()), "layer 1 \\(GELU\\(.*\\)\\)"),
    (lambda nn_: nn_.Sequential(nn_.ReLU(), nn_.Linear(2, 3)), "layer 0"),
    (lambda nn_: nn_.Sequential(nn_.Linear(2, 3, bias=False)), "without bias"),
    (lambda nn_: nn_.Sequential(nn_.Linear(2, 3), nn_.Linear(4, 1)), "takes 4 inputs"),
    (
        lambda nn_: nn_.Sequential(
            nn_.Linear(2, 3), nn_.ReLU(), nn_.Linear(3, 3), nn_.Tanh(), nn_.Linear(3, 1)
        ),
        "one hidden activation",
    ),
    (lambda nn_: nn_.Sequential(nn_.Linear(2, 1), nn_.LeakyReLU(0.2)), "slope 0.01"),
    (lambda nn_: nn_.Sequential(), "no Linear"),
]


@requires_torch
@pytest.mark.parametrize("make, message", REFUSED, ids=[message for _, message in REFUSED])
def test_from_torch_refuses_what_an_mlp_cannot_be(make, message):
    with pytest.raises(ValueError, match=message):
        nn.from_torch(make(torch.nn))


@requires_torch
def test_bridge_type_errors():
    with pytest.raises(TypeError, match="torch.nn.Sequential"):
        nn.from_torch(torch.nn.ReLU())
    with pytest.raises(TypeError, match="an MLP, a Layer or a Neuron"):
        nn.to_torch([1, 2])


def test_torch_stays_optional(monkeypatch):
    # Importing nn does not import torch...
    code = "import sys, nn; nn.MLP(2, [1]); print('torch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout == (
        "False\n"
    )
    # ...and without torch the bridge says what to install.
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(ImportError, match="nn.to_torch needs PyTorch.*pip install torch"):
        nn.to_torch(MLP(2, [1]))
