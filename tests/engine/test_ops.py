"""Every primitive in autograd_viz.ops.REGISTRY, checked to second order.

Each primitive has a spec below: how to draw inputs inside its domain, how to
call it through the public API, and the same function in numpy (forward
oracle) and in HIPS autograd (gradient oracle).  For every primitive and many
random inputs we check

  (a) the forward value, shape and dtype against numpy;
  (b) the gradient of sum(w * f(x)) for a random w against central
      differences (our own, and av.gradcheck) and against HIPS autograd;
  (c) the second derivative: differentiating the backward pass itself
      (create_graph=True), with w also a variable so the VJP is checked as a
      function of both x and the upstream gradient, against HIPS autograd and
      against central differences of the first gradient;
  (d) the diagram text (formula, one rule per input) and the local
      derivative a diagram shows, against the analytic derivative.

A primitive added to the registry without a spec here fails
``test_every_primitive_has_a_spec``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import autograd.numpy as anp
import numpy as np
import pytest
import strategies as S
from autograd import grad as hips_grad
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd_viz as av
from autograd_viz.engine import ops
from autograd_viz.engine.graph import STATE
from autograd_viz.engine.tensor import apply

# central differences in float64: eps^2 truncation and eps^-1 * 1e-16
# rounding both stay near 1e-10 for the values drawn here
EPS = 1e-6
FD_RTOL, FD_ATOL = 1e-5, 1e-6
# against HIPS autograd both sides are exact float64 math in a different
# order, so only rounding separates them
ORACLE_RTOL, ORACLE_ATOL = 1e-9, 1e-11

# the per-primitive checks are cheap: run a multiple of the profile's examples
# (tests/conftest.py), so AV_HYPOTHESIS_PROFILE=thorough scales them too
MANY = settings(max_examples=3 * settings.default.max_examples)


# ---------------------------------------------------------------- specs


@dataclass
class Spec:
    draw: Callable  # data -> (list of float64 arrays, params dict)
    av: Callable  # (*Tensors, **params) -> Tensor made by this primitive
    np: Callable  # (*arrays, **params) -> numpy result
    anp: Callable  # the same in autograd.numpy (differentiable by HIPS)
    # analytic local derivative per input, for primitives whose diagram
    # shows a value (elementwise ops and scalar reductions); None otherwise
    deriv: Callable | None = None


def _unary(lo, hi, *, nonzero=False):
    def draw(data):
        shape = data.draw(S.shapes(), label="shape")
        elements = S.away_from_zero(lo, hi) if nonzero else S.floats(lo, hi)
        return [data.draw(S.arrays(shape, elements), label="a")], {}

    return draw


def _binary(a_elements, b_elements):
    def draw(data):
        sa, sb = data.draw(S.broadcast_pair(), label="shapes")
        a = data.draw(S.arrays(sa, a_elements), label="a")
        b = data.draw(S.arrays(sb, b_elements), label="b")
        return [a, b], {}

    return draw


def _reduction(distinct=False, nonzero=False):
    def draw(data):
        shape = data.draw(S.shapes(), label="shape")
        if distinct:
            a = data.draw(S.distinct_values(shape), label="a")
        elif nonzero:
            a = data.draw(S.nonzero_values(shape), label="a")
        else:
            a = data.draw(S.values(shape), label="a")
        axis = data.draw(S.axes_for(len(shape)), label="axis")
        keepdims = data.draw(st.booleans(), label="keepdims")
        return [a], {"axis": axis, "keepdims": keepdims}

    return draw


def _draw_norm(data):
    shape = data.draw(S.shapes(), label="shape")
    return [data.draw(S.nonzero_values(shape), label="a")], {}


def _draw_dot(data):
    n = data.draw(st.integers(1, 4), label="n")
    return [data.draw(S.values((n,)), label="a"), data.draw(S.values((n,)), label="b")], {}


def _draw_matmul(data):
    sa, sb = data.draw(S.matmul_shapes(), label="shapes")
    return [data.draw(S.values(sa), label="a"), data.draw(S.values(sb), label="b")], {}


def _draw_reshape(data):
    shape = data.draw(S.shapes(), label="shape")
    target = data.draw(S.reshape_targets(shape), label="target")
    return [data.draw(S.values(shape), label="a")], {"shape": target}


def _draw_transpose(data):
    shape = data.draw(S.shapes(), label="shape")
    axes = data.draw(S.transpose_axes(len(shape)), label="axes")
    return [data.draw(S.values(shape), label="a")], {"axes": axes}


def _draw_broadcast_to(data):
    target = data.draw(S.shapes(), label="target")
    shape = data.draw(S.shape_broadcasting_to(target), label="shape")
    return [data.draw(S.values(shape), label="a")], {"shape": target}


def _draw_getitem(data):
    shape = data.draw(S.shapes(), label="shape")
    index = data.draw(S.indices_for(shape), label="index")
    return [data.draw(S.values(shape), label="a")], {"index": index}


def _draw_unindex(data):
    shape = data.draw(S.shapes(), label="shape")
    index = data.draw(S.indices_for(shape), label="index")
    picked = np.zeros(shape)[index].shape
    return [data.draw(S.values(picked), label="g")], {"index": index, "shape": shape}


def _np_unindex(g, index, shape):
    out = np.zeros(shape)
    np.add.at(out, index, g)
    return out


def _anp_unindex(g, index, shape):
    # scatter-add written as a product with a constant 0/1 matrix, which
    # HIPS autograd differentiates to any order
    size = int(np.prod(shape)) if shape else 1
    where = np.arange(size).reshape(shape)[index].reshape(-1)
    scatter = np.zeros((size, where.size))
    scatter[where, np.arange(where.size)] = 1.0
    return anp.reshape(anp.dot(scatter, anp.reshape(g, (-1,))), shape)


def _sigmoid_np(a):
    return 1.0 / (1.0 + np.exp(-a))


def _sigmoid_anp(a):
    return 1.0 / (1.0 + anp.exp(-a))


def _count(shape, axis):
    if axis is None:
        return int(np.prod(shape)) if shape else 1
    axes = (axis,) if isinstance(axis, int) else axis
    return int(np.prod([shape[a] for a in axes]))


def _max_mask(a, axis, keepdims):
    return (a == np.max(a, axis=axis, keepdims=True)).astype(float)


def _positive_axes(axes, ndim):
    # HIPS autograd inverts a permutation with argsort, which is only right
    # for non-negative axes; the reference states the same permutation that way
    return None if axes is None else tuple(a % ndim for a in axes)


def _draw_apart(data):
    """Two broadcasting inputs that differ everywhere (by at least 0.1), so
    maximum and minimum never meet a tie, even after a finite-difference step."""
    a, b = _binary(ANY, ANY)(data)[0]
    b = np.where(np.abs(a - b) < 0.1, b + 0.3, b) if np.shape(b) == np.shape(a) else b
    assume(np.all(np.abs(np.broadcast_to(a, np.broadcast_shapes(a.shape, b.shape)) - b) >= 0.1))
    return [a, b], {}


def _draw_where(data):
    (a, b), _ = _binary(ANY, ANY)(data)
    shape = data.draw(S.shape_broadcasting_to(np.broadcast_shapes(a.shape, b.shape)), label="c")
    condition = data.draw(hnp.arrays(bool, shape), label="condition")
    return [a, b], {"condition": condition}


def _draw_prod(data):
    """Values with a zero now and then (the rule's exact branch: the product
    of the others, not the product divided by the entry)."""
    [a], params = _reduction()(data)
    zeros = data.draw(S.arrays(a.shape, st.sampled_from([False, False, True])), label="zeros")
    return [np.where(zeros, 0.0, a)], params


def _anp_prod(a, axis=None, keepdims=False):
    # the product as multiplications, one entry at a time: HIPS autograd's own
    # prod divides by the entries, which is nan where one is 0
    ndim = anp.ndim(a)
    axes = tuple(range(ndim)) if axis is None else (axis,) if isinstance(axis, int) else axis
    axes = tuple(x % ndim for x in axes) if ndim else ()
    kept = [i for i in range(ndim) if i not in axes]
    moved = anp.transpose(a, tuple(axes) + tuple(kept)) if ndim else a
    rows = anp.reshape(moved, (-1,) + tuple(anp.shape(a)[i] for i in kept))
    out = rows[0]
    for k in range(1, rows.shape[0]):
        out = out * rows[k]
    if keepdims:
        out = anp.reshape(out, tuple(1 if i in axes else n for i, n in enumerate(anp.shape(a))))
    return out


def _anp_erf(a):
    """erf by its Taylor series (exact to rounding on [−2, 2] with 40 terms):
    HIPS autograd has erf's VJP but not its JVP, and differentiates this in
    both modes."""
    total, term = 0.0, a
    for n in range(40):
        total = total + term / (2 * n + 1)
        term = -term * a * a / (n + 1)
    return 2 / np.sqrt(np.pi) * total


def _others_product(a, axis, keepdims):
    """d prod / d a, entry by entry: the product of its group with it set to 1."""
    reduced = range(a.ndim) if axis is None else np.atleast_1d(axis) % max(a.ndim, 1)
    out = np.zeros_like(a)
    for k in np.ndindex(a.shape):
        b = np.array(a)
        b[k] = 1.0
        group = np.prod(b, axis=axis, keepdims=True)
        out[k] = group[tuple(0 if i in reduced else j for i, j in enumerate(k))]
    return (out,)


def _softmax(a, axis, keepdims):
    e = np.exp(a)
    return (e / np.sum(e, axis=axis, keepdims=True),)


def _logsumexp_np(a, axis=None, keepdims=False):
    return np.log(np.sum(np.exp(a), axis=axis, keepdims=keepdims))


def _logsumexp_anp(a, axis=None, keepdims=False):
    return anp.log(anp.sum(anp.exp(a), axis=axis, keepdims=keepdims))


# einsum: subscripts and the operands' shapes (matrix products, a trace, a
# diagonal, an outer product, broadcasting, the ellipsis, three operands)
EINSUMS = [
    ("ij,jk->ik", [(2, 3), (3, 2)]),
    ("ij,jk", [(2, 3), (3, 1)]),
    ("ii->", [(3, 3)]),
    ("ii->i", [(2, 2)]),
    ("ij->ji", [(2, 3)]),
    ("ij->", [(2, 3)]),
    ("i,i->", [(3,), (3,)]),
    ("i,j->ij", [(2,), (3,)]),
    ("ij,j->i", [(2, 3), (3,)]),
    ("bij,bjk->bik", [(2, 2, 3), (2, 3, 2)]),
    ("ij,ij->ij", [(1, 3), (2, 3)]),
    ("...ij,jk->...ik", [(2, 2, 3), (3, 2)]),
    ("ijk,ikl,l->ij", [(2, 2, 3), (2, 3, 2), (2,)]),
    ("ii,i->i", [(2, 2), (2,)]),
    ("i,i", [(3,), (3,)]),
]


def _anp_einsum(subscripts, *xs):
    """einsum for HIPS autograd, whose rule cannot take a letter twice in one
    operand: a diagonal is written as a product with an identity matrix."""
    inputs, arrow, out = subscripts.replace(" ", "").partition("->")
    spare = iter(c for c in "pqrstuvwxyz" if c not in subscripts)
    specs, extra, deltas = [], [], []
    for spec, x in zip(inputs.split(","), xs):
        written = ""
        for c, n in zip(spec, anp.shape(x)) if "..." not in spec else ((c, 0) for c in spec):
            if c in written and c.isalpha():
                fresh = next(spare)
                written += fresh
                extra.append(c + fresh)
                deltas.append(np.eye(n))
            else:
                written += c
        specs.append(written)
    if not arrow:  # numpy's implicit output, from the subscripts as given
        counts = {c: inputs.count(c) for c in inputs if c.isalpha()}
        out = "".join(sorted(c for c, k in counts.items() if k == 1))
    return anp.einsum(",".join(specs + extra) + "->" + out, *xs, *deltas)


def _draw_einsum(data):
    subscripts, shapes = data.draw(st.sampled_from(EINSUMS), label="einsum")
    return [data.draw(S.values(sh), label=f"x{i}") for i, sh in enumerate(shapes)], {
        "subscripts": subscripts
    }


POSITIVE = S.floats(0.5, 2.0)
ANY = S.floats(-2.0, 2.0)
# exponent 0 is left out: HIPS autograd writes d(a^b)/da with a where(b, ...)
# special case whose own derivative in b is wrong exactly at b == 0
EXPONENT = S.away_from_zero(0.1, 2.0)
DENOMINATOR = S.away_from_zero(0.5, 2.0)

SPECS: dict[str, Spec] = {
    "add": Spec(
        _binary(ANY, ANY),
        lambda a, b: a + b,
        np.add,
        lambda a, b: a + b,
        lambda a, b: (np.ones_like(a), np.ones_like(b)),
    ),
    "sub": Spec(
        _binary(ANY, ANY),
        lambda a, b: a - b,
        np.subtract,
        lambda a, b: a - b,
        lambda a, b: (np.ones_like(a), -np.ones_like(b)),
    ),
    "mul": Spec(
        _binary(ANY, ANY),
        lambda a, b: a * b,
        np.multiply,
        lambda a, b: a * b,
        lambda a, b: (b + 0 * a, a + 0 * b),
    ),
    "div": Spec(
        _binary(ANY, DENOMINATOR),
        lambda a, b: a / b,
        np.divide,
        lambda a, b: a / b,
        lambda a, b: (1 / b + 0 * a, -a / b**2),
    ),
    "pow": Spec(
        _binary(POSITIVE, EXPONENT),
        lambda a, b: a**b,
        np.power,
        lambda a, b: a**b,
        lambda a, b: (b * a ** (b - 1), a**b * np.log(a)),
    ),
    "neg": Spec(
        _unary(-2, 2), lambda a: -a, np.negative, lambda a: -a, lambda a: (-np.ones_like(a),)
    ),
    "exp": Spec(_unary(-2, 2), av.exp, np.exp, anp.exp, lambda a: (np.exp(a),)),
    "log": Spec(_unary(0.2, 2), av.log, np.log, anp.log, lambda a: (1 / a,)),
    "sin": Spec(_unary(-3, 3), av.sin, np.sin, anp.sin, lambda a: (np.cos(a),)),
    "cos": Spec(_unary(-3, 3), av.cos, np.cos, anp.cos, lambda a: (-np.sin(a),)),
    "tanh": Spec(_unary(-3, 3), av.tanh, np.tanh, anp.tanh, lambda a: (1 - np.tanh(a) ** 2,)),
    "sigmoid": Spec(
        _unary(-4, 4),
        av.sigmoid,
        _sigmoid_np,
        _sigmoid_anp,
        lambda a: (_sigmoid_np(a) * (1 - _sigmoid_np(a)),),
    ),
    "relu": Spec(
        _unary(0.1, 2, nonzero=True),
        av.relu,
        lambda a: np.maximum(a, 0),
        lambda a: anp.maximum(a, 0.0),
        lambda a: ((a > 0).astype(float),),
    ),
    "abs": Spec(_unary(0.1, 2, nonzero=True), av.abs, np.abs, anp.abs, lambda a: (np.sign(a),)),
    "sqrt": Spec(_unary(0.2, 2), av.sqrt, np.sqrt, anp.sqrt, lambda a: (0.5 / np.sqrt(a),)),
    "sum": Spec(
        _reduction(),
        lambda a, **p: av.sum(a, **p),
        lambda a, **p: np.sum(a, **p),
        lambda a, **p: anp.sum(a, **p),
        lambda a, **p: (np.ones_like(a),),
    ),
    "mean": Spec(
        _reduction(),
        lambda a, **p: av.mean(a, **p),
        lambda a, **p: np.mean(a, **p),
        lambda a, **p: anp.mean(a, **p),
        lambda a, axis, keepdims: (np.ones_like(a) / _count(a.shape, axis),),
    ),
    "max": Spec(
        _reduction(distinct=True),
        lambda a, **p: av.max(a, **p),
        lambda a, **p: np.max(a, **p),
        lambda a, **p: anp.max(a, **p),
        lambda a, axis, keepdims: (_max_mask(a, axis, keepdims),),
    ),
    "norm": Spec(
        _draw_norm,
        av.norm,
        lambda a: np.linalg.norm(a),
        lambda a: anp.sqrt(anp.sum(a * a)),
        lambda a: (a / np.linalg.norm(a),),
    ),
    "dot": Spec(_draw_dot, av.dot, np.dot, anp.dot, lambda a, b: (b, a)),
    "matmul": Spec(_draw_matmul, lambda a, b: a @ b, np.matmul, anp.matmul),
    "reshape": Spec(
        _draw_reshape,
        lambda a, shape: a.reshape(shape),
        lambda a, shape: np.reshape(a, shape),
        lambda a, shape: anp.reshape(a, shape),
    ),
    "transpose": Spec(
        _draw_transpose,
        lambda a, axes: av.transpose(a, axes),
        lambda a, axes: np.transpose(a, axes),
        lambda a, axes: anp.transpose(a, _positive_axes(axes, anp.ndim(a))),
    ),
    "broadcast_to": Spec(
        _draw_broadcast_to,
        lambda a, shape: av.broadcast_to(a, shape),
        lambda a, shape: np.broadcast_to(a, shape),
        # HIPS's broadcast_to cannot add leading axes; adding
        # zeros of the target shape broadcasts the same way
        lambda a, shape: a + anp.zeros(shape),
    ),
    "getitem": Spec(
        _draw_getitem,
        lambda a, index: a[index],
        lambda a, index: a[index],
        lambda a, index: a[index],
    ),
    # the harness works in float64, where a cast to float64 is exact; float32
    # round trips are checked in test_engine.py
    "identity": Spec(
        _unary(-2, 2),
        lambda a: av.engine.tensor.identity(a),
        lambda a: np.asarray(a),
        lambda a: a * 1.0,
        lambda a: (np.ones_like(a),),
    ),
    "cast": Spec(
        _unary(-2, 2),
        lambda a: apply(ops.cast, a, dtype=np.dtype("float64")),
        lambda a: np.asarray(a, dtype=np.float64),
        lambda a: a * 1.0,
        lambda a: (np.ones_like(a),),
    ),
    "erf": Spec(
        _unary(-2, 2),
        av.erf,
        lambda a: np.vectorize(math.erf)(a) + 0.0 * a,
        _anp_erf,
        lambda a: (2 / np.sqrt(np.pi) * np.exp(-(a**2)),),
    ),
    "log1p": Spec(_unary(-0.5, 2), av.log1p, np.log1p, anp.log1p, lambda a: (1 / (1 + a),)),
    "maximum": Spec(
        _draw_apart,
        av.maximum,
        np.maximum,
        anp.maximum,
        lambda a, b: ((a > b) + 0.0 * b, (b > a) + 0.0 * a),
    ),
    "minimum": Spec(
        _draw_apart,
        av.minimum,
        np.minimum,
        anp.minimum,
        lambda a, b: ((a < b) + 0.0 * b, (b < a) + 0.0 * a),
    ),
    "where": Spec(
        _draw_where,
        lambda a, b, condition: av.where(condition, a, b),
        lambda a, b, condition: np.where(condition, a, b),
        # as arithmetic with a constant 0/1 mask, which HIPS unbroadcasts
        lambda a, b, condition: condition * a + np.logical_not(condition) * b,
        lambda a, b, condition: (
            np.broadcast_to(condition, np.broadcast_shapes(a.shape, b.shape, condition.shape))
            + 0.0,
            np.logical_not(
                np.broadcast_to(condition, np.broadcast_shapes(a.shape, b.shape, condition.shape))
            )
            + 0.0,
        ),
    ),
    "prod": Spec(
        _draw_prod,
        lambda a, **p: av.prod(a, **p),
        lambda a, **p: np.prod(a, **p),
        _anp_prod,
        _others_product,
    ),
    "min": Spec(
        _reduction(distinct=True),
        lambda a, **p: av.min(a, **p),
        lambda a, **p: np.min(a, **p),
        lambda a, **p: anp.min(a, **p),
        lambda a, axis, keepdims: ((a == np.min(a, axis=axis, keepdims=True)) + 0.0,),
    ),
    "logsumexp": Spec(
        _reduction(),
        lambda a, **p: av.logsumexp(a, **p),
        _logsumexp_np,
        _logsumexp_anp,
        _softmax,
    ),
    "einsum": Spec(
        _draw_einsum,
        lambda *xs, subscripts: av.einsum(subscripts, *xs),
        lambda *xs, subscripts: np.einsum(subscripts, *xs),
        lambda *xs, subscripts: _anp_einsum(subscripts, *xs),
    ),
    "unindex": Spec(
        _draw_unindex,
        lambda g, index, shape: apply(ops.unindex, g, index=index, shape=shape),
        _np_unindex,
        _anp_unindex,
    ),
}

NAMES = sorted(SPECS)


def test_every_primitive_has_a_spec():
    missing = sorted(set(ops.REGISTRY) - set(SPECS))
    assert not missing, (
        f"primitives without a test spec in tests/engine/test_ops.py: {missing}; "
        f"add a Spec with its domain, numpy and HIPS autograd references"
    )
    stale = sorted(set(SPECS) - set(ops.REGISTRY))
    assert not stale, f"specs for primitives that no longer exist: {stale}"


def test_specs_show_values_exactly_where_the_primitive_does():
    for name, spec in SPECS.items():
        prim = ops.REGISTRY[name]
        assert (spec.deriv is not None) == prim.shows_local_value, name


# ---------------------------------------------------------------- helpers


def _ensure_clean_state():
    assert STATE.grad_enabled and not STATE.record_all and not STATE.recorders
    assert not STATE.in_backward


def _run(name, arrays, params, requires_grad=True):
    xs = [av.tensor(a, requires_grad=requires_grad, name=f"x{i}") for i, a in enumerate(arrays)]
    out = SPECS[name].av(*xs, **params)
    if requires_grad:
        assert out.op is ops.REGISTRY[name], f"{name}: the call made {out.op}, not {name}"
    else:  # nothing needs a gradient: nothing is recorded
        assert out.op is None and not out.requires_grad and out.inputs == ()
    return xs, out


def _draw_case(data, name):
    arrays, params = SPECS[name].draw(data)
    expected = np.asarray(SPECS[name].np(*arrays, **params))
    w = data.draw(S.values(expected.shape), label="w")
    return arrays, params, expected, w


def _close(actual, expected, rtol, atol, what):
    actual, expected = np.asarray(actual, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != {expected.shape}"
    scale = 1.0 + (np.max(np.abs(expected)) if expected.size else 0.0)
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol * scale, err_msg=what)


def numeric_gradient(f, arrays, i, eps=EPS):
    """Central differences of the scalar function f(*arrays) in input i."""
    arrays = [np.array(a, dtype=np.float64) for a in arrays]
    x = arrays[i]
    out = np.zeros(x.shape)
    flat, gflat = x.reshape(-1), out.reshape(-1)
    for k in range(flat.size):
        old = flat[k]
        flat[k] = old + eps
        plus = f(*arrays)
        flat[k] = old - eps
        minus = f(*arrays)
        flat[k] = old
        gflat[k] = (plus - minus) / (2 * eps)
    return out


def _hips_gradient(f, arrays, i):
    with warnings.catch_warnings():
        # HIPS warns when the output does not depend on an input; zeros are right
        warnings.simplefilter("ignore")
        return np.asarray(hips_grad(f, i)(*arrays), dtype=np.float64)


def _grad_or_zeros(g, like):
    return (
        np.zeros(np.shape(like))
        if g is None
        else np.asarray(g.data if isinstance(g, av.Tensor) else g)
    )


def _sum_to_shape(x, shape):
    x = np.asarray(x)
    while x.ndim > len(shape):
        x = x.sum(axis=0)
    return x.sum(
        axis=tuple(i for i, n in enumerate(shape) if n == 1 and x.shape[i] != 1), keepdims=True
    ).reshape(shape)


# ---------------------------------------------------------------- (a), (b)


@pytest.mark.parametrize("name", NAMES)
@MANY
@given(data=st.data())
def test_forward_matches_numpy(name, data):
    arrays, params, expected, _ = _draw_case(data, name)
    xs, out = _run(name, arrays, params, requires_grad=False)
    assert out.shape == expected.shape, f"{name}: shape {out.shape}, numpy {expected.shape}"
    assert out.dtype == np.float64
    np.testing.assert_allclose(np.asarray(out.data), expected, rtol=1e-12, atol=1e-14)
    # inputs are untouched by the op
    for x, a in zip(xs, arrays):
        np.testing.assert_array_equal(x.data, a)
    _ensure_clean_state()


@pytest.mark.parametrize("name", NAMES)
@MANY
@given(data=st.data())
def test_first_order_matches_finite_differences_and_hips(name, data):
    spec = SPECS[name]
    arrays, params, _, w = _draw_case(data, name)

    xs, out = _run(name, arrays, params)
    out.backward(gradient=w)
    got = [np.asarray(x.grad.data) for x in xs]
    for x, g in zip(xs, got):
        assert g.shape == x.shape and x.grad.dtype == np.float64

    # av.gradients must agree with backward() and leave .grad alone
    xs2, out2 = _run(name, arrays, params)
    via_gradients = av.gradients(out2, xs2, grad_outputs=w)
    assert all(x.grad is None for x in xs2)
    # and so must the loss written out: sum(w * f(x)).backward()
    xs3, out3 = _run(name, arrays, params)
    (out3 * av.tensor(w)).sum().backward()

    def loss_np(*a):
        return float(np.sum(w * spec.np(*a, **params)))

    def loss_hips(*a):
        return anp.sum(w * spec.anp(*a, **params))

    for i, a in enumerate(arrays):
        what = f"{name}: d sum(w*f)/d input {i}"
        _close(_grad_or_zeros(via_gradients[i], a), got[i], 0, 0, what + " (gradients vs backward)")
        _close(xs3[i].grad.data, got[i], 1e-12, 1e-14, what + " (loss written out)")
        _close(
            got[i],
            numeric_gradient(loss_np, arrays, i),
            FD_RTOL,
            FD_ATOL,
            what + " vs central differences",
        )
        _close(
            got[i],
            _hips_gradient(loss_hips, arrays, i),
            ORACLE_RTOL,
            ORACLE_ATOL,
            what + " vs HIPS autograd",
        )

    assert av.gradcheck(lambda *t: spec.av(*t, **params), *arrays) is True
    _ensure_clean_state()


# ---------------------------------------------------------------- (c)


def _vjp_dot_v(name, params, v):
    """phi(x..., w) = sum_i <v_i, d sum(w * f(x)) / d x_i>, computed by a
    plain (first-order) backward: the function whose gradient is the
    second-order quantity under test."""

    def phi(*z):
        *arrays, w = z
        xs, out = _run(name, arrays, params)
        out.backward(gradient=w)
        return float(sum(np.sum(vi * x.grad.data) for vi, x in zip(v, xs)))

    return phi


@pytest.mark.parametrize("name", NAMES)
@MANY
@given(data=st.data())
def test_second_order_matches_hips_and_finite_differences(name, data):
    spec = SPECS[name]
    arrays, params, _, w = _draw_case(data, name)
    v = [data.draw(S.values(np.shape(a)), label=f"v{i}") for i, a in enumerate(arrays)]
    z = [*arrays, w]

    # differentiate the recorded backward pass, in x and in the upstream w
    xs, out = _run(name, arrays, params)
    wt = av.tensor(w, requires_grad=True, name="w")
    firsts = av.gradients(out, xs, grad_outputs=wt, create_graph=True)
    terms = [(f * av.tensor(vi)).sum() for f, vi in zip(firsts, v) if f is not None]
    # out depends on every input, so every first derivative exists
    for f, x in zip(firsts, xs):
        assert f is not None and f.shape == x.shape
    phi = terms[0]
    for t in terms[1:]:
        phi = phi + t
    if phi.requires_grad:
        got = [_grad_or_zeros(g, a) for g, a in zip(av.gradients(phi, [*xs, wt]), z)]
    else:  # the backward pass used no variable: every second derivative is 0
        got = [np.zeros(np.shape(a)) for a in z]

    def phi_hips(*zz):
        *aa, ww = zz
        total = 0.0
        for i in range(len(aa)):
            gi = hips_grad(lambda *x: anp.sum(ww * spec.anp(*x, **params)), i)(*aa)
            total = total + anp.sum(v[i] * gi)
        return total

    phi_fd = _vjp_dot_v(name, params, v)
    for j in range(len(z)):
        what = f"{name}: second derivative, d phi / d {'w' if j == len(arrays) else f'input {j}'}"
        _close(
            got[j],
            _hips_gradient(phi_hips, z, j),
            ORACLE_RTOL,
            ORACLE_ATOL,
            what + " vs HIPS autograd",
        )
        _close(
            got[j],
            numeric_gradient(phi_fd, z, j),
            FD_RTOL,
            FD_ATOL,
            what + " vs central differences of the first gradient",
        )
    _ensure_clean_state()


UNARY_SMOOTH = ["exp", "log", "sin", "cos", "tanh", "sigmoid", "sqrt", "neg"]


@pytest.mark.parametrize("name", UNARY_SMOOTH)
@given(data=st.data())
def test_nested_grad_gives_the_elementwise_second_derivative(name, data):
    # av.grad(av.grad(f)) on a scalar, the chapter's way of taking f''
    spec = SPECS[name]
    [a], params = spec.draw(data)
    a = a.reshape(-1)[:1].reshape(())
    d1 = av.grad(lambda x: spec.av(x))
    d2 = av.grad(d1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # HIPS warns that (-x)'' does not depend on x
        expected1 = hips_grad(spec.anp)(a)
        expected2 = hips_grad(hips_grad(spec.anp))(a)
    _close(d1(a).data, expected1, ORACLE_RTOL, ORACLE_ATOL, f"{name}'")
    _close(d2(a).data, expected2, ORACLE_RTOL, ORACLE_ATOL, f"{name}''")
    _close(
        d2(a).data,
        (d1(a + EPS).item() - d1(a - EPS).item()) / (2 * EPS),
        FD_RTOL,
        FD_ATOL,
        f"{name}'' vs central differences of {name}'",
    )


# ---------------------------------------------------------------- (d)


@pytest.mark.parametrize("name", sorted(ops.REGISTRY))
def test_primitive_has_formula_and_a_rule_per_input(name):
    prim = ops.REGISTRY[name]
    assert prim.name == name
    assert isinstance(prim.formula, str) and prim.formula.strip(), name
    assert isinstance(prim.rules, tuple) and len(prim.rules) == prim.arity == len(prim.vjps)
    for rule in prim.rules:
        assert isinstance(rule, str) and rule.strip(), f"{name}: empty rule text"


@pytest.mark.parametrize("name", NAMES)
@given(data=st.data())
def test_spec_arity_matches_primitive(name, data):
    arrays, _ = SPECS[name].draw(data)
    prim = ops.REGISTRY[name]
    # a variadic primitive (einsum) takes up to arity inputs
    assert len(arrays) == prim.arity or (prim.variadic and len(arrays) <= prim.arity)


@pytest.mark.parametrize("name", NAMES)
@MANY
@given(data=st.data())
def test_trace_local_derivative_is_the_analytic_one(name, data):
    spec = SPECS[name]
    prim = ops.REGISTRY[name]
    arrays, params, expected_out, w = _draw_case(data, name)
    xs, out = _run(name, arrays, params)
    out.backward(gradient=w)

    steps = out.trace.steps(out)
    assert len(steps) == 1, f"{name}: one op, one backward step"
    step = steps[0]
    assert step.node is out
    _close(step.upstream, w, 0, 0, f"{name}: upstream is the seed")
    assert [s.position for s in step.sends] == list(range(len(arrays)))
    derivs = spec.deriv(*arrays, **params) if spec.deriv else None
    for send in step.sends:
        i = send.position
        assert send.input is xs[i]
        assert send.rule == prim.rules[i]
        assert send.total_before is None and not send.accumulates
        _close(send.contribution, xs[i].grad.data, 0, 0, f"{name}: contribution")
        _close(send.total_after, xs[i].grad.data, 0, 0, f"{name}: total_after")
        local = send.local_derivative()
        if derivs is None:
            assert local is None, f"{name}: a Jacobian op must not show a local value"
            continue
        if prim.elementwise:
            want = np.broadcast_to(derivs[i], expected_out.shape)
            _close(local, want, 1e-12, 1e-14, f"{name}: local derivative of input {i}")
            # the diagram's chain rule adds up: upstream x local, summed over
            # the copies broadcasting made, is what was sent
            _close(
                send.contribution,
                _sum_to_shape(w * local, xs[i].shape),
                1e-12,
                1e-14,
                f"{name}: upstream x local",
            )
        else:
            _close(local, derivs[i], 1e-12, 1e-14, f"{name}: local derivative of input {i}")


# ---------------------------------------------------------------- op chains


class _AV:
    """The chain's operations on autograd_viz tensors."""

    exp, log, sin, cos, tanh, sigmoid, sqrt = (
        av.exp,
        av.log,
        av.sin,
        av.cos,
        av.tanh,
        av.sigmoid,
        av.sqrt,
    )
    norm, dot = av.norm, av.dot

    @staticmethod
    def sum(x, axis, keepdims):
        return av.sum(x, axis=axis, keepdims=keepdims)

    @staticmethod
    def mean(x, axis, keepdims):
        return av.mean(x, axis=axis, keepdims=keepdims)

    @staticmethod
    def reshape(x, shape):
        return av.reshape(x, shape)

    @staticmethod
    def transpose(x, axes):
        return av.transpose(x, axes)

    @staticmethod
    def broadcast_to(x, shape):
        return av.broadcast_to(x, shape)


