"""The Tensor: a numpy value that can remember how it was computed.

Operators and methods only call :func:`apply` with a primitive from
:mod:`autograd_viz.engine.ops`; the derivative rules live there and nowhere else.
"""

from __future__ import annotations

import builtins
import numbers
from contextlib import contextmanager

import numpy as np

from . import graph, ops
from .errors import BackwardError, DtypeError, ShapeError
from .graph import STATE, as_plain
from .messages import MESSAGES

_next_seq = graph._seq.__next__
_new = object.__new__


class Tensor(graph.Node):
    """A numpy array (0-d for scalars) plus what autograd needs.

    ``requires_grad`` is set on leaves by the user and on op outputs by the
    engine; ``grad`` holds the gradient gathered by ``backward()``; ``name``
    is what diagrams print for a leaf.
    """

    __slots__ = ("name", "__weakref__")  # the recorder's own slots are on graph.Node

    # numpy's protocols, as numpy applies them to PyTorch's, TensorFlow's and
    # JAX's tensors: `ndarray * tensor` goes to Tensor.__rmul__ (the priority),
    # so the history is kept; numpy's reductions call the tensor's own methods
    # (np.mean(t) is t.mean(axis=None, dtype=None, out=None)); every other
    # numpy function sees the tensor through __array__, and a ufunc's result
    # comes back through __array_wrap__.  A dialect states its framework's
    # policy in the hooks of the "numpy" section below.
    __array_priority__ = 1000
    _default_float = np.float64

    def __init__(self, data, dtype=None, requires_grad=False, name=None):
        data = _to_array(data, dtype, self._default_float)
        if not data.shape:
            # a 0-d value is held as a numpy scalar, like every op's 0-d output:
            # its arithmetic costs a tenth of a 0-d array's (scalar MLP step
            # 114 -> 87 ms GC off, bench/engine_bench.py case 1); dtype unchanged
            data = data[()]
        self._init(data)
        self.name = _check_name(name)
        if requires_grad:
            self.requires_grad_(True)

    def _init(self, data):
        self.data = data
        self.requires_grad = self._freed = False
        self.grad = self.name = self._op = self._params = None
        self._gacc = self._note = self._trace = self._tan = None
        self._parents = ()
        self._seq = _next_seq()

    @classmethod
    def _plain(cls, data):
        """A Tensor around an array we computed ourselves (no checks, no history)."""
        t = _new(cls)
        t._init(data)
        return t

    # -- dialect hooks ---------------------------------------------------
    @classmethod
    def _records(cls):
        """Whether ops on this flavour of tensor are being recorded now."""
        return True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._always_records = cls._records.__func__ is Tensor._records.__func__

    # True where _records() is Tensor's own (always True): _output then skips
    # the call, on every op
    _always_records = True

    _grad_write = False  # MXNet overwrites .grad instead of adding to it
    # what this flavour says when something goes wrong: a dialect's catalogue
    # answers in its framework's words (where a parameter update belongs, how
    # to make floats, the framework's own sentence)
    _messages = MESSAGES

    # -- inspection --------------------------------------------------------
    @property
    def shape(self):
        return tuple(np.shape(self.data))

    @property
    def ndim(self):
        return np.ndim(self.data)

    @property
    def dtype(self):
        return self.data.dtype

    @property
    def size(self):
        return int(np.size(self.data))

    @property
    def is_leaf(self):
        return self._op is None

    @property
    def op(self):
        """The primitive that produced this value (None for a leaf)."""
        return self._op

    @property
    def inputs(self):
        """The tensors this value was computed from (empty for a leaf)."""
        return self._parents

    @property
    def params(self):
        """Non-tensor arguments of the op, e.g. ``{"axis": 0}``."""
        return dict(self._params or {})

    @property
    def seq(self):
        """Creation order: a stable id that does not depend on memory addresses."""
        return self._seq

    @property
    def trace(self):
        """The :class:`~autograd_viz.graph.Trace` of the last backward from here."""
        return self._trace

    @property
    def detached_from(self):
        """The tensor this one was detached from, if it came from detach()."""
        return self._note[1] if self._note and self._note[0] == "detach" else None

    @property
    def from_backward(self):
        """True for nodes recorded by a backward pass run with create_graph=True."""
        return self._note is _FROM_BACKWARD

    def numpy(self):
        return np.asarray(self.data)

    # -- numpy's functions on a tensor ----------------------------------------
    def __array__(self, dtype=None, copy=None):
        self._to_numpy_check()
        a = np.asarray(self.data)
        return a if dtype is None else a.astype(dtype)

    def __array_wrap__(self, array, context=None, return_scalar=False):
        if self._numpy_wraps:
            return type(self)._plain(array[()] if array.ndim == 0 else array)
        return array[()] if return_scalar else array

    def __array_function__(self, func, types, args, kwargs):
        if not self._numpy_methods:  # numpy sees arrays, not this flavour's methods
            args, kwargs = _as_numpy(args), _as_numpy(kwargs)
        return func._implementation(*args, **kwargs)

    # a dialect's policy: whether a ufunc's result comes back as this flavour
    # of tensor (PyTorch) or as numpy's (TensorFlow, JAX) ...
    _numpy_wraps = False
    # ... whether numpy's reductions call this flavour's methods (PyTorch, JAX)
    # or see an array (the engine's own, and TensorFlow's tensors, which have
    # no .mean) ...
    _numpy_methods = False

    def _to_numpy_check(self):
        """... and when the framework refuses to hand a value to numpy: by
        default (the engine's and PyTorch's rule) a value whose gradient is
        asked for, since numpy would compute on without the graph and the
        gradient would be lost without a word (np.exp(x) * x would give a
        backward pass that skips the exp).  TensorFlow and MXNet hand their
        values over; JAX refuses a traced value."""
        if self.requires_grad:
            raise self._messages.error(RuntimeError, "numpy_requires_grad")

    def item(self):
        if self.size != 1:
            raise self._messages.error(ValueError, "item_size", shape=self.shape, size=self.size)
        return np.asarray(self.data).item()

    def tolist(self):
        return np.asarray(self.data).tolist()

    def __len__(self):
        if self.ndim == 0:
            raise self._messages.error(TypeError, "len_scalar")
        return self.shape[0]

    def __iter__(self):
        if self.ndim == 0:
            raise self._messages.error(TypeError, "iter_scalar")
        return (self[i] for i in range(self.shape[0]))

    def __bool__(self):
        if self.size != 1:
            raise self._messages.error(ValueError, "bool_ambiguous", size=self.size)
        return builtins.bool(np.asarray(self.data).item())

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __index__(self):
        if not np.issubdtype(self.dtype, np.integer):
            raise self._messages.error(TypeError, "index_int")
        return int(self.item())

    __hash__ = object.__hash__

    def any(self):
        return type(self)._plain(np.any(self.data))

    def all(self):
        return type(self)._plain(np.all(self.data))

    def __repr__(self):
        return f"tensor({_format_values(self.data, 'tensor(')}{self._repr_suffix()})"

    def _repr_suffix(self):
        parts = []
        if (
            self.dtype != self._default_float
            and not np.issubdtype(self.dtype, np.integer)
            and self.dtype != np.bool_
        ):
            parts.append(f"dtype={self.dtype}")
        if self._op is not None:
            parts.append(f"op={self._op.name}")
        elif self.requires_grad:
            parts.append("requires_grad=True")
        return "".join(", " + p for p in parts)

    # -- autograd ----------------------------------------------------------
    def requires_grad_(self, requires_grad=True):
        return set_requires_grad(self, requires_grad)

    def backward(self, gradient=None, retain_graph=False, create_graph=False):
        """Fill ``.grad`` of every leaf this value depends on.

        A non-scalar needs ``gradient=`` (same shape): the weights of the
        weighted sum being differentiated.
        """
        backward(self, gradient, retain_graph, create_graph)

    def _backward_seed(self, gradient):
        if not self.requires_grad:
            raise self._messages.error(BackwardError, "no_grad")
        if gradient is None:
            if self.size != 1:
                raise self._messages.error(BackwardError, "backward_nonscalar", shape=self.shape)
            return np.ones_like(np.asarray(self.data))
        g = _to_array(as_plain(gradient), None, self.dtype.type)
        if np.shape(g) != self.shape:
            raise self._messages.error(
                ShapeError, "gradient_shape", got=tuple(np.shape(g)), shape=self.shape
            )
        return gradient if isinstance(gradient, Tensor) and gradient.requires_grad else g

    def detach(self):
        """The same value with no history: gradients stop here."""
        return detach(self)

    def zero_(self):
        # a new array rather than writing zeros in place: a backward trace may
        # share the old one and must keep showing what was computed
        self.data = np.zeros_like(np.asarray(self.data))
        return self

    def astype(self, dtype):
        """A converted copy.  Between floating-point dtypes it is recorded (the
        gradient flows back at the input's precision); to or from integers or
        booleans nothing can flow, so the copy has no history."""
        return astype(self, dtype)

    def _check_in_place(self, what):
        # a leaf may be updated in place outside recording (an SGD step under
        # no_grad()); anything else would change values a backward pass needs
        if self._op is not None or (self.requires_grad and graph.records(type(self))):
            messages = self._messages
            advice = messages.text("in_place_advice")
            raise messages.error(BackwardError, "in_place", what=what, advice=advice)

    def __setitem__(self, index, value):
        self._check_in_place("x[...] = ...")
        data = np.array(self.data)
        data[_plain_index(index)] = as_plain(value)
        self.data = data

    def _in_place(self, prim, other, symbol):
        self._check_in_place(f"x {symbol} ...")
        value = prim.forward(self.data, np.asarray(as_plain(other)))
        # the tensor keeps its identity and dtype, like x -= lr * x.grad in PyTorch
        self.data = np.asarray(value, dtype=self.data.dtype)
        return self

    def __iadd__(self, other):
        return self._in_place(ops.add, other, "+=")

    def __isub__(self, other):
        return self._in_place(ops.sub, other, "-=")

    def __imul__(self, other):
        return self._in_place(ops.mul, other, "*=")

    def __itruediv__(self, other):
        return self._in_place(ops.div, other, "/=")

    # -- operators ---------------------------------------------------------
    # __add__, __sub__, __mul__, __truediv__, __pow__: written by _binary below

    def __radd__(self, other):
        return apply(ops.add, other, self)

    def __rsub__(self, other):
        return apply(ops.sub, other, self)

    def __rmul__(self, other):
        return apply(ops.mul, other, self)

    def __rtruediv__(self, other):
        return apply(ops.div, other, self)

    def __rpow__(self, other):
        return apply(ops.pow, other, self)

    def __matmul__(self, other):
        return matmul(self, other)

    def __rmatmul__(self, other):
        return matmul(other, self)

    def __neg__(self):
        return _apply1(ops.neg, self)

    def __pos__(self):
        return self

    def __abs__(self):
        return _apply1(ops.abs, self)

    def __eq__(self, other):
        return self._compared(np.equal, other)

    def __ne__(self, other):
        return self._compared(np.not_equal, other)

    def __lt__(self, other):
        return self._compared(np.less, other)

    def __le__(self, other):
        return self._compared(np.less_equal, other)

    def __gt__(self, other):
        return self._compared(np.greater, other)

    def __ge__(self, other):
        return self._compared(np.greater_equal, other)

    def _compared(self, ufunc, other):
        """A comparison (a dialect words its promotion rules here: JAX's)."""
        return compare(ufunc, self, other)

    def __getitem__(self, index):
        return getitem(self, index)

    # -- methods mirroring the functions (the elementwise ones and the
    # reductions are written from the primitive table: see _forms below)
    def dot(self, other):
        return dot(self, other)

    def matmul(self, other):
        return matmul(self, other)

    def norm(self):
        return norm(self)

    def transpose(self, *axes):
        return transpose(self, axes[0] if len(axes) == 1 else (axes or None))

    def reshape(self, *shape):
        return reshape(self, shape[0] if len(shape) == 1 else shape)

    @property
    def T(self):
        return transpose(self)


