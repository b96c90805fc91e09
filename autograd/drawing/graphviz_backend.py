"""The one place that imports graphviz, and only when a graph is drawn.

`import autograd` needs nothing beyond the standard library: draw_dot asks drawing_class()
for graphviz.Digraph on its first call. Rendering needs Graphviz's `dot` program as well;
without it, a drawing fails with one line saying how to install it.
"""

from __future__ import annotations

import functools
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
