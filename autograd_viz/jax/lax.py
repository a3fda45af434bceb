"""``jax.lax`` of the JAX dialect: stop_gradient and the structured control flow.

``cond`` and ``fori_loop`` simply run in Python here (nothing is traced),
so they are differentiable like any other Python code on arrays.
"""

from __future__ import annotations

from .. import scope as _scope
from ._transforms import stop_gradient


def cond(pred, true_fun, false_fun, *operands):
    """true_fun(*operands) if pred else false_fun(*operands)."""
    return true_fun(*operands) if bool(pred) else false_fun(*operands)


def fori_loop(lower, upper, body_fun, init_val):
    """val = body_fun(i, val) for i in range(lower, upper); returns val."""
    val = init_val
    for i in range(int(lower), int(upper)):
        val = body_fun(i, val)
    return val


__all__ = ["stop_gradient", "cond", "fori_loop"]

# the names built in autograd_viz/more, and the error for the rest
_scope.complete(globals(), "jax", "jax.lax")
