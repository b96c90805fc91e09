"""From runs to figures, and from figures to the tables on screen.

Each figure is the median over rounds with the lowest and highest run beside it, and its ratio
to the baseline engine's (the first in the registry): "310 (290–340) = 2.2×" means a median of
310 and 2.2 times the baseline's. The targets the project tracks come last, met or not met.

    python -m benchmarks.report benchmarks/results/latest.json    # the tables of a saved run
    python -m benchmarks.report --readme benchmarks/results/latest.json   # README.md's selection
"""

from __future__ import annotations

import json
import math
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.engines import BY_NAME, EngineSpec

SLOPE_FROM = 1000  # the slope of log(time) against log(N) is fitted over N >= this


@dataclass(frozen=True)
class Metric:
    label: str  # with {n} where the size goes
    key: str  # the number in each run's record
    scale: float = 1.0  # to the unit in the label
    per_node: bool = False  # divided by the size N

    def read(self, run: dict[str, Any], n: int) -> float | None:
        value = run.get(self.key)
        return None if value is None else value * self.scale / (n if self.per_node else 1)


METRICS: dict[str, list[Metric]] = {
    "moons": [
        Metric("moons step, ms", "seconds", 1e3),
        Metric("moons first step (compiled: + trace), ms", "first_step_seconds", 1e3),
    ],
    "spiral": [Metric("spiral step, MLP(2, [64, 64, 1]), 1000 points, ms", "seconds", 1e3)],
    "chain": [Metric("chain, ns/op, N={n}", "seconds", 1e9, per_node=True)],
    "products": [Metric("sum of products, ns/term, N={n}", "seconds", 1e9, per_node=True)],
    "memory": [
        Metric("memory, bytes/node (tracemalloc)", "tracemalloc_bytes_per_node"),
        Metric("memory, bytes/node (resident)", "rss_bytes_per_node"),
    ],
}


@dataclass(frozen=True)
class Target:
    what: str
    row: str  # the workload, or workload/metric key for a row other than the first
    against: str | None = None  # an engine: the ratio of its time to ours; None: our figure
    goal: float = 1.0
    at_least: bool = True  # met at or above the goal; False: at or below it
    slower: bool = False  # the ratio the other way: times slower than `against`
    size: int | None = None  # for chain and products: the row of this N (None: the slope)


def _per_op(op: str, goal: float = 1.5) -> Target:
    """An op of the ops workload, forward plus backward, against micrograd's."""
    return Target(
        f"ops: {op}, forward and backward, times faster than micrograd",
        f"ops/{op}",
        "micrograd",
        goal,
    )


TARGETS: dict[str, list[Target]] = {  # by engine, checked for each of our engines
    "chainrule": [
        Target("moons step, times faster than micrograd", "moons", "micrograd", 10.0),
        Target("moons step, times faster than torch scalar", "moons", "torch", 5.0),
        Target("chain: slope of log time against log N", "chain", goal=1.1, at_least=False),
        Target(
            "sum of products: slope of log time against log N", "products", goal=1.1, at_least=False
        ),
        Target("memory: bytes/node (tracemalloc, chain)", "memory", goal=300.0, at_least=False),
        *(_per_op(op) for op in ("+", "*", "relu", "tanh", "**")),
        Target(  # micrograd as shipped stops at N=1e3; raised, its recursion limit reaches 1e5
            "chain of 1e5 ops, times faster than micrograd, deep",
            "chain",
            "micrograd_deep",
            2.5,
            size=100_000,
        ),
    ],
    "compiled": [
        Target(
            "moons step, times slower than hand-written floats",
            "moons",
            "floats",
            5.0,
            at_least=False,
            slower=True,
        ),
    ],
    "numpy": [
        Target("moons step, times faster than torch batched tensors", "moons", "torch_batched"),
        Target("moons step, times faster than hand-written floats", "moons", "floats", 3.0),
        Target(
            "moons first step (trace and preparation), ms",
            "moons/first_step_seconds",
            goal=2000.0,
            at_least=False,
        ),
        Target("spiral step, times faster than chainrule eager", "spiral", "chainrule", 50.0),
    ],
}


