"""The workloads: the problems every engine solves, and how a worker times them.

The problems are built here, from a seed, so that every engine starts from the same numbers:

    moons     one training step of MLP(2, [16, 16, 1]) on 100 two-moons points: forward,
              max-margin loss mean(relu(1 - y*score)) + 1e-4 * sum(p*p), backward, SGD update
    spiral    the same step for MLP(2, [64, 64, 1]) on 1,000 points of two spirals: 100 times
              the nodes, for the engines fast enough to train it
    chain     n ops in a row, x = x * a and x = x + b alternately (a = 0.999, b = 0.001)
    products  x1*y1 + ... + xn*yn over 2n leaves
    memory    bytes per node of a chain of n ops, held in memory
    ops       each primitive's forward cost, and its backward cost per node

Each `measure_*` function runs inside a worker process and yields one JSON-ready record per
measurement (per size, where there are sizes). Timings use time.perf_counter with the garbage
collector on and the default recursion limit: as users run these engines.
"""

from __future__ import annotations

import gc
import math
import os
import random
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from nn.data import make_moons, make_spirals

Record = dict[str, Any]

MOONS_SIZES = (2, 16, 16, 1)  # MLP(2, [16, 16, 1]): 337 parameters
MOONS_POINTS = 100
MOONS_ALPHA = 1e-4  # weight of the L2 term
MOONS_LR = 0.1
SPIRAL_SIZES = (2, 64, 64, 1)  # 4,417 parameters
SPIRAL_POINTS = 1000
SPIRAL_STEPS = 1  # timed, after one untimed: eager takes seconds a step here
CHAIN_LEAVES = (0.5, 0.999, 0.001)  # x0, a, b: x settles towards 1, never overflows


