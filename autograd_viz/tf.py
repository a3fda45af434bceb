"""The TensorFlow dialect: ``import autograd_viz.tf as tf``.

TensorFlow records nothing by default.  Ops are recorded only while a
:class:`GradientTape` is open, and only if an input is a :class:`Variable`
or was passed to ``tape.watch``; ``tape.gradient`` then answers from what
the tape saw.  Underneath, that is the engine's graph: this module switches
recording on and off (``Tensor._records``) and collects what is recorded
(``graph.STATE.recorders``), so ``av.draw(tape)`` can show it.  Each tape
follows only the ops it saw, which is what makes nested tapes (second
derivatives) and ``tape.stop_recording()`` behave as in TensorFlow.

Forward mode is ``tf.autodiff.ForwardAccumulator``, on the engine's forward
levels.
"""

from __future__ import annotations

import builtins
import enum
import sys
import warnings
from contextlib import contextmanager
from types import SimpleNamespace

import numpy as np

import autograd_viz as av

from . import scope as _scope
from ._dialect import (
    PYTHON_OPERATORS,
    DTypes,
    NotProvided,
    Provided,
    convert_float,
    fresh,
    lift,
    lifting,
    np_dtype,
    provide,
    shape_arg,
)
from ._dialect_messages import TF
from .engine import forward as _forward
from .engine import graph, ops
from .engine.functional import followed
from .engine.graph import STATE
from .engine.tensor import set_requires_grad, stack

_dtype_of = DTypes("tf")
_open_tapes = 0  # while above zero, ops on tf tensors are recorded


class Tensor(av.Tensor):
    """A tf-flavoured engine tensor (float32 and int32 by default)."""

    _default_float = np.float32
    _variable = None  # the name, on tensors made by tf.Variable
    _messages = TF  # the engine's errors in TensorFlow's words
    # numpy's functions see a TensorFlow tensor as an array, watched or not:
    # np.mean(t) is a numpy float32, not recorded on any tape (an EagerTensor
    # has no .mean for numpy to call)

    def _to_numpy_check(self):
        pass

    @classmethod
    def _records(cls):
        return _open_tapes > 0

    @property
    def dtype(self):
        return _dtype_of(self.data.dtype)

    def __repr__(self):
        values = _numpy_text(self.data, is_repr=True)
        if self._variable is not None:
            return (
                f"<tf.Variable '{self._variable}:0' shape={self.shape} "
                f"dtype={self.data.dtype}, numpy={values}>"
            )
        return f"<tf.Tensor: shape={self.shape}, dtype={self.data.dtype}, numpy={values}>"

    def __str__(self):
        # print(t) in TensorFlow: the values as numpy's str, then shape and dtype
        if self._variable is not None:
            return repr(self)
        values = _numpy_text(self.data, is_repr=False)
        return f"tf.Tensor({values}, shape={self.shape}, dtype={self.data.dtype})"

    # a Variable's values can be replaced (an optimizer step); a plain
    # tensor's cannot, as in TensorFlow
    def assign(self, value):
        if self._variable is None:
            raise TF.error(AttributeError, "not_variable")
        value = np.asarray(value, dtype=self.data.dtype)
        if value.shape != self.shape:
            raise TF.error(av.ShapeError, "assign_shape", shape=self.shape, new=value.shape)
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
            raise TF.error(
                RuntimeError, "variable_operator", symbol=symbol, update=update, op=symbol[0]
            )
        return result(self)

    def __iadd__(self, other):
        return self._augmented("+=", lambda t: t + other, "v.assign_add(value)")

    def __isub__(self, other):
        return self._augmented("-=", lambda t: t - other, "v.assign_sub(value)")

    def __imul__(self, other):
        return self._augmented("*=", lambda t: t * other, "v.assign(v * value)")

    def __itruediv__(self, other):
        return self._augmented("/=", lambda t: t / other, "v.assign(v / value)")


def _numpy_text(data, is_repr):
    """The values as TensorFlow shows them: numpy's repr (a 0-d value as the
    Python number, ``numpy=0.5``) or, for print, numpy's str; text of several
    lines starts on a line of its own."""
    arr = np.asarray(data)
    if not is_repr:
        text = str(arr[()] if arr.ndim == 0 else arr)
    else:
        text = repr(arr.item()) if arr.ndim == 0 else repr(arr)
    return "\n" + text if "\n" in text else text


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
    return (
        value if isinstance(value, av.Tensor) and dtype is None else _tf_array_tensor(value, dtype)
    )


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


