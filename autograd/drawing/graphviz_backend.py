"""The one place that imports graphviz, and only when a graph is drawn.

`import autograd` needs nothing beyond the standard library: draw_dot asks drawing_class()
for graphviz.Digraph on its first call. Rendering needs Graphviz's `dot` program as well;
without it, a drawing fails with one line saying how to install it.
"""

from __future__ import annotations

import functools
import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import graphviz

INSTALL_HINT = (
    "Graphviz's `dot` program was not found on PATH: install it with `apt-get install graphviz`"
    " (Debian/Ubuntu) or `brew install graphviz` (macOS), see https://graphviz.org/download/"
    " (draw_text(root) shows the graph without it)"
)


class GraphvizNotFoundError(RuntimeError):
    """A drawing was rendered, but Graphviz's `dot` program is not installed."""


@functools.cache
def drawing_class() -> type[graphviz.Digraph]:
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
        # A drawing whose nodes are pinned where an earlier layout put them (the frames of a
        # backward pass, see layout.py) is drawn by `neato -n2`, which keeps every position.
        pinned = False
        # At a step: False when the step's node is not in the picture (left out by around=,
        # or with another point of a batch), which draw_frames leaves out.
        shows_step = True

        def pipe(self, *args: Any, **kwargs: Any) -> bytes | str:
            if self.pinned:
                kwargs.setdefault("neato_no_op", 2)
            try:
                return super().pipe(*args, **kwargs)
            except graphviz.ExecutableNotFound:
                raise GraphvizNotFoundError(INSTALL_HINT) from None

        def render(self, filename: Any = None, *args: Any, **kwargs: Any) -> str:
            """As graphviz's render(); and `render("graph.png")` writes graph.png, in the format
            its extension names, and leaves no DOT source file behind (cleanup=False keeps it)."""
            if self.pinned:
                kwargs.setdefault("neato_no_op", 2)
            if filename is not None and not args and _format_of(filename, kwargs):
                kwargs["outfile"] = filename
                kwargs.setdefault("cleanup", True)
                filename = None
            try:
                return super().render(filename, *args, **kwargs)
            except graphviz.ExecutableNotFound:
                raise GraphvizNotFoundError(INSTALL_HINT) from None

    def _format_of(filename: Any, kwargs: dict[str, Any]) -> str | None:
        """The format that filename's extension names (`png` for graph.png), when it names
        one and nothing else says where or how to write: else None (graphviz's own rules)."""
        suffix = os.path.splitext(os.fspath(filename))[1].lstrip(".").lower()
        if "outfile" in kwargs or suffix not in graphviz.FORMATS:
            return None
        return suffix if kwargs.get("format") in (None, suffix) else None

    return Drawing
