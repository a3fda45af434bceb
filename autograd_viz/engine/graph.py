"""The recorded graph and the backward pass that walks it.

Recording.  Every op output that needs a gradient remembers its primitive
(``_op``), its inputs (``_parents``), its non-tensor arguments (``_params``)
and ``_seq``, a counter that grows with every tensor created.  Inputs are
always created before outputs, so sorting a graph by ``_seq`` gives the order
the ops ran in, and the reverse gives a valid order for the backward pass.
Nodes point only at their inputs: a graph holds no reference cycles and is
freed by reference counting the moment its output is dropped.

Tracing.  Every backward pass returns a :class:`Trace`: for each op node, in
the order visited, the upstream gradient that arrived and the contribution
sent to each input.  The renderer reads only the trace (through
:meth:`Trace.steps`), never the engine's internals.
"""

from __future__ import annotations

import itertools
import operator
import sys
import weakref
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from . import ops
from .errors import BackwardError
from .messages import MESSAGES

_seq = itertools.count()


class _State:
    """The recording state, one per process.  Instance attributes rather than
    class ones: every op reads two of them, and an instance attribute is the
    faster lookup."""

    def __init__(self):
        self.grad_enabled = True
        # above zero inside record_everything(): ops record whatever scope a
        # dialect thinks it is in (MXNet's record(), a TF tape)
        self.record_all = 0
        # set while a create_graph=True backward runs: the ops it records are
        # marked as the backward pass's own (Tensor.from_backward)
        self.in_backward = False
        # lists that collect every recorded node while they are registered
        # (a TF GradientTape is one)
        self.recorders = []
        # open forward-mode levels, innermost last (forward.dual_level); while
        # one is open, every op output asks push_tangents (set by forward.py)
        # for its tangents
        self.dual_levels = []
        self.push_tangents = None
        # how many sweeps of each mode have run, for counting what a
        # computation cost (the mode comparison, the forward-and-reverse exercise)
        self.sweeps = {"forward": 0, "reverse": 0}


STATE = _State()


@contextmanager
def record_everything():
    """Record every op that needs a gradient, whichever dialect's tensors it
    runs on and whatever scope that dialect thinks it is in (a TensorFlow
    tape, MXNet's ``record()``): the one switch a create_graph backward pass,
    a drawn function (``av.draw(f, x)``) and an exercise check use."""
    STATE.record_all += 1
    try:
        yield
    finally:
        STATE.record_all -= 1


def records(cls):
    """Whether an op on tensors of flavour ``cls`` that needs a gradient is recorded now."""
    return STATE.grad_enabled and bool(STATE.record_all or cls._records())


class Node:
    """What the recorder needs of a value; :class:`~.tensor.Tensor` is the only
    subclass.  Declared here so this module knows recorded values without
    importing the Tensor module (which imports this one)."""

    __slots__ = (
        "data",
        "requires_grad",
        "grad",
        "_op",
        "_parents",
        "_params",
        "_seq",
        "_freed",
        "_gacc",
        "_note",
        "_trace",
        "_tan",
    )


def as_plain(x):
    """The numpy value behind a Tensor (or ``x`` itself)."""
    return x.data if isinstance(x, Node) else x


# the gradient's own storage.  A dialect may hide .grad from its users (JAX
# arrays have none); the engine and the renderer keep and read it here anyway.
_GRAD = Node.grad


def grad_of(x):
    """What backward stored in ``x.grad`` (None if nothing), whatever the flavour."""
    return _GRAD.__get__(x)


def carries_tangent(x):
    """Whether ``x`` has a tangent at a forward-mode level that is open now."""
    tans = x._tan
    return bool(tans) and any(level in tans for level in STATE.dual_levels)


def tracked(x):
    """Whether a differentiation follows ``x``: it needs a gradient or carries
    a tangent.  A shortcut that computes straight with numpy (and so records
    nothing and pushes no tangent) is only right for an untracked value."""
    return x.requires_grad or carries_tangent(x)


# the namespace whose functions record (tensor.TENSOR_NS): a create_graph=True
# backward hands it to the VJPs.  tensor.py fills it in when it is imported.
RECORDING_NS = None


# --------------------------------------------------------------- traversal


def ancestors(root):
    """All nodes that lead to ``root`` and need a gradient, in run order."""
    nodes = _collect(root)
    for n in nodes:
        n._gacc = None
    return nodes


# marks a node as found during _collect; it doubles as "no gradient yet"
# in run_backward, so collecting needs no set of ids
_SEEN = object()


