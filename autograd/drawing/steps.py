"""Drawing at a step of a backward pass: what a picture reads from a step, and its colours.

draw_dot(root, step=step) draws the graph as it stood at one step of `backward_steps(root)`
(see stepping.py). Colours tell where each node's gradient stands: final, being passed on by
this step's node, a sum so far, or nothing yet (`grad ?`); a title line and a key sit above.

The steps come from stepping.py, which sits above this package (Step.draw() calls draw_dot).
So the drawing does not import Step: DrawnStep below says what it reads from one, and a Step
has all of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

from autograd.drawing.modules import Box
from autograd.drawing.names import (
    carried,
    cell,
    compact,
    html_text,
    number,
    plain,
    text_width,
)
from autograd.engine import Value, gradients


class DrawnContribution(Protocol):
    """What one edge carries back in a step (stepping.Contribution)."""

    @property
    def operand(self) -> Value: ...

    @property
    def contribution(self) -> float: ...


@runtime_checkable
class DrawnStep(Protocol):
    """What a picture reads from a step of a backward pass (stepping.Step)."""

    @property
    def root(self) -> Value: ...

    @property
    def node(self) -> Value: ...  # the node passing its gradient on

    @property
    def contributions(self) -> Sequence[DrawnContribution]: ...  # one per operand, in order

    def state(self, node: Value) -> str: ...  # "final", "current", "partial" or "unreached"

    def grad(self, node: Value) -> float | None: ...

    def received(self, node: Value) -> list[float]: ...

    def name(self, node: Value) -> str: ...

    def title(self) -> str: ...

    def carried(self, contribution: Any) -> str: ...  # `local × upstream = contribution`


def check_step(step: Any, root: Value) -> None:
    if not isinstance(step, DrawnStep):
        raise TypeError(
            f"step= takes a Step from backward_steps(root); got {type(step).__name__}: {step!r}"
        )
    if step.root is not root:
        raise ValueError(
            f"this step is from the backward pass of another graph (its root is"
            f" {step.name(step.root)!r}); draw it with step.draw(), or pass that root"
        )


# Where a node's gradient stands at the step (Step.state): fill colour and legend.
FILL = {"final": "#c8e6c9", "current": "#ffb74d", "partial": "#fff59d", "unreached": "#ffffff"}
_LEGEND = {
    "final": "grad final",
    "current": "passing it on",
    "partial": "grad so far",
    "unreached": "grad ?",
}
PASSING = "#d84315"  # this step's node's border, and the edges carrying its contributions
MUTED = "#757575"  # text of nodes not reached yet, and of cut edges


TITLE_WIDTH = 460  # points at 14 pt: the title lines wrap within it, and the key fits
TITLE_LINES = 3  # lines kept for the title, so that every frame of a pass has the same size


def legend(step: DrawnStep | None, fontsize: float = 14.0) -> str:
    """The graph's label: the step's title (wrapped, in a box of fixed size) over a key to the
    colours. Without a step, the box alone: the room a layout keeps for it."""
    keys = "".join(f'<TD BORDER="1" BGCOLOR="{FILL[s]}">{_LEGEND[s]}</TD>' for s in FILL)
    edge = "edges: local × upstream = contribution"
    edge = f'<TD COLSPAN="4"><FONT COLOR="{PASSING}">{edge}</FONT></TD>'
    scale = fontsize / 14.0
    width, height = round(TITLE_WIDTH * scale), round(TITLE_LINES * fontsize * 1.45)
    # Wrapped at 8.5 pt a character of bold 14 pt text, so that the lines fit TITLE_WIDTH.
    lines = wrap(step.title(), int(TITLE_WIDTH / 8.5)) if step is not None else []
    text = "<BR/>".join(html_text(line) for line in lines) or " "
    title = (
        f'<TD COLSPAN="4" FIXEDSIZE="TRUE" WIDTH="{width}" HEIGHT="{height}"'
        f' BALIGN="LEFT" ALIGN="LEFT"><B>{text}</B></TD>'
    )
    return (
        f'<<TABLE BORDER="0" CELLSPACING="4"><TR>{title}</TR><TR>{keys}</TR>'
        f"<TR>{edge}</TR></TABLE>>"
    )


def wrap(text: str, width: int) -> list[str]:
    """text in lines of at most `width` characters, broken at spaces."""
    lines: list[str] = []
    for word in text.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def value_at_step(
    step: DrawnStep, node: Value, name: str, ahead: WholePass | None = None, fontsize: float = 14
) -> dict[str, str]:
    """A value's box at the step: filled by its state, its grad cell as `grad_at` writes it.
    With `ahead` (the whole pass), the box has one size in every frame: its grad cell as wide
    as its widest text in the pass, and a border of 2 always, coloured while it passes on."""
    state = step.state(node)
    current = state == "current"
    grad = html_text(grad_at(step, node, state))
    # A card: name and data on a row, the grad under them (a sum of several contributions
    # on two lines), so that a box is as wide as its grad, not as its three texts side by side.
    if ahead is None:
        colour, width = "", None
        border = f'BORDER="2" COLOR="{PASSING}"' if current else 'BORDER="0"'
    else:
        colour = f' COLOR="{PASSING if current else "black"}"'
        width = text_width(ahead.widest_grad(node), fontsize) + 16  # and its padding
        if ahead.grad_lines(node) > 1 and "<BR/>" not in grad:  # as many lines in every frame
            grad += "<BR/>&#160;"
        # The border is drawn over the cells' right and bottom edges: white would open the
        # box of a node not reached yet, so that one is grey.
        edge = PASSING if current else MUTED if state == "unreached" else FILL[state]
        border = f'BORDER="2" COLOR="{edge}"'
    top = cell(html_text(name), None, colour) + cell(f"data {number(node.data)}", None, colour)
    bottom = cell(grad, width, f' COLSPAN="2"{colour}')
    label = f"<{_table(border, state)}<TR>{top}</TR><TR>{bottom}</TR></TABLE>>"
    style = {"label": label, "class": state}
    if state == "unreached":
        style["fontcolor"] = MUTED
    return style


def _table(border: str, state: str) -> str:
    return (
        f'<TABLE {border} CELLBORDER="1" CELLSPACING="0" CELLPADDING="4" BGCOLOR="{FILL[state]}">'
    )


def grad_at(step: DrawnStep, node: Value, state: str) -> str:
    """The grad cell at a step: `grad ?`, `grad so far 2.0000`, `grad 2 + 2 = 4.0000`."""
    if state == "unreached":
        return "grad ?"
    return grad_text(step.received(node), step.grad(node), state == "partial")


GRAD_LINE = 28  # characters: a longer sum goes on a line of its own, under the grad


def grad_text(terms: Sequence[float], total: float | None, partial: bool) -> str:
    """`grad so far 2.0000`, `grad 3 + 3 = 6.0000`; a long sum under its grad, on a second
    line (`grad so far 0.3921` over `= 0.1719 + 0.2202 + 0`), to keep the box narrow."""
    grad = "grad so far" if partial else "grad"
    text = number(total if total is not None else 0.0)
    if len(terms) < 2:
        return f"{grad} {text}"
    # A node that feeds several ops: show what was summed.
    shown = [term(t) for t in terms] if len(terms) <= 4 else [term(t) for t in terms[:3]]
    if len(terms) > 4:
        shown.append(f"… ({len(terms)} terms)")
    one_line = f"{grad} {' + '.join(shown)} = {text}"
    return one_line if len(one_line) <= GRAD_LINE else f"{grad} {text}\n= {' + '.join(shown)}"


class WholePass:
    """The whole backward pass of a graph, computed ahead (nothing written to .grad): what
    every node will receive, so that a layout can make room for the widest text of each."""

    def __init__(self, root: Value, visits: Sequence[Value]) -> None:
        """visits: the pass's order, every node after all its users (the steps' order)."""
        self.grads = gradients({root: 1.0})
        self.terms: dict[Value, list[float]] = {}  # node -> its contributions, in pass order
        for node in visits:
            upstream = self.grads[node]
            for operand, local in zip(node._prev, node._local):
                self.terms.setdefault(operand, []).append(plain(local) * plain(upstream))

    def widest_grad(self, node: Value) -> str:
        """The widest text node's grad cell shows in the pass (by characters of a line)."""
        return max(self._grad_texts(node), key=lambda text: max(map(len, text.split("\n"))))

    def grad_lines(self, node: Value) -> int:
        """How many lines node's grad cell has at most in the pass."""
        return max(text.count("\n") + 1 for text in self._grad_texts(node))

    def _grad_texts(self, node: Value) -> list[str]:
        terms = self.terms.get(node, [])
        texts = ["grad ?", grad_text(terms, self.grads[node], False)]
        total = 0.0
        for k, amount in enumerate(terms, 1):
            total += amount  # in the order the pass adds them
            texts.append(grad_text(terms[:k], total, True))
        return texts

    def carried(self, node: Value, local: Any) -> str:
        """What an edge into node's op carries at node's step: `local × upstream = it`."""
        upstream = plain(self.grads[node])
        return carried(plain(local), upstream, plain(local) * upstream)


def term(x: float) -> str:
    text = compact(x)
    return f"({text})" if text.startswith("-") else text  # 2 + (-3), not 2 + -3


def op_style(step: DrawnStep, node: Value) -> dict[str, str]:
    """An op's ellipse at the step: filled once its node's grad is final or being passed on."""
    state = step.state(node)
    if state not in ("final", "current"):
        return {"class": state}
    style = {"style": "filled", "fillcolor": FILL[state], "class": state}
    if state == "current":
        style.update(color=PASSING, penwidth="2.5")
    return style


def box_state(step: DrawnStep, box: Box) -> str:
    """A collapsed module's state: current while any node inside passes on, final when all did."""
    states = {step.state(node) for node in box.hidden}
    if "current" in states:
        return "current"
    if states == {"final"}:
        return "final"
    return "partial" if states & {"final", "partial"} else "unreached"


def passing(carries: bool) -> dict[str, str]:
    """The style of an edge carrying this step's contribution back; nothing for other edges."""
    if not carries:
        return {}
    return {
        "color": PASSING,
        "fontcolor": PASSING,
        "penwidth": "2.5",
        "class": "contribution",
    }
