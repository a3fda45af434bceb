"""The PyTorch dialect: ``import autograd_viz.torch as torch``.

The chapter's PyTorch cells run unchanged on the engine.  The engine already
follows PyTorch's rules (``.grad`` starts as None and accumulates, backward on
a non-scalar needs ``gradient=``, a freed graph cannot be walked twice), so
this module only adds PyTorch's names, float32 as the default float, and
PyTorch's way of printing: ``tensor(28., grad_fn=<MulBackward0>)``.

Beyond the seed chapter, the current edition's surface: ``torch.autograd.grad``
(PyTorch's checks and messages), ``x.retain_grad()`` (an interior value keeps
its gradient in ``.grad``, where a diagram shows it), ``no_grad`` /
``enable_grad`` / ``set_grad_enabled`` as blocks and decorators, and forward
mode on the engine's own: ``torch.func`` (jvp, vjp, grad, jacfwd, jacrev,
hessian) and ``torch.autograd.forward_ad`` (dual_level, make_dual,
unpack_dual).  ``torch.autograd``, ``torch.autograd.forward_ad`` and
``torch.func`` are real modules, so their ``import`` lines work too.
"""

from __future__ import annotations

import builtins
import functools
import sys
import types
import weakref
from collections import namedtuple

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
    recorded_copy,
    shape_arg,
)
from ._dialect_messages import TORCH
from .engine import forward as _forward
from .engine import graph as _graph
from .engine.functional import Transforms
from .engine.graph import STATE, as_plain
from .engine.tensor import concatenate
from .engine.tensor import identity as _identity

_dtype_of = DTypes("torch")
_PLAIN_DTYPES = (np.dtype(np.float32), np.dtype(np.int64), np.dtype(np.bool_))


