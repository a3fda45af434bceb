"""JAX's function transforms on the engine: grad, value_and_grad, vjp, jvp,
jacrev, jacfwd, hessian, vmap, jit.

JAX keeps no tape: ``grad(f)`` is a new function that, when called, runs
``f`` once on fresh inputs that the engine records, then asks the engine
for the gradients (reverse mode) or pushes tangents (forward mode).  The
values handed back are plain arrays with no history, as JAX's are, unless
the transform runs inside another one (``grad(grad(f))``, ``jacfwd(jacrev(f))``):
then the answer stays recorded so the outer transform can differentiate it.
"""

from __future__ import annotations

import functools
from contextlib import contextmanager

import numpy as np

import autograd_viz as av

from ..engine.functional import gradients
from . import _array
from ._array import Array, constant, lift
from ._tree import flatten, structure

# how many transforms are running now; a transform inside another must keep
# its answer recorded (create_graph) so the outer one can differentiate it
_depth = 0


@contextmanager
def _transform():
    global _depth
    _depth += 1
    try:
        with np.errstate(**_array.QUIET):  # as JAX: inf and nan, no warnings
            yield _depth > 1
    finally:
        _depth -= 1


# ------------------------------------------------------------------ helpers


def _argnums(who, argnums, n_args):
    many = isinstance(argnums, (tuple, list))
    nums = tuple(argnums) if many else (argnums,)
    for n in nums:
        if not isinstance(n, int):
            raise TypeError(f"{who}: argnums must be an int or a tuple of ints, got {argnums!r}")
    if nums and (max(nums) >= n_args or min(nums) < -n_args):
        raise TypeError(
            f"differentiating with respect to argnums={argnums!r} requires at least "
            f"{max(max(nums) + 1, -min(nums))} positional arguments to be passed by the "
            f"caller, but got only {n_args} positional arguments"
        )
    return many, tuple(n % n_args for n in nums)


def _check_float(x, who, what):
    if x.dtype.kind not in "f":
        raise TypeError(
            f"{who} requires real-valued inputs (a floating-point dtype), but {what} is "
            f"{x.dtype}. Pass floats, e.g. jnp.arange(4.0) rather than jnp.arange(4), "
            f"or convert with x.astype(jnp.float32)"
        )


def _input_node(x, nested, who, what):
    """A recorded stand-in for the input ``x``, to differentiate with respect to.

    At the top level it is a fresh leaf with x's value.  Inside another
    transform it is ``x + 0`` with the 0 a fresh leaf: the value is x's and
    it stays a function of x, so the outer transform (reverse or forward
    mode) still sees how everything depends on x."""
    x = lift(x)
    _check_float(x, who, what)
    if not nested and not _array.tracked(x):
        node = av.Tensor.requires_grad_(Array._plain(np.array(x.data)))
    else:
        zero = av.Tensor.requires_grad_(Array._plain(np.zeros_like(np.asarray(x.data))))
        node = av.Tensor.__add__(x, zero)
    return _array._mark(node, x._weak)


def _result(x, nested):
    """What a transform hands back: a plain array, or (nested) the recorded value."""
    if nested:
        return x
    return constant(np.array(np.asarray(x.data)), x._weak)


def _as_output(value, who):
    """A function's result leaf as an Array; Python numbers are constants."""
    if isinstance(value, av.Tensor):
        return value
    if isinstance(value, (int, float, complex, np.number, np.bool_, np.ndarray)):
        return lift(value)
    raise TypeError(
        f"{who}: the function must return JAX arrays (or a tuple, list or dict of them), "
        f"but it returned {_short(value)} (of type {type(value).__name__}). Compute the "
        f"result with jnp functions, or wrap it in jnp.asarray(...)"
    )


def _output_leaves(out, who):
    """The leaves of a function's result; None (a forgotten return?) is refused."""
    if out is None:
        _as_output(None, who)
    leaves, rebuild = flatten(out)
    return [_as_output(o, who) for o in leaves], rebuild


def _short(value):
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _split_aux(result, has_aux, who):
    if not has_aux:
        return result, None
    if not (isinstance(result, (tuple, list)) and len(result) == 2):
        raise TypeError(
            f"{who}(..., has_aux=True) needs the function to return a pair "
            f"(output, auxiliary data), but it returned {_short(result)}"
        )
    return result[0], result[1]


