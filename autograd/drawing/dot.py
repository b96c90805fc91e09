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

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from autograd.drawing.graphviz_backend import drawing_class
from autograd.drawing.modules import Box, HasParameters, module_boxes
from autograd.drawing.names import check_root, edge_number, html_text, number, plain, table_label
from autograd.drawing.steps import (
    FILL,
    MUTED,
    PASSING,
    DrawnStep,
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


def draw_dot(
    root: Value,
    rankdir: str = "LR",
    *,
    format: str = "svg",
    step: DrawnStep | None = None,
    collapse: HasParameters | Iterable[HasParameters] = (),
    around: Value | None = None,
    depth: int | None = None,
) -> graphviz.Digraph:
    """The graph behind `root` as a graphviz.Digraph, built without running `dot`.

    It shows inline in Jupyter; `.render()` saves it to a file, `.pipe(format="png")` returns
    the image bytes, and `.source` is its DOT text. `format` is the default for both.

    step: a Step of `backward_steps(root)`: the graph as it stood then (also `step.draw()`).
        Colours tell the nodes whose grad is final, the node passing its grad on, and those
        with a sum so far or `grad ?`; its edges read `local × upstream = contribution`; a
        grad summed from several contributions reads `grad 2 + 2 = 4.0000`; a title says
        what the step does.
    collapse: modules (or one) to draw as one box each, between their inputs and outputs.
    around, depth: draw only the nodes within `depth` edges of `around` (2 by default);
        a dashed `…` edge stands for the edges to nodes left out.
    """
    check_root(root, "draw_dot")
    if rankdir not in RANKDIRS:
        raise ValueError(
            f"rankdir must be one of {', '.join(map(repr, RANKDIRS))} (top to bottom, left to"
            f" right, bottom to top, right to left); got {rankdir!r}"
        )
    order = topological_order(root)
    if step is not None:
        check_step(step, root)
    boxes = module_boxes(collapse, order, root)
    graph_attr = {"rankdir": rankdir}
    if step is not None:  # a title line and a legend above the graph
        graph_attr.update(label=legend(step), labelloc="t")
    drawing = drawing_class()(
        format=format,
        graph_attr=graph_attr,
        node_attr={"shape": "plaintext", "margin": "0"},  # value boxes; op nodes override
        edge_attr={"fontsize": "10"},
    )
    picture = _Picture(drawing, order, boxes, step)
    if around is not None or depth is not None:
        picture.keep_around(_check_around(around, picture.vertex), _check_depth(depth))
    picture.draw()
    return drawing


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
_CUT_NODE = {"shape": "plaintext", "fontcolor": MUTED, "fontsize": "10", "class": "cut"}
_CUT_EDGE = {"style": "dashed", "color": MUTED, "class": "cut"}


class _Picture:
    """Writes draw_dot's DOT statements, node after node in topological order.

    Each node is drawn as its own box (`v3`, made by its op `op3`) or is hidden in a module's
    box (`m0`). Those drawn things are the vertices of the picture; `keep_around` walks the
    links between them.
    """

    def __init__(
        self,
        drawing: graphviz.Digraph,
        order: list[Value],
        boxes: list[Box],
        step: DrawnStep | None,
    ) -> None:
        self.drawing = drawing
        self.order = order
        self.boxes = boxes
        self.step = step
        self.hidden = {node: box for box in boxes for node in box.hidden}
        self.made_by = {node: box for box in boxes for node in box.outputs}  # the box is its op
        self.vertex = {
            node: self.hidden[node].name if node in self.hidden else f"v{i}"
            for i, node in enumerate(order)
        }
        self.shown: set[str] | None = None  # None: every vertex
        self.cut_in: Counter[str] = Counter()  # vertex -> links into it from vertices not shown
        self.cut_out: Counter[str] = Counter()  # vertex -> links from it to vertices not shown
        # dot makes room for an edge's `label`, a neat layout that grows slow past ~1,000 nodes;
        # an `xlabel` is placed after the layout, which keeps a big graph to a few seconds.
        self.edge_label = "label" if len(order) <= 1000 else "xlabel"

    def keep_around(self, centre: str, depth: int) -> None:
        """Keep only the vertices within `depth` links of `centre`, either way (breadth first)."""
        links = self._links()
        neighbours = defaultdict(list)
        for tail, head in links:
            neighbours[tail].append(head)
            neighbours[head].append(tail)
        shown = {centre}
        frontier = [centre]
        for _ in range(depth):
            reached = []
            for vertex in frontier:
                for neighbour in neighbours[vertex]:
                    if neighbour not in shown:
                        shown.add(neighbour)
                        reached.append(neighbour)
            frontier = reached
        self.shown = shown
        self.cut_in = Counter(head for tail, head in links if head in shown and tail not in shown)
        self.cut_out = Counter(tail for tail, head in links if tail in shown and head not in shown)

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
        if self.step is None:
            self.drawing.node(name, _value_label(node))
        else:
            self.drawing.node(name, **value_at_step(self.step, node))
        if node in self.made_by:
            box = self.made_by[node]
            if self._shows(box.name):
                self.drawing.edge(box.name, name, **passing(node is self._current()))
            self._mark_cuts(name, name, f"from {box.title}", "use")
            return
        if node._op:
            op = f"op{i}"
            op_label = f"<{html_text(_op_text(node))}>"
            style = {} if self.step is None else op_style(self.step, node)
            self.drawing.node(op, op_label, shape="ellipse", margin="0.05", **style)
            self.drawing.edge(op, name)
            # One edge per operand, duplicates kept: a*a has two edges, each with its own label.
            for k, (operand, local) in enumerate(zip(node._prev, node._local)):
                if self._shows(self.vertex[operand]):
                    self.drawing.edge(self.vertex[operand], op, **self._edge(node, k, local))
            self._mark_cuts(name, op, "operand", "use")
        else:
            self._mark_cuts(name, name, "operand", "use")

    def _draw_box(self, box: Box) -> None:
        label = f"<<B>{html_text(box.title)}</B><BR/>{box.parameters} parameters>"
        style = {"shape": "box", "style": "rounded,filled", "fillcolor": _MODULE_FILL}
        style["class"] = "module"  # and at a step, its state: `module current`
        passed: dict[Value, list[float]] = {}  # input -> what this step passes it from inside
        if self.step is not None:
            state = box_state(self.step, box)
            style.update({"fillcolor": FILL[state], "class": f"module {state}"})
            if state == "current":
                style.update(color=PASSING, penwidth="2.5")
                for c in self.step.contributions:
                    passed.setdefault(c.operand, []).append(c.contribution)
        self.drawing.node(box.name, label, **style)
        for node in box.inputs:
            if self._shows(self.vertex[node]):
                amounts = passed.get(node)
                edge = passing(bool(amounts))
                if amounts:
                    edge[self.edge_label] = " + ".join(term(a) for a in amounts)
                self.drawing.edge(self.vertex[node], box.name, **edge)
        self._mark_cuts(box.name, box.name, "input", "output")

    def _mark_cuts(self, vertex: str, into: str, inward: str, outward: str) -> None:
        """Dashed edges for the links that keep_around cut: from `… 2 operands` into `into`
        (the vertex's op, or the vertex), and from the vertex to `… 3 uses`. An `inward`
        starting with `from` is a whole text, for a module's output: `… from ReLUNeuron(2)`."""
        if self.cut_in[vertex]:
            count = self.cut_in[vertex]
            text = inward if inward.startswith("from ") else _count(count, inward)
            self.drawing.node(f"{vertex}_in", f"… {text}", **_CUT_NODE)
            self.drawing.edge(f"{vertex}_in", into, **_CUT_EDGE)
        if self.cut_out[vertex]:
            text = _count(self.cut_out[vertex], outward)
            self.drawing.node(f"{vertex}_out", f"… {text}", **_CUT_NODE)
            self.drawing.edge(vertex, f"{vertex}_out", **_CUT_EDGE)

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


def _value_label(node: Value) -> str:
    """A one-row HTML-like table, `label | data | grad`; Graphviz escapes it like XML."""
    cells = (
        html_text(node.label),
        f"data {number(node.data)}",
        f"grad {number(plain(node.grad))}",
    )
    return table_label(cells)


def _op_text(node: Value) -> str:
    """The op as drawn: `*`, `tanh`, and with its constant argument `**2`, `leaky_relu(0.01)`."""
    if node._arg is None:
        return node._op
    if node._op == "**":
        return f"**{node._arg:g}"
    return f"{node._op}({node._arg:g})"
