"""Function transforms: grad, jacobian, gradcheck.

They take ordinary Python functions of tensors and return new functions (or
values), without touching any ``.grad``, so they nest: ``grad(grad(f))``.
"""

from __future__ import annotations

import numpy as np

from . import graph
from .errors import BackwardError, GradcheckError
from .tensor import Tensor, as_plain


def _as_input(x):
    """A tensor to differentiate with respect to, and whether it came from an
    enclosing differentiation (then the result must stay differentiable)."""
    if isinstance(x, Tensor):
        if x.requires_grad:
            return x, True
        if not np.issubdtype(x.dtype, np.floating):
            x = x.astype(np.float64)
        return Tensor._plain(x.data).requires_grad_(), False
    arr = np.asarray(x)
    if not np.issubdtype(arr.dtype, np.floating):
        arr = arr.astype(np.float64)
    return Tensor._plain(arr).requires_grad_(), False


def gradients(output, inputs, gradient=None, *, retain_graph=False, create_graph=False):
    """d output / d input for each input (None where output does not depend on it).

    Like ``torch.autograd.grad``: nothing is stored in ``.grad``."""
    if not isinstance(output, Tensor):
        raise TypeError(f"the function must return a tensor, got {type(output).__name__}")
    seed = output._backward_seed(gradient)
    trace, grads = graph.run_backward(output, seed, retain_graph=retain_graph,
                                      create_graph=create_graph, targets=list(inputs))
    output._trace = trace
    # Tensors in both modes, like torch.autograd.grad
    return [g if g is None or isinstance(g, Tensor) else type(output)._plain(g) for g in grads]


def grad(f, argnums=0):
    """The function x -> d f(x) / d x, for a scalar-valued ``f``.

    ``argnums`` (an int or a tuple of ints) picks the arguments to
    differentiate; a tuple gives a tuple of gradients.  Nests: calling it
    inside another ``grad`` keeps the result differentiable."""
    many = isinstance(argnums, (tuple, list))
    nums = tuple(argnums) if many else (argnums,)

    def grad_f(*args, **kwargs):
        args = list(args)
        outer = False
        for n in nums:
            if n >= len(args):
                raise TypeError(f"argnums={argnums} but the function got {len(args)} arguments")
            args[n], nested = _as_input(args[n])
            outer = outer or nested
        out = f(*args, **kwargs)
        if not isinstance(out, Tensor):
            raise TypeError(f"grad(f): f must return a scalar tensor, got {type(out).__name__}")
        if out.size != 1:
            raise BackwardError(f"grad(f) needs f to return a scalar, it returned shape "
                                f"{out.shape}; use jacobian(f, x) or reduce with .sum()")
        targets = [args[n] for n in nums]
        if not out.requires_grad:
            grads = [None] * len(targets)
        else:
            grads = gradients(out, targets, create_graph=outer)
        grads = [Tensor._plain(np.zeros_like(t.data)) if g is None else _as_tensor(g)
                 for g, t in zip(grads, targets)]
        return tuple(grads) if many else grads[0]

    grad_f.__name__ = f"grad_{getattr(f, '__name__', 'f')}"
    return grad_f


def _as_tensor(g):
    return g if isinstance(g, Tensor) else Tensor._plain(np.asarray(g))


def jacobian(f, x):
    """The Jacobian of ``f`` at ``x``, of shape ``f(x).shape + x.shape``."""
    x, _ = _as_input(x)
    out = f(x)
    if not isinstance(out, Tensor):
        raise TypeError(f"jacobian(f, x): f must return a tensor, got {type(out).__name__}")
    jac = np.zeros(out.shape + x.shape, dtype=np.result_type(out.dtype, np.float64))
    if not out.requires_grad:
        return Tensor._plain(jac)
    flat = jac.reshape(out.size, *x.shape)
    for i in range(out.size):
        seed = np.zeros(out.size)
        seed[i] = 1
        (g,) = gradients(out, [x], seed.reshape(out.shape), retain_graph=True)
        if g is not None:
            flat[i] = as_plain(g)
    return Tensor._plain(jac)


def numerical_jacobian(f, inputs, i, eps=1e-6):
    """Central differences of f with respect to input ``i`` (float64)."""
    base = [np.array(as_plain(x), dtype=np.float64) for x in inputs]
    x = base[i]
    out0 = np.asarray(as_plain(f(*[Tensor._plain(b) for b in base])), dtype=np.float64)
    jac = np.zeros(out0.shape + x.shape)
    flat_x = x.reshape(-1)
    for k in range(flat_x.size):
        old = flat_x[k]
        # np.array copies: f may return a view of x (reshape, indexing), which
        # the next write into x would change under our feet
        flat_x[k] = old + eps
        plus = np.array(as_plain(f(*[Tensor._plain(b) for b in base])), dtype=np.float64)
        flat_x[k] = old - eps
        minus = np.array(as_plain(f(*[Tensor._plain(b) for b in base])), dtype=np.float64)
        flat_x[k] = old
        # the size spelled out: -1 is ambiguous when the output is empty
        jac.reshape(out0.shape + (flat_x.size,))[..., k] = (plus - minus) / (2 * eps)
    return jac


def gradcheck(f, *inputs, eps=1e-6, atol=1e-5, rtol=1e-3):
    """Compare backward's Jacobian of ``f`` with central differences.

    Inputs are taken in float64.  Returns True; raises :class:`GradcheckError`
    (an AssertionError) naming the worst element, expected and got."""
    if not inputs:
        raise TypeError("gradcheck(f, *inputs) needs at least one input")
    base = [np.array(as_plain(x), dtype=np.float64) for x in inputs]
    for i in range(len(base)):
        def f_i(xi, i=i):
            args = [Tensor._plain(b) for b in base]
            args[i] = xi
            return f(*args)
        analytic = np.asarray(as_plain(jacobian(f_i, base[i])), dtype=np.float64)
        numeric = numerical_jacobian(f, base, i, eps)
        if analytic.shape != numeric.shape:
            raise GradcheckError(f"input {i}: backward gave a Jacobian of shape "
                                 f"{analytic.shape}, finite differences {numeric.shape}")
        err = np.abs(analytic - numeric) - (atol + rtol * np.abs(numeric))
        bad = np.isnan(analytic) != np.isnan(numeric)
        if err.size and (np.nanmax(np.where(bad, np.inf, err)) > 0):
            worst = np.unravel_index(np.nanargmax(np.where(bad, np.inf, err)), err.shape)
            out_idx, in_idx = worst[:analytic.ndim - base[i].ndim], worst[analytic.ndim - base[i].ndim:]
            raise GradcheckError(
                f"gradient check failed for input {i} at element {tuple(map(int, in_idx))}"
                f" (output element {tuple(map(int, out_idx))}): finite differences give "
                f"{numeric[worst]:.6g}, backward gave {analytic[worst]:.6g} "
                f"(tolerance {atol} + {rtol}·|expected|)",
                input_index=i, index=tuple(map(int, in_idx)),
                expected=float(numeric[worst]), got=float(analytic[worst]))
    return True
