"""To PyTorch and back: an MLP as a torch.nn.Sequential of Linear layers and activations.

    net = nn.to_torch(model)        # float64, so its outputs equal the model's to ~1e-15
    model = nn.from_torch(net)      # a Sequential of Linear and ReLU / Tanh / Sigmoid / ...

Neuron i of a layer is row i of the Linear's weight and entry i of its bias. torch is an
optional extra: it is imported here, when one of these functions is called.
"""

from __future__ import annotations

from typing import Any

from nn.modules import MLP, Layer, Module, Neuron

# Our activation names and torch.nn's modules, both ways; 'linear' is no module at all.
_TORCH_NAMES = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid", "leaky_relu": "LeakyReLU"}


def to_torch(model: Module) -> Any:
    """A torch.nn.Sequential (float64) computing what `model` computes, with copies of its weights.

    An MLP, a Layer or a Neuron (one Linear); the copies do not share memory with the model."""
    torch = _import_torch("nn.to_torch")
    if isinstance(model, MLP):
        layers = [layer.neurons for layer in model.layers]
    elif isinstance(model, Layer):
        layers = [model.neurons]
    elif isinstance(model, Neuron):
        layers = [[model]]
    else:
        kind = type(model).__name__
        raise TypeError(f"nn.to_torch takes an MLP, a Layer or a Neuron; got {kind}")
    modules = []
    for neurons in layers:
        weight = [[w.data for w in n.w] for n in neurons]
        bias = [n.b.data for n in neurons]
        linear = torch.nn.Linear(len(weight[0]), len(weight), dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(weight, dtype=torch.float64))
            linear.bias.copy_(torch.tensor(bias, dtype=torch.float64))
        modules.append(linear)
        activation = neurons[0].activation
        if activation != "linear":
            modules.append(getattr(torch.nn, _TORCH_NAMES[activation])())
    return torch.nn.Sequential(*modules)


def from_torch(module: Any) -> MLP:
    """An MLP with the weights of `module`: a torch.nn.Sequential of Linear layers (with bias),
    each followed by at most one activation, the same one after every hidden layer."""
    torch = _import_torch("nn.from_torch")
    supported = {getattr(torch.nn, name): ours for ours, name in _TORCH_NAMES.items()}
    if isinstance(module, torch.nn.Linear):
        module = torch.nn.Sequential(module)
    if not isinstance(module, torch.nn.Sequential):
        raise TypeError(f"nn.from_torch takes a torch.nn.Sequential; got {type(module).__name__}")
    linears: list[Any] = []
    activations: list[str] = []  # after each Linear: a name, or 'linear' for none
    for index, child in enumerate(module):
        if isinstance(child, torch.nn.Linear):
            if child.bias is None:
                raise ValueError(
                    f"layer {index} is a Linear without bias; our neurons all have one"
                )
            if linears and child.in_features != linears[-1].out_features:
                raise ValueError(
                    f"layer {index} takes {child.in_features} inputs but the Linear before it "
                    f"gives {linears[-1].out_features}"
                )
            linears.append(child)
            activations.append("linear")
        elif type(child) in supported and linears and activations[-1] == "linear":
            if isinstance(child, torch.nn.LeakyReLU) and child.negative_slope != 0.01:
                raise ValueError(f"layer {index}: only LeakyReLU's default slope 0.01 is supported")
            activations[-1] = supported[type(child)]
        else:
            raise ValueError(
                f"layer {index} ({child}) is not supported here: expected a Linear, then at most "
                f"one of {', '.join(_TORCH_NAMES.values())} after it"
            )
    if not linears:
        raise ValueError("the Sequential has no Linear layer")
    hidden = set(activations[:-1])
    if len(hidden) > 1:
        raise ValueError(f"an MLP has one hidden activation; this network mixes {sorted(hidden)}")
    model = MLP(
        linears[0].in_features,
        [linear.out_features for linear in linears],
        activation=hidden.pop() if hidden else "relu",
        output_activation=activations[-1],
        init="zeros",
    )
    for layer, linear in zip(model.layers, linears):
        weight = linear.weight.detach().double().tolist()
        bias = linear.bias.detach().double().tolist()
        for neuron, row, b in zip(layer.neurons, weight, bias):
            for w, number in zip(neuron.w, row):
                w.data = number
            neuron.b.data = b
    return model


def _import_torch(caller: str):
    try:
        import torch
    except ImportError:
        raise ImportError(
            f"{caller} needs PyTorch, an optional extra of chainrule: pip install torch "
            "(the CPU build is enough: pip install torch --index-url "
            "https://download.pytorch.org/whl/cpu)"
        ) from None
    return torch