class UnconnectedGradients(enum.Enum):
    """What tape.gradient gives for a source the target does not depend on."""

    NONE = "none"
    ZERO = "zero"


class GradientTape:
    """Records ops on Variables and watched tensors while open.

    A tape sees an op if the op ran while the tape was recording (and not
    inside its ``stop_recording()``) and one of the op's inputs is a
    trainable Variable, a tensor passed to its ``watch``, or the result of an
    op it saw.  ``gradient`` follows only what this tape saw, so nested
    tapes answer each for itself; an open tape also records the gradient
    computation of an inner one, which is how second derivatives are taken.

    For the renderer: ``recorded`` (every node recorded while open, in run
    order), ``watched`` (tensors passed to ``watch``), and after a
    ``gradient`` call ``last_target``, ``last_sources`` and ``last_trace``.
    """

    def __init__(self, persistent=False, watch_accessed_variables=True):
        self.persistent = persistent
        self.watch_accessed_variables = watch_accessed_variables
        self.recorded = []
        self.watched = []
        self.last_target = self.last_sources = self.last_trace = None
        self._open = False
        self._recording = False
        self._answered = False

    def __enter__(self):
        if self._open:
            raise TF.error(RuntimeError, "tape_open")
        self._open = True
        self._start()
        return self

    def __exit__(self, *exc):
        self._open = False
        if self._recording:
            self._stop()
        return False

    def _start(self):
        global _open_tapes
        self._recording = True
        _open_tapes += 1
        STATE.recorders.append(self.recorded)

    def _stop(self):
        global _open_tapes
        self._recording = False
        _open_tapes -= 1
        STATE.recorders[:] = [r for r in STATE.recorders if r is not self.recorded]

    @contextmanager
    def stop_recording(self):
        """Inside this block the tape records nothing (other open tapes still do)."""
        if not self._recording:
            raise TF.error(RuntimeError, "stop_recording")
        self._stop()
        try:
            yield
        finally:
            if self._open:
                self._start()

    def reset(self):
        """Forget everything recorded so far (and keep recording if open)."""
        self.recorded.clear()
        self.watched.clear()
        self._answered = False

    def watch(self, tensor):
        for t in _flatten(tensor):
            if not isinstance(t, av.Tensor):
                raise TF.error(TypeError, "watch_type", type=type(t).__name__, pytype=type(t))
            if t.data.dtype.kind != "f":
                # TensorFlow logs a warning and watches nothing: gradient() gives None
                advice = TF.text("dtype_advice")
                warnings.warn(
                    TF.text("watch_not_float", dtype=t.dtype, advice=advice), stacklevel=2
                )
                continue
            # stays on after the tape closes: gradient() is usually called then
            if t.is_leaf:
                set_requires_grad(t)
            self.watched.append(t)

    def watched_variables(self):
        seen = {id(t): t for t in self.watched if isinstance(t, Variable)}
        if self.watch_accessed_variables:  # else only what watch() was given
            for n in self.recorded:
                for p in n._parents:
                    if isinstance(p, Variable):
                        seen[id(p)] = p
        return tuple(seen.values())

    def _consume(self, what):
        if self._answered and not self.persistent:
            raise TF.error(RuntimeError, "tape_used", what=what)
        self._answered = True

    def gradient(
        self,
        target,
        sources,
        output_gradients=None,
        unconnected_gradients=UnconnectedGradients.NONE,
    ):
        """d target / d source for each source (sources may be a tensor, or a
        list, tuple or dict of them, also interior tensors the tape
        recorded); None where the tape saw no path (zeros with
        ``unconnected_gradients=tf.UnconnectedGradients.ZERO``).  For a
        non-scalar target, or a list of targets, the gradient of the sum."""
        unconnected = UnconnectedGradients(unconnected_gradients)
        flat = _flatten(sources)
        for s in flat:
            if not isinstance(s, av.Tensor):
                raise TF.error(TypeError, "sources_type", type=type(s).__name__)
        targets = _flatten(target)
        if output_gradients is not None:
            output_gradients = _flatten(output_gradients)
            if len(output_gradients) != len(targets):
                raise TF.error(
                    ValueError, "output_gradients_count", n=len(output_gradients), m=len(targets)
                )
        self._consume("gradient")
        grads = self._gradients(targets, flat, output_gradients)
        self.last_target = target if isinstance(target, av.Tensor) else None
        self.last_sources = flat
        if unconnected is UnconnectedGradients.ZERO:
            grads = [zeros_like(s) if g is None else g for g, s in zip(grads, flat)]
        return _unflatten(sources, grads)

    def _gradients(self, targets, sources, seeds=None):
        """The gradient of the targets' sum (each weighted by its seed: ones
        where none is given), through the ops this tape saw only."""
        seeds = [None] * len(targets) if seeds is None else seeds
        live = [
            (t, s) for t, s in zip(targets, seeds) if isinstance(t, av.Tensor) and t.requires_grad
        ]
        nodes = {id(n): n for t, _ in live for n in graph.ancestors(t)}
        seen = self._seen(sorted(nodes.values(), key=lambda n: n.seq))
        live = [(t, s) for t, s in live if id(t) in seen]
        if not live:
            self.last_trace = None
            return [None] * len(sources)
        seeds = [
            np.ones(t.shape, t.data.dtype)
            if s is None
            else s
            if isinstance(s, av.Tensor) and s.requires_grad
            else np.asarray(s, t.data.dtype)
            for t, s in live
        ]
        # ops this tape did not see are constants to it: the pass is limited
        # to what it saw.  An open (outer) tape records this computation too,
        # as in TensorFlow, so the gradient can be differentiated again; so
        # does any other differentiation that follows it (a ForwardAccumulator,
        # forward over backward; a function transform of a function using the tape)
        targets = [t for t, _ in live]
        grads = av.gradients(
            targets,
            sources,
            seeds,
            retain_graph=True,
            create_graph=_open_tapes > 0 or builtins.any(followed(targets, sources)),
            within={n._seq for n in nodes.values() if id(n) in seen},
        )
        self.last_trace = live[-1][0].trace
        return [g if id(s) in seen else None for g, s in zip(grads, sources)]

    def _seen(self, nodes):
        """ids of the nodes (in run order) this tape saw."""
        recorded = {id(n) for n in self.recorded}
        watched = {id(t) for t in self.watched}
        seen = set()
        for n in nodes:
            if n._op is None or id(n) in watched:
                if id(n) in watched or (self.watch_accessed_variables and isinstance(n, Variable)):
                    seen.add(id(n))
            elif id(n) in recorded and builtins.any(id(p) in seen for p in n._parents):
                seen.add(id(n))
        return seen

    def jacobian(
        self,
        target,
        sources,
        unconnected_gradients=UnconnectedGradients.NONE,
        parallel_iterations=None,
        experimental_use_pfor=True,
    ):
        """d target[i...] / d source[j...], of shape target.shape + source.shape,
        one gradient pass per entry of the target."""
        unconnected = UnconnectedGradients(unconnected_gradients)
        flat = _flatten(sources)
        self._consume("jacobian")
        if not isinstance(target, av.Tensor):
            raise TF.error(TypeError, "jacobian_target", type=type(target).__name__)
        rows = [[] for _ in flat]
        size = int(np.prod(target.shape, dtype=np.int64))
        for i in builtins.range(size):
            seed = np.zeros(size, target.data.dtype)
            seed[i] = 1
            grads = self._gradients([target], flat, [seed.reshape(target.shape)])
            for row, g in zip(rows, grads):
                row.append(g)
        out = []
        for s, row in zip(flat, rows):
            if builtins.all(g is None for g in row):
                out.append(
                    zeros(target.shape + s.shape, s.data.dtype)
                    if unconnected is UnconnectedGradients.ZERO
                    else None
                )
                continue
            # stacked with the engine's ops, so an outer tape can differentiate it
            parts = [zeros_like(s) if g is None else g for g in row]
            out.append(stack(parts).reshape(target.shape + s.shape))
        self.last_target, self.last_sources = target, flat
        return _unflatten(sources, out)