# ------------------------------------------------------------------ applying ops


def apply(prim, *args, **params):
    """Run ``prim`` on ``args`` and, when gradients are wanted, record it."""
    first = args[0]
    if len(args) == 1:
        inputs = args
    else:
        if not isinstance(first, Tensor):
            first = args[1]
        inputs = tuple(a if isinstance(a, Tensor) else _constant(a, first) for a in args)
    try:
        value = prim.forward(*[t.data for t in inputs], **params)
    except ShapeError:
        raise
    except (ValueError, IndexError) as e:
        raise _explain(prim, inputs, e) from None
    wanted = False
    for t in inputs:
        if t.requires_grad:
            wanted = True
            break
    return _output(first.__class__, value, prim, inputs, params or None, wanted)


# Operators and elementwise functions (most nodes of a scalar network) take
# these two shortcuts past apply()'s argument handling; every path ends in
# _output, the one place that builds a node and decides whether to record it.


def _binary(prim):
    """``Tensor.__add__`` and its kind: :func:`apply` for a binary operator
    whose first argument is a Tensor, the operator's own frame (a scalar
    network is mostly these calls: one frame fewer per op)."""

    def operator_form(a, b):
        if b.__class__ is not a.__class__ and not isinstance(b, Tensor):
            b = _constant(b, a)
        try:
            value = prim.forward(a.data, b.data)
        except (ValueError, IndexError) as e:
            raise _explain(prim, (a, b), e) from None
        return _output(a.__class__, value, prim, (a, b), None, a.requires_grad or b.requires_grad)

    return operator_form


