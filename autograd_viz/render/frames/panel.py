"""Panel text: the words and numbers under each frame's picture."""

from __future__ import annotations

import numpy as np

from ...i18n import rule_text, t
from ..model import substitute
from ..style import font_style
from ..values import esc_html, fmt_inline


def send_lines(send, node_name, input_name, g_text, names, upstream, lang, op="", framework=""):
    """The chain rule for one input, with numbers.  An op outside our table
    (``send.rule`` is None) shows what its framework's backward sent back."""
    contrib = fmt_inline(send.contribution)
    lines = []
    if send.rule is None:
        lines.append(
            "  "
            + t(
                "bwd_real_vjp",
                lang,
                inp=input_name,
                node=node_name,
                op=op,
                framework=framework_name(framework),
                g=g_text,
                contrib=contrib,
            )
        )
        return lines + _accumulation(send, input_name, contrib, lang)
    rule = substitute(rule_text(send.rule, lang), names)
    local = send.local_derivative()
    if local is not None:
        local_text = fmt_inline(local)
        if rule == local_text:
            lines.append(
                "  " + t("bwd_to_plain", lang, inp=input_name, node=node_name, local=local_text)
            )
        else:
            lines.append(
                "  "
                + t("bwd_to", lang, inp=input_name, node=node_name, rule=rule, local=local_text)
            )
        product = np.asarray(upstream) * local
        if product.shape != np.shape(send.contribution):
            lines.append(
                "  "
                + t(
                    "bwd_chain",
                    lang,
                    g=g_text,
                    local=paren(local_text),
                    contrib=fmt_inline(product),
                )
            )
            lines.append("  " + t("bwd_summed", lang, inp=input_name, contrib=contrib))
        else:
            lines.append(
                "  " + t("bwd_chain", lang, g=g_text, local=paren(local_text), contrib=contrib)
            )
    else:
        lines.append(
            "  " + t("bwd_to_jac", lang, inp=input_name, node=node_name, rule=rule, g=g_text)
        )
        lines.append("  " + t("bwd_chain_jac", lang, contrib=contrib))
    return lines + _accumulation(send, input_name, contrib, lang)


def _accumulation(send, input_name, contrib, lang):
    lines = []
    if send.accumulates:
        lines.append(
            "  "
            + t(
                "bwd_accum",
                lang,
                inp=input_name,
                before=fmt_inline(send.total_before),
                contrib=paren(contrib),
                after=fmt_inline(send.total_after),
            )
        )
    return lines


def framework_name(framework):
    """How the text names who computed a number: "PyTorch", "JAX", or our engine."""
    return {"pytorch": "PyTorch", "jax": "JAX"}.get(framework, "autograd_viz")


def paren(text):
    """'-2' -> '(-2)', so '3 + (-2)' and '1 × (-2)' read as arithmetic."""
    return f"({text})" if text.startswith("-") else text


def panel_html(lines):
    return text_html("\n".join(esc_html(x) for x in lines))


def text_html(escaped):
    """Escaped explanation text in its box.  The line breaks and the font are
    kept by an inline style, not only by the player's stylesheet: an untrusted
    notebook's saved output loses every <style>, and its lines would run
    together (in a font that may lack Vietnamese letters)."""
    return f'<div class="avz-text" style="white-space: pre-wrap; {font_style()}">{escaped}</div>'
