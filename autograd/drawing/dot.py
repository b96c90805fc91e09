"""draw_dot: the graph behind a Value as a Graphviz drawing, and the writer of its DOT text.

Each value is a box `label | data | grad`; each op is a small node of its own; and the edge from
every operand into an op is labelled with the local derivative d(result)/d(operand), the number
the chain rule multiplies by on the way back. The same graph always gives the same DOT text.

draw_dot can also draw the graph as it stood at one step of a stepped backward pass (`step=`,
colours in steps.py), and keep a big graph readable: `collapse=` draws each given module (a
Neuron, a Layer) as one box (found in modules.py), and `around=` draws only the nodes near
one node.
"""

from __future__ import annotations

import weakref
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from autograd.drawing.graphviz_backend import GraphvizNotFoundError, drawing_class
from autograd.drawing.layout import (
    Layout,
    auto_rankdir,
    pinned_edge,
    pinned_node,
    read_layout,
)
from autograd.drawing.layout import corners as layout_corners
from autograd.drawing.modules import Batch, Box, HasParameters, module_boxes, one_call
from autograd.drawing.names import (
    cell,
    check_root,
    drawn_name,
    edge_number,
    html_text,
    node_names,
    number,
    plain,
    table_label,
    text_width,
)
from autograd.drawing.steps import (
    FILL,
    MUTED,
    PASSING,
    DrawnStep,
    WholePass,
    box_state,
    check_step,
    legend,
    op_style,
    passing,
    term,
    value_at_step,
)
from autograd.engine import Value, topological_order

if TYPE_CHECKING:
    import graphviz

RANKDIRS = ("TB", "LR", "BT", "RL")  # top to bottom, left to right, bottom to top, right to left

# Past this many boxes (values and modules) `dot` takes more than a few seconds to lay a graph
# out: measured, an MLP(2, [4, 4, 1]) on 19 points (494 boxes) renders in 6 s, on 30 (758) in
# 21 s, on 40 (998) in 42 s; a chain or a star of 500 in under 1 s. draw_dot refuses, and
# says what to draw instead.
MAX_NODES = 500
FONTSIZE = 14.0  # the node text's size, and the edges' (a local derivative is no footnote)


def draw_dot(
    root: Value,
    rankdir: str = "auto",
    *,
    format: str = "svg",
    step: DrawnStep | None = None,
    collapse: HasParameters | Iterable[HasParameters] = (),
    around: Value | None = None,
    depth: int | None = None,
    points: str = "one",
    scale: float = 1.0,
    max_nodes: int | None = MAX_NODES,
) -> graphviz.Digraph:
    """The graph behind `root` as a graphviz.Digraph.

    It shows inline in Jupyter; `.render("graph.png")` writes graph.png (the extension names
    the format), `.pipe(format="png")` returns the image bytes, and `.source` is its DOT text.
    `format` is the default for both. Every node is named as draw_text names it: its label,
    or `#3` (its place in topological order) without one.

    rankdir: "auto" (top to bottom, or left to right when that fits a page better), or one
        of "TB", "LR", "BT", "RL".
    step: a Step of `backward_steps(root)`: the graph as it stood then (also `step.draw()`).
        Colours tell the nodes whose grad is final, the node passing its grad on, and those
        with a sum so far or `grad ?`; its edges read `local × upstream = contribution`; a
        box is a card, its name and data over its grad; a grad summed from several
        contributions reads `grad 2 + 2 = 4.0000` (a longer sum on a line under the grad); a
        title says what the step does. Every step of a pass is drawn with one layout: each
        node at the same place, the picture the same size (this runs `dot` once per pass).
        A network's frames fit a page collapsed: `collapse=model.layers`, or its neurons.
    collapse: modules (or one) to draw as one box each, between their inputs and outputs.
    points: "one" (the default): with collapse=, a graph that calls the modules once per
        point of a batch and joins the calls (the sum of the points' losses) is drawn for its
        first point, with a note saying how many points were left out; "all" draws them all.
    around, depth: draw only the nodes within `depth` edges of `around` (2 by default);
        a dashed `…` edge stands for the edges to nodes left out.
    scale: the size of all text, 1.0 for 14 pt; 1.5 or 2 for slides.
    max_nodes: above this many boxes to draw, refuse with a ValueError saying what to draw
        instead, rather than leave `dot` running for minutes; None draws any size.
    """
    check_root(root, "draw_dot")
    if rankdir != "auto" and rankdir not in RANKDIRS:
        raise ValueError(
            f"rankdir must be one of {', '.join(map(repr, RANKDIRS))} (top to bottom, left to"
            f" right, bottom to top, right to left) or 'auto' (the default: whichever fits a"
            f" page); got {rankdir!r}"
        )
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not 0 < scale <= 10:
        raise ValueError(f"scale is a size factor for the text, say 1.5 for slides; got {scale!r}")
    order = topological_order(root)
    if step is not None:
        check_step(step, root)
    if points not in ("one", "all"):
        raise ValueError(
            f"points is 'one' (draw one point of a batch, and say how many were left out) or"
            f" 'all'; got {points!r}"
        )
    boxes = module_boxes(collapse, order, root)
    picture = _Picture(order, boxes, step, FONTSIZE * scale)
    if boxes and points == "one":
        picture.keep_one_point(one_call(order, boxes))
    if around is not None or depth is not None:
        picture.keep_around(_check_around(around, picture.vertex), _check_depth(depth))
    _check_size(picture.count(), max_nodes, len(order))
    picture.draw()
    return picture.drawing(root, format, rankdir)


