"""The JAX dialect's array: an engine Tensor with JAX's types and manners.

What JAX users see and this class reproduces:

* float32 and int32 by default (JAX without x64): no 64-bit dtypes at all;
* *weak types*: a Python number is "weakly typed", it takes the dtype of
  the array it meets (``x * 2.5`` stays float16 for a float16 ``x``) and an
  array made from one prints ``weak_type=True``;
* JAX's promotion lattice, which differs from numpy's (int32 + float32 is
  float32, not float64);
* immutability: ``x[0] = 1`` is a TypeError, ``x.at[0].set(1)`` the way;
* no tape: there is no ``.grad`` and no ``.backward()``, derivatives come
  from function transforms (``jax.grad``).

The derivatives are the engine's: every op here ends in an engine op, so
the transforms, the renderer and forward mode see ordinary Tensors.
"""

from __future__ import annotations

import numbers

import numpy as np

import autograd_viz as av

from .._dialect_messages import JAX
from ..engine import ops
from ..engine.graph import Node
from ..engine.graph import tracked as _tracked
from ..engine.tensor import FUNCTIONS, apply, as_class
from ..engine.tensor import astype as _astype
from ..engine.tensor import compare as _compare
from ..engine.tensor import getitem as _getitem
from ..engine.tensor import reshape as _reshape
from ..engine.tensor import transpose as _transpose

_GRAD_SLOT = Node.grad

# ------------------------------------------------------------------ dtypes

_CANONICAL = {
    np.dtype(np.float64): np.dtype(np.float32),
    np.dtype(np.int64): np.dtype(np.int32),
    np.dtype(np.uint64): np.dtype(np.uint32),
    np.dtype(np.complex128): np.dtype(np.complex64),
}
FLOAT, INT, BOOL = np.dtype(np.float32), np.dtype(np.int32), np.dtype(np.bool_)
# bool < integers < floats < complex: a weak value of a lower kind takes the
# dtype of the strong one it meets; of a higher kind it wins, staying weak
_KIND_RANK = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}
_KIND_DEFAULT = {0: BOOL, 1: INT, 2: FLOAT, 3: np.dtype(np.complex64)}


def canonical(dtype):
    """The dtype JAX (without x64) uses for ``dtype``: 64-bit types become 32-bit."""
    dtype = np.dtype(dtype)
    return _CANONICAL.get(dtype, dtype)


def _rank(dtype):
    return _KIND_RANK[dtype.kind]


def result_type(a, b):
    """(dtype, weak) of a binary op between Arrays ``a`` and ``b``, by JAX's rules."""
    da, db = a.data.dtype, b.data.dtype
    wa, wb = a._weak, b._weak
    if wa != wb:
        strong, weak = (b, a) if wa else (a, b)
        if _rank(weak.data.dtype) <= _rank(strong.data.dtype):
            return strong.data.dtype, False
        return _KIND_DEFAULT[_rank(weak.data.dtype)], True
    if _rank(da) != _rank(db):  # int + float16 is float16, not float64
        return (da if _rank(da) > _rank(db) else db), wa
    return canonical(np.result_type(da, db)), wa


# ------------------------------------------------------------------ the array

# the engine's operators, which record
_add, _sub, _mul, _div, _pow, _neg, _abs = (
    FUNCTIONS[name] for name in ("add", "sub", "mul", "div", "pow", "neg", "abs")
)


