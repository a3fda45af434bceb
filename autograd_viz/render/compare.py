"""``av.compare_modes``: forward and reverse mode on one layout, stepped side
by side, with what each costs on this graph.

The whole Jacobian of an output with m entries by inputs with n entries
takes n forward sweeps (one per input entry, each pushing a basis tangent
through every op) or m reverse sweeps (one per output entry, each a
backward pass over the recorded graph).  Both are run here, by the engine,
and counted; the picture steps through the sweeps of each (the first
:data:`SHOW_SWEEPS` of them), so the difference shows in the stepping too.
"""

from __future__ import annotations

import dis
import re
from dataclasses import dataclass, field

import numpy as np

from ..description import describe_call
from ..engine import graph as _graph
from ..engine.ops import REGISTRY
from ..i18n import resolve as resolve_lang
from ..i18n import t
from .frames.backward import backward_frames
from .frames.forward import forward_frames
from .frames.frame import Frame
from .frames.painter import Painter
from .frames.panel import panel_html
from .frames.tangent import (
    followed_root,
    legend_line,
    name_of,
    resolve_wrt,
    run_tangents,
    tangent_frames,
)
from .function import is_function, names_for, pick_wrt, record
from .model import build_model
from .style import FONT, GRAD_TEXT, TANGENT_TEXT, dot_name
from .values import esc_html, fmt_inline


@dataclass
class Comparison:
    """Both modes run on one graph: the frames and what each mode cost."""

    frames: list  # the side-by-side frames
    counts: dict  # inputs, outputs, *_sweeps, *_ops, stored_values
    jacobians: dict  # {"forward": (m, n) array, "reverse": (m, n) array}
    forward_frames: list = field(default_factory=list)
    reverse_frames: list = field(default_factory=list)
    engine_sweeps: dict = field(default_factory=dict)  # STATE.sweeps deltas while it ran


