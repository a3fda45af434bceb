"""Our engine's recording as a graph description.

:func:`describe` takes what a user draws (a Tensor, a list of them, or a
tape) and reads the engine through its public graph functions: the graph in
run order (``graph.whole_graph``), the last backward pass's trace
(``Trace.steps``), forward mode (``forward.tangent_steps``).  Names come from
``names=``, then ``Tensor.name``, then the caller's variables.
"""

from __future__ import annotations

import numpy as np

from ..engine import graph as _graph
from ..engine import ops as _ops
from ..engine.tensor import Tensor
from ..i18n import error
from .graph import (
    BackwardPass,
    BackwardStep,
    Graph,
    Passes,
    Push,
    Send,
    TangentRun,
    TangentStep,
    Value,
)
from .naming import check_names, frame_variables, user_frame


def describe(target, names=None, caller=None):
    """The :class:`~.graph.Graph` recorded behind ``target``."""
    roots, trace_root, trace = _roots_of(target)
    if trace_root is None:
        # show the most recent backward pass that reached what is drawn: one
        # started at a drawn root, or the last one if it ran through them
        trace = None
        candidates = [r for r in roots if r.trace is not None]
        last = _graph.last_trace() and _graph.last_trace().root()
        if last is not None and last.trace is not None and all(last is not r for r in roots):
            below = {id(n) for n in _graph.whole_graph([last])}
            if any(id(r) in below for r in roots):
                candidates.append(last)
        if candidates:
            trace_root = max(candidates, key=lambda r: r.trace.ran)
    all_roots = list(roots)
    if trace_root is not None and not any(r is trace_root for r in all_roots):
        all_roots.append(trace_root)
    if caller is None:
        caller = user_frame()
    tensors = _with_detach_sources(_graph.whole_graph(all_roots))
    if any(x.from_backward for x in tensors):
        first = _first_order_roots(tensors, all_roots, caller)
        if first:
            all_roots += first
            tensors = _with_detach_sources(_graph.whole_graph(all_roots))

    labels = _display_names(tensors, names, caller)
    asked = _asked_for(target)
    if trace_root is not None and trace is None:
        trace = trace_root.trace
    hooked = _hooked(tensors, trace)
    ids, hook_ids = _numbered(tensors, hooked)
    # a value with a hook is read, by every op that uses it, through its hook
    read = {**ids, **hook_ids}
    values = []
    for x in tensors:
        if x.op is not None:
            kind = "op"
        elif id(x) in labels or x.requires_grad or x.detached_from is not None:
            kind = "leaf"
        else:
            kind = "const"
        src = x.detached_from
        values.append(
            Value(
                ids[id(x)],
                kind,
                x.data,
                name=labels.get(id(x)),
                op=x.op.name if x.op is not None else "",
                primitive=_primitive(x.op),
                inputs=tuple(read[id(p)] for p in x.inputs),
                params=x.params,
                requires_grad=bool(x.requires_grad),
                detached_from=ids.get(id(src)) if src is not None else None,
                from_backward=bool(x.from_backward),
                # a gradient kept on an inner value (retain_grad) or a tape asked about it
                asked=x.op is not None and (_graph.grad_of(x) is not None or id(x) in asked),
                handle=x,
            )
        )
        if id(x) in hook_ids:
            values.append(_hook_value(x, ids, hook_ids, labels))
    backward = None
    if trace_root is not None:
        backward = _backward_pass(trace, trace_root, ids, hook_ids)
    out = [read[id(r)] for r in roots]
    passes = EnginePasses(_followed(target, roots), ids, hook_ids)
    return Graph(values, out, backward, passes=passes, framework="autograd_viz")


def _followed(target, roots):
    """The one output forward mode follows: the Tensor drawn, or a tape's last
    target (else its last recorded value); None for a list of outputs."""
    if isinstance(target, (list, tuple)):
        return None
    return roots[-1]


def _primitive(op):
    """The registry's name for ``op``, or None for one outside the table (a
    rule the user wrote: torch.autograd.Function, jax.custom_vjp ...)."""
    if op is None or _ops.REGISTRY.get(op.name) is not op:
        return None
    return op.name


def _backward_pass(trace, root, ids, hook_ids):
    steps = trace.steps(root)
    read = {**ids, **hook_ids}
    out = []
    for step in steps:
        sends = [
            Send(
                s.position,
                read[id(s.input)],
                s.contribution,
                s.rule,
                s.total_before,
                s.total_after,
                _local=s.local_derivative,
            )
            for s in step.sends
        ]
        out.append(BackwardStep(ids[id(step.node)], np.asarray(step.upstream), sends))
    if hook_ids:
        out = _with_hook_steps(out, steps, trace, root, ids, hook_ids)
    return BackwardPass(read[id(root)], np.asarray(trace.seed), out)


# ------------------------------------------------------------------ hooks
# A hook (torch's register_hook) changes the gradient of a value on its way:
# it is drawn as an op of its own, "hook(y)", between the value and every op
# that reads it, whose backward step sends on what the hook returned.