def _check_size(count: int, max_nodes: Any, total: int) -> None:
    if max_nodes is None:
        return
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"max_nodes is a number of boxes, or None for no limit; got {max_nodes!r}")
    if count > max_nodes:
        whole = "" if count == total else f" (of the graph's {total:,})"
        raise ValueError(
            f"draw_dot: {count:,} nodes to draw{whole}, more than max_nodes={max_nodes:,}:"
            " Graphviz would take more than a few seconds to lay them out (minutes past 2,000)."
            " Draw less of it: collapse=model"
            " (a box per module: a Layer, a Neuron), around=node, depth=2 (the nodes near"
            " one), or the graph of one input point; print draw_text(root) to read it all;"
            " or pass max_nodes=None to draw it anyway."
        )


def _check_around(around: Any, vertex: dict[Value, str]) -> str:
    if around is None:
        raise ValueError("depth= goes with around=: say which node to draw around")
    if not isinstance(around, Value):
        raise TypeError(f"around= takes a Value of the graph; got {type(around).__name__}")
    if around not in vertex:
        raise ValueError(f"around= takes a node of the graph behind root; {around!r} is not in it")
    return vertex[around]


def _check_depth(depth: Any) -> int:
    if depth is None:
        return 2
    if isinstance(depth, bool) or not isinstance(depth, int):
        raise TypeError(f"depth must be a whole number of edges; got {depth!r}")
    if depth < 0:
        raise ValueError(f"depth is a number of edges, 0 or more; got {depth}")
    return depth


# --- the picture --------------------------------------------------------------------------------

_MODULE_FILL = "#e3f2fd"
_CUT_EDGE = {"style": "dashed", "color": MUTED, "class": "cut"}
_COMPASS = {"TB": "n", "LR": "w", "BT": "s", "RL": "e"}  # where edges enter a linear node
# The layout of each pass, by the pass's record and the drawing's options (see pin below).
_LAYOUTS: weakref.WeakKeyDictionary[Any, dict[tuple, Layout | None]] = weakref.WeakKeyDictionary()


