"""The optimizer's step after a backward pass (real PyTorch under
``av.capture``): which parameters changed, and how, with their numbers."""

from __future__ import annotations

from ...i18n import t
from ..values import fmt_inline, fmt_number
from .frame import Frame
from .panel import panel_html, paren


def update_frames(model, painter):
    """One frame for the optimizer step the description recorded (none if none)."""
    updates = [u for u in model.description.updates if u.value in model.by_id]
    if not updates:
        return []
    lang = model.lang
    grads = model.final_grads()
    canvas = painter.canvas()
    for nid, g in grads.items():
        if nid in model.by_id:
            canvas.node(model.by_id[nid], True, g, "")
    names = [model.by_id[u.value].name for u in updates]
    optimizer = next((u.optimizer for u in updates if u.optimizer), "")
    lines = [t("update_intro", lang, optimizer=optimizer or t("update_optimizer", lang))]
    for u, name in zip(updates, names):
        node = model.by_id[u.value]
        canvas.node(node, True, grads.get(u.value, u.grad), "receiving")
        if u.lr is not None and u.grad is not None:
            lr = fmt_number(u.lr)
            lines.append(
                "  "
                + t(
                    "update_sgd",
                    lang,
                    name=name,
                    lr=lr,
                    before=fmt_inline(u.before),
                    grad=paren(fmt_inline(u.grad)),
                    after=fmt_inline(u.after),
                )
            )
        else:
            lines.append(
                "  "
                + t(
                    "update_other",
                    lang,
                    name=name,
                    before=fmt_inline(u.before),
                    after=fmt_inline(u.after),
                )
            )
    lines.append(t("update_next", lang))
    return [
        Frame(
            "update",
            t("update_title", lang, what=", ".join(names)),
            "\n".join(lines),
            panel_html(lines),
            canvas.svg(),
            updates[0].value,
        )
    ]
