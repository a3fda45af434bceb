"""Painting frames: one layout, every frame's SVG a join of cached snippets.

The graph is laid out once, with every node labelled by the longest text it
will ever show, so boxes fit every frame and no node moves.  Each node and
edge is then a small SVG snippet in one of a few states (not yet computed,
computed, with gradient g, highlighted); the :class:`Painter` caches the
snippets and a :class:`Canvas` holds the current frame as a list of them.

A frame's picture is a :class:`Picture`: where its canvas stood when the
frame was taken (the canvas logs every slot it changes), not a joined SVG.
The player sends the layout once and each frame's few changed slots
(:mod:`.film`); a frame's whole SVG is joined only when someone asks for it.
"""

from __future__ import annotations

import math

from .. import backend as render_backend
from .. import dot_source as _dot
from ..layout import layout as _layout
from ..style import (
    BACKWARD_FILL,
    BACKWARD_LINE,
    CONST_TEXT,
    DETACHED_FILL,
    DETACHED_LINE,
    EDGE,
    FONT,
    FONT_SIZE,
    GRAD_TEXT,
    GROUP_LINE,
    LEAF_FILL,
    LEAF_LINE,
    LINE_GAP,
    OP_FILL,
    OP_LINE,
    SMALL_FONT_SIZE,
    TANGENT_TEXT,
    TEXT,
    node_style,
)
from ..values import esc_html

MARGIN = 14
# the not-yet-computed label is #666 on #f3f3f3 (5.2:1): greyed, yet readable
PENDING_FILL, PENDING_LINE, PENDING_TEXT = "#f3f3f3", "#a6a6a6", "#666666"
HIGHLIGHT = "#d55e00"  # Okabe-Ito vermillion: the node this frame is about
FORWARD_EDGE = "#0072b2"  # Okabe-Ito blue: values flowing forward
BACKWARD_EDGE = "#d55e00"  # gradients flowing back
LEGEND_SIZE = 13
BACKGROUND = "white"

# The same pictures on a dark page (JupyterLab Dark, marimo's or VS Code's dark
# theme): every colour above swapped for a dark tint or a light line, text at
# least 4.5:1 against the fill behind it.  The player swaps them in the browser,
# so a frame's .svg and the saved pictures stay the light ones.
DARK_BACKGROUND = "#1b1f24"
DARK = {
    BACKGROUND: DARK_BACKGROUND,
    TEXT: "#e8e8e8",
    CONST_TEXT: "#c8c8c8",
    GRAD_TEXT: "#ffa366",
    TANGENT_TEXT: "#8ccfff",
    EDGE: "#a6a6a6",
    GROUP_LINE: "#8a8a8a",
    LEAF_FILL: "#12344d",
    LEAF_LINE: "#56b4e9",
    OP_FILL: "#3b2d0b",
    OP_LINE: "#e69f00",
    DETACHED_FILL: "#3f2138",
    DETACHED_LINE: "#d98cb8",
    BACKWARD_FILL: "#0e3a2d",
    BACKWARD_LINE: "#2fbf8f",
    PENDING_FILL: "#2b2b2b",
    PENDING_LINE: "#6e6e6e",
    PENDING_TEXT: "#b0b0b0",
    HIGHLIGHT: "#ff8c42",
}
DARK = {k.lower(): v for k, v in DARK.items()}