class _Picture:
    """Collects draw_dot's DOT statements, node after node in topological order.

    Each node is drawn as its own box (`v3`, made by its op `op3`) or is hidden in a module's
    box (`m0`). Those drawn things are the vertices of the picture; `keep_around` walks the
    links between them. At a step, each statement also keeps its `widest` label, the widest
    it gets in the pass, for the one layout of all its frames.
    """

    def __init__(
        self, order: list[Value], boxes: list[Box], step: DrawnStep | None, fontsize: float
    ) -> None:
        self.order = order
        self.boxes = boxes
        self.step = step
        self.fontsize = fontsize
        self.names = node_names(order)  # as draw_text and the steps name them
        self.hidden = {node: box for box in boxes for node in box.hidden}
        self.made_by = {node: box for box in boxes for node in box.outputs}  # the box is its op
        self.vertex = {
            node: self.hidden[node].name if node in self.hidden else f"v{i}"
            for i, node in enumerate(order)
        }
        self.shown: set[str] | None = None  # None: every vertex
        self.notes: dict[str, str] = {}  # vertex -> a note on what was left out around it
        self.point: set[Value] | None = None  # one point of a batch: its nodes (and shared)
        self.cut_in: Counter[str] = Counter()  # vertex -> links into it from vertices not shown
        self.cut_out: Counter[str] = Counter()  # vertex -> links from it to vertices not shown
        self.nodes: list[tuple[str, dict[str, str]]] = []
        self.edges: list[tuple[str, str, dict[str, str]]] = []
        self.widest: dict[str, str] = {}  # node name or edge id -> its label in the layout
        self.linear: dict[str, tuple] = {}  # a linear op -> its cells, to lay out in drawing()
        self.ahead = None
        if step is not None:  # the steps' order (a Step's record has it), else backward()'s
            record = getattr(step, "backward_pass", None)
            self.ahead = WholePass(step.root, getattr(record, "order", order[::-1]))

    def count(self) -> int:
        """How many boxes the picture has: values and modules (ops are not counted)."""
        if self.shown is not None:
            return len(self.shown)
        return len(set(self.vertex.values()))

    def keep_around(self, centre: str, depth: int) -> None:
        """Keep only the vertices within `depth` links of `centre`, either way (breadth first).

        No vertex is farther than the number of vertices, so a depth of 10**9 walks the graph
        once, as quick as the graph allows: one ring of neighbours a round, and no round after
        a ring adds nothing."""
        links = self._links()
        if self.shown is not None:  # one point of a batch: walk within it
            links = [(t, h) for t, h in links if t in self.shown and h in self.shown]
        neighbours = defaultdict(list)
        for tail, head in links:
            neighbours[tail].append(head)
            neighbours[head].append(tail)
        shown = {centre}
        frontier = [centre]
        for _ in range(min(depth, len(neighbours))):
            reached = []
            for vertex in frontier:
                for neighbour in neighbours[vertex]:
                    if neighbour not in shown:
                        shown.add(neighbour)
                        reached.append(neighbour)
            if not reached:
                break  # the whole component is in: a huge depth costs no more than the graph
            frontier = reached
        self.shown = shown
        self.cut_in = Counter(head for tail, head in links if head in shown and tail not in shown)
        self.cut_out = Counter(tail for tail, head in links if tail in shown and head not in shown)

    def keep_one_point(self, batch: Batch | None) -> None:
        """Keep one point of a batch, and note at the join how many points were left out."""
        if batch is None:
            return
        self.point = batch.kept
        self.shown = {self.vertex[node] for node in batch.kept}
        points = "point" if batch.left_out == 1 else "points"
        self.notes[self.vertex[batch.join]] = (
            f"… {batch.left_out} more {points} like this one, left out (points='all' draws them)"
        )

    def draw(self) -> None:
        drawn = set()
        for i, node in enumerate(self.order):
            box = self.hidden.get(node) or self.made_by.get(node)
            if box is not None and box.name not in drawn:  # where its first node would be
                drawn.add(box.name)
                if self._shows(box.name):
                    self._draw_box(box)
            if node not in self.hidden and self._shows(f"v{i}"):
                self._draw_value(i, node)

    # --- from statements to a Digraph ----------------------------------------------------------

    def drawing(self, root: Value, format: str, rankdir: str) -> graphviz.Digraph:
        if rankdir == "auto":
            rankdir = self._auto_rankdir()
        compass = _COMPASS[rankdir]
        vertical = rankdir in ("LR", "RL")
        for name, attrs in self.nodes:
            if name in self.linear:
                attrs["label"] = _linear_table(*self.linear[name], vertical)
        for _, _, attrs in self.edges:
            if "headport" in attrs:
                attrs["headport"] = f"{attrs['headport']}:{compass}"
        size = f"{self.fontsize:g}"
        graph_attr = {"rankdir": rankdir}
        if self.fontsize != FONTSIZE:
            graph_attr["fontsize"] = size
        node_attr = {"shape": "plaintext", "margin": "0"}  # value boxes; op nodes override
        if self.fontsize != FONTSIZE:
            node_attr["fontsize"] = size
        edge_attr = {"fontsize": size}
        layout = self._layout(graph_attr, node_attr, edge_attr) if self.step is not None else None
        drawing = drawing_class()(
            format=format, graph_attr=graph_attr, node_attr=node_attr, edge_attr=edge_attr
        )
        if self.step is not None:  # the step's node, or the box it is in, is drawn
            node = self.step.node
            in_point = self.point is None or node in self.point
            drawing.shows_step = in_point and self._shows(self.vertex[node])
        if layout is None:
            if self.step is not None:  # a title line and a legend above the graph
                drawing.graph_attr.update(label=legend(self.step, self.fontsize), labelloc="t")
            for name, attrs in self.nodes:
                drawing.node(name, **attrs)
            for tail, head, attrs in self.edges:
                drawing.edge(tail, head, **{k: v for k, v in attrs.items() if k != "id"})
            return drawing
        # Pinned: every node, edge and the title where the pass's one layout put them.
        drawing.pinned = True
        drawing.engine = "neato"
        drawing.graph_attr.pop("rankdir")
        if layout.title is not None:
            x, y, w, h = layout.title
            drawing.node(
                "title",
                label=legend(self.step, self.fontsize),
                shape="plaintext",
                pos=f"{x:.2f},{y:.2f}!",
                width=f"{w:.4f}",
                height=f"{h:.4f}",
                fixedsize="true",
            )
        for name, attrs in layout_corners(layout):
            drawing.node(name, **attrs)
        for name, attrs in self.nodes:
            drawing.node(name, **pinned_node(layout, name, attrs))
        for tail, head, attrs in self.edges:
            widest = self.widest.get(attrs["id"])
            drawing.edge(tail, head, **pinned_edge(layout, attrs, widest, self.fontsize))
        return drawing

    def _auto_rankdir(self) -> str:
        sizes = {}
        for name, attrs in self.nodes:
            label = self.widest.get(name, attrs.get("label", ""))
            width = text_width(label, self.fontsize) + 8 * label.count("<TD")
            sizes[name] = (width, self.fontsize * 2.2)
        edges = [(tail, head) for tail, head, _ in self.edges]
        return auto_rankdir(sizes, edges, self.fontsize)

    def _layout(self, graph_attr: dict, node_attr: dict, edge_attr: dict) -> Layout | None:
        """The one layout of this step's pass: run `dot` once on the picture with every label
        at its widest, and keep it for the other frames. None when `dot` is not there."""
        assert self.step is not None
        record = getattr(self.step, "backward_pass", None)
        key = (graph_attr["rankdir"], self.fontsize, tuple(self.nodes_names()))
        cache = _LAYOUTS.setdefault(record, {}) if record is not None else {}
        if key in cache:
            return cache[key]
        widest = drawing_class()(
            graph_attr={**graph_attr, "label": legend(None, self.fontsize), "labelloc": "t"},
            node_attr=node_attr,
            edge_attr=edge_attr,
        )
        for name, attrs in self.nodes:
            widest.node(name, **{**attrs, "label": self.widest.get(name, attrs.get("label", ""))})
        for tail, head, attrs in self.edges:
            label = self.widest.get(attrs["id"])
            edge = {**attrs, self.edge_label: label} if label else attrs
            widest.edge(tail, head, **edge)
        try:
            layout = read_layout(widest.pipe(format="json0"), graph_attr["rankdir"])
        except GraphvizNotFoundError:
            layout = None  # the frames are still drawn, each laid out on its own
        cache[key] = layout
        return layout

    def nodes_names(self) -> list[str]:
        return [name for name, _ in self.nodes]

    # --- the statements ----------------------------------------------------------------------

    def _node(self, name: str, widest: str | None = None, **attrs: str) -> None:
        self.nodes.append((name, attrs))
        if widest is not None:
            self.widest[name] = widest

    def _edge_to(self, tail: str, head: str, widest: str | None = None, **attrs: str) -> None:
        edge_id = f"e{len(self.edges)}"
        self.edges.append((tail, head, {**attrs, "id": edge_id}))
        if widest is not None:
            self.widest[edge_id] = widest

    @property
    def edge_label(self) -> str:
        # dot makes room for an edge's `label`, a neat layout that grows slow past ~1,000
        # boxes; an `xlabel` is placed after the layout: a graph drawn past max_nodes needs it.
        return "label" if self.count() <= MAX_NODES else "xlabel"

    def _links(self) -> list[tuple[str, str]]:
        """Every link between vertices, from operand to result, one per edge drawn."""
        links = []
        for node in self.order:
            if node in self.made_by:
                links.append((self.made_by[node].name, self.vertex[node]))
            elif node not in self.hidden:
                links.extend((self.vertex[operand], self.vertex[node]) for operand in node._prev)
        for box in self.boxes:
            links.extend((self.vertex[node], box.name) for node in box.inputs)
        return links

    def _shows(self, vertex: str) -> bool:
        return self.shown is None or vertex in self.shown

    def _draw_value(self, i: int, node: Value) -> None:
        name = f"v{i}"
        shown_name = drawn_name(node, self.names)
        if self.step is None:
            self._node(name, label=_value_label(node, shown_name))
        else:
            self._node(
                name, **value_at_step(self.step, node, shown_name, self.ahead, self.fontsize)
            )
        if node in self.made_by:
            box = self.made_by[node]
            if self._shows(box.name):
                self._edge_to(box.name, name, **passing(node is self._current()))
            self._mark_cuts(name, name, f"from {box.title}", "use")
            return
        if node._op:
            op = f"op{i}"
            style = {} if self.step is None else op_style(self.step, node)
            if node._op == "linear":
                self._draw_linear(op, node, style)
            else:
                label = f"<{html_text(_op_text(node))}>"
                self._node(op, label=label, shape="ellipse", margin="0.05", **style)
                # One edge per operand, duplicates kept: a*a has two edges, each labelled.
                for k, (operand, local) in enumerate(zip(node._prev, node._local)):
                    if self._shows(self.vertex[operand]):
                        widest = None if self.ahead is None else self.ahead.carried(node, local)
                        edge = self._edge(node, k, local)
                        self._edge_to(self.vertex[operand], op, widest, **edge)
            self._edge_to(op, name)
            self._mark_cuts(name, op, "operand", "use")
        else:
            self._mark_cuts(name, name, "operand", "use")

    def _draw_linear(self, op: str, node: Value, style: dict[str, str]) -> None:
        """A linear node as a table of its terms, b + w1*x1 + ...: a cell per operand with its
        name, where its edge ends, and beside it the local derivative along that edge (x1 for
        w1, w1 for x1, 1 for b), so that no number can be read as another edge's. In a pass's
        frames, every cell keeps the width of its widest text, the table its size."""
        current = node is self._current()
        names, numbers = [], []
        colour = ""  # in a frame, cells keep black borders inside the table's coloured one
        if current or self.ahead is not None:
            colour = f' COLOR="{PASSING if current else "black"}"'
        fill = f' BGCOLOR="{FILL["current"]}"' if current else ""
        for k, (operand, local) in enumerate(zip(node._prev, node._local)):
            names.append(cell(html_text(self.names[operand]), None, f' PORT="p{k}"{fill}{colour}'))
            text = edge_number(local)
            if current:
                assert self.step is not None
                text = self.step.carried(self.step.contributions[k])
            width = None
            if self.ahead is not None:
                width = text_width(self.ahead.carried(node, local), self.fontsize) + 16
            numbers.append(cell(html_text(text), width, fill + colour))
        header = f"{html_text(_op_text(node))} = {_terms(node)}"
        table = '<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="3">'
        if style.get("fillcolor"):
            table = table.replace("<TABLE", f'<TABLE BGCOLOR="{style["fillcolor"]}"')
        if current or self.ahead is not None:  # the same border in every frame
            edge = PASSING if current else style.get("fillcolor", MUTED)  # grey, not white
            table = table.replace('BORDER="0"', f'BORDER="2" COLOR="{edge}"', 1)
        # Built once the direction is known (drawing()): a row of columns from top to bottom,
        # a column of rows from left to right, so that every edge comes straight at its cell.
        self.linear[op] = (names, numbers, header, table)
        attrs = {"class": style["class"]} if "class" in style else {}
        self._node(op, label=_linear_table(names, numbers, header, table, False), **attrs)
        for k, operand in enumerate(node._prev):
            if self._shows(self.vertex[operand]):
                self._edge_to(self.vertex[operand], op, headport=f"p{k}", **passing(current))

    def _draw_box(self, box: Box) -> None:
        label = f"<<B>{html_text(box.title)}</B><BR/>{_count(box.parameters, 'parameter')}>"
        style = {"shape": "box", "style": "rounded,filled", "fillcolor": _MODULE_FILL}
        style["class"] = "module"  # and at a step, its state: `module current`
        passed: dict[Value, list[float]] = {}  # input -> what this step passes it from inside
        if self.step is not None:
            state = box_state(self.step, box)
            style.update({"fillcolor": FILL[state], "class": f"module {state}"})
            style.update(color=PASSING if state == "current" else "black", penwidth="2.5")
            if state == "current":
                for c in self.step.contributions:
                    passed.setdefault(c.operand, []).append(c.contribution)
        self._node(box.name, label=label, **style)
        for node in box.inputs:
            if self._shows(self.vertex[node]):
                amounts = passed.get(node)
                edge = passing(bool(amounts))
                if amounts:
                    edge[self.edge_label] = " + ".join(term(a) for a in amounts)
                widest = None if self.ahead is None else self._widest_into_box(box, node)
                self._edge_to(self.vertex[node], box.name, widest, **edge)
        self._mark_cuts(box.name, box.name, "input", "output")

    def _widest_into_box(self, box: Box, node: Value) -> str:
        """The widest label the edge from input `node` into `box` gets in the pass."""
        assert self.ahead is not None
        texts = [""]
        for inner in box.hidden:
            upstream = plain(self.ahead.grads[inner])
            amounts = [plain(d) * upstream for x, d in zip(inner._prev, inner._local) if x is node]
            texts.append(" + ".join(term(a) for a in amounts))
        return max(texts, key=len)

    def _mark_cuts(self, vertex: str, into: str, inward: str, outward: str) -> None:
        """Dashed edges for the links that keep_around cut: from `… 2 operands` into `into`
        (the vertex's op, or the vertex), and from the vertex to `… 3 uses`. An `inward`
        starting with `from` is a whole text, for a module's output: `… from ReLUNeuron(2)`."""
        cut_node = {"shape": "plaintext", "fontcolor": MUTED, "class": "cut"}
        if vertex in self.notes:  # the points of a batch left out, joined here
            self._node(f"{vertex}_more", label=self.notes[vertex], **cut_node)
            self._edge_to(f"{vertex}_more", into, **_CUT_EDGE)
        if self.cut_in[vertex]:
            count = self.cut_in[vertex]
            text = inward if inward.startswith("from ") else _count(count, inward)
            self._node(f"{vertex}_in", label=f"… {text}", **cut_node)
            self._edge_to(f"{vertex}_in", into, **_CUT_EDGE)
        if self.cut_out[vertex]:
            text = _count(self.cut_out[vertex], outward)
            self._node(f"{vertex}_out", label=f"… {text}", **cut_node)
            self._edge_to(vertex, f"{vertex}_out", **_CUT_EDGE)

    def _current(self) -> Value | None:
        return None if self.step is None else self.step.node

    def _edge(self, node: Value, k: int, local: Any) -> dict[str, str]:
        """The edge from node's k-th operand: its local derivative, and at the step of node,
        what it carries back: `local × upstream = contribution`."""
        if node is not self._current():
            return {self.edge_label: edge_number(local)}
        assert self.step is not None
        carried = self.step.carried(self.step.contributions[k])
        return {self.edge_label: carried, **passing(True)}


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _value_label(node: Value, name: str) -> str:
    """A one-row HTML-like table, `name | data | grad`; Graphviz escapes it like XML."""
    cells = (html_text(name), f"data {number(node.data)}", f"grad {number(plain(node.grad))}")
    return table_label(cells)


