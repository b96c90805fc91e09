"""Tests of the drawings: draw_dot's DOT text and the pictures `dot` makes of it, and draw_text."""

import os
import re
import shutil
import subprocess
import sys
import time
import traceback
import xml.etree.ElementTree as ET
from pathlib import Path

import micrograd_examples
import pytest
from strategies import given, settings, st

import autograd
import nn
from autograd import Value, backward_steps, draw_dot, draw_text, topological_order
from autograd.drawing import GraphvizNotFoundError

pytest.importorskip("graphviz")  # the Python package; `dot` itself is needed only to render
ROOT = Path(__file__).resolve().parents[1]
needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None, reason="Graphviz's dot is not installed"
)


def lecture_graph() -> Value:
    """The example of micrograd's lecture, after backward."""
    L = micrograd_examples.lecture_graph()
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
        if "node" in group.get("class", "").split()  # `node final` at a step
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


def test_an_unlabelled_node_is_named_as_draw_text_names_it_and_huge_numbers_stay_short():
    # (it was a blank cell: issue 10 asks for the name draw_text and the steps give it)
    (cells,) = boxes(draw_dot(Value(1e300)).source).values()
    assert cells == ["#0", "data 1.0000e+300", "grad 0.0000"]


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
    # past max_nodes only on request (issue 10: a graph that big is refused by default)
    assert len(boxes(draw_dot(x, max_nodes=None).source)) == len(topological_order(x))
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
    svg = draw_dot(x, max_nodes=None).pipe(format="svg")  # past the default limit: on request
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


# --- drawing a step of the backward pass ----------------------------------------------------

STATEMENT = re.compile(r"^\t(\w+)(?: -> (\w+))?(?: \[(.*)\])?$", re.MULTILINE)
ATTRIBUTE = re.compile(r'(\w+)=(<.*?>(?= \w+=|$)|"[^"]*"|\S+)')


def statements(source: str) -> tuple[dict[str, dict[str, str]], list[tuple[str, str, dict]]]:
    """The nodes (name: attributes) and edges (tail, head, attributes) of DOT text."""
    nodes, edge_list = {}, []
    for tail, head, body in STATEMENT.findall(source):
        attributes = {key: value.strip('"') for key, value in ATTRIBUTE.findall(body)}
        if head:
            edge_list.append((tail, head, attributes))
        elif tail not in ("graph", "node", "edge"):
            nodes[tail] = attributes
    return nodes, edge_list


def cells_of(attributes: dict[str, str]) -> list[str]:
    return re.findall(r"<TD[^>]*>(.*?)</TD>", attributes["label"])  # a frame fixes widths


def lecture_steps() -> tuple[dict[str, Value], list]:
    """The lecture's graph, unlabelled nodes none, and every step of its backward pass."""
    L = lecture_graph()
    for node in topological_order(L):
        node.grad = 0.0  # lecture_graph ran backward; start again
    by_label = {node.label: node for node in topological_order(L)}
    return by_label, list(backward_steps(L))


def by_cell_label(source: str) -> dict[str, dict[str, str]]:
    """The value boxes' attributes, by the label in their first cell."""
    nodes, _ = statements(source)
    return {cells_of(a)[0]: a for name, a in nodes.items() if name.startswith("v")}


def test_step_drawing_marks_final_current_partial_and_unreached_nodes():
    v, steps = lecture_steps()
    source = draw_dot(v["L"], step=steps[2]).source  # d passes its grad to e and c
    boxes_ = by_cell_label(source)
    assert {label: a["class"] for label, a in boxes_.items()} == {
        "L": "final",
        "f": "final",
        "d": "current",
        "e": "partial",
        "c": "partial",
        "a": "unreached",
        "b": "unreached",
    }
    assert {label: cells_of(a)[2] for label, a in boxes_.items()} == {
        "L": "grad 1.0000",
        "f": "grad 4.0000",
        "d": "grad -2.0000",
        "e": "grad so far -2.0000",
        "c": "grad so far -2.0000",
        "a": "grad ?",
        "b": "grad ?",
    }
    fills = {label: re.search(r'BGCOLOR="(#\w+)"', a["label"])[1] for label, a in boxes_.items()}
    assert fills["L"] == fills["f"] != fills["d"] != fills["e"] == fills["c"] != fills["a"]
    assert 'BORDER="2"' in boxes_["d"]["label"]  # the current node stands out
    # Only the edges into d's op carry this step's contributions, each labelled with its sum.
    nodes, edge_list = statements(source)
    label_of = {name: cells_of(a)[0] for name, a in nodes.items() if name.startswith("v")}
    passing = [
        (label_of[tail], label_of["v" + head[2:]], a["label"])
        for tail, head, a in edge_list
        if a.get("class") == "contribution"
    ]
    assert passing == [("e", "d", "1 × -2 = -2"), ("c", "d", "1 × -2 = -2")]
    assert all(a.get("penwidth") == "2.5" for _, _, a in edge_list if a.get("class"))
    assert {nodes[name]["class"] for name in nodes if name.startswith("op")} == {
        "final",  # L's
        "current",  # d's
        "partial",  # e's
    }
    # A title line says what the step does, over a legend of the colours.
    assert "<B>step 3/7: d (grad -2) passes -2 to e, -2 to c</B>" in source
    assert "grad final" in source and "grad so far" in source and "grad ?" in source