def compare(
    target, *args, wrt=None, lang=None, names=None, backend="auto", rankdir="auto", caller=None
):
    """Run both modes on ``target`` (an output Tensor, or a function and its
    arguments) and build the side-by-side frames; see :class:`Comparison`."""
    lang = resolve_lang(lang)
    if is_function(target):
        desc = describe_call(target, args, mode="forward", lang=lang)
        if desc is not None:  # real JAX: every argument is an input
            target = desc
            wrt = desc.passes.leaves if wrt is None else desc.passes.pick(wrt)
        else:
            run = record(target, args, backward=False)
            if len(run.outputs) != 1:
                raise ValueError(
                    "compare_modes needs a function with one output tensor; "
                    "return a tuple's parts one at a time"
                )
            target = run.outputs[0]
            names = names_for(run, names)
            wrt = run.leaves if wrt is None else pick_wrt(run, wrt)
    elif args:
        raise TypeError(
            "compare_modes(y) takes the output alone; to pass arguments "
            "give the function first: compare_modes(f, x)"
        )
    model = build_model(target, lang, names=names, caller=caller, rankdir=rankdir)
    desc = model.description
    root = desc.by_id[followed_root(model)]
    if root.kind != "op":
        raise ValueError(
            "this value has no recorded history to differentiate: compute it "
            "from a tensor with requires_grad=True (or pass a function and "
            "its arguments)"
        )
    if wrt is None:
        wrt = [
            n.id for n in model.nodes if n.kind == "leaf" and n.value.requires_grad and not n.cut
        ]
        if not wrt:
            raise ValueError(
                "nothing to differentiate by: no input of this graph requires "
                "grad (make one with requires_grad=True)"
            )
    leaves = resolve_wrt(model, wrt)
    shapes = [np.shape(desc.by_id[w].data) for w in leaves]
    dtypes = [_float(desc.by_id[w].data) for w in leaves]
    n_in = sum(int(np.prod(s, dtype=int)) for s in shapes)
    n_out = int(np.size(root.data))
    passes = desc.passes
    before = dict(_graph.STATE.sweeps)

    # reverse mode: one backward pass per output entry (the Jacobian's rows)
    rows, reverse_runs = [], []
    for k in range(n_out):
        seed = np.zeros(np.shape(root.data), dtype=_float(root.data))
        seed.flat[k] = 1.0
        bp = passes.reverse(seed, wrt=leaves)
        final = bp.final_grads()
        rows.append(np.concatenate([_flat(final.get(w), s) for w, s in zip(leaves, shapes)]))
        if k < SHOW_SWEEPS:
            reverse_runs.append(bp)
    # forward mode: one sweep per input entry (the Jacobian's columns), each
    # run by the producer's own forward mode
    cols = [
        np.ravel(np.asarray(passes.jvp(leaves, _basis(shapes, dtypes, k)), dtype=float))
        for k in range(n_in)
    ]
    engine = {k: _graph.STATE.sweeps[k] - before.get(k, 0) for k in _graph.STATE.sweeps}

    # the pictures: the first sweeps of each mode, on one layout sized for all of them
    versions = {}
    for bp in reverse_runs:
        versions.setdefault(bp.root, []).append(np.asarray(bp.seed))
        for step in bp.steps:
            for send in step.sends:
                versions.setdefault(send.input, []).append(send.total_after)
    model.grad_versions = versions
    forward_runs = [
        run_tangents(model, leaves, seeds=_basis(shapes, dtypes, k))
        for k in range(min(n_in, SHOW_SWEEPS))
    ]
    counts = {
        "inputs": n_in,
        "outputs": n_out,
        "forward_sweeps": n_in,
        "reverse_sweeps": n_out,
        "forward_ops": len(forward_runs[0].steps) if forward_runs else 0,
        "reverse_ops": len(reverse_runs[0].steps),
        "stored_values": stored_values(desc, root.id),
    }
    jac_f = np.stack(cols, axis=1) if cols else np.zeros((n_out, 0))
    jac_r = np.stack(rows, axis=0) if rows else np.zeros((0, n_in))
    reverse_painter = Painter(model, backend=backend, pending_legend=bool(model.op_nodes))
    forward_painter = Painter(
        model,
        backend=backend,
        pending_legend=bool(model.op_nodes),
        layout=reverse_painter.layout,
        legend=[legend_line(model, forward_runs[0])],
    )
    final0 = reverse_runs[0].final_grads()
    grads0 = [final0.get(w) for w in leaves]
    fwd = []  # (frame, sweep number)
    for k, trun in enumerate(forward_runs):
        check = (jac_r[:, k].reshape(np.shape(root.data)), grads0)
        fwd += [(f, k) for f in tangent_frames(model, forward_painter, trun, check=check)]
    rev = [(f, None) for f in forward_frames(model, reverse_painter)]
    for k, bp in enumerate(reverse_runs):
        rev += [(f, k) for f in backward_frames(model, reverse_painter, bp)]
    frames = side_by_side(model, root.id, fwd, rev, counts, forward_runs, reverse_runs)
    return Comparison(
        frames,
        counts,
        {"forward": jac_f, "reverse": jac_r},
        [f for f, _ in fwd],
        [f for f, _ in rev],
        engine,
    )


# ---------------------------------------------------------------- costs


def stored_values(desc, root):
    """{"forward": most values alive at once in a forward sweep,
    "reverse": values the backward rules read, kept from the forward pass}
    (constants left out: they are part of the program, not of the data)."""
    by_id = desc.by_id
    below = {root}
    for v in reversed(desc.values):
        if v.id in below:
            below.update(v.inputs)
    order = [v for v in desc.values if v.id in below]
    consts = {v.id for v in order if v.kind == "const"}
    position = {v.id: i for i, v in enumerate(order)}
    last_use = {}
    kept = set()
    for x in order:
        if x.kind != "op":
            continue
        for p in x.inputs:
            last_use[p] = max(last_use.get(p, -1), position[x.id])
        prim = REGISTRY.get(x.primitive) if x.primitive else None
        for i, p in enumerate(x.inputs):
            if not _needs_grad(by_id[p]):
                continue
            reads = _vjp_reads(prim, i) if prim is not None else None
            if reads is None or "ans" in reads:
                kept.add(x.id)
            for j, q in enumerate(x.inputs):
                if reads is None or j in reads:
                    kept.add(q)
    last_use[root] = len(order)
    live, peak = set(), 0
    for i, x in enumerate(order):
        if x.id not in consts:
            live.add(x.id)
        peak = max(peak, len(live))
        live = {v for v in live if last_use.get(v, -1) > i}
    return {"forward": peak, "reverse": len(kept - consts)}