class Tensor(av.Tensor):
    """A torch-flavoured engine tensor (float32 by default)."""

    _default_float = np.float32
    _messages = TORCH  # the engine's errors in PyTorch's words
    # np.exp(t) is a tensor again (PyTorch's __array_wrap__); a tensor that
    # requires grad is refused (the engine's default, PyTorch's rule)
    _numpy_wraps = True
    _numpy_methods = True  # np.mean(t) calls t.mean(axis=...), which PyTorch rejects

    @property
    def dtype(self):
        return _dtype_of(self.data.dtype)

    @property
    def grad_fn(self):
        """The op that made this value, named as PyTorch names its backward."""
        return None if self._op is None else _GradFn(_torch_name(self))

    @property
    def size(self):
        # the engine reads x.size as the number of elements; PyTorch code
        # calls it, x.size() or x.size(dim): one value serves both
        return _ElementCount(self.shape)

    def numel(self):
        return int(np.size(self.data))

    # -- PyTorch's spellings of engine ops -------------------------------------
    def sum(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        return av.sum(self, *_reduction(dim, keepdim, axis, keepdims))

    def mean(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        return av.mean(self, *_reduction(dim, keepdim, axis, keepdims))

    def max(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """The largest entry, or with ``dim`` the (values, indices) pair."""
        return max(self, dim, keepdim, axis=axis, keepdims=keepdims)

    def min(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """The smallest entry, or with ``dim`` the (values, indices) pair."""
        return min(self, dim, keepdim, axis=axis, keepdims=keepdims)

    def prod(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        return av.prod(self, *_reduction(dim, keepdim, axis, keepdims))

    def logsumexp(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        return av.logsumexp(self, *_reduction(dim, keepdim, axis, keepdims))

    def expand(self, *sizes):
        """This tensor repeated along new or size-1 dimensions (-1 keeps a size)."""
        sizes = shape_arg(sizes)
        lead = len(sizes) - self.ndim
        shape = tuple(
            self.shape[i - lead] if n == -1 and i >= lead else n for i, n in enumerate(sizes)
        )
        return av.broadcast_to(self, shape)

    def view(self, *shape):
        return self.reshape(*shape)

    def t(self):
        if self.ndim > 2:
            raise TORCH.error(av.ShapeError, "t_dims", shape=self.shape, ndim=self.ndim)
        return self.T if self.ndim == 2 else self

    def pow(self, exponent):
        return self**exponent

    def float(self):
        return convert_float(self, np.float32, "x.float()")

    def double(self):
        return convert_float(self, np.float64, "x.double()")

    def clone(self):
        """A differentiable copy (see _dialect.recorded_copy)."""
        out = recorded_copy(self)
        if out._op is not None:
            out._torch_fn = "CloneBackward0"
        return out

    # -- interior gradients ------------------------------------------------
    def retain_grad(self):
        """Keep this interior value's gradient in ``.grad`` after backward
        (a leaf keeps its gradient anyway, so there it changes nothing)."""
        if not self.requires_grad:
            raise TORCH.error(RuntimeError, "retain_grad")
        if not self.is_leaf:
            _RETAINING[id(self)] = self

    def register_hook(self, hook):
        """Call ``hook(grad)`` each time a backward pass has this tensor's
        gradient; what it returns (if not None) replaces the gradient, which
        then goes on (into ``.grad`` for a leaf).  A diagram shows each hook
        as a step of its own.  Returns a handle: ``handle.remove()``."""
        if not self.requires_grad:
            raise TORCH.error(RuntimeError, "hook_no_grad")
        return _graph.register_hook(self, hook)

    @property
    def retains_grad(self):
        return not self.is_leaf and _RETAINING.get(id(self)) is self

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """As in PyTorch: ``retain_graph`` defaults to ``create_graph``;
        with ``inputs`` only those tensors' ``.grad`` is filled."""
        retain = create_graph if retain_graph is None else retain_graph
        if inputs is not None:
            inputs = [inputs] if isinstance(inputs, av.Tensor) else list(inputs)
            grads = _gradients_of(
                [self], inputs, [gradient], retain, create_graph, allow_unused=True
            )
            for x, g in zip(inputs, grads):
                if g is not None:
                    x.grad = g if x.grad is None else x.grad + g
            return
        super().backward(gradient, retain_graph=builtins.bool(retain), create_graph=create_graph)
        _fill_retained(self._trace)

    def __getattr__(self, attr):
        # only reached for names the class does not have
        if attr.startswith("_"):
            raise AttributeError(attr)
        raise _scope.not_provided("torch", f"torch.Tensor.{attr}")

    def __repr__(self):
        parts = [_format_values(self.data)]
        if self.size == 0 and self.shape != (0,):
            parts = ["[]", f"size={self.shape}"]
        if self.data.dtype not in _PLAIN_DTYPES:
            parts.append(f"dtype={self.dtype}")
        if self._op is not None:
            parts.append(f"grad_fn=<{_torch_name(self)}>")
        elif self.requires_grad:
            parts.append("requires_grad=True")
        tangent = _open_tangent(self)
        if tangent is not None:
            shown = repr(tangent.item()) if tangent.ndim == 0 else repr(tangent)
            parts.append(f"tangent={shown}")
        return _with_suffixes("tensor(" + parts[0], parts[1:])


# interior tensors asked to keep their gradient, by id (weakly: dropping the
# tensor drops the request, and nothing here keeps a graph alive; not a
# WeakSet, which would compare tensors with their elementwise ==)
_RETAINING = weakref.WeakValueDictionary()


def _fill_retained(trace):
    """After a backward pass, give each retaining interior tensor it reached
    the gradient that arrived there (added to what it had, as PyTorch does).
    The trace already holds that gradient for every op node it visited."""
    if trace is None or not _RETAINING:
        return
    waiting = {t._seq: t for t in list(_RETAINING.values())}
    for seq, g in zip(trace._seqs, trace._upstreams):
        t = waiting.get(seq)
        if t is None:
            continue
        g = Tensor._plain(np.array(g, dtype=t.data.dtype))
        t.grad = g if t.grad is None else Tensor._plain(t.grad.data + g.data)


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
            raise TORCH.error(IndexError, "size_scalar", dim=dim)
        if not -n <= dim < n:
            raise TORCH.error(IndexError, "size_range", dim=dim, shape=self.shape, lo=-n, hi=n - 1)
        return self.shape[dim]


def _reduction(dim, keepdim, axis, keepdims):
    """(axis, keepdims) for the engine from PyTorch's dim/keepdim (or numpy's names)."""
    if axis is not None:
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    return (tuple(dim) if isinstance(dim, list) else dim), builtins.bool(keepdim)


def _with_suffixes(head, suffixes):
    """``head`` plus ", suffix" for each, as PyTorch lays them out: a suffix
    that would pass the 80th column starts a new line under the values."""
    out = [head]
    line = len(head) - head.rfind("\n") + 1
    for suffix in suffixes:
        if line + len(suffix) + 2 > _LINE_WIDTH:
            out.append(",\n" + " " * len("tensor(") + suffix)
            line = len("tensor(") + len(suffix)
        else:
            out.append(", " + suffix)
            line += len(suffix) + 2
    return "".join(out) + ")"


def _open_tangent(t):
    """t's tangent at the innermost open forward level (PyTorch has one), or None."""
    if not t._tan or not STATE.dual_levels:
        return None
    return t._tan.get(STATE.dual_levels[-1])


def _torch_name(node):
    """The name PyTorch gives the backward of the op that made ``node``.
    One engine primitive can be several PyTorch kernels (matmul is dot, mv,
    mm or a batched product by the inputs' dimensions; indexing is select
    or slice), so the name is read off the node, not only its primitive."""
    op = node._op
    named = node.__dict__.get("_torch_fn")
    if named is not None:
        return named
    if op.name == "matmul":
        dims = tuple(p.ndim for p in node._parents)
        return _MATMUL_NAMES.get(dims, "UnsafeViewBackward0")
    if op.name == "getitem":
        index = (node._params or {}).get("index")
        parts = index if isinstance(index, tuple) else (index,)
        if builtins.all(isinstance(i, int) for i in parts):
            return "SelectBackward0"
        if builtins.all(isinstance(i, (int, slice)) for i in parts):
            return "SliceBackward0"
    return _GRAD_FN.get(op.name) or op.name.capitalize() + "Backward0"


_MATMUL_NAMES = {
    (1, 1): "DotBackward0",
    (2, 1): "MvBackward0",
    (1, 2): "SqueezeBackward4",
    (2, 2): "MmBackward0",
}


class _GradFn:
    def __init__(self, name):
        self._name = name

    def name(self):
        return self._name

    def __repr__(self):
        return f"<{self._name} object>"


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
        lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    parts = [
        "..." if i is None else _layout(arr[i], cell, width, indent + 1, summarize) for i in rows
    ]
    return "[" + ("," + "\n" * (arr.ndim - 1) + " " * (indent + 1)).join(parts) + "]"


def _float_formatter(arr):
    values = arr.astype(np.float64).ravel()
    finite = values[np.isfinite(values)]
    sizes = np.abs(finite[finite != 0])
    whole = builtins.bool(np.all(finite == np.ceil(finite)))
    wide = sizes.size > 0 and (
        sizes.max() / sizes.min() > 1000 or sizes.max() > 1e8 or (not whole and sizes.min() < 1e-4)
    )

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
    return Tensor(np.zeros_like(as_plain(x)), dtype=np_dtype(dtype), requires_grad=requires_grad)


def ones_like(x, dtype=None, requires_grad=False):
    return Tensor(np.ones_like(as_plain(x)), dtype=np_dtype(dtype), requires_grad=requires_grad)


manual_seed = av.seed


def is_tensor(x):
    return isinstance(x, av.Tensor)


# ------------------------------------------------------------------ functions


class _MaxResult(namedtuple("max", ["values", "indices"])):
    """torch.return_types.max: the largest values along ``dim`` and where they are."""

    __slots__ = ()

    def __repr__(self):
        return f"torch.return_types.max(\nvalues={self.values!r},\nindices={self.indices!r})"


class _MinResult(namedtuple("min", ["values", "indices"])):
    """torch.return_types.min: the smallest values along ``dim`` and where they are."""

    __slots__ = ()

    def __repr__(self):
        return f"torch.return_types.min(\nvalues={self.values!r},\nindices={self.indices!r})"


def max(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """torch.max(x): the largest entry.  torch.max(x, dim): a (values,
    indices) pair; the values are differentiable (the engine's max), the
    indices are integers, with no gradient, as in PyTorch.  torch.max(a, b)
    with a tensor b: the elementwise torch.maximum(a, b)."""
    return _extreme(input, dim, keepdim, axis, keepdims, av.max, np.argmax, _MaxResult)


def min(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """torch.min: as torch.max, for the smallest."""
    return _extreme(input, dim, keepdim, axis, keepdims, av.min, np.argmin, _MinResult)


def _extreme(input, dim, keepdim, axis, keepdims, whole, arg, result):
    input = lift(Tensor, input)
    dim, keepdim = _reduction(dim, keepdim, axis, keepdims)
    name = result.__name__[1:4].lower()
    if isinstance(dim, av.Tensor):
        return (av.maximum if name == "max" else av.minimum)(input, dim)
    if dim is None:
        return whole(input)
    if not isinstance(dim, int):
        raise TORCH.error(TypeError, "max_dim", name=name, dim=repr(dim))
    indices = arg(np.asarray(input.data), axis=dim)
    # the values are picked at the indices, so at a tie the whole gradient goes
    # to the entry the index names, as in PyTorch (a plain max would share it)
    where = list(np.indices(indices.shape))
    where.insert(dim % input.ndim, indices)
    values = input[tuple(where)]
    if keepdim:
        indices = np.expand_dims(indices, dim)
        values = values.reshape(indices.shape)
    values._torch_fn = f"{name.capitalize()}Backward0"
    return result(values, Tensor._plain(np.asarray(indices, dtype=np.int64)))


def where(condition, input, other):
    """``input`` where ``condition`` holds, ``other`` elsewhere (each gets the
    gradient where it was taken)."""
    return av.where(condition, lift(Tensor, input), other)


def einsum(equation, *operands):
    """Einstein summation (``"ij,jk->ik"``), one op; operands may come as a list."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = operands[0]
    return av.einsum(equation, *[lift(Tensor, x) for x in operands])


def broadcast_to(input, size):
    return lift(Tensor, input).expand(*size)


def cat(tensors, dim=0):
    """Join tensors along ``dim`` (differentiable in each, in both modes)."""
    tensors = [lift(Tensor, t) for t in tensors]
    if not tensors:
        raise TORCH.error(ValueError, "cat_empty")
    first = tensors[0]
    if first.ndim == 0 or not -first.ndim <= dim < first.ndim:
        raise TORCH.error(av.ShapeError, "cat_dim", dim=dim, shape=first.shape)
    dim %= first.ndim
    for i, t in enumerate(tensors):
        others = t.shape[:dim] + t.shape[dim + 1 :]
        if t.ndim != first.ndim or others != first.shape[:dim] + first.shape[dim + 1 :]:
            raise TORCH.error(
                av.ShapeError, "cat_sizes", i=i, shape=t.shape, first=first.shape, dim=dim
            )
    return concatenate(tensors, dim)


def normal(mean, std, size=None, *, dtype=None, requires_grad=False):
    """Samples with the given mean and standard deviation (numbers, or
    arrays that broadcast), of shape ``size``; from the engine's generator."""
    mean, std = np.asarray(mean, dtype=np.float64), np.asarray(std, dtype=np.float64)
    shape = np.broadcast_shapes(mean.shape, std.shape) if size is None else tuple(size)
    data = mean + std * av.randn(shape).data
    return fresh(Tensor, data, dtype, requires_grad)


# ------------------------------------------------------------------ grad mode


class _GradMode:
    """A with-block that sets gradient recording on or off, and restores what
    was there before on the way out; also a decorator, as in PyTorch:
    ``@torch.no_grad()`` (and ``@torch.no_grad``) run the whole function so."""

    enabled = True

    def __new__(cls, func=None):
        self = super().__new__(cls)
        self._before = []
        return self if func is None else self(func)

    def __init__(self, func=None):
        pass

    def __enter__(self):
        self._before.append(STATE.grad_enabled)
        STATE.grad_enabled = self.enabled
        return None

    def __exit__(self, *exc):
        STATE.grad_enabled = self._before.pop()
        return False

    def __call__(self, func):
        if not callable(func):
            raise TORCH.error(
                TypeError, "decorates", name=type(self).__name__, type=type(func).__name__
            )
        mode = type(self)

        @functools.wraps(func)
        def run(*args, **kwargs):
            with mode():
                return func(*args, **kwargs)

        return run

    def __repr__(self):
        return f"torch.autograd.grad_mode.{type(self).__name__}()"


class no_grad(_GradMode):
    """Compute without recording: nothing inside can be differentiated."""

    enabled = False


class enable_grad(_GradMode):
    """Record again (inside a no_grad block, for instance)."""

    enabled = True


class set_grad_enabled:
    """``torch.set_grad_enabled(False)`` switches recording off at once (as a
    plain call); used in ``with`` it switches back at the end."""

    def __init__(self, mode):
        self.mode = builtins.bool(mode)
        self._before = STATE.grad_enabled
        STATE.grad_enabled = self.mode

    def __enter__(self):
        return None

    def __exit__(self, *exc):
        STATE.grad_enabled = self._before
        return False

    def __call__(self, func):
        mode = self.mode
        STATE.grad_enabled = self._before  # as a decorator it changes nothing now

        @functools.wraps(func)
        def run(*args, **kwargs):
            with set_grad_enabled(mode):
                return func(*args, **kwargs)

        return run

    def __repr__(self):
        return f"torch.autograd.grad_mode.set_grad_enabled(mode={self.mode})"


def is_grad_enabled():
    return STATE.grad_enabled


# ------------------------------------------------------------------ torch.autograd


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _shape_mismatch(i, given, out):
    """PyTorch's error for grad_outputs[i] (or a cotangent) not shaped like output i."""
    return TORCH.error(
        RuntimeError, "grad_output_shape", i=i, got=Size(np.shape(given)), shape=Size(out.shape)
    )


def _gradients_of(
    outputs,
    inputs,
    grad_outputs,
    retain_graph,
    create_graph,
    allow_unused=False,
    materialize_grads=False,
):
    """The gradients of sum_i <grad_outputs[i], outputs[i]> with respect to
    each input, checked and worded as PyTorch checks and words them."""
    for i, out in enumerate(outputs):
        if not isinstance(out, av.Tensor):
            raise TORCH.error(TypeError, "outputs_type", type=type(out).__name__, i=i)
        if not out.requires_grad:
            raise TORCH.error(RuntimeError, "output_no_grad", i=i)
    for x in inputs:
        if not isinstance(x, av.Tensor):
            raise TORCH.error(TypeError, "inputs_type", type=type(x).__name__)
        if not x.requires_grad:
            raise TORCH.error(RuntimeError, "input_no_grad")
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    if len(grad_outputs) != len(outputs):
        raise TORCH.error(RuntimeError, "grad_outputs_count", n=len(grad_outputs), m=len(outputs))
    seeds = []
    for i, (out, g) in enumerate(zip(outputs, grad_outputs)):
        if g is None:
            if np.size(out.data) != 1:
                raise TORCH.error(RuntimeError, "grad_nonscalar", i=i, shape=Size(out.shape))
            g = np.ones(out.shape, out.data.dtype)
        elif tuple(np.shape(g)) != out.shape:
            raise _shape_mismatch(i, g, out)
        seeds.append(g)
    total = av.gradients(
        outputs, inputs, seeds, retain_graph=retain_graph, create_graph=create_graph
    )
    for out in outputs:
        _fill_retained(out._trace)
    for i, (g, x) in enumerate(zip(total, inputs)):
        if g is None and materialize_grads:
            total[i] = zeros_like(x)
        elif g is None and not allow_unused:
            raise TORCH.error(RuntimeError, "unused_input", i=i)
    return total


def _autograd_grad(
    outputs,
    inputs,
    grad_outputs=None,
    retain_graph=None,
    create_graph=False,
    only_inputs=True,
    allow_unused=None,
    is_grads_batched=False,
    materialize_grads=False,
):
    """torch.autograd.grad: the gradients of ``outputs`` with respect to
    ``inputs``, as a tuple, without touching any leaf's ``.grad``."""
    if is_grads_batched:
        raise TORCH.error(NotImplementedError, "grads_batched")
    outputs, inputs = _as_list(outputs), _as_list(inputs)
    if grad_outputs is not None:
        grad_outputs = _as_list(grad_outputs)
    retain = create_graph if retain_graph is None else retain_graph
    grads = _gradients_of(
        outputs,
        inputs,
        grad_outputs,
        retain,
        create_graph,
        allow_unused=builtins.bool(allow_unused),
        materialize_grads=materialize_grads,
    )
    return tuple(grads)


def _autograd_backward(
    tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None
):
    """torch.autograd.backward: ``t.backward(g)`` for each pair, summed into ``.grad``."""
    tensors = _as_list(tensors)
    grad_tensors = [None] * len(tensors) if grad_tensors is None else _as_list(grad_tensors)
    for k, (t, g) in enumerate(zip(tensors, grad_tensors)):
        last = k == len(tensors) - 1
        keep = (create_graph if retain_graph is None else retain_graph) or not last
        t.backward(g, retain_graph=keep, create_graph=create_graph, inputs=inputs)


# ------------------------------------------------------------------ forward_ad


class _DualLevel:
    """``with torch.autograd.forward_ad.dual_level():`` opens the level in
    which make_dual's tangents flow through every op; it gives the level."""

    def __enter__(self):
        if STATE.dual_levels:
            raise TORCH.error(RuntimeError, "nested_dual")
        self._block = _forward.dual_level()
        return self._block.__enter__()

    def __exit__(self, *exc):
        return self._block.__exit__(*exc)


def _make_dual(tensor, tangent, *, level=None):
    if not STATE.dual_levels:
        raise TORCH.error(RuntimeError, "dual_no_level")
    tensor, tangent = lift(Tensor, tensor), lift(Tensor, tangent)
    if tensor.data.dtype.kind != "f":
        raise TORCH.error(ValueError, "dual_not_float", dtype=tensor.dtype)
    _check_tangent(tensor, tangent)
    dual = _forward.make_dual(tensor, _tangent_like(tensor, tangent), level=level)
    if dual._op is not None:
        dual._torch_fn = "ViewBackward0"  # PyTorch makes the dual a view of tensor
    return dual


def _check_tangent(primal, tangent):
    if tangent.shape != primal.shape:
        raise TORCH.error(
            RuntimeError, "dual_size", primal=list(primal.shape), tangent=list(tangent.shape)
        )


def _tangent_like(primal, tangent):
    """PyTorch accepts a tangent of another float precision; the engine
    keeps one dtype per value and its tangent, so it is converted."""
    if tangent.data.dtype != primal.data.dtype:
        return (
            Tensor._plain(np.asarray(tangent.data, dtype=primal.data.dtype))
            if not tangent.requires_grad
            else tangent.astype(primal.data.dtype)
        )
    return tangent


class _UnpackedDualTensor(namedtuple("UnpackedDualTensor", ["primal", "tangent"])):
    """What unpack_dual gives: the value without its tangent, and the tangent."""

    __slots__ = ()


# namedtuple's repr prints the class name: PyTorch's
_UnpackedDualTensor.__name__ = _UnpackedDualTensor.__qualname__ = "UnpackedDualTensor"


def _unpack_dual(tensor, *, level=None):
    tensor = lift(Tensor, tensor)
    tangent = None
    if STATE.dual_levels:
        tangent = _forward.tangent_of(tensor, level)
    if tangent is None:
        return _UnpackedDualTensor(tensor, None)
    if tensor.requires_grad:
        # a view of the same value in the same graph, carrying no tangent
        primal = _identity(tensor)
        primal._tan = None
        primal._torch_fn = "Identity"
    else:
        primal = Tensor._plain(tensor.data)
    return _UnpackedDualTensor(primal, tangent)


def _submodule(name, doc, **names):
    """A real module object (registered in sys.modules), so that
    ``import autograd_viz.torch.autograd.forward_ad as fwAD`` and
    ``from autograd_viz.torch.func import jvp`` work as with PyTorch."""
    module = types.ModuleType(f"{__name__}.{name}", doc)
    module.__dict__.update(names)
    sys.modules[module.__name__] = module
    return module


_forward_ad = _submodule(
    "autograd.forward_ad",
    "Forward-mode AD with dual tensors, as torch.autograd.forward_ad.",
    dual_level=_DualLevel,
    make_dual=_make_dual,
    unpack_dual=_unpack_dual,
    UnpackedDualTensor=_UnpackedDualTensor,
)
autograd = _submodule(
    "autograd",
    "torch.autograd: grad, backward, grad modes, forward_ad.",
    grad=_autograd_grad,
    backward=_autograd_backward,
    no_grad=no_grad,
    enable_grad=enable_grad,
    set_grad_enabled=set_grad_enabled,
    forward_ad=_forward_ad,
)


# ------------------------------------------------------------------ torch.func

_WHO = {
    "jvp": "jvp(f, primals, tangents)",
    "vjp": "vjp(f, *primals)",
    "jacrev": "jacrev(f)(*args)",
    "jacfwd": "jacfwd(f)(*args)",
}


class _Func(Transforms):
    """The engine's transforms with torch tensors and PyTorch's messages."""

    messages = TORCH

    def lift(self, x):
        return lift(Tensor, x)

    def check_primals(self, primals, tangents):
        who = _WHO["jvp"]
        if not isinstance(primals, tuple):
            raise TORCH.error(RuntimeError, "func_primals", who=who)
        if not isinstance(tangents, tuple) or len(tangents) != len(primals):
            got = len(tangents) if isinstance(tangents, tuple) else type(tangents).__name__
            raise TORCH.error(RuntimeError, "func_structure", who=who, p=len(primals), t=got)

    def tangent(self, p, t, i):
        _check_tangent(p, t)
        return _tangent_like(p, t)

    def output(self, value, who):
        if isinstance(value, av.Tensor):
            return value
        raise TORCH.error(RuntimeError, "func_output", who=_WHO.get(who, who), type=type(value))

    def scalar_output(self, out):
        who = "grad_and_value(f)(*args)"
        if not isinstance(out, av.Tensor):
            raise TORCH.error(RuntimeError, "func_grad_tensor", who=who, type=type(out))
        if out.ndim != 0:
            raise TORCH.error(RuntimeError, "func_grad_scalar", who=who, ndim=out.ndim)
        return out

    def cotangents(self, cotangent, out, outs):
        cots = list(cotangent) if isinstance(out, (tuple, list)) else [cotangent]
        for i, (o, c) in enumerate(zip(outs, cots)):
            if tuple(np.shape(c)) != o.shape:
                raise _shape_mismatch(i, c, o)
        return super().cotangents(cotangent, out, outs)


_FUNC = _Func()


def _func_vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    """torch.func.vmap: ``func`` mapped over dimension ``in_dims`` of its inputs
    (run once per index; the results stacked along ``out_dims``)."""
    return functools.wraps(func)(_FUNC.vmap(func, in_dims, out_dims))


def _func_jvp(func, primals, tangents, *, strict=False, has_aux=False):
    """torch.func.jvp: (func(*primals), the derivative along tangents), one forward sweep."""
    return _FUNC.jvp(func, primals, tangents, has_aux=has_aux)


def _func_vjp(func, *primals, has_aux=False):
    """torch.func.vjp: (func(*primals), vjp_fn); vjp_fn(cotangents) gives a tuple."""
    return _FUNC.vjp(func, *primals, has_aux=has_aux)


def _func_grad_and_value(func, argnums=0, has_aux=False):
    """torch.func.grad_and_value: a function giving (gradient, value)
    (with ``has_aux``: (gradient, (value, aux)))."""
    both = _FUNC.value_and_grad(func, argnums, has_aux=has_aux)

    @functools.wraps(func)
    def run(*args, **kwargs):
        value, g = both(*args, **kwargs)
        return g, value

    return run


def _func_grad(func, argnums=0, has_aux=False):
    """torch.func.grad: a function giving the gradient of a scalar ``func``
    (with ``has_aux``: (gradient, aux))."""
    return functools.wraps(func)(_FUNC.grad(func, argnums, has_aux=has_aux))


def _func_jacrev(func, argnums=0, *, has_aux=False, chunk_size=None):
    """torch.func.jacrev: the Jacobian by reverse mode (one sweep per output entry)."""
    return functools.wraps(func)(_FUNC.jacrev(func, argnums, has_aux=has_aux))


def _func_jacfwd(func, argnums=0, has_aux=False, *, randomness="error"):
    """torch.func.jacfwd: the Jacobian by forward mode (one sweep per input entry)."""
    return functools.wraps(func)(_FUNC.jacfwd(func, argnums, has_aux=has_aux))


def _func_hessian(func, argnums=0):
    """torch.func.hessian: forward over reverse, jacfwd(jacrev(func))."""
    return functools.wraps(func)(_FUNC.hessian(func, argnums))


func = _submodule(
    "func",
    "torch.func: function transforms, on the engine's forward and reverse modes.",
    jvp=_func_jvp,
    vjp=_func_vjp,
    grad=_func_grad,
    grad_and_value=_func_grad_and_value,
    jacfwd=_func_jacfwd,
    jacrev=_func_jacrev,
    hessian=_func_hessian,
    vmap=_func_vmap,
)

# ------------------------------------------------------------------ the primitives

# PyTorch's names for each engine primitive (see _dialect.Provided)
PRIMITIVES = {
    **PYTHON_OPERATORS,
    "pow": Provided("a ** b", ".pow"),
    "exp": Provided("exp", ".exp"),
    "log": Provided("log", ".log"),
    "sin": Provided("sin", ".sin"),
    "cos": Provided("cos", ".cos"),
    "tanh": Provided("tanh", ".tanh"),
    "sigmoid": Provided("sigmoid", ".sigmoid"),
    "relu": Provided("relu", ".relu"),
    "abs": Provided("abs", ".abs", "abs(a)"),
    "sqrt": Provided("sqrt", ".sqrt"),
    "sum": Provided("sum", ".sum"),
    "mean": Provided("mean", ".mean"),
    "max": Provided("max", ".max"),
    "norm": Provided("norm", ".norm"),
    "dot": Provided("dot", ".dot"),
    "matmul": Provided("matmul", "mm", "a @ b", ".matmul"),
    "reshape": Provided("reshape", ".reshape", ".view"),
    "transpose": Provided(".T", ".t", ".transpose"),
    "broadcast_to": Provided("broadcast_to", ".expand"),
    "unindex": NotProvided(
        "the engine's scatter-add, the transpose of indexing: backward passes and "
        "joining tensors use it (IndexPutBackward0); index_put is not offered"
    ),
    "cast": Provided(".float", ".double"),
    "identity": Provided(".clone"),
    "erf": Provided("erf", ".erf"),
    "log1p": Provided("log1p", ".log1p"),
    "maximum": Provided("maximum"),
    "minimum": Provided("minimum"),
    "where": Provided("where"),
    "prod": Provided("prod", ".prod"),
    "min": Provided("min", ".min"),
    "logsumexp": Provided("logsumexp", ".logsumexp"),
    "einsum": Provided("einsum"),
}


# the name of the backward node PyTorch makes for each primitive, where it
# is not Name + "Backward0" (what x.grad_fn prints)
_GRAD_FN = {
    "max": "MaxBackward1",
    "min": "MinBackward1",
    "log1p": "Log1PBackward0",
    "norm": "LinalgVectorNormBackward0",
    "matmul": "MmBackward0",
    "reshape": "ViewBackward0",
    "transpose": "PermuteBackward0",
    "broadcast_to": "ExpandBackward0",
    "getitem": "IndexBackward0",
    "unindex": "IndexPutBackward0",
    "cast": "ToCopyBackward0",
    "identity": "AliasBackward0",
}


def _make(prim, engine_function):
    """A torch function from the engine's: tensors lifted, reductions in dim/keepdim."""
    if prim.axes:
        return lambda input, dim=None, keepdim=False, *, axis=None, keepdims=None: engine_function(
            lift(Tensor, input), *_reduction(dim, keepdim, axis, keepdims)
        )
    return lifting(Tensor, engine_function, prim.arity)


provide(sys.modules[__name__], PRIMITIVES, _make)

# dtype names last: from here on `float`, `bool` ... in this module are dtypes
float32 = float = _dtype_of(np.float32)
float64 = double = _dtype_of(np.float64)
int32 = _dtype_of(np.int32)
int64 = long = _dtype_of(np.int64)
bool = _dtype_of(np.bool_)


# the names built in autograd_viz/more, and the error for the rest
_scope.complete(globals(), "torch")
