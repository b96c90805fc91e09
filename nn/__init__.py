"""chainrule's nn: neurons, layers and MLPs on autograd Values, compatible with micrograd,
with PyTorch's vocabulary for the rest of training:

    from nn import MLP, functional as F, optim
    model = MLP(2, [16, 16, 1], init="he", seed=0)
    optimizer = optim.Adam(model.parameters(), lr=0.01)
    loss = F.binary_cross_entropy_with_logits([model(x) for x in X], y)

nn.functional   activations and losses            nn.optim     optimisers; nn.optim.lr_scheduler
nn.init         weight initialisations            nn.utils     gradient clipping
nn.data         toy data sets and mini-batches    nn.train     fit: a training loop with progress
nn.metrics      accuracy, read as the loss implies
nn.save/load    models as JSON                    nn.to_torch / from_torch: the PyTorch bridge
nn.save_checkpoint / load_checkpoint: a training run (model, optimiser, scheduler, step), resumed
"""

from nn import data, functional, init, metrics, optim, utils
from nn.checkpoint import load_checkpoint, save_checkpoint
from nn.modules import MLP, Layer, Module, Neuron, StateDictError
from nn.serialization import (
    CorruptFileError,
    NotAModelFileError,
    UnsupportedVersionError,
    load,
    save,
)
from nn.torch_bridge import from_torch, to_torch
from nn.train import History, evaluate, fit

__all__ = [
    "MLP",
    "CorruptFileError",
    "History",
    "Layer",
    "Module",
    "Neuron",
    "NotAModelFileError",
    "StateDictError",
    "UnsupportedVersionError",
    "data",
    "evaluate",
    "fit",
    "from_torch",
    "functional",
    "init",
    "load",
    "load_checkpoint",
    "metrics",
    "optim",
    "save",
    "save_checkpoint",
    "to_torch",
    "utils",
]
