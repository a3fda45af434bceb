"""Forward frames: the ops in the order they ran, each computing its value."""

from __future__ import annotations

from ...i18n import t
from ..values import fmt_inline
from .frame import Frame
from .painter import FORWARD_EDGE
from .panel import panel_html


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
        for pid in node.inputs:
            src = model.by_id[pid]
            if src.kind != "const":
                item = f"{src.name} = {fmt_inline(src.data)}"
                if item not in inputs:
                    inputs.append(item)
        lines = [t("fwd_compute", lang, name=node.name, formula=node.formula)]
        if inputs:
            lines.append(t("fwd_inputs", lang, inputs="; ".join(inputs)))
        lines.append(t("fwd_result", lang, name=node.name, value=fmt_inline(node.data)))
        frames.append(
            Frame(
                "forward",
                t("forward_title", lang, i=i, n=len(ops), what=node.title),
                "\n".join(lines),
                panel_html(lines),
                canvas.svg(),
                node.id,
            )
        )
    return frames
