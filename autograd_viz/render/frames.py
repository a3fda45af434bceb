"""One layout, many frames: the forward pass op by op, then the backward pass step by step.

The graph is laid out once, with every node labelled by the longest text it
will ever show, so boxes fit every frame and no node moves.  Each frame's SVG
is then written here from that layout: every node and edge is a small
snippet in one of a few states (not yet computed, computed, with gradient g,
highlighted), snippets are cached, and a frame is a join of snippets.

    frames = build_frames(y, lang="en")
    frames[0].svg, frames[0].text, frames[0].title, frames[0].kind, frames[0].node
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import dot_source as _dot
from .model import build_model, substitute
from .style import (CONST_TEXT, DETACHED_LINE, EDGE, FONT, FONT_SIZE, GRAD_TEXT, GROUP_LINE,
                    LINE_GAP, SMALL_FONT_SIZE, TEXT, node_style)
from .values import esc_html, fmt_inline
from ..i18n import resolve as resolve_lang
from ..i18n import rule_text, t
from . import backend as render_backend
from .layout import layout as _layout

MARGIN = 14
PENDING_FILL, PENDING_LINE, PENDING_TEXT = "#f3f3f3", "#a6a6a6", "#8c8c8c"
HIGHLIGHT = "#d55e00"           # Okabe-Ito vermillion: the node this frame is about
FORWARD_EDGE = "#0072b2"        # Okabe-Ito blue: values flowing forward
BACKWARD_EDGE = "#d55e00"       # gradients flowing back
LEGEND_SIZE = 13


@dataclass
class Frame:
    """One step of the step-through."""
    kind: str       # "forward" or "backward"
    title: str      # short heading, e.g. "Forward 3/7: y = 2 × v1"
    text: str       # the explanation, plain text with the numbers
    html: str       # the same explanation as escaped HTML
    svg: str        # a complete standalone SVG of the graph in this step
    node: str       # id of the highlighted node ("n3"), as in the SVG's <g id=...>

    def _repr_html_(self):
        start = self.svg.find("<svg")
        return self.svg[start:] + self.html


def build_frames(target, lang=None, names=None, backend="auto", rankdir="auto", caller=None,
                 model=None):
    """The frames of ``target`` (a Tensor, list of Tensors, or a tape).

    One forward frame per recorded op, in the order the ops ran; then, if a
    backward pass has run, one backward frame per op node it visited.  A value
    with no history gives a single frame showing it.
    """
    lang = resolve_lang(lang)
    if model is None:
        model = build_model(target, lang, names=names, caller=caller, rankdir=rankdir)
    painter = Painter(model, backend=backend, pending_legend=bool(model.op_nodes))
    frames = forward_frames(model, painter)
    frames += backward_frames(model, painter)
    if not frames:
        node = model.nodes[-1]
        text = t("leaf_text", lang, name=node.name, value=fmt_inline(node.tensor.data))
        frames.append(Frame("forward", t("leaf_title", lang, name=node.name), text,
                            _panel_html([text]), painter.svg(), node.id))
    return frames


# ---------------------------------------------------------------- forward

def forward_frames(model, painter):
    lang = model.lang
    ops = model.op_nodes
    canvas = painter.canvas(computed={n.id for n in model.nodes if n.kind != "op"})
    frames = []
    into = {}
    for e in model.edges:
        if e.kind == "data":
            into.setdefault(e.head, []).append(e)
    for i, node in enumerate(ops, 1):
        canvas.reset_highlights()
        canvas.node(node, True, None, "current")
        for e in into.get(node.id, ()):
            canvas.edge(e, FORWARD_EDGE)
        # a detached copy's link turns solid once both ends exist
        for e in model.edges:
            if e.kind == "detach" and e.head == node.id:
                canvas.edge(e, "")
        inputs = []
        for inp in node.tensor.inputs:
            src = model.node_of(inp)
            if src.kind != "const":
                item = f"{src.name} = {fmt_inline(inp.data)}"
                if item not in inputs:
                    inputs.append(item)
        lines = [t("fwd_compute", lang, name=node.name, formula=node.formula)]
        if inputs:
            lines.append(t("fwd_inputs", lang, inputs="; ".join(inputs)))
        lines.append(t("fwd_result", lang, name=node.name,
                       value=fmt_inline(node.tensor.data)))
        frames.append(Frame("forward", t("forward_title", lang, i=i, n=len(ops),
                                         what=node.title),
                            "\n".join(lines), _panel_html(lines), canvas.svg(), node.id))
    return frames


# ---------------------------------------------------------------- backward

def backward_frames(model, painter):
    if model.root is None:
        return []
    lang = model.lang
    root = model.node_of(model.root)
    edge_of = {(e.head, e.position): e for e in model.edges if e.kind == "data"}
    ghosts = {}
    for n in model.nodes:
        if n.kind == "ghost":
            ghosts.setdefault(n.copy_of.id, []).append(n)
    canvas = painter.canvas()
    canvas.node(root, True, np.asarray(model.seed), "")
    frames = []
    n = len(model.steps)
    for i, step in enumerate(model.steps, 1):
        canvas.reset_highlights()
        node = model.node_of(step.node)
        names = {k: model.node_of(p).name for k, p in zip("ab", step.node.inputs)}
        g = fmt_inline(step.upstream)
        if node is root and i == 1:
            lines = [t("bwd_seed", lang, root=root.name, g=g)]
        else:
            lines = [t("bwd_arrives", lang, node=node.name, root=root.name, g=g)]
        canvas.node(node, True, canvas.grad_of(node.id), "current")
        for send in step.sends:
            target = model.node_of(send.input)
            canvas.node(target, True, send.total_after, "receiving")
            for ghost in ghosts.get(target.id, ()):
                canvas.node(ghost, True, None, "receiving")
            canvas.edge(edge_of[(node.id, send.position)], BACKWARD_EDGE)
            lines += send_lines(send, node.name, target.name, g, names, step.upstream, lang)
        if not step.sends:
            lines.append(t("bwd_nothing", lang, node=node.name))
        frames.append(Frame("backward", t("backward_title", lang, i=i, n=n, what=node.title),
                            "\n".join(lines), _panel_html(lines), canvas.svg(), node.id))
    return frames


def send_lines(send, node_name, input_name, g_text, names, upstream, lang):
    """The chain rule for one input, with numbers."""
    rule = substitute(rule_text(send.rule, lang), names)
    contrib = fmt_inline(send.contribution)
    local = send.local_derivative()
    lines = []
    if local is not None:
        local_text = fmt_inline(local)
        if rule == local_text:
            lines.append("  " + t("bwd_to_plain", lang, inp=input_name, node=node_name,
                                  local=local_text))
        else:
            lines.append("  " + t("bwd_to", lang, inp=input_name, node=node_name, rule=rule,
                                  local=local_text))
        product = np.asarray(upstream) * local
        if product.shape != np.shape(send.contribution):
            lines.append("  " + t("bwd_chain", lang, g=g_text, local=_paren(local_text),
                                  contrib=fmt_inline(product)))
            lines.append("  " + t("bwd_summed", lang, inp=input_name, contrib=contrib))
        else:
            lines.append("  " + t("bwd_chain", lang, g=g_text, local=_paren(local_text),
                                  contrib=contrib))
    else:
        lines.append("  " + t("bwd_to_jac", lang, inp=input_name, node=node_name, rule=rule,
                              g=g_text))
        lines.append("  " + t("bwd_chain_jac", lang, contrib=contrib))
    if send.accumulates:
        lines.append("  " + t("bwd_accum", lang, inp=input_name,
                              before=fmt_inline(send.total_before), contrib=_paren(contrib),
                              after=fmt_inline(send.total_after)))
    return lines


def _paren(text):
    """'-2' -> '(-2)', so '3 + (-2)' and '1 × (-2)' read as arithmetic."""
    return f"({text})" if text.startswith("-") else text


def _panel_html(lines):
    return '<div class="avz-text">' + "\n".join(esc_html(x) for x in lines) + "</div>"


# ---------------------------------------------------------------- SVG

class Painter:
    """Writes SVGs of one model from one layout; caches every snippet."""

    def __init__(self, model, backend="auto", pending_legend=False, layout=None):
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
        keys = model.legend_keys()
        if pending_legend:
            keys.append("legend_pending")
        self.legend = [_dot.legend_text(model, k) for k in keys]
        self._pending_text = _dot.legend_text(model, "legend_pending") if pending_legend else None
        self._head, self._tail = self._frame_parts()

    # -- whole picture -----------------------------------------------------
    def _frame_parts(self):
        lay = self.layout
        legend_h = len(self.legend) * LEGEND_SIZE * 1.5 + (8 if self.legend else 0)
        legend_w = max((len(x) * LEGEND_SIZE * 0.56 for x in self.legend), default=0)
        width = max(lay.width, legend_w) + 2 * MARGIN
        height = lay.height + 2 * MARGIN + legend_h
        head = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}pt" '
                f'height="{height:.0f}pt" viewBox="0 0 {width:.1f} {height:.1f}" '
                f'font-family="{FONT}" class="autograd-viz">',
                f'<rect x="0" y="0" width="{width:.1f}" height="{height:.1f}" fill="white"/>',
                f'<g transform="translate({MARGIN},{MARGIN})">']
        for c in lay.clusters:
            head.append(f'<g class="cluster"><rect x="{c.x0:.1f}" y="{c.y0:.1f}" '
                        f'width="{c.x1 - c.x0:.1f}" height="{c.y1 - c.y0:.1f}" rx="8" '
                        f'fill="none" stroke="{GROUP_LINE}" stroke-width="1.5" '
                        f'stroke-dasharray="6,4"/>')
            if c.label_pos:
                head.append(_text_el(c.label_pos[0], c.label_pos[1] + 5, c.label,
                                     SMALL_FONT_SIZE, CONST_TEXT))
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

    def svg(self, computed=None, grads=None, current=None, receivers=(), edges=(),
            edge_colour=BACKWARD_EDGE):
        """The SVG of one state: ``computed`` op ids (None: all), ``grads`` by node id."""
        grads = grads or {}
        parts = [self._head]
        for e in self.model.edges:
            if computed is None or e.head in computed:
                state = edge_colour if e.id in edges else ""
            else:
                state = "pending"
            parts.append(self._edge(e, state))
        for n in self.model.nodes:
            is_computed = computed is None or n.id in computed
            g = grads.get(n.id)
            if n.id == current:
                hl = "current"
            elif n.id in receivers:
                hl = "receiving"
            else:
                hl = ""
            parts.append(self._node(n, is_computed, g, hl))
        some_pending = computed is not None and any(
            n.id not in computed for n in self.model.nodes if n.kind == "op")
        parts.append(self._tail if some_pending else self._tail_plain)
        return "\n".join(parts)

    def canvas(self, computed=None):
        """A mutable picture: change a few nodes/edges per frame, then ``svg()``."""
        return Canvas(self, computed)

    # -- nodes ---------------------------------------------------------------
    def _node(self, node, computed, grad, hl):
        key = (node.id, computed, None if grad is None else id(grad), hl)
        hit = self._nodes.get(key)
        if hit is None:
            hit = self._nodes[key] = self._paint_node(node, computed, grad, hl)
        return hit

    def _paint_node(self, node, computed, grad, hl):
        box = self.layout.nodes[node.id]
        lines = self.model.lines(node, computed, grad)
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
        out = [f'<g class="{" ".join(classes)}" id="{node.id}">',
               f"<title>{esc_html(node.title)}</title>"]
        x0, y0 = box.x - box.w / 2, box.y - box.h / 2
        if shape != "plaintext":
            dash = ' stroke-dasharray="7,4"' if "dashed" in style else ""
            rx = 10 if "rounded" in style else 0
            out.append(f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{box.w:.1f}" '
                       f'height="{box.h:.1f}" rx="{rx}" fill="{fill}" stroke="{line}" '
                       f'stroke-width="{width}"{dash}/>')
        elif hl == "current":
            out.append(f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{box.w:.1f}" '
                       f'height="{box.h:.1f}" rx="4" fill="none" stroke="{HIGHLIGHT}" '
                       f'stroke-width="3"/>')
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
            elif ln.role == "const":
                colour = CONST_TEXT if computed else PENDING_TEXT
            out.append(_text_el(box.x, baseline, ln.text, size, colour, weight=weight,
                                cls=ln.role))
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
        out = [f'<g class="{cls}" id="{edge.id}">',
               f'<path d="{_path_d(pts)}" fill="none" stroke="{colour}" '
               f'stroke-width="{width}"{dash}/>']
        if geom.arrow:
            out.append(_arrowhead(pts[-1], geom.arrow, colour, 1 + (width > 2)))
        if geom.label and geom.label_pos:
            out.append(_text_el(geom.label_pos[0], geom.label_pos[1] + 5, geom.label,
                                SMALL_FONT_SIZE, CONST_TEXT))
        out.append("</g>")
        return "\n".join(out)


class Canvas:
    """The SVG of the current step as a list of snippets, one slot per edge and node.

    Consecutive frames differ in a handful of slots, so a frame costs a few
    cached lookups and one join instead of repainting the graph.
    """

    def __init__(self, painter, computed=None):
        self.painter = painter
        model = painter.model
        self.state = {}          # node id -> (computed, grad, highlight)
        self.estate = {}         # edge id -> state
        self.slot = {}
        self.parts = [painter._head]
        for e in model.edges:
            pending = computed is not None and e.head not in computed
            self.estate[e.id] = "pending" if pending else ""
            self.slot[e.id] = len(self.parts)
            self.parts.append(painter._edge(e, self.estate[e.id]))
        self.nodes = {}
        for n in model.nodes:
            st = (computed is None or n.id in computed, None, "")
            self.state[n.id] = st
            self.nodes[n.id] = n
            self.slot[n.id] = len(self.parts)
            self.parts.append(painter._node(n, *st))
        self.parts.append(painter._tail)
        self.edges = {e.id: e for e in model.edges}
        self._lit_nodes, self._lit_edges = set(), set()

    def grad_of(self, node_id):
        return self.state[node_id][1]

    def node(self, node, computed, grad, hl):
        self.state[node.id] = (computed, grad, hl)
        self.parts[self.slot[node.id]] = self.painter._node(node, computed, grad, hl)
        if hl:
            self._lit_nodes.add(node.id)

    def edge(self, edge, state):
        self.estate[edge.id] = state
        self.parts[self.slot[edge.id]] = self.painter._edge(edge, state)
        if state and state != "pending":
            self._lit_edges.add(edge.id)

    def reset_highlights(self):
        for nid in self._lit_nodes:
            computed, grad, _ = self.state[nid]
            self.node(self.nodes[nid], computed, grad, "")
        for eid in self._lit_edges:
            self.edge(self.edges[eid], "")
        self._lit_nodes, self._lit_edges = set(), set()

    def svg(self):
        pending = any(not st[0] for nid, st in self.state.items()
                      if self.nodes[nid].kind == "op")
        self.parts[-1] = self.painter._tail if pending else self.painter._tail_plain
        return "\n".join(self.parts)


_PATH_STARTS = {}


def _path_d(pts):
    """SVG path data of Graphviz's cubic Bezier: M p0 C p1 p2 p3 C ... (one
    %-format per edge: a big graph has thousands of points)."""
    segments = (len(pts) - 1) // 3
    fmt = _PATH_STARTS.get(segments)
    if fmt is None:
        fmt = _PATH_STARTS[segments] = "M%.1f,%.1f" + " C%.1f,%.1f %.1f,%.1f %.1f,%.1f" * segments
    return fmt % tuple(v for p in pts[:1 + 3 * segments] for v in p)


def _arrowhead(base, tip, colour, scale):
    bx, by = base
    tx, ty = tip
    dx, dy = tx - bx, ty - by
    length = math.hypot(dx, dy) or 1.0
    # keep the head the size Graphviz reserved; widen it a little for thick edges
    half = length * 0.38 * (1.15 if scale > 1 else 1)
    px, py = -dy / length * half, dx / length * half
    return (f'<polygon points="{tx:.1f},{ty:.1f} {bx + px:.1f},{by + py:.1f} '
            f'{bx - px:.1f},{by - py:.1f}" fill="{colour}" stroke="{colour}"/>')


def _text_el(x, y, text, size, colour, weight=None, anchor="middle", cls=None):
    extra = f' font-weight="{weight}"' if weight else ""
    if cls:
        extra += f' class="{cls}"'
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
            f'fill="{colour}"{extra}>{esc_html(text)}</text>')
