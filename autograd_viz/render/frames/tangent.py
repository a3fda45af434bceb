"""Forward-mode frames: the tangents pushed through the graph op by op.

Forward mode carries, next to each value, its tangent: how fast the value
changes when the inputs move along the seed direction (ẋ = 1 for the input
we differentiate by, 0 for every other input).  Each op's tangent is the sum
over its inputs of local derivative × input tangent, the same local
derivatives the backward frames multiply gradients by.  One frame per op in
run order shows the value and the tangent appear together, blue along the
edges they came in by; the last frame reads the output's tangent as the
derivative along the seed and checks it against reverse mode.

The numbers come from the engine (``forward.tangent_steps``); this module
only arranges them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...engine import graph as _graph
from ...engine.errors import BackwardError
from ...engine.forward import tangent_steps as _tangent_steps
from ...engine.tensor import Tensor
from ...i18n import rule_text, t
from ..model import _formula, substitute
from ..style import dot_name
from ..values import fmt_inline
from .frame import Frame
from .painter import FORWARD_EDGE
from .panel import panel_html, paren

TANGENT_EDGE = FORWARD_EDGE  # tangents travel with the values, forward


@dataclass
class TangentRun:
    """One forward-mode sweep of a recorded graph, ready to draw."""

    root: object  # the output Tensor
    wrt: list  # the seeded leaves
    seeds: list  # their seed tangents (numpy), in wrt's order
    steps: list  # forward.ForwardStep, run order
    leaf_tangents: dict  # node id -> tangent of every drawn leaf

    @property
    def tangent(self):
        """The output's tangent: the derivative along the seed."""
        return np.asarray(self.steps[-1].tangent) if self.steps else None


def root_of(target):
    """The one output a forward sweep starts from: a Tensor, or a tape's last target."""
    if isinstance(target, Tensor):
        return target
    last = getattr(target, "last_target", None)
    if isinstance(last, Tensor):
        return last
    recorded = [x for x in getattr(target, "recorded", None) or () if isinstance(x, Tensor)]
    if recorded:
        return recorded[-1]
    raise TypeError(
        f"forward mode needs one output to follow: pass a Tensor (e.g. y), "
        f"not a {type(target).__name__}"
    )


def resolve_wrt(model, wrt, root=None):
    """The leaves to seed, checked against the graph (a clear error otherwise)."""
    candidates = [
        n for n in model.nodes if n.kind == "leaf" and n.tensor.requires_grad and not n.cut
    ]
    if wrt is None:
        if len(candidates) == 1:
            return [candidates[0].tensor]
        names = ", ".join(n.name for n in candidates) or "none"
        raise ValueError(
            f"forward mode needs to know which input to seed: pass wrt=x "
            f"(inputs that require grad here: {names})"
        )
    many = isinstance(wrt, (list, tuple))
    leaves = list(wrt) if many else [wrt]
    for x in leaves:
        if not isinstance(x, Tensor):
            raise TypeError(f"wrt must be a Tensor (or a list of them), got {type(x).__name__}")
        node = model.by_tensor.get(id(x))
        if node is None:
            # a huge graph draws only its last ops: the seed may sit before them
            below = _graph.whole_graph([root]) if root is not None else ()
            if not any(y is x for y in below):
                raise ValueError(
                    "wrt is not an input of this graph: pass a tensor the output was computed from"
                )
            if x.op is not None:
                raise ValueError("wrt is computed by an op; seed an input (a leaf)")
            continue
        if node.kind == "op":
            raise ValueError(
                f"wrt={node.name} is computed by an op; seed an input (a leaf) "
                f"such as {', '.join(n.name for n in candidates) or 'x'}"
            )
    return leaves


def _dtype(x):
    """Tangents take their primal's float dtype (the engine insists)."""
    dtype = np.asarray(x.data).dtype
    return dtype if dtype.kind == "f" else np.float64


def _seeds(leaves, tangent, many):
    """One seed per leaf: ones, or ``tangent`` (a list of them when wrt was a list)."""
    if tangent is None:
        return [np.ones(np.shape(x.data), dtype=_dtype(x)) for x in leaves]
    given = list(tangent) if many and isinstance(tangent, (list, tuple)) else [tangent]
    if len(given) != len(leaves):
        raise ValueError(
            f"tangent= needs one seed per wrt tensor: {len(leaves)} wrt, {len(given)} tangents"
        )
    out = []
    for x, s in zip(leaves, given):
        arr = np.asarray(getattr(s, "data", s), dtype=_dtype(x))
        if arr.shape != np.shape(x.data):
            if arr.size == 1 or np.broadcast_shapes(arr.shape, np.shape(x.data)) == np.shape(
                x.data
            ):
                arr = np.broadcast_to(arr, np.shape(x.data)).copy()
            else:
                raise ValueError(
                    f"tangent= has shape {arr.shape}, but the input it seeds has "
                    f"shape {np.shape(x.data)}: give one number per entry"
                )
        out.append(arr)
    return out