def _like(g, x, nested):
    """The gradient ``g`` (None when nothing flowed) in the dtype and weak type of ``x``."""
    if g is None:
        return constant(np.zeros(x.shape, dtype=x.dtype), x._weak)
    if not isinstance(g, av.Tensor):
        g = Array._plain(np.asarray(g))
    if not nested:
        return constant(np.asarray(np.asarray(g.data), dtype=x.dtype), x._weak)
    if g.dtype != x.dtype:
        g = av.Tensor.astype(g, x.dtype)
    if not isinstance(g, Array):
        g = g if _array.tracked(g) else Array._plain(g.data)
    return _array._mark(g, x._weak)


def _pullback(outs, cotangents, nodes, create_graph, retain_graph):
    """Σ over outputs of cotangentᵀ · d out / d node, one gradient per node."""
    total = [None] * len(nodes)
    for out, ct in zip(outs, cotangents):
        if not out.requires_grad:
            continue
        grads = gradients(
            out, nodes, ct, retain_graph=retain_graph or create_graph, create_graph=create_graph
        )
        for i, g in enumerate(grads):
            if g is not None:
                total[i] = g if total[i] is None else total[i] + g
    return total


# ------------------------------------------------------------------ reverse mode


def value_and_grad(fun, argnums=0, has_aux=False, holomorphic=False, allow_int=False):
    """A function returning ``(fun(*args), gradient)``; see :func:`grad`."""
    name = getattr(fun, "__name__", "fun")

    @functools.wraps(fun)
    def value_and_grad_f(*args, **kwargs):
        many, nums = _argnums("grad", argnums, len(args))
        with _transform() as nested:
            args = list(args)
            per_arg = []
            for n in nums:
                leaves, rebuild = flatten(args[n])
                nodes = [_input_node(x, nested, "grad", f"argument {n}") for x in leaves]
                per_arg.append((leaves, nodes, rebuild))
                args[n] = rebuild(nodes)
            out, aux = _split_aux(fun(*args, **kwargs), has_aux, "grad")
            out = _scalar_output(out)
            nodes = [node for _, ns, _ in per_arg for node in ns]
            grads = _pullback([out], [None], nodes, create_graph=nested, retain_graph=False)
            value = _result(out, nested)
            if aux is not None:
                aux_leaves, rebuild_aux = flatten(aux)
                aux = rebuild_aux([_result(_as_output(a, "grad"), nested) for a in aux_leaves])
        trees, start = [], 0
        for _, ns, rebuild in per_arg:
            trees.append(
                rebuild([_like(g, x, nested) for g, x in zip(grads[start : start + len(ns)], ns)])
            )
            start += len(ns)
        g = tuple(trees) if many else trees[0]
        return ((value, aux), g) if has_aux else (value, g)

    value_and_grad_f.__name__ = f"value_and_grad_{name}"
    return value_and_grad_f


def grad(fun, argnums=0, has_aux=False, holomorphic=False, allow_int=False):
    """``grad(f)`` is the function x ↦ ∂f/∂x, for ``f`` returning a scalar.

    ``argnums`` picks the arguments to differentiate (an int, or a tuple
    giving a tuple of gradients); each may be an array or a tuple, list or
    dict of arrays.  It nests: ``grad(grad(f))`` is the second derivative."""
    value_and_grad_f = value_and_grad(fun, argnums, has_aux)

    @functools.wraps(fun)
    def grad_f(*args, **kwargs):
        result = value_and_grad_f(*args, **kwargs)
        if has_aux:
            (_, aux), g = result
            return g, aux
        return result[1]

    grad_f.__name__ = f"grad_{getattr(fun, '__name__', 'fun')}"
    return grad_f


def _scalar_output(out):
    if (
        isinstance(out, (tuple, list, dict))
        or out is None
        or not (isinstance(out, av.Tensor) or isinstance(out, (int, float, np.number)))
    ):
        raise TypeError(
            f"Gradient only defined for scalar-output functions. Output was "
            f"{_short(out)}. grad needs the function to return one number; for several "
            f"outputs use jax.jacrev(f), or pass has_aux=True if the others are extras"
        )
    out = _as_output(out, "grad")
    if out.shape != ():
        raise TypeError(
            f"Gradient only defined for scalar-output functions. Output had shape: "
            f"{out.shape}. Reduce it to one number first, e.g. grad(lambda x: f(x).sum()), "
            f"or use jax.jacrev(f) for the gradient of every entry"
        )
    if out.dtype.kind != "f":
        raise TypeError(
            f"grad requires real-valued outputs (a floating-point dtype), but the output "
            f"is {out.dtype}. Compute it from floats, e.g. jnp.arange(4.0) rather than "
            f"jnp.arange(4)"
        )
    return out


