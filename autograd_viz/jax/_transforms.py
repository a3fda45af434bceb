"""JAX's function transforms: grad, value_and_grad, vjp, jvp, jacrev,
jacfwd, hessian (the engine's, in JAX's words), vmap, jit, stop_gradient.

JAX keeps no tape: ``grad(f)`` is a new function that, when called, runs
``f`` on fresh inputs that the engine records and asks the engine for the
gradients.  The engine's transforms do all of that, nesting and pytrees
included (:mod:`autograd_viz.engine.functional`); this module gives them
JAX's checks and messages, JAX's arrays (weak types, float32) and JAX's
quiet arithmetic (inf and nan, no warnings).
"""

from __future__ import annotations

import functools

import numpy as np

from ..engine.functional import Transforms
from ..engine.tensor import Tensor, detach
from ..engine.tree import flatten, structure
from . import _array
from ._array import lift

# ------------------------------------------------------------------ JAX's words


def _check_float(x, who, what):
    if x.dtype.kind not in "f":
        raise TypeError(
            f"{who} requires real-valued inputs (a floating-point dtype), but {what} is "
            f"{x.dtype}. Pass floats, e.g. jnp.arange(4.0) rather than jnp.arange(4), "
            f"or convert with x.astype(jnp.float32)"
        )


def _short(value):
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _jax_type(x):
    return f"{x.dtype}[{','.join(str(n) for n in x.shape)}]"


class _Jax(Transforms):
    """The engine's transforms with JAX's arrays, checks and messages."""

    def lift(self, x):
        return lift(x)

    def check_input(self, x, who, what):
        _check_float(x, who, what)
        return x

    def check_primal(self, p, i):
        _check_float(p, "jvp", f"primal {i}")

    def tangent(self, p, t, i):
        if p.shape != t.shape:
            raise ValueError(
                f"jvp called with different primal and tangent shapes: primal {i} has "
                f"shape {p.shape} but its tangent has shape {t.shape}; each tangent must "
                f"have its primal's shape"
            )
        if p.dtype != t.dtype:
            raise TypeError(
                f"primal and tangent arguments to jax.jvp do not match: primal {i} has "
                f"dtype {p.dtype} but its tangent has dtype {t.dtype}; the dtypes must be "
                f"equal (e.g. jnp.ones_like(x) as the tangent of x)"
            )
        return t

    def check_primals(self, primals, tangents):
        if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
            raise TypeError(
                f"primal and tangent arguments to jax.jvp must be tuples or lists; found "
                f"{type(primals).__name__} and {type(tangents).__name__}. Wrap one array in "
                f"a tuple: jvp(f, (x,), (t,))"
            )
        if structure(tuple(primals)) != structure(tuple(tangents)):
            raise TypeError(
                f"primal and tangent arguments to jax.jvp must have the same tree structure; "
                f"primals have tree structure {structure(tuple(primals))} whereas tangents "
                f"have tree structure {structure(tuple(tangents))}. Give one tangent per primal"
            )

    def output(self, value, who):
        """A result leaf as an Array; Python numbers are constants."""
        if isinstance(value, Tensor):
            return value
        if isinstance(value, (int, float, complex, np.number, np.bool_, np.ndarray)):
            return lift(value)
        raise TypeError(
            f"{who}: the function must return JAX arrays (or a tuple, list or dict of them), "
            f"but it returned {_short(value)} (of type {type(value).__name__}). Compute the "
            f"result with jnp functions, or wrap it in jnp.asarray(...)"
        )

    aux_leaf = output

    def scalar_output(self, out):
        if (
            isinstance(out, (tuple, list, dict))
            or out is None
            or not (isinstance(out, Tensor) or isinstance(out, (int, float, np.number)))
        ):
            raise TypeError(
                f"Gradient only defined for scalar-output functions. Output was "
                f"{_short(out)}. grad needs the function to return one number; for several "
                f"outputs use jax.jacrev(f), or pass has_aux=True if the others are extras"
            )
        out = self.output(out, "grad")
        if out.shape != ():
            raise TypeError(
                f"Gradient only defined for scalar-output functions. Output had shape: "
                f"{out.shape}. Reduce it to one number first, e.g. grad(lambda x: "
                f"f(x).sum()), or use jax.jacrev(f) for the gradient of every entry"
            )
        if out.dtype.kind != "f":
            raise TypeError(
                f"grad requires real-valued outputs (a floating-point dtype), but the output "
                f"is {out.dtype}. Compute it from floats, e.g. jnp.arange(4.0) rather than "
                f"jnp.arange(4)"
            )
        return out

    def cotangents(self, cotangent, out, outs):
        given, _ = flatten(cotangent)
        if structure(cotangent) != structure(out) and not (len(given) == len(outs) == 1):
            raise TypeError(
                f"the cotangent passed to the VJP function must have the structure of the "
                f"function's output, {structure(out)}, but it has {structure(cotangent)}"
            )
        cts = []
        for o, c in zip(outs, given):
            c = lift(c)
            if c.shape != o.shape or c.dtype != o.dtype:
                raise ValueError(
                    f"unexpected JAX type (e.g. shape/dtype) for argument to VJP function: "
                    f"got {_jax_type(c)}, but expected {_jax_type(o)} because the "
                    f"corresponding output of the differentiated function had JAX type "
                    f"{_jax_type(o)}; pass a cotangent like jnp.ones_like(out)"
                )
            cts.append(c)
        return cts

    def bad_argnums(self, argnums, nargs, wrong_type):
        if wrong_type:
            return TypeError(f"grad: argnums must be an int or a tuple of ints, got {argnums!r}")
        nums = tuple(argnums) if isinstance(argnums, (tuple, list)) else (argnums,)
        return TypeError(
            f"differentiating with respect to argnums={argnums!r} requires at least "
            f"{max(max(nums) + 1, -min(nums))} positional arguments to be passed by the "
            f"caller, but got only {nargs} positional arguments"
        )

    def finish(self, result, *likes):
        # a result is weakly typed when every value it stands for is
        return _array._mark(result, all(x._weak for x in likes))


