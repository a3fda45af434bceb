"""``jax.numpy`` of the JAX dialect: ``from autograd_viz.jax import numpy as jnp``.

Functions take arrays, Python numbers or lists, and return Arrays with
JAX's dtypes (float32 and int32 by default) and weak types.  Every
differentiable one ends in the engine's ops, so ``jax.grad`` and the
renderer see it; the few that have no primitive of their own (maximum,
where, min) are written with a constant mask, which is how their
derivative reads anyway.
"""

from __future__ import annotations

import builtins
import warnings

import numpy as _np

import autograd_viz as _av

from .. import scope as _scope
from .._dialect_messages import JAX
from ..engine.tensor import concatenate as _concatenate
from ..engine.tensor import identity as _identity
from ..engine.tensor import stack as _stack
from . import _array
from ._array import Array, canonical, constant, lift, reduction, tracked, unary

ndarray = Array


class _ScalarType:
    """``jnp.float32`` and friends: a dtype, and a constructor of 0-d arrays."""

    def __init__(self, name, dtype, asked=None):
        self.__name__ = name
        self.dtype = _np.dtype(dtype)
        self._asked = asked  # float64 etc.: what was asked for, for the warning

    def __call__(self, value):
        _warn_if_narrowed(self._asked, self.dtype)
        return lift(value, self.dtype)

    def __repr__(self):
        return f"<class 'autograd_viz.jax.numpy.{self.__name__}'>"

    def __eq__(self, other):
        try:
            return self.dtype == _np.dtype(getattr(other, "dtype", other))
        except TypeError:
            return NotImplemented

    def __hash__(self):
        return hash(self.dtype)


def _warn_if_narrowed(asked, got):
    if asked is not None:
        warnings.warn(JAX.text("narrowed", asked=asked, got=got), UserWarning, stacklevel=3)


float16 = _ScalarType("float16", _np.float16)
float32 = _ScalarType("float32", _np.float32)
float64 = _ScalarType("float64", _np.float32, asked="float64")
int8 = _ScalarType("int8", _np.int8)
int16 = _ScalarType("int16", _np.int16)
int32 = _ScalarType("int32", _np.int32)
int64 = _ScalarType("int64", _np.int32, asked="int64")
uint8 = _ScalarType("uint8", _np.uint8)
uint32 = _ScalarType("uint32", _np.uint32)
bool_ = _ScalarType("bool", _np.bool_)
complex64 = _ScalarType("complex64", _np.complex64)
float_ = float64
int_ = int64

pi, e, inf, nan = _np.pi, _np.e, _np.inf, _np.nan
newaxis = None


def _dtype(dtype):
    if dtype is None:
        return None
    if isinstance(dtype, _ScalarType) and dtype._asked is not None:
        _warn_if_narrowed(dtype._asked, dtype.dtype)
        return dtype.dtype
    asked = _array._dtype(dtype)
    got = canonical(asked)
    if got != asked:
        _warn_if_narrowed(asked.name, got)
    return got


# ------------------------------------------------------------------ creation


def array(object, dtype=None, copy=True):
    """A new array: Python floats give float32, ints int32; a lone Python
    number gives a weakly typed array (it prints ``weak_type=True``)."""
    dtype = _dtype(dtype)
    if isinstance(object, Array) and dtype is None:
        if tracked(object):  # a copy that derivatives pass through
            return _array._keep_weak(_identity(object), object)
        return constant(_np.array(object.data), object._weak)
    if isinstance(object, (list, tuple)) and builtins.any(tracked(v) for v in _leaves(object)):
        return (
            stack([array(v) for v in object])
            if dtype is None
            else stack([array(v) for v in object]).astype(dtype)
        )
    return lift(_array.as_numpy(object) if dtype is not None else object, dtype)


def asarray(a, dtype=None):
    if isinstance(a, Array) and (dtype is None or _np.dtype(_dtype(dtype)) == a.dtype):
        return a
    return array(a, dtype)


def _leaves(seq):
    for v in seq:
        if isinstance(v, (list, tuple)):
            yield from _leaves(v)
        else:
            yield v


def arange(start, stop=None, step=None, dtype=None):
    """Integers (int32) from integer arguments, float32 as soon as one is a float."""
    args = [a for a in (start, stop, step) if a is not None]
    args = [a.item() if isinstance(a, _av.Tensor) else a for a in args]
    return constant(_np.arange(*args, dtype=_dtype(dtype)))


def linspace(start, stop, num=50, endpoint=True, dtype=None):
    data = _np.linspace(start, stop, num, endpoint=endpoint)
    return constant(data.astype(_dtype(dtype) or _array.FLOAT))