def vjp(fun, *primals, has_aux=False):
    """``(fun(*primals), vjp_fn)``: ``vjp_fn(cotangent)`` is a tuple, one
    ``cotangentᵀ · ∂out/∂primal`` per primal (reverse mode, one pass)."""
    with _transform() as nested:
        leaves, rebuild = flatten(list(primals))
        nodes = [_input_node(x, nested, "vjp", f"primal {i}") for i, x in enumerate(leaves)]
        out, aux = _split_aux(fun(*rebuild(nodes)), has_aux, "vjp")
        out_leaves, rebuild_out = _output_leaves(out, "vjp")
        out_tree = structure(out)
        value = rebuild_out([_result(o, nested) for o in out_leaves])
        if aux is not None:
            aux_leaves, rebuild_aux = flatten(aux)
            aux = rebuild_aux([_result(_as_output(a, "vjp"), nested) for a in aux_leaves])

    def vjp_fn(cotangent):
        ct_leaves, _ = flatten(cotangent)
        if structure(cotangent) != out_tree and not (len(ct_leaves) == len(out_leaves) == 1):
            raise TypeError(
                f"the cotangent passed to the VJP function must have the structure of the "
                f"function's output, {out_tree}, but it has {structure(cotangent)}"
            )
        cts = []
        for o, c in zip(out_leaves, ct_leaves):
            c = lift(c)
            if c.shape != o.shape or c.dtype != o.dtype:
                raise ValueError(
                    f"unexpected JAX type (e.g. shape/dtype) for argument to VJP function: "
                    f"got {_jax_type(c)}, but expected {_jax_type(o)} because the "
                    f"corresponding output of the differentiated function had JAX type "
                    f"{_jax_type(o)}; pass a cotangent like jnp.ones_like(out)"
                )
            cts.append(c)
        with _transform() as inner_nested:
            create = inner_nested or nested or any(_array.tracked(c) for c in cts)
            grads = _pullback(out_leaves, cts, nodes, create_graph=create, retain_graph=True)
            grads = [_like(g, x, create) for g, x in zip(grads, nodes)]
        return tuple(rebuild(grads))

    return (value, vjp_fn, aux) if has_aux else (value, vjp_fn)


def _jax_type(x):
    return f"{x.dtype}[{','.join(str(n) for n in x.shape)}]"


# ------------------------------------------------------------------ forward mode


def jvp(fun, primals, tangents, has_aux=False):
    """``(fun(*primals), J · tangents)``: forward mode, one sweep.

    ``primals`` and ``tangents`` are tuples (or lists) of the same
    structure; each tangent has its primal's shape and dtype."""
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise TypeError(
            f"primal and tangent arguments to jax.jvp must be tuples or lists; found "
            f"{type(primals).__name__} and {type(tangents).__name__}. Wrap one array in "
            f"a tuple: jvp(f, (x,), (t,))"
        )
    p_leaves, rebuild = flatten(list(primals))
    t_leaves, _ = flatten(list(tangents))
    if structure(tuple(primals)) != structure(tuple(tangents)):
        raise TypeError(
            f"primal and tangent arguments to jax.jvp must have the same tree structure; "
            f"primals have tree structure {structure(tuple(primals))} whereas tangents have "
            f"tree structure {structure(tuple(tangents))}. Give one tangent per primal"
        )
    ps, ts = [], []
    for i, (p, t) in enumerate(zip(p_leaves, t_leaves)):
        p, t = lift(p), lift(t)
        _check_float(p, "jvp", f"primal {i}")
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
        ps.append(p)
        ts.append(t)
    with _transform() as nested:
        aux_box = []

        def flat_fun(*xs):
            out, aux = _split_aux(fun(*rebuild(list(xs))), has_aux, "jvp")
            out_leaves, rebuild_out = _output_leaves(out, "jvp")
            aux_box.append((aux, rebuild_out, len(out_leaves)))
            return tuple(out_leaves)

        outs, t_outs = _push_forward(flat_fun, ps, ts)
        aux, rebuild_out, _ = aux_box[0]
        value = rebuild_out([_result(o, nested) for o in outs])
        tangent = rebuild_out([_like(t, o, nested) for t, o in zip(t_outs, outs)])
        if aux is not None:
            aux_leaves, rebuild_aux = flatten(aux)
            aux = rebuild_aux([_result(_as_output(a, "jvp"), nested) for a in aux_leaves])
    return (value, tangent, aux) if has_aux else (value, tangent)


