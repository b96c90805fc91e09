"""Issue 10: pictures a class can read. Read back from the DOT text and from what `dot` draws:
edge text as large as node text, names on every node, a linear node's numbers on their own
edges, one layout for every frame of a pass, small numbers kept, render("graph.png"), and a
size limit that answers at once."""

import re
import shutil
import time
import xml.etree.ElementTree as ET

import micrograd_examples
import pytest

import autograd
import nn
from autograd import Value, backward_steps, draw_dot, draw_text, topological_order
from autograd.drawing import MAX_NODES, draw_frames, save_frames, save_gif
from autograd.drawing.layout import PAGE_HEIGHT, PAGE_WIDTH

pytest.importorskip("graphviz")
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is missing")
SVG = "{http://www.w3.org/2000/svg}"


def svg_nodes(svg: bytes) -> dict[str, list[str]]:
    """Each drawn node's texts, by its DOT name (the <title> of its group)."""
    root = ET.fromstring(svg)
    return {
        group.find(SVG + "title").text: [
            (t.text or "").replace("\xa0", " ") for t in group.iter(SVG + "text")
        ]
        for group in root.iter(SVG + "g")
        if "node" in group.get("class", "").split()
    }


def plain_positions(drawing) -> tuple[str, dict[str, tuple[str, ...]]]:
    """`dot -Tplain`: the graph's size line, and each node's centre and size."""
    lines = drawing.pipe(format="plain").decode().splitlines()
    nodes = {}
    for line in lines:
        if line.startswith("node "):
            _, name, x, y, w, h, *_ = line.split()
            nodes[name] = (x, y, w, h)
    return lines[0], nodes


def neuron_graph():
    neuron = nn.Neuron(2, activation="tanh", seed=0)
    x = [Value(2.0, label="x1"), Value(0.0, label="x2")]
    out = neuron(x)
    out.label = "out"
    return neuron, x, out


# --- readable by default ------------------------------------------------------------------------


def test_edge_labels_are_as_large_as_node_text_and_scale_grows_both():
    L = micrograd_examples.lecture_graph()
    source = draw_dot(L).source
    assert "\tedge [fontsize=14]\n" in source  # was 10 beside the nodes' 14
    assert "\tnode [margin=0 shape=plaintext]\n" in source  # nodes: graphviz's 14
    big = draw_dot(L, scale=2).source
    assert "fontsize=28" in big.split("\tnode [")[1].split("]")[0]
    assert "\tedge [fontsize=28]\n" in big
    with pytest.raises(ValueError, match="scale is a size factor"):
        draw_dot(L, scale=0)


@needs_dot
def test_the_readme_picture_fits_a_page():
    L = micrograd_examples.lecture_graph()
    L.backward()
    drawing = draw_dot(L)
    assert drawing.graph_attr["rankdir"] == "TB"
    size, _ = plain_positions(drawing)
    _, _, width, height = size.split()
    # 6 to 13 times wider than tall before; now about as tall as wide, and 900 px keeps it
    # at more than 90% of its size (1 pt = 4/3 px at 96 dpi)
    assert 0.5 < float(width) / float(height) < 2.0
    assert float(width) * 96 > 900 * 0.9 and float(width) * 96 < 900 / 0.9


# --- every node has a name ----------------------------------------------------------------------


def test_every_node_has_its_draw_text_name_in_draw_dot_and_at_a_step():
    x = Value(2.0, label="x")
    y = (x * 3.0).tanh() + x
    text_names = [line.split()[0] for line in draw_text(y).splitlines()]
    drawn = re.findall(r"<TR><TD[^>]*>(.*?)</TD>", draw_dot(y).source)
    assert drawn == text_names  # `#1`, `#2`... where draw_dot drew blank boxes
    step = next(backward_steps(y))
    at_step = re.findall(
        r"^\tv\d+ \[label=<<TABLE[^>]*><TR><TD[^>]*>(.*?)</TD>", step.draw().source, re.M
    )
    assert sorted(at_step) == sorted(text_names)
    assert str(step).startswith(f"step 1/{len(text_names)}: {text_names[-1]} = ")