_JAX = _Jax()


def _quiet(fn):
    """``fn`` computing as JAX does: 1/0 and log(0) give inf and nan, no warnings."""

    @functools.wraps(fn)
    def quiet(*args, **kwargs):
        with np.errstate(**_array.QUIET):
            return fn(*args, **kwargs)

    return quiet


def _named(transformed, fun, what):
    out = functools.wraps(fun)(_quiet(transformed))
    out.__name__ = f"{what}_{getattr(fun, '__name__', 'fun')}"
    return out


# ------------------------------------------------------------------ the transforms


def value_and_grad(fun, argnums=0, has_aux=False, holomorphic=False, allow_int=False):
    """A function returning ``(fun(*args), gradient)``; see :func:`grad`."""
    return _named(_JAX.value_and_grad(fun, argnums, has_aux=has_aux), fun, "value_and_grad")


def grad(fun, argnums=0, has_aux=False, holomorphic=False, allow_int=False):
    """``grad(f)`` is the function x ↦ ∂f/∂x, for ``f`` returning a scalar.

    ``argnums`` picks the arguments to differentiate (an int, or a tuple
    giving a tuple of gradients); each may be an array or a tuple, list or
    dict of arrays.  It nests: ``grad(grad(f))`` is the second derivative."""
    return _named(_JAX.grad(fun, argnums, has_aux=has_aux), fun, "grad")


def vjp(fun, *primals, has_aux=False):
    """``(fun(*primals), vjp_fn)``: ``vjp_fn(cotangent)`` is a tuple, one
    ``cotangentᵀ · ∂out/∂primal`` per primal (reverse mode, one pass)."""
    result = _quiet(_JAX.vjp)(fun, *primals, has_aux=has_aux)
    return (result[0], _quiet(result[1])) + result[2:]


def jvp(fun, primals, tangents, has_aux=False):
    """``(fun(*primals), J · tangents)``: forward mode, one sweep.

    ``primals`` and ``tangents`` are tuples (or lists) of the same
    structure; each tangent has its primal's shape and dtype."""
    return _quiet(_JAX.jvp)(fun, primals, tangents, has_aux=has_aux)


def jacrev(fun, argnums=0, has_aux=False, holomorphic=False, allow_int=False):
    """The Jacobian (``out.shape + x.shape``) by reverse mode: one pass per output entry."""
    return _named(_JAX.jacrev(fun, argnums, has_aux=has_aux), fun, "jacrev")


def jacfwd(fun, argnums=0, has_aux=False, holomorphic=False):
    """The Jacobian (``out.shape + x.shape``) by forward mode: one sweep per input entry."""
    return _named(_JAX.jacfwd(fun, argnums, has_aux=has_aux), fun, "jacfwd")


jacobian = jacrev


def hessian(fun, argnums=0, has_aux=False, holomorphic=False):
    """The matrix of second derivatives: forward over reverse, ``jacfwd(jacrev(f))``."""
    return _named(_JAX.hessian(fun, argnums, has_aux=has_aux), fun, "hessian")


# ------------------------------------------------------------------ jit and vmap


def jit(fun=None, *, static_argnums=None, static_argnames=None, donate_argnums=None, **options):
    """Returns ``fun`` unchanged in behaviour.  Nothing is compiled here: the
    engine runs every op eagerly, so the result is the same and just as fast."""
    if fun is None:
        return lambda f: jit(
            f,
            static_argnums=static_argnums,
            static_argnames=static_argnames,
            donate_argnums=donate_argnums,
            **options,
        )

    @functools.wraps(fun)
    def jitted(*args, **kwargs):
        return fun(*args, **kwargs)

    return jitted


def vmap(fun, in_axes=0, out_axes=0, axis_size=None):
    """``fun`` mapped over an axis of its arguments (``in_axes``: an int, None
    for an argument passed whole, or a tuple with one entry per argument);
    the results are stacked along ``out_axes``.  It runs ``fun`` once per
    index, so every slice is recorded and gradients flow through it."""
    return functools.wraps(fun)(_JAX.vmap(fun, in_axes, out_axes, axis_size))


# ------------------------------------------------------------------ stop_gradient


def stop_gradient(x):
    """The same values, with no derivative: gradients (of any order, in either
    mode) stop here.  Works on arrays and on tuples, lists and dicts of them."""
    leaves, rebuild = flatten(x)
    out = []
    for leaf in leaves:
        leaf = lift(leaf)
        out.append(_array._mark(detach(leaf), leaf._weak))
    return rebuild(out)
