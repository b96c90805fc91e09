"""Collapsing modules: which nodes of a graph a module (a Neuron, a Layer) computed.

draw_dot(root, collapse=layer) draws each given module as one box between the nodes it takes
and the nodes it gives, which keeps the picture of a network readable. This file finds those
nodes from the module's parameters; dot.py draws the box. A model evaluated on a batch of
points calls its modules once per point: one_call finds the nodes of one point, so that the
drawing can show that point and say how many others it left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from autograd.engine import Value


class HasParameters(Protocol):
    """What `collapse=` takes: a module, anything with parameters() (nn.Neuron, nn.Layer...)."""

    def parameters(self) -> Sequence[Value]: ...


@dataclass
class Box:
    """A module drawn as one box, between the nodes it takes and the nodes it gives."""

    name: str  # its name in the DOT text: m0, m1... in the order given to collapse=
    title: str  # ReLUNeuron(2), Layer of 16 neurons
    parameters: int
    hidden: set[Value]  # drawn inside the box: its parameters and the nodes computed in it
    inputs: list[Value]  # nodes from outside that it takes, in topological order
    outputs: list[Value]  # its nodes used outside it (or the root): drawn, made by the box


def module_boxes(collapse: Any, order: list[Value], root: Value) -> list[Box]:
    """A Box for each module of `collapse=` (modules, or one), checking that no two overlap."""
    modules = [collapse] if hasattr(collapse, "parameters") else collapse
    try:
        modules = list(modules)
    except TypeError:
        raise TypeError(
            f"collapse= takes modules (a Neuron, a Layer: anything with parameters()) or one"
            f" module; got {type(collapse).__name__}"
        ) from None
    in_graph = set(order)
    boxes: list[Box] = []
    owner: dict[Value, Box] = {}
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
) -> Box:
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
    return Box(
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


# --- a batch: the modules called once per point --------------------------------------------


@dataclass
class Batch:
    """A graph that calls the collapsed modules once per point and joins the calls (the sum of
    the points' losses): drawn for one point, with a note of how many were left out."""

    join: Value  # the node the calls meet in: autograd.sum of the points' losses
    kept: set[Value]  # the nodes drawn: the first call's, and those the calls share
    left_out: int  # how many other calls (points) are not drawn


_ABOVE = -2  # a node not behind the join (the root, a term added to the batch's loss): kept
_SHARED = -1  # a node behind two calls, or behind one and used from above: kept
_TRIES = 4  # joins tried, nearest the root first: a batch's is one of the first


def one_call(order: list[Value], boxes: list[Box]) -> Batch | None:
    """The batch in this graph, if it is one: a node (the join) with several operands, each
    computed by its own call of the modules on a point. A call owns the modules' ops behind
    its operand, which no other call shares (only the parameters are), uses every parameter,
    and has as many ops as every other call. None for the graph of one point.
    """
    computed = {node for box in boxes for node in (*box.hidden, *box.outputs) if node._op}
    parameters = {node for box in boxes for node in box.hidden if not node._op}
    reaches: set[Value] = set()  # the nodes with a module's op behind them (or one themselves)
    for node in order:  # operands first
        if node in computed or any(x in reaches for x in node._prev):
            reaches.add(node)
    backward = order[::-1]
    joins = (
        node
        for node in backward  # a batch's calls meet outside the modules, near the root
        if node not in computed and sum(x in reaches for x in dict.fromkeys(node._prev)) >= 2
    )
    for _, join in zip(range(_TRIES), joins):
        batch = _calls_at(join, backward, computed, parameters)
        if batch is not None:
            return batch
    return None


def _calls_at(
    join: Value, backward: list[Value], computed: set[Value], parameters: set[Value]
) -> Batch | None:
    """The batch whose calls meet at `join`, or None when its operands are not such calls.

    Which call a node belongs to is handed down from the join's operands (operand k starts
    call k) to theirs, in backward order (every node after all of its users, so that a node's
    owner is known by its turn): a node met from two calls, or from a call and from above the
    join, is shared. One walk, no recursion.
    """
    owner: dict[Value, int] = {}
    for node in backward:  # every node's users come before it: its owner is known by now
        mine = owner.setdefault(node, _ABOVE)
        if node is join:
            handed = list(enumerate(dict.fromkeys(node._prev)))
        else:
            handed = [(mine, operand) for operand in node._prev]
        for call, operand in handed:
            if owner.setdefault(operand, call) != call:
                owner[operand] = _SHARED  # met from two calls
    ops: dict[int, list[Value]] = {}
    for node in computed:
        ops.setdefault(owner[node], []).append(node)
    ops.pop(_ABOVE, None)  # the modules' ops outside the batch (a penalty on the weights)
    if _SHARED in ops or len(ops) < 2:
        return None  # the modules' ops are shared by the operands: one point, not a batch
    # Each call is the whole of the modules on one point: it uses every parameter, and has as
    # many ops as the others. (The neurons of one layer, each an operand of the next layer,
    # are parts of one call.)
    if len({len(nodes) for nodes in ops.values()}) > 1:
        return None
    for nodes in ops.values():
        if {x for node in nodes for x in node._prev if x in parameters} != parameters:
            return None
    left_out = set(sorted(ops)[1:])
    kept = {node for node in backward if owner[node] not in left_out}
    return Batch(join, kept, len(left_out))
