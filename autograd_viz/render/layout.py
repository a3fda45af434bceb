"""Lay a DOT graph out once and read back where everything went.

One Graphviz call (``-Tjson0``: positions without drawing instructions)
gives every node's centre and size, every edge's spline and every cluster's
box.  Coordinates are converted to SVG's (origin top left, y down, points).
Layouts are cached by DOT text, so drawing a graph and then stepping through
it lays it out only once.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass, field

from . import backend as render_backend

_CACHE: OrderedDict = OrderedDict()
_CACHE_SIZE = 16


@dataclass
class Box:
    x: float  # centre
    y: float
    w: float
    h: float


@dataclass
class EdgeGeom:
    tail: str
    head: str
    points: list  # cubic Bezier control points: p0, then 3 per segment
    arrow: tuple | None  # where the arrowhead tip is (None: no arrowhead)
    label: str = ""
    label_pos: tuple | None = None


@dataclass
class Cluster:
    name: str
    label: str
    x0: float
    y0: float
    x1: float
    y1: float
    label_pos: tuple | None = None


@dataclass
class Layout:
    width: float
    height: float
    nodes: dict = field(default_factory=dict)  # node name -> Box
    edges: list = field(default_factory=list)  # EdgeGeom, in DOT order
    clusters: list = field(default_factory=list)

    def edges_between(self):
        """{(tail, head): [EdgeGeom, ...]} in DOT order (parallel edges stay apart)."""
        out = {}
        for e in self.edges:
            out.setdefault((e.tail, e.head), []).append(e)
        return out


def layout(source, backend="auto"):
    """The :class:`Layout` of DOT ``source`` (one Graphviz run, then cached)."""
    which = render_backend.choose(backend)
    key = (which, source)
    hit = _CACHE.get(key)
    if hit is not None:
        _CACHE.move_to_end(key)
        return hit
    raw = render_backend.render(source, "json0", backend=which)
    result = parse_json(raw)
    _CACHE[key] = result
    if len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return result


def parse_json(raw):
    """A :class:`Layout` from Graphviz ``-Tjson0`` output."""
    data = json.loads(raw)
    llx, lly, urx, ury = (float(v) for v in data["bb"].split(","))
    top = ury

    def pt(text):
        x, y = text.split(",")[:2]
        return (float(x) - llx, top - float(y))

    out = Layout(urx - llx, ury - lly)
    names = {}
    for obj in data.get("objects", []):
        names[obj["_gvid"]] = obj["name"]
        if "bb" in obj and "pos" not in obj:
            x0, y0, x1, y1 = (float(v) for v in obj["bb"].split(","))
            out.clusters.append(
                Cluster(
                    obj["name"],
                    obj.get("label", ""),
                    x0 - llx,
                    top - y1,
                    x1 - llx,
                    top - y0,
                    pt(obj["lp"]) if "lp" in obj else None,
                )
            )
        elif "pos" in obj:
            x, y = pt(obj["pos"])
            out.nodes[obj["name"]] = Box(x, y, float(obj["width"]) * 72, float(obj["height"]) * 72)
    for e in data.get("edges", []):
        out.edges.append(
            EdgeGeom(
                names[e["tail"]],
                names[e["head"]],
                *_spline(e.get("pos", ""), llx, top),
                e.get("label", ""),
                pt(e["lp"]) if "lp" in e else None,
            )
        )
    return out


def _spline(pos, llx, top):
    """(control points, arrowhead tip or None) of an edge's ``pos`` attribute,
    ``[s,x,y ][e,x,y ]x,y x,y ...``, in SVG coordinates.  A big graph has
    thousands of points: read each edge's numbers in one pass."""
    arrow = None
    while pos[:2] in ("s,", "e,"):
        head, _, pos = pos.partition(" ")
        if head[0] == "e":
            x, y = head[2:].split(",")[:2]
            arrow = (float(x) - llx, top - float(y))
    if not pos:
        return [], arrow
    nums = list(map(float, pos.replace(" ", ",").split(",")))
    return [(x - llx, top - y) for x, y in zip(nums[0::2], nums[1::2])], arrow