class Painter:
    """Writes SVGs of one model from one layout; caches every snippet."""

    def __init__(self, model, backend="auto", pending_legend=False, layout=None, legend=()):
        """``legend``: more legend lines (already in the model's language), e.g.
        what the forward-mode tangents are."""
        self.model = model
        if layout is None:
            which = render_backend.choose(backend)
            source = _dot.to_dot(model, widest=True, legend=False)
            layout = _layout(source, backend=which)
        self.layout = layout
        self._nodes = {}
        self._edges = {}
        self._edge_geom = {}
        by_pair = {k: list(v) for k, v in layout.edges_between().items()}
        for e in model.edges:
            queue = by_pair.get((e.tail, e.head))
            if queue:
                self._edge_geom[e.id] = queue.pop(0)
        # "grey: not computed yet" goes last: frames without grey nodes leave
        # its line out, and a gap at the bottom reads better than one between lines
        self.legend = [_dot.legend_text(model, k) for k in model.legend_keys()]
        self.legend += list(legend)
        if pending_legend:
            self.legend.append(_dot.legend_text(model, "legend_pending"))
        self._pending_text = _dot.legend_text(model, "legend_pending") if pending_legend else None
        self._head, self._tail = self._frame_parts()

    # -- whole picture -----------------------------------------------------
    def _frame_parts(self):
        lay = self.layout
        legend_h = len(self.legend) * LEGEND_SIZE * 1.5 + (8 if self.legend else 0)
        legend_w = max((len(x) * LEGEND_SIZE * 0.56 for x in self.legend), default=0)
        width = max(lay.width, legend_w) + 2 * MARGIN
        height = lay.height + 2 * MARGIN + legend_h
        head = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}pt" '
            f'height="{height:.0f}pt" viewBox="0 0 {width:.1f} {height:.1f}" '
            f'font-family="{FONT}" class="autograd-viz">',
            f'<rect x="0" y="0" width="{width:.1f}" height="{height:.1f}" fill="{BACKGROUND}"/>',
            f'<g transform="translate({MARGIN},{MARGIN})">',
        ]
        for c in lay.clusters:
            head.append(
                f'<g class="cluster"><rect x="{c.x0:.1f}" y="{c.y0:.1f}" '
                f'width="{c.x1 - c.x0:.1f}" height="{c.y1 - c.y0:.1f}" rx="8" '
                f'fill="none" stroke="{GROUP_LINE}" stroke-width="1.5" '
                f'stroke-dasharray="6,4"/>'
            )
            if c.label_pos:
                head.append(
                    _text_el(
                        c.label_pos[0], c.label_pos[1] + 5, c.label, SMALL_FONT_SIZE, CONST_TEXT
                    )
                )
            head.append("</g>")
        # two endings: the "grey: not computed yet" line only belongs on frames
        # that have grey nodes; the picture keeps its height either way so
        # nothing moves between frames
        pending = self._pending_text
        tails = {}
        for with_pending in (True, False):
            tail = ["</g>"]
            y = lay.height + 2 * MARGIN + 4
            for line in self.legend:
                y += LEGEND_SIZE * 1.5
                if line == pending and not with_pending:
                    continue
                tail.append(_text_el(MARGIN, y, line, LEGEND_SIZE, CONST_TEXT, anchor="start"))
            tail.append("</svg>")
            tails[with_pending] = "\n".join(tail)
        self._tail_plain = tails[False]
        return "\n".join(head), tails[True]

    def svg(self, computed=None, grads=None):
        """The SVG of one still state: ``computed`` op ids (None: all), ``grads`` by node id."""
        grads = grads or {}
        parts = [self._head]
        for e in self.model.edges:
            pending = computed is not None and e.head not in computed
            parts.append(self._edge(e, "pending" if pending else ""))
        for n in self.model.nodes:
            parts.append(self._node(n, computed is None or n.id in computed, grads.get(n.id), ""))
        some_pending = computed is not None and any(
            n.id not in computed for n in self.model.nodes if n.kind == "op"
        )
        parts.append(self._tail if some_pending else self._tail_plain)
        return "\n".join(parts)

    def canvas(self, computed=None):
        """A mutable picture: change a few nodes/edges per frame, then ``svg()``."""
        return Canvas(self, computed)

    # -- nodes ---------------------------------------------------------------
    def _node(self, node, computed, grad, hl, tangent=None):
        key = (
            node.id,
            computed,
            None if grad is None else id(grad),
            hl,
            None if tangent is None else id(tangent),
        )
        hit = self._nodes.get(key)
        if hit is None:
            hit = self._nodes[key] = self._paint_node(node, computed, grad, hl, tangent)
        return hit

    def _paint_node(self, node, computed, grad, hl, tangent=None):
        box = self.layout.nodes[node.id]
        lines = self.model.lines(node, computed, grad, tangent)
        shape, style, fill, line = node_style(node)
        classes = ["node", node.kind]
        text_colour = TEXT
        if not computed:
            fill, line, text_colour = PENDING_FILL, PENDING_LINE, PENDING_TEXT
            classes.append("pending")
        width = 2.0
        if hl:
            classes.append(hl)
            if hl == "current":
                line, width = HIGHLIGHT, 4.5
            else:
                width = 3.5
        out = [
            f'<g class="{" ".join(classes)}" id="{node.id}">',
            f"<title>{esc_html(node.title)}</title>",
        ]
        x0, y0 = box.x - box.w / 2, box.y - box.h / 2
        if shape != "plaintext":
            dash = ' stroke-dasharray="7,4"' if "dashed" in style else ""
            rx = 10 if "rounded" in style else 0
            out.append(
                f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{box.w:.1f}" '
                f'height="{box.h:.1f}" rx="{rx}" fill="{fill}" stroke="{line}" '
                f'stroke-width="{width}"{dash}/>'
            )
        elif hl == "current":
            out.append(
                f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{box.w:.1f}" '
                f'height="{box.h:.1f}" rx="4" fill="none" stroke="{HIGHLIGHT}" '
                f'stroke-width="3"/>'
            )
        sizes = [SMALL_FONT_SIZE if ln.role == "const" else FONT_SIZE for ln in lines]
        total = sum(s * LINE_GAP for s in sizes)
        y = box.y - total / 2
        for ln, size in zip(lines, sizes):
            baseline = y + size * (LINE_GAP / 2 + 0.35)
            y += size * LINE_GAP
            colour = text_colour
            weight = None
            if ln.role == "title":
                weight = "bold"
            elif ln.role == "grad":
                colour, weight = GRAD_TEXT, "bold"
            elif ln.role == "tangent":
                colour, weight = TANGENT_TEXT, "bold"
            elif ln.role == "const":
                colour = CONST_TEXT if computed else PENDING_TEXT
            out.append(_text_el(box.x, baseline, ln.text, size, colour, weight=weight, cls=ln.role))
        out.append("</g>")
        return "\n".join(out)

    # -- edges ---------------------------------------------------------------
    def _edge(self, edge, state):
        key = (edge.id, state)
        hit = self._edges.get(key)
        if hit is None:
            hit = self._edges[key] = self._paint_edge(edge, state)
        return hit

    def _paint_edge(self, edge, state):
        geom = self._edge_geom.get(edge.id)
        if geom is None or not geom.points:
            return ""
        colour, width, dash = EDGE, 1.5, ""
        if edge.kind == "detach":
            colour, width, dash = DETACHED_LINE, 2, ' stroke-dasharray="7,4"'
        if state == "pending":
            colour = PENDING_LINE
        elif state:
            colour, width = state, 3.5
        pts = geom.points
        cls = "edge" + (f" {'pending' if state == 'pending' else 'active'}" if state else "")
        out = [
            f'<g class="{cls}" id="{edge.id}">',
            f'<path d="{_path_d(pts)}" fill="none" stroke="{colour}" '
            f'stroke-width="{width}"{dash}/>',
        ]
        if geom.arrow:
            out.append(_arrowhead(pts[-1], geom.arrow, colour, 1 + (width > 2)))
        if geom.label and geom.label_pos:
            out.append(
                _text_el(
                    geom.label_pos[0],
                    geom.label_pos[1] + 5,
                    geom.label,
                    SMALL_FONT_SIZE,
                    CONST_TEXT,
                )
            )
        out.append("</g>")
        return "\n".join(out)


