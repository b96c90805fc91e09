"""The main job of `make demo`: train an MLP on two moons, then draw one neuron's graph.

python -m nn.demo [--steps 100] [--out out/neuron.svg]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import autograd
from autograd import Value, draw_dot
from nn import functional as F
from nn import optim
from nn.data import make_moons
from nn.modules import MLP, Neuron
from nn.optim.lr_scheduler import LinearLR
from nn.train import evaluate, fit


def max_margin_loss(model: MLP, alpha: float = 1e-4):
    """micrograd's demo loss, as a loss_fn for fit: the mean hinge loss max(0, 1 - y·score)
    over labels ±1, plus alpha times the sum of the squared parameters (L2)."""

    def loss_fn(scores: list[Value], signs: list[int]) -> Value:
        reg_loss = alpha * autograd.sum(p * p for p in model.parameters())
        return F.hinge_loss(scores, signs) + reg_loss

    return loss_fn


def train(steps: int = 100, seed: int = 1337, report_every: int = 10) -> tuple[MLP, float]:
    """micrograd's demo: MLP(2, [16, 16, 1]) on 100 moons, SGD with the learning rate
    decaying linearly from 1.0 to 0.1. Returns the model and its final accuracy."""
    random.seed(seed)  # the weights micrograd's demo draws
    X, y = make_moons(100, noise=0.1, seed=seed)
    signs = [2 * label - 1 for label in y]  # the hinge loss wants -1 and +1
    model = MLP(2, [16, 16, 1])
    print(
        f"training {model.__class__.__name__}(2, [16, 16, 1]), {len(model.parameters())} "
        f"parameters, on {len(X)} two-moons points for {steps} steps",
        flush=True,
    )
    loss_fn = max_margin_loss(model)
    optimizer = optim.SGD(model.parameters(), lr=1.0)
    scheduler = LinearLR(optimizer, start_factor=1.0, end_factor=0.1, total_iters=max(steps, 1))
    fit(model, X, signs, loss_fn, optimizer, steps, scheduler=scheduler, log_every=report_every)
    _, accuracy = evaluate(model, X, signs, loss_fn)
    return model, accuracy


def draw_neuron(path: Path) -> Path:
    """One ReLU neuron on two inputs, backpropagated, drawn with its local derivatives."""
    random.seed(0)
    neuron = Neuron(2)
    for name, p in zip(["w1", "w2", "b"], neuron.parameters()):
        p.label = name
    x = [Value(2.0, label="x1"), Value(-1.0, label="x2")]
    out = neuron(x)
    out.label = "out"
    out.backward()
    graph = draw_dot(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    rendered = graph.render(outfile=path, cleanup=True)
    return Path(rendered)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100, help="training steps (default 100)")
    parser.add_argument("--out", type=Path, default=Path("out/neuron.svg"), help="SVG to write")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    _, accuracy = train(args.steps)
    print(
        f"final accuracy {accuracy:.0%} after {args.steps} steps "
        f"({time.perf_counter() - start:.1f} s)"
    )
    svg = draw_neuron(args.out)
    print(f"graph of one neuron with its local derivatives: {svg}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