for _name, _prim in (
    ("__add__", ops.add),
    ("__sub__", ops.sub),
    ("__mul__", ops.mul),
    ("__truediv__", ops.div),
    ("__pow__", ops.pow),
):
    _form = _binary(_prim)
    _form.__name__, _form.__qualname__ = _name, f"Tensor.{_name}"
    setattr(Tensor, _name, _form)


def _apply1(prim, a):
    """:func:`apply` for an elementwise function of one Tensor."""
    return _output(a.__class__, prim.forward(a.data), prim, (a,), None, a.requires_grad)


def _output(cls, value, prim, inputs, params, wanted):
    """The op's output node; recorded when an input needs a gradient
    (``wanted``) and this flavour of tensor is recording now."""
    out = _new(cls)
    out.data = value
    out.grad = out.name = out._gacc = out._note = out._trace = out._tan = None
    out._freed = False
    out._seq = _next_seq()
    state = STATE
    if (
        wanted
        and state.grad_enabled
        and (cls._always_records or state.record_all or cls._records())
    ):
        out.requires_grad = True
        out._op = prim
        out._parents = inputs
        out._params = params
        if state.in_backward:
            out._note = _FROM_BACKWARD
        if state.recorders:
            for recorder in state.recorders:
                recorder.append(out)
    else:
        out.requires_grad = False
        out._op = out._params = None
        out._parents = ()
    if _dual_levels:  # forward mode is on: push the tangents too
        STATE.push_tangents(out, prim, inputs, params)
    return out