# ------------------------------------------------------------------ forward mode


class ForwardAccumulator:
    """``tf.autodiff.ForwardAccumulator(primals, tangents)``: forward mode.

    While the block is open every op computed from the primals carries a
    tangent (one forward sweep); ``acc.jvp(y)`` then looks up y's, the
    derivative of y along ``tangents``, during the block or after it.  The
    tangents sit on the primals themselves (as in TensorFlow, where the
    accumulator watches the very tensors given), at a forward level of the
    engine's own: accumulators nest (outer.jvp(inner.jvp(y)) is a second
    derivative), and a GradientTape inside one gives Hessian-vector
    products."""

    def __init__(self, primals, tangents):
        flat_p, flat_t = _flatten(primals), _flatten(tangents)
        if (
            len(flat_p) != len(flat_t)
            or type(primals) is not type(tangents)
            and isinstance(primals, (list, tuple, dict))
        ):
            raise TF.error(ValueError, "acc_structure", p=len(flat_p), t=len(flat_t))
        seen = set()
        self._watched = []
        for p, t in zip(flat_p, flat_t):
            if not isinstance(p, av.Tensor):
                raise TF.error(TypeError, "acc_type", type=type(p).__name__)
            if id(p) in seen:
                raise TF.error(ValueError, "acc_twice", tensor=repr(p))
            seen.add(id(p))
            self._watched.append((p, self._tangent(p, t)))
        self._level = None
        self._block = None

    @staticmethod
    def _tangent(primal, tangent):
        if primal.data.dtype.kind != "f":
            advice = TF.text("dtype_advice")
            raise TF.error(av.DtypeError, "acc_not_float", dtype=primal.dtype, advice=advice)
        if isinstance(tangent, av.Tensor):
            if tangent.data.dtype != primal.data.dtype:
                raise TF.error(
                    ValueError, "acc_tangent_dtype", tangent=tangent.dtype, primal=primal.dtype
                )
            t = tangent
        else:
            t = Tensor._plain(np.asarray(tangent, dtype=primal.data.dtype))
        if t.shape != primal.shape:
            raise TF.error(ValueError, "acc_tangent_shape", tangent=t.shape, primal=primal.shape)
        return t

    def __enter__(self):
        if self._block is not None:
            raise TF.error(ValueError, "acc_open")
        self._block = _forward.dual_level()
        self._level = self._block.__enter__()
        for p, t in self._watched:
            p._tan = {**(p._tan or {}), self._level: t}
        return self

    def __exit__(self, *exc):
        block, self._block = self._block, None
        return block.__exit__(*exc)

    def jvp(self, primals, unconnected_gradients=UnconnectedGradients.NONE):
        """The tangent of each of ``primals`` (a tensor, or a list, tuple or
        dict of them): None where nothing computed it from the watched
        primals (zeros with ``tf.UnconnectedGradients.ZERO``)."""
        if self._level is None:
            raise TF.error(ValueError, "acc_nothing")
        unconnected = UnconnectedGradients(unconnected_gradients)
        out = []
        for y in _flatten(primals):
            t = y._tan.get(self._level) if isinstance(y, av.Tensor) and y._tan else None
            if t is None and unconnected is UnconnectedGradients.ZERO:
                t = zeros_like(y)
            out.append(t)
        return _unflatten(primals, out)


