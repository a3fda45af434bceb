"""Forward mode: tangents pushed through each op as it runs.

A *level* is one forward-mode computation (one ``jvp``, one PyTorch
``dual_level``, one TensorFlow ``ForwardAccumulator``).  While a level is
open, every op whose inputs carry a tangent at that level gets its own
tangent at once: the sum over its inputs of the local derivative applied to
the input's tangent, taken from the same table entry reverse mode uses
(:meth:`ops.Primitive.jvp`).  A tensor keeps its tangents in ``_tan``, a dict
from level to tangent Tensor.

Levels nest, and tangents are ordinary Tensors, so both modes compose:
a tangent computed from values that need a gradient is recorded like any
op (reverse over forward), and a backward pass run with ``create_graph``
is made of ops that carry tangents (forward over reverse).  While the
tangent at one level is being computed that level is switched off, so the
ops that compute it do not push tangents of their own at that level (which
would mix first- and second-order terms); the other open levels stay on,
which is what gives mixed derivatives when jvps nest.

:func:`tangent_steps` is the renderer's view: it walks a recorded graph in
run order with the same rule, one step per op, keeping each input's share.
"""

from __future__ import annotations

import itertools
import operator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from . import graph, ops
from .errors import DtypeError, ShapeError
from .graph import STATE
from .messages import MESSAGES
from .tensor import Tensor, identity

_level_ids = itertools.count(1)
_pushed = set()  # the open levels where some op output got a tangent


@contextmanager
def dual_level():
    """Open a forward-mode level; tangents made with :func:`make_dual` inside
    it flow through every op until the block ends.  Yields the level."""
    level = next(_level_ids)
    STATE.dual_levels.append(level)
    try:
        yield level
    finally:
        STATE.dual_levels.remove(level)
        if level in _pushed:
            _pushed.discard(level)
            STATE.sweeps["forward"] += 1


def _innermost(what):
    if not STATE.dual_levels:
        raise MESSAGES.error(RuntimeError, "no_dual_level", what=what)
    return STATE.dual_levels[-1]


def make_dual(x, tangent, level=None):
    """A new tensor with ``x``'s value whose tangent at ``level`` (the
    innermost open level unless given) is ``tangent``.

    The tangent must have ``x``'s shape and dtype; a Python number or list
    takes ``x``'s dtype.  Where ``x`` needs a gradient the new tensor is
    recorded as computed from it, so reverse mode can see through."""
    level = _innermost("make_dual") if level is None else level
    if not isinstance(x, Tensor):
        x = Tensor(x)
    t = _as_tangent(x, tangent)
    if x.requires_grad:
        # an identity op keeps the new tensor in x's graph
        dual = identity(x)
    else:
        dual = type(x)._plain(x.data)
        dual.name = x.name
        if x._tan:
            # x's tangents at the enclosing levels stay with it (jvp of jvp)
            dual._tan = dict(x._tan)
    _set(dual, level, t)
    return dual


def _as_tangent(x, tangent):
    if isinstance(tangent, Tensor):
        t = tangent
    elif isinstance(tangent, (np.ndarray, np.generic)):
        t = type(x)._plain(np.asarray(tangent))
    else:
        try:
            t = type(x)._plain(np.asarray(tangent, dtype=x.data.dtype))
        except (TypeError, ValueError):
            raise x._messages.error(TypeError, "tangent_values", tangent=repr(tangent)) from None
    if t.shape != x.shape:
        raise x._messages.error(ShapeError, "tangent_shape", tangent=t.shape, primal=x.shape)
    if np.dtype(t.data.dtype) != np.dtype(x.data.dtype):
        raise x._messages.error(
            DtypeError,
            "tangent_dtype",
            tangent=np.dtype(t.data.dtype),
            primal=np.dtype(x.data.dtype),
        )
    return t


def tangent_of(y, level=None):
    """The tangent of ``y`` at ``level`` (innermost open level by default), or None."""
    level = _innermost("tangent_of") if level is None else level
    tans = getattr(y, "_tan", None)
    return None if not tans else tans.get(level)


def unpack(y, level):
    """``y``'s tangent at ``level`` (zeros where it has none), and drop it from
    ``y``: once a level is closed nobody may read it again."""
    tans = y._tan
    t = tans.pop(level, None) if tans else None
    if t is None:
        t = type(y)._plain(np.zeros_like(np.asarray(y.data)))
    return t


def _set(x, level, t):
    if x._tan is None:
        x._tan = {level: t}
    else:
        x._tan[level] = t


# --------------------------------------------------------------- the push