def _collect(root, within=None, stop=None):
    """ancestors() for run_backward: leaves every node found with _gacc = _SEEN.
    ``within`` (a set of seqs) admits only those nodes besides the root: what
    a TensorFlow tape saw; every other value is a constant to the pass.
    ``stop`` (a set of ids): nodes whose inputs the pass does not need (a
    transform's own inputs, which may be identities of an outer graph)."""
    seen = _SEEN
    root._gacc = seen
    found = [root]
    stack = [root]
    pop, push, keep = stack.pop, stack.append, found.append
    if within is None and stop is None:
        while stack:
            for p in pop()._parents:
                if p.requires_grad and p._gacc is not seen:
                    p._gacc = seen
                    keep(p)
                    push(p)
    else:
        while stack:
            node = pop()
            if stop is not None and id(node) in stop:
                continue
            for p in node._parents:
                if p.requires_grad and p._gacc is not seen and (within is None or p._seq in within):
                    p._gacc = seen
                    keep(p)
                    push(p)
    found.sort(key=_by_seq)
    return found


def whole_graph(roots):
    """Every node (also constants) that leads to any of ``roots``, in run order."""
    seen = {}
    stack = list(roots)
    for r in roots:
        seen[id(r)] = r
    while stack:
        node = stack.pop()
        for p in node._parents:
            if id(p) not in seen:
                seen[id(p)] = p
                stack.append(p)
    return sorted(seen.values(), key=_by_seq)


_by_seq = operator.attrgetter("_seq")
_is_freed = operator.attrgetter("_freed")


# --------------------------------------------------------------- the trace


def local_derivative(op, position, node):
    """d(node)/d(input ``position``) as an array for a diagram, or None where
    it is a Jacobian that does not fit one array (matmul, reshape, indexing).
    The same for a backward step and a forward-mode step: one local derivative."""
    if not op.shows_local_value:
        return None
    return op.local_derivative(
        position, node.data, [p.data for p in node._parents], node._params or {}
    )


@dataclass
class Send:
    """What one backward step sends to one input."""

    position: int  # which argument of the op (0 for a, 1 for b)
    input: object  # the input Tensor
    rule: str  # the local derivative as text, e.g. "b"
    contribution: np.ndarray  # upstream x local derivative, in the input's shape
    total_before: np.ndarray | None  # what the input had gathered before (None: nothing yet)
    total_after: np.ndarray  # the running sum after this contribution
    _op: object = field(repr=False, default=None)
    _node: object = field(repr=False, default=None)

    @property
    def accumulates(self):
        """True where this input is used more than once and sums contributions."""
        return self.total_before is not None

    def local_derivative(self):
        """The local derivative as an array, or None where it is a Jacobian
        that does not fit one array (matmul, reshape, indexing)."""
        return local_derivative(self._op, self.position, self._node)


@dataclass
class BackwardStep:
    """One op node visited by the backward pass."""

    node: object  # the op's output Tensor
    upstream: np.ndarray  # d(root)/d(node): the total gradient that arrived
    sends: list  # one Send per input that needs a gradient