def build_chain(leaf: Callable[[float], Any], n: int) -> tuple[Any, tuple]:
    """n ops in a row, x = x * a then x = x + b, with any engine's scalar type; the output
    and the leaves x0, a, b. The engines whose scalars have operators share it."""
    x0, a, b = (leaf(v) for v in CHAIN_LEAVES)
    x = x0
    for _ in range(n // 2):
        x = x * a
        x = x + b
    return x, (x0, a, b)


def build_products(
    leaf: Callable[[float], Any], xs: list[float], ys: list[float], total: Callable = sum
) -> tuple[Any, tuple]:
    """x1*y1 + ... + xn*yn added by `total` (Python's sum: n additions deep), and the leaves."""
    xs_, ys_ = [leaf(v) for v in xs], [leaf(v) for v in ys]
    return total(x * y for x, y in zip(xs_, ys_)), (*xs_, *ys_)


@dataclass(frozen=True)
class MoonsProblem:
    X: list[list[float]]  # the points
    signs: list[int]  # the labels as -1 and +1
    weights: list[float]  # every parameter, in MLP.parameters() order: per neuron w..., b
    sizes: tuple[int, ...]  # layer widths, inputs first
    alpha: float


def moons_problem(seed: int) -> MoonsProblem:
    """The data and the starting weights, the same for every engine given the same seed."""
    X, y = make_moons(MOONS_POINTS, noise=0.1, seed=seed)
    return MoonsProblem(
        X, [2 * label - 1 for label in y], initial_weights(seed), MOONS_SIZES, MOONS_ALPHA
    )


def spiral_problem(seed: int) -> MoonsProblem:
    """Two spiral arms, labels -1 and +1, and a wider, deeper MLP: the moons step, scaled up."""
    X, y = make_spirals(SPIRAL_POINTS, noise=0.05, seed=seed)
    weights = initial_weights(seed, SPIRAL_SIZES)
    return MoonsProblem(X, [2 * label - 1 for label in y], weights, SPIRAL_SIZES, MOONS_ALPHA)


def initial_weights(seed: int, sizes: tuple[int, ...] = MOONS_SIZES) -> list[float]:
    """Weights uniform in (-1, 1) and biases 0, as a fresh MLP has, from their own seed."""
    rng = random.Random(seed)
    weights: list[float] = []
    for nin, nout in zip(sizes, sizes[1:]):
        for _ in range(nout):
            weights += [rng.uniform(-1.0, 1.0) for _ in range(nin)] + [0.0]
    return weights


def products_inputs(n: int, seed: int) -> tuple[list[float], list[float]]:
    rng = random.Random(seed)
    return [rng.uniform(-1.0, 1.0) for _ in range(n)], [rng.uniform(-1.0, 1.0) for _ in range(n)]


# --- timing, inside a worker --------------------------------------------------------------


def measure_moons(
    engine: ModuleType, seed: int, steps: int, warmup: int, spiral: bool = False
) -> Iterator[Record]:
    """`warmup` untimed steps, then `steps` timed ones; every step's loss, to compare. The
    first step's time is kept apart: for a compiled engine it traces and prepares the loss."""
    if spiral:
        step = engine.spiral_trainer(spiral_problem(seed))
    else:
        step = engine.moons_trainer(moons_problem(seed))
    losses, times = [], []
    for _ in range(warmup + steps):
        start = time.perf_counter()
        losses.append(step(MOONS_LR))
        times.append(time.perf_counter() - start)
    timed = times[warmup:]
    yield {
        "seconds": sum(timed) / len(timed),
        "step_seconds": timed,
        "first_step_seconds": times[0],
        "losses": losses,
    }


def measure_graph(
    engine: ModuleType, workload: str, sizes: list[int], seed: int
) -> Iterator[Record]:
    """For each size: build the graph, backpropagate, and time each half; stop at a failure."""
    for n in sizes:
        build, inputs = (
            (engine.chain, (n,))
            if workload == "chain"
            else (engine.sum_of_products, products_inputs(n, seed))
        )
        try:
            start = time.perf_counter()
            graph = build(*inputs)
            built = time.perf_counter()
            engine.backward(graph)
            done = time.perf_counter()
        except Exception as error:  # RecursionError in micrograd, MemoryError...
            yield {"size": n, "error": _describe(error)}
            return
        value, grads = engine.gradients(graph)
        start_free = time.perf_counter()
        del graph
        free = time.perf_counter() - start_free
        yield {
            "size": n,
            "seconds": done - start,  # forward + backward, the figure in the table
            "forward_seconds": built - start,
            "backward_seconds": done - built,
            "free_seconds": free,  # dropping the graph (micrograd's cycles wait for gc), untimed
            "check": _digest(value, grads, workload),
        }


def measure_memory(engine: ModuleType, size: int) -> Iterator[Record]:
    """Bytes per node of a chain held in memory: by the process's resident size, and by
    tracemalloc (Python's heap only: n/a for an engine whose nodes live in C++)."""
    gc.collect()
    before = _resident_bytes()
    graph = engine.chain(size)
    after = _resident_bytes()
    del graph
    gc.collect()
    rss = None if before is None or after is None else (after - before) / size
    traced = None
    if getattr(engine, "TRACEMALLOC_SEES_ALL", True):
        tracemalloc.start()
        start, _ = tracemalloc.get_traced_memory()
        graph = engine.chain(size)
        current, _ = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        traced = (current - start) / size
        del graph
    yield {"size": size, "tracemalloc_bytes_per_node": traced, "rss_bytes_per_node": rss}


def measure_ops(engine: ModuleType, size: int, seed: int, repeats: int) -> Iterator[Record]:
    """Each op's cost: forward, in ns per op applied to `size` leaves, net of the loop and the
    call; backward, in ns per op node, as the extra time backward takes over a tree of
    additions when the op's `size` nodes stand between the leaves and the tree. Each figure
    is the best of `repeats`, the ops taking turns with the bare loop and the bare tree."""
    rng = random.Random(seed)
    values = [rng.uniform(0.5, 1.5) for _ in range(size)]  # in every op's domain
    c = engine.leaf(0.7)

    def timed(call: Any) -> tuple[float, float]:
        # Each op starts with no garbage left by the one before: micrograd's nodes are cycles,
        # freed only by the collector, and whichever op happened to be timed when it ran
        # would pay for another's graph. Collections that the op's own work triggers stay in.
        gc.collect()
        xs = [engine.leaf(v) for v in values]
        start = time.perf_counter()
        outs = [call(x, c) for x in xs]
        built = time.perf_counter()
        root = _pairwise_sum(outs)
        del xs, outs
        start_backward = time.perf_counter()
        root.backward()
        return built - start, time.perf_counter() - start_backward

    def identity(x: Any, c: Any) -> Any:
        return x

    calls = {"": identity, **engine.OP_CALLS}
    errors = {name: "no recipe in OP_CALLS" for name, call in calls.items() if call is None}
    best = {name: (math.inf, math.inf) for name in calls}  # forward, backward seconds
    for _ in range(repeats):
        for name, call in calls.items():
            if name in errors:
                continue
            try:
                forward, backward = timed(call)
            except Exception as error:  # an op added without a domain its recipe fits
                errors[name] = _describe(error)
                continue
            best[name] = (min(best[name][0], forward), min(best[name][1], backward))
    loop, tree = best.pop("")
    ops: dict[str, Record] = {
        name: {"error": errors[name]}
        if name in errors
        else {"forward_ns": (fwd - loop) / size * 1e9, "backward_ns": (bwd - tree) / size * 1e9}
        for name, (fwd, bwd) in best.items()
    }
    yield {"size": size, "ops": ops}


def _pairwise_sum(nodes: list[Any]) -> Any:
    """A balanced tree of additions, log2(n) deep: no engine's recursion limit is at stake."""
    while len(nodes) > 1:
        pairs = [nodes[i] + nodes[i + 1] for i in range(0, len(nodes) - 1, 2)]
        nodes = pairs + nodes[-1:] if len(nodes) % 2 else pairs
    return nodes[0]


def _digest(value: float, grads: list[float], workload: str) -> list[float]:
    """A few numbers that every engine must agree on: the output and the gradients."""
    if workload == "chain":
        return [value, *grads]  # d/dx0, d/da, d/db
    half = len(grads) // 2  # d/dxi = yi and d/dyi = xi
    return [value, math.fsum(grads[:half]), math.fsum(grads[half:]), grads[0], grads[-1]]


def _describe(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}".splitlines()[0]
    return text if len(text) <= 100 else text[:97] + "..."


def _resident_bytes() -> int | None:
    try:
        with open("/proc/self/statm") as statm:  # Linux: pages in total, pages resident, ...
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return None
