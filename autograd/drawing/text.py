"""draw_text: the graph behind a Value as text, one line per node, for a terminal or a test.

It needs nothing beyond the standard library, and so is what to reach for when Graphviz is
not installed.
"""

from __future__ import annotations

from autograd.drawing.names import check_root, edge_number, expression, node_names, number, plain
from autograd.engine import Value, topological_order


def draw_text(root: Value) -> str:
    """The graph behind `root` as text, one line per node, operands first (root last).

    Each line reads `name = what computed it  data ...  grad ...`, and for an op the local
    derivative along each edge, e.g. `e = a * b  data -6.0000  grad -2.0000  local [a: -3, b: 2]`.
    A node without a label is named by its position in this list, like `#3`.
    """
    check_root(root, "draw_text")
    order = topological_order(root)
    names = node_names(order)
    rows = []
    for node in order:
        if node._op:
            computed = expression(node, names)
            edges = zip(node._prev, node._local)
            local = ", ".join(f"{names[operand]}: {edge_number(d)}" for operand, d in edges)
            local = f"local [{local}]"
        else:
            computed, local = "leaf", ""
        rows.append((names[node], computed, number(node.data), number(plain(node.grad)), local))

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