class _HIPS:
    """The same operations in autograd.numpy."""

    exp, log, sin, cos, tanh, sqrt, dot = (
        anp.exp,
        anp.log,
        anp.sin,
        anp.cos,
        anp.tanh,
        anp.sqrt,
        anp.dot,
    )
    sigmoid = staticmethod(_sigmoid_anp)

    @staticmethod
    def norm(x):
        return anp.sqrt(anp.sum(x * x))

    @staticmethod
    def sum(x, axis, keepdims):
        return anp.sum(x, axis=axis, keepdims=keepdims)

    @staticmethod
    def mean(x, axis, keepdims):
        return anp.mean(x, axis=axis, keepdims=keepdims)

    @staticmethod
    def reshape(x, shape):
        return anp.reshape(x, shape)

    @staticmethod
    def transpose(x, axes):
        return anp.transpose(x, _positive_axes(axes, anp.ndim(x)))

    @staticmethod
    def broadcast_to(x, shape):
        return x + anp.zeros(shape)


# Each step: (name, needs, draw) where draw(data, shape) gives the step's
# parameters and the shapes of the new leaves it brings in.  Only smooth
# operations (no relu, abs, max) so that a random point is never on a kink.
def _no_params(data, shape):
    return {}, []


def _leaf_broadcasting_with(data, shape):
    other = data.draw(S.shapes(max_dims=3), label="leaf shape")
    try:
        np.broadcast_shapes(shape, other)
    except ValueError:
        other = data.draw(S.shape_broadcasting_to(shape), label="leaf shape")
    return {}, [other]


