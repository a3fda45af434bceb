"""The PyTorch dialect: ``import autograd_viz.torch as torch``.

The chapter's PyTorch cells run unchanged on the engine.  The engine already
follows PyTorch's rules (``.grad`` starts as None and accumulates, backward on
a non-scalar needs ``gradient=``, a freed graph cannot be walked twice), so
this module only adds PyTorch's names, float32 as the default float, and
PyTorch's way of printing: ``tensor(28., grad_fn=<MulBackward0>)``.
"""

from __future__ import annotations

import builtins
from types import SimpleNamespace

import numpy as np

import autograd_viz as av
from ._dialect import DTypes, as_gradient, fresh, lifting, np_dtype, shape_arg

_dtype_of = DTypes("torch")
_PLAIN_DTYPES = (np.dtype(np.float32), np.dtype(np.int64), np.dtype(np.bool_))


class Tensor(av.Tensor):
    """A torch-flavoured engine tensor (float32 by default)."""

    _default_float = np.float32

    @property
    def dtype(self):
        return _dtype_of(self.data.dtype)

    @property
    def grad_fn(self):
        """The op that made this value, named as PyTorch names its backward."""
        return None if self._op is None else _GradFn(self._op)

    def numel(self):
        return self.size

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


def sum(input, dim=None, keepdim=False):
    return av.sum(input, dim, keepdim)


def mean(input, dim=None, keepdim=False):
    return av.mean(input, dim, keepdim)


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
