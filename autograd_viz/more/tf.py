"""More of TensorFlow's core on the dialect: tf.nn's activations and losses,
a few creation and shape functions, and ``GradientTape.batch_jacobian``;
written with the dialect's tensors and the engine's primitives."""

from __future__ import annotations

import builtins
import functools
import inspect
import sys

import numpy as np

import autograd_viz as av

from .._dialect import fresh, lift
from ..engine import custom
from ..engine.tensor import concatenate
from . import _nn

tf = sys.modules["autograd_viz.tf"]
Tensor = tf.Tensor


def _x(x):
    return lift(Tensor, x)


def softmax(logits, axis=None):
    return _nn.softmax(_x(logits), -1 if axis is None else axis)


def log_softmax(logits, axis=None):
    return _nn.log_softmax(_x(logits), -1 if axis is None else axis)


def leaky_relu(features, alpha=0.2):
    return _nn.leaky_relu(_x(features), alpha)


def softplus(features):
    return _nn.softplus(_x(features))


def l2_loss(t):
    """sum(t²) / 2."""
    t = _x(t)
    return av.sum(t * t) / 2


def softmax_cross_entropy_with_logits(labels, logits, axis=-1):
    """−Σ labels·log_softmax(logits) along ``axis``: one loss per example."""
    return -av.sum(_x(labels) * _nn.log_softmax(_x(logits), axis), axis)


def sparse_softmax_cross_entropy_with_logits(labels, logits):
    """−log_softmax(logits)[label]: one loss per example, labels as class indices."""
    return -_nn.pick(_nn.log_softmax(_x(logits), -1), labels, -1)


def sigmoid_cross_entropy_with_logits(labels=None, logits=None):
    return _nn.sigmoid_cross_entropy(_x(logits), _x(labels))


def square(x):
    x = _x(x)
    return x * x


def pow(x, y):
    return _x(x) ** y


def eye(num_rows, num_columns=None, dtype=np.float32):
    return fresh(Tensor, np.eye(num_rows, num_columns), dtype)


def fill(dims, value):
    """dims filled with value, of value's TensorFlow dtype (a Python float: float32)."""
    v = tf.constant(value)
    return Tensor(np.full(tuple(dims), v.data, dtype=v.data.dtype))


def linspace(start, stop, num):
    return fresh(Tensor, np.linspace(start, stop, num), np.float32)


def one_hot(indices, depth, dtype=np.float32):
    return fresh(Tensor, _nn.one_hot(indices, depth, np.float32), dtype)


def expand_dims(input, axis):
    x = _x(input)
    return x.reshape(np.expand_dims(np.empty(x.shape, dtype=bool), axis).shape)


def squeeze(input, axis=None):
    x = _x(input)
    return x.reshape(np.squeeze(np.empty(x.shape, dtype=bool), axis).shape)


def argmax(input, axis=None, output_type=np.int64):
    data = np.asarray(_x(input).data)
    return Tensor._plain(np.asarray(np.argmax(data, axis=0 if axis is None else axis), output_type))


def batch_jacobian(self, target, source, unconnected_gradients="none", **unused):
    """d target[i, ...] / d source[i, ...] for each example i of the batch: the
    diagonal blocks of tape.jacobian(target, source)."""
    full = self.jacobian(target, source, unconnected_gradients=unconnected_gradients)
    if full is None:
        return None
    n = target.shape[0]
    data = np.asarray(full.data)
    blocks = [data[(i,) + (builtins.slice(None),) * (target.ndim - 1) + (i,)] for i in range(n)]
    return Tensor._plain(np.stack(blocks).astype(data.dtype))


def _recording_reset(reset):
    def checked(self):
        if not self._recording:  # TensorFlow's words: reset works inside the tape's block
            raise ValueError("Tape is not recording.")
        return reset(self)

    checked.__doc__ = reset.__doc__
    return checked


def clip_by_value(t, clip_value_min, clip_value_max):
    """t held between the bounds; at a bound the gradient goes through, as in TensorFlow."""
    x = av.maximum(_x(t), clip_value_min, ties="a")
    return av.minimum(x, clip_value_max, ties="a")


def reduce_variance(input_tensor, axis=None, keepdims=False):
    return _nn.variance(_x(input_tensor), axis, 0, keepdims)


def reduce_std(input_tensor, axis=None, keepdims=False):
    return _nn.std(_x(input_tensor), axis, 0, keepdims)