def figure(values: list[float]) -> dict[str, float]:
    return {
        "median": statistics.median(values),
        "low": min(values),
        "high": max(values),
        "runs": len(values),
    }


def summarize(results: dict[str, Any], engines: list[EngineSpec]) -> dict[str, Any]:
    """Medians, spreads, ratios and slopes of every row; the per-op figures; the targets."""
    rows = []
    for workload, metrics in METRICS.items():
        for size_key, cells in results.get(workload, {}).items():
            n = int(size_key)
            for metric in metrics:
                rows.append(_row(workload, n, metric, cells, engines))
    summary = {"rows": rows, "slopes": _slopes(rows, engines), "ops": _ops(results, engines)}
    summary["targets"] = _targets(summary, engines)
    return summary


def _row(
    workload: str, n: int, metric: Metric, cells: dict[str, Any], engines: list[EngineSpec]
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "label": metric.label.format(n=_size(n)),
        "workload": workload,
        "metric": metric.key,
        "size": n,
        "cells": {},
    }
    for engine in engines:
        cell = cells[engine.name]
        values = [v for run in cell["runs"] if (v := metric.read(run, n)) is not None]
        failure = {"failure": cell["failure"] or "n/a"}
        row["cells"][engine.name] = figure(values) if values else failure
    baseline = row["cells"][engines[0].name].get("median")
    for fig in row["cells"].values():
        if "median" in fig:
            fig["ratio"] = fig["median"] / baseline if baseline else None
    return row


def _slopes(rows: list[dict[str, Any]], engines: list[EngineSpec]) -> dict[str, Any]:
    """For chain and products: the least-squares slope of log(total time) against log(N)."""
    slopes: dict[str, Any] = {}
    for workload in ("chain", "products"):
        points = [row for row in rows if row["workload"] == workload and row["size"] >= SLOPE_FROM]
        slopes[workload] = {}
        for engine in engines:
            xy = [
                (math.log(row["size"]), math.log(cell["median"] * row["size"]))
                for row in points
                if "median" in (cell := row["cells"][engine.name])
            ]
            slopes[workload][engine.name] = _fit(xy) if len(xy) >= 2 else None
    return slopes


def _fit(xy: list[tuple[float, float]]) -> float:
    mean_x = statistics.fmean(x for x, _ in xy)
    mean_y = statistics.fmean(y for _, y in xy)
    return sum((x - mean_x) * (y - mean_y) for x, y in xy) / sum((x - mean_x) ** 2 for x, _ in xy)


def _ops(results: dict[str, Any], engines: list[EngineSpec]) -> dict[str, Any]:
    """op -> engine -> forward and backward figures in ns (or why there are none)."""
    table: dict[str, Any] = {}
    for cells in results.get("ops", {}).values():
        for engine in engines:
            runs = cells[engine.name]["runs"]
            for name in runs[0]["ops"] if runs else ():  # in the engine's own order
                per_run = [run["ops"][name] for run in runs]
                if "error" in per_run[0]:
                    entry = {"failure": per_run[0]["error"]}
                else:
                    entry = {
                        key: figure([e[key] for e in per_run])
                        for key in ("forward_ns", "backward_ns")
                    }
                table.setdefault(name, {})[engine.name] = entry
    return table


def _targets(summary: dict[str, Any], engines: list[EngineSpec]) -> list[dict[str, Any]]:
    targets = []
    for engine in (engine for engine in engines if engine.ours):
        for target in TARGETS.get(engine.name, []):
            value = _target_value(summary, engine.name, target)
            if target.at_least:
                met = None if value is None else value >= target.goal
            else:
                met = None if value is None else value <= target.goal
            targets.append(
                {
                    "engine": engine.name,
                    "what": target.what,
                    "value": value,
                    "goal": f"≥ {target.goal:g}×" if target.at_least else f"≤ {target.goal:g}",
                    "met": met,
                }
            )
    return targets