def _needs_grad(value):
    return value.kind == "op" or value.requires_grad


_READS = {}


def _vjp_reads(prim, i):
    """Which of the op's values VJP ``i`` reads: "ans" and input positions
    (None: cannot tell, assume all).  Read off the rule's own code, so the
    count follows the primitive table."""
    key = (prim.name, i)
    if key in _READS:
        return _READS[key]
    fn = prim.vjps[i]
    code = getattr(fn, "__code__", None)
    out = None
    if code is not None:
        params = code.co_varnames[: code.co_argcount]
        used = set()
        code_ops = list(dis.get_instructions(fn))
        for k, ins in enumerate(code_ops):
            if ins.opname.startswith("LOAD_FAST") or ins.opname == "LOAD_DEREF":
                if _shape_only(code_ops, k):
                    continue  # F.shape(a), F.ndim(a): only the shape is kept
                val = ins.argval
                used.update(val if isinstance(val, tuple) else (val,))
        out = set()
        if len(params) > 2 and params[2] in used:
            out.add("ans")
        for j, name in enumerate(params[3 : 3 + prim.arity]):
            if name in used:
                out.add(j)
    _READS[key] = out
    return out


def _shape_only(code_ops, k):
    """Whether the load at ``k`` only feeds ``F.shape(...)`` / ``F.ndim(...)``."""
    prev = code_ops[k - 1] if k else None
    return (
        prev is not None
        and prev.opname in ("LOAD_METHOD", "LOAD_ATTR")
        and prev.argval in ("shape", "ndim")
        and k + 1 < len(code_ops)
        and not code_ops[k + 1].opname.startswith("LOAD")
    )


def _float(data):
    dtype = np.asarray(data).dtype
    return dtype if dtype.kind == "f" else np.float64


def _flat(g, shape):
    if g is None:
        return np.zeros(int(np.prod(shape, dtype=int)))
    return np.ravel(np.asarray(g, dtype=float))


def _basis(shapes, dtypes, k):
    """Seed tangents for sweep k: 1 at the k-th input entry, 0 elsewhere."""
    out = []
    for shape, dtype in zip(shapes, dtypes):
        b = np.zeros(shape, dtype=dtype)
        if 0 <= k < b.size:
            b.flat[k] = 1.0
        k -= b.size
        out.append(b)
    return out


# ---------------------------------------------------------------- frames

HEAD = 26  # room for each half's heading, in points
SHOW_SWEEPS = 4  # sweeps of each mode drawn; the rest only counted


