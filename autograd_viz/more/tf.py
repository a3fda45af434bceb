"""More of TensorFlow's core on the dialect: tf.nn's activations and losses,
a few creation and shape functions, and ``GradientTape.batch_jacobian``;
written with the dialect's tensors and the engine's primitives."""

from __future__ import annotations

import builtins
import sys

import numpy as np

import autograd_viz as av

from .._dialect import fresh, lift
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
    namespace["GradientTape"].reset = _recording_reset(namespace["GradientTape"].reset)
