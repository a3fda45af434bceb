"""PyTorch's training kit on the dialect: ``torch.nn`` (Parameter, Module,
Linear, Sequential, activation modules, MSELoss, CrossEntropyLoss),
``torch.nn.functional`` (activations and losses) and ``torch.optim.SGD``, plus
``grad_fn.next_functions``.

Every function here is written with the dialect's tensors and the engine's
primitives, so backward, forward mode and the diagrams work through it with
no derivative of its own.  Where a composed form would get a derivative wrong
at a kink (softplus at 0, leaky_relu at 0), the branch is taken by a constant
mask, which is what PyTorch's own rule does there.
"""

from __future__ import annotations

import math
import sys
import types
from collections import OrderedDict

import numpy as np

import autograd_viz as av

from ..engine import custom, ops
from ..engine.graph import as_plain
from . import _nn

# the dialect module (complete() runs at its end, so every name is defined)
torch = sys.modules["autograd_viz.torch"]
Tensor = torch.Tensor


def _t(x):
    return x if isinstance(x, av.Tensor) else torch.tensor(x)


def _named(out, name):
    """Print the op that made ``out`` under PyTorch's name for the whole function."""
    if out._op is not None:
        out._torch_fn = name
    return out


def _reduce(loss, reduction, who):
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise ValueError(f"{who}: {reduction} is not a valid value for reduction")


# ------------------------------------------------------------------ torch.nn.functional


def relu(input, inplace=False):
    return torch.relu(input)


def sigmoid(input):
    return torch.sigmoid(input)


def tanh(input):
    return torch.tanh(input)


def softmax(input, dim=None, dtype=None):
    return _named(_nn.softmax(_t(input), -1 if dim is None else dim), "SoftmaxBackward0")


def log_softmax(input, dim=None, dtype=None):
    return _named(_nn.log_softmax(_t(input), -1 if dim is None else dim), "LogSoftmaxBackward0")


def leaky_relu(input, negative_slope=0.01, inplace=False):
    return _named(_nn.leaky_relu(_t(input), negative_slope), "LeakyReluBackward0")


def softplus(input, beta=1.0, threshold=20.0):
    x = _t(input)
    return _nn.softplus(x * beta) / beta if beta != 1 else _nn.softplus(x)


def linear(input, weight, bias=None):
    """input @ weightᵀ + bias."""
    out = torch.matmul(_t(input), weight.t() if weight.ndim == 2 else weight)
    return out if bias is None else out + bias


def mse_loss(input, target, reduction="mean"):
    d = _t(input) - target
    return _named(_reduce(d * d, reduction, "mse_loss"), "MseLossBackward0")


def l1_loss(input, target, reduction="mean"):
    return _reduce(torch.abs(_t(input) - target), reduction, "l1_loss")


def _pick(logp, target):
    """logp[i, target[i]] for each row (the classes along axis 1, or 0 for one sample)."""
    return _nn.pick(logp, target, 0 if logp.ndim == 1 else 1)


def nll_loss(input, target, reduction="mean"):
    """−input[i, target[i]], averaged: input holds log-probabilities."""
    return _named(_reduce(-_pick(_t(input), target), reduction, "nll_loss"), "NllLossBackward0")


def cross_entropy(input, target, reduction="mean", label_smoothing=0.0):
    """log_softmax over the classes (axis 1, or 0 for one sample) then the
    negative log-likelihood of the target classes (or of class probabilities)."""
    x = _t(input)
    if label_smoothing:
        raise NotImplementedError(
            "autograd_viz.torch: cross_entropy(label_smoothing=...) is not provided; "
            "mix the targets yourself and pass class probabilities"
        )
    logp = log_softmax(x, dim=0 if x.ndim == 1 else 1)
    target_data = np.asarray(as_plain(target))
    if target_data.dtype.kind == "f":  # class probabilities
        return _reduce(-(logp * target).sum(0 if x.ndim == 1 else 1), reduction, "cross_entropy")
    return _named(_reduce(-_pick(logp, target), reduction, "cross_entropy"), "NllLossBackward0")


