"""Where the picture goes: the direction that fits a page, and one layout for every frame.

Two things here, both about geometry rather than content:

- auto_rankdir: top to bottom or left to right, whichever lets the picture be drawn larger on
  a page (a notebook or a README is about 900 px wide): estimated from the ranks of the graph
  and the length of its labels, without running `dot`.
- pin: the frames of a backward pass must put every node at the same place, at the same size,
  so they can be flipped through as slides. `dot` lays out once a version of the picture in
  which every label is as wide as it will ever be in the pass (see steps.widest_pass); each
  frame then gives every node its position and size (`pos=`, fixedsize) and every edge its
  route, and is drawn by `neato -n2`, which keeps them as they are.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from autograd.drawing.names import text_width

Attrs = dict[str, str]

# A page: what a README or a notebook shows, 900 px at 96 dpi, in points (1 pt = 1/72 inch).
PAGE_WIDTH = 675.0
PAGE_HEIGHT = 600.0


def pinned_edge(layout: Layout, attrs: Attrs, widest: str | None, fontsize: float) -> Attrs:
    """An edge's attributes in a frame: the layout's route, and its label where the widest
    label was, moved back by the room it does not need (dot puts a label beside its edge, so
    a narrow label is kept next to the edge, not left floating where a wide one ended)."""
    route = dict(layout.edges.get(attrs["id"], {}))
    label = attrs.get("label")
    if "lp" in route and label and widest and layout.rankdir in ("TB", "BT"):
        x, y = map(float, route["lp"].split(","))
        x -= (text_width(widest, fontsize) - text_width(label, fontsize)) / 2
        route["lp"] = f"{x:.2f},{y:.2f}"
    edge = {k: v for k, v in attrs.items() if k != "id"}
    return {**edge, **route}


def auto_rankdir(
    sizes: dict[str, tuple[float, float]], edges: list[tuple[str, str]], fontsize: float
) -> str:
    """ "TB" or "LR": the direction whose picture can be drawn larger on a page.

    Each node goes on the rank one before its earliest user, counted back from the root (dot
    keeps edges short, so a weight sits just before the neuron that uses it, not with the
    inputs); across the ranks sit the nodes of the widest rank. The picture's size is
    estimated both ways, and the direction that needs the least shrinking to fit
    PAGE_WIDTH × PAGE_HEIGHT wins, top to bottom on a tie.
    """
    rank = _ranks(list(sizes), [(head, tail) for tail, head in edges])  # from the root back
    per_rank: dict[int, list[str]] = defaultdict(list)
    for name, r in rank.items():
        per_rank[r].append(name)
    gap = fontsize * 1.3  # dot's nodesep (0.25 in) and ranksep (0.5 in), roughly, at 14 pt
    # top to bottom: a rank is a row, as wide as its nodes side by side
    tb_w = max(sum(sizes[n][0] + gap for n in row) for row in per_rank.values())
    tb_h = sum(max(sizes[n][1] for n in row) + 2 * gap for row in per_rank.values())
    # left to right: a rank is a column, as wide as its widest node
    lr_w = sum(max(sizes[n][0] for n in row) + 2 * gap for row in per_rank.values())
    lr_h = max(sum(sizes[n][1] + gap for n in row) for row in per_rank.values())

    def shrink(w: float, h: float) -> float:
        return min(1.0, PAGE_WIDTH / w, PAGE_HEIGHT / h)

    return "LR" if shrink(lr_w, lr_h) > shrink(tb_w, tb_h) * 1.05 else "TB"


def _ranks(names: list[str], edges: list[tuple[str, str]]) -> dict[str, int]:
    """Longest path from a source, for each node: Kahn's walk, no recursion."""
    users: dict[str, list[str]] = defaultdict(list)
    waiting = dict.fromkeys(names, 0)
    for tail, head in edges:
        if tail in waiting and head in waiting:
            users[tail].append(head)
            waiting[head] += 1
    rank = dict.fromkeys(names, 0)
    ready = [name for name in names if waiting[name] == 0]
    while ready:
        name = ready.pop()
        for user in users[name]:
            rank[user] = max(rank[user], rank[name] + 1)
            waiting[user] -= 1
            if waiting[user] == 0:
                ready.append(user)
    return rank


# --- one layout for every frame -----------------------------------------------------------------


@dataclass
class Layout:
    """Where `dot` put everything, in points: what each frame of a pass is pinned to."""

    nodes: dict[str, tuple[float, float, float, float]]  # name -> x, y, width, height (inches)
    edges: dict[str, Attrs]  # edge id -> pos (its route), lp (its label's centre)
    bb: tuple[float, float, float, float]
    title: tuple[float, float, float, float] | None  # centre and size of the graph label
    rankdir: str = "TB"
    extra: dict[str, Any] = field(default_factory=dict)


def read_layout(json0: bytes | str, rankdir: str) -> Layout:
    """Read `dot -Tjson0` output: every node's position and size, every edge's route."""
    graph = json.loads(json0)
    nodes = {}
    for obj in graph.get("objects", ()):
        if "pos" in obj:
            x, y = map(float, obj["pos"].split(","))
            nodes[obj["name"]] = (x, y, float(obj["width"]), float(obj["height"]))
    edges = {}
    for edge in graph.get("edges", ()):
        if "id" in edge and "pos" in edge:
            edges[edge["id"]] = {key: edge[key] for key in ("pos", "lp") if key in edge}
    bb = tuple(map(float, graph["bb"].split(",")))
    title = None
    if "lp" in graph:
        x, y = map(float, graph["lp"].split(","))
        title = (x, y, float(graph["lwidth"]), float(graph["lheight"]))
    return Layout(nodes, edges, bb, title, rankdir)  # type: ignore[arg-type]


def pinned_node(layout: Layout, name: str, attrs: Attrs) -> Attrs:
    """A node's attributes in a frame: the layout's position and size, fixed."""
    if name not in layout.nodes:
        return attrs
    x, y, w, h = layout.nodes[name]
    pinned = {**attrs, "pos": f"{x:.2f},{y:.2f}!", "width": f"{w:.4f}", "height": f"{h:.4f}"}
    pinned["fixedsize"] = "shape"  # its cells have fixed widths (steps.py): the same box
    return pinned


def corners(layout: Layout) -> list[tuple[str, Attrs]]:
    """Two invisible points at the corners of the layout, so every frame has its size."""
    x0, y0, x1, y1 = layout.bb
    point = {"shape": "point", "style": "invis", "width": "0", "height": "0", "label": ""}
    return [
        ("corner_ll", {**point, "pos": f"{x0:.2f},{y0:.2f}!"}),
        ("corner_ur", {**point, "pos": f"{x1:.2f},{y1:.2f}!"}),
    ]
