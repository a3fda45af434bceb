"""Forward-mode frames: the tangents pushed through the graph op by op.

Forward mode carries, next to each value, its tangent: how fast the value
changes when the inputs move along the seed direction (ẋ = 1 for the input
we differentiate by, 0 for every other input).  Each op's tangent is the sum
over its inputs of local derivative × input tangent, the same local
derivatives the backward frames multiply gradients by.  One frame per op in
run order shows the value and the tangent appear together, blue along the
edges they came in by; the last frame reads the output's tangent as the
derivative along the seed and checks it against reverse mode.

The numbers come from the graph description's producer (our engine's
``forward.tangent_steps``, PyTorch's forward AD, ``jax.jvp``); this module
only arranges them.
"""

from __future__ import annotations

import numpy as np

from ...description import DescriptionError, TangentRun
from ...engine.errors import BackwardError
from ...i18n import error, rule_text, t
from ..model import formula_of, substitute
from ..style import dot_name
from ..values import fmt_inline
from .frame import Frame
from .painter import FORWARD_EDGE
from .panel import framework_name, panel_html, paren

TANGENT_EDGE = FORWARD_EDGE  # tangents travel with the values, forward

__all__ = ["TangentRun", "run_tangents", "tangent_frames", "resolve_wrt", "followed_root"]


def followed_root(model):
    """Id of the one output a forward sweep follows (a clear error if there is none)."""
    passes = model.description.passes
    root = passes.root_for_forward() if passes is not None else None
    if root is None:
        raise error(TypeError, "err_fwd_one_root", model.lang)
    return root


def resolve_wrt(model, wrt):
    """The ids of the leaves to seed, checked against the graph (a clear error otherwise)."""
    desc = model.description
    candidates = [
        n for n in model.nodes if n.kind == "leaf" and n.value.requires_grad and not n.cut
    ]
    if wrt is None:
        if len(candidates) == 1:
            return [candidates[0].id]
        if not candidates:
            raise error(ValueError, "err_fwd_which_none", model.lang)
        names = ", ".join(n.name for n in candidates)
        raise error(ValueError, "err_fwd_which", model.lang, names=names)
    leaves = list(wrt) if isinstance(wrt, (list, tuple)) else [wrt]
    out = []
    for x in leaves:
        value = desc.value_of(x)
        if value is None:
            if not hasattr(x, "shape"):
                raise error(TypeError, "err_wrt_type", model.lang, type=type(x).__name__)
            raise error(ValueError, "err_wrt_not_input", model.lang)
        if value.kind == "op":
            name = model.by_id[value.id].name if value.id in model.by_id else "?"
            leaves = ", ".join(n.name for n in candidates) or "x"
            raise error(ValueError, "err_wrt_op", model.lang, name=name, leaves=leaves)
        out.append(value.id)
    return out


def _dtype(value):
    """Tangents take their primal's float dtype (the engines insist)."""
    dtype = np.asarray(value.data).dtype
    return dtype if dtype.kind == "f" else np.float64


def _seeds(values, tangent, many):
    """One seed per leaf: ones, or ``tangent`` (a list of them when wrt was a list)."""
    if tangent is None:
        return [np.ones(np.shape(v.data), dtype=_dtype(v)) for v in values]
    given = list(tangent) if many and isinstance(tangent, (list, tuple)) else [tangent]
    if len(given) != len(values):
        raise error(ValueError, "err_tangent_count", n=len(values), m=len(given))
    out = []
    for v, s in zip(values, given):
        arr = np.asarray(getattr(s, "data", s), dtype=_dtype(v))
        shape = np.shape(v.data)
        if arr.shape != shape:
            if arr.size == 1 or np.broadcast_shapes(arr.shape, shape) == shape:
                arr = np.broadcast_to(arr, shape).copy()
            else:
                raise error(ValueError, "err_tangent_shape", got=arr.shape, shape=shape)
        out.append(arr)
    return out


def run_tangents(model, wrt=None, tangent=None, seeds=None):
    """One forward sweep from the description's producer, seeded at ``wrt``
    (objects or ids) with ones, ``tangent``, or ``seeds`` (numpy, one per
    leaf); every tangent is recorded in ``model`` so the one layout sizes its
    boxes for them."""
    followed_root(model)
    ids = resolve_wrt(model, wrt)
    desc = model.description
    if seeds is None:
        values = [desc.by_id[i] for i in ids]
        seeds = _seeds(values, tangent, isinstance(wrt, (list, tuple)))
    run = desc.passes.forward(ids, seeds)
    computed = {step.node: np.asarray(step.tangent) for step in run.steps}
    leaf_tangents = {}
    for n in model.nodes:
        if n.kind == "leaf":
            # a huge graph's cut results are drawn as inputs: they carry their tangent
            tan = computed.get(n.id) if n.cut else run.leaf_tangents.get(n.id)
            leaf_tangents[n.id] = tan if tan is not None else np.zeros(np.shape(n.data))
    run.leaf_tangents = leaf_tangents
    versions = dict(model.tangent_versions or {})
    for nid, tan in leaf_tangents.items():
        versions.setdefault(nid, []).append(tan)
    for step in run.steps:
        if step.node in model.by_id:
            versions.setdefault(step.node, []).append(np.asarray(step.tangent))
    model.tangent_versions = versions
    return run


