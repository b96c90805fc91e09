"""Pictures of a graph of Values: `draw_dot` draws it with Graphviz, `draw_text` prints it.

Each value is a box `label | data | grad`; each op is a small node of its own; and the edge from
every operand into an op is labelled with the local derivative d(result)/d(operand), the number
the chain rule multiplies by on the way back. Nodes are named by their position in topological
order (never by id()), so the same graph always gives the same DOT text.

Only draw_dot needs graphviz (the Python package, and its `dot` program to render), and it
imports it when called: `import autograd` needs nothing beyond the standard library.
"""

from __future__ import annotations

import functools
import html
import unicodedata
from collections import Counter
from typing import TYPE_CHECKING, Any

from autograd.engine import Value, topological_order

if TYPE_CHECKING:
    import graphviz

RANKDIRS = ("TB", "LR", "BT", "RL")  # top to bottom, left to right, bottom to top, right to left

INSTALL_HINT = (
    "Graphviz's `dot` program was not found on PATH: install it with `apt-get install graphviz`"
    " (Debian/Ubuntu) or `brew install graphviz` (macOS), see https://graphviz.org/download/"
    " (draw_text(root) shows the graph without it)"
)


class GraphvizNotFoundError(RuntimeError):
    """A drawing was rendered, but Graphviz's `dot` program is not installed."""


def draw_dot(root: Value, rankdir: str = "LR", *, format: str = "svg") -> graphviz.Digraph:
    """The graph behind `root` as a graphviz.Digraph, built without running `dot`.

    It shows inline in Jupyter; `.render()` saves it to a file, `.pipe(format="png")` returns
    the image bytes, and `.source` is its DOT text. `format` is the default for both.
    """
    _check_root(root, "draw_dot")
    if rankdir not in RANKDIRS:
        raise ValueError(
            f"rankdir must be one of {', '.join(map(repr, RANKDIRS))} (top to bottom, left to"
            f" right, bottom to top, right to left); got {rankdir!r}"
        )
    drawing = _drawing_class()(
        format=format,
        graph_attr={"rankdir": rankdir},
        node_attr={"shape": "plaintext", "margin": "0"},  # value boxes; op nodes override
        edge_attr={"fontsize": "10"},
    )
    order = topological_order(root)
    position = {node: i for i, node in enumerate(order)}
    # dot makes room for an edge's `label`, a neat layout that grows slow past ~1,000 nodes;
    # an `xlabel` is placed after the layout, which keeps a big graph to a few seconds.
    edge_label = "label" if len(order) <= 1000 else "xlabel"
    for i, node in enumerate(order):
        drawing.node(f"v{i}", _value_label(node))
        if not node._op:
            continue  # a leaf: no op made it
        drawing.node(f"op{i}", f"<{_html(_op_text(node))}>", shape="ellipse", margin="0.05")
        drawing.edge(f"op{i}", f"v{i}")
        # One edge per operand, duplicates kept: a*a has two edges from a, each with its own label.
        for operand, local in zip(node._prev, node._local):
            drawing.edge(f"v{position[operand]}", f"op{i}", **{edge_label: _edge_number(local)})
    return drawing


def draw_text(root: Value) -> str:
    """The graph behind `root` as text, one line per node, operands first (root last).

    Each line reads `name = what computed it  data ...  grad ...`, and for an op the local
    derivative along each edge, e.g. `e = a * b  data -6.0000  grad -2.0000  local [a: -3, b: 2]`.
    A node without a label is named by its position in this list, like `#3`.
    """
    _check_root(root, "draw_text")
    order = topological_order(root)
    names = _text_names(order)
    rows = []
    for node in order:
        if node._op:
            computed = _expression(node, names)
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


def _value_label(node: Value) -> str:
    """A one-row HTML-like table, `label | data | grad`; Graphviz escapes it like XML."""
    cells = (
        _html(node.label),
        f"data {_number(node.data)}",
        f"grad {_number(_plain(node.grad))}",
    )
    row = "".join(f"<TD>{cell}</TD>" for cell in cells)
    return f"<{_TABLE}<TR>{row}</TR></TABLE>>"


_TABLE = '<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4">'


def _op_text(node: Value) -> str:
    """The op as drawn: `*`, `tanh`, and with its constant argument `**2`, `leaky_relu(0.01)`."""
    if node._arg is None:
        return node._op
    if node._op == "**":
        return f"**{node._arg:g}"
    return f"{node._op}({node._arg:g})"


def _expression(node: Value, names: dict[Value, str]) -> str:
    """What computed `node`, for draw_text: `a * b`, `x ** 2`, `tanh(n)`, `leaky_relu(x, 0.01)`."""
    args = [names[operand] for operand in node._prev]
    if node._arg is not None:
        args.append(f"{node._arg:g}")
    if len(args) == 2 and not node._op.isidentifier():  # a symbol between its two arguments
        return f"{args[0]} {node._op} {args[1]}"
    return f"{node._op}({', '.join(args)})"


def _text_names(order: list[Value]) -> dict[Value, str]:
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