class Trace:
    """What one backward pass did: the gradient that arrived at each op node,
    in the order the nodes were visited.

    It holds no Tensors, so storing it on its root creates no reference
    cycle, and it does not store what each node sent to its inputs: that is
    recomputed by the same VJP when :meth:`steps` is asked, so the backward
    pass itself pays nothing for it and the numbers shown cannot drift from
    the rule.  :meth:`steps` resolves the trace against the root's graph.
    """

    __slots__ = (
        "root_seq",
        "ran",
        "seed",
        "create_graph",
        "within",
        "_seqs",
        "_upstreams",
        "_root",
        "hooks",
    )

    # a root bigger than this (a non-scalar backward with gradient=) is
    # given back by root() only while the user holds it
    KEEP_ROOT_UP_TO = 10_000

    def __init__(self, root_seq, seed, create_graph, within=None):
        self.root_seq = root_seq
        # from the same counter as Tensor.seq: a later backward has a larger
        # number, so a drawing can pick the most recent pass
        self.ran = next(_seq)
        self.seed = seed  # the gradient the pass started from
        self.create_graph = create_graph
        # the seqs of the nodes the pass was limited to (a tape's), or None
        self.within = within
        # per op node visited, in order: its seq and the gradient that arrived
        # (two lists rather than a tuple per node: no allocation per node)
        self._seqs = []
        self._upstreams = []
        self._root = None  # see keep_root
        # hooks that ran (register_hook): (steps before, seq, gradient before, after)
        self.hooks = None

    def __len__(self):
        return len(self._seqs)

    def keep_root(self, root):
        """Keep enough of ``root`` for :meth:`root`.  Holding the root itself
        would keep its whole graph (every intermediate array) alive, so a
        training loop would carry two graphs at a time: the root and its
        inputs are held weakly, with what the root's node needs (op, params,
        a small value)."""
        value = root.data if np.size(root.data) <= self.KEEP_ROOT_UP_TO else None
        inputs = tuple(weakref.ref(p) for p in root._parents)
        self._root = (weakref.ref(root), type(root), root._op, root._params, value, inputs)

    def root(self):
        """The tensor this pass started from, while it is alive; after a
        temporary root has gone (``z.sum().backward()``), a stand-in for it
        rebuilt from what keep_root kept, while its inputs are alive; else None."""
        if self._root is None:
            return None
        ref, cls, op, params, value, inputs = self._root
        root = ref()
        if root is not None:
            return root
        inputs = tuple(r() for r in inputs)
        if value is None or op is None or any(p is None for p in inputs):
            return None
        shell = cls._plain(value)
        shell._op, shell._params, shell._parents = op, params, inputs
        shell.requires_grad, shell._freed = True, True
        shell._seq, shell._trace = self.root_seq, self
        return shell

    def steps(self, root):
        """The steps as :class:`BackwardStep` objects, with each input's
        contribution and running sum filled in."""
        if root._seq != self.root_seq:
            raise MESSAGES.error(ValueError, "trace_other")
        by_seq = {n._seq: n for n in whole_graph([root])}
        totals = {}
        out = []
        for seq, upstream in zip(self._seqs, self._upstreams):
            node = by_seq[seq]
            prim = node._op
            upstream = np.asarray(upstream)
            parents = node._parents
            inputs = [p.data for p in parents]
            params = node._params or {}
            sends = []
            for position, inp in enumerate(parents):
                if not inp.requires_grad or (
                    self.within is not None and inp._seq not in self.within
                ):
                    continue
                contribution = np.asarray(
                    prim.vjp(position, ops.NUMPY, upstream, node.data, inputs, params)
                )
                before = totals.get(id(inp))
                after = contribution if before is None else before + contribution
                totals[id(inp)] = after
                sends.append(
                    Send(
                        position, inp, prim.rules[position], contribution, before, after, prim, node
                    )
                )
            out.append(BackwardStep(node, upstream, sends))
        return out


_last_trace = None


def remember_last(root, trace):
    """Called by ``backward()``: keep ``trace`` as the last pass, able to give
    back its root (Trace.root) even when that was a temporary."""
    global _last_trace
    trace.keep_root(root)
    _last_trace = trace


def last_trace():
    """The Trace of the most recent ``backward()``, or None: how a drawing of
    ``z`` finds the pass that ``z.sum().backward()`` ran through it."""
    return _last_trace


# --------------------------------------------------------------- backward