_FROM_BACKWARD = ("backward", None)
_dual_levels = STATE.dual_levels  # the same list object, read on every op


def _constant(value, like):
    """Wrap a Python number or array taking part in an op as a constant leaf."""
    kind = value.__class__
    if kind is float or kind is int or kind is bool:
        ldtype = like.data.dtype
        if ldtype is _FLOAT64:
            data = _float64(value)
        elif ldtype.kind in "fciu" or kind is float:
            # a Python scalar keeps the tensor's dtype (2 * float32 stays float32)
            data = np.asarray(value, dtype=np.result_type(like.data, value))
        else:
            data = np.asarray(value)
        return Tensor._plain(data)
    return Tensor._plain(_to_array(value, None, type(like)._default_float))


_FLOAT64 = np.dtype(np.float64)
_float64 = np.float64


def compare(ufunc, a, b):
    """``ufunc(a, b)`` (np.less ...) as a boolean tensor of a's flavour, with no history."""
    a_, b_ = as_plain(a), as_plain(b)
    try:
        out = ufunc(a_, b_)
    except ValueError:
        raise type(a)._messages.error(
            ShapeError, "compare_broadcast", a=np.shape(a_), b=np.shape(b_)
        ) from None
    return type(a)._plain(np.asarray(out))


def _plain_index(index):
    if isinstance(index, Tensor):
        return np.asarray(index.data)
    if isinstance(index, tuple):
        return tuple(np.asarray(i.data) if isinstance(i, Tensor) else i for i in index)
    return index


def _explain(prim, inputs, err):
    if isinstance(err, ShapeError):  # our own forward already named the shapes
        return err
    messages = type(inputs[0])._messages
    shapes = messages.text("and").join(str(t.shape) for t in inputs)
    text = str(err)  # numpy's words, quoted as they are
    if "broadcast" in text:
        return messages.error(ShapeError, "broadcast", op=prim.name, shapes=shapes)
    if prim.name == "getitem":
        return messages.error(IndexError, "bad_index", shape=inputs[0].shape, error=text)
    key = "numpy_shapes" if "shape" in text else "op_failed"
    return messages.error(ShapeError, key, op=prim.name, shapes=shapes, error=text)


