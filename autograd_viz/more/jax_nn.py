"""More of ``jax.nn`` on the dialect: gelu and leaky_relu."""

from __future__ import annotations

import sys

from . import _nn

jnp = sys.modules["autograd_viz.jax.numpy"]


def gelu(x, approximate=True):
    """x·Φ(x); JAX's default is the tanh approximation."""
    return _nn.gelu(jnp.asarray(x) * 1.0, approximate)


def leaky_relu(x, negative_slope=0.01):
    """x where x ≥ 0, negative_slope·x elsewhere (JAX's where: slope 1 at 0)."""
    x = jnp.asarray(x)
    return jnp.where(x >= 0, x, negative_slope * x)


def extend(namespace):
    namespace.update(gelu=gelu, leaky_relu=leaky_relu)
