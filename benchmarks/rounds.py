"""Running the rounds of one workload: which engine runs which sizes when, and what came back.

Runs take turns, chainrule micrograd torch floats chainrule micrograd ..., so that a busy
spell on a shared machine falls on every engine alike. An engine that fails at a size (a
RecursionError, a timeout) is not run again there nor at any larger size. After every run
the engines must agree with the first one that ran: the same moons losses step after step,
the same outputs and gradients on every graph, to 1e-9 relative; otherwise Mismatch.
"""

from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.engines import EngineSpec
from benchmarks.processes import run_worker

TOLERANCE = 1e-9  # relative: every engine computes the same numbers, up to rounding
STARTUP_TIMEOUT = 120.0  # seconds for a worker to import its engine (torch is slow to import)
CHECKED = {"moons": "losses", "spiral": "losses", "chain": "check", "products": "check"}
SLOW = {"spiral": 4.0}  # times the timeout a measurement may take: eager takes seconds a step


@dataclass
class Cell:
    """What one engine gave for one workload at one size, over the rounds."""

    runs: list[dict[str, Any]] = field(default_factory=list)
    failure: str | None = None  # why it stopped: a RecursionError, a timeout, not installed...


Cells = dict[int, dict[str, Cell]]  # size -> engine -> cell


class Mismatch(Exception):
    """Two engines computed different numbers for the same problem."""


@dataclass(frozen=True)
class Settings:
    options: list[str]  # passed on to every worker: --seed, --steps...
    timeout: float  # seconds one measurement may take
    deps: Path | None  # put on the workers' path


def run_workload(
    workload: str,
    rounds: list[list[int]],
    engines: list[EngineSpec],
    settings: Settings,
    versions: dict[str, str],
) -> Cells:
    """`rounds[r]` lists the sizes round r runs. Logs a line per run on stderr."""
    cells: Cells = {n: {e.name: Cell() for e in engines} for n in sorted(set(sum(rounds, [])))}
    for r, sizes in enumerate(rounds):
        for engine in engines:
            todo = [n for n in sizes if cells[n][engine.name].failure is None]
            if not todo:
                continue
            start = time.perf_counter()
            outcome = run_engine(engine, workload, todo, cells, settings, versions)
            check_agreement(workload, cells, engines)
            seconds = time.perf_counter() - start
            print(
                f"{workload:<8} round {r + 1}/{len(rounds)}  {engine.title:<16} {outcome}"
                f"  ({seconds:.1f} s)",
                file=sys.stderr,
                flush=True,
            )
    return cells


def run_engine(
    engine: EngineSpec,
    workload: str,
    sizes: list[int],
    cells: Cells,
    settings: Settings,
    versions: dict[str, str],
) -> str:
    """One worker process: its records go into `cells`. Returns a few words for the log."""
    args = [engine.name, workload, "--sizes", ",".join(map(str, sizes)), *settings.options]
    done: list[str] = []
    pending = list(sizes)
    timeout = settings.timeout * SLOW.get(workload, 1.0)
    for record in run_worker(args, timeout, STARTUP_TIMEOUT, settings.deps):
        if "ready" in record:
            versions[engine.name] = record["version"]
            continue
        if "unsupported" in record:
            _fail(cells, engine.name, sizes[0], "n/a")
            return "n/a"
        failure = _failure(record, timeout, started=engine.name in versions)
        if failure and not pending:  # after its last record: nothing measured is lost
            return ", ".join([*done, f"then {short(failure)}"])
        if failure:
            _fail(cells, engine.name, pending[0], failure)
            return ", ".join([*done, f"N={pending[0]} {short(failure)}"])
        n = pending.pop(0)
        cells[n][engine.name].runs.append(record)
        done.append(f"N={n} ok" if workload in ("chain", "products") else "ok")
    return ", ".join(done) or "no output"


def check_agreement(workload: str, cells: Cells, engines: list[EngineSpec]) -> None:
    """Every run must give the numbers of the first engine that ran: raise Mismatch if not."""
    key = CHECKED.get(workload)
    if key is None:
        return
    for n, row in cells.items():
        ran = [engine.name for engine in engines if row[engine.name].runs]
        if not ran:
            continue
        expected = row[ran[0]].runs[0][key]
        for name in ran:
            for run in row[name].runs:
                if not all(
                    math.isclose(got, want, rel_tol=TOLERANCE, abs_tol=1e-300)
                    for got, want in zip(run[key], expected, strict=True)
                ):
                    stepped = workload in ("moons", "spiral")
                    what = "losses step by step" if stepped else "output and gradients"
                    where = workload if stepped else f"{workload}, N={n}"
                    raise Mismatch(
                        f"{where}: {name} gives {what} {run[key]} where "
                        f"{ran[0]} gives {expected} (relative tolerance {TOLERANCE:g})"
                    )


def short(reason: str) -> str:
    """The gist of a failure: "RecursionError: maximum recursion..." -> RecursionError."""
    return reason.split(":")[0]


def _failure(record: dict[str, Any], timeout: float, started: bool) -> str | None:
    if "timeout" in record:
        return f"timeout > {timeout:g} s" if started else "did not start in time"
    return record.get("error")


def _fail(cells: Cells, engine: str, size: int, reason: str) -> None:
    """Mark `size` and every larger one as failed for this engine; none will run again."""
    for n, row in cells.items():
        if n >= size and row[engine].failure is None:
            row[engine].failure = reason if n == size else f"skipped ({short(reason)} at N={size})"
