"""The PyTorch dialect: ``import autograd_viz.torch as torch``.

The chapter's PyTorch cells run unchanged on the engine.  The engine already
follows PyTorch's rules (``.grad`` starts as None and accumulates, backward on
a non-scalar needs ``gradient=``, a freed graph cannot be walked twice), so
this module only adds PyTorch's names, float32 as the default float, and
PyTorch's way of printing: ``tensor(28., grad_fn=<MulBackward0>)``.
"""

from __future__ import annotations

import builtins
import functools
import weakref
from collections import namedtuple
from types import SimpleNamespace

import numpy as np

import autograd_viz as av
from .engine import ops
from ._dialect import (DTypes, as_gradient, convert_float, fresh, lift, lifting, np_dtype,
                       recorded_copy, shape_arg)
from .engine.graph import STATE
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
        """A differentiable copy (see _dialect.recorded_copy)."""
        return recorded_copy(self)

    # -- interior gradients ------------------------------------------------
    def retain_grad(self):
        """Keep this interior value's gradient in ``.grad`` after backward
        (a leaf keeps its gradient anyway, so there it changes nothing)."""
        if not self.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False: "
                               "it takes part in no gradient computation. Compute it from a "
                               "tensor created with requires_grad=True first")
        if not self.is_leaf:
            _RETAINING.add(self)

    @property
    def retains_grad(self):
        return not self.is_leaf and self in _RETAINING

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """As in PyTorch: ``retain_graph`` defaults to ``create_graph``;
        with ``inputs`` only those tensors' ``.grad`` is filled."""
        retain = create_graph if retain_graph is None else retain_graph
        if inputs is not None:
            inputs = [inputs] if isinstance(inputs, av.Tensor) else list(inputs)
            grads = _gradients_of([self], inputs, [gradient], retain, create_graph,
                                  allow_unused=True)
            for x, g in zip(inputs, grads):
                if g is not None:
                    x.grad = g if x.grad is None else x.grad + g
            return
        super().backward(gradient, retain_graph=builtins.bool(retain),
                         create_graph=create_graph)
        _fill_retained(self._trace)

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
            parts.append(f"grad_fn=<{_torch_name(self)}>")
        elif self.requires_grad:
            parts.append("requires_grad=True")
        return f"tensor({', '.join(parts)})"


_METHODS = ("size", "numel", "view", "t", "float", "double", "pow", "clone", "grad_fn",
            "retain_grad", "retains_grad")

# interior tensors asked to keep their gradient (weakly: dropping the tensor
# drops the request, and the set never keeps a graph alive)
_RETAINING = weakref.WeakSet()


def _fill_retained(trace):
    """After a backward pass, give each retaining interior tensor it reached
    the gradient that arrived there (added to what it had, as PyTorch does).
    The trace already holds that gradient for every op node it visited."""
    if trace is None or not _RETAINING:
        return
    waiting = {t._seq: t for t in list(_RETAINING)}
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


def _torch_name(node):
    """The name PyTorch gives the backward of the op that made ``node``.
    One engine primitive can be several PyTorch kernels (matmul is dot, mv,
    mm or a batched product by the inputs' dimensions; indexing is select
    or slice), so the name is read off the node, not only its primitive."""
    op = node._op
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
    return op.torch_name


_MATMUL_NAMES = {(1, 1): "DotBackward0", (2, 1): "MvBackward0", (1, 2): "SqueezeBackward4",
                 (2, 2): "MmBackward0"}


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
            raise TypeError(f"{type(self).__name__}() decorates a function; got "
                            f"{type(func).__name__}")
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
        STATE.grad_enabled = self._before     # as a decorator it changes nothing now

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