class Canvas:
    """The current step's picture as a list of snippets, one slot per edge and node
    (slot 0 is the picture's head, the last slot its tail with the legend).

    Consecutive frames differ in a handful of slots: every change is logged, so
    a frame is where the log stood (:meth:`svg` returns a :class:`Picture`) and
    costs nothing until its SVG is joined.
    """

    def __init__(self, painter, computed=None):
        self.painter = painter
        model = painter.model
        self.state = {}  # node id -> (computed, grad, highlight, tangent)
        self.slot = {}
        self.parts = [painter._head]
        for e in model.edges:
            pending = computed is not None and e.head not in computed
            self.slot[e.id] = len(self.parts)
            self.parts.append(painter._edge(e, "pending" if pending else ""))
        self.nodes = {}
        for n in model.nodes:
            st = (computed is None or n.id in computed, None, "", None)
            self.state[n.id] = st
            self.nodes[n.id] = n
            self.slot[n.id] = len(self.parts)
            self.parts.append(painter._node(n, *st))
        self.parts.append(painter._tail)
        self.base = tuple(self.parts)
        self.log = []  # (slot, snippet), in the order they were written
        self.edges = {e.id: e for e in model.edges}
        self._lit_nodes, self._lit_edges = set(), set()
        self._pending_ops = sum(
            1 for nid, st in self.state.items() if not st[0] and self.nodes[nid].kind == "op"
        )

    def _write(self, slot, snippet):
        if self.parts[slot] is not snippet:
            self.parts[slot] = snippet
            self.log.append((slot, snippet))

    def grad_of(self, node_id):
        return self.state[node_id][1]

    def node(self, node, computed, grad, hl, tangent=None):
        was = self.state[node.id][0]
        if was != computed and node.kind == "op":
            self._pending_ops += -1 if computed else 1
        self.state[node.id] = (computed, grad, hl, tangent)
        self._write(self.slot[node.id], self.painter._node(node, computed, grad, hl, tangent))
        if hl:
            self._lit_nodes.add(node.id)

    def edge(self, edge, state):
        self._write(self.slot[edge.id], self.painter._edge(edge, state))
        if state and state != "pending":
            self._lit_edges.add(edge.id)

    def reset_highlights(self):
        for nid in self._lit_nodes:
            computed, grad, _, tangent = self.state[nid]
            self.node(self.nodes[nid], computed, grad, "", tangent)
        for eid in self._lit_edges:
            self.edge(self.edges[eid], "")
        self._lit_nodes, self._lit_edges = set(), set()

    def svg(self):
        """This moment's picture: a :class:`Picture` (its ``.svg()`` is the whole SVG)."""
        tail = self.painter._tail if self._pending_ops else self.painter._tail_plain
        self._write(len(self.parts) - 1, tail)
        return Picture(self, len(self.log))