def test_every_step_draws_the_graph_as_it_stood_then():
    v, _ = lecture_steps()
    steps, when_taken = [], []
    for step in backward_steps(v["L"]):  # drawn as the pass runs
        steps.append(step)
        when_taken.append(step.draw().source)
    v["a"].grad = 123.0  # what happens to .grad afterwards does not change the record
    assert [step.draw().source for step in steps] == when_taken
    states = [{label: a["class"] for label, a in by_cell_label(s).items()} for s in when_taken]
    unreached = dict.fromkeys("abce", "unreached")
    assert states[0] == {"L": "current", "d": "partial", "f": "partial", **unreached}
    assert states[-1] == {"a": "current", **dict.fromkeys("bcdefL", "final")}
    assert draw_dot(v["L"], step=steps[0]).source == when_taken[0]


def test_contributions_summed_into_a_shared_node_are_listed():
    x = Value(3.0, label="x")
    y = x * x
    y.label = "y"
    first, last = backward_steps(y)
    assert cells_of(by_cell_label(first.draw().source)["x"])[2] == "grad so far 3 + 3 = 6.0000"
    assert cells_of(by_cell_label(last.draw().source)["x"])[2] == "grad 3 + 3 = 6.0000"
    a = Value(-1.0, label="a")
    b = (a + a) * a + a.tanh()  # a feeds three ops, one of them twice
    *_, step = backward_steps(b)
    terms = [_term(t) for t in step.received(a)]
    assert len(terms) == 4
    # A sum longer than a short line goes under the grad, so that the box stays narrow.
    assert cells_of(by_cell_label(step.draw().source)["a"])[2] == (
        f"grad {a.grad:.4f}<BR/>= {' + '.join(terms)}"
    )
    many = autograd.sum([a] * 6)
    *_, step = backward_steps(many)
    assert cells_of(by_cell_label(step.draw().source)["a"])[2] == (
        "grad 6.0000<BR/>= 1 + 1 + 1 + … (6 terms)"
    )


def _term(x: float) -> str:
    text = f"{x:.4g}"
    return f"({text})" if text.startswith("-") else text


def test_unlabelled_nodes_show_their_names_at_a_step():
    x = Value(2.0, label="x")
    y = x * 3.0
    (step, *_) = backward_steps(y)
    first_cells = sorted(cells_of(a)[0] for a in by_cell_label(step.draw().source).values())
    assert first_cells == ["#1", "#2", "x"]  # as the title and str(step) name them
    assert str(step).startswith("step 1/3: #2 = x * #1")


@needs_dot
def test_step_drawing_renders_and_escapes_labels():
    a = Value(2.0, label='<a href="x">&amp;\\N')
    y = a * a
    y.label = "]]><BR/>"
    for step in backward_steps(y):
        svg = step.draw().pipe(format="svg")  # dot rejects bad syntax; ElementTree bad XML
        texts = {line for node in svg_node_texts(svg) for line in node}
        assert '<a href="x">&amp;\\N' in texts and "]]><BR/>" in texts
        assert "grad 2 + 2 = 4.0000" in texts or "grad so far 2 + 2 = 4.0000" in texts
        root = ET.fromstring(svg)
        title = " ".join(t.text or "" for t in root.iter(SVG + "text"))
        assert f"step {step.number}/2" in title


def test_a_step_of_another_graph_is_refused():
    v, steps = lecture_steps()
    other = Value(1.0, label="other")
    with pytest.raises(ValueError, match=r"another graph \(its root is 'L'\).*step\.draw\(\)"):
        draw_dot(other, step=steps[0])
    with pytest.raises(ValueError, match="another graph"):
        draw_dot(v["d"], step=steps[0])  # a node of the graph, but not the root it stepped
    with pytest.raises(TypeError, match=r"step= takes a Step from backward_steps\(root\)"):
        draw_dot(v["L"], step=3)


def test_without_the_new_arguments_the_drawing_is_as_before():
    source = draw_dot(lecture_graph()).source
    # no title; top to bottom fits a page best (it was LR before issue 10)
    assert "class=" not in source and "\tgraph [rankdir=TB]\n" in source
    assert len(statements(source)[0]) == 7 + 3  # 7 values, 3 ops, nothing else