def run_backward(
    root,
    seed,
    *,
    retain_graph=False,
    create_graph=False,
    targets=None,
    write=False,
    within=None,
    stop=None,
):
    """Push ``seed`` (d root / d root) back through the graph of ``root``.

    Leaves that require a gradient receive it in ``.grad`` (added to what is
    there, or replacing it when ``write`` is true, MXNet's rule) unless
    ``targets`` is given: then nothing is stored and the gradients of the
    targets are returned in order, None for a target ``root`` does not
    depend on.  ``within`` and ``stop`` limit the pass (see _collect).
    Returns ``(trace, target_grads)``.
    """
    nodes = _collect(root, within, stop)
    if any(map(_is_freed, nodes)):  # C-level loop: a third of a generator's cost
        for n in nodes:
            n._gacc = None
        raise type(root)._messages.error(BackwardError, "freed_graph")

    STATE.sweeps["reverse"] += 1
    trace = Trace(root._seq, np.asarray(as_plain(seed)), create_graph, within)
    seqs, upstreams = trace._seqs.append, trace._upstreams.append
    if create_graph:
        F = RECORDING_NS
        # the root's class, so a dialect's recorded backward pass keeps its flavour
        seed = seed if isinstance(seed, Node) else type(root)._plain(seed)
    else:
        F = ops.NUMPY
        seed = as_plain(seed)
    root._gacc = seed
    # like PyTorch, create_graph implies retain_graph: the new graph reuses these nodes
    free = not (retain_graph or create_graph)
    wanted = None if targets is None else {id(t): None for t in targets}
    state = STATE
    before = state.in_backward
    if create_graph:
        # the pass's own ops are recorded, whatever scope a dialect is in
        state.record_all += 1
        state.in_backward = True
    ndarray = np.ndarray
    upstream = ops.UPSTREAM
    hooks = _HOOKS
    try:
        # the hot loop of every backward pass: locals only, no helper calls
        # beyond the VJPs themselves (see bench/engine_bench.py).  An input
        # takes part when the pass found it (its _gacc is set, None otherwise)
        for node in reversed(nodes):
            g = node._gacc
            node._gacc = None
            if g is _SEEN:  # found, but no gradient reached it
                continue
            if hooks and id(node) in hooks:
                g = _run_hooks(node, g, create_graph, trace)
            if wanted is not None and id(node) in wanted:
                wanted[id(node)] = g
            prim = node._op
            if prim is None:
                if wanted is None and node.requires_grad:
                    _store_leaf_grad(node, g, write, create_graph)
                continue
            params = node._params
            parents = node._parents
            vjps = prim.vjps
            if not create_graph and params is None and len(parents) == 2:
                # the common case written out: a binary op on plain values
                a, b = parents
                ad, bd = a.data, b.data
                short = prim.shortcuts
                acc = a._gacc
                if acc is not None:
                    s = short[0]
                    if s is None:
                        c = vjps[0](F, g, node.data, ad, bd)
                    else:
                        c = g if s is upstream else g * (ad, bd, node.data)[s]
                    if c.__class__ is ndarray and prim.broadcasts and c.shape != ad.shape:
                        c = ops.unbroadcast(F, c, a.shape)
                    a._gacc = (
                        c
                        if acc is _SEEN
                        else acc + c
                        if acc.__class__ is not ndarray or acc.size < _IN_PLACE_FROM
                        else _add(acc, c)
                    )
                acc = b._gacc
                if acc is not None:
                    s = short[1]
                    if s is None:
                        c = vjps[1](F, g, node.data, ad, bd)
                    else:
                        c = g if s is upstream else g * (ad, bd, node.data)[s]
                    if c.__class__ is ndarray and prim.broadcasts and c.shape != bd.shape:
                        c = ops.unbroadcast(F, c, b.shape)
                    b._gacc = (
                        c
                        if acc is _SEEN
                        else acc + c
                        if acc.__class__ is not ndarray or acc.size < _IN_PLACE_FROM
                        else _add(acc, c)
                    )
                seqs(node._seq)
                upstreams(g)
                if free:
                    node._freed = True
                continue
            if not create_graph and params is None and len(parents) == 1:
                # the other common case: an elementwise function (sin, tanh, relu)
                a = parents[0]
                acc = a._gacc
                if acc is not None:
                    s = prim.shortcuts[0]
                    ad = a.data
                    if s is None:
                        c = vjps[0](F, g, node.data, ad)
                    else:
                        c = g if s is upstream else g * (ad, node.data)[s]
                    if c.__class__ is ndarray and prim.broadcasts and c.shape != ad.shape:
                        c = ops.unbroadcast(F, c, a.shape)
                    a._gacc = (
                        c
                        if acc is _SEEN
                        else acc + c
                        if acc.__class__ is not ndarray or acc.size < _IN_PLACE_FROM
                        else _add(acc, c)
                    )
                seqs(node._seq)
                upstreams(g)
                if free:
                    node._freed = True
                continue
            if create_graph:
                inputs, ans = parents, node
            elif len(parents) == 1:
                inputs, ans = (parents[0].data,), node.data
            else:
                inputs, ans = [p.data for p in parents], node.data
            for i, p in enumerate(parents):
                if p._gacc is None:
                    continue
                if params is None:
                    c = vjps[i](F, g, ans, *inputs)
                else:
                    c = vjps[i](F, g, ans, *inputs, **params)
                # a numpy scalar (0-d output) cannot need unbroadcasting: skip the test
                if (
                    prim.broadcasts
                    and (create_graph or c.__class__ is ndarray)
                    and c.shape != inputs[i].shape
                ):
                    c = ops.unbroadcast(F, c, p.shape)
                acc = p._gacc
                p._gacc = (
                    c
                    if acc is _SEEN
                    else acc + c
                    if acc.__class__ is not ndarray or acc.size < _IN_PLACE_FROM
                    else _add(acc, c)
                )
            seqs(node._seq)
            upstreams(g.data if create_graph else g)
            if free:
                node._freed = True
    except BaseException:
        for n in nodes:  # leave no half-summed gradients behind
            n._gacc = None
        raise
    finally:
        if create_graph:
            state.record_all -= 1
            state.in_backward = before
    if wanted is None:
        return trace, None
    return trace, [wanted[id(t)] for t in targets]


# --------------------------------------------------------------- hooks

# id(node) -> (weak reference to it, [functions]): what register_hook asked
_HOOKS = {}