def _target_value(summary: dict[str, Any], engine: str, target: Target) -> float | None:
    workload, _, metric = target.row.partition("/")
    if workload == "ops":
        return _op_ratio(summary["ops"].get(metric, {}), engine, target.against)
    if workload in ("chain", "products") and target.size is None:
        return summary["slopes"][workload].get(engine)
    row = _find_row(summary, workload, metric or None, target.size)
    if row is None:
        return None
    ours = row["cells"][engine].get("median")
    if ours is None:
        return None
    if target.against is None:
        return ours
    theirs = row["cells"].get(target.against, {}).get("median")
    if theirs is None:
        return None
    return ours / theirs if target.slower else theirs / ours


def _find_row(
    summary: dict[str, Any], workload: str, metric: str | None, size: int | None
) -> dict[str, Any] | None:
    """The first row of `workload` (with that metric, at that size, where given)."""
    for row in summary["rows"]:
        if row["workload"] != workload or metric not in (None, row["metric"]):
            continue
        if size is None or row["size"] == size:
            return row
    return None


def _op_ratio(entry: dict[str, Any], engine: str, against: str | None) -> float | None:
    """Their forward + backward time of one op over ours (medians), or None if either lacks it."""

    def total(name: str | None) -> float | None:
        cell = entry.get(name or "")
        if cell is None or "failure" in cell:
            return None
        return cell["forward_ns"]["median"] + cell["backward_ns"]["median"]

    ours, theirs = total(engine), total(against)
    return None if ours is None or theirs is None or ours <= 0 else theirs / ours


# --- the tables ---------------------------------------------------------------------------


def render(summary: dict[str, Any], engines: list[EngineSpec], heading: str = "") -> str:
    baseline = engines[0].title
    parts = [heading] if heading else []
    parts.append(f"Median over rounds (lowest–highest); N× is the time or size over {baseline}'s.")
    body = []
    for row in summary["rows"]:
        cells = [_cell(row["cells"][e.name], is_baseline=e is engines[0]) for e in engines]
        body.append([row["label"], *cells])
        if row["workload"] in ("chain", "products") and row is _last_of(summary["rows"], row):
            slopes = summary["slopes"][row["workload"]]
            body.append(
                [
                    f"  slope of log time vs log N (N ≥ {_size(SLOPE_FROM)})",
                    *(_num(slopes[e.name]) if slopes[e.name] else "n/a" for e in engines),
                ]
            )
    parts.append(_grid(["workload", *(e.title for e in engines)], body))
    if summary["ops"]:
        parts.append(_ops_table(summary["ops"], engines))
    parts.append(_targets_table(summary["targets"]))
    return "\n\n".join(parts)


# The README's selection: the rows a reader compares engines on, one line per engine.
README_ROWS = [
    ("moons step, ms", "moons", "seconds", None),
    ("first step, ms", "moons", "first_step_seconds", None),
    ("spiral step, ms", "spiral", "seconds", None),
    ("chain, ns/op, N=1e5", "chain", "seconds", 100_000),
    ("bytes/node", "memory", "tracemalloc_bytes_per_node", None),
]


def render_readme(summary: dict[str, Any], engines: list[EngineSpec]) -> str:
    """The README's two tables: a few workloads by engine (medians, and N× over chainrule
    eager's), then the targets."""
    rows = [_find_row(summary, *where) for _, *where in README_ROWS]
    body = []
    for engine in engines:
        cells = []
        for row in rows:
            cell = {} if row is None else row["cells"][engine.name]
            if "median" not in cell:  # "skipped (RecursionError at N=1000)" -> RecursionError
                failure = cell.get("failure", "n/a").removeprefix("skipped (").split(" ")[0]
                cells.append(failure.split(":")[0])
                continue
            text = _num(cell["median"])
            if engine is not engines[0] and cell.get("ratio"):
                text += f" = {_ratio(cell['ratio'])}"
            cells.append(text)
        body.append([engine.title, *cells])
    header = ["engine", *(label for label, *_ in README_ROWS)]
    return _grid(header, body) + "\n\n" + _targets_table(summary["targets"])