class Array(av.Tensor):
    """A JAX-flavoured engine array: ``Array([0., 1., 2., 3.], dtype=float32)``."""

    _default_float = np.float32
    _weak = False  # set per instance for values made from Python numbers
    _messages = JAX  # the engine's errors in JAX's words
    _numpy_methods = True  # np.mean(x) calls x.mean(axis=..., out=None): a JAX array

    # -- what JAX arrays do not have: a tape --------------------------------
    # A user asking for x.grad or x.backward() gets an AttributeError that
    # points at jax.grad (a property that raises hands over to __getattr__,
    # which words it: see _MISSING).  The package itself still uses the
    # engine's tape on JAX arrays (av.draw(f, x) records f and runs a reverse
    # pass): it calls av.Tensor's methods and keeps the gradient in the slot
    # (graph.grad_of), which these properties do not hide.
    @property
    def grad(self):
        raise AttributeError("grad")

    @grad.setter
    def grad(self, value):
        _GRAD_SLOT.__set__(self, value)

    def __getattr__(self, attr):
        # only reached for names the class does not have (or hides, see _MISSING)
        if attr.startswith("_"):
            raise AttributeError(attr)
        hint = _MISSING.get(attr)
        if hint is None:
            raise JAX.error(AttributeError, "no_attribute", attr=repr(attr))
        key, fields = hint
        raise JAX.error(AttributeError, "hidden_attribute", attr=attr, hint=JAX.text(key, **fields))

    # -- immutability -----------------------------------------------------------
    def __setitem__(self, index, value):
        i, v = _index_text(index), _value_text(value)
        raise JAX.error(TypeError, "immutable", i=i, v=v)

    @property
    def at(self):
        """``x.at[index].set(v)`` and friends: a new array with those entries changed."""
        return _IndexUpdateHelper(self)

    # -- inspection -------------------------------------------------------------
    @property
    def weak_type(self):
        return self._weak

    def __repr__(self):
        return format_array(self.data, self._weak)

    def __str__(self):
        return str(np.asarray(self.data))

    def __format__(self, spec):
        data = np.asarray(self.data)
        return format(data if data.ndim else data[()], spec)

    def item(self):
        return np.asarray(self.data).item()

    def astype(self, dtype):
        out = _astype(self, canonical(_dtype(dtype)))
        return _mark(out, False)

    def block_until_ready(self):
        return self  # nothing runs asynchronously here

    # -- operators: JAX's promotion, then the engine's op -----------------------
    def __add__(self, other):
        return binary(_add, self, other)

    def __radd__(self, other):
        return binary(_add, other, self)

    def __sub__(self, other):
        return binary(_sub, self, other)

    def __rsub__(self, other):
        return binary(_sub, other, self)

    def __mul__(self, other):
        return binary(_mul, self, other)

    def __rmul__(self, other):
        return binary(_mul, other, self)

    def __truediv__(self, other):
        return binary(_div, self, other, to_float=True)

    def __rtruediv__(self, other):
        return binary(_div, other, self, to_float=True)

    def __pow__(self, other):
        return binary(_pow, self, other)

    def __rpow__(self, other):
        return binary(_pow, other, self)

    def __matmul__(self, other):
        return binary(av.matmul, self, other, weak_ok=False)

    def __rmatmul__(self, other):
        return binary(av.matmul, other, self, weak_ok=False)

    # x += 1 rebinds x to a new array, as it does in JAX
    __iadd__, __isub__, __imul__, __itruediv__ = __add__, __sub__, __mul__, __truediv__

    def __neg__(self):
        return _keep_weak(_neg(self), self)

    def __abs__(self):
        return _keep_weak(_abs(self), self)

    def _compared(self, ufunc, other):
        return compare(ufunc, self, other)  # JAX's promotion first

    __hash__ = None  # unhashable, like JAX arrays

    def __getitem__(self, index):
        return _keep_weak(_getitem(self, index), self)

    # -- methods ----------------------------------------------------------------
    # out=: numpy's reductions pass it (np.mean(x) is x.mean(axis=None,
    # dtype=None, out=None)); JAX takes None and refuses anything else
    def sum(self, axis=None, keepdims=False, dtype=None, out=None):
        return reduction(av.sum, self, axis, keepdims, dtype, _no_out(out, "sum"))

    def mean(self, axis=None, keepdims=False, dtype=None, out=None):
        return reduction(av.mean, _floating(self), axis, keepdims, dtype, _no_out(out, "mean"))

    def max(self, axis=None, keepdims=False, out=None):
        return reduction(av.max, self, axis, keepdims, None, _no_out(out, "max"))

    def min(self, axis=None, keepdims=False, out=None):
        return reduction(av.min, self, axis, keepdims, None, _no_out(out, "min"))

    def prod(self, axis=None, keepdims=False, dtype=None, out=None):
        return reduction(av.prod, self, axis, keepdims, dtype, _no_out(out, "prod"))

    def std(self, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
        from ..more.jax_numpy import std

        return std(self, axis, dtype, _no_out(out, "std"), ddof, keepdims)

    def var(self, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
        from ..more.jax_numpy import var

        return var(self, axis, dtype, _no_out(out, "var"), ddof, keepdims)

    # -- numpy's functions: a traced value is refused (JAX's rule), others
    # are handed over as numpy arrays (np.exp(x) is a numpy array)
    def _to_numpy_check(self):
        if _tracked(self):  # a gradient asked for, or a tangent carried
            shape = f"{self.data.dtype}{list(self.shape)}".replace(" ", "")
            raise JAX.error(TypeError, "numpy_traced", shape=shape)

    def dot(self, other):
        from .numpy import dot

        return dot(self, other)

    def reshape(self, *shape, order="C"):
        return _keep_weak(_reshape(self, shape[0] if len(shape) == 1 else shape), self)

    def transpose(self, *axes):
        return _keep_weak(_transpose(self, axes[0] if len(axes) == 1 else (axes or None)), self)

    @property
    def T(self):
        return _keep_weak(av.transpose(self), self)

    def ravel(self):
        return self.reshape(-1)

    def flatten(self):
        return self.reshape(-1)

    def squeeze(self, axis=None):
        return self.reshape(np.squeeze(np.empty(self.shape, dtype=np.bool_), axis).shape)


# what a PyTorch or MXNet habit reaches for, and what JAX offers instead: the
# key of a hint in the JAX catalogue, and its fields
_MISSING = {
    name: ("hint_no_tape", {})
    for name in ("grad", "backward", "requires_grad_", "zero_", "retain_grad", "attach_grad")
}
_MISSING["detach"] = ("hint_detach", {})
# (and the engine's methods of primitives JAX arrays lack: jax/_primitives.py)


def hide(name, hint, **fields):
    """Hide the engine's method ``name`` from JAX arrays (see Array.grad): a
    user gets an AttributeError with the hint (a key of the JAX catalogue and
    its ``fields``); the package calls the engine's functions, which this does
    not hide."""

    def missing(self):
        raise AttributeError(name)

    _MISSING[name] = (hint, fields)
    if name != "grad":
        setattr(Array, name, property(missing))


for _name, (_hint, _fields) in list(_MISSING.items()):
    hide(_name, _hint, **_fields)
del _name, _hint, _fields


# ------------------------------------------------------------------ lifting


def _dtype(dtype):
    """A numpy dtype from jnp.float32, np.float32, 'float32', float, int, bool."""
    if dtype is float:
        return FLOAT
    if dtype is int:
        return INT
    if dtype is bool:
        return BOOL
    inner = getattr(dtype, "dtype", None)  # jnp.float32 carries its numpy dtype
    return inner if isinstance(inner, np.dtype) else np.dtype(dtype)


def _mark(array, weak):
    if weak:
        array._weak = True
    elif array.__dict__.get("_weak"):
        del array.__dict__["_weak"]
    return array


def _keep_weak(out, like):
    return _mark(out, like._weak) if like._weak else out


def tracked(x):
    """Whether a transform is following ``x`` (see graph.tracked); shortcuts
    that compute a result straight with numpy are only taken for untracked values."""
    return isinstance(x, av.Tensor) and _tracked(x)


def is_python_scalar(x):
    return isinstance(x, (bool, int, float, complex)) and not isinstance(x, np.generic)


def lift(x, dtype=None):
    """``x`` as an Array.  Python numbers become weakly typed arrays; numpy
    data and lists take canonical (32-bit) dtypes; Arrays pass through."""
    if isinstance(x, Array) and dtype is None:
        return x
    if isinstance(x, av.Tensor) and dtype is None:
        # another flavour's tensor (a core tensor a checker made): with
        # history, an Array computed from it (a recorded identity, or a cast
        # to JAX's 32 bits), so gradients and tangents still reach it
        return as_class(x, Array, canonical(x.data.dtype))
    if dtype is not None:
        data = np.asarray(as_numpy(x))
        if data.dtype.kind in "OUSV":
            raise JAX.error(TypeError, "not_numbers", x=repr(x))
        return Array._plain(np.array(data, dtype=canonical(_dtype(dtype))))
    if is_python_scalar(x):
        data = np.asarray(x)
        out = Array._plain(_canonical_data(data))
        # a Python bool is not weak in JAX; ints, floats and complexes are
        return _mark(out, not isinstance(x, bool))
    try:
        data = np.array(x)
    except ValueError:
        raise JAX.error(av.ShapeError, "ragged") from None
    if data.dtype.kind in "OUSV":
        raise JAX.error(TypeError, "not_numbers_type", type=type(x).__name__, x=repr(x))
    if isinstance(x, (list, tuple)) and data.dtype.kind == "f":
        data = data.astype(FLOAT)
    return Array._plain(_canonical_data(data))


def as_numpy(x):
    if isinstance(x, av.Tensor):
        return np.asarray(x.data)
    if isinstance(x, (list, tuple)):
        return (
            np.array([as_numpy(v) for v in x])
            if x and any(isinstance(v, av.Tensor) for v in x)
            else np.array(x)
        )
    return x


def _canonical_data(data):
    data = np.asarray(data)
    target = canonical(data.dtype)
    return data if target == data.dtype else data.astype(target)


def _cast(x, dtype):
    """``x`` in ``dtype``; between floats this is recorded, so gradients flow."""
    if x.data.dtype == dtype:
        return x
    return _keep_weak(_astype(x, dtype), x)


def _floating(x):
    """An integer or boolean array as float32 (what JAX computes exp(3) in)."""
    if x.data.dtype.kind in "biu":
        return _keep_weak(Array._plain(np.asarray(x.data).astype(FLOAT)), x)
    return x


def _finish(out, weak):
    """Canonical dtype (numpy may have widened an integer sum) and weak flag."""
    if isinstance(out, Array):
        data = np.asarray(out.data)
        target = canonical(data.dtype)
        if target != data.dtype:
            converted = data.astype(target)
            out.data = converted if converted.ndim else converted[()]
        _mark(out, weak)
    return out


# JAX computes 1/0, log(0) and overflow to inf or nan without a word; so do we
QUIET = dict(divide="ignore", invalid="ignore", over="ignore")


def binary(fn, a, b, to_float=False, weak_ok=True):
    """``fn(a, b)`` after JAX's type promotion of the two operands."""
    a, b = lift(a), lift(b)
    dtype, weak = result_type(a, b)
    if to_float and dtype.kind in "biu":
        dtype = FLOAT
    a, b = _cast(a, dtype), _cast(b, dtype)
    if to_float or fn is _pow:
        with np.errstate(**QUIET):
            return _finish(fn(a, b), weak and weak_ok)
    return _finish(fn(a, b), weak and weak_ok)


def compare(ufunc, a, b):
    a, b = lift(a), lift(b)
    dtype, weak = result_type(a, b)
    a, b = _cast(a, dtype), _cast(b, dtype)
    out = _compare(ufunc, a, b)
    return _mark(Array._plain(np.asarray(out.data)), weak)


def unary(fn, x):
    """An elementwise function that needs floats (exp, log, ...): ints become float32."""
    x = _floating(lift(x))
    with np.errstate(**QUIET):
        return _finish(fn(x), x._weak)


def _no_out(out, name):
    if out is not None:
        raise JAX.error(NotImplementedError, "out_unsupported", name=name)
    return None


def reduction(fn, x, axis=None, keepdims=False, dtype=None, out=None):
    x = lift(x)
    if dtype is not None:
        x = _cast(x, canonical(_dtype(dtype)))
    if isinstance(axis, list):
        axis = tuple(axis)
    return _finish(fn(x, axis=axis, keepdims=keepdims), False)


def constant(data, weak=False):
    """A new Array (no history) around numpy ``data``."""
    return _mark(Array._plain(_canonical_data(data)), weak)


# ------------------------------------------------------------------ printing


def format_array(data, weak=False):
    """The text JAX prints for an array of these values."""
    arr = np.asarray(data)
    prefix = "Array("
    dtype_text = f"dtype={arr.dtype.name}" + (", weak_type=True" if weak else "")
    width = np.get_printoptions()["linewidth"]
    if arr.size == 0:
        body = f"[], shape={arr.shape}"
    else:
        body = np.array2string(arr, max_line_width=width, separator=", ", prefix=prefix, suffix=",")
    # JAX keeps the dtype on the last line, padding it by the prefix's width
    # when the line is too full (it never breaks the line there)
    last_line = len(body) - body.rfind("\n") + 1
    gap = " " if last_line + len(dtype_text) + 2 <= width else " " * len(prefix)
    return f"{prefix}{body},{gap}{dtype_text})"


def _index_text(index):
    """The index as it is written between brackets: 0, 1:3, ..., (0, 1)."""

    def one(i):
        if isinstance(i, slice):
            parts = ["" if p is None else str(p) for p in (i.start, i.stop, i.step)]
            return ":".join(parts[:2] if i.step is None else parts)
        if i is Ellipsis:
            return "..."
        if i is None:
            return "None"
        if isinstance(i, av.Tensor):
            return "idx"
        return repr(i)

    if isinstance(index, tuple):
        return ", ".join(one(i) for i in index) if index else "()"
    return one(index)


def _value_text(value):
    if isinstance(value, (numbers.Number, np.generic)) and not isinstance(value, bool):
        return repr(value.item() if isinstance(value, np.generic) else value)
    if isinstance(value, bool):
        return repr(value)
    return "v"


# ------------------------------------------------------------------ x.at[...]


class _IndexUpdateHelper:
    """What ``x.at`` is: indexing it gives the updates of those entries."""

    __slots__ = ("array",)

    def __init__(self, array):
        self.array = array

    def __getitem__(self, index):
        return _IndexUpdateRef(self.array, index)

    def __repr__(self):
        return f"_IndexUpdateHelper({self.array!r})"


class _IndexUpdateRef:
    """``x.at[index]``: each method returns a new array; ``x`` is unchanged.

    Each update is built from engine ops (indexing, its transpose the
    scatter-add, and arithmetic with a constant 0/1 mask), so it is
    differentiable with respect to both ``x`` and the new values."""

    __slots__ = ("array", "index")

    def __init__(self, array, index):
        self.array, self.index = array, index

    def __repr__(self):
        return f"_IndexUpdateRef({self.array!r}, {self.index!r})"

    def get(self, **_):
        return self.array[self.index]

    def _scatter(self, values, fill):
        """(values spread into x's shape, with ``fill`` elsewhere; the 0/1 mask)."""
        x = self.array
        index = _plain_index(self.index)
        picked_shape = np.shape(np.empty(x.shape, dtype=np.bool_)[index])
        values = lift(values)
        dtype, _ = result_type(x, values)
        values = _cast(values, x.data.dtype if dtype != x.data.dtype else dtype)
        if values.shape != picked_shape:
            try:
                values = _keep_weak(av.broadcast_to(values, picked_shape), values)
            except ValueError:
                raise JAX.error(
                    av.ShapeError,
                    "at_broadcast",
                    i=_index_text(self.index),
                    shape=values.shape,
                    picked=picked_shape,
                    x=x.shape,
                ) from None
        mask = np.zeros(x.shape, dtype=x.data.dtype)
        mask[index] = 1
        spread = apply(ops.unindex, values, index=index, shape=x.shape)
        if fill:
            spread = spread + constant(fill * (1 - mask))
        return spread, mask

    def _update(self, how, values):
        """The update as engine ops (for gradients), its output holding the exact
        values numpy gives (x + 0 would turn a −0 that is not updated into +0)."""
        x = self.array
        values = lift(values)
        spread, mask = self._scatter(values, fill=0 if how in ("set", "add") else 1)
        if how == "set":
            out = x * constant(1 - mask) + spread
        elif how == "add":
            out = x + spread
        elif how == "multiply":
            out = x * spread
        elif how == "divide":
            out = x / spread
        else:
            out = x**spread
        exact = np.array(np.asarray(x.data))
        index = _plain_index(self.index)
        new = np.asarray(values.data).astype(exact.dtype)
        if how == "set":
            exact[index] = new
        else:
            ufunc = {
                "add": np.add,
                "multiply": np.multiply,
                "divide": np.divide,
                "power": np.power,
            }[how]
            ufunc.at(exact, index, np.broadcast_to(new, np.shape(exact[index])))
        out.data = exact if exact.ndim else exact[()]
        return _finish(out, x._weak)

    def set(self, values, **_):
        return self._update("set", values)

    def add(self, values, **_):
        return self._update("add", values)

    def subtract(self, values, **_):
        return self._update("add", -lift(values))

    def multiply(self, values, **_):
        return self._update("multiply", values)

    def divide(self, values, **_):
        return self._update("divide", values)

    def power(self, values, **_):
        return self._update("power", values)

    def min(self, values, **_):
        from .numpy import minimum

        return self.set(minimum(self.array[self.index], values))

    def max(self, values, **_):
        from .numpy import maximum

        return self.set(maximum(self.array[self.index], values))


def _plain_index(index):
    if isinstance(index, av.Tensor):
        return np.asarray(index.data)
    if isinstance(index, tuple):
        return tuple(np.asarray(i.data) if isinstance(i, av.Tensor) else i for i in index)
    return index