def concat(values, axis):
    values = [_x(v) for v in values]
    return concatenate(values, axis % values[0].ndim)


def gather(params, indices, validate_indices=None, axis=None, batch_dims=0):
    """Slices of ``params`` along ``axis`` (0 by default) at ``indices``.  A
    tape's gradient for params is the dense tensor (TensorFlow hands back
    IndexedSlices, which tf.convert_to_tensor makes into that tensor)."""
    if batch_dims:
        raise NotImplementedError(
            "autograd_viz.tf: tf.gather(batch_dims=...) is not provided; index each "
            "example's slices yourself, or use tf.gather on each"
        )
    return _nn.take(_x(params), _x(indices), 0 if axis is None else axis)


def boolean_mask(tensor, mask, axis=None):
    """The entries (or slices along ``axis``) where ``mask`` holds."""
    mask = np.asarray(_x(mask).data, dtype=bool)
    if mask.ndim == 0:
        raise ValueError("mask cannot be scalar.")
    return _x(tensor)[(builtins.slice(None),) * (axis or 0) + (mask,)]


def shape(input, out_type=np.int32):
    return Tensor._plain(np.asarray(_x(input).shape, dtype=out_type))


def function(func=None, **options):
    """tf.function: here the function runs as it is, eagerly (nothing is
    traced or compiled), which gives the same values and gradients."""
    if func is None:
        return lambda f: function(f, **options)
    return functools.wraps(func)(lambda *args, **kwargs: func(*args, **kwargs))


def uniform(shape, minval=0, maxval=None, dtype=np.float32, seed=None):
    """Uniform samples on [minval, maxval) from the engine's generator (tf.random.set_seed)."""
    high = 1.0 if maxval is None else maxval
    return fresh(Tensor, _nn.uniform(tuple(shape), minval, high), dtype)


def gelu(features, approximate=False):
    return _nn.gelu(_x(features), approximate)


def custom_gradient(f=None):
    """tf.custom_gradient: ``f(*x)`` returns ``(y, grad_fn)``, and
    ``grad_fn(upstream)`` gives the gradient of each x.  The call is one node
    of the graph (drawn under f's name, its backward step showing what
    grad_fn returned); its forward-mode tangent is grad_fn transposed, as
    TensorFlow's ForwardAccumulator finds it."""
    if f is None:
        return custom_gradient

    @functools.wraps(f)
    def decorated(*args, **kwargs):
        xs = [_x(a) for a in args]
        with custom.paused():
            y, grad_fn = f(*xs, **kwargs)
        if "variables" in inspect.signature(grad_fn).parameters:
            raise NotImplementedError(
                "autograd_viz.tf: a custom gradient of tf.Variables used inside f "
                "(grad_fn(upstream, variables=...)) is not provided; pass them as arguments"
            )
        several = isinstance(y, (list, tuple))
        ys = list(y) if several else [y]

        def backward(cotangents):
            grads = grad_fn(*cotangents)
            return list(grads) if isinstance(grads, (list, tuple)) else [grads]

        outs = custom.call(
            f.__name__,
            Tensor,
            xs,
            [np.asarray(_x(v).data) for v in ys],
            backward=backward,
            rule=f"{grad_fn.__name__}(upstream)",
        )
        return type(y)(outs) if several else outs[0]

    return decorated


def extend(namespace):
    nn = namespace["nn"]
    for f in (softmax, log_softmax, leaky_relu, softplus, l2_loss):
        setattr(nn, f.__name__, f)
    nn.softmax_cross_entropy_with_logits = softmax_cross_entropy_with_logits
    nn.sparse_softmax_cross_entropy_with_logits = sparse_softmax_cross_entropy_with_logits
    nn.sigmoid_cross_entropy_with_logits = sigmoid_cross_entropy_with_logits
    for f in (square, pow, eye, fill, linspace, one_hot, expand_dims, squeeze, argmax):
        namespace[f.__name__] = f
    namespace["math"].square = square
    namespace["math"].softplus = softplus
    namespace["GradientTape"].batch_jacobian = batch_jacobian
    for f in (custom_gradient, clip_by_value, concat, gather, boolean_mask, shape, function):
        namespace[f.__name__] = f
    namespace["math"].reduce_std = reduce_std
    namespace["math"].reduce_variance = reduce_variance
    namespace["random"].uniform = uniform
    nn.gelu = gelu
    namespace["GradientTape"].reset = _recording_reset(namespace["GradientTape"].reset)
