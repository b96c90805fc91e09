"""PyTorch as its users write an MLP: float64 tensors, the whole batch at once.

torch.nn.Linear layers with ReLU between, the loss on all the points in one expression,
loss.backward() and torch.optim.SGD: a few dozen tensor ops a step instead of one autograd
node per scalar. What a learner would otherwise reach for.

One thread, as the numpy replay has: on tensors of a few thousand numbers a second thread
gains nothing, and on a two-core machine shared with other work (the benchmark's, the
tests') torch's threads wait on each other, which made a step ten times slower here.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from benchmarks.workloads import MoonsProblem

VERSION = torch.__version__
torch.set_num_threads(1)


def moons_trainer(problem: MoonsProblem) -> Callable[[float], float]:
    model = _mlp(problem)
    X = torch.tensor(problem.X, dtype=torch.float64)
    signs = torch.tensor(problem.signs, dtype=torch.float64)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)

    def step(lr: float) -> float:
        for group in optimizer.param_groups:
            group["lr"] = lr
        scores = model(X).squeeze(1)
        data_loss = torch.relu(1.0 - signs * scores).mean()
        reg_loss = problem.alpha * sum((p * p).sum() for p in model.parameters())
        loss = data_loss + reg_loss
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss.item()

    return step


spiral_trainer = moons_trainer  # the same MLP and loss, on the spiral problem


def _mlp(problem: MoonsProblem) -> torch.nn.Sequential:
    """The problem's layers, relu between them, with its weights (per neuron: w..., b)."""
    layers: list[torch.nn.Module] = []
    k = 0
    sizes = problem.sizes
    for i, (nin, nout) in enumerate(zip(sizes, sizes[1:])):
        linear = torch.nn.Linear(nin, nout, dtype=torch.float64)
        rows = [problem.weights[k + j * (nin + 1) : k + (j + 1) * (nin + 1)] for j in range(nout)]
        k += nout * (nin + 1)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor([row[:nin] for row in rows], dtype=torch.float64))
            linear.bias.copy_(torch.tensor([row[nin] for row in rows], dtype=torch.float64))
        layers.append(linear)
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    if k != len(problem.weights):
        raise ValueError(f"the model has {k} parameters; got {len(problem.weights)} weights")
    return torch.nn.Sequential(*layers)
