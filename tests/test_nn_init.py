"""nn.init and MLP(init=..., seed=...): the statistics of each initialiser against its formula,
reproducibility from a seed, and micrograd's draws kept as the default."""

import ast
import math
import random
import statistics

import pytest
from test_imports import ROOT, import_graph

from autograd import Value
from nn import MLP, Layer, Neuron, init

FAN_IN, FAN_OUT = 60, 40  # 2400 weights: means and variances to within a few percent


def _weights(layer):
    return [w.data for n in layer.neurons for w in n.w]


def _uniform_bounds_and_spread(numbers, bound):
    assert max(numbers) <= bound and min(numbers) >= -bound
    assert max(numbers) > 0.97 * bound and min(numbers) < -0.97 * bound  # fills the interval
    assert statistics.variance(numbers) == pytest.approx(bound**2 / 3, rel=0.1)
    assert abs(statistics.mean(numbers)) < 0.1 * bound


@pytest.mark.parametrize(
    "fill, bound",
    [
        (lambda t, g: init.uniform_(t, -0.3, 0.3, g), 0.3),
        (lambda t, g: init.xavier_uniform_(t, generator=g), math.sqrt(6 / (FAN_IN + FAN_OUT))),
        (lambda t, g: init.xavier_uniform_(t, gain=2.0, generator=g), 2 * math.sqrt(0.06)),
        (lambda t, g: init.kaiming_uniform_(t, nonlinearity="relu", generator=g), math.sqrt(0.1)),
        (lambda t, g: init.kaiming_uniform_(t, mode="fan_out", generator=g), math.sqrt(6 / 40)),
    ],
)
def test_uniform_initialisers_stay_within_their_bound_with_its_variance(fill, bound):
    layer = Layer(FAN_IN, FAN_OUT, init="zeros")
    assert fill(layer, random.Random(0)) is layer
    _uniform_bounds_and_spread(_weights(layer), bound)
    assert all(n.b.data == 0.0 for n in layer.neurons)  # biases are left alone


@pytest.mark.parametrize(
    "fill, mean, std",
    [
        (lambda t, g: init.normal_(t, 0.5, 2.0, g), 0.5, 2.0),
        (lambda t, g: init.xavier_normal_(t, generator=g), 0.0, math.sqrt(2 / (FAN_IN + FAN_OUT))),
        (
            lambda t, g: init.kaiming_normal_(t, nonlinearity="relu", generator=g),
            0.0,
            (2 / 60) ** 0.5,
        ),
        (
            lambda t, g: init.kaiming_normal_(t, nonlinearity="tanh", generator=g),
            0.0,
            5 / 3 / 60**0.5,
        ),
    ],
)
def test_normal_initialisers_have_the_formulas_mean_and_spread(fill, mean, std):
    layer = Layer(FAN_IN, FAN_OUT, init="zeros")
    fill(layer, random.Random(1))
    numbers = _weights(layer)
    assert statistics.mean(numbers) == pytest.approx(mean, abs=0.1 * std)
    assert statistics.stdev(numbers) == pytest.approx(std, rel=0.05)


def test_calculate_gain_matches_torch():
    torch = pytest.importorskip("torch")
    for name in ["linear", "sigmoid", "tanh", "relu", "selu"]:
        assert init.calculate_gain(name) == pytest.approx(torch.nn.init.calculate_gain(name))
    assert init.calculate_gain("leaky_relu", 0.2) == pytest.approx(
        torch.nn.init.calculate_gain("leaky_relu", 0.2)
    )
    with pytest.raises(ValueError, match="unknown nonlinearity 'swish'"):
        init.calculate_gain("swish")


def test_targets_a_neuron_a_list_and_a_matrix():
    neuron = Neuron(5, init="zeros")
    init.ones_(neuron)
    assert [w.data for w in neuron.w] == [1.0] * 5 and neuron.b.data == 0.0
    init.constant_([neuron.b], 0.25)
    assert neuron.b.data == 0.25
    layer = Layer(3, 2)
    init.zeros_([n.w for n in layer.neurons])  # a weight matrix, one row per neuron
    assert _weights(layer) == [0.0] * 6
    # fans of a single neuron: (fan_in, 1); xavier's bound is then sqrt(6 / (5 + 1)) = 1
    init.xavier_uniform_(neuron, generator=random.Random(0))
    assert all(-1.0 <= w.data <= 1.0 for w in neuron.w)
    with pytest.raises(TypeError, match="for a whole MLP, use MLP"):
        init.zeros_(MLP(2, [2, 1]))
    with pytest.raises(ValueError, match="mode must be"):
        init.kaiming_normal_(layer, mode="fan")