def binary_cross_entropy(input, target, reduction="mean"):
    """−(y·log p + (1 − y)·log(1 − p)); like PyTorch, each log is at least −100."""
    p = _t(input)
    logs = [torch.log(p), torch.log(1 - p)]
    logs = [_nn.floor_at(v, -100.0) for v in logs]
    return _reduce(-(target * logs[0] + (1 - target) * logs[1]), reduction, "binary_cross_entropy")


def binary_cross_entropy_with_logits(input, target, reduction="mean"):
    """log(1 + eᶻ) − y·z, computed without overflow."""
    z = _t(input)
    loss = _nn.sigmoid_cross_entropy(z, _t(target))
    return _reduce(loss, reduction, "binary_cross_entropy_with_logits")


def one_hot(tensor, num_classes=-1):
    labels = np.asarray(as_plain(tensor))
    n = int(labels.max()) + 1 if num_classes == -1 else num_classes
    return Tensor._plain(_nn.one_hot(labels, n, np.int64))


# ------------------------------------------------------------------ torch: more of its core


def full(size, fill_value, dtype=None, requires_grad=False):
    return _fresh(np.full(tuple(size), fill_value), dtype, requires_grad)


def eye(n, m=None, dtype=None, requires_grad=False):
    return _fresh(np.eye(n, m), dtype, requires_grad)


def linspace(start, end, steps, dtype=None, requires_grad=False):
    return _fresh(np.linspace(start, end, steps), dtype, requires_grad)


def _fresh(values, dtype, requires_grad):
    from .._dialect import fresh

    return fresh(Tensor, values, dtype, requires_grad)


def pow(input, exponent):
    return _t(input) ** exponent


def square(input):
    x = _t(input)
    return x * x


def argmax(input, dim=None, keepdim=False):
    data = np.asarray(_t(input).data)
    if dim is None:
        return Tensor._plain(np.asarray(np.argmax(data), dtype=np.int64))
    out = np.argmax(data, axis=dim)
    return Tensor._plain((np.expand_dims(out, dim) if keepdim else out).astype(np.int64))


def mv(input, vec):
    return torch.matmul(input, vec)


def outer(input, vec2):
    return torch.reshape(_t(input), (-1, 1)) * torch.reshape(_t(vec2), (1, -1))


def transpose(input, dim0, dim1):
    x = _t(input)
    axes = list(range(x.ndim))
    axes[dim0], axes[dim1] = axes[dim1], axes[dim0]
    return av.transpose(x, tuple(axes))


def unsqueeze(input, dim):
    x = _t(input)
    return x.reshape(np.expand_dims(np.empty(x.shape, dtype=bool), dim).shape)


def squeeze(input, dim=None):
    x = _t(input)
    if dim is None:
        shape = tuple(n for n in x.shape if n != 1)
    else:
        dims = {d % max(x.ndim, 1) for d in (dim if isinstance(dim, (tuple, list)) else (dim,))}
        shape = tuple(n for i, n in enumerate(x.shape) if not (i in dims and n == 1))
    return x.reshape(shape)


def flatten(input, start_dim=0, end_dim=-1):
    x = _t(input)
    if x.ndim == 0:
        return x.reshape(1)
    start, end = start_dim % x.ndim, end_dim % x.ndim
    return x.reshape(x.shape[:start] + (-1,) + x.shape[end + 1 :])


def stack(tensors, dim=0):
    tensors = [_t(t) for t in tensors]
    return torch.cat([unsqueeze(t, dim) for t in tensors], dim if dim >= 0 else dim)


def clamp(input, min=None, max=None):
    """input held between min and max (None: no bound); at a bound the
    gradient goes through, as in PyTorch."""
    x = _t(input)
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if min is not None:
        x = av.maximum(x, min, ties="a")
    if max is not None:
        x = av.minimum(x, max, ties="a")
    return _named(x, "ClampBackward1")


def _correction(unbiased, correction):
    if correction is not None:
        return correction
    return 1 if unbiased is None or unbiased else 0


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """The variance along ``dim`` (all entries by default), divided by n − correction (1)."""
    out = _nn.variance(_t(input), dim, _correction(unbiased, correction), keepdim)
    return _named(out, "VarBackward0")


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    out = _nn.std(_t(input), dim, _correction(unbiased, correction), keepdim, zero_safe=True)
    return _named(out, "StdBackward0")


