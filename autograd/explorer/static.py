"""The graph after its backward pass as one static SVG, in the page's layout: what shows where
scripts do not run (a notebook that is not trusted, a page read on GitHub)."""

from __future__ import annotations

from html import escape
from typing import Any

from autograd.drawing.names import compact, number
from autograd.explorer.layout import op_text

_FILL = {"v": "#c8e6c9", "o": "#ffffff", "b": "#e3f2fd"}


def static_svg(record: dict[str, Any], layout: dict[str, Any], grads: list[float]) -> str:
    """Every value's box with its data and final grad, every op, every local derivative."""
    nodes, boxes = record["nodes"], record["boxes"]
    width, height = layout["width"], layout["height"]
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.1f} {height:.1f}"'
        f' width="{width:.0f}" height="{height:.0f}" font-family="sans-serif" font-size="12"'
        ' style="max-width:100%;height:auto">',
        '<defs><marker id="cr-static-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7"'
        ' markerHeight="7" orient="auto" markerUnits="userSpaceOnUse"><path d="M0,0 L10,5 L0,10 z"'
        ' fill="#9e9e9e"/></marker></defs>',
    ]
    labels = []
    for edge in layout["edges"]:
        p = edge["points"]
        if len(p) >= 4 and (len(p) - 1) % 3 == 0:
            curves = " ".join(
                "C" + " ".join(f"{x:.1f},{y:.1f}" for x, y in p[k : k + 3])
                for k in range(1, len(p), 3)
            )
        elif len(p) > 4 and (len(p) - 1) % 3 == 1:  # dot's spline, then its arrow's tip
            curves = (
                " ".join(
                    "C" + " ".join(f"{x:.1f},{y:.1f}" for x, y in p[k : k + 3])
                    for k in range(1, len(p) - 1, 3)
                )
                + f" L{p[-1][0]:.1f},{p[-1][1]:.1f}"
            )
        else:
            curves = " ".join(f"L{x:.1f},{y:.1f}" for x, y in p[1:])
        out.append(
            f'<path d="M{p[0][0]:.1f},{p[0][1]:.1f} {curves}" fill="none" stroke="#9e9e9e"'
            ' marker-end="url(#cr-static-arrow)"/>'
        )
        if edge["label"] and edge["id"][0] == "e":
            i, k = map(int, edge["id"][1:].split("."))
            x, y = edge["label"]
            text = compact(nodes[i]["local"][k])
            labels.append(
                f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle" font-size="10.5"'
                f' fill="#616161">{escape(text)}</text>'
            )
    for name, (x, y, w, h) in layout["items"].items():
        kind, index = name[0], int(name[1:])
        if kind == "o":
            out.append(
                f'<ellipse cx="{x:.1f}" cy="{y:.1f}" rx="{w / 2:.1f}" ry="{h / 2:.1f}"'
                ' fill="#fff" stroke="#616161"/>'
                f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle">'
                f"{escape(op_text(nodes[index]))}</text>"
            )
            continue
        left, top = x - w / 2, y - h / 2
        out.append(
            f'<rect x="{left:.1f}" y="{top:.1f}" width="{w:.1f}" height="{h:.1f}" rx="4"'
            f' fill="{_FILL[kind]}" stroke="#616161"/>'
        )
        if kind == "b":
            box = boxes[index]
            out.append(
                f'<text x="{x:.1f}" y="{y - 3:.1f}" text-anchor="middle" font-weight="600">'
                f'{escape(box["title"])}</text><text x="{x:.1f}" y="{y + 13:.1f}"'
                f' text-anchor="middle" font-size="11">{box["parameters"]} parameters</text>'
            )
            continue
        node = nodes[index]
        out.append(
            f'<text x="{x:.1f}" y="{top + 13:.1f}" text-anchor="middle" font-weight="600">'
            f"{escape(node['name'])}</text>"
            f'<text x="{left + 7:.1f}" y="{y + 6:.1f}" font-family="monospace" font-size="11.5">'
            f"data {number(node['data'])}</text>"
            f'<text x="{left + 7:.1f}" y="{y + 21:.1f}" font-family="monospace" font-size="11.5">'
            f"grad {number(grads[index])}</text>"
        )
    out.extend(labels)
    out.append("</svg>")
    return "\n".join(out)
