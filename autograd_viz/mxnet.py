"""The MXNet dialect: ``from autograd_viz.mxnet import autograd, np, npx``.

MXNet's rules, on the engine: ``x.attach_grad()`` gives ``x`` a gradient
buffer of zeros; ops are recorded only inside ``autograd.record()``; each
backward *overwrites* ``.grad``; backward on a non-scalar differentiates the
sum.  Arrays print like numpy's (``array([0., 1., 2., 3.])``), float32 by
default.  ``np`` here is MXNet's numpy-like namespace, so the real numpy is
called ``onp`` ("original numpy"), as MXNet's own docs do.

Also: ``autograd.pause()`` / ``is_recording()`` / ``is_training()``,
``autograd.grad`` (a list of gradients, ``.grad`` untouched; with
``create_graph=True`` for higher order), ``x.copy()``, ``npx.relu``, and
``attach_grad()`` on a value computed inside ``record()`` cutting it loose
as a new leaf, as MXNet does.  MXNet has no forward mode, so neither has
this dialect.
"""

from __future__ import annotations

import operator
import sys
from contextlib import contextmanager
from types import SimpleNamespace

import numpy as onp

import autograd_viz as av

from . import scope as _names
from ._dialect import (
    PYTHON_OPERATORS,
    NotProvided,
    Provided,
    fresh,
    lift,
    lifting,
    numpy_repr,
    numpy_str,
    provide,
    recorded_copy,
    shape_arg,
)
from ._dialect_messages import MXNET
from .engine import graph, ops

_recording = False  # True inside autograd.record()
_training = False


class ndarray(av.Tensor):
    """An MXNet-flavoured engine array (float32 by default)."""

    _default_float = onp.float32
    _grad_write = True  # backward overwrites .grad
    _messages = MXNET  # the engine's errors in MXNet's words

    @classmethod
    def _records(cls):
        return _recording

    def __repr__(self):
        return numpy_repr(self.data, "array", (onp.dtype(onp.float32), onp.dtype(onp.bool_)))

    def __str__(self):
        return numpy_str(self.data)  # print(x): numpy 1's str, as MXNet prints

    def attach_grad(self, grad_req="write"):
        """Ask for gradients of this array: ``.grad`` becomes zeros.

        On an array computed inside ``record()`` this also cuts it from what
        it was computed from, as MXNet does: it becomes a new leaf (a
        variable), so a later backward stops here and fills its ``.grad``,
        and nothing flows further back through it."""
        if grad_req not in ("write", "add", "null"):
            raise MXNET.error(ValueError, "grad_req", req=repr(grad_req))
        # 'add': each backward adds to .grad instead of overwriting it
        self._grad_add = grad_req == "add"
        if not self.is_leaf:
            self._become_leaf()
        if grad_req == "null":
            self.requires_grad_(False)
            self.grad = None
            return
        self.requires_grad_(True)
        self.grad = ndarray._plain(onp.zeros_like(onp.asarray(self.data)))

    def _become_leaf(self):
        """Keep the history under a stand-in (so a diagram can still show
        where the cut is, as it does for detach) and make this array a leaf."""
        before = ndarray._plain(self.data)
        before._op, before._parents, before._params = self._op, self._parents, self._params
        before.requires_grad, before._seq = True, self._seq
        self._op, self._parents, self._params = None, (), None
        self._seq = next(graph._seq)  # a new leaf, made now
        self._note = ("detach", before)

    def copy(self):
        """A copy with its own memory; inside ``record()`` it is recorded,
        and the gradient passes through it unchanged."""
        return recorded_copy(self)

    def backward(self, out_grad=None, retain_graph=False, train_mode=True):
        """Fill ``.grad`` of the attached arrays; a non-scalar is summed."""
        if not self.requires_grad:
            raise MXNET.error(av.BackwardError, "not_recorded")
        if out_grad is None:
            out_grad = onp.ones(self.shape, self.data.dtype)
        super().backward(out_grad, retain_graph=retain_graph)

    def asnumpy(self):
        return self.numpy()

    # -- numpy's functions: MXNet's arrays take them over (NEP 13/18) and
    # answer with mxnet.np's own function of that name, recorded inside
    # record() like any other; a plain numpy array among the inputs is refused
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method != "__call__" or kwargs.get("out") is not None:
            return NotImplemented
        kwargs.pop("out", None)
        fn = getattr(np, ufunc.__name__, None) or _OPERATORS[ufunc.__name__]
        return fn(*_own(inputs), **kwargs)

    def _to_numpy_check(self):
        pass  # np.asarray(x) of an attached array: MXNet hands its values over

    def __array_function__(self, func, types, args, kwargs):
        space = np.linalg if func.__module__ == "numpy.linalg" else np
        return getattr(space, func.__name__)(*_own(args), **kwargs)

    def max(self, axis=None, keepdims=False):
        return np.max(self, axis, keepdims)

    def min(self, axis=None, keepdims=False):
        return np.min(self, axis, keepdims)

    def prod(self, axis=None, keepdims=False):
        return np.prod(self, axis, keepdims)