def gather(input, dim, index):
    """out[i][j] = input[i][index[i][j]] for dim=1 (and so on): entries along ``dim``."""
    return _named(_nn.take_along(_t(input), index, dim), "GatherBackward0")


def tensordot(a, b, dims=2):
    a, b = _t(a), _t(b)
    return torch.einsum(ops.tensordot_subscripts(a.ndim, b.ndim, dims), a, b)


def bmm(input, mat2):
    """A batch of matrix products: (b, n, m) @ (b, m, p)."""
    a, b = _t(input), _t(mat2)
    if a.ndim != 3 or b.ndim != 3:
        raise RuntimeError(
            "batch1 must be a 3D tensor" if a.ndim != 3 else "batch2 must be a 3D tensor"
        )
    return _named(torch.matmul(a, b), "BmmBackward0")


def rand(*size, dtype=None, requires_grad=False):
    """Uniform samples on [0, 1), from the engine's generator (torch.manual_seed)."""
    return _fresh(_nn.uniform(torch._size(size, None)), dtype, requires_grad)


def from_numpy(ndarray):
    """A tensor of the array's values and dtype."""
    return Tensor(np.asarray(ndarray))


def gelu(input, approximate="none"):
    """x·Φ(x) through erf, or with approximate='tanh' its tanh approximation."""
    return _named(_nn.gelu(_t(input), approximate == "tanh"), "GeluBackward0")


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, **unused):
    """torch.autograd.functional.jacobian: d func / d inputs (one Jacobian per
    input when ``inputs`` is a tuple), by reverse mode."""
    several = isinstance(inputs, tuple)
    args = inputs if several else (inputs,)
    out = torch.func.jacrev(func, argnums=tuple(range(len(args))))(*args)
    return tuple(out) if several else out[0]


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, **unused):
    """True when func's gradients match finite differences (av.gradcheck)."""
    inputs = inputs if isinstance(inputs, (tuple, list)) else (inputs,)
    try:
        return av.gradcheck(func, *inputs)
    except AssertionError:
        if raise_exception:
            raise
        return False


# ------------------------------------------------------------------ torch.nn


class _ParameterKind(type):
    # nn.Parameter(x) makes an ordinary torch tensor marked as a parameter,
    # so what is computed from it is a plain tensor, as in PyTorch; this
    # makes isinstance(p, nn.Parameter) still tell parameters apart
    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.__dict__.get("_parameter", False)


class Parameter(metaclass=_ParameterKind):
    """``nn.Parameter(data)``: a leaf tensor that requires a gradient and that a
    Module lists among its parameters."""

    def __new__(cls, data=None, requires_grad=True):
        values = np.zeros(0, np.float32) if data is None else np.array(np.asarray(data))
        p = Tensor(values, requires_grad=requires_grad)
        p._parameter = True
        return p


class Module:
    """The base of every layer: parameters and submodules assigned as attributes
    are registered (in order), ``module(x)`` calls ``forward(x)``."""

    def __init__(self):
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "training", True)

    def __setattr__(self, name, value):
        if "_parameters" not in self.__dict__:
            raise AttributeError(
                "cannot assign parameters or submodules before Module.__init__() call: "
                "start your __init__ with super().__init__()"
            )
        self._parameters.pop(name, None)
        self._modules.pop(name, None)
        if isinstance(value, Parameter):
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._modules[name] = value
        object.__setattr__(self, name, value)

    def forward(self, *args):
        raise NotImplementedError(
            f'Module [{type(self).__name__}] is missing the required "forward" function'
        )

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def named_parameters(self, prefix="", recurse=True):
        seen = set()
        for name, module in self.named_modules(prefix) if recurse else [(prefix, self)]:
            for pname, p in module._parameters.items():
                if id(p) not in seen:
                    seen.add(id(p))
                    yield (f"{name}.{pname}" if name else pname), p

    def parameters(self, recurse=True):
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_children(self):
        yield from self._modules.items()

    def children(self):
        for _, m in self.named_children():
            yield m

    def named_modules(self, prefix=""):
        yield prefix, self
        for name, m in self._modules.items():
            yield from m.named_modules(f"{prefix}.{name}" if prefix else name)

    def modules(self):
        for _, m in self.named_modules():
            yield m

    def zero_grad(self, set_to_none=True):
        for p in self.parameters():
            if set_to_none:
                p.grad = None
            elif p.grad is not None:
                p.grad.zero_()

    def train(self, mode=True):
        for m in self.modules():
            object.__setattr__(m, "training", bool(mode))
        return self

    def eval(self):
        return self.train(False)

    def extra_repr(self):
        return ""

    def __repr__(self):
        lines = [f"({name}): " + repr(m).replace("\n", "\n  ") for name, m in self._modules.items()]
        head = f"{type(self).__name__}({self.extra_repr()}"
        if not lines:
            return head + ")"
        return head + "\n  " + "\n  ".join(lines) + "\n)"