# ------------------------------------------------------------------ conversion


def _to_array(data, dtype, default_float):
    if isinstance(data, Tensor):
        data = data.data
    if isinstance(data, (str, bytes)):
        raise MESSAGES.error(TypeError, "text_data", data=repr(data))
    try:
        arr = np.array(data, dtype=dtype)
    except ValueError as e:
        if "inhomogeneous" in str(e) or "sequence" in str(e):
            raise MESSAGES.error(ShapeError, "ragged") from None
        raise MESSAGES.error(TypeError, "cannot_make", data=repr(data), error=e) from None
    except TypeError as e:
        raise MESSAGES.error(TypeError, "cannot_make", data=repr(data), error=e) from None
    if arr.dtype.kind in "OUSV":
        raise MESSAGES.error(TypeError, "non_numeric", dtype=arr.dtype, data=repr(data))
    if (
        dtype is None
        and arr.dtype.kind == "f"
        and arr.dtype != default_float
        and not isinstance(data, (np.ndarray, np.generic))
    ):
        arr = arr.astype(default_float)
    return arr


def _check_name(name):
    if name is not None and not isinstance(name, str):
        raise MESSAGES.error(TypeError, "name_type", type=type(name).__name__)
    return name


def _format_values(data, prefix):
    arr = np.asarray(data)
    return np.array2string(arr, separator=", ", prefix=prefix, threshold=100)


# ------------------------------------------------------------------ creation


def tensor(data, dtype=None, requires_grad=False, name=None):
    """A new leaf tensor: float64 unless ``dtype`` says otherwise or ``data`` is
    already typed (a numpy array or scalar, a tensor).  Python numbers become
    float64, integers too, so ``tensor([1, 2], requires_grad=True)`` works as a
    student expects (the torch dialect keeps PyTorch's int64); bools stay bool."""
    if dtype is None and not isinstance(data, (np.ndarray, np.generic, Tensor)):
        data = _to_array(data, None, Tensor._default_float)
        if data.dtype.kind in "iu":
            data = data.astype(Tensor._default_float)
    return Tensor(data, dtype=dtype, requires_grad=requires_grad, name=name)


def arange(*args, dtype=None, requires_grad=False, name=None):
    return Tensor(np.arange(*args, dtype=dtype), requires_grad=requires_grad, name=name)


def zeros(*shape, dtype=None, requires_grad=False, name=None):
    return Tensor(
        np.zeros(_shape_arg(shape), dtype=dtype or np.float64),
        requires_grad=requires_grad,
        name=name,
    )


def ones(*shape, dtype=None, requires_grad=False, name=None):
    return Tensor(
        np.ones(_shape_arg(shape), dtype=dtype or np.float64),
        requires_grad=requires_grad,
        name=name,
    )


def zeros_like(x, requires_grad=False):
    return (
        type(x)(np.zeros_like(np.asarray(as_plain(x))), requires_grad=requires_grad)
        if isinstance(x, Tensor)
        else Tensor(np.zeros_like(np.asarray(x)))
    )


def ones_like(x, requires_grad=False):
    return (
        type(x)(np.ones_like(np.asarray(as_plain(x))), requires_grad=requires_grad)
        if isinstance(x, Tensor)
        else Tensor(np.ones_like(np.asarray(x)))
    )


_rng = np.random.default_rng()


def seed(n):
    """Seed av.randn (for reproducible classroom examples)."""
    global _rng
    _rng = np.random.default_rng(n)


def randn(*shape, dtype=None, requires_grad=False, name=None):
    data = _rng.standard_normal(_shape_arg(shape))
    return Tensor(
        np.asarray(data, dtype=dtype or np.float64), requires_grad=requires_grad, name=name
    )


