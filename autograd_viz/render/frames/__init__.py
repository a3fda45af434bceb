"""One layout, many frames: the forward pass op by op, then the backward pass
step by step (or, in forward mode, the tangents pushed op by op).

    frames = build_frames(y, lang="en")
    frames[0].svg, frames[0].text, frames[0].title, frames[0].kind, frames[0].node

The jobs live in their own modules: ``painter`` (the one layout and the SVG
snippets), ``forward`` (values computed op by op), ``backward`` (the chain
rule node by node), ``tangent`` (forward mode) and ``panel`` (the text).
"""

from __future__ import annotations

from ...i18n import resolve as resolve_lang
from ...i18n import t
from ..model import build_model
from ..values import fmt_inline
from .backward import backward_frames
from .forward import forward_frames
from .frame import Frame
from .painter import Canvas, Painter
from .panel import panel_html

__all__ = ["Frame", "Painter", "Canvas", "build_frames", "forward_frames", "backward_frames"]


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
        frames.append(leaf_frame(model, painter))
    return frames


def leaf_frame(model, painter):
    """The single frame of a value with no history."""
    lang = model.lang
    node = model.nodes[-1]
    text = t("leaf_text", lang, name=node.name, value=fmt_inline(node.tensor.data))
    return Frame("forward", t("leaf_title", lang, name=node.name), text, panel_html([text]),
                 painter.svg(), node.id)
