"""The backprop explorer: a graph, its forward pass and its backward pass, one step at a time,
in Jupyter or in any browser, offline.

    from autograd import Value, explore
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    explore(a * b + a)                  # inline in Jupyter
    explore(a * b + a).save("page.html")  # one file: no server, no network, opens from disk

The files:

    graph.py       the page's record of a graph: each node's op, operands, data, local derivatives
    layout.py      where each thing is drawn: Graphviz's dot, else a simple layered layout
    static.py      the graph as a static SVG, for where scripts do not run
    expression.py  the expression language of the page's box and of `python -m autograd explore`
    page.js        the page: stepping, paths, leaf edits, the op table again in JavaScript
    page.css, template.html

No JavaScript library: page.js is plain JavaScript, inlined with the CSS into each page.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

from autograd.drawing.modules import HasParameters
from autograd.drawing.names import plain
from autograd.engine import Value, gradients, topological_order
from autograd.explorer.graph import MAX_DRAWN, graph_record
from autograd.explorer.layout import layout
from autograd.explorer.static import static_svg

__all__ = ["MAX_DRAWN", "Explorer", "explore"]


def _asset(name: str) -> str:
    return resources.files("autograd.explorer").joinpath(name).read_text(encoding="utf-8")


def _script_json(data: Any) -> str:
    """`data` as a JavaScript literal that is safe inside <script>: NaN and Infinity allowed
    (both are JavaScript), `</` and `<!--` broken up so that no text ends the script."""
    text = json.dumps(data, allow_nan=True, separators=(",", ":"))
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


class Explorer:
    """The explorer of one graph: shows inline in Jupyter; `.save(path)` writes its page."""

    def __init__(
        self,
        root: Value,
        collapse: HasParameters | Iterable[HasParameters] = (),
        *,
        title: str = "Backprop explorer",
        expression: str = "",
        values: str = "",
    ) -> None:
        self.record = graph_record(root, collapse)
        self.layout = layout(self.record)
        self.title = title
        self.expression = expression  # what the page's expression box starts with
        self.values = values
        grads = gradients({root: 1.0})  # d root / d node: the numbers the last step shows
        self._grads = [plain(grads[node]) for node in topological_order(root)]

    def __repr__(self) -> str:
        count = len(self.record["nodes"])
        return f"<Explorer of {count} nodes: .save('page.html') writes its page>"

    def _data(self, standalone: bool) -> dict[str, Any]:
        return {
            "record": self.record,
            "layout": self.layout,
            "limit": MAX_DRAWN,
            "standalone": standalone,
            "expression": self.expression,
            "values": self.values,
        }

    def static_svg(self) -> str:
        """The graph after its backward pass, as a static SVG."""
        return static_svg(self.record, self.layout, self._grads)

    def html(self) -> str:
        """The whole page: one HTML file, its script and styles inline."""
        return _asset("template.html").format(
            title=self.title,
            css=_asset("page.css"),
            static=self.static_svg(),
            js=_asset("page.js"),
            data=_script_json(self._data(standalone=True)),
        )

    def save(self, path: str | Path) -> Path:
        """Write the page to `path` (one self-contained HTML file) and return its path."""
        path = Path(path)
        path.write_text(self.html(), encoding="utf-8")
        return path

    def _repr_html_(self) -> str:
        """Inline in a notebook. The static picture shows first; the script, where it runs,
        puts the explorer in its place."""
        element = f"cr-{secrets.token_hex(4)}"
        return (
            f"<style>{_asset('page.css')}</style>"
            f'<div id="{element}" class="cr-explorer">{self.static_svg()}</div>'
            f"<script>{_asset('page.js')}\nChainruleExplorer.mount(document.getElementById"
            f'("{element}"), {_script_json(self._data(standalone=False))});</script>'
        )

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        """HTML for the front ends that run it, an SVG for those that show only pictures."""
        return {
            "text/html": self._repr_html_(),
            "image/svg+xml": self.static_svg(),
            "text/plain": repr(self),
        }


def explore(
    root: Value, collapse: HasParameters | Iterable[HasParameters] = (), **options: Any
) -> Explorer:
    """An explorer of the graph behind `root`: step through its forward and backward passes.

    It shows inline in Jupyter; `.save("page.html")` writes one self-contained page. `collapse=`
    draws each given module (a Neuron, a Layer: anything with parameters()) as one box. Past
    MAX_DRAWN things to draw, ValueError: the page would freeze the browser.
    """
    return Explorer(root, collapse, **options)