class Picture:
    """One frame's picture: a canvas and how far along its log the frame was taken."""

    __slots__ = ("canvas", "version")

    def __init__(self, canvas, version):
        self.canvas, self.version = canvas, version

    def parts(self):
        """The snippets of this picture, slot by slot."""
        parts = list(self.canvas.base)
        for slot, snippet in self.canvas.log[: self.version]:
            parts[slot] = snippet
        return parts

    def changes_since(self, earlier):
        """{slot: snippet} written on the same canvas between ``earlier`` and this picture."""
        return dict(self.canvas.log[earlier.version : self.version])

    def svg(self):
        return "\n".join(self.parts())


_PATH_STARTS = {}


def _path_d(pts):
    """SVG path data of Graphviz's cubic Bezier: M p0 C p1 p2 p3 C ... (one
    %-format per edge: a big graph has thousands of points)."""
    segments = (len(pts) - 1) // 3
    fmt = _PATH_STARTS.get(segments)
    if fmt is None:
        fmt = _PATH_STARTS[segments] = "M%.1f,%.1f" + " C%.1f,%.1f %.1f,%.1f %.1f,%.1f" * segments
    return fmt % tuple(v for p in pts[: 1 + 3 * segments] for v in p)


def _arrowhead(base, tip, colour, scale):
    bx, by = base
    tx, ty = tip
    dx, dy = tx - bx, ty - by
    length = math.hypot(dx, dy) or 1.0
    # keep the head the size Graphviz reserved; widen it a little for thick edges
    half = length * 0.38 * (1.15 if scale > 1 else 1)
    px, py = -dy / length * half, dx / length * half
    return (
        f'<polygon points="{tx:.1f},{ty:.1f} {bx + px:.1f},{by + py:.1f} '
        f'{bx - px:.1f},{by - py:.1f}" fill="{colour}" stroke="{colour}"/>'
    )


def _text_el(x, y, text, size, colour, weight=None, anchor="middle", cls=None):
    extra = f' font-weight="{weight}"' if weight else ""
    if cls:
        extra += f' class="{cls}"'
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
        f'fill="{colour}"{extra}>{esc_html(text)}</text>'
    )
