"""Pictures of a graph of Values: `draw_dot` draws it with Graphviz, `draw_text` prints it.

Each value is a box `label | data | grad`; each op is a small node of its own; and the edge from
every operand into an op is labelled with the local derivative d(result)/d(operand), the number
the chain rule multiplies by on the way back. Nodes are named by their position in topological
order (never by id()), so the same graph always gives the same DOT text.

draw_dot can also draw the graph as it stood at one step of a stepped backward pass (`step=`,
see stepping.py), and keep a big graph readable: `collapse=` draws each given module (a
Neuron, a Layer) as one box, and `around=` draws only the nodes near one node.

Only draw_dot needs graphviz (the Python package, and its `dot` program to render), and it
imports it when called: `import autograd` needs nothing beyond the standard library.
"""

from __future__ import annotations

import functools
import html
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from autograd.engine import Value, topological_order

if TYPE_CHECKING:
    import graphviz

    from autograd.stepping import Step

RANKDIRS = ("TB", "LR", "BT", "RL")  # top to bottom, left to right, bottom to top, right to left

INSTALL_HINT = (
    "Graphviz's `dot` program was not found on PATH: install it with `apt-get install graphviz`"
    " (Debian/Ubuntu) or `brew install graphviz` (macOS), see https://graphviz.org/download/"
    " (draw_text(root) shows the graph without it)"
)


class GraphvizNotFoundError(RuntimeError):
    """A drawing was rendered, but Graphviz's `dot` program is not installed."""


class HasParameters(Protocol):
    """What `collapse=` takes: a module, anything with parameters() (nn.Neuron, nn.Layer...)."""

    def parameters(self) -> Sequence[Value]: ...


