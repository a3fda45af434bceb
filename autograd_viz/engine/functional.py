"""Function transforms: grad, value_and_grad, vjp, jvp, jacrev, jacfwd,
hessian, jacobian, gradcheck.

They take ordinary Python functions of tensors and return new functions (or
values), without touching any ``.grad``, so they nest in any mix:
``grad(grad(f))``, ``jvp(grad(f), ...)``, ``jacfwd(jacrev(f))``.  An input
that is itself being differentiated by an enclosing transform (it needs a
gradient, or carries a tangent at an open forward level) makes the inner
transform record its own work, so the outer one can see through it.
"""

from __future__ import annotations

import numpy as np

from . import forward, graph
from .errors import BackwardError, GradcheckError
from .graph import STATE, carries_tangent
from .tensor import Tensor, as_plain, reshape, transpose


def _as_input(x):
    """A tensor to differentiate with respect to, and whether it came from an
    enclosing differentiation (then the result must stay differentiable)."""
    if isinstance(x, Tensor):
        if x.requires_grad:
            return x, True
        data = x.data
        if not np.issubdtype(data.dtype, np.floating):
            data = data.astype(np.float64)
        # the base class's method: a dialect may hide it from its users (JAX)
        leaf = Tensor.requires_grad_(type(x)._plain(data))
        if carries_tangent(x):
            # an enclosing forward mode differentiates through us: the leaf
            # stands for x, so it carries x's tangents
            leaf._tan = dict(x._tan)
            return leaf, True
        return leaf, False
    arr = np.asarray(x)
    if not np.issubdtype(arr.dtype, np.floating):
        arr = arr.astype(np.float64)
    return Tensor._plain(arr).requires_grad_(), False


def _release(t, keep_graph):
    """``t`` without the graph an inner transform recorded only so that an
    enclosing one could see through it; its tangents at open levels stay."""
    if keep_graph or not t.requires_grad:
        return t
    free = type(t)._plain(t.data)
    if carries_tangent(t):
        free._tan = {
            level: _release(tan, False)
            for level, tan in t._tan.items()
            if level in STATE.dual_levels
        }
    return free


def _with_inputs(args, nums):
    """``args`` with those at ``nums`` made inputs to differentiate, and whether
    any of them comes from an enclosing differentiation."""
    args, outer = list(args), False
    for n in nums:
        args[n], nested = _as_input(args[n])
        outer = outer or nested
    return args, outer


def _argnums(argnums, nargs):
    many = isinstance(argnums, (tuple, list))
    nums = tuple(argnums) if many else (argnums,)
    for n in nums:
        if not isinstance(n, int) or not -nargs <= n < nargs:
            raise TypeError(
                f"argnums={argnums!r} does not fit a function called with "
                f"{nargs} positional arguments"
            )
    return tuple(n % nargs for n in nums), many


def gradients(
    output, inputs, gradient=None, *, retain_graph=False, create_graph=False, within=None
):
    """d output / d input for each input (None where output does not depend on it).

    Like ``torch.autograd.grad``: nothing is stored in ``.grad``."""
    if not isinstance(output, Tensor):
        raise TypeError(f"the function must return a tensor, got {type(output).__name__}")
    seed = output._backward_seed(gradient)
    trace, grads = graph.run_backward(
        output,
        seed,
        retain_graph=retain_graph,
        create_graph=create_graph,
        targets=list(inputs),
        within=within,
    )
    output._trace = trace
    # Tensors in both modes, like torch.autograd.grad
    return [g if g is None or isinstance(g, Tensor) else type(output)._plain(g) for g in grads]


def value_and_grad(f, argnums=0):
    """The function x -> (f(x), d f(x) / d x), for a scalar-valued ``f``.

    ``argnums`` (an int or a tuple of ints) picks the arguments to
    differentiate; a tuple gives a tuple of gradients."""

    def value_and_grad_f(*args, **kwargs):
        nums, many = _argnums(argnums, len(args))
        args_in = [args[n] for n in nums]
        args, outer = _with_inputs(args, nums)
        out = f(*args, **kwargs)
        if not isinstance(out, Tensor):
            raise TypeError(f"grad(f): f must return a scalar tensor, got {type(out).__name__}")
        if out.size != 1:
            raise BackwardError(
                f"grad(f) needs f to return a scalar, it returned shape "
                f"{out.shape}; use jacobian(f, x) or reduce with .sum()"
            )
        targets = [args[n] for n in nums]
        if not out.requires_grad:
            grads = [None] * len(targets)
        else:
            grads = gradients(out, targets, create_graph=outer)
        grads = [
            type(t)._plain(np.zeros_like(t.data)) if g is None else _as_tensor(g)
            for g, t in zip(grads, targets)
        ]
        keep = any(isinstance(a, Tensor) and a.requires_grad for a in args_in)
        value = _release(out, keep)
        grads = [_release(g, keep) for g in grads]
        return value, (tuple(grads) if many else grads[0])

    value_and_grad_f.__name__ = f"value_and_grad_{getattr(f, '__name__', 'f')}"
    return value_and_grad_f