def side_by_side(model, root, fwd, rev, counts, forward_runs, reverse_runs):
    """One frame per step: forward mode's frame beside reverse mode's; each
    mode steps through its sweeps, then stays on its last frame."""
    lang = model.lang
    root = model.by_id[root].name
    heads_f = [
        t(
            "cmp_forward_head",
            lang,
            i=k + 1,
            k=counts["forward_sweeps"],
            seed=", ".join(
                f"{dot_name(name_of(model, x))} = {fmt_inline(s)}"
                for x, s in zip(run.wrt, run.seeds)
            ),
        )
        for k, run in enumerate(forward_runs)
    ]
    heads_r = [
        t("cmp_reverse_head", lang, i=k + 1, k=counts["reverse_sweeps"])
        + f" (∂{root}/∂{root} = {fmt_inline(bp.seed)})"
        for k, bp in enumerate(reverse_runs)
    ]
    head_pass = t("cmp_reverse_pass", lang, k=counts["reverse_sweeps"])
    box = _viewbox(rev[0][0].svg)
    stacked = box[0] > 1.3 * box[1]
    n = max(len(fwd), len(rev))
    summary = [
        t("cmp_counts", lang, **counts),
        t("cmp_ops", lang, **counts),
        t("cmp_stored", lang, **counts["stored_values"]),
    ]
    for mode, shown in (("forward", len(forward_runs)), ("reverse", len(reverse_runs))):
        if counts[f"{mode}_sweeps"] > shown:
            summary.append(
                t(
                    "cmp_more_sweeps",
                    lang,
                    mode=t(f"cmp_{mode}_side", lang),
                    shown=shown,
                    k=counts[f"{mode}_sweeps"],
                )
            )
    rev_forward = sum(1 for _, k in rev if k is None)
    frames = []
    for i in range(n):
        (f, fk), (r, rk) = fwd[min(i, len(fwd) - 1)], rev[min(i, len(rev) - 1)]
        lines = [f"{heads_f[fk]} · {f.title}"]
        lines += (
            ["  " + x for x in f.text.splitlines()]
            if i < len(fwd)
            else ["  " + t("cmp_forward_done", lang, n=len(fwd))]
        )
        lines.append("")
        lines.append(f"{head_pass if rk is None else heads_r[rk]} · {r.title}")
        lines += (
            ["  " + x for x in r.text.splitlines()]
            if i < len(rev)
            else ["  " + t("cmp_reverse_done", lang, n=len(rev))]
        )
        if i == rev_forward - 1:
            lines.append("  " + t("cmp_reverse_wait", lang))
        if i == 0 or i == n - 1:
            lines += [""] + summary
        svg = combine(f.svg, r.svg, heads_f[fk], head_pass if rk is None else heads_r[rk], stacked)
        frames.append(
            Frame(
                "compare",
                t("cmp_title", lang, i=i + 1, n=n),
                "\n".join(lines),
                panel_html(lines),
                svg,
                r.node,
            )
        )
    return frames


_SVG_OPEN = re.compile(r"<svg\b[^>]*>")


def _viewbox(svg):
    m = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg)
    return float(m.group(1)), float(m.group(2))


def _inner(svg, x, y, prefix=""):
    """``svg`` as a nested <svg> placed at (x, y) in the combined picture;
    ``prefix`` keeps its element ids apart from the other half's."""
    w, h = _viewbox(svg)
    m = _SVG_OPEN.search(svg)
    body = svg[m.end() : svg.rindex("</svg>")]
    if prefix:
        body = body.replace(' id="', f' id="{prefix}')
    return (
        (
            f'<svg x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" '
            f'viewBox="0 0 {w:.1f} {h:.1f}">{body}</svg>'
        ),
        w,
        h,
    )


def combine(forward_svg, reverse_svg, head_f, head_r, stacked):
    """The two halves in one SVG, each under its heading."""
    fw, fh = _viewbox(forward_svg)
    rw, rh = _viewbox(reverse_svg)
    if stacked:
        width, height = max(fw, rw), fh + rh + 2 * HEAD
        places = ((0, HEAD), (0, fh + 2 * HEAD))
    else:
        width, height = fw + rw + 12, max(fh, rh) + HEAD
        places = ((0, HEAD), (fw + 12, HEAD))
    f_el, _, _ = _inner(forward_svg, places[0][0], places[0][1], prefix="fwd-")
    r_el, _, _ = _inner(reverse_svg, places[1][0], places[1][1])
    heads = [(places[0], head_f, TANGENT_TEXT), (places[1], head_r, GRAD_TEXT)]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}pt" '
        f'height="{height:.0f}pt" viewBox="0 0 {width:.1f} {height:.1f}" '
        f'font-family="{FONT}" class="autograd-viz avz-compare">',
        f'<rect x="0" y="0" width="{width:.1f}" height="{height:.1f}" fill="white"/>',
    ]
    for (x, y), text, colour in heads:
        parts.append(
            f'<text x="{x + 14:.1f}" y="{y - 7:.1f}" font-size="15" '
            f'font-weight="bold" fill="{colour}" class="avz-mode-head">'
            f"{esc_html(text)}</text>"
        )
    parts += [f_el, r_el, "</svg>"]
    return "\n".join(parts)