def _axis_params(data, shape):
    return {"axis": data.draw(S.axes_for(len(shape))), "keepdims": data.draw(st.booleans())}, []


def _matmul_leaf(data, shape):
    k, m = shape[-1], data.draw(st.integers(1, 3))
    return {}, [data.draw(st.sampled_from([(k,), (k, m)]), label="matmul leaf")]


def _dot_leaf(data, shape):
    return {}, [shape]


def _reshape_params(data, shape):
    return {"shape": data.draw(S.reshape_targets(shape))}, []


def _transpose_params(data, shape):
    return {"axes": data.draw(S.transpose_axes(len(shape)))}, []


def _getitem_params(data, shape):
    return {"index": data.draw(S.indices_for(shape))}, []


def _broadcast_params(data, shape):
    return {"shape": (data.draw(st.integers(1, 2)),) + tuple(shape)}, []


CHAIN_STEPS = {
    # name: (applies to shape, draw params, f(B, x, leaves, **params))
    "sin": (lambda s: True, _no_params, lambda B, x, l: B.sin(x)),
    "cos": (lambda s: True, _no_params, lambda B, x, l: B.cos(x)),
    "tanh": (lambda s: True, _no_params, lambda B, x, l: B.tanh(x)),
    "sigmoid": (lambda s: True, _no_params, lambda B, x, l: B.sigmoid(x)),
    "exp_tanh": (lambda s: True, _no_params, lambda B, x, l: B.exp(B.tanh(x))),
    "log_1p_sq": (lambda s: True, _no_params, lambda B, x, l: B.log(1.0 + x * x)),
    "sqrt_1p_sq": (lambda s: True, _no_params, lambda B, x, l: B.sqrt(x * x + 1)),
    "x_tanh_x": (lambda s: True, _no_params, lambda B, x, l: x * B.tanh(x)),
    "cube": (lambda s: True, _no_params, lambda B, x, l: x**3),
    "neg_scaled": (lambda s: True, _no_params, lambda B, x, l: -(0.5 * x) + 2),
    "recip": (lambda s: True, _no_params, lambda B, x, l: 1 / (1 + x * x)),
    "add_leaf": (lambda s: True, _leaf_broadcasting_with, lambda B, x, l: x + l[0]),
    "sub_leaf": (lambda s: True, _leaf_broadcasting_with, lambda B, x, l: l[0] - x),
    "mul_leaf": (lambda s: True, _leaf_broadcasting_with, lambda B, x, l: x * l[0]),
    "div_leaf": (lambda s: True, _leaf_broadcasting_with, lambda B, x, l: x / (1.0 + l[0] * l[0])),
    "pow_leaf": (
        lambda s: True,
        _leaf_broadcasting_with,
        # exponent kept >= 0.5 (see EXPONENT)
        lambda B, x, l: (1 + B.sigmoid(x)) ** (l[0] * l[0] + 0.5),
    ),
    "sum": (lambda s: len(s) > 0, _axis_params, lambda B, x, l, **p: B.sum(x, **p)),
    "mean": (lambda s: len(s) > 0, _axis_params, lambda B, x, l, **p: B.mean(x, **p)),
    "norm": (lambda s: True, _no_params, lambda B, x, l: B.norm(x)),
    "matmul_leaf": (lambda s: len(s) > 0, _matmul_leaf, lambda B, x, l: x @ l[0]),
    "dot_leaf": (lambda s: len(s) == 1, _dot_leaf, lambda B, x, l: B.dot(x, l[0])),
    "reshape": (lambda s: True, _reshape_params, lambda B, x, l, **p: B.reshape(x, **p)),
    "transpose": (lambda s: True, _transpose_params, lambda B, x, l, **p: B.transpose(x, **p)),
    "getitem": (lambda s: len(s) > 0, _getitem_params, lambda B, x, l, **p: x[p["index"]]),
    "broadcast_to": (
        lambda s: len(s) < 3,
        _broadcast_params,
        lambda B, x, l, **p: B.broadcast_to(x, **p),
    ),
}


