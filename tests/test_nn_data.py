"""nn.data: each generator's shapes, labels, seeding and one geometric property; mini-batches."""

import math
import random

import pytest

from nn.data import (
    DataLoader,
    batches,
    make_blobs,
    make_circles,
    make_moons,
    make_spirals,
    make_xor,
)

GENERATORS = {
    "moons": lambda n, **kw: make_moons(n, noise=0.1, **kw),
    "circles": lambda n, **kw: make_circles(n, noise=0.1, **kw),
    "xor": lambda n, **kw: make_xor(n, noise=0.1, **kw),
    "spirals": lambda n, **kw: make_spirals(n, n_classes=3, noise=0.1, **kw),
    "blobs": lambda n, **kw: make_blobs(n, centers=4, **kw),
}
LABELS = {"moons": [0, 1], "circles": [0, 1], "xor": [0, 1], "spirals": [0, 1, 2]}
LABELS["blobs"] = [0, 1, 2, 3]


@pytest.mark.parametrize("name", GENERATORS)
def test_shapes_labels_and_seeds(name):
    make = GENERATORS[name]
    X, y = make(61, seed=5)
    assert len(X) == len(y) == 61 and all(len(x) == 2 and all(map(math.isfinite, x)) for x in X)
    assert sorted(set(y)) == LABELS[name]
    assert make(61, seed=5) == (X, y)
    assert make(61, seed=6) != (X, y)
    random.seed(11)  # seed=None draws from the global random
    first = make(61)
    random.seed(11)
    assert make(61) == first


def test_classes_are_shared_out_evenly():
    assert make_circles(11, seed=0)[1].count(0) == 5  # as scikit-learn: n // 2 outer points
    _, y = make_spirals(10, n_classes=3, seed=0)
    assert [y.count(k) for k in range(3)] == [4, 3, 3]
    _, y = make_blobs(10, centers=[[0, 0], [5, 5], [9, 0]], seed=0)
    assert [y.count(k) for k in range(3)] == [4, 3, 3]


def test_circles_lie_on_their_two_radii():
    X, y = make_circles(50, noise=0.0, factor=0.3, seed=0)
    for (a, b), label in zip(X, y):
        assert math.isclose(math.hypot(a, b), 1.0 if label == 0 else 0.3, rel_tol=1e-12)


def test_xor_labels_are_the_sign_disagreement():
    X, y = make_xor(200, seed=1)
    assert all(label == int((a > 0) != (b > 0)) for (a, b), label in zip(X, y))
    assert all(-1 <= a <= 1 and -1 <= b <= 1 for a, b in X)


def test_spiral_arms_turn_with_the_radius():
    turns, n_classes = 1.5, 4
    X, y = make_spirals(80, n_classes=n_classes, turns=turns, seed=0)
    for (a, b), k in zip(X, y):
        r = math.hypot(a, b)
        if r < 1e-9:
            continue  # every arm starts at the origin
        expected = 2 * math.pi * k / n_classes + 2 * math.pi * turns * r
        off = (math.atan2(b, a) - expected) % (2 * math.pi)
        assert min(off, 2 * math.pi - off) < 1e-9


def test_blobs_gather_round_their_centres():
    centres = [[-5.0, 0.0], [5.0, 5.0]]
    X, y = make_blobs(400, centers=centres, cluster_std=0.5, seed=2)
    for label, centre in enumerate(centres):
        points = [x for x, t in zip(X, y) if t == label]
        for axis in range(2):
            mean = sum(p[axis] for p in points) / len(points)
            assert abs(mean - centre[axis]) < 0.15  # 3 standard errors of 0.5 / sqrt(200)
    X, _ = make_blobs(30, n_features=3, centers=2, center_box=(0.0, 1.0), cluster_std=0.0, seed=0)
    assert all(len(x) == 3 and all(0.0 <= c <= 1.0 for c in x) for x in X)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: make_circles(10, factor=1.0), "factor"),
        (lambda: make_xor(10, noise=-0.1), "noise"),
        (lambda: make_spirals(10, n_classes=1), "n_classes"),
        (lambda: make_blobs(2, centers=3), "n_samples must be a whole number of at least 3"),
        (lambda: make_blobs(10, centers=[[0.0, 1.0, 2.0]]), "points of 2 numbers"),
        (lambda: make_moons(1.5), "n_samples"),
    ],
)
def test_bad_arguments_say_what_was_wrong(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_batches_cover_an_epoch_once_in_a_seeded_order():
    X = [[float(i)] for i in range(10)]
    y = list(range(10))
    epoch = list(batches(X, y, 4, seed=0))
    assert [len(xb) for xb, _ in epoch] == [4, 4, 2]
    assert sorted(t for _, yb in epoch for t in yb) == y  # each example once
    assert all(xb == [[float(t)] for t in yb] for xb, yb in epoch)  # pairs stay together
    assert list(batches(X, y, 4, seed=0)) == epoch
    assert [yb for _, yb in batches(X, y, 4, seed=1)] != [yb for _, yb in epoch]
    assert [yb for _, yb in batches(X, y, 4, shuffle=False)] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert [len(yb) for _, yb in batches(X, y, 4, seed=0, drop_last=True)] == [4, 4]
    with pytest.raises(ValueError, match="same length"):
        list(batches(X, y[:3], 2))
    with pytest.raises(ValueError, match="batch_size"):
        list(batches(X, y, 0))


def test_data_loader_reshuffles_every_epoch_reproducibly():
    dataset = [([float(i)], i) for i in range(9)]
    loader = DataLoader(dataset, batch_size=4, shuffle=True, generator=3)
    assert len(loader) == 3 and len(DataLoader(dataset, batch_size=4, drop_last=True)) == 2
    first, second = ([yb for _, yb in loader] for _ in range(2))
    assert first != second and sorted(sum(first, [])) == list(range(9))
    again = DataLoader(dataset, batch_size=4, shuffle=True, generator=3)
    assert [yb for _, yb in again] == first
    assert [yb for _, yb in DataLoader(dataset, batch_size=5)] == [[0, 1, 2, 3, 4], [5, 6, 7, 8]]