def test_nn_parameters_are_labelled_where_they_live_and_keep_their_numbers():
    model = nn.MLP(2, [4, 4, 1], seed=0)
    labels = [p.label for p in model.parameters()]
    assert labels[:3] == ["L1.n1.w1", "L1.n1.w2", "L1.n1.b"]
    assert "L1.n3.w2" in labels and "L2.n4.w4" in labels and labels[-1] == "L3.n1.b"
    assert len(set(labels)) == len(labels)
    assert [p.label for p in nn.Neuron(3).parameters()] == ["w1", "w2", "w3", "b"]
    assert [p.label for p in nn.Layer(2, 2).parameters()][3:] == ["n2.w1", "n2.w2", "n2.b"]
    # micrograd's numbers: the same draws as an MLP that was never labelled
    import random

    random.seed(1337)
    fresh = nn.MLP(2, [4, 4, 1])
    random.seed(1337)
    again = nn.MLP(2, [4, 4, 1])
    for p in again.parameters():
        p.label = ""
    assert [p.data for p in fresh.parameters()] == [p.data for p in again.parameters()]


# --- a linear node ------------------------------------------------------------------------------


def test_each_local_derivative_of_a_linear_node_is_in_the_cell_its_edge_runs_into():
    neuron, x, out = neuron_graph()
    source = draw_dot(out).source
    ((op, table),) = re.findall(r"^\t(op\d+) \[label=<(<TABLE.*)>", source, re.MULTILINE)
    ports = dict(re.findall(r'<TD PORT="(p\d+)"[^>]*>(.*?)</TD>', table))
    linear = out._prev[0]
    names = autograd.drawing.node_names(topological_order(out))
    assert list(ports.values()) == [names[o] for o in linear._prev]  # b, w1, x1, w2, x2
    rows = re.findall(r"<TR>(.*?)</TR>", table)
    numbers = re.findall(r"<TD[^>]*>(.*?)</TD>", rows[1])
    assert numbers == [f"{d:.4g}" for d in linear._local]  # 1, x1, w1, x2, w2
    # every edge into the op ends at its operand's own cell, and carries no loose label
    position = {node: i for i, node in enumerate(topological_order(out))}
    edges = re.findall(rf"^\t(v\d+) -> {op} \[(.*)\]$", source, re.MULTILINE)
    assert [(tail, attrs) for tail, attrs in edges] == [
        (f"v{position[o]}", f'headport="p{k}:n"') for k, o in enumerate(linear._prev)
    ]


@needs_dot
def test_in_the_picture_each_linear_edge_ends_on_its_own_cell():
    neuron, x, out = neuron_graph()
    drawing = draw_dot(out)
    (op,) = re.findall(r"^\t(op\d+) \[label=<<TABLE", drawing.source, re.MULTILINE)
    root = ET.fromstring(drawing.pipe(format="svg"))
    texts = {  # the text of each cell of the linear table, by where it is drawn
        (t.text or ""): (float(t.get("x")), float(t.get("y")))
        for g in root.iter(SVG + "g")
        if g.find(SVG + "title").text.startswith("op") and g.get("class") == "node"
        for t in g.iter(SVG + "text")
    }
    ends = []
    for g in root.iter(SVG + "g"):
        title = g.find(SVG + "title").text.replace("&#45;", "-")
        if g.get("class") == "edge" and title.split("->")[-1].split(":")[0] == op:
            head = g.find(SVG + "polygon").get("points").split()[1]  # the arrowhead's tip
            ends.append(tuple(map(float, head.split(","))))
    linear = out._prev[0]
    names = autograd.drawing.node_names(topological_order(out))
    cells = {names[operand]: texts[names[operand]] for operand in linear._prev}
    assert len(ends) == len(cells) == 5
    for operand, (x_end, _) in zip(linear._prev, ends):
        nearest = min(cells, key=lambda name: abs(cells[name][0] - x_end))
        assert nearest == names[operand]  # the arrow ends on its operand's own cell


