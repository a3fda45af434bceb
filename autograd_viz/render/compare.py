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

from ..engine import graph as _graph
from ..engine.tensor import Tensor
from ..i18n import resolve as resolve_lang
from ..i18n import t
from .frames.backward import backward_frames
from .frames.forward import forward_frames
from .frames.frame import Frame
from .frames.painter import Painter
from .frames.panel import panel_html
from .frames.tangent import legend_line, name_of, resolve_wrt, root_of, run_tangents, tangent_frames
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
    fn = None
    if is_function(target):
        fn = target
        run = record(fn, args, backward=False)
        if len(run.outputs) != 1:
            raise ValueError(
                "compare_modes needs a function with one output tensor; "
                "return a tuple's parts one at a time"
            )
        root = run.outputs[0]
        names = names_for(run, names)
        wrt = run.leaves if wrt is None else pick_wrt(run, wrt)
    else:
        if args:
            raise TypeError(
                "compare_modes(y) takes the output alone; to pass arguments "
                "give the function first: compare_modes(f, x)"
            )
        root = root_of(target)
    if not root.requires_grad:
        raise ValueError(
            "this value has no recorded history to differentiate: compute it "
            "from a tensor with requires_grad=True (or pass a function and "
            "its arguments)"
        )
    model = build_model(root, lang, names=names, caller=caller, rankdir=rankdir)
    if wrt is None:
        wrt = [
            n.tensor
            for n in model.nodes
            if n.kind == "leaf" and n.tensor.requires_grad and not n.cut
        ]
        if not wrt:
            raise ValueError(
                "nothing to differentiate by: no input of this graph requires "
                "grad (make one with requires_grad=True)"
            )
    leaves = resolve_wrt(model, wrt, root)
    n_in = sum(int(np.size(x.data)) for x in leaves)
    n_out = int(np.size(root.data))
    before = dict(_graph.STATE.sweeps)

    # reverse mode: one backward pass per output entry (the Jacobian's rows)
    rows, reverse_runs = [], []
    for k in range(n_out):
        seed = np.zeros(np.shape(root.data), dtype=np.asarray(root.data).dtype)
        seed.flat[k] = 1.0
        trace, grads = _graph.run_backward(root, seed, retain_graph=True, targets=leaves)
        rows.append(np.concatenate([_flat(g, x) for g, x in zip(grads, leaves)]))
        if k < SHOW_SWEEPS:
            reverse_runs.append((trace, seed, grads))
    # forward mode: one sweep per input entry (the Jacobian's columns)
    cols = []
    jvp = _engine_jvp() if fn is not None else None
    for k in range(n_in):
        basis = _basis(leaves, k)
        if jvp is not None:
            # the user's own arguments, and tangents of the same flavour
            by_leaf = {id(x): b for x, b in zip(leaves, basis)}
            primals = tuple(args)
            tangents = tuple(
                _like(a, by_leaf.get(id(x), np.zeros(np.shape(x.data))))
                for a, x in zip(args, run.leaves)
            )
            _, tan = jvp(fn, primals, tangents)
            cols.append(np.ravel(np.asarray(_graph.as_plain(tan), dtype=float)))
        else:
            cols.append(np.ravel(np.asarray(replay_sweep(root, leaves, basis), dtype=float)))
    engine = {k: _graph.STATE.sweeps[k] - before.get(k, 0) for k in _graph.STATE.sweeps}

    # the pictures: the first sweeps of each mode, on one layout sized for all of them
    model.root = root
    reverse_steps = [trace.steps(root) for trace, _, _ in reverse_runs]
    model.steps = [step for steps in reverse_steps for step in steps]
    model.seed = reverse_runs[0][1]
    forward_runs = [
        run_tangents(model, root, leaves, _basis(leaves, k)) for k in range(min(n_in, SHOW_SWEEPS))
    ]
    counts = {
        "inputs": n_in,
        "outputs": n_out,
        "forward_sweeps": n_in,
        "reverse_sweeps": n_out,
        "forward_ops": len(forward_runs[0].steps) if forward_runs else 0,
        "reverse_ops": len(reverse_runs[0][0]),
        "stored_values": stored_values(model, root),
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
    grads0 = reverse_runs[0][2]
    fwd = []  # (frame, sweep number)
    for k, trun in enumerate(forward_runs):
        check = (jac_r[:, k].reshape(np.shape(root.data)), grads0)
        fwd += [(f, k) for f in tangent_frames(model, forward_painter, trun, check=check)]
    model.steps, model.seed = reverse_steps[0], reverse_runs[0][1]
    rev_forward = forward_frames(model, reverse_painter)
    rev = [(f, None) for f in rev_forward]
    for k, (steps, (_, seed, _)) in enumerate(zip(reverse_steps, reverse_runs)):
        model.steps, model.seed = steps, seed
        rev += [(f, k) for f in backward_frames(model, reverse_painter)]
    model.steps, model.seed = reverse_steps[0], reverse_runs[0][1]
    frames = side_by_side(model, fwd, rev, counts, forward_runs, reverse_runs)
    return Comparison(
        frames,
        counts,
        {"forward": jac_f, "reverse": jac_r},
        [f for f, _ in fwd],
        [f for f, _ in rev],
        engine,
    )


# ---------------------------------------------------------------- costs


def stored_values(model, root):
    """{"forward": most values alive at once in a forward sweep,
    "reverse": values the backward rules read, kept from the forward pass}
    (constants left out: they are part of the program, not of the data)."""
    consts = {id(n.tensor) for n in model.nodes if n.kind == "const"}
    order = _graph.whole_graph([root])
    position = {id(x): i for i, x in enumerate(order)}
    last_use = {}
    kept = set()
    for x in order:
        if x.op is None:
            continue
        for p in x.inputs:
            last_use[id(p)] = max(last_use.get(id(p), -1), position[id(x)])
        for i, p in enumerate(x.inputs):
            if not p.requires_grad:
                continue
            reads = _vjp_reads(x.op, i)
            if reads is None or "ans" in reads:
                kept.add(id(x))
            for j, q in enumerate(x.inputs):
                if reads is None or j in reads:
                    kept.add(id(q))
    last_use[id(root)] = len(order)
    live, peak = set(), 0
    for i, x in enumerate(order):
        if id(x) not in consts:
            live.add(id(x))
        peak = max(peak, len(live))
        live = {v for v in live if last_use.get(v, -1) > i}
    return {"forward": peak, "reverse": len(kept - consts)}


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


def replay_sweep(root, leaves, seeds):
    """One forward-mode sweep of ``root``'s recorded graph, run by the engine:
    every op again, on plain copies of the inputs that carry the seeds as
    tangents (nothing is recorded; the user's tensors are not touched).
    Returns the output's tangent."""
    from ..engine import forward
    from ..engine.tensor import apply

    by_leaf = {id(x): s for x, s in zip(leaves, seeds)}
    with forward.dual_level():
        env = {}
        for node in _graph.whole_graph([root]):
            if node.op is None:
                plain = type(node)._plain(node.data)
                seed = by_leaf.get(id(node))
                env[id(node)] = plain if seed is None else forward.make_dual(plain, seed)
            else:
                env[id(node)] = apply(node.op, *[env[id(p)] for p in node.inputs], **node.params)
        tangent = forward.tangent_of(env[id(root)])
    if tangent is None:
        return np.zeros(np.shape(root.data))
    return np.asarray(_graph.as_plain(tangent))


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


def _flat(g, x):
    if g is None:
        return np.zeros(int(np.size(x.data)))
    return np.ravel(np.asarray(_graph.as_plain(g), dtype=float))


def _basis(leaves, k):
    """Seed tangents for sweep k: 1 at the k-th input entry, 0 elsewhere."""
    out = []
    for x in leaves:
        b = np.zeros(np.shape(x.data), dtype=np.asarray(x.data).dtype)
        if 0 <= k < b.size:
            b.flat[k] = 1.0
        k -= b.size
        out.append(b)
    return out


def _like(arg, data):
    """``data`` as a tangent for ``arg``: a tensor of its flavour and dtype, or an array."""
    if isinstance(arg, Tensor):
        return type(arg)._plain(np.asarray(data, dtype=np.asarray(arg.data).dtype))
    return np.asarray(data, dtype=np.result_type(np.asarray(arg), np.float32))


def _engine_jvp():
    import autograd_viz

    return getattr(autograd_viz, "jvp", None)


# ---------------------------------------------------------------- frames

HEAD = 26  # room for each half's heading, in points
SHOW_SWEEPS = 4  # sweeps of each mode drawn; the rest only counted


def side_by_side(model, fwd, rev, counts, forward_runs, reverse_runs):
    """One frame per step: forward mode's frame beside reverse mode's; each
    mode steps through its sweeps, then stays on its last frame."""
    lang = model.lang
    root = model.node_of(model.root).name
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
        + f" (∂{root}/∂{root} = {fmt_inline(seed)})"
        for k, (_, seed, _) in enumerate(reverse_runs)
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