def run_tangents(model, root, wrt=None, tangent=None):
    """Push the seed through ``root``'s graph; record every tangent in ``model``
    so the one layout sizes its boxes for them."""
    leaves = resolve_wrt(model, wrt, root)
    seeds = _seeds(leaves, tangent, isinstance(wrt, (list, tuple)))
    engine_tangent = seeds if len(leaves) > 1 else seeds[0]
    steps = _tangent_steps(root, leaves if len(leaves) > 1 else leaves[0], engine_tangent)
    by_leaf = {id(x): s for x, s in zip(leaves, seeds)}
    computed = {id(step.node): np.asarray(step.tangent) for step in steps}
    leaf_tangents = {}
    for n in model.nodes:
        if n.kind == "leaf":
            # a huge graph's cut results are drawn as inputs: they carry their tangent
            tangent = computed.get(id(n.tensor)) if n.cut else by_leaf.get(id(n.tensor))
            leaf_tangents[n.id] = (
                tangent if tangent is not None else np.zeros(np.shape(n.tensor.data))
            )
    versions = dict(model.tangent_versions or {})
    for nid, tan in leaf_tangents.items():
        versions.setdefault(nid, []).append(tan)
    for step in steps:
        node = model.by_tensor.get(id(step.node))
        if node is not None:
            versions.setdefault(node.id, []).append(np.asarray(step.tangent))
    model.tangent_versions = versions
    return TangentRun(root, leaves, seeds, steps, leaf_tangents)


def reverse_check(run):
    """J·seed by reverse mode on the same graph: one backward pass per output
    entry, gradients not stored anywhere.  None if the graph was freed."""
    root = run.root
    out = np.zeros(np.shape(root.data))
    if out.size > 200:
        return None
    try:
        for k in range(out.size):
            seed = np.zeros(out.shape)
            seed.flat[k] = 1.0
            _, grads = _graph.run_backward(root, seed, retain_graph=True, targets=run.wrt)
            out.flat[k] = sum(
                np.sum(np.asarray(_graph.as_plain(g)) * s)
                for g, s in zip(grads, run.seeds)
                if g is not None
            )
    except BackwardError:
        return None
    return out, grads


def recorded_check(model, run):
    """The same check from the backward pass already recorded on this graph
    (its graph freed, so it cannot run again), when that pass started from
    this scalar output with seed 1.  None otherwise."""
    if (
        model.root is not run.root
        or np.size(run.root.data) != 1
        or not np.all(np.asarray(model.seed) == 1)
    ):
        return None
    final = model.final_grads()
    grads = [
        final.get(model.by_tensor[id(x)].id) if id(x) in model.by_tensor else None for x in run.wrt
    ]
    number = sum(np.sum(np.asarray(g) * s) for g, s in zip(grads, run.seeds) if g is not None)
    return np.asarray(number), grads


def name_of(model, x):
    """What the text calls ``x``, drawn or not (huge graphs leave early inputs out)."""
    node = model.by_tensor.get(id(x))
    return node.name if node is not None else (x.name or "x")


def legend_line(model, run):
    name = name_of(model, run.wrt[0]) if run.wrt else "x"
    return t("legend_tangent", model.lang, dot=dot_name(name))


def tangent_frames(model, painter, run, check=None):
    """One frame per drawn op of ``run`` (see :func:`run_tangents`)."""
    lang = model.lang
    canvas = painter.canvas(computed={n.id for n in model.nodes if n.kind != "op"})
    for nid, tan in run.leaf_tangents.items():
        canvas.node(model.by_id[nid], True, None, "", tan)
    into = {}
    for e in model.edges:
        if e.kind == "data":
            into.setdefault(e.head, []).append(e)
    drawn = [
        s
        for s in run.steps
        if id(s.node) in model.by_tensor and model.by_tensor[id(s.node)].kind == "op"
    ]  # not a huge graph's cut results
    seeds = _seed_text(model, run)
    frames = []
    for i, step in enumerate(drawn, 1):
        node = model.node_of(step.node)
        canvas.reset_highlights()
        canvas.node(node, True, None, "current", np.asarray(step.tangent))
        for e in into.get(node.id, ()):
            if model.by_id[e.tail].kind != "const":  # a constant sends no tangent
                canvas.edge(e, TANGENT_EDGE)
        for e in model.edges:
            if e.kind == "detach" and e.head == node.id:
                canvas.edge(e, "")
        lines = []
        if i == 1:
            every = all(
                id(model.by_id[nid].tensor) in {id(x) for x in run.wrt}
                for nid in run.leaf_tangents
                if not model.by_id[nid].cut
            )
            lines.append(t("tan_seed_all" if every else "tan_seed", lang, seeds=seeds))
        lines.append(
            t(
                "tan_value",
                lang,
                name=node.name,
                formula=node.formula,
                value=fmt_inline(step.node.data),
            )
        )
        lines += push_lines(model, node, step)
        if i == len(drawn) and step.node is run.root:
            lines += final_lines(model, run, seeds, check)
        frames.append(
            Frame(
                "tangent",
                t("tangent_title", lang, i=i, n=len(drawn), what=node.title),
                "\n".join(lines),
                panel_html(lines),
                canvas.svg(),
                node.id,
            )
        )
    return frames