def _uniform(shape, bound):
    """Uniform samples on [−bound, bound] (torch.manual_seed seeds them)."""
    return _nn.uniform(shape, -bound, bound).astype(np.float32)


class Linear(Module):
    """y = x Wᵀ + b, W of shape (out_features, in_features), both drawn from
    U(−1/√in, 1/√in) as PyTorch initialises them."""

    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        bound = 1 / math.sqrt(in_features) if in_features else 0.0
        self.weight = Parameter(_uniform((out_features, in_features), bound))
        self.bias = Parameter(_uniform((out_features,), bound)) if bias else None

    def forward(self, input):
        return linear(input, self.weight, self.bias)

    def extra_repr(self):
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


class Sequential(Module):
    """The modules given, applied one after the other."""

    def __init__(self, *modules):
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], OrderedDict):
            modules = list(modules[0].items())
        else:
            modules = [(str(i), m) for i, m in enumerate(modules)]
        for name, m in modules:
            setattr(self, name, m)

    def forward(self, input):
        for m in self._modules.values():
            input = m(input)
        return input

    def __getitem__(self, i):
        return list(self._modules.values())[i]

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())


def _activation(name, fn):
    return type(name, (Module,), {"forward": lambda self, input: fn(input), "__doc__": name})


ReLU = _activation("ReLU", relu)
Sigmoid = _activation("Sigmoid", sigmoid)
Tanh = _activation("Tanh", tanh)


class _Loss(Module):
    def __init__(self, reduction="mean"):
        super().__init__()
        self.reduction = reduction


class MSELoss(_Loss):
    def forward(self, input, target):
        return mse_loss(input, target, self.reduction)


class CrossEntropyLoss(_Loss):
    def forward(self, input, target):
        return cross_entropy(input, target, self.reduction)


# ------------------------------------------------------------------ torch.optim


class SGD:
    """Stochastic gradient descent: p ← p − lr·(grad + weight_decay·p), with
    momentum when asked (PyTorch's form: buf ← momentum·buf + grad)."""

    def __init__(self, params, lr=1e-3, momentum=0, weight_decay=0):
        self.params = list(params)
        if not self.params:
            raise ValueError("optimizer got an empty parameter list")
        if lr < 0:
            raise ValueError(f"Invalid learning rate: {lr}")
        self.lr, self.momentum, self.weight_decay = lr, momentum, weight_decay
        self._buffers = {}

    def zero_grad(self, set_to_none=True):
        for p in self.params:
            if set_to_none:
                p.grad = None
            elif p.grad is not None:
                p.grad.zero_()

    def step(self):
        with torch.no_grad():
            for p in self.params:
                if p.grad is None:
                    continue
                d = np.asarray(p.grad.data, dtype=np.asarray(p.data).dtype)
                if self.weight_decay:
                    d = d + self.weight_decay * np.asarray(p.data)
                if self.momentum:
                    buf = self._buffers.get(id(p))
                    buf = d if buf is None else self.momentum * buf + d
                    self._buffers[id(p)] = d = buf
                new = np.asarray(p.data) - self.lr * d
                p.data = new.astype(np.asarray(p.data).dtype)[()]


