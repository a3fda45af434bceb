"""The PyTorch dialect: ``import autograd_viz.torch as torch``.

The chapter's PyTorch cells run unchanged on the engine.  The engine already
follows PyTorch's rules (``.grad`` starts as None and accumulates, backward on
a non-scalar needs ``gradient=``, a freed graph cannot be walked twice), so
this module only adds PyTorch's names, float32 as the default float, and
PyTorch's way of printing: ``tensor(28., grad_fn=<MulBackward0>)``.
"""

from __future__ import annotations

import builtins
from collections import namedtuple
from types import SimpleNamespace

import numpy as np

import autograd_viz as av
from .engine import ops
from ._dialect import (DTypes, as_gradient, convert_float, fresh, lift, lifting, np_dtype,
                       shape_arg)
from .engine.tensor import apply

_IMPORTED = set(globals())     # what the message for a missing name leaves out

_dtype_of = DTypes("torch")
_PLAIN_DTYPES = (np.dtype(np.float32), np.dtype(np.int64), np.dtype(np.bool_))


class Tensor(av.Tensor):
    """A torch-flavoured engine tensor (float32 by default)."""

    _default_float = np.float32
    _dtype_advice = ("Create it as floats, e.g. torch.arange(4.0) or "
                     "torch.tensor(..., dtype=torch.float32), or convert with x.float()")

    @property
    def dtype(self):
        return _dtype_of(self.data.dtype)

    @property
    def grad_fn(self):
        """The op that made this value, named as PyTorch names its backward."""
        return None if self._op is None else _GradFn(self._op)

    @property
    def size(self):
        # the engine reads x.size as the number of elements; PyTorch code
        # calls it, x.size() or x.size(dim): one value serves both
        return _ElementCount(self.shape)

    def numel(self):
        return int(np.size(self.data))

    def _backward_seed(self, gradient):
        # PyTorch's own words first, so a student can search for them, then our hint
        if gradient is None and self.requires_grad and self.numel() != 1:
            raise av.BackwardError(
                f"grad can be implicitly created only for scalar outputs. This tensor has "
                f"shape {tuple(self.shape)}, so backward() needs gradient= of that shape "
                f"(the weight of each entry), e.g. y.backward(torch.ones_like(y)), or "
                f"reduce it to a scalar first: y.sum().backward()")
        return super()._backward_seed(gradient)

    # -- PyTorch's spellings of engine ops -------------------------------------
    def sum(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        return av.sum(self, *_reduction(dim, keepdim, axis, keepdims))

    def mean(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        return av.mean(self, *_reduction(dim, keepdim, axis, keepdims))

    def max(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """The largest entry, or with ``dim`` the (values, indices) pair."""
        return max(self, dim, keepdim, axis=axis, keepdims=keepdims)

    def view(self, *shape):
        return self.reshape(*shape)

    def t(self):
        if self.ndim > 2:
            raise av.ShapeError(f"t() transposes tensors of at most 2 dimensions, this one "
                                f"has shape {self.shape}; use x.transpose(...) with the "
                                f"axes you mean")
        return self.T if self.ndim == 2 else self

    def pow(self, exponent):
        return self ** exponent

    def float(self):
        return convert_float(self, np.float32, "x.float()")

    def double(self):
        return convert_float(self, np.float64, "x.double()")

    def clone(self):
        """A differentiable copy.  It is recorded as a reshape to the same
        shape: on a diagram that reads "values move, unchanged", which is
        what a copy is, and the gradient passes through as it is."""
        out = self.reshape(self.shape)
        out.data = np.array(out.data)        # its own memory, as a copy should have
        return out

    def __getattr__(self, attr):
        # only reached for names the class does not have
        if attr.startswith("_"):
            raise AttributeError(attr)
        raise AttributeError(f"autograd_viz.torch does not provide Tensor.{attr}; tensors "
                             f"here have the engine's methods plus {', '.join(_METHODS)}")

    def __repr__(self):
        parts = [_format_values(self.data)]
        if self.size == 0 and self.shape != (0,):
            parts = ["[]", f"size={self.shape}"]
        if self.data.dtype not in _PLAIN_DTYPES:
            parts.append(f"dtype={self.dtype}")
        if self._op is not None:
            parts.append(f"grad_fn=<{self._op.torch_name}>")
        elif self.requires_grad:
            parts.append("requires_grad=True")
        return f"tensor({', '.join(parts)})"


_METHODS = ("size", "numel", "view", "t", "float", "double", "pow", "clone", "grad_fn")


class Size(tuple):
    """torch.Size: a shape that prints the way PyTorch prints it."""

    def __repr__(self):
        return f"torch.Size({list(self)})"

    __str__ = __repr__

    def numel(self):
        return int(np.prod(self, dtype=np.int64))


class _ElementCount(int):
    """What ``x.size`` is on a torch tensor: the number of elements (what the
    engine reads), callable as PyTorch code calls it."""

    def __new__(cls, shape):
        count = super().__new__(cls, int(np.prod(shape, dtype=np.int64)))
        count.shape = shape
        return count

    def __call__(self, dim=None):
        if dim is None:
            return Size(self.shape)
        n = len(self.shape)
        if n == 0:
            raise IndexError(f"size({dim}): a 0-d tensor has no dimensions; "
                             f"x.size() gives its shape, ()")
        if not -n <= dim < n:
            raise IndexError(f"size({dim}): a tensor of shape {self.shape} has dimensions "
                             f"{-n} to {n - 1}")
        return self.shape[dim]


def _reduction(dim, keepdim, axis, keepdims):
    """(axis, keepdims) for the engine from PyTorch's dim/keepdim (or numpy's names)."""
    if axis is not None:
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    return (tuple(dim) if isinstance(dim, list) else dim), builtins.bool(keepdim)


class _GradFn:
    def __init__(self, op):
        self.op = op

    def name(self):
        return self.op.torch_name

    def __repr__(self):
        return f"<{self.op.torch_name} object>"


# ------------------------------------------------------------------ printing

_LINE_WIDTH, _EDGE_ITEMS, _SUMMARY_THRESHOLD = 80, 3, 1000


def _format_values(data):
    """Values laid out the way PyTorch prints them: right-aligned columns,
    as many per line as fit, ``...`` in the middle of more than 1000."""
    arr = np.asarray(data)
    summarize = arr.size > _SUMMARY_THRESHOLD
    shown = _summarized(arr) if summarize else arr
    one = str
    if arr.dtype.kind == "f":
        one = _float_formatter(shown)
        # like PyTorch, only nonzero finite values set the column width
        shown = shown[np.isfinite(shown) & (shown != 0)]
    width = builtins.max((len(one(v)) for v in shown.flat), default=1)
    return _layout(arr, lambda v: one(v).rjust(width), width, len("tensor("), summarize)


def _summarized(arr):
    """The values a summarized print shows: the first and last few along each axis."""
    if arr.ndim == 0:
        return arr
    if arr.shape[0] > 2 * _EDGE_ITEMS:
        arr = np.concatenate([arr[:_EDGE_ITEMS], arr[-_EDGE_ITEMS:]])
    return np.stack([_summarized(row) for row in arr]) if arr.ndim > 1 else arr


def _layout(arr, cell, width, indent, summarize):
    if arr.ndim == 0:
        return cell(arr[()])
    n = arr.shape[0]
    rows = range(n)
    if summarize and n > 2 * _EDGE_ITEMS:
        rows = [*range(_EDGE_ITEMS), None, *range(n - _EDGE_ITEMS, n)]
    if arr.ndim == 1:
        items = [" ..." if i is None else cell(arr[i]) for i in rows]
        per_line = builtins.max(1, (_LINE_WIDTH - indent) // (width + 2))
        lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    parts = ["..." if i is None else _layout(arr[i], cell, width, indent + 1, summarize)
             for i in rows]
    return "[" + ("," + "\n" * (arr.ndim - 1) + " " * (indent + 1)).join(parts) + "]"


def _float_formatter(arr):
    values = arr.astype(np.float64).ravel()
    finite = values[np.isfinite(values)]
    sizes = np.abs(finite[finite != 0])
    whole = builtins.bool(np.all(finite == np.ceil(finite)))
    wide = sizes.size > 0 and (sizes.max() / sizes.min() > 1000 or sizes.max() > 1e8
                               or (not whole and sizes.min() < 1e-4))

    def one(v):
        if not np.isfinite(v):
            return str(v)
        if wide:
            return f"{v:.4e}"
        return f"{v:.0f}." if whole else f"{v:.4f}"
    return one


# ------------------------------------------------------------------ creation

def tensor(data, dtype=None, requires_grad=False):
    return Tensor(data, dtype=np_dtype(dtype), requires_grad=requires_grad)


def arange(start, end=None, step=1, dtype=None, requires_grad=False):
    """Integers (int64) from integer arguments, float32 as soon as one is a float."""
    args = (start,) if end is None else (start, end, step)
    return fresh(Tensor, np.arange(*args), dtype, requires_grad)


def _size(shape, size):
    """The shape from zeros(2, 3), zeros((2, 3)) or zeros(size=(2, 3))."""
    return shape_arg(shape) if size is None else tuple(size)


def zeros(*shape, size=None, dtype=None, requires_grad=False):
    return fresh(Tensor, np.zeros(_size(shape, size)), dtype, requires_grad)


def ones(*shape, size=None, dtype=None, requires_grad=False):
    return fresh(Tensor, np.ones(_size(shape, size)), dtype, requires_grad)


def randn(*shape, size=None, dtype=None, requires_grad=False):
    """Standard normal samples, from the engine's generator (av.seed / manual_seed)."""
    data = av.randn(*_size(shape, size)).data
    return fresh(Tensor, data, dtype, requires_grad)


def zeros_like(x, dtype=None, requires_grad=False):
    return Tensor(np.zeros_like(np.asarray(x)), dtype=np_dtype(dtype), requires_grad=requires_grad)


def ones_like(x, dtype=None, requires_grad=False):
    return Tensor(np.ones_like(np.asarray(x)), dtype=np_dtype(dtype), requires_grad=requires_grad)


manual_seed = av.seed


def is_tensor(x):
    return isinstance(x, av.Tensor)


# ------------------------------------------------------------------ functions

exp, log, sin, cos, tanh, sigmoid, relu, abs, sqrt, norm = (
    lifting(Tensor, f) for f in (av.exp, av.log, av.sin, av.cos,
                                 av.tanh, av.sigmoid, av.relu, av.abs,
                                 av.sqrt, av.norm))
dot = lifting(Tensor, av.dot, 2)
matmul = mm = lifting(Tensor, av.matmul, 2)
reshape = lifting(Tensor, av.reshape)


def sum(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    return av.sum(lift(Tensor, input), *_reduction(dim, keepdim, axis, keepdims))


def mean(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    return av.mean(lift(Tensor, input), *_reduction(dim, keepdim, axis, keepdims))


class _MaxResult(namedtuple("max", ["values", "indices"])):
    """torch.return_types.max: the largest values along ``dim`` and where they are."""

    __slots__ = ()

    def __repr__(self):
        return f"torch.return_types.max(\nvalues={self.values!r},\nindices={self.indices!r})"


def max(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """torch.max(x): the largest entry.  torch.max(x, dim): a (values,
    indices) pair; the values are differentiable (the engine's max), the
    indices are integers, with no gradient, as in PyTorch."""
    input = lift(Tensor, input)
    dim, keepdim = _reduction(dim, keepdim, axis, keepdims)
    if isinstance(dim, av.Tensor):
        raise TypeError("autograd_viz.torch does not provide the elementwise "
                        "torch.max(a, b); pass a dimension (an int) as the second argument")
    if dim is None:
        return av.max(input)
    if not isinstance(dim, int):
        raise TypeError(f"torch.max takes one dimension (an int), got {dim!r}")
    values = av.max(input, dim, keepdim)
    indices = np.argmax(np.asarray(input.data), axis=dim)
    if keepdim:
        indices = np.expand_dims(indices, dim)
    return _MaxResult(values, Tensor._plain(np.asarray(indices, dtype=np.int64)))


def cat(tensors, dim=0):
    """Join tensors along ``dim``.  With gradients, each piece is scattered
    into its place in a zero tensor of the result's shape and the pieces are
    added: the backward pass then slices each piece's gradient back out."""
    tensors = [lift(Tensor, t) for t in tensors]
    if not tensors:
        raise ValueError("torch.cat needs at least one tensor")
    first = tensors[0]
    if first.ndim == 0 or not -first.ndim <= dim < first.ndim:
        raise av.ShapeError(f"torch.cat: dim={dim} is not a dimension of a tensor of shape "
                            f"{first.shape}")
    dim %= first.ndim
    for i, t in enumerate(tensors):
        others = t.shape[:dim] + t.shape[dim + 1:]
        if t.ndim != first.ndim or others != first.shape[:dim] + first.shape[dim + 1:]:
            raise av.ShapeError(
                f"torch.cat: tensor {i} has shape {t.shape} but tensor 0 has shape "
                f"{first.shape}; all sizes must match except along dim={dim}")
    if not builtins.any(t.requires_grad for t in tensors):
        return Tensor(np.concatenate([np.asarray(t.data) for t in tensors], axis=dim))
    shape = list(first.shape)
    shape[dim] = builtins.sum(t.shape[dim] for t in tensors)
    out, start = None, 0
    for t in tensors:
        index = (slice(None),) * dim + (slice(start, start + t.shape[dim]),)
        piece = apply(ops.unindex, t, index=index, shape=tuple(shape))
        out = piece if out is None else out + piece
        start += t.shape[dim]
    return out


def normal(mean, std, size=None, *, dtype=None, requires_grad=False):
    """Samples with the given mean and standard deviation (numbers, or
    arrays that broadcast), of shape ``size``; from the engine's generator."""
    mean, std = np.asarray(mean, dtype=np.float64), np.asarray(std, dtype=np.float64)
    shape = np.broadcast_shapes(mean.shape, std.shape) if size is None else tuple(size)
    data = mean + std * av.randn(shape).data
    return fresh(Tensor, data, dtype, requires_grad)


no_grad = av.no_grad
enable_grad = av.enable_grad


def _autograd_grad(outputs, inputs, grad_outputs=None, retain_graph=None,
                   create_graph=False, allow_unused=False):
    """torch.autograd.grad: the gradients, as a tuple, without touching .grad."""
    if isinstance(outputs, (list, tuple)):
        if len(outputs) != 1:
            raise NotImplementedError("autograd_viz: pass one output to torch.autograd.grad")
        outputs = outputs[0]
    if isinstance(grad_outputs, (list, tuple)):
        grad_outputs = grad_outputs[0]
    inputs = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
    retain = create_graph if retain_graph is None else retain_graph
    grads = av.gradients(outputs, inputs, grad_outputs, retain_graph=retain,
                       create_graph=create_graph)
    if not allow_unused and any(g is None for g in grads):
        raise av.BackwardError("one of the inputs was not used to compute the output, so it "
                            "has no gradient; pass allow_unused=True to get None for it")
    return tuple(as_gradient(g, x) for g, x in zip(grads, inputs))


autograd = SimpleNamespace(grad=_autograd_grad)

# dtype names last: from here on `float`, `bool` ... in this module are dtypes
float32 = float = _dtype_of(np.float32)
float64 = double = _dtype_of(np.float64)
int32 = _dtype_of(np.int32)
int64 = long = _dtype_of(np.int64)
bool = _dtype_of(np.bool_)

_DTYPE_NAMES = ("float32", "float", "float64", "double", "int32", "int64", "long", "bool")


_PROVIDED = sorted(n for n in globals()
                   if n not in _IMPORTED and not n.startswith("_") and n not in _DTYPE_NAMES)


def __getattr__(name):
    # only reached for names this module does not define
    if name.startswith("__"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    raise AttributeError(f"autograd_viz.torch does not provide {name}; it provides "
                         f"{', '.join(_PROVIDED)} and the dtypes {', '.join(_DTYPE_NAMES)}")