def _shape_arg(shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return tuple(shape)


# ------------------------------------------------------------------ functions


def _lift(x):
    return x if isinstance(x, Tensor) else Tensor(x)


def _axis(axis):
    if isinstance(axis, list):
        return tuple(axis)
    return axis


def dot(a, b):
    a, b = _lift(a), _lift(b)
    if a.ndim == 1 and b.ndim == 1:
        return apply(ops.dot, a, b)
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    return matmul(a, b)


def matmul(a, b):
    if not isinstance(a, Tensor):
        a = type(b)(a)
    return apply(ops.matmul, a, b)


def norm(x):
    return apply(ops.norm, _lift(x))


def reshape(x, shape):
    shape = (shape,) if isinstance(shape, numbers.Integral) else tuple(shape)
    return apply(ops.reshape, _lift(x), shape=shape)


def transpose(x, axes=None):
    return apply(ops.transpose, _lift(x), axes=None if axes is None else tuple(axes))


def getitem(x, index):
    """``x[index]``: indices may be tensors too."""
    return apply(ops.getitem, x, index=_plain_index(index))


def broadcast_to(x, shape):
    return apply(ops.broadcast_to, _lift(x), shape=tuple(shape))


def concatenate(tensors, axis=0):
    """Join tensors (of one flavour, checked by the caller) along an existing
    ``axis``.  Not a primitive: when a differentiation follows any piece, each
    piece is scattered into its place in a zero tensor of the result's shape
    and the pieces are added, so the backward pass slices each piece's
    gradient back out and forward mode pushes each tangent into place."""
    first = tensors[0]
    if not builtins.any(graph.tracked(t) for t in tensors):
        return type(first)._plain(np.concatenate([np.asarray(t.data) for t in tensors], axis=axis))
    shape = list(first.shape)
    shape[axis] = builtins.sum(t.shape[axis] for t in tensors)
    out, start = None, 0
    for t in tensors:
        index = (slice(None),) * axis + (slice(start, start + t.shape[axis]),)
        piece = apply(ops.unindex, t, index=index, shape=tuple(shape))
        out = piece if out is None else out + piece
        start += t.shape[axis]
    return out


def stack(tensors, axis=0):
    """Join tensors of one shape (and flavour, that of the first) along a new
    ``axis``.  Like :func:`concatenate`, not a primitive: when a
    differentiation follows any piece, each is scattered into its slice of
    the result, so gradients and tangents reach every piece."""
    first = tensors[0]
    if not builtins.any(graph.tracked(t) for t in tensors):
        return type(first)._plain(np.stack([np.asarray(t.data) for t in tensors], axis=axis))
    ndim = first.ndim + 1
    axis %= ndim
    shape = list(first.shape)
    shape.insert(axis, len(tensors))
    out = None
    for i, t in enumerate(tensors):
        index = (slice(None),) * axis + (i,)
        piece = apply(ops.unindex, t, index=index, shape=tuple(shape))
        out = piece if out is None else out + piece
    return out


def where(condition, a, b):
    """``a`` where ``condition`` holds, ``b`` elsewhere (numpy's broadcasting);
    each gets the gradient where it was taken.  The condition is a constant."""
    condition = np.asarray(as_plain(condition), dtype=bool)
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):
        a = Tensor(a)
    return apply(ops.where, a, b, condition=condition)


def einsum(subscripts, *operands):
    """numpy's einsum (``"ij,jk->ik"``, ``...``, the implicit output), as one
    op on the diagram: the operands' flavour is the first tensor's."""
    like = next((x for x in operands if isinstance(x, Tensor)), None)
    cls = Tensor if like is None else type(like)
    operands = [x if isinstance(x, Tensor) else cls(x) for x in operands]
    if not 1 <= len(operands) <= ops.EINSUM_OPERANDS:
        raise cls._messages.error(
            ValueError, "einsum_operands", most=ops.EINSUM_OPERANDS, n=len(operands)
        )
    spec = ops.einsum_subscripts(subscripts, [x.ndim for x in operands])
    return apply(ops.einsum, *operands, subscripts=spec)


# ------------------------------------------------------------------ the tensor's
# own operations as functions: the package calls these, never a Tensor method
# unbound, so a dialect may hide or change its methods (JAX arrays have no
# .backward) without the engine, the renderer or the checks noticing


def set_requires_grad(x, requires_grad=True):
    """``x.requires_grad_(requires_grad)``: mark a leaf as a value to differentiate."""
    if requires_grad and not np.issubdtype(x.dtype, np.floating):
        messages = x._messages
        advice = messages.text("dtype_advice")
        raise messages.error(DtypeError, "requires_grad_dtype", dtype=x.dtype, advice=advice)
    if x._op is not None and not requires_grad:
        raise x._messages.error(BackwardError, "requires_grad_off")
    x.requires_grad = builtins.bool(requires_grad)
    return x


