"""How the drawings write a node: its name, its numbers, and text made safe for a label.

The bottom of the drawing package: draw_text, draw_dot and the steps of a stepped backward
pass (stepping.py) all name nodes and format numbers with these functions, so a node reads the
same in every view. Nodes are named by their position in topological order (never by id()), so
the same graph always gives the same text.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from typing import Any

from autograd.engine import Value


def check_root(root: Any, caller: str) -> None:
    if not isinstance(root, Value):
        raise TypeError(
            f"{caller}() takes a Value, the output of a computation such as `loss`;"
            f" got {type(root).__name__}: {root!r}"
        )


def node_names(order: list[Value]) -> dict[Value, str]:
    """Each node's name in draw_text: its label, made one line; `#i` when it has none."""
    counts = Counter(node.label for node in order)
    names = {}
    for i, node in enumerate(order):
        label = visible(node.label)
        if not label:
            names[node] = f"#{i}"
        elif counts[node.label] > 1:
            names[node] = f"{label}#{i}"  # several nodes share this label: tell them apart
        else:
            names[node] = label
    return names


def drawn_name(node: Value, names: dict[Value, str]) -> str:
    """The name a drawing writes in node's box: its label as it is (a newline breaks the line)
    when it names this node alone, else its name from node_names (`#3`, `w#5`)."""
    name = names[node]
    return node.label if node.label and name == visible(node.label) else name


def expression(node: Value, names: dict[Value, str]) -> str:
    """What computed `node`, for draw_text: `a * b`, `x ** 2`, `tanh(n)`, `leaky_relu(x, 0.01)`."""
    args = [names[operand] for operand in node._prev]
    if node._arg is not None:
        args.append(f"{node._arg:g}")
    if len(args) == 2 and not node._op.isidentifier():  # a symbol between its two arguments
        return f"{args[0]} {node._op} {args[1]}"
    return f"{node._op}({', '.join(args)})"


# --- numbers ------------------------------------------------------------------------------------


def number(x: float) -> str:
    """A node's data or grad as its box shows it: 2.0000, 1.0000e-06, 1.0000e+300."""
    # 4 decimals as in micrograd's lecture; past a million an exponent keeps the box narrow,
    # and below 0.001 it keeps the digits: a vanishing 1e-06 must not read 0.0000.
    if x == 0 or 1e-3 <= abs(x) < 1e6 or x != x:  # x != x: nan
        return f"{x + 0.0:.4f}"  # + 0.0: -0.0 (the target -y for y = 0) reads 0.0000
    return f"{x:.4e}"


def compact(x: float) -> str:
    """A number in 4 significant digits, as the steps show them: -3, 0.5, 0.4199."""
    return f"{x + 0.0:.4g}"  # + 0.0 turns -0.0 into 0.0: `0 × -2 = 0`, not `= -0`


def edge_number(local: Any) -> str:
    """A local derivative, as an edge shows it."""
    return f"{plain(local):.4g}"  # compact: -3, 0.5, 0.4199


def carried(local: float, upstream: float, contribution: float) -> str:
    """What an edge carries back at its op's step, as the chain rule computes it: `1 × -2 = -2`."""
    return f"{compact(local)} × {compact(upstream)} = {compact(contribution)}"


def plain(x: Any) -> float:
    return x.data if isinstance(x, Value) else x  # a derivative kept as a Value (higher order)


# How wide a character is drawn, in font sizes, at most: the metrics of DejaVu Serif, the
# widest of the serif fonts `dot` falls back on (Times itself is narrower). An upper bound,
# so that a cell given this width holds its text whatever the font.
_WIDTHS = {" ": 0.32, ".": 0.32, ",": 0.32, "-": 0.4, "(": 0.4, ")": 0.4, "×": 0.84, "=": 0.84}
_WIDEST = 0.66  # digits and most letters


def text_width(text: str, fontsize: float) -> float:
    """An estimate of how wide `text` is drawn (the widest of its lines; tags stripped)."""
    plain = re.sub(r"<[^>]*>", "", text)
    lines = re.split(r"<BR/>|\n", plain) if plain else [""]
    return max(sum(_WIDTHS.get(ch, _WIDEST) for ch in line) for line in lines) * fontsize


def cell(text: str, width: float | None = None, extra: str = "") -> str:
    """A table cell; with `width`, one that many points wide whatever its text, so that a
    box has the same size in every frame of a pass."""
    fixed = f' WIDTH="{round(width)}"' if width is not None else ""
    return f"<TD{fixed}{extra}>{text}</TD>"


# --- text safe for a label ----------------------------------------------------------------------


def html_text(text: str) -> str:
    """`text` as the content of an HTML-like label cell: XML-escaped, newlines as line breaks."""
    lines = (html.escape(visible(line)) for line in text.split("\n"))
    # Graphviz reads backslashes even in HTML-like labels (`\N` is the node's name): double them.
    return "<BR/>".join(line.replace("\\", "\\\\") for line in lines)


TABLE = '<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4">'


def table_label(cells: Sequence[str], table: str | None = None) -> str:
    """An HTML-like label of one row, a cell per text (already made safe with html_text)."""
    row = "".join(f"<TD>{cell}</TD>" for cell in cells)
    return f"<{table or TABLE}<TR>{row}</TR></TABLE>>"


# Characters that XML (hence Graphviz's HTML-like labels) rejects or a terminal would act on
# rather than show: control characters, lone surrogates, line separators, U+FFFE and U+FFFF.
_HIDDEN = frozenset(("Cc", "Cs", "Zl", "Zp"))
# Bidirectional controls reorder the text around them: `w\u202eevil` would show as `wlive`.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def visible(text: str) -> str:
    """`text` with each hidden character spelled as Python would escape it: a tab becomes `\\t`."""
    if text.isprintable():  # the common case, and quick
        return text
    return "".join(
        repr(ch)[1:-1]
        if unicodedata.category(ch) in _HIDDEN or ch in _BIDI or ch in "\ufffe\uffff"
        else ch
        for ch in text
    )