# --- collapsing modules ---------------------------------------------------------------------


def mlp_graph():
    """A 2-3-3-1 MLP on one point, its layers called one by one so that we hold each layer's
    inputs and outputs; the loss is (out - 1)**2."""
    model = nn.MLP(2, [3, 3, 1], seed=0)
    x = [Value(0.5, label="x0"), Value(-1.0, label="x1")]
    h1 = model.layers[0](x)
    h2 = model.layers[1](h1)
    out = model.layers[2](h2)
    loss = (out - 1.0) ** 2
    loss.label = "loss"
    return model, x, h1, h2, out, loss


def drawn_values(source: str, order: list[Value]) -> set[Value]:
    nodes, _ = statements(source)
    return {order[int(name[1:])] for name in nodes if re.fullmatch(r"v\d+", name)}


def test_collapsing_a_layer_leaves_its_inputs_a_box_and_its_outputs():
    model, x, h1, h2, out, loss = mlp_graph()
    order = topological_order(loss)
    position = {node: i for i, node in enumerate(order)}
    source = draw_dot(loss, collapse=[model.layers[0]]).source
    inside = set(topological_order(*h1)) - set(x) - set(h1)  # its weights and linear nodes
    assert set(model.layers[0].parameters()) <= inside
    assert drawn_values(source, order) == set(order) - inside
    nodes, edge_list = statements(source)
    assert nodes["m0"]["label"] == "<<B>Layer of 3 neurons</B><BR/>9 parameters>"
    assert nodes["m0"]["class"] == "module"
    into_box = [tail for tail, head, _ in edge_list if head == "m0"]
    out_of_box = [head for tail, head, _ in edge_list if tail == "m0"]
    assert into_box == [f"v{position[xi]}" for xi in x]
    assert out_of_box == [f"v{position[h]}" for h in h1]
    assert not any(f"op{position[h]}" in nodes for h in h1)  # the box made them


def test_collapsing_a_neuron_and_a_layer():
    model, x, h1, h2, out, loss = mlp_graph()
    order = topological_order(loss)
    position = {node: i for i, node in enumerate(order)}
    neuron = model.layers[1].neurons[2]
    source = draw_dot(loss, collapse=[model.layers[0], neuron]).source
    nodes, edge_list = statements(source)
    assert nodes["m1"]["label"] == "<<B>ReLUNeuron(3)</B><BR/>4 parameters>"
    assert [tail for tail, head, _ in edge_list if head == "m1"] == [f"v{position[h]}" for h in h1]
    assert [head for tail, head, _ in edge_list if tail == "m1"] == [f"v{position[h2[2]]}"]
    inside = set(topological_order(h2[2])) - set(topological_order(*h1)) - {h2[2]}
    inside |= set(topological_order(*h1)) - set(x) - set(h1)
    assert drawn_values(source, order) == set(order) - inside
    # One module, not in a list, is fine too; and the text is the same from build to build.
    again = mlp_graph()
    both = [again[0].layers[0], again[0].layers[1].neurons[2]]
    assert draw_dot(again[-1], collapse=both).source == source
    assert draw_dot(loss, collapse=neuron).source == draw_dot(again[-1], collapse=both[1]).source


def test_collapsing_the_whole_model_leaves_inputs_box_output_and_loss():
    model, x, h1, h2, out, loss = mlp_graph()
    order = topological_order(loss)
    source = draw_dot(loss, collapse=model).source
    shown = drawn_values(source, order)
    assert set(x) | {out, loss} <= shown
    assert len(shown) == 6  # x0, x1, out, the constant -1, out - 1, loss
    assert statements(source)[0]["m0"]["label"].startswith("<<B>MLP of 3 layers</B>")


def test_a_collapsed_module_at_a_step():
    model, x, h1, h2, out, loss = mlp_graph()
    order = topological_order(loss)
    position = {node: i for i, node in enumerate(order)}
    layer = model.layers[0]
    steps = list(backward_steps(loss))
    inside = set(topological_order(*h1)) - set(x) - set(h1)

    def drawn(step):
        nodes, edge_list = statements(step.draw(collapse=layer).source)
        passing = [(t, h) for t, h, a in edge_list if a.get("class") == "contribution"]
        return nodes["m0"]["class"], [edge for edge in passing if "m0" in edge]

    assert drawn(steps[0]) == ("module unreached", [])
    # An output of the box passes its grad into it.
    (at_h1,) = [step for step in steps if step.node is h1[0]]
    assert drawn(at_h1) == ("module partial", [("m0", f"v{position[h1[0]]}")])
    # A linear node inside it passes grads to the inputs x: those edges carry them.
    at_linear = next(s for s in steps if s.node in inside and x[0] in s.node._prev)
    assert drawn(at_linear) == ("module current", [(f"v{position[xi]}", "m0") for xi in x])