# the ufuncs mxnet.np spells as operators
_OPERATORS = {
    "add": operator.add,
    "subtract": operator.sub,
    "multiply": operator.mul,
    "divide": operator.truediv,
    "power": operator.pow,
}


def _own(xs):
    """``xs`` (nested in lists and tuples), refusing numpy's arrays as MXNet does."""
    if isinstance(xs, (list, tuple)):
        return type(xs)(_own(x) for x in xs)
    if isinstance(xs, onp.ndarray):
        raise MXNET.error(TypeError, "numpy_foreign", type=type(xs))
    return xs


# ------------------------------------------------------------------ autograd


@contextmanager
def _scope(recording, training):
    """record() / pause() / train_mode() / predict_mode(): set what is given
    (None leaves it as it is) and restore both on the way out."""
    global _recording, _training
    before = _recording, _training
    if recording is not None:
        _recording = recording
    if training is not None:
        _training = training
    try:
        yield
    finally:
        _recording, _training = before


def _heads(heads, head_grads):
    """(heads, seeds) as lists: a missing head gradient is ones, as in MXNet."""
    heads = list(heads) if isinstance(heads, (list, tuple)) else [heads]
    if head_grads is None:
        head_grads = [None] * len(heads)
    elif not isinstance(head_grads, (list, tuple)):
        head_grads = [head_grads]
    if len(head_grads) != len(heads):
        raise MXNET.error(ValueError, "head_grads_count", n=len(heads), m=len(head_grads))
    seeds = []
    for h, g in zip(heads, head_grads):
        if not isinstance(h, av.Tensor) or not h.requires_grad:
            raise MXNET.error(av.BackwardError, "head_not_recorded")
        seeds.append(onp.ones(h.shape, h.data.dtype) if g is None else g)
    return heads, seeds


def _grad(
    heads, variables, head_grads=None, retain_graph=None, create_graph=False, train_mode=True
):
    """autograd.grad: the gradients of ``heads`` with respect to ``variables``,
    returned (always as a list, as MXNet returns them) instead of stored in
    ``.grad``.  ``retain_graph`` defaults to ``create_graph``."""
    variables = list(variables) if isinstance(variables, (list, tuple)) else [variables]
    if not variables:
        raise MXNET.error(ValueError, "variables_empty")
    for i, v in enumerate(variables):
        if not (isinstance(v, av.Tensor) and v.is_leaf and v.requires_grad):
            raise MXNET.error(av.BackwardError, "variable_no_grad", n=i + 1)
    heads, seeds = _heads(heads, head_grads)
    retain = create_graph if retain_graph is None else retain_graph
    grads = av.gradients(heads, variables, seeds, retain_graph=retain, create_graph=create_graph)
    # a variable the heads do not depend on gets zeros (MXNet's gradient
    # graph fills unreached variables with zeros)
    return [
        ndarray._plain(onp.zeros_like(onp.asarray(v.data))) if g is None else g
        for g, v in zip(grads, variables)
    ]


def _backward(heads, head_grads=None, retain_graph=False, train_mode=True):
    """autograd.backward: ``h.backward(g)`` for each head, written into ``.grad``."""
    heads, seeds = _heads(heads, head_grads)
    if len(heads) == 1:
        heads[0].backward(seeds[0], retain_graph=retain_graph)
        return
    # several heads: their gradients add up, then are written once
    leaves = [n for n in graph.whole_graph(heads) if n.is_leaf and n.requires_grad]
    grads = _grad(heads, leaves, seeds, retain_graph=retain_graph)
    for leaf, g in zip(leaves, grads):
        leaf.grad = g


def _set_recording(is_recording):
    global _recording
    before, _recording = _recording, bool(is_recording)
    return before


def _set_training(train_mode):
    global _training
    before, _training = _training, bool(train_mode)
    return before


autograd = SimpleNamespace(
    record=lambda train_mode=True: _scope(True, train_mode),
    pause=lambda train_mode=False: _scope(False, train_mode),
    train_mode=lambda: _scope(None, True),
    predict_mode=lambda: _scope(None, False),
    is_recording=lambda: _recording,
    is_training=lambda: _training,
    set_recording=_set_recording,
    set_training=_set_training,
    grad=_grad,
    backward=_backward,
)


def _set_np(shape=True, array=True, dtype=False):
    """Our arrays always follow numpy semantics; float64 defaults are not offered."""
    if dtype:
        raise MXNET.error(NotImplementedError, "set_np_dtype")


npx = SimpleNamespace(set_np=_set_np)  # relu and sigmoid: PRIMITIVES below


# ------------------------------------------------------------------ np


