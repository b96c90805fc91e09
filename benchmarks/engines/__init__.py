"""The engines the benchmark compares, and what an engine module provides.

Each engine is one module in this folder, imported only inside its own worker process (so
importing torch never slows the others). A module provides the functions of the workloads it
can run; a workload whose function is missing shows as n/a in its column.

    VERSION: str                                   shown in the results
    moons_trainer(problem) -> step                 step(lr) runs forward, backward and an SGD
                                                   update on the moons problem; returns the loss
    spiral_trainer(problem) -> step                the same on the spiral problem (a bigger MLP
                                                   on more points), for the engines fast enough
    chain(n) -> graph                              n ops in a row from leaves x0, a, b:
                                                   x = x * a, then x = x + b, alternately
    sum_of_products(xs, ys) -> graph               x1*y1 + ... + xn*yn, every xi and yi a leaf
    backward(graph) -> None                        backpropagate from the graph's output
    gradients(graph) -> (value, [grads])           the output and every leaf's gradient, in order
    TRACEMALLOC_SEES_ALL: bool                     False where memory lives outside Python's heap
    leaf(value) -> node, OP_CALLS: {name: f(x, c)} each op applied to a node x (and a leaf c),
                                                   for the per-op costs

ENGINES is the registry. The first entry is the baseline every ratio is taken against; the
targets the project tracks are checked for every engine marked `ours`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EngineSpec:
    name: str  # on the command line and in the JSON
    title: str  # the column heading
    module: str  # imported by the worker only
    ours: bool = False  # one of chainrule's own engines: the project's targets are checked for it


ENGINES: list[EngineSpec] = [
    EngineSpec("chainrule", "chainrule eager", "benchmarks.engines.chainrule_eager", ours=True),
    EngineSpec("micrograd", "micrograd", "benchmarks.engines.micrograd_pypi"),
    EngineSpec("micrograd_deep", "micrograd, deep", "benchmarks.engines.micrograd_deep"),
    EngineSpec("torch", "torch scalar", "benchmarks.engines.torch_scalar"),
    EngineSpec("torch_batched", "torch batched tensors", "benchmarks.engines.torch_batched"),
    EngineSpec("floats", "hand floats", "benchmarks.engines.hand_floats"),
    EngineSpec(
        "compiled", "chainrule compiled", "benchmarks.engines.chainrule_compiled", ours=True
    ),
    EngineSpec(
        "numpy", "chainrule compiled (numpy)", "benchmarks.engines.chainrule_numpy", ours=True
    ),
]

BY_NAME: dict[str, EngineSpec] = {engine.name: engine for engine in ENGINES}