def backward(root, gradient=None, retain_graph=False, create_graph=False):
    """``root.backward(...)`` as the engine runs it, for any flavour of tensor."""
    seed = root._backward_seed(gradient)
    trace, _ = graph.run_backward(
        root, seed, retain_graph=retain_graph, create_graph=create_graph, write=root._grad_write
    )
    root._trace = trace
    # av.draw(z) after z.sum().backward() must find this pass, though the
    # sum was a temporary the user never held: the engine remembers it
    graph.remember_last(root, trace)


def detach(x):
    """The same value with no history: gradients stop here."""
    t = type(x)._plain(x.data)
    t._note = ("detach", x)
    return t


def astype(x, dtype):
    """``x`` in ``dtype``, recorded between floating-point dtypes (see Tensor.astype)."""
    dtype = np.dtype(dtype)
    if dtype == x.data.dtype:
        return identity(x) if x.requires_grad else x
    if dtype.kind == "f" and x.data.dtype.kind == "f":
        return apply(ops.cast, x, dtype=dtype)
    return type(x)._plain(np.asarray(x.data).astype(dtype))


def identity(x):
    """The value of ``x`` as a new node computed from it (recorded when ``x``
    needs a gradient, carrying its tangents): see ops.identity."""
    return _apply1(ops.identity, x)


def as_class(x, cls, dtype=None):
    """``x`` as a tensor of flavour ``cls`` (and ``dtype``, if given).  A value
    a differentiation follows becomes one recorded node computed from it (an
    identity, or a cast when the dtype changes), so gradients and tangents
    still reach ``x``; any other is wrapped as it is."""
    dtype = x.data.dtype if dtype is None else np.dtype(dtype)
    if type(x) is cls and dtype == x.data.dtype:
        return x
    if not graph.tracked(x):
        data = np.asarray(x.data)
        data = data if dtype == data.dtype else data.astype(dtype)
        return cls._plain(data if data.ndim else data[()])
    if dtype == x.data.dtype:
        return _output(cls, x.data, ops.identity, (x,), None, x.requires_grad)
    data = np.asarray(x.data).astype(dtype)
    return _output(
        cls, data if data.ndim else data[()], ops.cast, (x,), {"dtype": dtype}, x.requires_grad
    )


# ------------------------------------------------------------------ grad mode


@contextmanager
def no_grad():
    """Compute without recording: nothing inside can be differentiated."""
    prev = STATE.grad_enabled
    STATE.grad_enabled = False
    try:
        yield
    finally:
        STATE.grad_enabled = prev


@contextmanager
def enable_grad():
    prev = STATE.grad_enabled
    STATE.grad_enabled = True
    try:
        yield
    finally:
        STATE.grad_enabled = prev


# ------------------------------------------------------------------ the table's forms


def _function_form(prim, name):
    """The engine's function of ``prim``, written here once for each kind of
    primitive (elementwise of one or two inputs, a reduction over axis);
    any other takes its tensors and parameters as apply() does."""
    if prim.elementwise and prim.arity == 1:

        def form(x):
            return _apply1(prim, x if isinstance(x, Tensor) else Tensor(x))

    elif prim.elementwise and prim.arity == 2:

        def form(a, b, **params):
            # params: the op's own (maximum's ties=)
            return apply(
                prim,
                a if isinstance(a, Tensor) or isinstance(b, Tensor) else Tensor(a),
                b,
                **params,
            )

    elif prim.axes:

        def form(x, axis=None, keepdims=False, **params):
            # params: a reduction's own (max's ties=)
            return apply(prim, _lift(x), axis=_axis(axis), keepdims=keepdims, **params)

    elif prim.function is None:

        def form(*args, **params):
            return apply(prim, *args, **params)

    else:
        raise TypeError(
            f"primitive {prim.name!r} declares function={prim.function!r}, but only an "
            f"elementwise op or a reduction over axis gets its function written from the "
            f"table: write def {prim.function}(...) by hand in engine/tensor.py"
        )
    form.__name__ = form.__qualname__ = name
    form.__doc__ = f"{prim.formula}; local derivative {', '.join(prim.rules)}."
    return form


def _method_form(prim, function):
    if prim.elementwise and prim.arity == 1:

        def method(self):
            return _apply1(prim, self)

    else:

        def method(self, *args, **kwargs):
            return function(self, *args, **kwargs)

    method.__name__ = method.__qualname__ = prim.method
    method.__doc__ = function.__doc__
    return method


