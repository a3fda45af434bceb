"""The TensorFlow dialect: ``import autograd_viz.tf as tf``.

TensorFlow records nothing by default.  Ops are recorded only while a
:class:`GradientTape` is open, and only if an input is a :class:`Variable`
or was passed to ``tape.watch``; ``tape.gradient`` then answers from what
the tape saw.  Underneath, that is the engine's graph: this module switches
recording on and off (``Tensor._records``) and collects what is recorded
(``graph.STATE.recorders``), so ``av.draw(tape)`` can show it.
"""

from __future__ import annotations

import builtins
from types import SimpleNamespace

import numpy as np

import autograd_viz as av
from ._dialect import (DTypes, as_gradient, convert_float, fresh, lift, lifting, np_dtype,
                       shape_arg)
from .engine.graph import STATE

_dtype_of = DTypes("tf")
_open_tapes = 0        # while above zero, ops on tf tensors are recorded


class Tensor(av.Tensor):
    """A tf-flavoured engine tensor (float32 and int32 by default)."""

    _default_float = np.float32
    _variable = None     # the name, on tensors made by tf.Variable
    _dtype_advice = ("Create it as floats, e.g. tf.range(4.0) or "
                     "tf.constant(..., dtype=tf.float32), or convert with "
                     "tf.cast(x, tf.float32)")

    @classmethod
    def _records(cls):
        return _open_tapes > 0

    @property
    def dtype(self):
        return _dtype_of(self.data.dtype)

    def __repr__(self):
        arr = np.asarray(self.data)
        values = str(arr[()]) if arr.ndim == 0 else repr(arr)
        if self._variable is not None:
            return (f"<tf.Variable '{self._variable}:0' shape={self.shape} "
                    f"dtype={arr.dtype}, numpy={values}>")
        return f"<tf.Tensor: shape={self.shape}, dtype={arr.dtype}, numpy={values}>"

    # a Variable's values can be replaced (an optimizer step); a plain
    # tensor's cannot, as in TensorFlow
    def assign(self, value):
        if self._variable is None:
            raise AttributeError("a tf.Tensor cannot be assigned to; only a tf.Variable "
                                 "can (make one with tf.Variable(value))")
        value = np.asarray(value, dtype=self.data.dtype)
        if value.shape != self.shape:
            raise av.ShapeError(f"assign: the variable has shape {self.shape}, "
                                f"the new value {value.shape}")
        self.data = value.copy()
        return self

    def assign_add(self, delta):
        return self.assign(self.data + np.asarray(delta))

    def assign_sub(self, delta):
        return self.assign(self.data - np.asarray(delta))

    # TensorFlow tensors never change in place: `t -= 1` on a tensor makes a
    # new one (Python falls back to t = t - 1), and on a Variable it is an
    # error that points to the assign methods
    def _augmented(self, symbol, result, update):
        if self._variable is not None:
            raise RuntimeError(
                f"`v {symbol} value` does not work on a tf.Variable: it cannot be changed "
                f"by an operator. To update the variable use {update}; to get a new "
                f"tensor instead, write v = v {symbol[0]} value")
        return result(self)

    def __iadd__(self, other):
        return self._augmented("+=", lambda t: t + other, "v.assign_add(value)")

    def __isub__(self, other):
        return self._augmented("-=", lambda t: t - other, "v.assign_sub(value)")

    def __imul__(self, other):
        return self._augmented("*=", lambda t: t * other, "v.assign(v * value)")

    def __itruediv__(self, other):
        return self._augmented("/=", lambda t: t / other, "v.assign(v / value)")


def _tf_array_tensor(value, dtype=None):
    """Python ints become int32 and floats float32, as in TensorFlow."""
    if isinstance(value, av.Tensor) and dtype is None:
        return Tensor(value.data)
    t = Tensor(value, dtype=np_dtype(dtype))
    if dtype is None and t.data.dtype == np.int64 and not isinstance(value, np.ndarray):
        t.data = t.data.astype(np.int32)
    return t


def constant(value, dtype=None):
    return _tf_array_tensor(value, dtype)


def convert_to_tensor(value, dtype=None):
    return value if isinstance(value, av.Tensor) and dtype is None \
        else _tf_array_tensor(value, dtype)