@pytest.mark.parametrize(
    "scheme", ["uniform", "normal", "xavier", "xavier_uniform", "he", "he_uniform"]
)
def test_same_seed_same_model_different_seed_different_model(scheme):
    def weights(seed):
        return MLP(3, [8, 4, 1], init=scheme, seed=seed).state_dict()

    assert weights(7) == weights(7)
    assert weights(7) != weights(8)
    shared = random.Random(3)  # a generator is drawn from: two models from it differ
    assert weights(shared) != weights(shared)


def test_mlp_inits_scale_each_layer_by_its_own_fans():
    model = MLP(50, [200, 10], init="he", seed=0)
    first, second = (_weights(layer) for layer in model.layers)
    assert statistics.stdev(first) == pytest.approx(math.sqrt(2 / 50), rel=0.05)
    assert statistics.stdev(second) == pytest.approx(math.sqrt(2 / 200), rel=0.1)
    model = MLP(50, [200, 10], init="xavier_uniform", seed=0)
    assert max(map(abs, _weights(model.layers[0]))) <= math.sqrt(6 / 250)
    assert all(p.data == 0.0 for layer in model.layers for n in layer.neurons for p in [n.b])


def test_default_init_draws_micrograds_numbers_from_the_global_random():
    random.seed(1337)
    model = MLP(2, [3, 1])
    random.seed(1337)
    micrograd = [[random.uniform(-1, 1) for _ in range(n)] for n in [2, 2, 2, 3]]
    ours = [[w.data for w in n.w] for layer in model.layers for n in layer.neurons]
    assert ours == micrograd


def test_zeros_makes_every_neuron_of_a_layer_the_same_the_symmetry_problem():
    model = MLP(2, [4, 1], activation="tanh", init="zeros")
    for p in model.parameters():  # nudge away from 0 so that gradients flow, keeping symmetry
        p.data = 0.1
    model([1.0, -2.0]).backward()
    hidden = model.layers[0].neurons
    assert len({tuple(w.grad for w in n.w) for n in hidden}) == 1  # identical updates forever


def test_bad_init_names_and_seeds_are_refused():
    with pytest.raises(ValueError, match="unknown init 'glorot'; choose one of uniform"):
        MLP(2, [1], init="glorot")
    with pytest.raises(TypeError, match="seed must be an int, a random.Random or None"):
        MLP(2, [1], seed="42")


def test_init_fills_anything_that_says_where_its_weights_are():
    class Conv:  # a layer of one's own: init needs only weight_rows()
        def __init__(self):
            self.kernels = [[Value(0.0) for _ in range(4)] for _ in range(3)]

        def weight_rows(self):
            return self.kernels

    conv = Conv()
    assert isinstance(conv, init.HasWeights) and not isinstance(MLP(2, [1]), init.HasWeights)
    init.xavier_uniform_(conv, generator=random.Random(0))  # fans (4, 3): bound sqrt(6 / 7)
    numbers = [v.data for row in conv.kernels for v in row]
    assert all(0 < abs(x) <= math.sqrt(6 / 7) for x in numbers)
    layer = Layer(3, 2, seed=0)
    assert layer.weight_rows() == [n.w for n in layer.neurons]
    assert layer.neurons[0].weight_rows() == [layer.neurons[0].w]


def test_init_imports_nothing_of_the_modules_that_use_it():
    graph = import_graph(ROOT, ("autograd", "nn"))
    reached, stack = set(), ["nn.init"]
    while stack:  # everything nn.init needs, directly or not
        for name in graph[stack.pop()]:
            if name not in reached:
                reached.add(name)
                stack.append(name)
    assert "nn._random" in reached and "nn.modules" not in reached
    assert "nn.init" in graph["nn.modules"]  # imports go one way: modules -> init
    code = ast.parse((ROOT / "nn" / "init.py").read_text())  # the code, not its docstrings
    names = {node.id for node in ast.walk(code) if isinstance(node, ast.Name)}
    attributes = {node.attr for node in ast.walk(code) if isinstance(node, ast.Attribute)}
    assert "hasattr" not in names and not {"neurons", "w"} & attributes  # no duck typing
