"""Pictures of a graph of Values: `draw_dot` draws it with Graphviz, `draw_text` prints it.

Each value is a box `label | data | grad`; each op is a small node of its own; and the edge from
every operand into an op is labelled with the local derivative d(result)/d(operand), the number
the chain rule multiplies by on the way back (a neuron's linear node is a table of its terms,
each number in the cell that its edge runs into). Nodes are named by their position in topological
order (never by id()), so the same graph always gives the same DOT text.

The files, each importing only those above it in this list:

    names.py             node names, number formats, text made safe for a label
    text.py              draw_text
    modules.py           which nodes a module computed, for draw_dot(collapse=), and the
                         nodes of one point of a batch
    steps.py             what a drawing reads from a step of backward_steps, and its colours
    graphviz_backend.py  the lazy import of graphviz, the hint when `dot` is missing, and
                         render("graph.png") writing graph.png
    layout.py            the direction that fits a page, and one layout for a pass's frames
    dot.py               draw_dot, and the writer of its DOT text
    frames.py            a backward pass as frames: draw_frames, save_frames, save_gif

stepping.py sits above this package: Step.draw() calls draw_dot, and draw_dot(step=) checks
its step against steps.DrawnStep rather than importing Step.

save_gif also needs Pillow, imported when it is called.

Only draw_dot needs graphviz (the Python package, and its `dot` program to render), and it
imports it when called: `import autograd` needs nothing beyond the standard library.
"""

from autograd.drawing.dot import MAX_NODES, RANKDIRS, draw_dot
from autograd.drawing.frames import draw_frames, save_frames, save_gif
from autograd.drawing.graphviz_backend import INSTALL_HINT, GraphvizNotFoundError
from autograd.drawing.modules import HasParameters
from autograd.drawing.names import compact, expression, node_names
from autograd.drawing.text import draw_text

__all__ = [
    "INSTALL_HINT",
    "MAX_NODES",
    "RANKDIRS",
    "GraphvizNotFoundError",
    "HasParameters",
    "compact",
    "draw_dot",
    "draw_frames",
    "draw_text",
    "expression",
    "node_names",
    "save_frames",
    "save_gif",
]