# --- numbers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "grad, shown",
    [
        (1e-6, "grad 1.0000e-06"),
        (-1e-6, "grad -1.0000e-06"),
        (0.0, "grad 0.0000"),
        (-0.0, "grad 0.0000"),  # not -0.0000
        (0.25, "grad 0.2500"),
        (2e7, "grad 2.0000e+07"),
    ],
)
def test_a_tiny_gradient_is_not_drawn_as_zero(grad, shown):
    v = Value(1.0, label="v")
    v.grad = grad
    assert shown in draw_dot(v).source
    assert f"grad {shown.split()[1]}" in draw_text(v)


# --- one layout for every frame -----------------------------------------------------------------


@needs_dot
@pytest.mark.parametrize("which", ["lecture", "mlp"])
def test_every_frame_of_a_pass_puts_every_node_at_the_same_place(which):
    if which == "lecture":
        root = micrograd_examples.lecture_graph()
    else:
        model = nn.MLP(2, [3, 2, 1], seed=0)
        root = model([Value(0.5, label="x1"), Value(-1.0, label="x2")])
    frames = draw_frames(backward_steps(root), skip_leaves=False)
    assert len(frames) == len(topological_order(root))
    first_size, first = plain_positions(frames[0])
    for frame in frames[1:]:
        size, nodes = plain_positions(frame)
        assert size == first_size  # the same picture size
        assert nodes == first  # every node at the same place, the same size
    # and the SVG agrees: each node's first text (a box's name, an op) at the same x, y
    where = []
    for frame in (frames[0], frames[len(frames) // 2], frames[-1]):
        svg = ET.fromstring(frame.pipe(format="svg"))
        where.append(
            {
                g.find(SVG + "title").text: (
                    g.find(SVG + "text").get("x"),
                    g.find(SVG + "text").get("y"),
                )
                for g in svg.iter(SVG + "g")
                if "node" in g.get("class", "").split() and g.find(SVG + "title").text != "title"
            }
        )
    assert len(where[0]) > 5 and where[0] == where[1] == where[2]


def test_leaf_frames_can_be_left_out_and_the_pass_still_ends_as_backward():
    model = nn.MLP(2, [4, 4, 1], seed=0)
    out = model([0.5, -1.0])
    steps = list(backward_steps(out))
    frames = draw_frames(steps)
    assert len(frames) == sum(1 for s in steps if s.contributions)
    assert len(frames) < len(steps)
    fresh = nn.MLP(2, [4, 4, 1], seed=0)
    fresh([0.5, -1.0]).backward()
    assert [p.grad for p in model.parameters()] == [p.grad for p in fresh.parameters()]


@needs_dot
def test_frames_and_an_animation_are_written(tmp_path):
    L = micrograd_examples.lecture_graph()
    paths = save_frames(backward_steps(L), tmp_path / "frames")
    assert [p.name for p in paths] == ["step_1.png", "step_2.png", "step_3.png"]  # L, d, e
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in paths)
    Image = pytest.importorskip("PIL.Image")
    gif = save_gif(backward_steps(micrograd_examples.lecture_graph()), tmp_path / "pass.gif")
    with Image.open(gif) as image:
        assert image.format == "GIF" and image.n_frames == 3


def test_without_pillow_save_gif_says_how_to_get_it(monkeypatch, tmp_path):
    import sys

    monkeypatch.setitem(sys.modules, "PIL", None)
    with pytest.raises(ImportError, match="pip install pillow"):
        save_gif(backward_steps(Value(1.0) * 2), tmp_path / "x.gif")


# --- render("graph.png") ------------------------------------------------------------------------


@needs_dot
def test_render_with_an_extension_writes_that_file_in_that_format(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    drawing = draw_dot(micrograd_examples.lecture_graph())
    assert drawing.render("graph.png") == "graph.png"
    assert drawing.render(str(tmp_path / "sub.svg")) == str(tmp_path / "sub.svg")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.png", "sub.svg"]  # no DOT
    assert (tmp_path / "graph.png").read_bytes().startswith(b"\x89PNG")
    assert (tmp_path / "sub.svg").read_bytes().startswith(b"<?xml")
    drawing.render("kept.pdf", cleanup=False)  # the DOT source kept when asked
    assert {"kept.pdf", "kept.gv"} <= {p.name for p in tmp_path.iterdir()}
    drawing.render("plain")  # no extension: graphviz's own rule, plain + plain.svg
    assert {"plain", "plain.svg"} <= {p.name for p in tmp_path.iterdir()}


# --- the size limit -----------------------------------------------------------------------------


def test_fifty_thousand_nodes_are_refused_within_seconds_with_the_way_out():
    x = Value(0.5, label="x")
    terms = [x * float(i) for i in range(25_000)]
    root = autograd.sum(terms)
    n = len(topological_order(root))
    assert n > 50_000
    start = time.perf_counter()
    with pytest.raises(ValueError) as refused:
        draw_dot(root)
    assert time.perf_counter() - start < 5
    message = str(refused.value)
    assert f"{n:,} nodes" in message and f"max_nodes={MAX_NODES:,}" in message
    for way_out in ("collapse=", "around=", "draw_text", "max_nodes=None"):
        assert way_out in message
    start = time.perf_counter()  # around= with a huge depth: only as slow as the graph
    with pytest.raises(ValueError, match="nodes to draw"):
        draw_dot(root, around=x, depth=10**9)
    assert time.perf_counter() - start < 5
    small = draw_dot(root, around=terms[0], depth=1)  # near one node: drawn at once
    assert "… 25000 uses" in small.source or "uses" in small.source


def test_a_model_on_many_points_draws_collapsed():
    model = nn.MLP(2, [16, 16, 1], seed=0)
    X, _ = nn.data.make_moons(25, noise=0.1, seed=3)
    loss = autograd.sum([model(x) for x in X])
    with pytest.raises(ValueError, match="collapse="):
        draw_dot(loss)
    with pytest.raises(ValueError, match="854 nodes to draw"):  # each point's layer outputs
        draw_dot(loss, collapse=model.layers, points="all")
    drawing = draw_dot(loss, collapse=model)  # one box for the model: points in, scores out
    assert drawing.source.count("class=module") == 1


def batch_of(points: int):
    """MLP(2, [4, 4, 1]) on `points` points: the mean of the squared errors."""
    model = nn.MLP(2, [4, 4, 1], seed=0)
    X = [[0.1 * i, 1.0 - 0.2 * i] for i in range(points)]
    y = [(-1.0) ** i for i in range(points)]
    loss = autograd.sum([(model(x) - yi) ** 2 for x, yi in zip(X, y)]) * (1 / points)
    return model, loss


@needs_dot
def test_a_batch_collapsed_by_layers_draws_one_point_and_says_how_many_were_left_out():
    model, loss = batch_of(25)
    start = time.perf_counter()
    svg = draw_dot(loss, collapse=model.layers).pipe(format="svg")
    assert time.perf_counter() - start < 5
    nodes = svg_nodes(svg)
    modules = [texts for texts in nodes.values() if texts and texts[0].startswith("Layer of")]
    assert (
        sorted(texts[0] for texts in modules) == ["Layer of 1 neuron"] + ["Layer of 4 neurons"] * 2
    )
    values = [texts for texts in nodes.values() if any(t.startswith("data ") for t in texts)]
    # One point: its 2 inputs, 4 + 4 + 1 layer outputs, its target, error and square; then the
    # sum, 1/25 and the loss.
    assert len(values) == 2 + 9 + 3 + 3
    notes = [t for texts in nodes.values() for t in texts if "left out" in t]
    assert notes == ["… 24 more points like this one, left out (points='all' draws them)"]
    every = draw_dot(loss, collapse=model.layers, points="all", max_nodes=None).source
    assert every.count("data ") == 25 * (2 + 9 + 3) + 3 and "left out" not in every
    with pytest.raises(ValueError, match="points is 'one'.*got 'first'"):
        draw_dot(loss, collapse=model.layers, points="first")


def test_a_batch_with_a_penalty_on_the_weights_still_draws_one_point():
    model, loss = batch_of(25)
    total = loss + 1e-3 * autograd.sum([p * p for p in model.parameters()])  # weight decay
    source = draw_dot(total, collapse=model).source  # the penalty's p * p are the model's too
    assert "… 24 more points like this one, left out" in source
    # One point (2 inputs, its output, target, error, square), the sum, 1/25, the mean; the
    # penalty out of the model's box, 1e-3, its product, the total.
    assert source.count("data ") == 6 + 3 + 4


def test_one_point_is_drawn_whole_whatever_is_collapsed():
    """Modules that are parts of one call (neurons of a layer, each an operand of the next
    layer) are not a batch: nothing is left out."""
    model, loss = batch_of(1)
    whole = len(topological_order(loss))
    layer = model.layers[1]
    for collapse in (model.layers, layer, layer.neurons[:2], model.layers[0].neurons):
        source = draw_dot(loss, collapse=collapse).source
        assert "left out" not in source
        assert source == draw_dot(loss, collapse=collapse, points="all").source
    assert whole == 22 + 37 + 3  # one point's nodes, the parameters, the sum, 1/1, the mean


@needs_dot
def test_the_steps_of_a_batch_draw_one_point():
    model, loss = batch_of(3)
    steps = list(backward_steps(loss, order="layers"))
    frames = draw_frames(steps, collapse=model.layers)
    assert len(frames) == 19 + 2  # the ops of the point drawn, the sum and the × 1/3
    every = draw_frames(backward_steps(loss), collapse=model.layers, points="all")
    assert len(every) == 3 * 19 + 2
    for frame in frames[:: len(frames) // 4]:
        texts = [t for ts in svg_nodes(frame.pipe(format="svg")).values() for t in ts]
        assert "… 2 more points like this one, left out (points='all' draws them)" in texts


def svg_size(svg: bytes) -> tuple[float, float]:
    """The picture's width and height, in points."""
    root = ET.fromstring(svg)
    return tuple(float(root.get(side).removesuffix("pt")) for side in ("width", "height"))


@needs_dot
def test_the_frames_of_a_network_collapsed_by_layers_fit_a_page():
    model = nn.MLP(2, [4, 4, 1], seed=0)
    loss = (model([Value(0.5, label="x1"), Value(-1.0, label="x2")]) - 1.0) ** 2
    steps = list(backward_steps(loss, order="layers"))
    assert (len(steps), sum(1 for s in steps if not s.contributions)) == (59, 40)
    frames = draw_frames(steps, collapse=model.layers)
    assert len(frames) == 19  # the leaves' steps left out
    sizes = {svg_size(frame.pipe(format="svg")) for frame in frames[::6]}
    assert len(sizes) == 1  # one layout for the pass
    ((width, height),) = sizes
    # 1.8 pages wide at most: shown 900 px wide, 14 pt text is still 10 px tall. (Without
    # collapse=, the 59 boxes take about 3,900 pt.)
    assert width <= 1.8 * PAGE_WIDTH and height <= 2 * PAGE_HEIGHT
    # A box is a card, its grad under its name and data; a long sum on a line of its own.
    middle = svg_nodes(frames[len(frames) // 2].pipe(format="svg"))
    cards = [texts for texts in middle.values() if len(texts) >= 3 and texts[0].startswith("#")]
    assert any(t.startswith("= ") and t.count(" + ") == 2 for texts in cards for t in texts)


def test_frames_leave_out_the_steps_of_nodes_not_drawn():
    L = micrograd_examples.lecture_graph()
    d = next(node for node in topological_order(L) if node.label == "d")
    (only,) = draw_frames(backward_steps(L), around=d, depth=0, skip_leaves=False)
    assert "step 3/7: d (grad -2) passes" in only.source  # d alone is drawn: its step
    kept = draw_frames(backward_steps(L), around=d, depth=1, skip_leaves=False)
    assert len(kept) == 4  # L, d, e, c; not a, b, f
