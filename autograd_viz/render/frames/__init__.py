"""One layout, many frames: the forward pass op by op, then the backward pass
step by step (or, in forward mode, the tangents pushed op by op).

    frames = build_frames(y, lang="en")
    frames[0].svg, frames[0].text, frames[0].title, frames[0].kind, frames[0].node

The jobs live in their own modules: ``painter`` (the one layout and the SVG
snippets), ``forward`` (values computed op by op), ``backward`` (the chain
rule node by node), ``tangent`` (forward mode) and ``panel`` (the text).
"""

from __future__ import annotations

from ...i18n import error, t
from ...i18n import resolve as resolve_lang
from ..model import build_model
from ..values import fmt_inline
from .backward import backward_frames
from .forward import forward_frames
from .frame import Frame
from .painter import Canvas, Painter
from .panel import panel_html
from .tangent import legend_line, run_tangents, tangent_frames
from .update import update_frames

__all__ = [
    "Frame",
    "Painter",
    "Canvas",
    "build_frames",
    "build_tangent_frames",
    "forward_frames",
    "backward_frames",
    "tangent_frames",
]


def build_frames(
    target,
    lang=None,
    names=None,
    backend="auto",
    rankdir="auto",
    caller=None,
    model=None,
    mode="reverse",
    wrt=None,
    tangent=None,
    depth=None,
):
    """The frames of ``target`` (a Tensor, list of Tensors, a tape, a real
    ``torch.Tensor``, or a graph description).

    ``mode="reverse"`` (the default): one forward frame per recorded op, in the
    order the ops ran; then, if a backward pass has run, one backward frame per
    op node it visited.  ``mode="forward"``: one frame per op in run order with
    its value and its tangent, seeded at ``wrt`` (ones like it, or
    ``tangent``).  A value with no history gives a single frame showing it.
    ``depth``: how many levels of ``nn.Module`` groups are opened (deeper
    modules are drawn as one node each).
    """
    if mode not in ("reverse", "forward"):
        raise error(ValueError, "err_mode", lang, mode=repr(mode))
    lang = resolve_lang(lang)
    if mode == "forward":
        return build_tangent_frames(
            target,
            wrt=wrt,
            tangent=tangent,
            lang=lang,
            names=names,
            backend=backend,
            rankdir=rankdir,
            caller=caller,
            model=model,
            depth=depth,
        )
    if wrt is not None or tangent is not None:
        raise error(ValueError, "err_wrt_reverse", lang)
    if model is None:
        model = build_model(target, lang, names=names, caller=caller, rankdir=rankdir, depth=depth)
    painter = Painter(model, backend=backend, pending_legend=bool(model.op_nodes))
    frames = forward_frames(model, painter)
    frames += backward_frames(model, painter, model.backward)
    frames += update_frames(model, painter)
    if not frames:
        frames.append(leaf_frame(model, painter))
    return frames


def build_tangent_frames(
    target,
    wrt=None,
    tangent=None,
    lang=None,
    names=None,
    backend="auto",
    rankdir="auto",
    caller=None,
    model=None,
    depth=None,
):
    """The forward-mode frames of ``target`` (see :mod:`.tangent`)."""
    lang = resolve_lang(lang)
    if model is None:
        model = build_model(target, lang, names=names, caller=caller, rankdir=rankdir, depth=depth)
    run = run_tangents(model, wrt, tangent)
    painter = Painter(
        model,
        backend=backend,
        pending_legend=bool(model.op_nodes),
        legend=[legend_line(model, run)],
    )
    frames = tangent_frames(model, painter, run)
    if not frames:
        frames.append(leaf_frame(model, painter))
    return frames


def leaf_frame(model, painter):
    """The single frame of a value with no history."""
    lang = model.lang
    node = model.nodes[-1]
    text = t("leaf_text", lang, name=node.name, value=fmt_inline(node.data))
    return Frame(
        "forward",
        t("leaf_title", lang, name=node.name),
        text,
        panel_html([text]),
        painter.svg(),
        node.id,
    )