def _push_forward(flat_fun, primals, tangents):
    """(outputs, their tangents) of ``flat_fun`` at ``primals`` along ``tangents``:
    the engine's forward mode, one sweep."""
    weak = [p._weak for p in primals]

    def on_duals(*duals):
        # the engine's dual numbers keep the value and class, not the weak type
        return flat_fun(*[_array._mark(d, w) for d, w in zip(duals, weak)])

    outs, t_outs = av.jvp(on_duals, tuple(primals), tuple(tangents))
    if isinstance(outs, av.Tensor):
        outs, t_outs = (outs,), (t_outs,)
    return list(outs), list(t_outs)


# ------------------------------------------------------------------ Jacobians


def _jacobian(fun, argnums, has_aux, column_of, mode):
    def jac_f(*args, **kwargs):
        many, nums = _argnums(mode, argnums, len(args))

        def of_diff(*diff):
            full = list(args)
            for n, d in zip(nums, diff):
                full[n] = d
            return fun(*full, **kwargs)

        jacs, aux = column_of(of_diff, [args[n] for n in nums], has_aux)
        return (jacs if many else jacs[0], aux) if has_aux else (jacs if many else jacs[0])

    jac_f.__name__ = f"{mode}_{getattr(fun, '__name__', 'fun')}"
    return jac_f


def _jac_rev(of_diff, diff_args, has_aux):
    from .numpy import stack

    result = vjp(of_diff, *diff_args, has_aux=has_aux)
    out, pull = result[0], result[1]
    aux = result[2] if has_aux else None
    out_leaves, rebuild_out = flatten(out)
    out_leaves = [lift(o) for o in out_leaves]
    per_out = []
    for i, o in enumerate(out_leaves):
        rows = []
        for k in range(o.size):
            basis = [constant(np.zeros(q.shape, dtype=q.dtype)) for q in out_leaves]
            e = np.zeros(o.size, dtype=o.dtype)
            e[k] = 1
            basis[i] = constant(e.reshape(o.shape))
            rows.append(pull(rebuild_out(basis)))
        per_arg = []
        for j, x in enumerate(diff_args):
            x_leaves, rebuild_x = flatten(x)
            row_leaves = [flatten(r[j])[0] for r in rows]
            blocks = []
            for m, xl in enumerate(x_leaves):
                xl = lift(xl)
                if rows:
                    block = stack([r[m] for r in row_leaves]).reshape(o.shape + xl.shape)
                else:
                    block = constant(np.zeros(o.shape + xl.shape, dtype=o.dtype))
                blocks.append(_array._mark(block, xl._weak and o._weak))
            per_arg.append(rebuild_x(blocks))
        per_out.append(tuple(per_arg))
    return _by_arg(per_out, rebuild_out, len(diff_args)), aux


def _jac_fwd(of_diff, diff_args, has_aux):
    from .numpy import stack

    flat = [flatten(x) for x in diff_args]
    columns = []  # (arg j, leaf m, output tangents per basis vector)
    out = aux = None
    for j, (x_leaves, _rebuild_x) in enumerate(flat):
        for m, xl in enumerate(x_leaves):
            xl = lift(xl)
            _check_float(xl, "jacfwd", f"argument {j}")
            cols = []
            for k in range(xl.size):
                tangents = [
                    [constant(np.zeros(np.shape(q), dtype=lift(q).dtype)) for q in xs]
                    for xs, _ in flat
                ]
                e = np.zeros(xl.size, dtype=xl.dtype)
                e[k] = 1
                tangents[j][m] = constant(e.reshape(xl.shape))
                t_trees = tuple(rb(ts) for ts, (_, rb) in zip(tangents, flat))
                result = jvp(of_diff, tuple(diff_args), t_trees, has_aux=has_aux)
                out, t_out = result[0], result[1]
                aux = result[2] if has_aux else None
                cols.append(flatten(t_out)[0])
            columns.append((j, m, xl, cols))
    if out is None:  # every argument empty: run once for the output's shape
        out = of_diff(*diff_args)
        if has_aux:
            out, aux = out
    out_leaves, rebuild_out = flatten(out)
    out_leaves = [lift(o) for o in out_leaves]
    per_out = []
    for i, o in enumerate(out_leaves):
        per_arg = [[None] * len(x_leaves) for x_leaves, _ in flat]
        for j, m, xl, cols in columns:
            if cols:
                block = stack([c[i] for c in cols], axis=-1).reshape(o.shape + xl.shape)
            else:
                block = constant(np.zeros(o.shape + xl.shape, dtype=o.dtype))
            per_arg[j][m] = _array._mark(block, xl._weak and o._weak)
        per_out.append(tuple(rb(leaves) for leaves, (_, rb) in zip(per_arg, flat)))
    return _by_arg(per_out, rebuild_out, len(diff_args)), aux


