"""One engine, one workload, in a process of its own: prints one JSON record a line.

    python -m benchmarks.worker chainrule chain --sizes 1000,10000
    PYTHONPATH=build/bench-deps python -m benchmarks.worker micrograd moons --steps 3

The first line says the engine is imported and ready (with its version), so that the time
spent importing, say, torch never counts against a measurement's timeout. Then one line per
measurement; a workload the engine does not provide prints {"unsupported": true}.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Iterator

from benchmarks import workloads
from benchmarks.engines import BY_NAME

WORKLOADS = ("moons", "spiral", "chain", "products", "memory", "ops")
NEEDS = {  # the engine functions each workload calls
    "moons": ("moons_trainer",),
    "spiral": ("spiral_trainer",),
    "chain": ("chain", "backward", "gradients"),
    "products": ("sum_of_products", "backward", "gradients"),
    "memory": ("chain",),
    "ops": ("leaf", "OP_CALLS"),
}


def records(args: argparse.Namespace, engine: object) -> Iterator[workloads.Record]:
    if args.workload == "moons":
        return workloads.measure_moons(engine, args.seed, args.steps, args.warmup)
    if args.workload == "spiral":
        return workloads.measure_moons(
            engine, args.seed, workloads.SPIRAL_STEPS, args.warmup, spiral=True
        )
    if args.workload in ("chain", "products"):
        return workloads.measure_graph(engine, args.workload, args.sizes, args.seed)
    if args.workload == "memory":
        return workloads.measure_memory(engine, args.sizes[0])
    return workloads.measure_ops(engine, args.sizes[0], args.seed, args.repeats)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("engine", choices=sorted(BY_NAME))
    parser.add_argument("workload", choices=WORKLOADS)
    parser.add_argument("--sizes", type=_sizes, default=[1000], help="e.g. 1000,1e4")
    parser.add_argument("--seed", type=int, default=1337)
    parser.add_argument("--steps", type=int, default=3, help="moons: timed steps")
    # Two: a compiled engine traces in the first step and makes its first replay in the
    # second (numpy's first array operations, the replay's lookups); what is timed after them
    # is the step as training repeats it.
    parser.add_argument("--warmup", type=int, default=2, help="moons: untimed steps first")
    parser.add_argument("--repeats", type=int, default=3, help="ops: best of this many")
    args = parser.parse_args(argv)

    try:
        engine = importlib.import_module(BY_NAME[args.engine].module)
    except ImportError as error:
        _emit({"error": f"not installed ({error.name or error})"})
        return 1
    _emit({"ready": args.engine, "version": getattr(engine, "VERSION", "?")})
    if not all(hasattr(engine, name) for name in NEEDS[args.workload]):
        _emit({"unsupported": True})
        return 0
    for record in records(args, engine):
        _emit(record)
    return 0


def _emit(record: workloads.Record) -> None:
    print(json.dumps(record), flush=True)


def _sizes(text: str) -> list[int]:
    return [int(float(size)) for size in text.split(",")]


if __name__ == "__main__":
    sys.exit(main())
