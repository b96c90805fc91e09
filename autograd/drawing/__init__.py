"""Pictures of a graph of Values: `draw_dot` draws it with Graphviz, `draw_text` prints it.

Each value is a box `label | data | grad`; each op is a small node of its own; and the edge from
every operand into an op is labelled with the local derivative d(result)/d(operand), the number
the chain rule multiplies by on the way back. Nodes are named by their position in topological
order (never by id()), so the same graph always gives the same DOT text.

The files, each importing only those above it in this list:

    names.py             node names, number formats, text made safe for a label
    text.py              draw_text
    modules.py           which nodes a module computed, for draw_dot(collapse=)
    steps.py             what a drawing reads from a step of backward_steps, and its colours
    graphviz_backend.py  the lazy import of graphviz, and the hint when `dot` is missing
    dot.py               draw_dot, and the writer of its DOT text

stepping.py sits above this package: Step.draw() calls draw_dot, and draw_dot(step=) checks
its step against steps.DrawnStep rather than importing Step.

Only draw_dot needs graphviz (the Python package, and its `dot` program to render), and it
imports it when called: `import autograd` needs nothing beyond the standard library.
"""

from autograd.drawing.dot import RANKDIRS, draw_dot
from autograd.drawing.graphviz_backend import INSTALL_HINT, GraphvizNotFoundError
from autograd.drawing.modules import HasParameters
from autograd.drawing.names import compact, expression, node_names
from autograd.drawing.text import draw_text

__all__ = [
    "INSTALL_HINT",
    "RANKDIRS",
    "GraphvizNotFoundError",
    "HasParameters",
    "compact",
    "draw_dot",
    "draw_text",
    "expression",
    "node_names",
]
