"""Where the page draws each thing, computed once: Graphviz's `dot` when it is installed, else a
simple layered layout. The page keeps these places through every step and every edit.

The things drawn: a box `v3` per value, an ellipse `o3` for the op that made it, a box `b0` per
collapsed module. The edges: `e3.1` from a value into the op of node 3 (its operand 1, the
edge labelled with the local derivative), `r3` from that op (or module box) to node 3, and
`i0.5` from node 5 into module box 0. Coordinates are pixels, y pointing down.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

VALUE_SIZE = (150.0, 54.0)  # a value's box: its name, then `data …`, then `grad …`
OP_HEIGHT = 28.0
CHAR = 7.0  # the width of a character at the page's 12 px sans-serif, near enough
_SPACE = "\u00a0"  # a space dot keeps in a label: room kept free beside an edge


def op_text(node: dict[str, Any]) -> str:
    """The op as drawn: `*`, `tanh`, `**2`, `leaky_relu(0.01)` (as draw_dot writes it)."""
    arg = node["arg"]
    if arg is None:
        return node["op"]
    return f"**{arg:g}" if node["op"] == "**" else f"{node['op']}({arg:g})"


def drawing(record: dict[str, Any]) -> tuple[dict[str, list[float]], list[tuple[str, str, str]]]:
    """The things to draw, id -> [width, height], and the edges, (id, tail, head)."""
    nodes, boxes = record["nodes"], record["boxes"]
    hidden = {i for box in boxes for i in box["hidden"]}
    made_by = {i: k for k, box in enumerate(boxes) for i in box["outputs"]}
    sizes: dict[str, list[float]] = {}
    edges: list[tuple[str, str, str]] = []
    emitted_boxes = set()
    for i, node in enumerate(nodes):
        box = made_by.get(i)
        for k, b in enumerate(boxes):  # a module box goes in where its first node would be
            if k not in emitted_boxes and (i in b["hidden"] or i in b["outputs"]):
                emitted_boxes.add(k)
                sizes[f"b{k}"] = [max(170.0, CHAR * len(b["title"]) + 24.0), 46.0]
                edges.extend((f"i{k}.{j}", f"v{j}", f"b{k}") for j in b["inputs"])
        if i in hidden:
            continue
        sizes[f"v{i}"] = [max(VALUE_SIZE[0], CHAR * len(node["name"]) + 24.0), VALUE_SIZE[1]]
        if box is not None:
            edges.append((f"r{i}", f"b{box}", f"v{i}"))
        elif node["op"]:
            sizes[f"o{i}"] = [max(32.0, CHAR * len(op_text(node)) + 18.0), OP_HEIGHT]
            edges.extend((f"e{i}.{k}", f"v{j}", f"o{i}") for k, j in enumerate(node["prev"]))
            edges.append((f"r{i}", f"o{i}", f"v{i}"))
    return sizes, edges


def layout(record: dict[str, Any]) -> dict[str, Any]:
    """Places for everything drawn: from `dot` when it runs, else from layered_layout()."""
    sizes, edges = drawing(record)
    if shutil.which("dot"):
        try:
            return _dot_layout(record, sizes, edges)
        except (OSError, subprocess.SubprocessError, ValueError, KeyError):
            pass  # a broken Graphviz install: the layered layout still gives a page
    return layered_layout(sizes, edges)


def _dot_layout(
    record: dict[str, Any], sizes: dict[str, list[float]], edges: list[tuple[str, str, str]]
) -> dict[str, Any]:
    nodes = record["nodes"]
    lines = [
        "digraph {",
        "rankdir=LR; nodesep=0.18; ranksep=0.3;",
        'node [fixedsize=true label="" shape=box];',
        "edge [fontsize=10];",
    ]
    for name, (w, h) in sizes.items():
        shape = " shape=ellipse" if name[0] == "o" else ""
        lines.append(f"{name} [width={w / 72:.3f} height={h / 72:.3f}{shape}];")
    for edge_id, tail, head in edges:
        label = ""
        if edge_id[0] == "e":  # room for the local derivative on the edge
            i, k = map(int, edge_id[1:].split("."))
            text = f"{nodes[i]['local'][k]:.4g}"
            # Room for `local × upstream = contribution`, the label of the current step's edges.
            label = f' label="{text.center(max(len(text), 16), _SPACE)}"'
        lines.append(f'{tail} -> {head} [id="{edge_id}"{label}];')
    lines.append("}")
    out = subprocess.run(
        ["dot", "-Tjson"], input="\n".join(lines), capture_output=True, text=True, timeout=60
    )
    if out.returncode != 0:
        raise ValueError(out.stderr)
    graph = json.loads(out.stdout)
    _, _, width, height = (float(v) for v in graph["bb"].split(","))
    items = {}
    for obj in graph.get("objects", []):
        x, y = (float(v) for v in obj["pos"].split(","))
        items[obj["name"]] = [x, height - y, *sizes[obj["name"]]]
    placed = {}
    for edge in graph.get("edges", []):
        points, end = [], None
        for part in edge["pos"].split():
            if part.startswith("e,"):
                end = part[2:]
            elif not part.startswith("s,"):
                points.append(part)
        if end is not None:
            points.append(end)
        xy = [[float(a), height - float(b)] for a, b in (p.split(",") for p in points)]
        label = None
        if "lp" in edge:
            lx, ly = (float(v) for v in edge["lp"].split(","))
            label = [lx, height - ly]
        placed[edge["id"]] = {"points": xy, "label": label}
    items = {name: [round(v, 1) for v in item] for name, item in items.items()}
    for edge in placed.values():  # a tenth of a pixel is plenty, and keeps the page small
        edge["points"] = [[round(x, 1), round(y, 1)] for x, y in edge["points"]]
    return {
        "width": width,
        "height": height,
        "items": items,
        "edges": [{"id": e, "tail": t, "head": h, **placed[e]} for e, t, h in edges],
    }


def layered_layout(
    sizes: dict[str, list[float]], edges: list[tuple[str, str, str]]
) -> dict[str, Any]:
    """Left to right in layers: each thing one layer right of the furthest thing it takes; in a
    layer, ordered by where the things it takes sit (two sweeps). page.js does the same for a
    typed expression."""
    tails: dict[str, list[str]] = {name: [] for name in sizes}
    heads: dict[str, list[str]] = {name: [] for name in sizes}
    for _, tail, head in edges:
        tails[head].append(tail)
        heads[tail].append(head)
    layer = dict.fromkeys(sizes, 0)
    waiting = {name: len(tails[name]) for name in sizes}
    ready = [name for name in sizes if not waiting[name]]
    while ready:  # Kahn's order: a thing is placed once everything it takes is
        name = ready.pop()
        for head in heads[name]:
            layer[head] = max(layer[head], layer[name] + 1)
            waiting[head] -= 1
            if not waiting[head]:
                ready.append(head)
    layers: list[list[str]] = [[] for _ in range(1 + max(layer.values(), default=0))]
    for name in sizes:
        layers[layer[name]].append(name)
    rank = {name: float(i) for column in layers for i, name in enumerate(column)}
    for _ in range(2):
        for column in layers[1:]:
            column.sort(key=lambda n: sum(rank[t] for t in tails[n]) / max(1, len(tails[n])))
            rank.update({name: float(i) for i, name in enumerate(column)})
    gap_x, gap_y, margin = 48.0, 16.0, 8.0
    items, x = {}, margin
    heights = [sum(sizes[n][1] + gap_y for n in column) - gap_y for column in layers]
    height = max(heights, default=0.0) + 2 * margin
    for column, column_height in zip(layers, heights):
        width = max(sizes[n][0] for n in column)
        y = (height - column_height) / 2
        for name in column:
            w, h = sizes[name]
            items[name] = [x + width / 2, y + h / 2, w, h]
            y += h + gap_y
        x += width + gap_x
    placed = []
    for edge_id, tail, head in edges:
        tx, ty, tw, _ = items[tail]
        hx, hy, hw, _ = items[head]
        x0, x1 = tx + tw / 2, hx - hw / 2
        bend = (x1 - x0) / 2
        points = [[x0, ty], [x0 + bend, ty], [x1 - bend, hy], [x1, hy]]
        label = [(x0 + x1) / 2, (ty + hy) / 2 - 6] if edge_id[0] == "e" else None
        placed.append({"id": edge_id, "tail": tail, "head": head, "points": points, "label": label})
    return {"width": x - gap_x + margin, "height": height, "items": items, "edges": placed}
