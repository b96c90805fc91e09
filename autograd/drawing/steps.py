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
from autograd.drawing.names import compact, html_text, number, table_label
from autograd.engine import Value


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
    "current": "passing its grad on",
    "partial": "grad so far",
    "unreached": "nothing yet: grad ?",
}
PASSING = "#d84315"  # this step's node's border, and the edges carrying its contributions
MUTED = "#757575"  # text of nodes not reached yet, and of cut edges


def legend(step: DrawnStep) -> str:
    """The graph's label: the step's title line over a key to the colours."""
    keys = "".join(f'<TD BORDER="1" BGCOLOR="{FILL[s]}">{_LEGEND[s]}</TD>' for s in FILL)
    edge = f'<TD><FONT COLOR="{PASSING}">edges: local × upstream = contribution</FONT></TD>'
    title = f'<TD COLSPAN="5"><B>{html_text(step.title())}</B></TD>'
    return f'<<TABLE BORDER="0" CELLSPACING="4"><TR>{title}</TR><TR>{keys}{edge}</TR></TABLE>>'


def value_at_step(step: DrawnStep, node: Value) -> dict[str, str]:
    """A value's box at the step: filled by its state, its grad cell as `grad_at` writes it."""
    state = step.state(node)
    cells = (
        html_text(node.label or step.name(node)),  # unlabelled: `#3`, as the title says
        f"data {number(node.data)}",
        html_text(grad_at(step, node, state)),
    )
    border = f'BORDER="2" COLOR="{PASSING}"' if state == "current" else 'BORDER="0"'
    table = (
        f'<TABLE {border} CELLBORDER="1" CELLSPACING="0" CELLPADDING="4" BGCOLOR="{FILL[state]}">'
    )
    style = {"label": table_label(cells, table), "class": state}
    if state == "unreached":
        style["fontcolor"] = MUTED
    return style


def grad_at(step: DrawnStep, node: Value, state: str) -> str:
    """The grad cell at a step: `grad ?`, `grad so far 2.0000`, `grad 2 + 2 = 4.0000`."""
    if state == "unreached":
        return "grad ?"
    terms = step.received(node)
    text = number(step.grad(node))
    if len(terms) > 1:  # a node that feeds several ops: show what was summed
        shown = [term(t) for t in terms] if len(terms) <= 4 else [term(t) for t in terms[:3]]
        if len(terms) > 4:
            shown.append(f"… ({len(terms)} terms)")
        text = f"{' + '.join(shown)} = {text}"
    return f"grad so far {text}" if state == "partial" else f"grad {text}"


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