def _hooked(tensors, trace):
    """The tensors drawn with a hook: those a hook ran on in the pass shown,
    and those with hooks registered now."""
    seqs = {seq for _, seq, _, _ in (trace.hooks or ())} if trace is not None else set()
    return {id(x) for x in tensors if x.seq in seqs or _graph.hooks_of(x)}


def _numbered(tensors, hooked):
    """Ids in run order, a value's hook right after it."""
    ids, hook_ids, k = {}, {}, 0
    for x in tensors:
        ids[id(x)] = f"n{k}"
        k += 1
        if id(x) in hooked:
            hook_ids[id(x)] = f"n{k}"
            k += 1
    return ids, hook_ids


def _hook_value(x, ids, hook_ids, labels):
    name = labels.get(id(x))
    return Value(
        hook_ids[id(x)],
        "op",
        x.data,
        name=f"{name}′" if name else None,
        op="hook",
        inputs=(ids[id(x)],),
        requires_grad=True,
    )


def _with_hook_steps(out, steps, trace, root, ids, hook_ids):
    """The steps with one for each hook, where it ran: before the step of the
    value it is on (a leaf has none: after the last step that reached it).
    A hook registered after the pass shown passed the gradient on unchanged."""
    by_seq = {x.seq: x for x in _graph.whole_graph([root])}
    ran = {seq: (at, before, after) for at, seq, before, after in (trace.hooks or ())}
    placed = []
    for key, hid in hook_ids.items():
        x = next((n for n in by_seq.values() if id(n) == key), None)
        if x is None:
            continue
        if x.seq in ran:
            at, before, after = ran[x.seq]
            rule = "hook(g)"
        else:
            arrived = [s for s in out if any(d.input == hid for d in s.sends)]
            if not arrived and x is not root:
                continue
            at = _position(steps, x, out, hid)
            before = after = (
                np.asarray(trace.seed)
                if x is root
                else [d for d in arrived[-1].sends if d.input == hid][-1].total_after
            )
            rule = "1"
        send = Send(0, ids[key], np.asarray(after), rule, None, np.asarray(after))
        placed.append((at, BackwardStep(hid, np.asarray(before), [send])))
    for at, step in sorted(placed, key=lambda p: p[0], reverse=True):
        out.insert(at, step)
    return out


def _passed_on(hid, vid, tangent):
    tangent = np.asarray(tangent)
    return TangentStep(hid, [Push(0, vid, tangent, tangent, "1", linear=True)], tangent)


def _position(steps, x, out, hid):
    """Where a hook that did not run would have: before x's own step, else
    after the last step that sent to it."""
    for k, step in enumerate(steps):
        if step.node is x:
            return k
    last = [k for k, s in enumerate(out) if any(d.input == hid for d in s.sends)]
    return last[-1] + 1 if last else 0


class EnginePasses(Passes):
    """More passes over an engine graph, run by the engine."""

    framework = "autograd_viz"

    def __init__(self, root, ids, hook_ids=None):
        self.root = root
        self.ids = ids
        self.hook_ids = hook_ids or {}
        self.by_id = {}

    def _tensor(self, vid):
        if not self.by_id:
            for x in _graph.whole_graph([self.root]):
                if id(x) in self.ids:
                    self.by_id[self.ids[id(x)]] = x
        return self.by_id[vid]

    def root_for_forward(self):
        return None if self.root is None else self.ids[id(self.root)]

    def reverse(self, seed, wrt=()):
        """One backward pass (``retain_graph``, nothing stored on the leaves).
        A freed graph raises the engine's own BackwardError, which says what to do."""
        root = self.root
        targets = [self._tensor(w) for w in wrt]
        trace, _ = _graph.run_backward(
            root, np.asarray(seed), retain_graph=True, targets=targets or [root]
        )
        return _backward_pass(trace, root, self.ids, self.hook_ids)

    def forward(self, wrt, seeds):
        """The tangents of every op (``forward.tangent_steps``), seeded at ``wrt``."""
        from ..engine.forward import tangent_steps

        leaves = [self._tensor(w) for w in wrt]
        steps = tangent_steps(self.root, leaves, list(seeds))
        read = {**self.ids, **self.hook_ids}
        seeded = {w: np.asarray(s) for w, s in zip(wrt, seeds)}
        leaf_tangents = {}
        for vid, x in self.by_id.items():
            if x.op is None:
                leaf_tangents[vid] = seeded.get(vid, np.zeros(np.shape(x.data)))
        out = []
        # a hook leaves the tangent as it is (it acts on gradients only)
        for key, hid in self.hook_ids.items():
            vid = self.ids[key]
            if vid in leaf_tangents:
                out.append(_passed_on(hid, vid, leaf_tangents[vid]))
        for step in steps:
            pushes = [
                Push(
                    p.position,
                    read[id(p.input)],
                    np.asarray(p.tangent_in),
                    np.asarray(p.contribution),
                    p.rule,
                    linear=p.position in p._op.linear_in,
                    _local=p.local_derivative,
                )
                for p in step.pushes
            ]
            vid = self.ids[id(step.node)]
            out.append(TangentStep(vid, pushes, np.asarray(step.tangent)))
            if id(step.node) in self.hook_ids:
                out.append(_passed_on(self.hook_ids[id(step.node)], vid, step.tangent))
        return TangentRun(self.ids[id(self.root)], list(wrt), list(seeds), out, leaf_tangents)

    def jvp(self, wrt, seeds):
        """One forward-mode sweep run by the engine's own forward mode (it is
        counted as one): every op again, on plain copies of the inputs that
        carry the seeds as tangents.  Returns the output's tangent."""
        from ..engine import forward
        from ..engine.tensor import apply

        by_leaf = {id(self._tensor(w)): s for w, s in zip(wrt, seeds)}
        with forward.dual_level():
            env = {}
            for node in _graph.whole_graph([self.root]):
                if node.op is None:
                    plain = type(node)._plain(node.data)
                    seed = by_leaf.get(id(node))
                    env[id(node)] = plain if seed is None else forward.make_dual(plain, seed)
                else:
                    env[id(node)] = apply(
                        node.op, *[env[id(p)] for p in node.inputs], **node.params
                    )
            tangent = forward.tangent_of(env[id(self.root)])
        if tangent is None:
            return np.zeros(np.shape(self.root.data))
        return np.asarray(_graph.as_plain(tangent))


