"""Folding module groups: ``depth=`` draws deeper ``nn.Module`` calls as one node.

``fold(graph, depth)`` keeps module groups up to ``depth`` levels deep as
labelled groups of their operations and turns each group one level deeper
into a single op: its value is the module's output, its inputs the values
it took from outside (activations and its parameters), and its backward
step sends each of them the sum of what the module's operations sent it,
the module's vector-Jacobian product.  A group whose inner values are also
used outside it is left open: folding it would hide a path.
"""

from __future__ import annotations

import numpy as np

from ..i18n import error
from .graph import BackwardPass, BackwardStep, Graph, Passes, Send, TangentStep, Value, add_totals


def fold(graph, depth):
    """The graph with every module group deeper than ``depth`` folded into one op."""
    if depth is None or not graph.modules:
        return graph
    if not isinstance(depth, int) or isinstance(depth, bool) or depth < 0:
        raise error(ValueError, "err_depth", depth=repr(depth))
    by_module = {m.id: m for m in graph.modules}

    def folded_at(mid):
        """The module (at depth + 1) whose node stands for values in ``mid``, or None."""
        chain = []
        while mid is not None:
            chain.append(by_module[mid])
            mid = by_module[mid].parent
        for m in reversed(chain):
            if m.depth == depth + 1:
                return m.id
        return None

    members = {}
    for v in graph.values:
        if v.kind == "op" and v.module is not None:
            top = folded_at(v.module)
            if top is not None:
                members.setdefault(top, []).append(v)
    folds = {}
    users = {}
    for v in graph.values:
        for i in v.inputs:
            users.setdefault(i, []).append(v.id)
    for mid, ops in members.items():
        inside = {v.id for v in ops}
        leaving = [
            v.id
            for v in ops
            if v.id in graph.outputs or any(u not in inside for u in users.get(v.id, ()))
        ]
        if len(leaving) == 1:
            folds[mid] = (ops, inside, leaving[0])
    if not folds:
        return graph
    return _folded(graph, by_module, folds, depth)


def _folded(graph, by_module, folds, depth):
    gone = set()
    stand_in = {}  # id of a folded op -> id of the node standing for its module
    new_values = []
    for v in graph.values:
        if v.kind == "op" and any(v.id in inside for _, inside, _ in folds.values()):
            mid = next(m for m, (_, inside, _) in folds.items() if v.id in inside)
            ops, inside, out = folds[mid]
            stand_in[v.id] = out
            if v.id != out:
                gone.add(v.id)
                continue
            m = by_module[mid]
            outside = []
            for op in ops:
                for i in op.inputs:
                    if i not in inside and i not in outside:
                        outside.append(i)
            # what flows in first (x), then the module's own parameters
            mine = {
                u.id
                for u in graph.values
                if u.module is not None and _within(u.module, mid, by_module)
            }
            outside = [i for i in outside if i not in mine] + [i for i in outside if i in mine]
            new_values.append(
                Value(
                    v.id,
                    "op",
                    v.data,
                    name=v.name,
                    op=m.kind,
                    inputs=tuple(outside),
                    requires_grad=v.requires_grad,
                    asked=v.asked,
                    module=m.parent,
                    handle=v.handle,
                )
            )
            continue
        new_values.append(v)
    kept_modules = [m for m in graph.modules if m.depth <= depth]
    kept = {m.id for m in kept_modules}
    for v in new_values:
        if v.module is not None and v.module not in kept:
            # a parameter of a folded module sits beside it, in its parent's group
            mid = v.module
            while mid is not None and mid not in kept:
                mid = by_module[mid].parent
            v.module = mid
    backward = _fold_backward(graph.backward, folds, stand_in, new_values)
    out = Graph(
        new_values,
        [stand_in.get(o, o) for o in graph.outputs],
        backward,
        modules=kept_modules,
        updates=graph.updates,
        passes=_FoldedPasses(graph.passes, folds, stand_in, new_values),
        framework=graph.framework,
        aliases=[(obj, stand_in.get(vid, vid)) for obj, vid in graph.aliases],
    )
    return out


def _within(mid, top, by_module):
    while mid is not None:
        if mid == top:
            return True
        mid = by_module[mid].parent
    return False


def _fold_backward(backward, folds, stand_in, values):
    """One step per folded module: what arrived at its output, and the sum of
    what its operations sent to each value outside it."""
    if backward is None:
        return None
    by_id = {v.id: v for v in values}
    steps, done = [], set()
    for step in backward.steps:
        if step.node not in stand_in:
            steps.append(BackwardStep(step.node, step.upstream, [_copy(s) for s in step.sends]))
            continue
        out = stand_in[step.node]
        if out in done:
            continue
        done.add(out)
        mid = next(m for m, (_, _, o) in folds.items() if o == out)
        _, inside, _ = folds[mid]
        upstream = next((s.upstream for s in backward.steps if s.node == out), None)
        if upstream is None:
            continue  # the pass never reached the module's output
        sums = {}
        for s in backward.steps:
            if s.node not in inside:
                continue
            for send in s.sends:
                if send.input not in inside:
                    c = np.asarray(send.contribution)
                    sums[send.input] = c if send.input not in sums else sums[send.input] + c
        inputs = by_id[out].inputs
        sends = [Send(inputs.index(i), i, c) for i, c in sums.items()]
        steps.append(BackwardStep(out, upstream, sends))
    add_totals(steps)
    return BackwardPass(stand_in.get(backward.root, backward.root), backward.seed, steps)


def _copy(send):
    return Send(send.position, send.input, send.contribution, send.rule, _local=send._local)


class _FoldedPasses(Passes):
    """The producer's passes, their steps folded the same way."""

    def __init__(self, inner, folds, stand_in, values):
        self.inner = inner
        self.folds = folds
        self.stand_in = stand_in
        self.values = values
        self.framework = inner.framework if inner is not None else ""

    def root_for_forward(self):
        root = self.inner.root_for_forward()
        return self.stand_in.get(root, root)

    def reverse(self, seed, wrt=()):
        return _fold_backward(self.inner.reverse(seed, wrt), self.folds, self.stand_in, self.values)

    def jvp(self, wrt, seeds):
        return self.inner.jvp(wrt, seeds)

    def forward(self, wrt, seeds):
        run = self.inner.forward(wrt, seeds)
        steps, done = [], set()
        for step in run.steps:
            if step.node not in self.stand_in:
                steps.append(step)
                continue
            out = self.stand_in[step.node]
            if out in done or step.node != out:
                continue
            done.add(out)
            # a module drawn as one box: its output's tangent, pushed by the
            # framework through all its operations (no per-input split)
            steps.append(TangentStep(out, [], step.tangent, folded=True))
        run.steps = steps
        run.root = self.stand_in.get(run.root, run.root)
        return run