def grad(f, argnums=0):
    """The function x -> d f(x) / d x, for a scalar-valued ``f``.

    ``argnums`` (an int or a tuple of ints) picks the arguments to
    differentiate; a tuple gives a tuple of gradients.  Nests: calling it
    inside another transform keeps the result differentiable."""
    vg = value_and_grad(f, argnums)

    def grad_f(*args, **kwargs):
        return vg(*args, **kwargs)[1]

    grad_f.__name__ = f"grad_{getattr(f, '__name__', 'f')}"
    return grad_f


def vjp(f, *primals):
    """``(f(*primals), vjp_fn)``: reverse mode with the cotangent left open.
    ``vjp_fn(cotangent)`` gives a tuple, one gradient per primal; it may be
    called many times.  ``f`` may return a tensor or a tuple of tensors (then
    the cotangent is a tuple too)."""
    args, outer = _with_inputs(primals, range(len(primals)))
    out = f(*args)
    outs = _outputs(out, "vjp")
    keep = any(isinstance(x, Tensor) and x.requires_grad for x in primals)

    def vjp_fn(cotangent):
        cots = _match(outs, cotangent, "cotangent", tuple_out=isinstance(out, tuple))
        live = [(o, c) for o, c in zip(outs, cots) if o.requires_grad]
        if not live:
            grads = [None] * len(args)
        elif len(live) == 1:
            grads = gradients(live[0][0], args, live[0][1], retain_graph=True, create_graph=outer)
        else:
            # several outputs: one backward pass of the weighted sum of them all
            total = None
            for o, c in live:
                term = (o * c).sum()
                total = term if total is None else total + term
            grads = gradients(total, args, retain_graph=True, create_graph=outer)
        return tuple(
            type(a)._plain(np.zeros_like(a.data)) if g is None else _release(_as_tensor(g), keep)
            for g, a in zip(grads, args)
        )

    if isinstance(out, tuple):
        return tuple(_release(o, keep) for o in out), vjp_fn
    return _release(out, keep), vjp_fn


def jvp(f, primals, tangents):
    """``(f(*primals), tangent_out)``: forward mode, one sweep.

    ``primals`` and ``tangents`` are tuples (or lists) of the same length,
    each tangent of its primal's shape and dtype.  The output's tangent is
    the derivative of ``f`` at ``primals`` along ``tangents``."""
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise TypeError(
            "jvp(f, primals, tangents): primals and tangents must be tuples, "
            "e.g. jvp(f, (x,), (v,))"
        )
    if len(primals) != len(tangents):
        raise TypeError(
            f"jvp got {len(primals)} primals but {len(tangents)} tangents; "
            f"give one tangent per primal"
        )
    with forward.dual_level() as level:
        duals = [forward.make_dual(x, t) for x, t in zip(primals, tangents)]
        out = f(*duals)
        outs = _outputs(out, "jvp")
        tans = [forward.unpack(o, level) for o in outs]
    if isinstance(out, tuple):
        return out, tuple(tans)
    return out, tans[0]


def _outputs(out, who):
    outs = list(out) if isinstance(out, tuple) else [out]
    for o in outs:
        if not isinstance(o, Tensor):
            raise TypeError(
                f"{who}: the function must return a tensor or a tuple of "
                f"tensors, it returned {type(o).__name__}"
            )
    return outs


def _match(outs, given, what, tuple_out):
    given = list(given) if tuple_out else [given]
    if len(given) != len(outs):
        raise TypeError(
            f"the function returned {len(outs)} values but {len(given)} {what}s were given"
        )
    matched = []
    for o, c in zip(outs, given):
        shape = tuple(np.shape(as_plain(c)))
        if shape != o.shape:
            raise ValueError(
                f"a {what} of shape {shape} for an output of shape {o.shape}; they must match"
            )
        matched.append(c)
    return matched


def jacrev(f, argnums=0):
    """The function giving f's Jacobian (``out.shape + x.shape``) by reverse
    mode: one backward sweep per output element."""

    def jacrev_f(*args):
        nums, many = _argnums(argnums, len(args))
        args_in = [args[n] for n in nums]
        args, outer = _with_inputs(args, nums)
        out = f(*args)
        _outputs(out, "jacrev")
        targets = [args[n] for n in nums]
        rows = [[] for _ in targets]
        for k in range(out.size):
            seed = np.zeros(out.size, dtype=out.data.dtype)
            seed[k] = 1
            if out.requires_grad:
                grads = gradients(
                    out, targets, seed.reshape(out.shape), retain_graph=True, create_graph=outer
                )
            else:
                grads = [None] * len(targets)
            for row, g, t in zip(rows, grads, targets):
                row.append(type(t)._plain(np.zeros_like(t.data)) if g is None else g)
        keep = any(isinstance(a, Tensor) and a.requires_grad for a in args_in)
        jacs = [
            _release(_stack(row, out.shape, t.shape, outer, leading=True), keep)
            for row, t in zip(rows, targets)
        ]
        return tuple(jacs) if many else jacs[0]

    jacrev_f.__name__ = f"jacrev_{getattr(f, '__name__', 'f')}"
    return jacrev_f


