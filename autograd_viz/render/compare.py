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
from ..i18n import error, in_call_language, t
from ..i18n import resolve as resolve_lang
from .frames.backward import backward_frames, basis_row
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
from .style import FONT, GRAD_TEXT, TANGENT_TEXT, TEXT, dot_name
from .text_width import wrap
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


@in_call_language
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
                raise error(ValueError, "err_cmp_one_output", lang)
            target = run.outputs[0]
            names = names_for(run, names)
            wrt = run.leaves if wrt is None else pick_wrt(run, wrt)
    elif args:
        raise error(TypeError, "err_cmp_args", lang)
    model = build_model(target, lang, names=names, caller=caller, rankdir=rankdir)
    desc = model.description
    root = desc.by_id[followed_root(model)]
    if root.kind != "op":
        raise error(ValueError, "err_cmp_no_history", lang)
    if wrt is None:
        wrt = [
            n.id for n in model.nodes if n.kind == "leaf" and n.value.requires_grad and not n.cut
        ]
        if not wrt:
            raise error(ValueError, "err_cmp_no_input", lang)
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
    }
    held = memory(model, root.id, leaves)
    counts["stored_values"] = {mode: h.count for mode, h in held.items()}
    counts["kept_for_backward"] = len(held["reverse"].kept)
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
    frames = side_by_side(model, root.id, fwd, rev, counts, forward_runs, reverse_runs, held)
    return Comparison(
        frames,
        counts,
        {"forward": jac_f, "reverse": jac_r},
        [f for f, _ in fwd],
        [f for f, _ in rev],
        engine,
    )


# ---------------------------------------------------------------- costs


@dataclass
class Held:
    """What one mode holds at the busiest moment of one sweep."""

    count: int  # values, tangents and gradients held at once
    labels: list  # what they are, as the text names them (x, ẋ, grad v1)
    at: str  # the step: the op being computed (or whose backward step runs)
    backward: bool = False  # reverse mode: the moment is in the backward sweep
    kept: list = field(default_factory=list)  # reverse mode: values kept for the backward sweep


def memory(model, root, leaves):
    """{"forward": Held, "reverse": Held}: the most values each mode must hold
    at once in one sweep of the graph of value ``root`` (an id) by ``leaves``
    (ids), by the usual bookkeeping (a value lives from the step that computes
    it to the last step that reads it; the inputs are there from the start;
    constants are part of the program, not counted):

    * forward mode carries each value and, if it depends on ``leaves``, its
      tangent; both are dropped once no op ahead reads them.
    * reverse mode runs the forward pass holding the values, but keeps the
      ones its backward rules read (read off the rules' code, so the count
      follows the primitive table; an op outside the table keeps everything)
      until the backward sweep gets there; the backward sweep holds those and
      the gradients in flight (a gradient lives from the first contribution
      to it until its node's step; the inputs' gradients are the result and
      stay).
    """
    desc = model.description
    below = {root}
    for v in reversed(desc.values):
        if v.id in below:
            below.update(v.inputs)
    order = [v for v in desc.values if v.id in below]
    pos = {v.id: i for i, v in enumerate(order)}
    wrt = set(leaves)
    drawn_leaves = {n.id for n in model.nodes if n.kind == "leaf"}
    const = {v.id for v in order if v.kind == "const" or (v.kind == "leaf" and not v.requires_grad)}
    const -= wrt | drawn_leaves
    active = set()
    for x in order:
        if x.id in wrt or (x.kind == "op" and any(p in active for p in x.inputs)):
            active.add(x.id)
    last_use = {root: len(order)}
    for i, x in enumerate(order):
        for p in x.inputs if x.kind == "op" else ():
            last_use[p] = max(last_use.get(p, -1), i)
    born = {x.id: (i if x.kind == "op" else -1) for i, x in enumerate(order)}
    ops = [x for x in order if x.kind == "op"]

    def name(x):
        return name_of(model, x.id)

    def live(i):
        return [
            x
            for x in order
            if x.id not in const and born[x.id] <= i <= last_use.get(x.id, born[x.id])
        ]

    # forward mode: each live value, and its tangent where it has one
    fwd = Held(0, [], "")
    for x in ops:
        labels = []
        for v in live(pos[x.id]):
            labels.append(name(v))
            if v.id in active:
                labels.append(dot_name(name(v)))
        if len(labels) > fwd.count:
            fwd = Held(len(labels), labels, name(x))

    # reverse mode: which values the backward rules read, and the last (in
    # backward order) op reading each
    backward_ops = [x for x in reversed(ops) if x.id in active]
    step_of = {x.id: j for j, x in enumerate(backward_ops)}
    kept_until = {}  # id -> backward step of its last reader
    kept_values = {}
    for x in backward_ops:
        prim = REGISTRY.get(x.primitive) if x.primitive else None
        for i, p in enumerate(x.inputs):
            if p not in active:
                continue
            reads = _vjp_reads(prim, i) if prim is not None else None
            wanted = [x] if reads is None or "ans" in reads else []
            wanted += [desc.by_id[q] for j, q in enumerate(x.inputs) if reads is None or j in reads]
            for q in wanted:
                if q.id in const:
                    continue
                kept_until[q.id] = max(kept_until.get(q.id, -1), step_of[x.id])
                kept_values[q.id] = q
    kept = sorted(kept_values.values(), key=lambda q: pos[q.id])
    rev = Held(0, [], "", kept=[name(q) for q in kept])
    for x in ops:  # its forward pass
        i = pos[x.id]
        held = {v.id: v for v in live(i)}
        held.update((q.id, q) for q in kept if born[q.id] <= i)
        held = sorted(held.values(), key=lambda q: pos[q.id])
        if len(held) > rev.count:
            rev = Held(len(held), [name(v) for v in held], name(x), kept=rev.kept)
    first_grad = {root: 0}
    for j, x in enumerate(backward_ops):
        for p in x.inputs:
            if p in active:
                first_grad.setdefault(p, j)
    grad_word = t("grad", model.lang)
    for j, x in enumerate(backward_ops):  # its backward sweep
        values = [q for q in kept if kept_until[q.id] >= j]
        grads = [
            v
            for v in order
            if v.id in first_grad
            and first_grad[v.id] <= j
            and (v.kind != "op" or step_of.get(v.id, j) >= j)
        ]
        labels = [name(v) for v in values] + [f"{grad_word} {name(v)}" for v in grads]
        if len(labels) > rev.count:
            rev = Held(len(labels), labels, name(x), backward=True, kept=rev.kept)
    return {"forward": fwd, "reverse": rev}


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

