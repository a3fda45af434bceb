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
            lines = [seed_line(root.name, backward.seed, lang)]
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


_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def basis_row(k):
    """e_kᵀ written with a subscript: the k-th (from 1) standard basis row."""
    return f"e{str(k).translate(_SUBSCRIPT)}ᵀ"


def seed_line(root, seed, lang):
    """The first backward step's words for its seed.  A single number is
    ∂y/∂y = 1; an output with several entries has no such derivative (∂y/∂y
    is the identity matrix), so its seed is named for what it is: a standard
    basis row e_kᵀ (one row of the Jacobian, as compare_modes runs), all ones
    (the gradient of the sum of the entries), or the weights given as gradient=."""
    seed = np.asarray(seed)
    g = fmt_inline(seed)
    if seed.size == 1:
        return t("bwd_seed", lang, root=root, g=g)
    flat = seed.ravel()
    if np.all(flat == 1):
        return t("bwd_seed_ones", lang, root=root, g=g)
    hot = np.flatnonzero(flat)
    if len(hot) == 1 and flat[hot[0]] == 1:
        k = int(hot[0]) + 1
        return t("bwd_seed_row", lang, root=root, g=g, e=basis_row(k), k=k)
    return t("bwd_seed_vector", lang, root=root, g=g)