class _Drawer:
    """Lets the step tables, written for st.data(), draw inside a composite."""

    def __init__(self, draw):
        self._draw = draw

    def draw(self, strategy, label=None):
        return self._draw(strategy)


@st.composite
def op_chains(draw):
    """A random program: a starting leaf and 3-8 steps, with the leaves each
    step brings in.  Returns (steps, leaf arrays, w)."""
    data = _Drawer(draw)
    shape = draw(S.shapes())
    leaves = [draw(S.values(shape, -1.5, 1.5))]
    steps = []
    n_steps = draw(st.integers(3, 8))
    current = np.asarray(leaves[0])
    for _ in range(n_steps):
        usable = [n for n, (ok, _, _) in CHAIN_STEPS.items() if ok(current.shape)]
        name = draw(st.sampled_from(usable))
        _, draw_params, f = CHAIN_STEPS[name]
        params, leaf_shapes = draw_params(data, current.shape)
        new = [draw(S.values(s, -1.5, 1.5)) for s in leaf_shapes]
        first = len(leaves)
        leaves.extend(new)
        steps.append((name, params, tuple(range(first, len(leaves)))))
        if name == "norm":
            # the norm's second derivative blows up as the vector nears 0
            assume(np.linalg.norm(current) > 0.1)
        current = np.asarray(f(_HIPS, current, new, **params))
        assume(current.size > 0 and current.ndim <= 4)
        assume(np.all(np.isfinite(current)) and np.max(np.abs(current)) < 1e4)
    w = draw(S.values(current.shape))
    return steps, leaves, w


