"""Small data sets generated in code (no download, no scikit-learn), and mini-batches.

Each make_* returns points X (a list of [x1, x2] lists) and labels y (a list of ints), as
scikit-learn's functions of the same names do, with `seed` for its `random_state`: an int
gives the same data every time, a random.Random is drawn from, None uses Python's global
random. `noise` is the standard deviation of Gaussian noise added to every coordinate.

    make_moons      two interleaving half circles           (2 classes)
    make_circles    a circle inside a circle                (2 classes)
    make_xor        the four quadrants of a square          (2 classes: the signs differ)
    make_spirals    arms of a spiral, wound round each other (n_classes)
    make_blobs      Gaussian clusters around centres        (one class per centre)

batches(X, y, batch_size) cuts a data set into shuffled mini-batches; DataLoader does the
same for a list of (x, y) pairs, epoch after epoch, as torch.utils.data.DataLoader.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any

from nn._random import Seed
from nn._random import generator as _generator

Points = list[list[float]]


def make_moons(
    n_samples: int = 100, noise: float = 0.0, seed: Seed = None, shuffle: bool = True
) -> tuple[Points, list[int]]:
    """Two interleaving half circles, as scikit-learn's make_moons.

    The upper moon (label 0) is the half circle of radius 1 around (0, 0); the lower one
    (label 1) is shifted to (1, 0.5) and flipped."""
    _check_samples(n_samples, 2)
    _check_noise(noise)
    n_upper = n_samples // 2
    points = [(math.cos(t), math.sin(t), 0) for t in linspace(0.0, math.pi, n_upper)]
    points += [
        (1 - math.cos(t), 0.5 - math.sin(t), 1) for t in linspace(0.0, math.pi, n_samples - n_upper)
    ]
    return _finish(points, noise, _generator(seed), shuffle)


def make_circles(
    n_samples: int = 100,
    noise: float = 0.0,
    seed: Seed = None,
    factor: float = 0.8,
    shuffle: bool = True,
) -> tuple[Points, list[int]]:
    """A circle of radius 1 (label 0) around one of radius `factor` (label 1), centred at 0."""
    _check_samples(n_samples, 2)
    _check_noise(noise)
    if not 0.0 <= factor < 1.0:
        raise ValueError(f"factor is the inner circle's radius, in [0, 1); got {factor!r}")
    n_outer = n_samples // 2
    points = []
    for radius, label, n in ((1.0, 0, n_outer), (factor, 1, n_samples - n_outer)):
        angles = [2 * math.pi * i / n for i in range(n)]  # evenly round, 0 included, 2π not
        points += [(radius * math.cos(t), radius * math.sin(t), label) for t in angles]
    return _finish(points, noise, _generator(seed), shuffle)


def make_xor(
    n_samples: int = 100, noise: float = 0.0, seed: Seed = None
) -> tuple[Points, list[int]]:
    """Points drawn uniformly in the square [-1, 1]², labelled 1 where x1 and x2 have
    different signs: the classic problem no single neuron can solve. Noise moves a point
    after it is labelled, so it can cross into another quadrant."""
    _check_samples(n_samples, 1)
    _check_noise(noise)
    rng = _generator(seed)
    points = []
    for _ in range(n_samples):
        x1, x2 = rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0)
        points.append((x1, x2, int((x1 > 0) != (x2 > 0))))
    return _finish(points, noise, rng, shuffle=False)  # drawn in random order already


def make_spirals(
    n_samples: int = 100,
    n_classes: int = 2,
    noise: float = 0.0,
    seed: Seed = None,
    turns: float = 1.0,
    shuffle: bool = True,
) -> tuple[Points, list[int]]:
    """`n_classes` spiral arms around the origin, as in Stanford's CS231n: arm k's points are
    at radius r (evenly from 0 to 1) and angle 2πk / n_classes + 2π·turns·r."""
    _check_samples(n_samples, n_classes)
    _check_noise(noise)
    if isinstance(n_classes, bool) or not isinstance(n_classes, int) or n_classes < 2:
        raise ValueError(f"n_classes must be a whole number of at least 2; got {n_classes!r}")
    points = []
    for k, n in enumerate(_split(n_samples, n_classes)):
        for r in linspace(0.0, 1.0, n):
            angle = 2 * math.pi * k / n_classes + 2 * math.pi * turns * r
            points.append((r * math.cos(angle), r * math.sin(angle), k))
    return _finish(points, noise, _generator(seed), shuffle)


def make_blobs(
    n_samples: int = 100,
    n_features: int = 2,
    centers: int | Sequence[Sequence[float]] | None = None,
    cluster_std: float = 1.0,
    center_box: tuple[float, float] = (-10.0, 10.0),
    shuffle: bool = True,
    seed: Seed = None,
) -> tuple[Points, list[int]]:
    """Gaussian clusters of standard deviation cluster_std, as scikit-learn's make_blobs.

    centers: a number of clusters whose centres are drawn uniformly in center_box (3 when
    None), or the list of centres. Points are shared out as evenly as can be; a point's label
    is the index of its centre."""
    rng = _generator(seed)
    if isinstance(n_features, bool) or not isinstance(n_features, int) or n_features < 1:
        raise ValueError(f"n_features must be a positive whole number; got {n_features!r}")
    if cluster_std < 0:
        raise ValueError(f"cluster_std cannot be negative; got {cluster_std!r}")
    if centers is None or isinstance(centers, int):
        n_centers = 3 if centers is None else centers
        if n_centers < 1:
            raise ValueError(f"centers must be at least 1; got {centers!r}")
        low, high = center_box
        centers = [[rng.uniform(low, high) for _ in range(n_features)] for _ in range(n_centers)]
    centers = [[float(c) for c in centre] for centre in centers]
    if not centers or any(len(centre) != n_features for centre in centers):
        raise ValueError(f"centers must be a non-empty list of points of {n_features} numbers")
    _check_samples(n_samples, len(centers))
    X, y = [], []
    for label, (centre, n) in enumerate(zip(centers, _split(n_samples, len(centers)))):
        X += [[c + rng.gauss(0.0, cluster_std) for c in centre] for _ in range(n)]
        y += [label] * n
    if shuffle:
        order = list(range(n_samples))
        rng.shuffle(order)
        X, y = [X[i] for i in order], [y[i] for i in order]
    return X, y


def batches(
    X: Sequence[Any],
    y: Sequence[Any],
    batch_size: int,
    shuffle: bool = True,
    seed: Seed = None,
    drop_last: bool = False,
) -> Iterator[tuple[list, list]]:
    """Mini-batches (X_batch, y_batch) that together cover the data set once: one epoch.

    shuffle=True draws a new order from `seed` (see the module docstring): give it a
    random.Random, not an int, to get a different order every epoch. The last batch is
    smaller when batch_size does not divide the data, unless drop_last."""
    if len(X) != len(y):
        raise ValueError(f"X and y must have the same length; got {len(X)} and {len(y)}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive whole number; got {batch_size!r}")
    order = list(range(len(X)))
    if shuffle:
        _generator(seed).shuffle(order)
    end = len(order) - len(order) % batch_size if drop_last else len(order)
    for start in range(0, end, batch_size):
        chosen = order[start : start + batch_size]
        yield [X[i] for i in chosen], [y[i] for i in chosen]


class DataLoader:
    """Mini-batches of a list of (x, y) pairs, as torch.utils.data.DataLoader: iterate over
    it once per epoch; with shuffle=True each epoch has a new order from `generator`."""

    def __init__(
        self,
        dataset: Sequence[tuple[Any, Any]],
        batch_size: int = 1,
        shuffle: bool = False,
        drop_last: bool = False,
        generator: Seed = None,
    ) -> None:
        self.dataset = dataset
        self.batch_size, self.shuffle, self.drop_last = batch_size, shuffle, drop_last
        self._rng = _generator(generator)  # an int seeds one generator for every epoch
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive whole number; got {batch_size!r}")

    def __iter__(self) -> Iterator[tuple[list, list]]:
        X = [x for x, _ in self.dataset]
        y = [label for _, label in self.dataset]
        return batches(X, y, self.batch_size, self.shuffle, self._rng, self.drop_last)

    def __len__(self) -> int:
        full, rest = divmod(len(self.dataset), self.batch_size)
        return full + (1 if rest and not self.drop_last else 0)


def _finish(points, noise: float, rng, shuffle: bool) -> tuple[Points, list[int]]:
    """Shuffle (x1, x2, label) triples, add the noise, and split them into X and y."""
    if shuffle:
        rng.shuffle(points)
    X = [[a + rng.gauss(0.0, noise), b + rng.gauss(0.0, noise)] for a, b, _ in points]
    return X, [label for _, _, label in points]


def _split(n: int, parts: int) -> list[int]:
    """n shared out as evenly as can be, the first ones getting one more, as scikit-learn."""
    return [n // parts + (1 if i < n % parts else 0) for i in range(parts)]


def linspace(start: float, stop: float, n: int) -> list[float]:
    """n evenly spaced numbers from start to stop inclusive, like numpy.linspace."""
    if n == 1:
        return [start]
    return [start + (stop - start) * i / (n - 1) for i in range(n)]


def _check_samples(n_samples: int, at_least: int) -> None:
    if isinstance(n_samples, bool) or not isinstance(n_samples, int) or n_samples < at_least:
        raise ValueError(
            f"n_samples must be a whole number of at least {at_least}; got {n_samples!r}"
        )


def _check_noise(noise: float) -> None:
    if not noise >= 0:
        raise ValueError(f"noise is a standard deviation and cannot be negative; got {noise!r}")