def push_lines(model, node, step):
    """The tangent rule of one op, with its numbers."""
    lang = model.lang
    names = {k: model.node_of(p).name for k, p in zip("ab", step.node.inputs)}
    me = dot_name(node.name)
    symbols, lines, terms = [], [], []
    for push in step.pushes:
        src = model.by_tensor.get(id(push.input))
        if src is None or src.kind == "const":
            continue  # a constant does not move: it has no tangent
        inp = src.name
        symbols.append(f"∂{node.name}/∂{inp} · {dot_name(inp)}")
        rule = substitute(rule_text(push.rule, lang), names)
        local = push.local_derivative()
        tin = np.asarray(push.tangent_in)
        contrib = np.asarray(push.contribution)
        if local is not None:
            local = np.asarray(local)
            local_text = fmt_inline(local)
            key = "tan_from_plain" if rule == local_text else "tan_from"
            lines.append("  " + t(key, lang, inp=inp, node=node.name, rule=rule, local=local_text))
            elementwise = np.shape(local * tin) == contrib.shape
            sign = "×" if elementwise else "·"
            terms.append(f"{paren(local_text)} {sign} {paren(fmt_inline(tin))}")
        elif push.position in getattr(step.node.op, "linear_in", ()):
            # matmul, reshape, indexing: no single local-derivative array, but the op
            # is linear in this input, so the tangent goes through the op itself
            # (the backward rule, written with g, is the transpose of this)
            inputs = [model.node_of(p).name for p in step.node.inputs]
            inputs[push.position] = dot_name(inp)
            expr = _formula(step.node, inputs, lang)
            lines.append(
                "  "
                + t(
                    "tan_from_linear",
                    lang,
                    inp=inp,
                    node=node.name,
                    expr=expr,
                    contrib=fmt_inline(contrib),
                )
            )
            terms.append(paren(fmt_inline(contrib)))
        else:
            lines.append(
                "  "
                + t(
                    "tan_from_jac",
                    lang,
                    inp=inp,
                    node=node.name,
                    rule=rule,
                    dot=dot_name(inp),
                    tin=fmt_inline(tin),
                    contrib=fmt_inline(contrib),
                )
            )
            terms.append(paren(fmt_inline(contrib)))
    result = fmt_inline(step.tangent)
    if not symbols:
        return [t("tan_none", lang, node=node.name, dot=me, result=result)]
    out = [t("tan_rule", lang, rule=f"{me} = " + " + ".join(symbols))] + lines
    if terms == [result] or terms == [paren(result)]:
        out.append(t("tan_is", lang, dot=me, result=result))  # nothing to add up
    else:
        out.append(t("tan_sum", lang, dot=me, terms=" + ".join(terms), result=result))
    return out


def _seed_text(model, run):
    return ", ".join(
        f"{dot_name(name_of(model, x))} = {fmt_inline(s)}" for x, s in zip(run.wrt, run.seeds)
    )


def final_lines(model, run, seeds, check):
    """What the output's tangent means, and reverse mode's same number."""
    lang = model.lang
    root = model.node_of(run.root)
    value = fmt_inline(run.tangent)
    lines = [t("tan_done", lang, dot=dot_name(root.name), value=value, root=root.name, seeds=seeds)]
    if check is None:
        check = reverse_check(run) or recorded_check(model, run)
    if check is None:
        lines.append(t("tan_same_unknown", lang))
        return lines
    numbers, grads = check
    if np.size(numbers) == 1:
        symbols, products = [], []
        for x, g, s in zip(run.wrt, grads, run.seeds):
            g = np.zeros(np.shape(s)) if g is None else np.asarray(_graph.as_plain(g))
            sign = "×" if np.ndim(s) == 0 else "·"
            name = name_of(model, x)
            symbols.append(f"∂{root.name}/∂{name} {sign} {dot_name(name)}")
            products.append(f"{paren(fmt_inline(g))} {sign} {paren(fmt_inline(s))}")
        check_text = " + ".join(symbols) + " = " + " + ".join(products)
        lines.append(t("tan_same", lang, check=check_text, value=fmt_inline(numbers)))
    else:
        lines.append(t("tan_same_many", lang, m=np.size(numbers), value=fmt_inline(numbers)))
    return lines