def _flatten(x):
    """The tensors of a tensor, list, tuple or dict (values in key order)."""
    if isinstance(x, dict):
        return list(x.values())
    if isinstance(x, (list, tuple)):
        return list(x)
    return [x]


def _unflatten(like, values):
    if isinstance(like, dict):
        return dict(zip(like.keys(), values))
    if isinstance(like, (list, tuple)):
        return type(like)(values)
    return values[0]


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
        return av.dot(a, b)  # one "dot" node on the diagram
    a_free = [i for i in builtins.range(a.ndim) if i not in a_axes]
    b_free = [i for i in builtins.range(b.ndim) if i not in b_axes]
    k = int(np.prod([a.shape[i] for i in a_axes]))
    if a_free + a_axes != list(builtins.range(a.ndim)):
        a = a.transpose(a_free + a_axes)
    if b_axes + b_free != list(builtins.range(b.ndim)):
        b = b.transpose(b_axes + b_free)
    out_shape = tuple(a.shape[: len(a_free)]) + tuple(b.shape[len(b_axes) :])
    return (a.reshape(-1, k) @ b.reshape(k, -1)).reshape(out_shape)


def cast(x, dtype):
    """``x`` converted to ``dtype``.  Integer results carry no gradient, as
    in TensorFlow; ``x`` comes back as it is when it already has ``dtype``;
    between float precisions the cast is recorded, so the gradient flows
    back through it (in the input's precision)."""
    x, dtype = lift(Tensor, x), np_dtype(dtype)
    if dtype.kind != "f" or x.data.dtype.kind != "f":
        return Tensor._plain(np.asarray(np.asarray(x.data).astype(dtype)))
    return convert_float(x, dtype, f"tf.cast(x, tf.{dtype.name})")


def stop_gradient(input):
    """The same values, cut off from the graph: no gradient flows back."""
    return lift(Tensor, input).detach()


