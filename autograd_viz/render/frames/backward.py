"""Backward frames: the backward pass node by node, the chain rule with numbers."""

from __future__ import annotations

import numpy as np

from ...i18n import t
from ..values import fmt_inline
from .frame import Frame
from .painter import BACKWARD_EDGE
from .panel import framework_name, panel_html, send_lines


def backward_frames(model, painter, backward=None):
    """One frame per step of ``backward`` (a description's BackwardPass; by
    default the one recorded with the graph)."""
    backward = model.backward if backward is None else backward
    if backward is None:
        return []
    lang = model.lang
    framework = model.description.passes.framework if model.description.passes else ""
    root = model.by_id[backward.root]
    edge_of = {(e.head, e.position): e for e in model.edges if e.kind == "data"}
    ghosts = {}
    for n in model.nodes:
        if n.kind == "ghost":
            ghosts.setdefault(n.copy_of.id, []).append(n)
    canvas = painter.canvas()
    canvas.node(root, True, np.asarray(backward.seed), "")
    frames = []
    n = len(backward.steps)
    for i, step in enumerate(backward.steps, 1):
        canvas.reset_highlights()
        node = model.by_id[step.node]
        names = {k: model.by_id[p].name for k, p in zip("ab", node.inputs)}
        g = fmt_inline(step.upstream)
        if node is root and i == 1:
            lines = [t("bwd_seed", lang, root=root.name, g=g)]
        else:
            lines = [t("bwd_arrives", lang, node=node.name, root=root.name, g=g)]
        canvas.node(node, True, canvas.grad_of(node.id), "current")
        for send in step.sends:
            target = model.by_id[send.input]
            canvas.node(target, True, send.total_after, "receiving")
            for ghost in ghosts.get(target.id, ()):
                canvas.node(ghost, True, None, "receiving")
            canvas.edge(edge_of[(node.id, send.position)], BACKWARD_EDGE)
            lines += send_lines(
                send,
                node.name,
                target.name,
                g,
                names,
                step.upstream,
                lang,
                op=node.value.op,
                framework=framework,
            )
        if not step.sends:
            lines.append(t("bwd_nothing", lang, node=node.name))
        if i == 1 and framework in ("pytorch", "jax"):
            lines.append(t("bwd_numbers_from", lang, framework=framework_name(framework)))
        frames.append(
            Frame(
                "backward",
                t("backward_title", lang, i=i, n=n, what=node.title),
                "\n".join(lines),
                panel_html(lines),
                canvas.svg(),
                node.id,
            )
        )
    return frames
