"""Tests of the drawings: draw_dot's DOT text and the pictures `dot` makes of it, and draw_text."""

import os
import re
import shutil
import subprocess
import sys
import traceback
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, draw_dot, draw_text, topological_order
from autograd.drawing import GraphvizNotFoundError

pytest.importorskip("graphviz")  # the Python package; `dot` itself is needed only to render
ROOT = Path(__file__).resolve().parents[1]
needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None, reason="Graphviz's dot is not installed"
)


def lecture_graph() -> Value:
    """The example of micrograd's lecture, after backward."""
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = Value(10.0, label="c")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    f = Value(-2.0, label="f")
    L = d * f
    L.label = "L"
    L.backward()
    return L


# --- reading the DOT text back --------------------------------------------------------------

BOX = re.compile(r"^\t(v\d+) \[label=<(.*)>\]$", re.MULTILINE)
OP = re.compile(r"^\t(op\d+) \[label=<(.*?)> ", re.MULTILINE)
EDGE = re.compile(r'^\t(\w+) -> (\w+)(?: \[x?label="?([^"\]]*)"?\])?$', re.MULTILINE)


def boxes(source: str) -> dict[str, list[str]]:
    """Each value box's cells, [label, data, grad], by node name."""
    return {name: re.findall(r"<TD>(.*?)</TD>", label) for name, label in BOX.findall(source)}


def ops(source: str) -> dict[str, str]:
    return dict(OP.findall(source))


def edges(source: str) -> list[tuple[str, str, str]]:
    return EDGE.findall(source)


def edges_into(source: str) -> dict[str, list[tuple[str, str]]]:
    """For each result's label: (operand label, edge label) of each edge into its op, in order."""
    label = {name: cells[0] for name, cells in boxes(source).items()}
    into: dict[str, list[tuple[str, str]]] = {}
    for tail, head, number in edges(source):
        if head.startswith("op"):
            result = label["v" + head.removeprefix("op")]
            into.setdefault(result, []).append((label[tail], number))
    return into


# --- reading a picture back -----------------------------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"


def svg_node_texts(svg: bytes) -> list[list[str]]:
    """The lines of text drawn in each node of an SVG picture; `dot` writes runs of spaces as
    no-break spaces, turned back here."""
    root = ET.fromstring(svg)  # also checks that the SVG is well-formed XML
    return [
        [(text.text or "").replace("\xa0", " ") for text in group.iter(SVG + "text")]
        for group in root.iter(SVG + "g")
        if group.get("class") == "node"
    ]


# --- the DOT text ---------------------------------------------------------------------------


def test_lecture_example_shows_data_grads_and_local_derivatives():
    source = draw_dot(lecture_graph()).source
    cells = {cells[0]: cells[1:] for cells in boxes(source).values()}
    assert cells == {
        "a": ["data 2.0000", "grad 6.0000"],
        "b": ["data -3.0000", "grad -4.0000"],
        "c": ["data 10.0000", "grad -2.0000"],
        "e": ["data -6.0000", "grad -2.0000"],
        "d": ["data 4.0000", "grad -2.0000"],
        "f": ["data -2.0000", "grad 4.0000"],
        "L": ["data -8.0000", "grad 1.0000"],
    }
    assert edges_into(source) == {
        "e": [("a", "-3"), ("b", "2")],  # d(a*b)/da = b, d(a*b)/db = a
        "d": [("e", "1"), ("c", "1")],
        "L": [("d", "-2"), ("f", "4")],
    }


def test_edge_from_each_operand_reads_its_local_derivative():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    d = a * b
    d.label = "d"
    assert edges_into(draw_dot(d).source) == {"d": [("a", "-3"), ("b", "2")]}


def test_x_times_x_draws_both_edges():
    a = Value(3.0, label="a")
    y = a * a
    y.label = "y"
    source = draw_dot(y).source
    assert edges_into(source) == {"y": [("a", "3"), ("a", "3")]}
    (a_node,) = [name for name, cells in boxes(source).items() if cells[0] == "a"]
    assert sum(tail == a_node for tail, _, _ in edges(source)) == 2  # parallel edges, both kept


def test_each_op_is_a_node_of_its_own_and_leaves_have_none():
    x = Value(3.0, label="x")
    y = (x**2).leaky_relu(0.01).tanh() + (-x).leaky_relu(0.25)
    source = draw_dot(y).source
    order = topological_order(y)
    assert len(ops(source)) == sum(1 for node in order if node._op)
    assert sorted(ops(source).values()) == sorted(
        ["**2", "leaky_relu(0.01)", "tanh", "neg", "leaky_relu(0.25)", "+"]
    )
    for i, node in enumerate(order):
        assert (f"op{i}" in ops(source)) == bool(node._op)
        if node._op:
            assert (f"op{i}", f"v{i}", "") in edges(source)  # the op points at its result
    labels = [number for _, head, number in edges(source) if head.startswith("op")]
    assert "6" in labels  # d(x**2)/dx at 3
    assert "0.25" in labels  # leaky_relu's slope below 0