def _normal(shape, mean=0.0, stddev=1.0, dtype=np.float32, seed=None):
    """Normal samples from the engine's generator (see tf.random.set_seed)."""
    data = av.randn(*shape_arg((shape,))).data
    return fresh(Tensor, mean + stddev * data, dtype)


random = SimpleNamespace(normal=_normal, set_seed=av.seed)
autodiff = SimpleNamespace(ForwardAccumulator=ForwardAccumulator, GradientTape=GradientTape)
# filled with the primitives' functions below (PRIMITIVES)
math = SimpleNamespace()


def matvec(a, b, transpose_a=False, adjoint_a=False):
    """The matrix (or stack of matrices) ``a`` times the vector(s) ``b``."""
    a, b = lift(Tensor, a), lift(Tensor, b)
    if transpose_a or adjoint_a:
        axes = list(builtins.range(a.ndim))
        a = a.transpose(axes[:-2] + [axes[-1], axes[-2]])
    if b.ndim == 1:
        return av.matmul(a, b)  # one matmul node on the diagram
    column = b.reshape(b.shape + (1,))
    out = av.matmul(a, column)
    return out.reshape(out.shape[:-1])


linalg = SimpleNamespace(matvec=matvec)
nn = SimpleNamespace()

# ------------------------------------------------------------------ the primitives

# TensorFlow's names for each engine primitive (see _dialect.Provided)
PRIMITIVES = {
    **PYTHON_OPERATORS,
    "exp": Provided("exp", "math.exp"),
    "log": Provided("math.log"),  # TensorFlow 2 has no tf.log
    "sin": Provided("sin", "math.sin"),
    "cos": Provided("cos", "math.cos"),
    "tanh": Provided("tanh", "math.tanh", "nn.tanh"),
    "sigmoid": Provided("sigmoid", "math.sigmoid", "nn.sigmoid"),
    "relu": Provided("nn.relu"),
    "abs": Provided("abs", "math.abs", "abs(a)"),
    "sqrt": Provided("sqrt", "math.sqrt"),
    "sum": Provided("reduce_sum", "math.reduce_sum"),
    "mean": Provided("reduce_mean", "math.reduce_mean"),
    "max": Provided("reduce_max", "math.reduce_max"),
    "norm": Provided("norm", "linalg.norm"),
    "dot": Provided("tensordot"),
    "matmul": Provided("matmul", "linalg.matmul", "a @ b"),
    "reshape": Provided("reshape"),
    "transpose": Provided("transpose"),
    "broadcast_to": Provided("broadcast_to"),
    "unindex": NotProvided(
        "the engine's scatter-add, the transpose of indexing that backward passes use; "
        "tf.tensor_scatter_nd_add is not offered"
    ),
    "cast": Provided("cast"),
    "identity": Provided("identity"),
    "erf": Provided("math.erf"),
    "log1p": Provided("math.log1p"),
    "maximum": Provided("maximum", "math.maximum"),
    "minimum": Provided("minimum", "math.minimum"),
    "where": Provided("where"),
    "prod": Provided("reduce_prod", "math.reduce_prod"),
    "min": Provided("reduce_min", "math.reduce_min"),
    "logsumexp": Provided("reduce_logsumexp", "math.reduce_logsumexp"),
    "einsum": Provided("einsum"),
}


def _make(prim, engine_function):
    """A TensorFlow function from the engine's, its tensors lifted.  At a tie
    tf.maximum and tf.minimum give the whole gradient to their first input."""
    if prim in (ops.maximum, ops.minimum):
        return lambda x, y: engine_function(lift(Tensor, x), y, ties="a")
    return lifting(Tensor, engine_function, prim.arity)


def where(condition, x=None, y=None):
    """``x`` where ``condition`` holds, ``y`` elsewhere (each gets the gradient
    where it was taken)."""
    if x is None or y is None:
        raise TF.error(NotImplementedError, "where_alone")
    return av.where(condition, lift(Tensor, x), y)


def einsum(equation, *inputs):
    """Einstein summation (``"ij,jk->ik"``), one op."""
    return av.einsum(equation, *[lift(Tensor, x) for x in inputs])


provide(sys.modules[__name__], PRIMITIVES, _make)

# dtype names last: from here on `bool` in this module is a dtype
float32 = _dtype_of(np.float32)
float64 = _dtype_of(np.float64)
int32 = _dtype_of(np.int32)
int64 = _dtype_of(np.int64)
bool = _dtype_of(np.bool_)

# the names built in autograd_viz/more, and the error for the rest
_scope.complete(globals(), "tf")