class _VariableKind(type):
    # tf.Variable makes ordinary tf tensors marked as variables, so that
    # what is computed from them is a plain tf.Tensor; this makes
    # isinstance(v, tf.Variable) still tell them apart
    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj._variable is not None


class Variable(metaclass=_VariableKind):
    """``tf.Variable(value)``: a leaf that requires a gradient, so every open
    tape records what is computed from it (when ``trainable``)."""

    def __new__(cls, initial_value, trainable=True, name=None, dtype=None):
        v = _tf_array_tensor(initial_value, dtype)
        v.name = name
        v._variable = name or "Variable"
        if trainable:
            v.requires_grad_(True)
        return v


# ------------------------------------------------------------------ the tape

class GradientTape:
    """Records ops on Variables and watched tensors while open.

    For the renderer: ``recorded`` (every node recorded while open, in run
    order), ``watched`` (tensors passed to ``watch``), and after a
    ``gradient`` call ``last_target``, ``last_sources`` and ``last_trace``.
    """

    def __init__(self, persistent=False):
        self.persistent = persistent
        self.recorded = []
        self.watched = []
        self.last_target = self.last_sources = self.last_trace = None
        self._open = False
        self._answered = False

    def __enter__(self):
        global _open_tapes
        if self._open:
            raise RuntimeError("this GradientTape is already recording")
        self._open = True
        _open_tapes += 1
        STATE.recorders.append(self.recorded)
        return self

    def __exit__(self, *exc):
        global _open_tapes
        self._open = False
        _open_tapes -= 1
        STATE.recorders[:] = [r for r in STATE.recorders if r is not self.recorded]
        return False

    def watch(self, tensor):
        for t in (tensor if isinstance(tensor, (list, tuple)) else [tensor]):
            if not isinstance(t, av.Tensor):
                raise TypeError(f"tape.watch takes tensors, got {type(t).__name__}; "
                                f"wrap the value with tf.constant(...) first")
            # stays on after the tape closes: gradient() is usually called then
            t.requires_grad_(True)
            self.watched.append(t)

    def gradient(self, target, sources, output_gradients=None):
        """d target / d source for each source, None where the tape saw no
        path; for a non-scalar target, the gradient of its sum."""
        if self._answered and not self.persistent:
            raise RuntimeError(
                "this GradientTape has already answered a gradient() call: a tape made "
                "with persistent=False answers once. Create it with "
                "tf.GradientTape(persistent=True) to call gradient() several times "
                "(or record again under a new tape)")
        many = isinstance(sources, (list, tuple))
        targets = list(sources) if many else [sources]
        for s in targets:
            if not isinstance(s, av.Tensor):
                raise TypeError(f"gradient sources must be tensors or Variables, got "
                                f"{type(s).__name__}")
        self._answered = True
        if self._saw(target):
            seed = np.ones(target.shape, target.data.dtype) if output_gradients is None \
                else np.asarray(output_gradients, target.data.dtype)
            # an open (outer) tape records this computation too, as in
            # TensorFlow, so the gradient can be differentiated again
            grads = av.gradients(target, targets, seed, retain_graph=True,
                                 create_graph=_open_tapes > 0)
            self.last_trace = target.trace
        else:
            grads = [None] * len(targets)
            self.last_trace = None
        self.last_target, self.last_sources = target, targets
        grads = [as_gradient(g, s) for g, s in zip(grads, targets)]
        return type(sources)(grads) if many else grads[0]

    def _saw(self, target):
        """Whether ``target`` was recorded by this tape (or is itself a
        variable or watched tensor)."""
        if not isinstance(target, av.Tensor) or not target.requires_grad:
            return False
        return target.is_leaf or builtins.any(n is target for n in self.recorded)


# ------------------------------------------------------------------ functions

def range(start, limit=None, delta=1, dtype=None):
    args = (start,) if limit is None else (start, limit, delta)
    return fresh(Tensor, np.arange(*args), dtype, default_int=np.int32)


def zeros(shape, dtype=np.float32):
    return fresh(Tensor, np.zeros(shape_arg((shape,))), dtype)


def ones(shape, dtype=np.float32):
    return fresh(Tensor, np.ones(shape_arg((shape,))), dtype)


