"""Neurons, layers, MLPs, the moons data and the demo."""

import math
import random

import pytest

import autograd
import nn
from autograd import Value
from nn import MLP, Layer, Module, Neuron, demo
from nn.data import make_moons


def test_mlp_has_micrograds_parameter_count_and_layout():
    model = MLP(2, [16, 16, 1])
    assert len(model.parameters()) == 337  # (2+1)*16 + (16+1)*16 + (16+1)*1
    assert [layer.neurons[0].activation for layer in model.layers] == ["relu", "relu", "linear"]
    assert repr(model.layers[2]) == "Layer of [LinearNeuron(16)]"
    assert repr(model).startswith("MLP of [Layer of [ReLUNeuron(2), ReLUNeuron(2)")


def test_one_output_is_a_value_several_are_a_list():
    assert isinstance(MLP(2, [3, 1])([1.0, 2.0]), Value)
    out = MLP(2, [3, 4])([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 4 and all(isinstance(o, Value) for o in out)


def test_numbers_and_values_give_the_same_output():
    model = MLP(3, [4, 1])
    assert model([1.0, -2, 0.5]).data == model([Value(1.0), Value(-2), Value(0.5)]).data


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
def test_mlp_matches_torch_for_each_activation(activation):
    torch = pytest.importorskip("torch")
    random.seed(3)
    model = MLP(3, [4, 5, 2], activation=activation)
    x = [0.3, -1.2, 2.0]
    out = model(x)
    (out[0] * out[1]).backward()

    torch_act = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid}.get(
        activation, lambda t: t
    )
    h = torch.tensor(x, dtype=torch.float64)
    params = []
    for i, layer in enumerate(model.layers):
        W = torch.tensor([[w.data for w in n.w] for n in layer.neurons], dtype=torch.float64)
        b = torch.tensor([n.b.data for n in layer.neurons], dtype=torch.float64)
        W.requires_grad_()
        b.requires_grad_()
        params.append((layer, W, b))
        h = W @ h + b
        h = h if i == len(model.layers) - 1 else torch_act(h)
    (h[0] * h[1]).backward()

    for value, expected in zip(out, h.tolist()):
        assert math.isclose(value.data, expected, rel_tol=1e-12, abs_tol=1e-12)
    for layer, W, b in params:
        for n, w_grad, b_grad in zip(layer.neurons, W.grad, b.grad):
            assert [w.grad for w in n.w] == pytest.approx(w_grad.tolist(), rel=1e-9, abs=1e-12)
            assert n.b.grad == pytest.approx(b_grad.item(), rel=1e-9, abs=1e-12)


def test_output_activation_can_be_chosen():
    model = MLP(2, [3, 1], activation="tanh", output_activation="sigmoid")
    assert 0.0 < model([5.0, -5.0]).data < 1.0
    assert model.layers[-1].neurons[0].activation == "sigmoid"


def test_zero_grad_resets_every_parameter():
    model = MLP(2, [4, 1])
    model([1.0, 2.0]).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_module_base_has_no_parameters():
    assert Module().parameters() == []


def test_a_module_that_refers_to_itself_or_its_parent_lists_each_parameter_once(tmp_path):
    model = MLP(2, [3, 1], seed=0)
    expected = list(MLP(2, [3, 1], seed=0).state_dict().items())
    model.me = model  # a cycle of one
    model.layers[0].parent = model  # a cycle through a child
    model.layers[1].neurons[0].owner = model.layers[1]
    model.loop = [model.layers]  # a list that leads back into the model
    assert list(model.state_dict().items()) == expected  # each parameter once, first name kept
    assert [p for _, p in model.named_parameters()] == model.parameters()

    class Pair(Module):  # a module of one's own, on the base class's walk
        def __init__(self):
            self.left = Neuron(2, seed=1)
            self.right = self.left  # the same neuron twice: its parameters once
            self.left.pair = self

    pair = Pair()
    assert [name for name, _ in pair.named_parameters()] == ["left.w.0", "left.w.1", "left.b"]
    assert len(pair.parameters()) == 3
    path = tmp_path / "model.json"
    nn.save(model, path)  # returns, and the file holds the model's numbers
    assert list(nn.load(path).state_dict().items()) == expected


@pytest.mark.parametrize("points", [4, 2])  # 2: as many points as the model has inputs
@pytest.mark.parametrize(
    "model", [MLP(2, [3, 1], seed=0), Layer(2, 3, seed=0), Neuron(2, seed=0)], ids=repr
)
def test_a_model_called_on_a_whole_data_set_says_to_call_it_once_per_point(model, points):
    X = [[0.5, -1.0], [1.5, 0.3], [-0.7, 0.8], [0.1, 0.1]][:points]
    name = type(model).__name__
    with pytest.raises(
        TypeError,
        match=rf"{name} takes one point at a time, a list of 2 numbers; got a list of {points} "
        r"lists \(a whole data set\?\)\. Call the model once per point: \[model\(x\) for x in X\], "
        r"and pass that list to a loss",
    ):
        model(X)
    outputs = [model(x) for x in X]  # the fix works
    assert len(outputs) == points


def test_numpys_numbers_as_sizes_and_settings_are_named_with_their_fix():
    np = pytest.importorskip("numpy")
    with pytest.raises(ValueError, match=r"got np.int64\(2\) \(int64 is not Python's int: int"):
        MLP(np.int64(2), [1])
    with pytest.raises(
        TypeError, match=r"lr must be a number; got .*float32 is not Python's float"
    ):
        nn.optim.Adam(MLP(2, [1]).parameters(), lr=np.float32(0.1))
    with pytest.raises(ValueError, match=r"positive whole number; got 2.0$"):
        MLP(2.0, [1])  # a Python number: nothing to add


def test_micrograd_neuron_keywords():
    assert repr(Neuron(3, nonlin=False)) == "LinearNeuron(3)"
    assert repr(Layer(2, 2, nonlin=False)) == "Layer of [LinearNeuron(2), LinearNeuron(2)]"
    assert Neuron(2).nonlin and not Neuron(2, nonlin=False).nonlin


def test_neuron_is_one_linear_node_with_its_local_derivatives():
    n = Neuron(2, nonlin=False)
    x = [Value(1.0), Value(2.0)]
    out = n(x)
    assert out._op == "linear" and out._prev == (n.b, n.w[0], x[0], n.w[1], x[1])
    assert out._local == (1.0, 1.0, n.w[0].data, 2.0, n.w[1].data)  # dz/dw_i = x_i, dz/dx_i = w_i
    assert out.data == n.b.data + n.w[0].data * 1.0 + n.w[1].data * 2.0


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: MLP(2, [16, 1], activation="swish"), "unknown activation 'swish'"),
        (lambda: MLP(2, []), "non-empty list"),
        (lambda: MLP(2, 16), "non-empty list"),
        (lambda: MLP(0, [1]), "nin must be a positive whole number"),
        (lambda: Layer(2, 0), "nout must be a positive whole number"),
        (lambda: Neuron(2)([1.0, 2.0, 3.0]), "takes 2 inputs; got 3"),
    ],
)
def test_bad_arguments_say_what_was_wrong(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_make_moons_shapes_labels_and_seed():
    X, y = make_moons(101, noise=0.1, seed=7)
    assert len(X) == len(y) == 101 and all(len(x) == 2 for x in X)
    assert sorted(set(y)) == [0, 1] and y.count(0) == 50 and y.count(1) == 51
    assert make_moons(101, noise=0.1, seed=7) == (X, y)
    assert make_moons(101, noise=0.1, seed=8) != (X, y)


def test_make_moons_without_noise_lies_on_the_two_half_circles():
    X, y = make_moons(40, noise=0.0, seed=0)
    for (a, b), label in zip(X, y):
        cx, cy = (0.0, 0.0) if label == 0 else (1.0, 0.5)
        assert math.isclose(math.hypot(a - cx, b - cy), 1.0, abs_tol=1e-12)
        assert (b >= -1e-12) if label == 0 else (b <= 0.5 + 1e-12)


def test_make_moons_rejects_bad_arguments():
    with pytest.raises(ValueError, match="noise"):
        make_moons(10, noise=-1.0)
    with pytest.raises(ValueError, match="n_samples"):
        make_moons(1)


def test_demo_trains_and_draws(tmp_path, capsys):
    svg = tmp_path / "neuron.svg"
    assert demo.main(["--steps", "100", "--out", str(svg)]) == 0
    printed = capsys.readouterr().out
    accuracy = int(printed.split("final accuracy ")[1].split("%")[0])
    assert accuracy >= 95
    assert "step  100/100" in printed
    assert svg.read_text().lstrip().startswith(("<?xml", "<svg")) and "x1" in svg.read_text()
    assert str(svg) in printed


def test_no_grad_evaluation_builds_no_graph():
    model = MLP(2, [4, 1])
    with autograd.no_grad():
        out = model([1.0, 2.0])
    assert out._prev == () and out._op == ""
