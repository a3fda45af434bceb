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

from .._dialect_messages import JAX
from ..engine.functional import Transforms
from ..engine.tensor import Tensor, detach
from ..engine.tree import flatten, structure
from . import _array
from ._array import lift

# ------------------------------------------------------------------ JAX's words


# the name JAX's own message gives each transform that refuses integer inputs
_REVERSE = {"grad": "grad", "value_and_grad": "grad", "jacrev": "jacrev"}
_FORWARD = ("jacfwd", "hessian")


def _check_float(x, who, what):
    """``what``: "argument 0" or "primal 0", as the engine names the input."""
    if x.dtype.kind not in "f":
        kind, _, n = what.rpartition(" ")
        what = JAX.text(f"what_{kind}", n=n)
        key = (
            "float_inputs_reverse"
            if who in _REVERSE
            else "float_inputs_forward"
            if who in _FORWARD
            else "float_inputs"
        )
        raise JAX.error(
            TypeError, key, who=who, jax_who=_REVERSE.get(who), what=what, dtype=x.dtype
        )


def _short(value):
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _jax_type(x):
    return f"{x.dtype}[{','.join(str(n) for n in x.shape)}]"


class _Jax(Transforms):
    """The engine's transforms with JAX's arrays, checks and messages."""

    messages = JAX

    def lift(self, x):
        return lift(x)

    def check_input(self, x, who, what):
        _check_float(x, who, what)
        return x

    def check_primal(self, p, i):
        _check_float(p, "jvp", f"primal {i}")

    def tangent(self, p, t, i):
        if p.shape != t.shape:
            raise JAX.error(ValueError, "jvp_shapes", i=i, primal=p.shape, tangent=t.shape)
        if p.dtype != t.dtype:
            raise JAX.error(TypeError, "jvp_dtypes", i=i, primal=p.dtype, tangent=t.dtype)
        return t

    def check_primals(self, primals, tangents):
        if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
            raise JAX.error(
                TypeError,
                "jvp_tuples",
                primals=type(primals).__name__,
                tangents=type(tangents).__name__,
            )
        if structure(tuple(primals)) != structure(tuple(tangents)):
            raise JAX.error(
                TypeError,
                "jvp_structure",
                primals=structure(tuple(primals)),
                tangents=structure(tuple(tangents)),
            )

    def output(self, value, who):
        """A result leaf as an Array; Python numbers are constants."""
        if isinstance(value, Tensor):
            return value
        if isinstance(value, (int, float, complex, np.number, np.bool_, np.ndarray)):
            return lift(value)
        raise JAX.error(
            TypeError,
            "output_type",
            who=who,
            value=_short(value),
            type=type(value).__name__,
            text=value,
            pytype=type(value),
        )

    aux_leaf = output

    def scalar_output(self, out):
        if (
            isinstance(out, (tuple, list, dict))
            or out is None
            or not (isinstance(out, Tensor) or isinstance(out, (int, float, np.number)))
        ):
            raise JAX.error(TypeError, "grad_scalar_was", out=_short(out))
        out = self.output(out, "grad")
        if out.shape != ():
            raise JAX.error(TypeError, "grad_scalar_shape", shape=out.shape)
        if out.dtype.kind != "f":
            raise JAX.error(TypeError, "grad_real_output", dtype=out.dtype)
        return out

    def cotangents(self, cotangent, out, outs):
        given, _ = flatten(cotangent)
        if structure(cotangent) != structure(out) and not (len(given) == len(outs) == 1):
            raise JAX.error(
                TypeError, "cotangent_structure", out=structure(out), got=structure(cotangent)
            )
        cts = []
        for o, c in zip(outs, given):
            c = lift(c)
            if c.shape != o.shape or c.dtype != o.dtype:
                raise JAX.error(
                    ValueError, "cotangent_type", got=_jax_type(c), expected=_jax_type(o)
                )
            cts.append(c)
        return cts

    def bad_argnums(self, argnums, nargs, wrong_type):
        if wrong_type:
            return JAX.error(TypeError, "argnums_type", argnums=repr(argnums))
        nums = tuple(argnums) if isinstance(argnums, (tuple, list)) else (argnums,)
        need = max(max(nums) + 1, -min(nums))
        return JAX.error(TypeError, "argnums_range", argnums=repr(argnums), need=need, n=nargs)

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
