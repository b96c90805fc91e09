"""The graph behind a Value as the page reads it: one record per node, in topological order.

Each record holds what the page needs to replay the forward and the backward pass, and to
redo them when a leaf changes: the node's name (as draw_text prints it), its label, its op
and the op's constant argument, its operands (as positions in the list), its data and the
local derivative along each edge. The page recomputes everything else itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from autograd.drawing.modules import HasParameters, module_boxes
from autograd.drawing.names import check_root, node_names
from autograd.engine import Value, topological_order

# Past this many things to draw (values, ops and module boxes), a page would take seconds to
# lay out and to step through; explore() says so rather than freeze the browser.
MAX_DRAWN = 2000


def graph_record(
    root: Value, collapse: HasParameters | Iterable[HasParameters] = ()
) -> dict[str, Any]:
    """The page's record of the graph behind root; ValueError past MAX_DRAWN things drawn."""
    check_root(root, "explore")
    order = topological_order(root)
    boxes = module_boxes(collapse, order, root)
    position = {node: i for i, node in enumerate(order)}
    hidden = {node for box in boxes for node in box.hidden}
    made_by_box = {node for box in boxes for node in box.outputs}
    drawn = sum(  # a value box, and an op node for each value not made by a module box
        1 + (node._op != "" and node not in made_by_box) for node in order if node not in hidden
    ) + len(boxes)
    if drawn > MAX_DRAWN:
        hint = "" if boxes else ": collapse= its layers (explore(loss, collapse=model.layers))"
        raise ValueError(
            f"this graph has {len(order)} nodes, {drawn} things to draw; the explorer draws at"
            f" most {MAX_DRAWN} and would freeze the browser past that{hint}, or explore a"
            " smaller graph (one point, a narrower model)"
        )
    names = node_names(order)
    nodes = [
        {
            "name": names[node],
            "label": node.label,
            "op": node._op,
            "arg": node._arg,
            "prev": [position[operand] for operand in node._prev],
            "data": node.data,
            "local": [float(local) for local in node._local],
        }
        for node in order
    ]
    return {
        "nodes": nodes,
        "boxes": [
            {
                "title": box.title,
                "parameters": box.parameters,
                "hidden": sorted(position[node] for node in box.hidden),
                "inputs": [position[node] for node in box.inputs],
                "outputs": [position[node] for node in box.outputs],
            }
            for box in boxes
        ],
    }
