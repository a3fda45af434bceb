"""Activations and losses written once with the engine's functions, for every
dialect: a result takes the flavour of its input (a torch tensor gives a torch
tensor), and its derivative comes from the engine's primitives.

Where a composed form would get a derivative wrong at a kink, the branch is
taken by a constant mask, which is what the frameworks' own rules do there.
"""

from __future__ import annotations

import math

import numpy as np

import autograd_viz as av

from ..engine.graph import as_plain


def constant(values, like):
    """A constant (no gradient) of ``like``'s flavour and dtype."""
    return type(like)._plain(np.asarray(values, dtype=like.data.dtype))


def softmax(x, axis=-1):
    e = av.exp(x - av.max(x, axis, True).detach())
    return e / av.sum(e, axis, True)


def log_softmax(x, axis=-1):
    shifted = x - av.max(x, axis, True).detach()
    return shifted - av.log(av.sum(av.exp(shifted), axis, True))


def leaky_relu(x, slope):
    """x where x > 0, slope·x elsewhere (the slope also at 0, as the frameworks have it)."""
    return x * constant(np.where(np.asarray(x.data) > 0, 1.0, slope), x)


def softplus(x):
    """log(1 + eˣ) = x·[x ≥ 0] + log(1 + e^(−|x|)), without overflow; the branch
    masks are constants, so the derivative at 0 is ½, as it should be."""
    up = np.asarray(x.data) >= 0
    return x * constant(up, x) + av.log(1 + av.exp(-(x * constant(np.where(up, 1.0, -1.0), x))))


def sigmoid_cross_entropy(z, y):
    """log(1 + eᶻ) − y·z, elementwise: the cross entropy of labels y and logits z."""
    return softplus(z) - z * y


def pick(x, labels, axis=-1):
    """x[..., labels[...], ...] along ``axis`` (integer labels, one per row)."""
    labels = np.asarray(as_plain(labels))
    if labels.dtype.kind not in "iu":
        raise TypeError(
            f"the labels must be class indices (integers), got {labels.dtype}; "
            f"for class probabilities pass a float array of the logits' shape"
        )
    axis %= x.ndim
    where = list(np.indices(labels.shape))
    where.insert(axis, labels)
    return x[tuple(where)]


def floor_at(x, low):
    """max(x, low) with the gradient 0 below ``low`` (PyTorch's clamp of a log at −100)."""
    below = np.asarray(x.data) < low
    if not below.any():
        return x
    return x * constant(~below, x) + constant(np.where(below, low, 0.0), x)


def one_hot(labels, depth, dtype):
    labels = np.asarray(as_plain(labels))
    return (labels[..., None] == np.arange(depth)).astype(dtype)


def variance(x, axis=None, correction=0, keepdims=False):
    """The mean squared distance from the mean, divided by n − correction."""
    d = x - av.mean(x, axis, True)
    n = int(np.prod([x.shape[a] for a in _axes(axis, x.ndim)]))
    return av.sum(d * d, axis, keepdims) / (n - correction)


def std(x, axis=None, correction=0, keepdims=False, zero_safe=False):
    """√variance.  With ``zero_safe`` (PyTorch) its gradient is 0, not nan,
    where every entry is the same (the variance 0): the root is then taken of
    variance + 1, less 1, which has the same value and a finite derivative."""
    v = variance(x, axis, correction, keepdims)
    flat = np.asarray(v.data) == 0
    if not (zero_safe and flat.any()):
        return av.sqrt(v)
    shift = constant(flat, v)
    return av.sqrt(v + shift) - shift


def _axes(axis, ndim):
    if axis is None:
        return range(ndim)
    return [a % ndim for a in ((axis,) if isinstance(axis, int) else axis)]


def gelu(x, approximate=False):
    """x·Φ(x), Φ the standard normal distribution function (through erf), or
    its tanh approximation."""
    if approximate:
        c = math.sqrt(2 / math.pi)
        return 0.5 * x * (1 + av.tanh(c * (x + 0.044715 * x * x * x)))
    return 0.5 * x * (1 + av.erf(x / math.sqrt(2)))


def take_along(x, indices, axis):
    """x's entries at ``indices`` along ``axis`` (torch.gather, take_along_axis)."""
    indices = np.asarray(as_plain(indices))
    axis %= x.ndim
    where = list(np.indices(indices.shape, sparse=True))
    where[axis] = indices
    return x[tuple(where)]


def take(x, indices, axis=None):
    """Entries (axis None: of the flattened x) or slices along ``axis`` at ``indices``."""
    indices = np.asarray(as_plain(indices))
    if axis is None:
        return av.reshape(x, (-1,))[indices]
    return x[(slice(None),) * (axis % x.ndim) + (indices,)]


def uniform(shape, low=0.0, high=1.0):
    """Uniform samples on [low, high) from the engine's generator (seeded by
    each framework's seed function): its normal samples through the normal
    distribution function."""
    z = np.asarray(av.randn(*shape).data, dtype=np.float64) if shape else av.randn().item()
    u = 0.5 * (1 + np.vectorize(math.erf)(np.asarray(z) / math.sqrt(2)))
    return low + (high - low) * u