def _linear_table(
    names: list[str], numbers: list[str], header: str, table: str, vertical: bool
) -> str:
    """A linear node's table: the operands' names (where their edges end) beside or above
    the local derivatives, and the sum it computes."""
    if vertical:
        rows = [f'<TR><TD COLSPAN="2">{header}</TD></TR>']
        rows += [f"<TR>{name}{number}</TR>" for name, number in zip(names, numbers)]
    else:
        rows = [f"<TR>{''.join(names)}</TR>", f"<TR>{''.join(numbers)}</TR>"]
        rows.append(f'<TR><TD COLSPAN="{len(names)}">{header}</TD></TR>')
    return f"<{table}{''.join(rows)}</TABLE>>"


def _terms(node: Value) -> str:
    """`b + w1·x1 + w2·x2` for a linear node, `b + w1·x1 + … + w16·x16` past 3 inputs."""
    n = (len(node._prev) - 1) // 2
    terms = [f"w{i}·x{i}" for i in range(1, n + 1)]
    if n > 3:
        terms[1:-1] = ["…"]
    return " + ".join(["b", *terms])


def _op_text(node: Value) -> str:
    """The op as drawn: `*`, `tanh`, and with its constant argument `**2`, `leaky_relu(0.01)`."""
    if node._arg is None:
        return node._op
    if node._op == "**":
        return f"**{node._arg:g}"
    return f"{node._op}({node._arg:g})"