def _gradients_of(outputs, inputs, grad_outputs, retain_graph, create_graph,
                  allow_unused=False, materialize_grads=False):
    """The gradients of sum_i <grad_outputs[i], outputs[i]> with respect to
    each input, checked and worded as PyTorch checks and words them."""
    for i, out in enumerate(outputs):
        if not isinstance(out, av.Tensor):
            raise TypeError(f"outputs must be tensors, got {type(out).__name__} at index {i}")
        if not out.requires_grad:
            raise RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn "
                f"(it was not computed from a tensor with requires_grad=True, or it was "
                f"computed under torch.no_grad())")
    for x in inputs:
        if not isinstance(x, av.Tensor):
            raise TypeError(f"inputs must be tensors, got {type(x).__name__}")
        if not x.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad "
                               "(create it with requires_grad=True, or call "
                               "x.requires_grad_() before computing with it)")
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    if len(grad_outputs) != len(outputs):
        raise RuntimeError(f"grad requires one grad_output per output: got "
                           f"{len(grad_outputs)} grad_outputs for {len(outputs)} outputs")
    seeds = []
    for i, (out, g) in enumerate(zip(outputs, grad_outputs)):
        if g is None:
            if out.numel() != 1:
                raise RuntimeError(
                    f"grad can be implicitly created only for scalar outputs: output {i} "
                    f"has shape {Size(out.shape)}; pass grad_outputs= of that shape (e.g. "
                    f"torch.ones_like(y)) or reduce it first with .sum()")
            g = np.ones(out.shape, out.data.dtype)
        elif tuple(np.shape(g)) != out.shape:
            raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of "
                               f"{Size(np.shape(g))} and output[{i}] has a shape of "
                               f"{Size(out.shape)}.")
        seeds.append(g)
    total = [None] * len(inputs)
    for k, (out, seed) in enumerate(zip(outputs, seeds)):
        # outputs may share a graph: only the last pass may free it
        last = k == len(outputs) - 1
        grads = av.gradients(out, inputs, seed, retain_graph=retain_graph or not last,
                             create_graph=create_graph)
        _fill_retained(out._trace)
        total = [g if t is None else (t if g is None else t + g) for t, g in zip(total, grads)]
    for i, (g, x) in enumerate(zip(total, inputs)):
        if g is None and materialize_grads:
            total[i] = zeros_like(x)
        elif g is None and not allow_unused:
            raise RuntimeError(
                f"The differentiated Tensor at index {i} appears to not have been used in "
                f"the graph. Set allow_unused=True if this is the desired behavior.")
    return [None if g is None else as_gradient(g, x) for g, x in zip(total, inputs)]


def _autograd_grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
                   only_inputs=True, allow_unused=None, is_grads_batched=False,
                   materialize_grads=False):
    """torch.autograd.grad: the gradients of ``outputs`` with respect to
    ``inputs``, as a tuple, without touching any leaf's ``.grad``."""
    if is_grads_batched:
        raise NotImplementedError("autograd_viz.torch: is_grads_batched=True is not "
                                  "supported; call torch.autograd.grad once per row")
    outputs, inputs = _as_list(outputs), _as_list(inputs)
    if grad_outputs is not None:
        grad_outputs = _as_list(grad_outputs)
    retain = create_graph if retain_graph is None else retain_graph
    grads = _gradients_of(outputs, inputs, grad_outputs, retain, create_graph,
                          allow_unused=builtins.bool(allow_unused),
                          materialize_grads=materialize_grads)
    return tuple(grads)


def _autograd_backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False,
                       inputs=None):
    """torch.autograd.backward: ``t.backward(g)`` for each pair, summed into ``.grad``."""
    tensors = _as_list(tensors)
    grad_tensors = [None] * len(tensors) if grad_tensors is None else _as_list(grad_tensors)
    for k, (t, g) in enumerate(zip(tensors, grad_tensors)):
        last = k == len(tensors) - 1
        keep = (create_graph if retain_graph is None else retain_graph) or not last
        t.backward(g, retain_graph=keep, create_graph=create_graph, inputs=inputs)


autograd = SimpleNamespace(grad=_autograd_grad, backward=_autograd_backward,
                           no_grad=no_grad, enable_grad=enable_grad,
                           set_grad_enabled=set_grad_enabled)

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
