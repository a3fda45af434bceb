"""More of MXNet's numpy interface on the dialect: npx's activations and
losses helpers, a few creation functions, ``npx.random.seed`` and
``autograd.mark_variables``; written with the dialect's arrays and the
engine's primitives."""

from __future__ import annotations

import sys
from types import SimpleNamespace

import numpy as onp

import autograd_viz as av

from .._dialect import fresh, lift
from ..engine import ops
from ..engine.tensor import concatenate as concatenate_arrays
from ..engine.tensor import stack as stack_arrays
from . import _nn

mx = sys.modules["autograd_viz.mxnet"]
ndarray = mx.ndarray


def _x(x):
    return lift(ndarray, x)


def softmax(data, axis=-1):
    return _nn.softmax(_x(data), axis)


def log_softmax(data, axis=-1):
    return _nn.log_softmax(_x(data), axis)


def pick(data, index, axis=-1, keepdims=False):
    """data[..., index[...], ...] along ``axis``: one entry per row."""
    out = _nn.pick(_x(data), onp.asarray(_x(index).data).astype(onp.int64), axis)
    return out.reshape(onp.expand_dims(onp.empty(out.shape), axis).shape) if keepdims else out


def one_hot(data, depth, on_value=1.0, off_value=0.0, dtype="float32"):
    hot = _nn.one_hot(onp.asarray(_x(data).data).astype(onp.int64), depth, onp.float64)
    return fresh(ndarray, hot * (on_value - off_value) + off_value, dtype)


def leaky_relu(data, act_type="leaky", slope=0.25):
    if act_type != "leaky":
        raise NotImplementedError(
            f"npx.leaky_relu(act_type={act_type!r}): only 'leaky' is provided"
        )
    return _nn.leaky_relu(_x(data), slope)


def fully_connected(x, weight, bias=None, num_hidden=None, no_bias=False, flatten=True):
    """x · weightᵀ + bias (x flattened to 2-D first, as MXNet does by default)."""
    x = _x(x)
    if flatten and x.ndim > 2:
        x = x.reshape(x.shape[0], -1)
    out = av.matmul(x, weight.T)
    return out if no_bias or bias is None else out + bias


def square(x):
    x = _x(x)
    return x * x


def power(x1, x2):
    return _x(x1) ** x2


def full(shape, fill_value, dtype=None):
    return fresh(ndarray, onp.full(shape, fill_value), dtype or onp.float32)


def eye(N, M=None, k=0, dtype=None):
    return fresh(ndarray, onp.eye(N, M, k), dtype or onp.float32)


def linspace(start, stop, num=50, endpoint=True, dtype=None):
    return fresh(ndarray, onp.linspace(start, stop, num, endpoint=endpoint), dtype or onp.float32)


def clip(a, a_min, a_max):
    """a held between a_min and a_max (None: no bound); at a bound the
    gradient goes through, as MXNet's rule has it."""
    x = _x(a)
    if a_min is not None:
        x = av.maximum(x, a_min, ties="a")
    if a_max is not None:
        x = av.minimum(x, a_max, ties="a")
    return x


_ACTIVATIONS = {
    "relu": lambda x: mx.npx.relu(x),
    "sigmoid": lambda x: mx.npx.sigmoid(x),
    "tanh": lambda x: mx.np.tanh(x),
    "softrelu": _nn.softplus,
    "softsign": lambda x: x / (1 + mx.np.abs(x)),
}


def activation(data, act_type, **unused):
    """npx.activation: relu, sigmoid, tanh, softrelu (log(1 + eˣ)) or softsign;
    act_type has no default, as in MXNet."""
    if act_type not in _ACTIVATIONS:
        raise ValueError(
            f"npx.activation(act_type={act_type!r}): act_type is one of "
            f"{', '.join(map(repr, _ACTIVATIONS))}"
        )
    return _ACTIVATIONS[act_type](_x(data))


def argmax(a, axis=None, out=None):
    return ndarray._plain(onp.asarray(onp.argmax(onp.asarray(_x(a).data), axis=axis), onp.int64))


def tensordot(a, b, axes=2):
    a, b = _x(a), _x(b)
    return av.einsum(ops.tensordot_subscripts(a.ndim, b.ndim, axes), a, b)


def concatenate(seq, axis=0, out=None):
    return concatenate_arrays([_x(a) for a in seq], axis)


def stack(arrays, axis=0, out=None):
    return stack_arrays([_x(a) for a in arrays], axis)


def squeeze(x, axis=None):
    x = _x(x)
    return x.reshape(onp.squeeze(onp.empty(x.shape, dtype=bool), axis).shape)


def expand_dims(a, axis):
    x = _x(a)
    return x.reshape(onp.expand_dims(onp.empty(x.shape, dtype=bool), axis).shape)


def uniform(low=0.0, high=1.0, size=None, dtype=None, ctx=None, out=None):
    shape = () if size is None else ((size,) if isinstance(size, int) else tuple(size))
    return fresh(ndarray, _nn.uniform(shape, low, high), dtype or onp.float32)


def mark_variables(variables, gradients, grad_reqs="write"):
    """Each variable gets the given array as its gradient buffer, as attach_grad does."""
    variables = variables if isinstance(variables, (list, tuple)) else [variables]
    gradients = gradients if isinstance(gradients, (list, tuple)) else [gradients]
    for v, g in zip(variables, gradients):
        v.attach_grad(grad_reqs if isinstance(grad_reqs, str) else grad_reqs[0])
        v.grad = g


def extend(namespace):
    npx, np = namespace["npx"], namespace["np"]
    for f in (softmax, log_softmax, pick, one_hot, leaky_relu, fully_connected, activation):
        setattr(npx, f.__name__, f)
    npx.random = SimpleNamespace(seed=av.seed)
    for f in (square, power, full, eye, linspace, clip, argmax, tensordot):
        setattr(np, f.__name__, f)
    np.concatenate, np.stack, np.squeeze, np.expand_dims = concatenate, stack, squeeze, expand_dims
    np.random.uniform = uniform
    namespace["autograd"].mark_variables = mark_variables
