"""chainrule's nn: neurons, layers and MLPs on autograd Values, compatible with micrograd."""

from nn.modules import MLP, Layer, Module, Neuron

__all__ = ["MLP", "Layer", "Module", "Neuron"]
