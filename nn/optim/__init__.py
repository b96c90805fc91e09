"""Optimisers and learning-rate schedules, laid out as torch.optim: nn.optim.SGD, nn.optim.Adam,
... and nn.optim.lr_scheduler.StepLR, ..."""

from nn.optim import lr_scheduler
from nn.optim.optimizers import SGD, Adagrad, Adam, AdamW, Optimizer, RMSprop

__all__ = ["SGD", "Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop", "lr_scheduler"]
