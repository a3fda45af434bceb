"""More of ``jax.numpy`` on the dialect: take, tensordot, std and var,
written with the dialect's arrays and the engine's primitives."""

from __future__ import annotations

import sys

import autograd_viz as av

from ..engine import ops
from . import _nn

jnp = sys.modules["autograd_viz.jax.numpy"]


def take(a, indices, axis=None, mode=None, fill_value=None):
    """Entries of ``a`` at ``indices`` (of the flattened a, or along ``axis``)."""
    return _nn.take(jnp.asarray(a), jnp.asarray(indices), axis)


def tensordot(a, b, axes=2):
    """The sum of products over ``axes`` (an int: a's last n against b's first n)."""
    a, b = jnp.asarray(a), jnp.asarray(b)
    return jnp.einsum(ops.tensordot_subscripts(a.ndim, b.ndim, axes), a, b)


def var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
    x = av.astype(jnp.asarray(a), "float32") if jnp.asarray(a).dtype.kind != "f" else a
    return _nn.variance(jnp.asarray(x), axis, ddof, keepdims)


def std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
    return jnp.sqrt(var(a, axis, dtype, out, ddof, keepdims))


def extend(namespace):
    namespace.update(take=take, tensordot=tensordot, var=var, std=std)
