"""The JAX dialect: ``import autograd_viz.jax as jax``.

The JAX tab of the chapter runs unchanged with only the import swapped::

    import autograd_viz.jax as jax
    from autograd_viz.jax import numpy as jnp, grad, random

    x = jnp.arange(4.0)                # Array([0., 1., 2., 3.], dtype=float32)
    grad(lambda x: 2 * jnp.dot(x, x))(x)   # Array([ 0.,  4.,  8., 12.], dtype=float32)

JAX is functional: arrays are immutable (``x.at[0].set(1)``), carry no
``.grad`` and no tape, and derivatives come from transforms (``grad``,
``value_and_grad``, ``jvp``, ``vjp``, ``jacfwd``, ``jacrev``, ``hessian``)
that nest.  ``jit`` runs the function as it is (nothing is compiled) and
``vmap`` runs it once per index of the mapped axis.  Values are float32 by
default and print as JAX prints them.  Underneath every array is an
``av.Tensor``, so ``av.draw`` draws what a transform recorded.
"""

from __future__ import annotations

from types import SimpleNamespace

from .. import scope as _scope
from .._dialect_messages import JAX
from ..engine.tree import tree_leaves, tree_map, tree_structure
from . import (
    _primitives,  # noqa: F401  (fills numpy and nn with the primitives' functions)
    lax,
    nn,
    numpy,
    random,
)
from ._array import Array
from ._transforms import (
    grad,
    hessian,
    jacfwd,
    jacobian,
    jacrev,
    jit,
    jvp,
    value_and_grad,
    vjp,
    vmap,
)

tree_util = SimpleNamespace(
    tree_map=tree_map, tree_leaves=tree_leaves, tree_structure=tree_structure
)
tree = SimpleNamespace(map=tree_map, leaves=tree_leaves, structure=tree_structure)


class _Config:
    """``jax.config``: 64-bit mode is not offered (the dialect is JAX's default, 32-bit)."""

    def update(self, name, value):
        if name == "jax_enable_x64" and value:
            raise JAX.error(NotImplementedError, "x64")

    def __repr__(self):
        return "<autograd_viz.jax config: 32-bit, like JAX by default>"


config = _Config()


def device_get(x):
    return x


def devices():
    return ["cpu (autograd_viz: numpy, eager)"]


__all__ = [
    "Array",
    "grad",
    "value_and_grad",
    "jvp",
    "vjp",
    "jacfwd",
    "jacrev",
    "jacobian",
    "hessian",
    "jit",
    "vmap",
    "numpy",
    "lax",
    "nn",
    "random",
    "tree_util",
    "tree",
    "config",
    "device_get",
    "devices",
]


# the names built in autograd_viz/more, and the error for the rest
_scope.complete(globals(), "jax")