# ------------------------------------------------------------------ grad_fn.next_functions


class _AccumulateGrad:
    def __init__(self, variable):
        self.variable = variable

    def name(self):
        return "torch::autograd::AccumulateGrad"

    def __repr__(self):
        return "<AccumulateGrad object>"


def _next_functions(self):
    """((node, 0), ...) for each input of this op, as PyTorch lists them: the
    op that made it, AccumulateGrad for a leaf that requires a gradient, None
    for a constant."""
    out = []
    for p in self._node._parents:
        if p._op is not None:
            out.append((p.grad_fn, 0))
        elif p.requires_grad:
            out.append((_AccumulateGrad(p), 0))
        else:
            out.append((None, 0))
    return tuple(out)


def _grad_fn(self):
    """The op that made this value, named as PyTorch names its backward."""
    if self._op is None:
        return None
    fn = torch._GradFn(torch._torch_name(self))
    fn._node = self
    return fn


def _parameter_repr(plain):
    def __repr__(self):
        text = plain(self)
        return "Parameter containing:\n" + text if self.__dict__.get("_parameter") else text

    return __repr__


# ------------------------------------------------------------------ torch.autograd.Function


class FunctionCtx:
    """What forward leaves for backward (and jvp): saved tensors, and any
    attribute the user sets."""

    def __init__(self, needs_input_grad):
        self.needs_input_grad = needs_input_grad
        self.saved_tensors = ()
        self.materialize_grads = True

    def save_for_backward(self, *tensors):
        self.saved_tensors = tuple(tensors)

    def save_for_forward(self, *tensors):
        self.saved_for_forward = tuple(tensors)

    def mark_non_differentiable(self, *args):
        pass  # the outputs' gradients are ignored anyway where nothing uses them

    def mark_dirty(self, *args):
        pass

    def set_materialize_grads(self, value):
        self.materialize_grads = bool(value)


_NO_JVP = (
    NotImplementedError,
    "You must implement the jvp function for custom autograd.Function to use it with "
    "forward mode AD.",
)


class Function:
    """torch.autograd.Function: an op with derivative rules of your own.

    Subclass it with ``forward(ctx, *args)`` (or ``forward(*args)`` and
    ``setup_context(ctx, inputs, output)``), ``backward(ctx, *grad_outputs)``
    giving one gradient per argument, and, for forward mode, ``jvp(ctx,
    *grad_inputs)``; call it as ``MyFn.apply(*args)``.  forward runs with
    recording off; the call is one node of the graph, drawn under the class's
    name, whose backward step shows what your backward returned."""

    @staticmethod
    def forward(*args, **kwargs):
        raise NotImplementedError(
            "You must implement the forward function for custom autograd.Function."
        )

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your custom "
            "autograd.Function to use it with backward mode AD."
        )

    vjp = backward

    @staticmethod
    def jvp(ctx, *grad_inputs):
        raise _NO_JVP[0](_NO_JVP[1])

    @classmethod
    def apply(cls, *args, **kwargs):
        positions = [i for i, a in enumerate(args) if isinstance(a, av.Tensor)]
        ctx = FunctionCtx(tuple(isinstance(a, av.Tensor) and a.requires_grad for a in args))
        new_style = cls.setup_context is not Function.setup_context
        with custom.paused():
            out = cls.forward(*args, **kwargs) if new_style else cls.forward(ctx, *args, **kwargs)
            if new_style:
                cls.setup_context(ctx, args, out)
        several = isinstance(out, tuple)
        outs = list(out) if several else [out]

        def backward(cotangents):
            grads = cls.backward(ctx, *cotangents)
            grads = list(grads) if isinstance(grads, tuple) else [grads]
            if len(grads) != len(args):
                raise RuntimeError(
                    f"function {cls.__name__}Backward returned an incorrect number of "
                    f"gradients (expected {len(args)}, got {len(grads)})"
                )
            return [grads[i] for i in positions]

        def tangent(primals, tangents):
            full = [None] * len(args)
            for i, t in zip(positions, tangents):
                full[i] = t
            # in jvp, ctx.saved_tensors are what forward gave save_for_forward
            saved = ctx.saved_tensors
            ctx.saved_tensors = getattr(ctx, "saved_for_forward", saved)
            try:
                out = cls.jvp(ctx, *full)
            finally:
                ctx.saved_tensors = saved
            return list(out) if isinstance(out, tuple) else [out]

        has_jvp = cls.jvp is not Function.jvp
        rule = f"{cls.__name__}.backward" + (f", {cls.__name__}.jvp" if has_jvp else "")
        results = custom.call(
            cls.__name__,
            Tensor,
            [args[i] for i in positions],
            [np.asarray(_t(o).data) for o in outs],
            backward=backward,
            tangent=tangent if has_jvp else None,
            rule=rule,
            missing={"forward": _NO_JVP},
        )
        for r in results:
            if r._op is not None:
                r._torch_fn = f"{cls.__name__}Backward"
        # what forward saved of its own outputs is the recorded output, so a
        # backward differentiated again (create_graph) follows it
        made = {id(o): r for o, r in zip(outs, results)}
        ctx.saved_tensors = tuple(made.get(id(x), x) for x in ctx.saved_tensors)
        return tuple(results) if several else results[0]


