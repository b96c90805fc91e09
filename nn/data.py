"""Small built-in data sets, generated in code: no download, no scikit-learn."""

from __future__ import annotations

import math
import random


def make_moons(
    n_samples: int = 100, noise: float = 0.0, seed: int | None = None
) -> tuple[list[list[float]], list[int]]:
    """Two interleaving half circles, as scikit-learn's make_moons: points X and labels y.

    The upper moon (label 0) is the half circle of radius 1 around (0, 0); the lower one
    (label 1) is shifted to (1, 0.5) and flipped. Gaussian noise of standard deviation
    `noise` is added to every coordinate; the points come shuffled.
    """
    if not isinstance(n_samples, int) or n_samples < 2:
        raise ValueError(f"n_samples must be a whole number of at least 2; got {n_samples!r}")
    if noise < 0:
        raise ValueError(f"noise is a standard deviation and cannot be negative; got {noise!r}")
    rng = random.Random(seed)
    n_upper = n_samples // 2
    n_lower = n_samples - n_upper
    points = [(math.cos(t), math.sin(t), 0) for t in _spaced(0.0, math.pi, n_upper)]
    points += [(1 - math.cos(t), 0.5 - math.sin(t), 1) for t in _spaced(0.0, math.pi, n_lower)]
    rng.shuffle(points)
    X = [[x + rng.gauss(0.0, noise), y + rng.gauss(0.0, noise)] for x, y, _ in points]
    return X, [label for _, _, label in points]


def _spaced(start: float, stop: float, n: int) -> list[float]:
    """n evenly spaced numbers from start to stop inclusive, like numpy.linspace."""
    if n == 1:
        return [start]
    return [start + (stop - start) * i / (n - 1) for i in range(n)]