def _by_arg(per_out, rebuild_out, n_args):
    """One Jacobian tree per differentiated argument, each shaped like the output."""
    return [rebuild_out([blocks[j] for blocks in per_out]) for j in range(n_args)]


def jacrev(fun, argnums=0, has_aux=False, holomorphic=False, allow_int=False):
    """The Jacobian (``out.shape + x.shape``) by reverse mode: one pass per output entry."""
    return _jacobian(fun, argnums, has_aux, _jac_rev, "jacrev")


def jacfwd(fun, argnums=0, has_aux=False, holomorphic=False):
    """The Jacobian (``out.shape + x.shape``) by forward mode: one sweep per input entry."""
    return _jacobian(fun, argnums, has_aux, _jac_fwd, "jacfwd")


jacobian = jacrev


def hessian(fun, argnums=0, has_aux=False, holomorphic=False):
    """The matrix of second derivatives: forward over reverse, ``jacfwd(jacrev(f))``."""
    return jacfwd(jacrev(fun, argnums, has_aux), argnums, has_aux)


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

    @functools.wraps(fun)
    def vmapped(*args):
        from .numpy import stack

        if isinstance(in_axes, (tuple, list)):
            if len(in_axes) != len(args):
                raise ValueError(
                    f"vmap in_axes must be an int, None, or a tuple of entries corresponding "
                    f"to the positional arguments passed to the function, but got "
                    f"len(in_axes)={len(in_axes)}, len(args)={len(args)}"
                )
            axes = list(in_axes)
        else:
            axes = [in_axes] * len(args)
        sizes = []
        flat = []
        for i, (arg, axis) in enumerate(zip(args, axes)):
            leaves, rebuild = flatten(arg)
            leaves = [lift(x) for x in leaves] if axis is not None else leaves
            if axis is not None:
                for x in leaves:
                    if not -x.ndim <= axis < max(x.ndim, 1) or x.ndim == 0:
                        raise ValueError(
                            f"vmap was requested to map argument {i} along axis {axis}, "
                            f"which implies that its rank should be at least "
                            f"{axis + 1 if axis >= 0 else -axis}, "
                            f"but it is only {x.ndim} (its shape is {x.shape}); pass "
                            f"in_axes=None for an argument that is not mapped"
                        )
                    sizes.append((x.shape[axis], i, axis, x))
            flat.append((leaves, rebuild, axis))
        if not sizes and axis_size is None:
            raise ValueError(
                "vmap must have at least one non-None value in in_axes (an "
                "argument to map over), or axis_size must be given"
            )
        n = sizes[0][0] if sizes else axis_size
        if any(s[0] != n for s in sizes):
            lines = "\n".join(
                f"  * axis {axis} of argument {i} (shape {x.shape}) has size {s}"
                for s, i, axis, x in sizes
            )
            raise ValueError(
                f"vmap got inconsistent sizes for array axes to be mapped:\n"
                f"{lines}\nevery mapped axis must have the same size"
            )
        if n == 0:
            raise ValueError(
                "vmap over an axis of size 0: autograd_viz runs the function "
                "once per index, so there is nothing to run"
            )
        results = []
        for k in range(n):
            call = []
            for leaves, rebuild, axis in flat:
                if axis is None:
                    call.append(rebuild(leaves))
                else:
                    call.append(
                        rebuild([x[(slice(None),) * (axis % x.ndim) + (k,)] for x in leaves])
                    )
            results.append(fun(*call))
        first_leaves, rebuild_out = flatten(results[0])
        per_result = [flatten(r)[0] for r in results]
        out_axis = out_axes if isinstance(out_axes, int) else 0
        return rebuild_out(
            [
                stack([lift(r[i]) for r in per_result], axis=out_axis)
                for i in range(len(first_leaves))
            ]
        )

    return vmapped


# ------------------------------------------------------------------ stop_gradient


def stop_gradient(x):
    """The same values, with no derivative: gradients (of any order, in either
    mode) stop here.  Works on arrays and on tuples, lists and dicts of them."""
    leaves, rebuild = flatten(x)
    out = []
    for leaf in leaves:
        leaf = lift(leaf)
        out.append(_array._mark(av.Tensor.detach(leaf), leaf._weak))
    return rebuild(out)