def jacfwd(f, argnums=0):
    """The function giving f's Jacobian (``out.shape + x.shape``) by forward
    mode: one forward sweep per input element."""

    def jacfwd_f(*args):
        nums, many = _argnums(argnums, len(args))
        args = [a if isinstance(a, Tensor) else Tensor(a) for a in args]
        jacs = []
        out_shape = None
        for n in nums:
            x = args[n]
            if not np.issubdtype(x.data.dtype, np.floating):
                x = args[n] = x.astype(np.float64)
            cols = []
            for k in range(x.size):
                seed = np.zeros(x.size, dtype=x.data.dtype)
                seed[k] = 1
                tangents = [np.zeros_like(a.data) for a in args]
                tangents[n] = seed.reshape(x.shape)
                out, t = jvp(f, tuple(args), tuple(tangents))
                _outputs(out, "jacfwd")
                out_shape = out.shape
                cols.append(t)
            nested = x.requires_grad or carries_tangent(x)
            if not cols:  # an empty input: the Jacobian is empty too
                out = f(*args)
                out_shape = out.shape
            jac = _stack(
                cols,
                x.shape,
                out_shape,
                nested or any(c.requires_grad for c in cols),
                leading=False,
            )
            jacs.append(_release(jac, x.requires_grad))
        return tuple(jacs) if many else jacs[0]

    jacfwd_f.__name__ = f"jacfwd_{getattr(f, '__name__', 'f')}"
    return jacfwd_f


def hessian(f, argnums=0):
    """The Hessian of a scalar ``f``: forward over reverse, jacfwd(jacrev(f))."""
    return jacfwd(jacrev(f, argnums), argnums)


def _stack(parts, outer_shape, inner_shape, recorded, leading):
    """A Jacobian from ``parts``: one part per element of ``outer_shape``,
    each of ``inner_shape``.  ``leading=True`` (rows, from reverse mode)
    gives ``outer_shape + inner_shape``; ``leading=False`` (columns, from
    forward mode) gives ``inner_shape + outer_shape``.  ``recorded`` builds
    it from ops, so an enclosing transform can differentiate it."""
    count = int(np.prod(outer_shape, dtype=int))
    if not recorded:
        data = (
            np.stack([np.asarray(as_plain(p)) for p in parts])
            if parts
            else np.zeros((0,) + tuple(inner_shape))
        )
        data = data.reshape(tuple(outer_shape) + tuple(inner_shape))
        if not leading:  # columns: move the stacked axes last
            k = len(outer_shape)
            data = np.moveaxis(data, tuple(range(k)), tuple(range(data.ndim - k, data.ndim)))
        return Tensor._plain(np.ascontiguousarray(data))
    # recorded: the sum of one-hot outer products, made of ops an enclosing
    # transform can differentiate
    total = None
    inner_n = int(np.prod(inner_shape, dtype=int))
    for k, part in enumerate(parts):
        onehot = np.zeros((count, 1))
        onehot[k, 0] = 1
        term = onehot.astype(as_plain(part).dtype) * reshape(part, (1, inner_n))
        total = term if total is None else total + term
    if total is None:
        return Tensor._plain(np.zeros(tuple(outer_shape) + tuple(inner_shape)))
    if not leading:
        total = transpose(total)
        return reshape(total, tuple(inner_shape) + tuple(outer_shape))
    return reshape(total, tuple(outer_shape) + tuple(inner_shape))


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
            raise GradcheckError(
                f"input {i}: backward gave a Jacobian of shape "
                f"{analytic.shape}, finite differences {numeric.shape}"
            )
        err = np.abs(analytic - numeric) - (atol + rtol * np.abs(numeric))
        bad = np.isnan(analytic) != np.isnan(numeric)
        if err.size and (np.nanmax(np.where(bad, np.inf, err)) > 0):
            worst = np.unravel_index(np.nanargmax(np.where(bad, np.inf, err)), err.shape)
            out_idx, in_idx = (
                worst[: analytic.ndim - base[i].ndim],
                worst[analytic.ndim - base[i].ndim :],
            )
            raise GradcheckError(
                f"gradient check failed for input {i} at element {tuple(map(int, in_idx))}"
                f" (output element {tuple(map(int, out_idx))}): finite differences give "
                f"{numeric[worst]:.6g}, backward gave {analytic[worst]:.6g} "
                f"(tolerance {atol} + {rtol}·|expected|)",
                input_index=i,
                index=tuple(map(int, in_idx)),
                expected=float(numeric[worst]),
                got=float(analytic[worst]),
            )
    return True