def _run_chain(B, steps, leaves):
    x = leaves[0]
    for name, params, leaf_ids in steps:
        x = CHAIN_STEPS[name][2](B, x, [leaves[i] for i in leaf_ids], **params)
    return x


@settings(max_examples=3 * settings.default.max_examples)
@given(chain=op_chains(), data=st.data())
def test_random_op_chains_match_hips_first_and_second_order(chain, data):
    steps, leaves, w = chain
    v = [data.draw(S.values(np.shape(a)), label=f"v{i}") for i, a in enumerate(leaves)]
    n = len(leaves)

    def loss_hips(*ls):
        return anp.sum(w * _run_chain(_HIPS, steps, list(ls)))

    def phi_hips(*ls):
        total = 0.0
        for i in range(n):
            total = total + anp.sum(v[i] * hips_grad(loss_hips, i)(*ls))
        return total

    xs = [av.tensor(a, requires_grad=True) for a in leaves]
    out = _run_chain(_AV, steps, xs)
    _close(out.data, _run_chain(_HIPS, steps, leaves), 1e-12, 1e-14, f"forward of {steps}")

    firsts = av.gradients(out, xs, grad_outputs=w, create_graph=True)
    second_terms = []
    for i, (g, a) in enumerate(zip(firsts, leaves)):
        _close(
            _grad_or_zeros(g, a),
            _hips_gradient(loss_hips, leaves, i),
            1e-8,
            1e-10,
            f"first order, leaf {i}, chain {steps}",
        )
        if g is not None:
            second_terms.append((g * av.tensor(v[i])).sum())
    phi = second_terms[0]
    for t in second_terms[1:]:
        phi = phi + t
    seconds = av.gradients(phi, xs) if phi.requires_grad else [None] * n
    for i, (g, a) in enumerate(zip(seconds, leaves)):
        _close(
            _grad_or_zeros(g, a),
            _hips_gradient(phi_hips, leaves, i),
            1e-8,
            1e-10,
            f"second order, leaf {i}, chain {steps}",
        )

    # .backward() through the same kind of graph fills .grad with the same numbers
    ys = [av.tensor(a, requires_grad=True) for a in leaves]
    _run_chain(_AV, steps, ys).backward(gradient=w)
    for i, (y, g) in enumerate(zip(ys, firsts)):
        _close(
            _grad_or_zeros(y.grad, leaves[i]),
            _grad_or_zeros(g, leaves[i]),
            1e-12,
            1e-14,
            f"backward vs gradients, leaf {i}",
        )
    _ensure_clean_state()