def render_readme_file(path: str | Path) -> str:
    """The README's tables of a run saved by benchmarks.run."""
    saved, engines = _load(path)
    return render_readme(summarize(saved["results"], engines), engines)


def _ops_table(ops: dict[str, Any], engines: list[EngineSpec]) -> str:
    have = [e for e in engines if any(e.name in entry for entry in ops.values())]
    header = ["op, ns"]
    for engine in have:
        header += [f"{engine.title} forward", f"{engine.title} backward/node"]
    body = []
    for name, entry in ops.items():
        line = [name]
        for engine in have:
            cell = entry.get(engine.name, {"failure": "—"})
            if "failure" in cell:
                line += [cell["failure"], ""]
            else:
                line += [_cell(cell["forward_ns"], True), _cell(cell["backward_ns"], True)]
        body.append(line)
    return "Each op alone (forward net of the loop; backward per node of that op)\n" + _grid(
        header, body
    )


def _targets_table(targets: list[dict[str, Any]]) -> str:
    body = []
    for target in targets:
        value = target["value"]
        if value is None:
            value = "not measured"
        else:  # times faster, or a slope, or bytes
            value = f"{value:.3g}×" if target["goal"].startswith("≥") else _num(value)
        met = {True: "met", False: "NOT MET", None: "—"}[target["met"]]
        title = BY_NAME[target["engine"]].title if target["engine"] in BY_NAME else target["engine"]
        body.append([f"{title}: {target['what']}", value, target["goal"], met])
    return "Targets\n" + _grid(["target", "measured", "goal", ""], body)


def _cell(cell: dict[str, Any], is_baseline: bool) -> str:
    if "failure" in cell:
        return cell["failure"].split(":")[0]  # the gist; the JSON has the whole message
    text = _num(cell["median"])
    if cell["runs"] > 1:
        text += f" ({_num(cell['low'])}–{_num(cell['high'])})"
    if not is_baseline and cell.get("ratio"):
        text += f" = {_ratio(cell['ratio'])}"
    return text


def _grid(header: list[str], body: list[list[str]]) -> str:
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
    lines = [
        " | ".join(text.ljust(width) for text, width in zip(line, widths)).rstrip()
        for line in [header, *body]
    ]
    lines.insert(1, "-+-".join("-" * width for width in widths))
    return "\n".join(lines)


def _last_of(rows: list[dict[str, Any]], row: dict[str, Any]) -> dict[str, Any]:
    return [r for r in rows if r["workload"] == row["workload"]][-1]


def _num(x: float) -> str:
    if abs(x) >= 100:
        return f"{x:.0f}"
    return f"{x:.1f}" if abs(x) >= 10 else f"{x:.2f}" if abs(x) >= 0.1 else f"{x:.2g}"


def _ratio(r: float) -> str:
    return f"{r:.0f}×" if r >= 10 else f"{r:.1f}×" if r >= 1 else f"{r:.2g}×"


def _size(n: int) -> str:
    exponent = round(math.log10(n)) if n > 0 else 0
    return f"1e{exponent}" if n >= 1000 and n == 10**exponent else str(n)


def render_file(path: str | Path) -> str:
    """The tables of a run saved by benchmarks.run, as it printed them."""
    saved, engines = _load(path)
    return render(summarize(saved["results"], engines), engines)


def _load(path: str | Path) -> tuple[dict[str, Any], list[EngineSpec]]:
    with open(path) as file:
        saved = json.load(file)
    return saved, [BY_NAME[name] for name in saved["meta"]["engines"]]


def main(argv: list[str]) -> int:
    if argv[:1] == ["--readme"]:  # the tables of README.md's Speed section
        print(render_readme_file(argv[1]))
    else:
        print(render_file(argv[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