def _forms():
    """The engine's function and method forms of every primitive
    (ops.Primitive.function, .method): the hand-written ones as they are,
    the others written by _function_form.  FUNCTIONS maps every primitive
    to its function (the internal ones too), for the dialects to wrap."""
    space = globals()
    functions = {}
    for prim in ops.REGISTRY.values():
        if prim.function is not None:
            if prim.function not in space:
                space[prim.function] = _function_form(prim, prim.function)
            function = space[prim.function]
        elif prim.name in space:  # internal and hand-written (identity)
            function = space[prim.name]
        else:
            function = _function_form(prim, prim.name)
        functions[prim.name] = function
        if prim.method and prim.method not in Tensor.__dict__:
            setattr(Tensor, prim.method, _method_form(prim, function))
    return functions


FUNCTIONS = _forms()

# ------------------------------------------------------------------ F for VJPs


def _constant_like(x, data):
    """A constant a recorded VJP uses, of x's flavour (so the gradient, and a
    tangent computed from it, keep the flavour of what they differentiate)."""
    return (type(x) if isinstance(x, Tensor) else Tensor)._plain(data)


def _as_numpy(x):
    """Tensors in ``x`` (nested in lists, tuples and dicts) as numpy arrays."""
    if isinstance(x, Tensor):
        return np.asarray(x)
    if isinstance(x, (list, tuple)):
        return type(x)(_as_numpy(v) for v in x)
    if isinstance(x, dict):
        return {k: _as_numpy(v) for k, v in x.items()}
    return x


class _TensorNamespace:
    """``F`` for create_graph=True: the same names as ops.NUMPY, recorded
    (exp, log, sin, cos, sqrt and sum are the engine's forms, set below)."""

    reshape = staticmethod(reshape)
    broadcast_to = staticmethod(broadcast_to)
    transpose = staticmethod(transpose)

    @staticmethod
    def shape(x):
        return x.shape if isinstance(x, Tensor) else np.shape(x)

    @staticmethod
    def ones_like(x):
        return _constant_like(x, np.ones_like(as_plain(x)))

    @staticmethod
    def apply(prim, *args, **params):
        return apply(prim, *[_lift(a) for a in args], **params)

    @staticmethod
    def ndim(x):
        return x.ndim if isinstance(x, Tensor) else np.ndim(x)

    @staticmethod
    def sign(x):
        # the derivative of sign is zero, so a constant is exact
        return _constant_like(x, np.sign(as_plain(x)))

    @staticmethod
    def where_positive(x, g):
        # recorded as g times a constant mask, so it is differentiable in g
        mask = (np.asarray(as_plain(x)) > 0).astype(np.asarray(as_plain(g)).dtype)
        return _lift(g) * Tensor._plain(mask)

    @staticmethod
    def equal_mask(x, y):
        return _constant_like(x, ops.NUMPY.equal_mask(as_plain(x), as_plain(y)))

    @staticmethod
    def pow_base(a, b):
        # recorded as a·m + (1 − m) with the constant mask m = (b ≠ 0), so its
        # derivative is 0 where b is 0 at every order (see ops.pow)
        zero = np.asarray(as_plain(b)) == 0
        if not zero.any():
            return a
        a = _lift(a)
        keep = np.logical_not(zero).astype(a.data.dtype)
        return a * Tensor._plain(keep) + Tensor._plain(1 - keep)

    @staticmethod
    def value(x):
        return np.asarray(as_plain(x))

    @staticmethod
    def log_safe(x):
        x = _lift(x)
        safe = Tensor._plain(np.where(np.asarray(x.data) > 0, 0.0, 1.0))
        return _apply1(ops.log, x * (1 - safe) + safe)

    @staticmethod
    def getitem(x, index):
        return _lift(x)[index]

    @staticmethod
    def cast(x, dtype):
        return apply(ops.cast, _lift(x), dtype=np.dtype(dtype))

    @staticmethod
    def dtype(x):
        return np.asarray(as_plain(x)).dtype

    @staticmethod
    def unindex(g, index, shape):
        return apply(ops.unindex, _lift(g), index=index, shape=shape)


for _name in ("exp", "log", "sin", "cos", "sqrt", "sum", "prod", "einsum"):
    setattr(_TensorNamespace, _name, staticmethod(FUNCTIONS[_name]))

TENSOR_NS = graph.RECORDING_NS = _TensorNamespace()