def draw_dot(
    root: Value,
    rankdir: str = "LR",
    *,
    format: str = "svg",
    step: Step | None = None,
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
    _check_root(root, "draw_dot")
    if rankdir not in RANKDIRS:
        raise ValueError(
            f"rankdir must be one of {', '.join(map(repr, RANKDIRS))} (top to bottom, left to"
            f" right, bottom to top, right to left); got {rankdir!r}"
        )
    order = topological_order(root)
    if step is not None:
        _check_step(step, root)
    boxes = _module_boxes(collapse, order, root)
    graph_attr = {"rankdir": rankdir}
    if step is not None:  # a title line and a legend above the graph
        graph_attr.update(label=_legend(step), labelloc="t")
    drawing = _drawing_class()(
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


def draw_text(root: Value) -> str:
    """The graph behind `root` as text, one line per node, operands first (root last).

    Each line reads `name = what computed it  data ...  grad ...`, and for an op the local
    derivative along each edge, e.g. `e = a * b  data -6.0000  grad -2.0000  local [a: -3, b: 2]`.
    A node without a label is named by its position in this list, like `#3`.
    """
    _check_root(root, "draw_text")
    order = topological_order(root)
    names = node_names(order)
    rows = []
    for node in order:
        if node._op:
            computed = expression(node, names)
            edges = zip(node._prev, node._local)
            local = ", ".join(f"{names[operand]}: {_edge_number(d)}" for operand, d in edges)
            local = f"local [{local}]"
        else:
            computed, local = "leaf", ""
        rows.append((names[node], computed, _number(node.data), _number(_plain(node.grad)), local))

    # Align the columns; a very long expression (a sum of many terms) just sticks out.
    name_w = max(len(row[0]) for row in rows)
    computed_w = min(max(len(row[1]) for row in rows), 40)
    data_w = max(len(row[2]) for row in rows)
    grad_w = max(len(row[3]) for row in rows)
    lines = [
        f"{name:<{name_w}} = {computed:<{computed_w}}  data {data:>{data_w}}"
        f"  grad {grad:>{grad_w}}  {local}".rstrip()
        for name, computed, data, grad, local in rows
    ]
    return "\n".join(lines)


@functools.cache
def _drawing_class() -> type[graphviz.Digraph]:
    """graphviz.Digraph, but rendering without `dot` fails with one line saying how to get it.

    Built on first use so that graphviz is imported only when something is drawn.
    """
    try:
        import graphviz
    except ImportError:
        raise ImportError(
            "draw_dot needs the graphviz Python package: install it with `pip install graphviz`"
            " (draw_text(root) shows the graph without it)"
        ) from None

    class Drawing(graphviz.Digraph):
        # Jupyter's display (_repr_mimebundle_) calls pipe(), and view() calls render().
        def pipe(self, *args: Any, **kwargs: Any) -> bytes | str:
            try:
                return super().pipe(*args, **kwargs)
            except graphviz.ExecutableNotFound:
                raise GraphvizNotFoundError(INSTALL_HINT) from None

        def render(self, *args: Any, **kwargs: Any) -> str:
            try:
                return super().render(*args, **kwargs)
            except graphviz.ExecutableNotFound:
                raise GraphvizNotFoundError(INSTALL_HINT) from None

    return Drawing


def _check_root(root: Any, caller: str) -> None:
    if not isinstance(root, Value):
        raise TypeError(
            f"{caller}() takes a Value, the output of a computation such as `loss`;"
            f" got {type(root).__name__}: {root!r}"
        )


def _check_step(step: Any, root: Value) -> None:
    from autograd.stepping import Step  # here, not at the top: stepping imports this module

    if not isinstance(step, Step):
        raise TypeError(
            f"step= takes a Step from backward_steps(root); got {type(step).__name__}: {step!r}"
        )
    if step.root is not root:
        raise ValueError(
            f"this step is from the backward pass of another graph (its root is"
            f" {step.name(step.root)!r}); draw it with step.draw(), or pass that root"
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


# --- drawing at a step of a backward pass -------------------------------------------------------

# Where a node's gradient stands at the step (Step.state): fill colour and legend.
_FILL = {"final": "#c8e6c9", "current": "#ffb74d", "partial": "#fff59d", "unreached": "#ffffff"}
_LEGEND = {
    "final": "grad final",
    "current": "passing its grad on",
    "partial": "grad so far",
    "unreached": "nothing yet: grad ?",
}
_PASSING = "#d84315"  # this step's node's border, and the edges carrying its contributions
_MUTED = "#757575"  # text of nodes not reached yet, and of cut edges
_MODULE_FILL = "#e3f2fd"


def _legend(step: Step) -> str:
    """The graph's label: the step's title line over a key to the colours."""
    keys = "".join(f'<TD BORDER="1" BGCOLOR="{_FILL[s]}">{_LEGEND[s]}</TD>' for s in _FILL)
    edge = f'<TD><FONT COLOR="{_PASSING}">edges: local × upstream = contribution</FONT></TD>'
    title = f'<TD COLSPAN="5"><B>{_html(step.title())}</B></TD>'
    return f'<<TABLE BORDER="0" CELLSPACING="4"><TR>{title}</TR><TR>{keys}{edge}</TR></TABLE>>'


def _grad_at(step: Step, node: Value, state: str) -> str:
    """The grad cell at a step: `grad ?`, `grad so far 2.0000`, `grad 2 + 2 = 4.0000`."""
    if state == "unreached":
        return "grad ?"
    terms = step.received(node)
    text = _number(step.grad(node))
    if len(terms) > 1:  # a node that feeds several ops: show what was summed
        shown = [_term(t) for t in terms] if len(terms) <= 4 else [_term(t) for t in terms[:3]]
        if len(terms) > 4:
            shown.append(f"… ({len(terms)} terms)")
        text = f"{' + '.join(shown)} = {text}"
    return f"grad so far {text}" if state == "partial" else f"grad {text}"


def _term(x: float) -> str:
    text = compact(x)
    return f"({text})" if text.startswith("-") else text  # 2 + (-3), not 2 + -3


# --- collapsing modules -------------------------------------------------------------------------


@dataclass
class _Box:
    """A module drawn as one box, between the nodes it takes and the nodes it gives."""

    name: str  # its name in the DOT text: m0, m1... in the order given to collapse=
    title: str  # ReLUNeuron(2), Layer of 16 neurons
    parameters: int
    hidden: set[Value]  # drawn inside the box: its parameters and the nodes computed in it
    inputs: list[Value]  # nodes from outside that it takes, in topological order
    outputs: list[Value]  # its nodes used outside it (or the root): drawn, made by the box


def _module_boxes(collapse: Any, order: list[Value], root: Value) -> list[_Box]:
    modules = [collapse] if hasattr(collapse, "parameters") else collapse
    try:
        modules = list(modules)
    except TypeError:
        raise TypeError(
            f"collapse= takes modules (a Neuron, a Layer: anything with parameters()) or one"
            f" module; got {type(collapse).__name__}"
        ) from None
    in_graph = set(order)
    boxes: list[_Box] = []
    owner: dict[Value, _Box] = {}
    for k, module in enumerate(modules):
        if not callable(getattr(module, "parameters", None)):
            raise TypeError(
                f"collapse= takes modules (anything with parameters()); got"
                f" {type(module).__name__}: {module!r}"
            )
        box = _module_box(module, f"m{k}", order, in_graph, root)
        members = box.hidden.union(box.outputs)
        for node in order:  # in order, so that the message is always the same
            if node in members:
                other = owner.setdefault(node, box)
                if other is not box:
                    raise ValueError(
                        f"collapse=: {other.title} and {box.title} share nodes (is one inside"
                        " the other, or is a module given twice?); collapse one of them"
                    )
        boxes.append(box)
    return boxes


def _module_box(
    module: HasParameters, name: str, order: list[Value], in_graph: set[Value], root: Value
) -> _Box:
    """The nodes a module computed in this graph, found from its parameters.

    A node that takes one of its parameters is the module's (w*x), and whatever else such a
    node takes is an input (x). From there a node is the module's when everything it takes
    is the module's or an input (the sum of the w*x and b, the relu of that sum); the walk
    stops at a node that takes anything else too (the next layer's weights). A module called
    several times is one box for all its calls. A graph cannot tell a one-operand op applied
    to the module's output (out.tanh() after a linear neuron) from the module's own
    activation: it is drawn inside the box.
    """
    title = _module_title(module)
    parameters = list(module.parameters())
    own = {p for p in parameters if p in in_graph}
    if not own:
        raise ValueError(
            f"{title} is not in this graph: none of its {len(parameters)} parameters is behind"
            " root (was the graph computed by another model?)"
        )
    # First walk: the nodes computed from a parameter, and the inputs of those that take one.
    from_parameters = set(own)
    takes_parameter = set()
    inputs = set()
    for node in order:
        if any(operand in from_parameters for operand in node._prev):
            from_parameters.add(node)
            if any(operand in own for operand in node._prev):
                takes_parameter.add(node)
                inputs.update(x for x in node._prev if x not in from_parameters)
    # Second walk: the module's nodes.
    for node in order:
        if node in takes_parameter or (
            node in from_parameters and all(x in own or x in inputs for x in node._prev)
        ):
            own.add(node)
    used_outside = {x for node in order if node not in own for x in node._prev if x in own}
    outputs = [node for node in order if node in own and (node in used_outside or node is root)]
    return _Box(
        name=name,
        title=title,
        parameters=len(parameters),
        hidden=own.difference(outputs),
        inputs=[node for node in order if node in inputs],
        outputs=outputs,
    )


def _module_title(module: HasParameters) -> str:
    """`ReLUNeuron(2)` (its repr, when short), `Layer of 16 neurons`, `MLP of 3 layers`."""
    for part in ("neurons", "layers"):
        items = getattr(module, part, None)
        if isinstance(items, list):
            noun = part if len(items) != 1 else part[:-1]
            return f"{type(module).__name__} of {len(items)} {noun}"
    text = repr(module)
    return text if len(text) <= 40 else type(module).__name__


# --- the picture --------------------------------------------------------------------------------

_CUT_NODE = {"shape": "plaintext", "fontcolor": _MUTED, "fontsize": "10", "class": "cut"}
_CUT_EDGE = {"style": "dashed", "color": _MUTED, "class": "cut"}


class _Picture:
    """Writes draw_dot's DOT statements, node after node in topological order.

    Each node is drawn as its own box (`v3`, made by its op `op3`) or is hidden in a module's
    box (`m0`). Those drawn things are the vertices of the picture; `keep_around` walks the
    links between them.
    """

    def __init__(
        self, drawing: graphviz.Digraph, order: list[Value], boxes: list[_Box], step: Step | None
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
            self.drawing.node(name, **self._value_at_step(node))
        if node in self.made_by:
            box = self.made_by[node]
            if self._shows(box.name):
                self.drawing.edge(box.name, name, **self._passing(node is self._current()))
            self._mark_cuts(name, name, f"from {box.title}", "use")
            return
        if node._op:
            op = f"op{i}"
            op_label = f"<{_html(_op_text(node))}>"
            self.drawing.node(op, op_label, shape="ellipse", margin="0.05", **self._op_style(node))
            self.drawing.edge(op, name)
            # One edge per operand, duplicates kept: a*a has two edges, each with its own label.
            for k, (operand, local) in enumerate(zip(node._prev, node._local)):
                if self._shows(self.vertex[operand]):
                    self.drawing.edge(self.vertex[operand], op, **self._edge(node, k, local))
            self._mark_cuts(name, op, "operand", "use")
        else:
            self._mark_cuts(name, name, "operand", "use")

    def _draw_box(self, box: _Box) -> None:
        label = f"<<B>{_html(box.title)}</B><BR/>{box.parameters} parameters>"
        style = {"shape": "box", "style": "rounded,filled", "fillcolor": _MODULE_FILL}
        style["class"] = "module"  # and at a step, its state: `module current`
        passing: dict[Value, list[float]] = {}  # input -> what this step passes it from inside
        if self.step is not None:
            state = self._box_state(box)
            style.update({"fillcolor": _FILL[state], "class": f"module {state}"})
            if state == "current":
                style.update(color=_PASSING, penwidth="2.5")
                for c in self.step.contributions:
                    passing.setdefault(c.operand, []).append(c.contribution)
        self.drawing.node(box.name, label, **style)
        for node in box.inputs:
            if self._shows(self.vertex[node]):
                amounts = passing.get(node)
                edge = self._passing(bool(amounts))
                if amounts:
                    edge[self.edge_label] = " + ".join(_term(a) for a in amounts)
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

    # --- the step's colours; without a step these add nothing ---

    def _current(self) -> Value | None:
        return None if self.step is None else self.step.node

    def _value_at_step(self, node: Value) -> dict[str, str]:
        assert self.step is not None
        state = self.step.state(node)
        cells = (
            _html(node.label or self.step.name(node)),  # unlabelled: `#3`, as the title says
            f"data {_number(node.data)}",
            _html(_grad_at(self.step, node, state)),
        )
        border = f'BORDER="2" COLOR="{_PASSING}"' if state == "current" else 'BORDER="0"'
        table = (
            f'<TABLE {border} CELLBORDER="1" CELLSPACING="0" CELLPADDING="4"'
            f' BGCOLOR="{_FILL[state]}">'
        )
        style = {"label": _table_label(cells, table), "class": state}
        if state == "unreached":
            style["fontcolor"] = _MUTED
        return style

    def _op_style(self, node: Value) -> dict[str, str]:
        if self.step is None:
            return {}
        state = self.step.state(node)
        if state not in ("final", "current"):
            return {"class": state}
        style = {"style": "filled", "fillcolor": _FILL[state], "class": state}
        if state == "current":
            style.update(color=_PASSING, penwidth="2.5")
        return style

    def _edge(self, node: Value, k: int, local: Any) -> dict[str, str]:
        """The edge from node's k-th operand: its local derivative, and at the step of node,
        what it carries back: `local × upstream = contribution`."""
        if node is not self._current():
            return {self.edge_label: _edge_number(local)}
        assert self.step is not None
        carried = self.step.carried(self.step.contributions[k])
        return {self.edge_label: carried, **self._passing(True)}

    def _passing(self, passing: bool) -> dict[str, str]:
        if not passing:
            return {}
        return {
            "color": _PASSING,
            "fontcolor": _PASSING,
            "penwidth": "2.5",
            "class": "contribution",
        }

    def _box_state(self, box: _Box) -> str:
        assert self.step is not None
        states = {self.step.state(node) for node in box.hidden}
        if "current" in states:
            return "current"
        if states == {"final"}:
            return "final"
        return "partial" if states & {"final", "partial"} else "unreached"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _value_label(node: Value) -> str:
    """A one-row HTML-like table, `label | data | grad`; Graphviz escapes it like XML."""
    cells = (
        _html(node.label),
        f"data {_number(node.data)}",
        f"grad {_number(_plain(node.grad))}",
    )
    return _table_label(cells)


def _table_label(cells: Sequence[str], table: str | None = None) -> str:
    row = "".join(f"<TD>{cell}</TD>" for cell in cells)
    return f"<{table or _TABLE}<TR>{row}</TR></TABLE>>"


_TABLE = '<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4">'


def _op_text(node: Value) -> str:
    """The op as drawn: `*`, `tanh`, and with its constant argument `**2`, `leaky_relu(0.01)`."""
    if node._arg is None:
        return node._op
    if node._op == "**":
        return f"**{node._arg:g}"
    return f"{node._op}({node._arg:g})"


def expression(node: Value, names: dict[Value, str]) -> str:
    """What computed `node`, for draw_text: `a * b`, `x ** 2`, `tanh(n)`, `leaky_relu(x, 0.01)`."""
    args = [names[operand] for operand in node._prev]
    if node._arg is not None:
        args.append(f"{node._arg:g}")
    if len(args) == 2 and not node._op.isidentifier():  # a symbol between its two arguments
        return f"{args[0]} {node._op} {args[1]}"
    return f"{node._op}({', '.join(args)})"


def node_names(order: list[Value]) -> dict[Value, str]:
    """Each node's name in draw_text: its label, made one line; `#i` when it has none."""
    counts = Counter(node.label for node in order)
    names = {}
    for i, node in enumerate(order):
        label = _visible(node.label)
        if not label:
            names[node] = f"#{i}"
        elif counts[node.label] > 1:
            names[node] = f"{label}#{i}"  # several nodes share this label: tell them apart
        else:
            names[node] = label
    return names


def _number(x: float) -> str:
    # 4 decimals as in micrograd's lecture; past a million, an exponent keeps the box narrow.
    return f"{x:.4f}" if abs(x) < 1e6 else f"{x:.4e}"


def compact(x: float) -> str:
    """A number in 4 significant digits, as the steps show them: -3, 0.5, 0.4199."""
    return f"{x + 0.0:.4g}"  # + 0.0 turns -0.0 into 0.0: `0 × -2 = 0`, not `= -0`


def _edge_number(local: Any) -> str:
    return f"{_plain(local):.4g}"  # compact: -3, 0.5, 0.4199


def _plain(x: Any) -> float:
    return x.data if isinstance(x, Value) else x  # a derivative kept as a Value (higher order)


def _html(text: str) -> str:
    """`text` as the content of an HTML-like label cell: XML-escaped, newlines as line breaks."""
    lines = (html.escape(_visible(line)) for line in text.split("\n"))
    # Graphviz reads backslashes even in HTML-like labels (`\N` is the node's name): double them.
    return "<BR/>".join(line.replace("\\", "\\\\") for line in lines)


# Characters that XML (hence Graphviz's HTML-like labels) rejects or a terminal would act on
# rather than show: control characters, lone surrogates, line separators, U+FFFE and U+FFFF.
_HIDDEN = frozenset(("Cc", "Cs", "Zl", "Zp"))


def _visible(text: str) -> str:
    """`text` with each hidden character spelled as Python would escape it: a tab becomes `\\t`."""
    if text.isprintable():  # the common case, and quick
        return text
    return "".join(
        repr(ch)[1:-1] if unicodedata.category(ch) in _HIDDEN or ch in "\ufffe\uffff" else ch
        for ch in text
    )