def test_collapse_errors_say_what_was_wrong():
    model, x, h1, h2, out, loss = mlp_graph()
    with pytest.raises(ValueError, match=r"Layer of 3 neurons is not in this graph"):
        draw_dot(loss, collapse=[nn.MLP(2, [3, 1], seed=1).layers[0]])
    with pytest.raises(ValueError, match=r"share nodes.*inside the other"):
        draw_dot(loss, collapse=[model.layers[0], model.layers[0].neurons[1]])
    with pytest.raises(TypeError, match=r"collapse= takes modules.*got Value"):
        draw_dot(loss, collapse=[out])
    with pytest.raises(TypeError, match=r"collapse= takes modules"):
        draw_dot(loss, collapse=3)


# --- drawing around one node ----------------------------------------------------------------


def around_lecture(depth):
    L = lecture_graph()
    by_label = {node.label: node for node in topological_order(L)}
    source = draw_dot(L, around=by_label["d"], depth=depth).source
    nodes, edge_list = statements(source)
    shown = {cells_of(a)[0] for name, a in nodes.items() if re.fullmatch(r"v\d+", name)}
    cut = sorted(a["label"] for name, a in nodes.items() if a.get("class") == "cut")
    return shown, cut, edge_list


def test_around_a_node_draws_the_nodes_within_depth_edges_and_marks_the_cut():
    assert around_lecture(0)[:2] == ({"d"}, ["… 1 use", "… 2 operands"])
    assert around_lecture(1)[:2] == ({"d", "e", "c", "L"}, ["… 1 operand", "… 2 operands"])
    shown, cut, edge_list = around_lecture(2)
    assert (shown, cut) == (set("abcdefL"), [])
    shown, cut, edge_list = around_lecture(1)
    dashed = [(tail, head) for tail, head, a in edge_list if a.get("style") == "dashed"]
    assert len(dashed) == 2 and all(tail.endswith("_in") for tail, _ in dashed)


def test_around_a_node_in_a_deep_graph_and_inside_a_box():
    x = Value(0.5)
    chain = []
    for _ in range(3 * sys.getrecursionlimit()):
        x = x * 1.0
        chain.append(x)
    source = draw_dot(x, around=chain[len(chain) // 2], depth=3).source
    nodes, _ = statements(source)
    # 7 links of the chain, and the constants within 3 edges: those of the 5 middle links
    assert sum(1 for name in nodes if re.fullmatch(r"v\d+", name)) == 7 + 5
    model, xs, h1, h2, out, loss = mlp_graph()
    inner = h1[0]._prev[0]  # the linear node of the first neuron, hidden in the box
    nodes, _ = statements(draw_dot(loss, collapse=model.layers[0], around=inner, depth=1).source)
    assert "m0" in nodes  # drawn around the box that holds it


def test_around_with_a_huge_depth_is_as_quick_as_the_graph():
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    start = time.perf_counter()
    source = draw_dot(a * b, around=a, depth=10**9).source
    assert time.perf_counter() - start < 1
    assert {cells_of(attrs)[0] for attrs in by_cell_label(source).values()} == {"a", "b", "#2"}
    y = x = Value(0.5, label="x")
    for _ in range(25_000):
        y = y * 1.0
    assert len(topological_order(y)) == 50_001
    start = time.perf_counter()  # all 50,001 are within 10**9 edges: refused by the size guard
    with pytest.raises(ValueError, match="50,001 nodes to draw, more than max_nodes=500"):
        draw_dot(y, around=x, depth=10**9)
    assert time.perf_counter() - start < 1


def test_around_errors_say_what_was_wrong():
    L = lecture_graph()
    with pytest.raises(ValueError, match="depth is a number of edges, 0 or more; got -1"):
        draw_dot(L, around=L, depth=-1)
    with pytest.raises(TypeError, match="depth must be a whole number"):
        draw_dot(L, around=L, depth=1.5)
    with pytest.raises(ValueError, match="not in it"):
        draw_dot(L, around=Value(1.0))
    with pytest.raises(TypeError, match="around= takes a Value"):
        draw_dot(L, around="d")
    with pytest.raises(ValueError, match="depth= goes with around="):
        draw_dot(L, depth=1)


def test_step_collapse_and_around_are_deterministic_across_processes():
    script = """
import sys
import nn
from autograd import Value, draw_dot, backward_steps
model = nn.MLP(2, [3, 3, 1], seed=0)
loss = (model([Value(0.5), Value(-1.0)]) - 1.0) ** 2
steps = list(backward_steps(loss))
sys.stdout.write(steps[5].draw(collapse=model.layers[0], around=loss, depth=3).source)
"""
    outputs = set()
    for seed in ("0", "1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, check=True
        )
        outputs.add(run.stdout)
    assert len(outputs) == 1 and b"class=" in outputs.pop()