def push_tangents(out, prim, inputs, params):
    """Give ``out`` its tangent at every open level where an input has one.

    Called by the Tensor module for every op output while a level is open."""
    levels = STATE.dual_levels
    params = params or _NO_PARAMS
    for level in tuple(levels):
        shares = []
        graph_wanted = out.requires_grad  # the op was recorded
        for i, p in enumerate(inputs):
            tans = p._tan
            if tans:
                t = tans.get(level)
                if t is not None:
                    shares.append((i, t))
                    graph_wanted = graph_wanted or t.requires_grad
        if not shares:
            continue
        _pushed.add(level)
        if len(levels) == 1 and not (graph_wanted and STATE.grad_enabled):
            # the common case, one level and nothing to differentiate later
            # (nothing recorded the op, no tangent needs a gradient): plain
            # numpy, no call that is not arithmetic or the rule itself (jvp of
            # the 201-op chain: 0.68x -> 0.45x HIPS autograd's make_jvp)
            ans = out.data
            xs = list(map(_data_of, inputs))
            shape = _NUMPY.shape(ans)
            elementwise = prim.elementwise
            total = None
            for i, t in shares:
                t = t.data
                if not elementwise or t.shape != shape:
                    c = prim.jvp(i, _NUMPY, t, ans, xs, params)
                else:
                    # what prim.jvp does for an elementwise op, without its
                    # frame; and for a rule that is g or g * operand
                    # (ops.Primitive.shortcuts) the same product the rule
                    # would make, without the rule's frame either (add's and
                    # mul's of the chain: 0.47-0.49x -> 0.44-0.45x make_jvp)
                    s = prim.shortcuts[i]
                    if s is None:
                        if params:
                            c = prim.vjps[i](_NUMPY, t, ans, *xs, **params)
                        else:
                            c = prim.vjps[i](_NUMPY, t, ans, *xs)
                    else:
                        c = t if s is _UPSTREAM else t * (ans if s == _ANSWER else xs[s])
                total = c if total is None else total + c
            if total.__class__ is not np.ndarray:
                total = np.asarray(total)
            dtype = ans.dtype
            if total.dtype is not dtype and total.dtype != dtype:
                total = total.astype(dtype)
            if total.shape != shape:
                total = np.broadcast_to(total, shape).copy()
            tangent = Tensor.__new__(out.__class__)
            tangent._init(total)
            out._tan = {level: tangent} if out._tan is None else {**out._tan, level: tangent}
            continue
        # recorded: the tangent is made of ops, so it carries tangents at the
        # other levels and a graph for reverse mode (whatever scope a dialect
        # is in: a tangent's ops are the engine's own work)
        index = levels.index(level)
        levels.remove(level)
        STATE.record_all += 1
        try:
            F = graph.RECORDING_NS
            total = None
            for i, t in shares:
                c = prim.jvp(i, F, t, out, inputs, params)
                total = c if total is None else total + c
            if total.dtype != out.dtype:
                total = total.astype(out.data.dtype)
            if total.shape != out.shape:
                total = F.broadcast_to(total, out.shape)
        finally:
            STATE.record_all -= 1
            levels.insert(index, level)
        _set(out, level, total)


_NUMPY = ops.NUMPY
_UPSTREAM, _ANSWER = ops.UPSTREAM, ops.ANSWER
_NO_PARAMS = {}
_data_of = operator.attrgetter("data")


STATE.push_tangents = push_tangents


# --------------------------------------------------------------- for the renderer


@dataclass
class Push:
    """What one input's tangent adds to an op's output tangent."""

    position: int  # which argument of the op
    input: object  # the input Tensor
    rule: str  # the local derivative as text, e.g. "b"
    tangent_in: np.ndarray  # the input's tangent
    contribution: np.ndarray  # local derivative applied to tangent_in (output's shape)
    _op: object = field(repr=False, default=None)
    _node: object = field(repr=False, default=None)

    def local_derivative(self):
        """The local derivative as an array, or None where it is a Jacobian
        that does not fit one array (matmul, reshape, indexing)."""
        return graph.local_derivative(self._op, self.position, self._node)


@dataclass
class ForwardStep:
    """One op of the recorded graph, with its tangent."""

    node: object
    pushes: list
    tangent: np.ndarray


def tangent_steps(root, wrt, tangent=None):
    """Forward mode over the recorded graph of ``root``, one step per op in
    run order.  ``wrt`` is a leaf or a list of leaves; the seed is ones like
    each (or ``tangent``, one per leaf); every other leaf has tangent 0."""
    leaves = list(wrt) if isinstance(wrt, (list, tuple)) else [wrt]
    if tangent is None:
        seeds = [np.ones_like(np.asarray(x.data)) for x in leaves]
    else:
        given = list(tangent) if isinstance(wrt, (list, tuple)) else [tangent]
        if len(given) != len(leaves):
            raise MESSAGES.error(TypeError, "seed_count", n=len(leaves), m=len(given))
        seeds = [np.asarray(_as_tangent(x, t).data) for x, t in zip(leaves, given)]
    tangents = {id(x): s for x, s in zip(leaves, seeds)}
    steps = []
    for node in graph.whole_graph([root]):
        if node._op is None:
            continue
        prim, params = node._op, node._params or {}
        xs = [p.data for p in node._parents]
        pushes, total = [], None
        for i, p in enumerate(node._parents):
            t = tangents.get(id(p))
            if t is None:
                if p._op is None and not p.requires_grad:
                    continue  # a constant: no tangent, nothing to show
                t = np.zeros_like(np.asarray(p.data))
            c = np.asarray(prim.jvp(i, ops.NUMPY, t, node.data, xs, params))
            if c.shape != np.shape(node.data):
                c = np.broadcast_to(c, np.shape(node.data))
            total = c if total is None else total + c
            pushes.append(Push(i, p, prim.rules[i], np.asarray(t), c, prim, node))
        if total is None:
            total = np.zeros_like(np.asarray(node.data))
        total = np.asarray(total, dtype=np.asarray(node.data).dtype)
        tangents[id(node)] = total
        steps.append(ForwardStep(node, pushes, total))
    return steps
