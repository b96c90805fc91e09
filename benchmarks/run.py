"""Run every engine on every workload, each run in a process of its own; print and save.

    python -m benchmarks.run                  # what `make bench` runs: a few minutes
    python -m benchmarks.run --quick          # a smoke run
    python -m benchmarks.run --engines chainrule,micrograd --workloads moons --rounds 9

The rounds interleave the engines (rounds.py); the figures and tables come from report.py.
The table goes to the screen; every run's numbers, the summary and what was measured on what
(versions, commit, machine load) to a JSON file. Exits 1 if the engines disagree on a number.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from benchmarks import report
from benchmarks.engines import BY_NAME, ENGINES
from benchmarks.processes import ROOT
from benchmarks.rounds import Cells, Mismatch, Settings, run_workload
from benchmarks.worker import WORKLOADS
from benchmarks.workloads import MOONS_POINTS, SPIRAL_POINTS

DEFAULTS = {  # (default, --quick)
    "rounds": (5, 3),
    "sizes": ([100, 1000, 10_000, 100_000, 1_000_000], [100, 1000, 10_000]),
    "timeout": (30.0, 20.0),
    "steps": (2, 2),
    "memory_size": (100_000, 10_000),
    "ops_size": (10_000, 2000),
    "repeats": (3, 3),
}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    engines = [BY_NAME[name] for name in args.engines]
    meta: dict[str, Any] = {
        "started": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average_at_start": _load_average(),
        "git": _git_state(),
        "engines": args.engines,
        "versions": {},
        "options": {
            key: str(value) if isinstance(value, Path) else value
            for key, value in vars(args).items()
        },
    }
    options = ["--seed", str(args.seed), "--steps", str(args.steps), "--repeats", str(args.repeats)]
    settings = Settings(options, args.timeout, args.deps.resolve())
    start = time.perf_counter()
    results: dict[str, Cells] = {}
    status = 0
    try:
        for workload, rounds in schedule(args).items():
            results[workload] = run_workload(workload, rounds, engines, settings, meta["versions"])
    except Mismatch as error:
        print(f"\nFAILED: the engines disagree. {error}", file=sys.stderr)
        meta["failure"] = str(error)
        status = 1
    meta["seconds"] = round(time.perf_counter() - start, 1)
    meta["load_average_at_end"] = _load_average()

    plain = {
        workload: {
            str(n): {name: asdict(cell) for name, cell in row.items()} for n, row in cells.items()
        }
        for workload, cells in results.items()
    }
    summary = report.summarize(plain, engines)
    heading = (
        f"chainrule benchmarks, {meta['started']}, {meta['seconds']:.0f} s; "
        f"load average {meta['load_average_at_start']} at the start, "
        f"{meta['load_average_at_end']} at the end"
    )
    print("\n" + report.render(summary, engines, heading))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {"meta": meta, "summary": summary, "results": plain}, indent=1, ensure_ascii=False
        )
        + "\n"
    )
    print(f"\nresults written to {args.out}")
    if status:
        print(f"FAILED: the engines disagree. {meta['failure']}", file=sys.stderr)
    return status


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--quick", action="store_true", help="fewer rounds and sizes: about a minute")
    add("--rounds", type=int, help="rounds of each workload (default 5; --quick 3)")
    add("--sizes", type=_sizes, help="graph sizes N (default 100,1e3,1e4,1e5,1e6)")
    add("--timeout", type=float, help="seconds one measurement may take (default 30; --quick 20)")
    add("--steps", type=int, help="timed moons steps per round, after two untimed (default 2)")
    add("--memory-size", type=_size, help="nodes in the memory workload (default 1e5)")
    add("--ops-size", type=_size, help="nodes per op in the ops workload (default 1e4)")
    add("--repeats", type=int, help="ops: the best of this many, per round (default 3)")
    add(
        "--engines",
        type=_names(BY_NAME),
        default=[e.name for e in ENGINES],
        help=f"comma-separated, from {','.join(BY_NAME)}; the first is the baseline",
    )
    add(
        "--workloads",
        type=_names(WORKLOADS),
        default=list(WORKLOADS),
        help=f"comma-separated, from {','.join(WORKLOADS)}",
    )
    add("--seed", type=int, default=1337, help="for the moons data and weights, and the inputs")
    add(
        "--deps",
        type=Path,
        default=ROOT / "build" / "bench-deps",
        help="a folder put on the workers' path: where `make bench` installs micrograd",
    )
    add(
        "--out",
        type=Path,
        default=ROOT / "benchmarks" / "results" / "latest.json",
        help="where the JSON goes (default benchmarks/results/latest.json)",
    )
    args = parser.parse_args(argv)
    for key, (default, quick) in DEFAULTS.items():
        if getattr(args, key) is None:
            setattr(args, key, quick if args.quick else default)
    return args


def schedule(args: argparse.Namespace) -> dict[str, list[list[int]]]:
    """workload -> the sizes each round runs. Big graphs get fewer rounds: five rounds of
    a million nodes in torch would take most of the time budget."""

    def rounds_at(n: int) -> int:
        if n <= 10_000:
            return args.rounds
        return max(1, (args.rounds + 1) // 2) if n <= 100_000 else 1

    sized = [[n for n in args.sizes if r < rounds_at(n)] for r in range(args.rounds)]
    plan = {
        "moons": [[MOONS_POINTS]] * args.rounds,
        "spiral": [[SPIRAL_POINTS]] * args.rounds,
        "chain": sized,
        "products": sized,
        "memory": [[args.memory_size]] * min(args.rounds, 2),  # it hardly varies
        "ops": [[args.ops_size]] * min(args.rounds, 3),
    }
    return {workload: plan[workload] for workload in args.workloads}


def _load_average() -> list[float] | None:
    try:
        return [round(load, 2) for load in os.getloadavg()]
    except OSError:
        return None


def _git_state() -> str | None:
    """The commit measured, and whether the work tree had changes on top of it."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            text=True,
            capture_output=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            text=True,
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return commit + (" with uncommitted changes" if dirty.strip() else "")


def _size(text: str) -> int:
    return int(float(text))  # 1e5 as well as 100000


def _sizes(text: str) -> list[int]:
    return sorted(_size(part) for part in text.split(","))


def _names(allowed: Any) -> Any:
    def parse(text: str) -> list[str]:
        names = [name.strip() for name in text.split(",") if name.strip()]
        unknown = [name for name in names if name not in allowed]
        if unknown:
            raise argparse.ArgumentTypeError(f"unknown {unknown}; choose from {', '.join(allowed)}")
        return names

    return parse


if __name__ == "__main__":
    sys.exit(main())
