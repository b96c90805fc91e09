"""The benchmark's report: the targets it computes from a run, on figures chosen by hand.

The README's tables are checked against the committed run in test_readme.py; these check that
the numbers in them are the right ratios of the figures, and not only consistent."""

from benchmarks import report
from benchmarks.engines import BY_NAME


def _cell(median):
    return {"median": median, "low": median, "high": median, "runs": 1}


def _summary():
    chain = [
        {
            "label": f"chain, ns/op, N={n}",
            "workload": "chain",
            "metric": "seconds",
            "size": n,
            "cells": {"chainrule": _cell(ours), "micrograd_deep": _cell(theirs)},
        }
        for n, ours, theirs in [(1000, 1.0, 2.0), (100_000, 2000.0, 7000.0)]
    ]
    ops = {
        "+": {
            "chainrule": {"forward_ns": _cell(500.0), "backward_ns": _cell(700.0)},
            "micrograd": {"forward_ns": _cell(3000.0), "backward_ns": _cell(600.0)},
        },
        "tanh": {"chainrule": {"forward_ns": _cell(500.0), "backward_ns": _cell(700.0)}},
    }
    return {"rows": chain, "slopes": {"chain": {"chainrule": 1.02}}, "ops": ops}


def _target(what):
    return next(t for t in report.TARGETS["chainrule"] if t.what.startswith(what))


def test_a_per_op_target_is_their_forward_and_backward_over_ours():
    value = report._target_value(_summary(), "chainrule", _target("ops: +,"))
    assert value == (3000.0 + 600.0) / (500.0 + 700.0)  # 3.0
    # An op the other engine lacks is not measured, never met by default.
    assert report._target_value(_summary(), "chainrule", _target("ops: tanh")) is None


def test_a_target_at_one_size_reads_that_row_and_the_slope_target_the_slope():
    value = report._target_value(_summary(), "chainrule", _target("chain of 1e5"))
    assert value == 7000.0 / 2000.0  # the N=1e5 row, not the first chain row (2.0)
    assert report._target_value(_summary(), "chainrule", _target("chain: slope")) == 1.02


def test_the_readme_table_gives_a_failure_its_gist():
    summary = _summary()
    summary["rows"][1]["cells"]["micrograd_deep"] = {
        "failure": "skipped (RecursionError at N=1000)"
    }
    summary["targets"] = []
    engines = [BY_NAME["chainrule"], BY_NAME["micrograd_deep"]]
    table = report.render_readme(summary, engines).split("\n\n")[0].splitlines()
    deep = next(line for line in table if line.startswith("micrograd, deep"))
    assert deep.split("|")[4].strip() == "RecursionError"  # the chain, N=1e5 column
    ours = next(line for line in table if line.startswith("chainrule eager"))
    assert ours.split("|")[4].strip() == "2000"
