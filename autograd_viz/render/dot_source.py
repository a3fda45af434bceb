"""The diagram model as DOT text (pure: no Graphviz binary needed).

:func:`to_dot` writes what :func:`autograd_viz.model.build_model` built; the
layout module sends the same text, stripped to box sizes, to Graphviz once.
"""

from __future__ import annotations

import math

import numpy as np

from ..i18n import t
from .model import MAX_OPS
from .style import (
    CONST_TEXT,
    DETACHED_LINE,
    DOT_FONT,
    EDGE,
    FONT_SIZE,
    GRAD_TEXT,
    GROUP_LINE,
    SMALL_FONT_SIZE,
    TANGENT_TEXT,
    TEXT,
    box_size,
    node_style,
)
from .values import esc_dot_string, esc_html


def _html_label(lines):
    parts = []
    for line in lines:
        text = esc_html(line.text)
        if line.role == "title":
            parts.append(f"<B>{text}</B>")
        elif line.role == "grad":
            parts.append(f'<FONT COLOR="{GRAD_TEXT}"><B>{text}</B></FONT>')
        elif line.role == "tangent":
            parts.append(f'<FONT COLOR="{TANGENT_TEXT}"><B>{text}</B></FONT>')
        elif line.role == "const":
            parts.append(f'<FONT POINT-SIZE="{SMALL_FONT_SIZE}" COLOR="{CONST_TEXT}">{text}</FONT>')
        else:
            parts.append(text)
    return "<" + "<BR/>".join(parts) + ">"


# ---------------------------------------------------------------- DOT text


def graph_attrs(model):
    attrs = [
        f"rankdir={model.rankdir}",
        "nodesep=0.3",
        "ranksep=0.45",
        "pad=0.2",
        'bgcolor="white"',
        f'fontname="{DOT_FONT}"',
        f"fontsize={SMALL_FONT_SIZE}",
    ]
    if model.big:
        # cap network simplex and crossing reduction (see _layout_cost)
        attrs += ["nslimit=0.02", "nslimit1=0.5", "mclimit=0.1", "searchsize=10"]
        if not model.groups:
            # newrank ranks the whole graph at once: the same picture here, found
            # a fifth faster (MLP of 507 values: 44 ms in dot instead of 58 ms);
            # with clusters it may stretch a group's box over unrelated nodes
            attrs.append("newrank=true")
    return attrs


def to_dot(model, grads=None, widest=False, legend=True):
    """DOT text of the diagram.

    ``grads``: {node id: gradient array} to show (default: the final ones of
    the recorded backward pass).  ``widest``: label every node with the
    longest text any frame will show there (used for the one layout the
    frames share: fixed box sizes, no text).  ``legend``: add a legend for
    unusual node styles.
    """
    if grads is None and not widest:
        grads = model.final_grads()
    if widest:
        # only sizes matter to a layout: the boxes are sized here to fit the
        # longest text any frame paints in them, and Graphviz gets them with
        # no text at all (it skips loading fonts and measuring text, a third
        # of its time on big graphs, and both Graphviz builds agree); colours
        # and line styles are left out too, the frames paint them
        lines = [
            "digraph autograd {",
            "  graph [" + ", ".join(graph_attrs(model)) + "];",
            '  node [shape=box, label="", fixedsize=true];',
            "  edge [arrowsize=0.8];",
        ]
        states = all_grad_versions(model)
    else:
        lines = [
            "digraph autograd {",
            "  graph [" + ", ".join(graph_attrs(model)) + "];",
            f'  node [fontname="{DOT_FONT}", fontsize={FONT_SIZE}, margin="0.16,0.09", '
            f'penwidth=2, fontcolor="{TEXT}"];',
            f'  edge [color="{EDGE}", penwidth=1.5, arrowsize=0.8];',
        ]
    grouped = {}
    for node in model.nodes:
        if node.group is not None:
            grouped.setdefault(node.group, []).append(node)
    body = []
    for node in model.nodes:
        shape, style, fill, line = node_style(node)
        if widest:
            w, h = box_size(
                node,
                [model.lines(node, True, g) for g in states.get(node.id, [None])]
                + [
                    model.lines(node, True, None, tan)
                    for tan in (model.tangent_versions or {}).get(node.id, ())
                ],
            )
            # inches, rounded up: a box never ends up smaller than its text
            attrs = [
                f"width={math.ceil(w / 72 * 1000) / 1000}",
                f"height={math.ceil(h / 72 * 1000) / 1000}",
            ]
            if node.kind == "const":
                attrs.append("shape=plaintext")
            body.append((node, f"  {node.id} [" + ", ".join(attrs) + "];"))
            continue
        else:
            label_lines = model.lines(node, True, grads.get(node.id))
            attrs = [f"label={_html_label(label_lines)}", f"shape={shape}"]
        if node.kind == "const":
            attrs += ["margin=0.04", "width=0.2", "height=0.2"]
        else:
            attrs += [f'style="{style}"', f'fillcolor="{fill}"', f'color="{line}"']
        body.append((node, f"  {node.id} [" + ", ".join(attrs) + "];"))
    for node, text in body:
        if node.group is None:
            lines.append(text)
    children = {}
    for child, parent in model.group_parent.items():
        children.setdefault(parent, []).append(child)

    def cluster(index, indent):
        label = model.groups[index][0]
        lines.append(f"{indent}subgraph cluster_r{index} {{")
        if widest:
            lines.append(f'{indent}  label="{esc_dot_string(label)}";')
        else:
            lines.append(
                f'{indent}  label="{esc_dot_string(label)}"; style="rounded,dashed"; '
                f'color="{GROUP_LINE}"; fontcolor="{CONST_TEXT}"; penwidth=1.5;'
            )
        for node, text in body:
            if node.group == index:
                lines.append(indent + text)
        for child in children.get(index, ()):  # an nn.Module inside another
            cluster(child, indent + "  ")
        lines.append(f"{indent}}}")

    for index in range(len(model.groups)):
        if index not in model.group_parent:
            cluster(index, "  ")
    for a, b in model.same_rank:
        lines.append(f"  {{rank=same; {a}; {b}}}")
    for e in model.edges:
        if e.kind == "detach" and widest:
            lines.append(
                f'  {e.tail} -> {e.head} [label="{esc_dot_string(t("detach_edge", model.lang))}"];'
            )
        elif e.kind == "detach":
            lines.append(
                f'  {e.tail} -> {e.head} [style=dashed, color="{DETACHED_LINE}", '
                f'penwidth=2, label="{esc_dot_string(t("detach_edge", model.lang))}", '
                f'fontcolor="{CONST_TEXT}"];'
            )
        else:
            lines.append(f"  {e.tail} -> {e.head};")
    if legend:
        keys = model.legend_keys()
        if keys:
            text = "\\l".join(esc_dot_string(legend_text(model, k)) for k in keys) + "\\l"
            lines.append(f'  label="{text}"; labelloc=b; labeljust=l;')
    lines.append("}")
    return "\n".join(lines) + "\n"


def legend_text(model, key):
    return t(key, model.lang, n=model.hidden_ops, shown=MAX_OPS)


def all_grad_versions(model):
    """{node id: [None, every gradient the node shows during the backward pass]}."""
    versions = {n.id: [None] for n in model.nodes}
    if model.backward is not None:
        versions[model.backward.root].append(np.asarray(model.backward.seed))
        for step in model.backward.steps:
            for send in step.sends:
                versions[send.input].append(send.total_after)
    for nid, grads in (model.grad_versions or {}).items():
        versions.setdefault(nid, [None]).extend(grads)
    return versions
