"""More of JAX on the dialect: derivative rules of your own (``jax.custom_jvp``,
``jax.custom_vjp``), ``jax.linearize``, and the flattening half of
``jax.tree_util``; written with the dialect's arrays and the engine."""

from __future__ import annotations

import functools
import sys

import numpy as np

from ..engine import custom
from ..engine.tree import flatten, structure

jax = sys.modules["autograd_viz.jax"]
Array = jax.Array


def _lift(x):
    return x if isinstance(x, Array) else jax.numpy.asarray(x)


def _outputs(out):
    leaves, rebuild = flatten(out)
    return [_lift(v) for v in leaves], rebuild


def _split(args, nondiff_argnums):
    """The positions JAX differentiates (the others are passed as they are)."""
    return [i for i in range(len(args)) if i not in nondiff_argnums]


class custom_jvp:
    """``jax.custom_jvp``: a function with a forward-mode rule of your own,
    given by ``f.defjvp(rule)`` (``rule(primals, tangents)`` returns
    ``(primal_out, tangent_out)``) or ``f.defjvps(*per_argument)``.  Reverse
    mode transposes the rule, as JAX does.  A call is one node of the graph,
    drawn under the function's name."""

    def __init__(self, fun, nondiff_argnums=()):
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = tuple(nondiff_argnums)
        self.jvp = None

    def defjvp(self, jvp, symbolic_zeros=False):
        self.jvp = jvp
        return jvp

    def defjvps(self, *jvps):
        """One rule per argument, ``rule(tangent, primal_out, *primals)``; None for none."""

        def jvp(primals, tangents):
            out = self.fun(*primals)
            total = None
            for rule, t in zip(jvps, tangents):
                if rule is not None:
                    piece = rule(t, out, *primals)
                    total = piece if total is None else total + piece
            return out, total

        jvp.__name__ = f"{self.__name__}_jvps"
        self.jvp = jvp

    def __call__(self, *args):
        if self.jvp is None:
            raise AttributeError(
                f"No JVP defined for custom_jvp function {self.__name__} using defjvp."
            )
        diff = _split(args, self.nondiff_argnums)
        with custom.paused():
            outs, rebuild = _outputs(self.fun(*args))
        fixed = [args[i] for i in self.nondiff_argnums]

        def tangent(primals, tangents):
            full = list(args)
            for i, p in zip(diff, primals):
                full[i] = p
            diff_primals = tuple(full[i] for i in diff)
            _, t_out = self.jvp(*fixed, diff_primals, tuple(tangents))
            return _outputs(t_out)[0]

        results = custom.call(
            self.__name__,
            Array,
            [_lift(args[i]) for i in diff],
            [np.asarray(o.data) for o in outs],
            tangent=tangent,
            rule=getattr(self.jvp, "__name__", "jvp"),
        )
        return rebuild(results)


class custom_vjp:
    """``jax.custom_vjp``: a function with a reverse-mode rule of your own,
    given by ``f.defvjp(fwd, bwd)``: ``fwd(*args)`` returns ``(out,
    residuals)``, ``bwd(residuals, cotangent)`` one gradient per argument.
    Forward mode is refused, as JAX refuses it.  A call is one node of the
    graph, drawn under the function's name."""

    def __init__(self, fun, nondiff_argnums=()):
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = tuple(nondiff_argnums)
        self.fwd = self.bwd = None

    def defvjp(self, fwd, bwd, symbolic_zeros=False, optimize_remat=False):
        self.fwd, self.bwd = fwd, bwd

    def __call__(self, *args):
        if self.fwd is None:
            raise AttributeError(
                f"No VJP defined for custom_vjp function {self.__name__} using defvjp."
            )
        diff = _split(args, self.nondiff_argnums)
        fixed = [args[i] for i in self.nondiff_argnums]
        with custom.paused():
            out, residuals = self.fwd(*args)
        outs, rebuild = _outputs(out)

        def backward(cotangents):
            grads = self.bwd(*fixed, residuals, rebuild(cotangents))
            if not isinstance(grads, tuple):
                raise TypeError(
                    f"Custom VJP bwd rule must produce a tuple, but got {type(grads)}. "
                    f"If the bwd rule produces a single output, wrap it in a tuple: (g,)"
                )
            return list(grads)

        results = custom.call(
            self.__name__,
            Array,
            [_lift(args[i]) for i in diff],
            [np.asarray(o.data) for o in outs],
            backward=backward,
            rule=getattr(self.bwd, "__name__", "bwd"),
            missing={
                "forward": (
                    TypeError,
                    "can't apply forward-mode autodiff (jvp) to a custom_vjp function.",
                )
            },
        )
        return rebuild(results)


def linearize(fun, *primals):
    """``(fun(*primals), f_jvp)``: ``f_jvp(*tangents)`` is the derivative along
    the tangents (here one forward sweep per call)."""
    out = fun(*primals)

    def f_jvp(*tangents):
        return jax.jvp(fun, primals, tangents)[1]

    return out, f_jvp


class PyTreeDef:
    """How a tree is put together (``jax.tree_util.tree_flatten``'s second half)."""

    def __init__(self, tree):
        self._leaves, self._rebuild = flatten(tree)
        self._text = structure(tree)

    @property
    def num_leaves(self):
        return len(self._leaves)

    def unflatten(self, leaves):
        leaves = list(leaves)
        if len(leaves) != self.num_leaves:
            raise ValueError(
                f"Too {'few' if len(leaves) < self.num_leaves else 'many'} leaves for "
                f"PyTreeDef; expected {self.num_leaves}, got {len(leaves)}."
            )
        return self._rebuild(leaves)

    def __repr__(self):
        return f"PyTreeDef({self._text})"


def tree_flatten(tree):
    """(leaves, treedef): the leaves in JAX's order and how to put them back."""
    treedef = PyTreeDef(tree)
    return list(treedef._leaves), treedef


def tree_unflatten(treedef, leaves):
    return treedef.unflatten(leaves)


def extend(namespace):
    namespace.update(custom_jvp=custom_jvp, custom_vjp=custom_vjp, linearize=linearize)
    namespace["tree_util"].tree_flatten = tree_flatten
    namespace["tree_util"].tree_unflatten = tree_unflatten
    namespace["tree"].flatten = tree_flatten
    namespace["tree"].unflatten = tree_unflatten