# ------------------------------------------------------------------ into the dialect


def _module(name, doc, **names):
    module = types.ModuleType(f"autograd_viz.torch.{name}", doc)
    module.__dict__.update(names)
    sys.modules[module.__name__] = module
    return module


def extend(namespace):
    functional = _module(
        "nn.functional",
        "torch.nn.functional: activations and losses, written with the dialect's ops.",
        relu=relu,
        sigmoid=sigmoid,
        tanh=tanh,
        softmax=softmax,
        log_softmax=log_softmax,
        leaky_relu=leaky_relu,
        softplus=softplus,
        linear=linear,
        mse_loss=mse_loss,
        l1_loss=l1_loss,
        cross_entropy=cross_entropy,
        nll_loss=nll_loss,
        binary_cross_entropy=binary_cross_entropy,
        binary_cross_entropy_with_logits=binary_cross_entropy_with_logits,
        one_hot=one_hot,
    )
    namespace["nn"] = _module(
        "nn",
        "torch.nn: the minimal training kit.",
        functional=functional,
        Parameter=Parameter,
        Module=Module,
        Linear=Linear,
        Sequential=Sequential,
        ReLU=ReLU,
        Sigmoid=Sigmoid,
        Tanh=Tanh,
        MSELoss=MSELoss,
        CrossEntropyLoss=CrossEntropyLoss,
    )
    namespace["optim"] = _module("optim", "torch.optim: SGD.", SGD=SGD)
    for f in (full, eye, linspace, pow, square, argmax, mv, outer, transpose, unsqueeze, squeeze):
        namespace[f.__name__] = f
    namespace.update(flatten=flatten, stack=stack)
    for f in (clamp, var, std, gather, tensordot, bmm, rand, from_numpy):
        namespace[f.__name__] = f
    namespace["clip"] = clamp
    functional.gelu = gelu
    namespace["autograd"].functional = _module(
        "autograd.functional", "torch.autograd.functional: jacobian.", jacobian=jacobian
    )
    Tensor.clamp = Tensor.clip = lambda self, min=None, max=None: clamp(self, min, max)
    Tensor.std = lambda self, dim=None, unbiased=None, keepdim=False, *, correction=None: std(
        self, dim, unbiased, keepdim, correction=correction
    )
    Tensor.var = lambda self, dim=None, unbiased=None, keepdim=False, *, correction=None: var(
        self, dim, unbiased, keepdim, correction=correction
    )
    Tensor.gather = lambda self, dim, index: gather(self, dim, index)
    namespace["autograd"].gradcheck = gradcheck
    namespace["autograd"].Function = Function
    # a parameter prints as PyTorch prints it; grad_fn.next_functions needs
    # the node behind the name
    Tensor.__repr__ = _parameter_repr(Tensor.__repr__)
    torch._GradFn.next_functions = property(_next_functions)
    Tensor.grad_fn = property(_grad_fn, doc=_grad_fn.__doc__)