def _shape(shape):
    return (shape,) if isinstance(shape, int) else tuple(shape)


def zeros(shape, dtype=None):
    return constant(_np.zeros(_shape(shape), dtype=_dtype(dtype) or _array.FLOAT))


def ones(shape, dtype=None):
    return constant(_np.ones(_shape(shape), dtype=_dtype(dtype) or _array.FLOAT))


def full(shape, fill_value, dtype=None):
    fill = lift(fill_value)
    return constant(
        _np.full(_shape(shape), _np.asarray(fill.data), dtype=_dtype(dtype) or fill.dtype),
        fill._weak and dtype is None,
    )


def eye(N, M=None, k=0, dtype=None):
    return constant(_np.eye(N, M, k, dtype=_dtype(dtype) or _array.FLOAT))


def zeros_like(a, dtype=None):
    a = lift(a)
    return constant(_np.zeros(a.shape, dtype=_dtype(dtype) or a.dtype), a._weak)


def ones_like(a, dtype=None):
    a = lift(a)
    return constant(_np.ones(a.shape, dtype=_dtype(dtype) or a.dtype), a._weak)


def full_like(a, fill_value, dtype=None):
    a = lift(a)
    return constant(_np.full(a.shape, fill_value, dtype=_dtype(dtype) or a.dtype), a._weak)


# ------------------------------------------------------------------ elementwise


# exp, log, sin, cos, tanh, sqrt, sum and max are made from the engine's
# (jax/_primitives.py)


def tan(x):
    return unary(_av.sin, x) / unary(_av.cos, x)


def abs(x):
    """|x|; at exactly 0 JAX's derivative is +1 (PyTorch's, the engine's, is 0),
    so where a tracked x holds a zero, |x| is x times the constant sign it takes."""
    x = lift(x)
    if x.dtype.kind == "b":
        return x
    if tracked(x) and _np.any(_np.asarray(x.data) == 0):
        sign = _np.where(_np.asarray(x.data) >= 0, 1, -1).astype(x.dtype)
        return _array._keep_weak(x * constant(sign), x)
    return _array._keep_weak(_av.abs(x), x)


absolute = abs


def negative(x):
    return -lift(x)


def square(x):
    x = lift(x)
    return x * x


def power(x, y):
    return lift(x) ** y


def add(x, y):
    return lift(x) + y


def subtract(x, y):
    return lift(x) - y


def multiply(x, y):
    return lift(x) * y


def divide(x, y):
    return lift(x) / y


true_divide = divide


def sign(x):
    x = lift(x)
    return constant(_np.sign(_np.asarray(x.data)), x._weak)


def _pair(a, b):
    a, b = lift(a), lift(b)
    dtype, weak = _array.result_type(a, b)
    return _array._cast(a, dtype), _array._cast(b, dtype), weak


def where(condition, x=None, y=None):
    """Entries of x where condition holds, of y elsewhere; gradients follow the choice."""
    if x is None and y is None:
        return tuple(constant(i) for i in _np.nonzero(_np.asarray(_array.as_numpy(condition))))
    x, y, weak = _pair(x, y)
    return _array._finish(_av.where(_array.as_numpy(condition), x, y), weak)


def einsum(subscripts, *operands, **_):
    """Einstein summation (``"ij,jk->ik"``), one op, in the operands' common dtype."""
    arrays = [lift(x) for x in operands]
    if len(arrays) > 1:
        dtype = arrays[0].dtype
        for a in arrays[1:]:
            dtype, _ = _array.result_type(_array.constant(_np.zeros((), dtype)), a)
        arrays = [_array._cast(a, dtype) for a in arrays]
    return _array._finish(_av.einsum(subscripts, *arrays), False)


def clip(x, min=None, max=None):
    """maximum(x, min) then minimum(·, max), as JAX writes it: at a bound the
    gradient is shared half and half (maximum's tie)."""
    if min is not None:
        x = _array.binary(_av.maximum, x, min)
    if max is not None:
        x = _array.binary(_av.minimum, x, max)
    return x


# ------------------------------------------------------------------ reductions


def mean(a, axis=None, keepdims=False, dtype=None):
    return lift(a).mean(axis=axis, keepdims=keepdims, dtype=dtype)


def argmax(a, axis=None):
    return constant(_np.argmax(_np.asarray(lift(a).data), axis=axis))


def argmin(a, axis=None):
    return constant(_np.argmin(_np.asarray(lift(a).data), axis=axis))


def all(a, axis=None):
    return constant(_np.all(_np.asarray(lift(a).data), axis=axis))