def test_empty_label_leaves_the_cell_blank_and_huge_numbers_stay_short():
    (cells,) = boxes(draw_dot(Value(1e300)).source).values()
    assert cells == ["", "data 1.0000e+300", "grad 0.0000"]


@pytest.mark.parametrize("rankdir", ["TB", "LR", "BT", "RL"])
def test_rankdir_is_passed_to_graphviz(rankdir):
    assert f"rankdir={rankdir}" in draw_dot(Value(1.0), rankdir=rankdir).source


@pytest.mark.parametrize("rankdir", ["lr", "XY", "", None, 3])
def test_unknown_rankdir_is_a_value_error(rankdir):
    with pytest.raises(ValueError, match="rankdir must be one of 'TB', 'LR', 'BT', 'RL'"):
        draw_dot(Value(1.0), rankdir=rankdir)


@pytest.mark.parametrize("draw", [draw_dot, draw_text])
@pytest.mark.parametrize("root", [2.0, [Value(1.0)], None])
def test_root_must_be_a_value(draw, root):
    with pytest.raises(TypeError, match=r"takes a Value.*got"):
        draw(root)


DETERMINISM_GRAPH = """
from autograd import Value, draw_dot
a, b = Value(2.0, label="a"), Value(-3.0, label="b")
c = (a * b + a * a).tanh() + b**2 - 1 / a + (a - b).leaky_relu()
c.label = "out"
c.backward()
source = draw_dot(c).source
"""


def test_source_is_byte_identical_across_builds_and_processes():
    def build() -> str:
        namespace: dict = {}
        exec(DETERMINISM_GRAPH, namespace)
        return namespace["source"]

    here = build()
    assert build() == here
    for seed in ("0", "1", "4242"):  # different hashes, different ids: the same text
        env = {**os.environ, "PYTHONHASHSEED": seed}
        script = DETERMINISM_GRAPH + "import sys; sys.stdout.write(source)"
        there = subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, check=True
        )
        assert there.stdout.decode() == here


def test_deep_graph_draws_without_recursion():
    x = Value(0.5)
    for _ in range(3 * sys.getrecursionlimit()):
        x = x * 1.0
    assert len(boxes(draw_dot(x).source)) == len(topological_order(x))
    assert len(draw_text(x).splitlines()) == len(topological_order(x))


# --- the pictures ---------------------------------------------------------------------------


@needs_dot
def test_renders_svg_png_jupyter_and_files(tmp_path):
    drawing = draw_dot(lecture_graph())
    svg = drawing.pipe(format="svg")
    assert svg.startswith(b"<?xml")
    assert b"<svg" in svg
    texts = {line for node in svg_node_texts(svg) for line in node}
    assert {"L", "data -8.0000", "grad 1.0000", "f", "grad 4.0000", "*", "+"} <= texts
    assert drawing.pipe(format="png").startswith(b"\x89PNG")
    bundle = drawing._repr_mimebundle_()  # what Jupyter calls to show it inline
    assert "<svg" in bundle["image/svg+xml"]
    path = Path(drawing.render(directory=tmp_path, filename="lecture"))
    assert path.suffix == ".svg"
    assert path.read_bytes().startswith(b"<?xml")


@needs_dot
def test_two_thousand_node_graph_renders():
    x = Value(0.5, label="x")
    while len(topological_order(x)) < 2000:
        x = (x * 0.9 + 0.1).tanh()
    order = topological_order(x)
    svg = draw_dot(x).pipe(format="svg")
    assert len(svg_node_texts(svg)) == len(order) + sum(1 for node in order if node._op)


# Characters that DOT, HTML-like labels or XML treat specially, and some that XML forbids.
TRICKY = ['"', "<", ">", "{", "}", "|", "\\", "&", ";", "\n", "\t", "\r", "\x00", "\x01", "\x7f"]
TRICKY += ["\x85", "\ud800", "\ufffe", "\u2028", "\xa0", "\u200b", "é", "漢", "🙂", " ", "  "]
TRICKY += ["&amp;", "&#45;", "<BR/>", "]]>", "\\N", "\\G", "\\l", "\\n", "\\\\", "<<TABLE>>"]
labels = st.lists(st.one_of(st.characters(), st.sampled_from(TRICKY)), max_size=20).map("".join)


@needs_dot
@settings(max_examples=25, deadline=None)
@given(labels)
def test_any_label_renders_and_shows_its_text(label):
    svg = draw_dot(Value(1.5, label=label)).pipe(format="svg")  # dot rejects bad syntax
    ((*label_lines, data, grad),) = svg_node_texts(svg)
    assert (data, grad) == ("data 1.5000", "grad 0.0000")
    # Every visible character of the label is drawn, in order (hidden ones are spelled out).
    drawn = iter("".join(label_lines))
    assert all(ch in drawn for ch in label if ch.isprintable() and not ch.isspace())