def _array(obj, dtype=None):
    """Python data becomes float32 (even integers), as in MXNet; arrays keep their dtype."""
    if dtype is None and isinstance(obj, (onp.ndarray, av.Tensor)):
        return ndarray(onp.array(obj))
    return fresh(ndarray, onp.asarray(obj), dtype or onp.float32)


def _arange(start, stop=None, step=1, dtype=None):
    args = (start,) if stop is None else (start, stop, step)
    return fresh(ndarray, onp.arange(*args), dtype or onp.float32)


def _filled(fill):
    def make(shape, dtype=None):
        return fresh(ndarray, fill(shape_arg((shape,))), dtype or onp.float32)

    return make


def _normal(loc=0.0, scale=1.0, size=None, dtype=None):
    """Normal samples from the engine's generator; no size gives a 0-d array."""
    data = av.randn(*shape_arg((() if size is None else size,))).data
    return fresh(ndarray, loc + scale * data, dtype)


np = SimpleNamespace(
    ndarray=ndarray,
    array=_array,
    arange=_arange,
    zeros=_filled(onp.zeros),
    ones=_filled(onp.ones),
    zeros_like=lambda a: ndarray(onp.zeros_like(onp.asarray(a))),
    ones_like=lambda a: ndarray(onp.ones_like(onp.asarray(a))),
    linalg=SimpleNamespace(),
    # no seed: MXNet's is npx.random.seed (or mx.random.seed)
    random=SimpleNamespace(normal=_normal),
    float32=onp.float32,
    float64=onp.float64,
    int32=onp.int32,
    int64=onp.int64,
    bool_=onp.bool_,
    pi=onp.pi,
    e=onp.e,
)

# ------------------------------------------------------------------ the primitives

# MXNet's names for each engine primitive (see _dialect.Provided); the
# functions not written above are made from the engine's
PRIMITIVES = {
    **PYTHON_OPERATORS,
    "exp": Provided("np.exp", ".exp"),
    "log": Provided("np.log", ".log"),
    "sin": Provided("np.sin", ".sin"),
    "cos": Provided("np.cos", ".cos"),
    "tanh": Provided("np.tanh", ".tanh"),
    "sigmoid": Provided("npx.sigmoid"),
    "relu": Provided("npx.relu"),
    "abs": Provided("np.abs", ".abs", "abs(a)"),
    "sqrt": Provided("np.sqrt", ".sqrt"),
    "sum": Provided("np.sum", ".sum"),
    "mean": Provided("np.mean", ".mean"),
    "max": Provided("np.max", ".max"),
    "norm": Provided("np.linalg.norm"),
    "dot": Provided("np.dot", ".dot"),
    "matmul": Provided("np.matmul", "a @ b"),
    "reshape": Provided("np.reshape", ".reshape"),
    "transpose": Provided("np.transpose", ".T", ".transpose"),
    "broadcast_to": Provided("np.broadcast_to"),
    "unindex": NotProvided(
        "the engine's scatter-add, the transpose of indexing that backward passes use"
    ),
    "cast": Provided(".astype"),
    "identity": Provided(".copy"),
    "erf": Provided("npx.erf"),
    "log1p": Provided("np.log1p"),
    "maximum": Provided("np.maximum"),
    "minimum": Provided("np.minimum"),
    "where": Provided("np.where"),
    "prod": Provided("np.prod", ".prod"),
    "min": Provided("np.min", ".min"),
    "logsumexp": NotProvided("MXNet's numpy interface has no function for log Σ exp"),
    "einsum": Provided("np.einsum"),
}


# MXNet's own rules where the frameworks differ: max and min give each tied
# entry the whole gradient (the others share it), maximum and minimum give it
# to their first input, prod divides the product by each entry (nan at a 0)
_RULES = {
    ops.max: {"ties": "each"},
    ops.min: {"ties": "each"},
    ops.maximum: {"ties": "a"},
    ops.minimum: {"ties": "a"},
    ops.prod: {"divide": True},
}


def _make(prim, engine_function):
    """An MXNet function from the engine's, its arrays lifted, with MXNet's rules."""
    rule = _RULES.get(prim)
    if rule and prim.axes:
        return lambda a, axis=None, keepdims=False: engine_function(
            lift(ndarray, a), axis, keepdims, **rule
        )
    if rule:
        return lambda x1, x2: engine_function(lift(ndarray, x1), x2, **rule)
    return lifting(ndarray, engine_function, prim.arity)


def _where(condition, x, y):
    """``x`` where ``condition`` holds, ``y`` elsewhere."""
    return av.where(condition, lift(ndarray, x), y)


def _einsum(subscripts, *operands):
    """Einstein summation (``"ij,jk->ik"``), one op."""
    return av.einsum(subscripts, *[lift(ndarray, x) for x in operands])


np.where, np.einsum = _where, _einsum


provide(sys.modules[__name__], PRIMITIVES, _make)

# the names built in autograd_viz/more, and the error for the rest
_names.complete(globals(), "mxnet")