def any(a, axis=None):
    return constant(_np.any(_np.asarray(lift(a).data), axis=axis))


# ------------------------------------------------------------------ linear algebra


def dot(a, b):
    """Vectors: the inner product; a scalar: a product; otherwise matmul."""
    a, b = lift(a), lift(b)
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    return _array.binary(_av.dot, a, b, weak_ok=False)


def vdot(a, b):
    return dot(reshape(a, -1), reshape(b, -1))


def matmul(a, b):
    a, b = lift(a), lift(b)
    if a.ndim == 0 or b.ndim == 0:
        raise JAX.error(ValueError, "matmul_scalar", a=a.shape, b=b.shape, k=int(a.ndim != 0))
    return a @ b


def inner(a, b):
    return dot(a, b)


def outer(a, b):
    return reshape(a, (-1, 1)) * reshape(b, (1, -1))


class _Linalg:
    """``jnp.linalg``: the vector norm."""

    @staticmethod
    def norm(x, ord=None, axis=None, keepdims=False):
        """The 2-norm (Frobenius for matrices); with ``axis``, along those axes."""
        x = _array._floating(lift(x))
        if ord not in (None, 2, "fro"):
            raise JAX.error(NotImplementedError, "norm_ord", ord=repr(ord))
        if axis is None and not keepdims:
            return _array._finish(_av.norm(x), False)
        return unary(_av.sqrt, reduction(_av.sum, x * x, axis, keepdims))

    def __repr__(self):
        return "<module 'autograd_viz.jax.numpy.linalg'>"


linalg = _Linalg()


# ------------------------------------------------------------------ shape


def reshape(a, shape=None, order="C", *, newshape=None):
    shape = newshape if shape is None else shape
    return lift(a).reshape(shape)


def transpose(a, axes=None):
    return lift(a).transpose(axes) if axes is not None else lift(a).T


def ravel(a):
    return lift(a).reshape(-1)


def shape(a):
    return lift(a).shape


def ndim(a):
    return lift(a).ndim


def size(a):
    return lift(a).size


def expand_dims(a, axis):
    a = lift(a)
    return a.reshape(_np.expand_dims(_np.empty(a.shape, dtype=bool), axis).shape)


def squeeze(a, axis=None):
    return lift(a).squeeze(axis)


def stack(arrays, axis=0):
    """Join arrays along a new axis; differentiable in each of them."""
    arrays = [lift(a) for a in arrays]
    if not arrays:
        raise JAX.error(ValueError, "stack_empty")
    first = arrays[0]
    for i, a in enumerate(arrays):
        if a.shape != first.shape:
            raise JAX.error(_av.ShapeError, "stack_shapes", i=i, shape=a.shape, first=first.shape)
    dtype = first.dtype
    weak = builtins.all(a._weak for a in arrays)
    for a in arrays[1:]:
        dtype, _ = _array.result_type(constant(_np.zeros((), dtype)), a)
    arrays = [_array._cast(a, dtype) for a in arrays]
    ndim_out = first.ndim + 1
    if not -ndim_out <= axis < ndim_out:
        raise JAX.error(_av.ShapeError, "stack_axis", axis=axis, shape=first.shape, ndim=ndim_out)
    return _array._mark(_stack(arrays, axis % ndim_out), weak)


def concatenate(arrays, axis=0):
    arrays = [lift(a) for a in arrays]
    if not arrays:
        raise JAX.error(ValueError, "concat_empty")
    first = arrays[0]
    if first.ndim == 0:
        raise JAX.error(ValueError, "concat_scalar")
    axis %= first.ndim
    return _concatenate(arrays, axis)


# ------------------------------------------------------------------ comparing


def allclose(a, b, rtol=1e-05, atol=1e-08):
    return constant(
        _np.asarray(
            _np.allclose(_array.as_numpy(lift(a)), _array.as_numpy(lift(b)), rtol=rtol, atol=atol)
        )
    )


def array_equal(a, b):
    return constant(
        _np.asarray(_np.array_equal(_array.as_numpy(lift(a)), _array.as_numpy(lift(b))))
    )


def isnan(x):
    return constant(_np.isnan(_np.asarray(lift(x).data)))


def isfinite(x):
    return constant(_np.isfinite(_np.asarray(lift(x).data)))


def equal(a, b):
    return lift(a) == b


def greater(a, b):
    return lift(a) > b


def less(a, b):
    return lift(a) < b


# the names built in autograd_viz/more, and the error for the rest
_scope.complete(globals(), "jax", "jax.numpy")