def _roots_of(target):
    """(output tensors, tensor whose trace to show or None, trace) for any drawable target."""
    if isinstance(target, Tensor):
        return [target], None, None
    if isinstance(target, (list, tuple)):
        if not target or not all(isinstance(x, Tensor) for x in target):
            raise error(TypeError, "err_draw_list")
        return list(target), None, None
    recorded = getattr(target, "recorded", None)
    if recorded is not None:
        roots = [x for x in recorded if isinstance(x, Tensor)]
        last = getattr(target, "last_target", None)
        trace = getattr(target, "last_trace", None)
        trace_root = None
        if isinstance(last, Tensor):
            roots.append(last)
            trace = trace if trace is not None else last.trace
            if trace is not None and trace.root_seq == last.seq:
                trace_root = last
            else:
                trace = None
        if not roots:
            raise error(ValueError, "err_tape_empty")
        return roots, trace_root, trace
    raise error(TypeError, "err_cannot_draw", type=type(target).__name__)


def _first_order_roots(tensors, roots, caller):
    """Higher order: a gradient recorded by a ``create_graph=True`` backward pass
    (``torch.autograd.grad(y, x, create_graph=True)``) does not lead back to
    the ``y`` it came from.  The user's variables that ran such a pass through
    the drawn inputs are drawn too, so the first-order part and the
    gradient's own graph appear side by side, told apart by colour."""
    if caller is None:
        return []
    drawn = {id(x) for x in tensors}
    leaves = {id(x) for x in tensors if x.op is None}
    found = []
    for _, value in frame_variables(caller):
        trace = getattr(value, "trace", None) if isinstance(value, Tensor) else None
        if (
            trace is None
            or not trace.create_graph
            or id(value) in drawn
            or any(value is r for r in roots + found)
        ):
            continue
        if any(id(x) in leaves for x in _graph.whole_graph([value]) if x.op is None):
            found.append(value)
    return found


def _asked_for(target):
    """ids of the tensors a tape's last ``gradient`` call was asked about."""
    sources = getattr(target, "last_sources", None)
    if sources is None or isinstance(target, Tensor):
        return set()
    if isinstance(sources, Tensor):
        sources = [sources]
    return {id(s) for s in sources if isinstance(s, Tensor)}


def _with_detach_sources(tensors):
    """Add what detach() cut off, so the diagram can show where the cut is."""
    seen = {id(x): x for x in tensors}
    todo = [x.detached_from for x in tensors if x.detached_from is not None]
    while todo:
        src = todo.pop()
        if id(src) in seen:
            continue
        for x in _graph.whole_graph([src]):
            if id(x) not in seen:
                seen[id(x)] = x
                if x.detached_from is not None:
                    todo.append(x.detached_from)
    return sorted(seen.values(), key=lambda x: x.seq)


def _display_names(tensors, names, caller):
    """{id(tensor): name} from ``names``, then ``.name``, then the caller's variables."""
    wanted = {id(x) for x in tensors}
    found = {}
    for var, value in frame_variables(caller):
        if isinstance(value, Tensor) and id(value) in wanted and id(value) not in found:
            found[id(value)] = var
    for x in tensors:
        if x.name:
            found[id(x)] = x.name
    for tensor, name in check_names(names, lambda v: isinstance(v, Tensor)):
        found[id(tensor)] = name
    return found