SHOW_SWEEPS = 4  # sweeps of each mode drawn; the rest only counted
HEAD_SIZE, HEAD_LINE = 15, 19  # each half's heading: bold, wrapped to the half's width
FOOT_SIZE, FOOT_LINE = 13, 17  # the line under each half: what that mode holds
GAP = 12  # between the two halves


def side_by_side(model, root, fwd, rev, counts, forward_runs, reverse_runs, held=None):
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
        + f" ({reverse_seed(root, bp.seed, k, lang)})"
        for k, bp in enumerate(reverse_runs)
    ]
    head_pass = t("cmp_reverse_pass", lang, k=counts["reverse_sweeps"])
    box_f, box_r = _viewbox(fwd[0][0].svg), _viewbox(rev[0][0].svg)
    stacked = box_r[0] > 1.3 * box_r[1]
    # each half's width, for wrapping its words (the same rows in every frame,
    # so the pictures do not move)
    width_f = max(box_f[0], box_r[0]) if stacked else box_f[0]
    width_r = max(box_f[0], box_r[0]) if stacked else box_r[0]
    wrapped_f = [_lines(h, width_f, HEAD_SIZE, True) for h in heads_f]
    wrapped_r = [_lines(h, width_r, HEAD_SIZE, True) for h in heads_r + [head_pass]]
    head_rows = max(len(w) for w in wrapped_f + wrapped_r)
    foot_f = foot_r = []
    if held is not None:
        foot_f = _lines(held_line("forward", held["forward"], lang), width_f, FOOT_SIZE, False)
        foot_r = _lines(held_line("reverse", held["reverse"], lang), width_r, FOOT_SIZE, False)
    foot_rows = max(len(foot_f), len(foot_r))
    n = max(len(fwd), len(rev))
    summary = [t("cmp_counts", lang, **counts), t("cmp_ops", lang, **counts)]
    if held is not None:
        summary += held_summary(held, lang)
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
        svg = combine(
            f.svg,
            r.svg,
            wrapped_f[fk],
            wrapped_r[-1] if rk is None else wrapped_r[rk],
            stacked,
            foot_f,
            foot_r,
            head_rows,
            foot_rows,
        )
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


