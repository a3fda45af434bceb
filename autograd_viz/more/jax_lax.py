"""``jax.lax.scan`` on the dialect: the loop run in Python, so every step is
recorded and differentiable."""

from __future__ import annotations

import sys

from ..engine.tree import flatten


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """``carry, y = f(carry, x)`` for each x along the leading axis of ``xs``
    (or ``length`` times with x None); returns the last carry and the ys
    stacked."""
    leaves, rebuild = flatten(xs)
    n = length if not leaves else len(leaves[0])
    if n is None:
        raise ValueError("scan got no xs to scan over and no length= argument.")
    carry, ys = init, []
    for i in reversed(range(n)) if reverse else range(n):
        x = rebuild([leaf[i] for leaf in leaves]) if leaves else None
        carry, y = f(carry, x)
        ys.append(y)
    if reverse:
        ys.reverse()
    jnp = sys.modules["autograd_viz.jax.numpy"]  # lax loads before numpy
    if not ys or ys[0] is None:
        return carry, None
    first, rebuild_y = flatten(ys[0])
    per_step = [flatten(y)[0] for y in ys]
    return carry, rebuild_y(
        [jnp.stack([jnp.asarray(s[k]) for s in per_step]) for k in range(len(first))]
    )


def extend(namespace):
    namespace["scan"] = scan