def zeros_like(x):
    return Tensor(np.zeros_like(np.asarray(x)))


def ones_like(x):
    return Tensor(np.ones_like(np.asarray(x)))


def tensordot(a, b, axes):
    """Sum over the last ``axes`` axes of ``a`` and the first of ``b`` (or
    over the axes named by a pair of lists), written with engine ops."""
    a, b = lift(Tensor, a), lift(Tensor, b)
    if isinstance(axes, int):
        a_axes = list(builtins.range(a.ndim - axes, a.ndim))
        b_axes = list(builtins.range(axes))
    else:
        a_axes, b_axes = ([ax] if isinstance(ax, int) else list(ax) for ax in axes)
    if a.ndim == 1 and b.ndim == 1 and a_axes == b_axes == [0]:
        return av.dot(a, b)          # one "dot" node on the diagram
    a_free = [i for i in builtins.range(a.ndim) if i not in a_axes]
    b_free = [i for i in builtins.range(b.ndim) if i not in b_axes]
    k = int(np.prod([a.shape[i] for i in a_axes]))
    if a_free + a_axes != list(builtins.range(a.ndim)):
        a = a.transpose(a_free + a_axes)
    if b_axes + b_free != list(builtins.range(b.ndim)):
        b = b.transpose(b_axes + b_free)
    out_shape = tuple(a.shape[:len(a_free)]) + tuple(b.shape[len(b_axes):])
    return (a.reshape(-1, k) @ b.reshape(k, -1)).reshape(out_shape)


def reduce_sum(input_tensor, axis=None, keepdims=False):
    return av.sum(lift(Tensor, input_tensor), axis, keepdims)


def reduce_mean(input_tensor, axis=None, keepdims=False):
    return av.mean(lift(Tensor, input_tensor), axis, keepdims)


def reduce_max(input_tensor, axis=None, keepdims=False):
    return av.max(lift(Tensor, input_tensor), axis, keepdims)


def cast(x, dtype):
    """``x`` converted to ``dtype``.  Integer results carry no gradient, as
    in TensorFlow; ``x`` comes back as it is when it already has ``dtype``;
    a change of float precision on a recorded tensor is refused (the
    engine cannot pass a gradient through it)."""
    x, dtype = lift(Tensor, x), np_dtype(dtype)
    if dtype.kind != "f" or x.data.dtype.kind != "f":
        return Tensor._plain(np.asarray(np.asarray(x.data).astype(dtype)))
    return convert_float(x, dtype, f"tf.cast(x, tf.{dtype.name})")


def stop_gradient(input):
    """The same values, cut off from the graph: no gradient flows back."""
    return lift(Tensor, input).detach()


exp, log, sin, cos, tanh, sigmoid, sqrt, abs, norm = (
    lifting(Tensor, f) for f in (av.exp, av.log, av.sin, av.cos, av.tanh, av.sigmoid,
                                 av.sqrt, av.abs, av.norm))
matmul = lifting(Tensor, av.matmul, 2)
reshape = lifting(Tensor, av.reshape)
transpose = lifting(Tensor, av.transpose)


def _normal(shape, mean=0.0, stddev=1.0, dtype=np.float32, seed=None):
    """Normal samples from the engine's generator (see tf.random.set_seed)."""
    data = av.randn(*shape_arg((shape,))).data
    return fresh(Tensor, mean + stddev * data, dtype)


random = SimpleNamespace(normal=_normal, set_seed=av.seed)
math = SimpleNamespace(exp=exp, log=log, sin=sin, cos=cos, tanh=tanh, sigmoid=sigmoid,
                       sqrt=sqrt, abs=abs, reduce_sum=reduce_sum, reduce_mean=reduce_mean,
                       reduce_max=reduce_max)
linalg = SimpleNamespace(norm=norm, matmul=matmul)
nn = SimpleNamespace(relu=lifting(Tensor, av.relu), sigmoid=sigmoid)

# dtype names last: from here on `bool` in this module is a dtype
float32 = _dtype_of(np.float32)
float64 = _dtype_of(np.float64)
int32 = _dtype_of(np.int32)
int64 = _dtype_of(np.int64)
bool = _dtype_of(np.bool_)