def reverse_seed(root, seed, k, lang):
    """How a reverse sweep's seed is written: ∂y/∂y = 1 for a single number;
    for an output with several entries, the standard basis row e_kᵀ that
    picks entry k (the sweep gives row k of the Jacobian)."""
    seed = np.asarray(seed)
    if seed.size == 1:
        return f"∂{root}/∂{root} = {fmt_inline(seed)}"
    return t(
        "cmp_seed_row",
        lang,
        e=basis_row(k + 1),
        seed=fmt_inline(seed),
        row=k + 1,
    )


def _names(labels):
    return ", ".join(labels)


def held_line(mode, held, lang):
    """The line under a half of the picture: what that mode holds at most."""
    if mode == "forward":
        return t("cmp_foot_forward", lang, n=held.count, held=_names(held.labels))
    key = "cmp_foot_reverse" if held.kept else "cmp_foot_reverse_none"
    return t(key, lang, n=held.count, held=_names(held.labels), kept=_names(held.kept))


def held_summary(held, lang):
    """The panel's sentences on memory: the two counts, what they are, and why."""
    f, r = held["forward"], held["reverse"]
    when = "cmp_when_backward" if r.backward else "cmp_when_forward"
    lines = [
        t(
            "cmp_held",
            lang,
            forward=f.count,
            forward_held=_names(f.labels),
            forward_at=f.at,
            reverse=r.count,
            reverse_held=_names(r.labels),
            reverse_when=t(when, lang, at=r.at),
        )
    ]
    if r.kept:
        key = "cmp_kept_one" if len(r.kept) == 1 else "cmp_kept"
        lines.append(t(key, lang, n=len(r.kept), names=_names(r.kept)))
    else:
        lines.append(t("cmp_kept_none", lang))
    return lines


def _lines(text, width, size, bold):
    return wrap(text, max(width - 20, 160), size, bold)


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


def combine(
    forward_svg,
    reverse_svg,
    head_f,
    head_r,
    stacked,
    foot_f=(),
    foot_r=(),
    head_rows=None,
    foot_rows=None,
):
    """The two halves in one SVG, each under its heading (lines, already
    wrapped to the half's width) and over its footer line."""
    fw, fh = _viewbox(forward_svg)
    rw, rh = _viewbox(reverse_svg)
    head_f, head_r = _as_lines(head_f), _as_lines(head_r)
    head_rows = head_rows or max(len(head_f), len(head_r))
    foot_rows = max(len(foot_f), len(foot_r)) if foot_rows is None else foot_rows
    head = 10 + head_rows * HEAD_LINE
    foot = 6 + foot_rows * FOOT_LINE if foot_rows else 0
    if stacked:
        width = max(fw, rw)
        height = fh + rh + 2 * (head + foot)
        places = ((0, head), (0, fh + foot + 2 * head))
        feet = (head + fh, fh + rh + foot + 2 * head)
    else:
        width, height = fw + rw + GAP, max(fh, rh) + head + foot
        places = ((0, head), (fw + GAP, head))
        feet = (head + max(fh, rh),) * 2
    f_el, _, _ = _inner(forward_svg, places[0][0], places[0][1], prefix="fwd-")
    r_el, _, _ = _inner(reverse_svg, places[1][0], places[1][1])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}pt" '
        f'height="{height:.0f}pt" viewBox="0 0 {width:.1f} {height:.1f}" '
        f'font-family="{FONT}" class="autograd-viz avz-compare">',
        f'<rect x="0" y="0" width="{width:.1f}" height="{height:.1f}" fill="white"/>',
    ]
    halves = (
        (places[0], feet[0], head_f, foot_f, TANGENT_TEXT),
        (places[1], feet[1], head_r, foot_r, GRAD_TEXT),
    )
    for (x, y), bottom, heading, footer, colour in halves:
        top = y - head
        parts.append(
            f'<text font-size="{HEAD_SIZE}" font-weight="bold" fill="{colour}" '
            f'class="avz-mode-head">'
            + "".join(
                f'<tspan x="{x + 14:.1f}" y="{top + (k + 1) * HEAD_LINE:.1f}">'
                f"{esc_html(line)}</tspan>"
                for k, line in enumerate(heading)
            )
            + "</text>"
        )
        if footer:
            parts.append(
                f'<text font-size="{FOOT_SIZE}" fill="{TEXT}" class="avz-mode-held">'
                + "".join(
                    f'<tspan x="{x + 14:.1f}" y="{bottom + (k + 1) * FOOT_LINE:.1f}">'
                    f"{esc_html(line)}</tspan>"
                    for k, line in enumerate(footer)
                )
                + "</text>"
            )
    parts += [f_el, r_el, "</svg>"]
    return "\n".join(parts)


def _as_lines(text):
    return [text] if isinstance(text, str) else list(text)