def reverse_check(model, run):
    """J·seed by reverse mode on the same graph: one backward pass per output
    entry, gradients not stored anywhere.  None if the graph cannot run one."""
    root = model.description.by_id[run.root]
    out = np.zeros(np.shape(root.data))
    if out.size > 200:
        return None
    grads = None
    try:
        for k in range(out.size):
            seed = np.zeros(out.shape, dtype=_dtype(root))
            seed.flat[k] = 1.0
            final = model.description.passes.reverse(seed, wrt=run.wrt).final_grads()
            grads = [final.get(w) for w in run.wrt]
            out.flat[k] = sum(
                np.sum(np.asarray(g) * s) for g, s in zip(grads, run.seeds) if g is not None
            )
    except (BackwardError, DescriptionError):
        return None
    return out, grads


def recorded_check(model, run):
    """The same check from the backward pass already recorded on this graph
    (its graph freed, so it cannot run again), when that pass started from
    this scalar output with seed 1.  None otherwise."""
    root = model.description.by_id[run.root]
    if (
        model.backward is None
        or model.backward.root != run.root
        or np.size(root.data) != 1
        or not np.all(np.asarray(model.backward.seed) == 1)
    ):
        return None
    final = model.final_grads()
    grads = [final.get(w) for w in run.wrt]
    number = sum(np.sum(np.asarray(g) * s) for g, s in zip(grads, run.seeds) if g is not None)
    return np.asarray(number), grads


def name_of(model, vid):
    """What the text calls value ``vid``, drawn or not (huge graphs leave early inputs out)."""
    node = model.by_id.get(vid)
    if node is not None:
        return node.name
    return model.description.by_id[vid].name or "x"


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
        s for s in run.steps if s.node in model.by_id and model.by_id[s.node].kind == "op"
    ]  # not a huge graph's cut results
    seeds = _seed_text(model, run)
    frames = []
    for i, step in enumerate(drawn, 1):
        node = model.by_id[step.node]
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
            every = all(nid in run.wrt for nid in run.leaf_tangents if not model.by_id[nid].cut)
            lines.append(t("tan_seed_all" if every else "tan_seed", lang, seeds=seeds))
        lines.append(
            t(
                "tan_value",
                lang,
                name=node.name,
                formula=node.formula,
                value=fmt_inline(node.data),
            )
        )
        lines += push_lines(model, node, step)
        if i == len(drawn) and step.node == run.root:
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
    names = {k: model.by_id[p].name for k, p in zip("ab", node.inputs)}
    me = dot_name(node.name)
    symbols, lines, terms = [], [], []
    for push in step.pushes:
        src = model.by_id.get(push.input)
        if src is None or src.kind == "const":
            continue  # a constant does not move: it has no tangent
        inp = src.name
        symbols.append(f"∂{node.name}/∂{inp} · {dot_name(inp)}")
        tin = np.asarray(push.tangent_in)
        contrib = np.asarray(push.contribution)
        if push.rule is None:
            # an op outside our table: the framework's own forward mode pushed it
            framework = model.description.passes.framework
            lines.append(
                "  "
                + t(
                    "tan_real_jvp",
                    lang,
                    inp=inp,
                    op=node.value.op,
                    framework=framework_name(framework),
                    dot=dot_name(inp),
                    tin=fmt_inline(tin),
                    contrib=fmt_inline(contrib),
                )
            )
            terms.append(paren(fmt_inline(contrib)))
            continue
        rule = substitute(rule_text(push.rule, lang), names)
        local = push.local_derivative()
        if local is not None:
            local = np.asarray(local)
            local_text = fmt_inline(local)
            key = "tan_from_plain" if rule == local_text else "tan_from"
            lines.append("  " + t(key, lang, inp=inp, node=node.name, rule=rule, local=local_text))
            elementwise = np.shape(local * tin) == contrib.shape
            sign = "×" if elementwise else "·"
            terms.append(f"{paren(local_text)} {sign} {paren(fmt_inline(tin))}")
        elif push.linear:
            # matmul, reshape, indexing: no single local-derivative array, but the op
            # is linear in this input, so the tangent goes through the op itself
            # (the backward rule, written with g, is the transpose of this)
            inputs = [model.by_id[p].name for p in node.inputs]
            inputs[push.position] = dot_name(inp)
            expr = formula_of(node.value, inputs, lang)
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
    if step.folded:
        framework = framework_name(model.description.passes.framework)
        return [t("tan_module", lang, op=node.value.op, framework=framework, dot=me, result=result)]
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
    root = model.by_id[run.root]
    value = fmt_inline(run.tangent)
    lines = [t("tan_done", lang, dot=dot_name(root.name), value=value, root=root.name, seeds=seeds)]
    if check is None:
        check = reverse_check(model, run) or recorded_check(model, run)
    if check is None:
        lines.append(t("tan_same_unknown", lang))
        return lines
    numbers, grads = check
    if np.size(numbers) == 1:
        symbols, products = [], []
        for x, g, s in zip(run.wrt, grads, run.seeds):
            g = np.zeros(np.shape(s)) if g is None else np.asarray(g)
            sign = "×" if np.ndim(s) == 0 else "·"
            name = name_of(model, x)
            symbols.append(f"∂{root.name}/∂{name} {sign} {dot_name(name)}")
            products.append(f"{paren(fmt_inline(g))} {sign} {paren(fmt_inline(s))}")
        check_text = " + ".join(symbols) + " = " + " + ".join(products)
        lines.append(t("tan_same", lang, check=check_text, value=fmt_inline(numbers)))
    else:
        lines.append(t("tan_same_many", lang, m=np.size(numbers), value=fmt_inline(numbers)))
    return lines