# ---------------------------------------------------------------- API forms


@pytest.mark.parametrize(
    "name", ["exp", "log", "sin", "cos", "tanh", "sigmoid", "relu", "abs", "sqrt"]
)
def test_method_and_function_forms_record_the_same_primitive(name):
    a = np.array([0.3, 1.7, 0.9])
    x = av.tensor(a, requires_grad=True)
    by_function = getattr(av, name)(x)
    by_method = getattr(x, name)()
    assert by_function.op is by_method.op is ops.REGISTRY[name]
    np.testing.assert_array_equal(by_function.data, by_method.data)
    # a plain array or list is accepted by the function form too
    np.testing.assert_array_equal(getattr(av, name)(a).data, by_function.data)


@given(data=st.data())
def test_reflected_operators_and_python_scalars(data):
    shape = data.draw(S.shapes())
    a = data.draw(S.arrays(shape, S.floats(0.5, 2.0)))  # positive: x ** c is real
    c = data.draw(S.floats(0.5, 2.0))

    def f_av(x):
        return (2 * x + c - x / c + c / x - (c - x) * x + c**x + x**c + (-x)).sum()

    def f_hips(x):
        return anp.sum(2 * x + c - x / c + c / x - (c - x) * x + c**x + x**c + (-x))

    x = av.tensor(a, requires_grad=True)
    f_av(x).backward()
    _close(x.grad.data, hips_grad(f_hips)(a), ORACLE_RTOL, ORACLE_ATOL, "reflected ops")
    assert av.gradcheck(f_av, a)


@given(data=st.data())
def test_negative_base_with_constant_integer_exponent(data):
    # d(x^3)/dx = 3x^2 for any sign of x; the exponent is a constant, so no
    # log of a negative number may leak into the gradient
    shape = data.draw(S.shapes())
    a = data.draw(S.nonzero_values(shape, 0.2, 2.0))
    x = av.tensor(a, requires_grad=True)
    y = x**3
    g1 = av.gradients(y, [x], grad_outputs=np.ones(shape), create_graph=True)[0]
    _close(g1.data, 3 * a**2, 1e-12, 1e-14, "d x^3")
    (g2,) = av.gradients(g1.sum(), [x])
    _close(g2.data, 6 * a, 1e-12, 1e-14, "d2 x^3")
    assert np.all(np.isfinite(g2.data))
