"""``jax.nn`` of the JAX dialect: activations, built from the engine's ops."""

from __future__ import annotations

import autograd_viz as _av

from .. import scope as _scope
from .._dialect_messages import JAX
from . import _array
from . import numpy as jnp
from ._array import lift, unary
from ._transforms import stop_gradient


def relu(x):
    """max(x, 0); its derivative at 0 is taken as 0, as in JAX."""
    x = lift(x)
    return _array._keep_weak(_av.relu(x), x)


# sigmoid is made from the engine's (jax/_primitives.py)


def tanh(x):
    return jnp.tanh(x)


def softplus(x):
    """log(1 + eˣ), written max(x, 0) + log(1 + e^(−|x|)) so large x cannot overflow;
    the derivative at 0 is ½ (the tie of max shares it), as it should be."""
    x = _array._floating(lift(x))
    # |x| with the engine's derivative (0 at 0), not jnp.abs's (+1 at 0): with
    # maximum's shared tie that makes ½ at 0, softplus's own derivative there
    return jnp.maximum(x, 0.0) + jnp.log(1.0 + jnp.exp(-_array._keep_weak(_av.abs(x), x)))


def log_sigmoid(x):
    return -softplus(-lift(x))


def silu(x):
    x = lift(x)
    return x * unary(_av.sigmoid, x)


swish = silu


def softmax(x, axis=-1):
    x = _array._floating(lift(x))
    shifted = x - stop_gradient(jnp.max(x, axis=axis, keepdims=True))
    e = jnp.exp(shifted)
    return e / jnp.sum(e, axis=axis, keepdims=True)


def log_softmax(x, axis=-1):
    x = _array._floating(lift(x))
    shifted = x - stop_gradient(jnp.max(x, axis=axis, keepdims=True))
    return shifted - jnp.log(jnp.sum(jnp.exp(shifted), axis=axis, keepdims=True))


def logsumexp(a, axis=None, b=None, keepdims=False, return_sign=False):
    """log Σ exp(a), one op (its derivative is softmax(a)); ``b`` weights the terms."""
    if b is not None or return_sign:
        raise JAX.error(NotImplementedError, "logsumexp_b")
    return _array.reduction(_av.logsumexp, _array._floating(lift(a)), axis, keepdims)


def one_hot(x, num_classes, dtype=None):
    import numpy as np

    x = np.asarray(_array.as_numpy(lift(x)))
    dtype = _array.canonical(_array._dtype(dtype)) if dtype is not None else _array.FLOAT
    return _array.constant((x[..., None] == np.arange(num_classes)).astype(dtype))


# the names built in autograd_viz/more, and the error for the rest
_scope.complete(globals(), "jax", "jax.nn")