class HookHandle:
    """What register_hook gives: ``.remove()`` takes the hook off again."""

    def __init__(self, node, fn):
        self._key, self._fn = id(node), fn

    def remove(self):
        entry = _HOOKS.get(self._key)
        if entry is not None and self._fn in entry[1]:
            entry[1].remove(self._fn)
            if not entry[1]:
                del _HOOKS[self._key]


def register_hook(node, fn):
    """Call ``fn(gradient)`` whenever a backward pass has the whole gradient of
    ``node`` (before it goes on to node's inputs, or into a leaf's ``.grad``);
    a result that is not None replaces the gradient.  Hooks run in the order
    they were registered."""
    key = id(node)
    entry = _HOOKS.get(key)
    if entry is None or entry[0]() is not node:
        entry = _HOOKS[key] = (weakref.ref(node, lambda _, key=key: _HOOKS.pop(key, None)), [])
    entry[1].append(fn)
    return HookHandle(node, fn)


def hooks_of(node):
    """The functions registered on ``node`` (a copy), in order."""
    entry = _HOOKS.get(id(node))
    return list(entry[1]) if entry is not None and entry[0]() is node else []


def _run_hooks(node, g, create_graph, trace):
    """``g`` after node's hooks, each seeing the gradient as a tensor of
    node's flavour; what they did is kept in the trace for the diagram."""
    fns = hooks_of(node)
    if not fns:
        return g
    before = g
    value = g if create_graph else type(node)._plain(np.array(g))
    enabled = STATE.grad_enabled
    STATE.grad_enabled = create_graph  # a hook's own arithmetic is not recorded
    try:
        for fn in fns:
            out = fn(value)
            if out is not None:
                if np.shape(as_plain(out)) != np.shape(as_plain(before)):
                    raise type(node)._messages.error(
                        ValueError,
                        "hook_shape",
                        got=np.shape(as_plain(out)),
                        shape=np.shape(as_plain(before)),
                        hook=getattr(fn, "__name__", "hook"),
                    )
                value = out
    finally:
        STATE.grad_enabled = enabled
    dtype = np.asarray(as_plain(before)).dtype
    if create_graph:
        after = value if isinstance(value, Node) else type(node)._plain(np.asarray(value, dtype))
    else:
        after = np.array(as_plain(value), dtype=dtype)
    if trace.hooks is None:
        trace.hooks = []
    trace.hooks.append(
        (len(trace._seqs), node._seq, np.array(as_plain(before)), np.array(as_plain(after)))
    )
    return after


def _add(acc, c):
    """``acc + c`` for a large gradient gathered from several uses of one value.

    When nothing but this pass holds ``acc`` (a fresh array a VJP or an
    earlier sum made: not a value of the graph, not an upstream kept by the
    trace, not a view), ``c`` is added into it in place, which saves a new
    array and a first touch of cold memory per extra use (bench case 3,
    1e6 elements: 1.52x -> 1.37x numpy).  Same ufunc, same order of
    operands: the same bits."""
    # the references: the node's _gacc slot, run_backward's local, this
    # argument and getrefcount's own; one more means someone else holds it
    if (
        sys.getrefcount(acc) == 4
        and acc.base is None
        and c.__class__ is np.ndarray
        and c.shape == acc.shape
        and c.dtype == acc.dtype
    ):
        return np.add(acc, c, out=acc)
    return acc + c


# below this many elements a new array costs no more than adding into one
_IN_PLACE_FROM = 1 << 12


def _store_leaf_grad(leaf, g, write, create_graph):
    if write and getattr(leaf, "_grad_add", False):
        write = False  # a leaf that adds up its gradients (MXNet's grad_req='add')
    held = _GRAD.__get__(leaf)
    if create_graph:
        g = g if isinstance(g, Node) else type(leaf)._plain(g)
        if g.dtype != leaf.dtype:
            g = g.astype(leaf.dtype)
        _GRAD.__set__(leaf, g if (write or held is None) else held + g)
        return
    # .grad must own its memory in the leaf's dtype (VJPs may hand back
    # broadcast views of other arrays); a fresh array the VJP made is
    # already that, and skipping the copy saves a pass over large tensors.
    # The trace may share it, which is why zero_() never writes in place.
    dtype = leaf.data.dtype
    if not (g.__class__ is np.ndarray and g.base is None and g.dtype == dtype):
        g = np.array(g, dtype=dtype)
    if held is None:
        _GRAD.__set__(leaf, type(leaf)._plain(g))
    elif write:
        held.data = g
    else:
        held.data = held.data + g