@needs_dot
def test_hidden_characters_are_spelled_out_and_newlines_break_lines():
    label = 'a\tb\x00"<&>{|}\\N\\\nsecond line'
    ((*label_lines, _, _),) = svg_node_texts(draw_dot(Value(0.0, label=label)).pipe(format="svg"))
    assert label_lines == ['a\\tb\\x00"<&>{|}\\N\\', "second line"]


def test_without_dot_rendering_fails_with_one_line_saying_how_to_install(monkeypatch, tmp_path):
    drawing = draw_dot(lecture_graph())
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert "grad 4.0000" in drawing.source  # building the text needs no dot
    attempts = [
        lambda: drawing.pipe(format="svg"),
        lambda: drawing.render(directory=tmp_path),
        lambda: drawing._repr_mimebundle_(),  # Jupyter's display
    ]
    for attempt in attempts:
        with pytest.raises(GraphvizNotFoundError) as caught:
            attempt()
        error = caught.value
        assert isinstance(error, RuntimeError)
        message = str(error)
        assert "\n" not in message
        assert "apt-get install graphviz" in message
        assert "brew install graphviz" in message
        assert "https://graphviz.org/download/" in message
        report = "".join(traceback.format_exception(error))
        assert "During handling" not in report  # chained `from None`
        assert "ExecutableNotFound" not in report


def test_import_autograd_and_draw_text_need_no_graphviz():
    script = """
import sys
sys.modules["graphviz"] = None  # as if it were not installed
import autograd
from autograd import Value, draw_dot, draw_text
print(draw_text(Value(2.0, label="a") * 3))
try:
    draw_dot(Value(1.0))
except ImportError as error:
    print(error)
"""
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert re.search(r"^#\d+ += a \* #\d+ +data +6.0000", run.stdout, re.MULTILINE)
    assert "pip install graphviz" in run.stdout


# --- draw_text ------------------------------------------------------------------------------


def test_draw_text_of_the_lecture_example():
    text = draw_text(lecture_graph())
    lines = [" ".join(line.split()) for line in text.splitlines()]  # ignore the alignment
    assert sorted(lines) == sorted(
        [
            "a = leaf data 2.0000 grad 6.0000",
            "b = leaf data -3.0000 grad -4.0000",
            "c = leaf data 10.0000 grad -2.0000",
            "e = a * b data -6.0000 grad -2.0000 local [a: -3, b: 2]",
            "d = e + c data 4.0000 grad -2.0000 local [e: 1, c: 1]",
            "f = leaf data -2.0000 grad 4.0000",
            "L = d * f data -8.0000 grad 1.0000 local [d: -2, f: 4]",
        ]
    )
    names = [line.split()[0] for line in lines]
    assert names[-1] == "L"
    assert names.index("e") > max(names.index("a"), names.index("b"))  # operands first
    assert names.index("d") > max(names.index("e"), names.index("c"))
    assert len({line.index(" data ") for line in text.splitlines()}) == 1  # columns line up


def test_draw_text_names_nodes_without_a_label_or_sharing_one_by_position():
    x = Value(3.0, label="x")
    w1, w2 = Value(0.5, label="w"), Value(-1.0, label="w")
    square, product = x**2, x * x
    relu = (square + product).leaky_relu(0.01)
    weighted = w1 * w2
    y = relu + weighted
    y.label = "y\nout"  # a newline in a label must not break the one-line-per-node layout
    y.backward()
    order = topological_order(y)
    name = {node: f"#{i}" for i, node in enumerate(order)}
    lines = [" ".join(line.split()) for line in draw_text(y).splitlines()]
    assert len(lines) == len(order)
    for line in [
        "x = leaf data 3.0000 grad 12.0000",
        f"w{name[w1]} = leaf data 0.5000 grad -1.0000",  # two nodes labelled w: told apart
        f"{name[square]} = x ** 2 data 9.0000 grad 1.0000 local [x: 6]",
        f"{name[product]} = x * x data 9.0000 grad 1.0000 local [x: 3, x: 3]",
        f"{name[relu]} = leaky_relu({name[relu._prev[0]]}, 0.01) data 18.0000 grad 1.0000"
        f" local [{name[relu._prev[0]]}: 1]",
        f"{name[weighted]} = w{name[w1]} * w{name[w2]} data -0.5000 grad 1.0000"
        f" local [w{name[w1]}: -1, w{name[w2]}: 0.5]",
    ]:
        assert line in lines
    assert lines[-1] == (
        f"y\\nout = {name[relu]} + {name[weighted]} data 17.5000 grad 1.0000"
        f" local [{name[relu]}: 1, {name[weighted]}: 1]"
    )
