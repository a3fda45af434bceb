"""Reading our SVG in tests: where each node is drawn, and the text it shows."""

from __future__ import annotations

import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"


def node_boxes(svg):
    """{node id: (x, y, w, h) of its shape, or the text anchor of a plain node}."""
    root = ET.fromstring(svg)
    out = {}
    for g in root.iter(SVG + "g"):
        if "node" not in (g.get("class") or "").split():
            continue
        rect = g.find(SVG + "rect")
        if rect is not None:
            out[g.get("id")] = tuple(float(rect.get(k)) for k in ("x", "y", "width", "height"))
        else:
            text = g.find(SVG + "text")
            out[g.get("id")] = (float(text.get("x")), float(text.get("y")))
    return out


def node_text(svg, node_id, role):
    root = ET.fromstring(svg)
    for g in root.iter(SVG + "g"):
        if g.get("id") == node_id:
            return [t.text for t in g.iter(SVG + "text") if t.get("class") == role]
    raise AssertionError(f"no node {node_id}")
