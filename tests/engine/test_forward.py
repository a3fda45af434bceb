"""Forward mode and the function transforms, checked like reverse mode.

For every primitive of the registry and many random inputs and tangents:

  (a) av.jvp's output tangent against central differences of the function
      along the tangent, and against HIPS autograd's forward mode (make_jvp);
  (b) second order, both ways forward mode nests: jvp of jvp (a second
      directional derivative), reverse over forward (the gradient of a jvp)
      and forward over reverse (jvp of a gradient: a Hessian-vector product),
      against HIPS autograd;
  (c) the renderer's view, forward.tangent_steps, gives the same numbers.

Then random programs: jacfwd == jacrev == HIPS's jacobian, hessian against
HIPS, and the bad inputs named in the contract.
"""

from __future__ import annotations

import warnings

import autograd.numpy as anp
import numpy as np
import pytest
import strategies as S
from autograd import grad as hips_grad
from autograd import jacobian as hips_jacobian
from autograd import make_jvp
from hypothesis import assume, given
from hypothesis import strategies as st
from test_ops import MANY, NAMES, SPECS, _close, _draw_case

import autograd_viz as av
from autograd_viz.engine import forward, ops
from autograd_viz.engine.graph import STATE

FD_RTOL, FD_ATOL = 1e-5, 1e-6
ORACLE_RTOL, ORACLE_ATOL = 1e-9, 1e-11
EPS = 1e-6


def _tangents(data, arrays):
    return [data.draw(S.values(np.shape(a)), label=f"t{i}") for i, a in enumerate(arrays)]


def _directional_fd(f, arrays, ts, eps=EPS):
    """(f(x + eps·t) - f(x - eps·t)) / 2 eps, all inputs moved together."""
    plus = f(*[a + eps * t for a, t in zip(arrays, ts)])
    minus = f(*[a - eps * t for a, t in zip(arrays, ts)])
    return (np.asarray(plus) - np.asarray(minus)) / (2 * eps)


def _hips_jvp(f, arrays, ts):
    """HIPS autograd's forward mode along all inputs at once, as float64."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.asarray(_hips_jvp_traced(f, arrays, ts), dtype=np.float64)


def _clean():
    assert STATE.grad_enabled and not STATE.record_all and not STATE.recorders
    assert not STATE.in_backward
    assert STATE.dual_levels == [], "a forward-mode level was left open"


# ---------------------------------------------------------------- (a)


@pytest.mark.parametrize("name", NAMES)
@MANY
@given(data=st.data())
def test_jvp_of_every_primitive_matches_finite_differences_and_hips(name, data):
    spec = SPECS[name]
    arrays, params, expected, _ = _draw_case(data, name)
    ts = _tangents(data, arrays)

    def f(*xs):
        return spec.av(*xs, **params)

    out, t_out = av.jvp(f, tuple(av.tensor(a) for a in arrays), tuple(av.tensor(t) for t in ts))
    np.testing.assert_allclose(out.data, expected, rtol=1e-12, atol=1e-14)
    assert t_out.shape == expected.shape and t_out.dtype == np.float64
    fd = _directional_fd(lambda *a: spec.np(*a, **params), arrays, ts)
    _close(t_out.data, fd, FD_RTOL, FD_ATOL, f"{name}: tangent vs central differences")
    hips_params = _positive_axis(params, np.ndim(arrays[0]))
    hips = _hips_jvp(lambda *a: spec.anp(*a, **hips_params), arrays, ts)
    _close(t_out.data, hips, ORACLE_RTOL, ORACLE_ATOL, f"{name}: tangent vs HIPS make_jvp")
    _clean()


@pytest.mark.parametrize("name", NAMES)
@MANY
@given(data=st.data())
def test_renderer_tangent_steps_give_jvps_numbers(name, data):
    spec = SPECS[name]
    arrays, params, _, _ = _draw_case(data, name)
    ts = _tangents(data, arrays)
    xs = [av.tensor(a, requires_grad=True) for a in arrays]
    out = spec.av(*xs, **params)
    steps = forward.tangent_steps(out, xs, ts)
    assert [s.node for s in steps] == [out]
    (step,) = steps
    _, t_out = av.jvp(
        lambda *z: spec.av(*z, **params),
        tuple(av.tensor(a) for a in arrays),
        tuple(av.tensor(t) for t in ts),
    )
    _close(step.tangent, t_out.data, 1e-12, 1e-14, f"{name}: tangent_steps vs jvp")
    # the step's tangent is the sum of what each input pushed, with the rule text
    total = sum(np.asarray(p.contribution) for p in step.pushes)
    _close(total, step.tangent, 1e-12, 1e-14, f"{name}: pushes add up")
    prim = ops.REGISTRY[name]
    assert [p.rule for p in step.pushes] == [prim.rules[p.position] for p in step.pushes]
    for p in step.pushes:
        d = p.local_derivative()
        if prim.elementwise and d is not None:
            # elementwise: contribution = local derivative × tangent, entry by entry
            t_b = np.broadcast_to(p.tangent_in, np.shape(out.data))
            _close(
                p.contribution,
                np.broadcast_to(d, np.shape(out.data)) * t_b,
                1e-12,
                1e-14,
                f"{name}: contribution = local derivative × tangent",
            )


# ---------------------------------------------------------------- (b)


@pytest.mark.parametrize("name", NAMES)
@MANY
@given(data=st.data())
def test_second_order_every_way_forward_and_reverse_nest(name, data):
    spec = SPECS[name]
    arrays, params, expected, w = _draw_case(data, name)
    ts = _tangents(data, arrays)
    us = _tangents(data, arrays)
    n = len(arrays)

    def f(*xs):
        return spec.av(*xs, **params)

    hips_params = _positive_axis(params, np.ndim(arrays[0]))

    def f_anp(*xs):
        return spec.anp(*xs, **hips_params)

    # reverse over forward: d/dx <w, J(x) t>, against HIPS
    def w_dot_jvp(*xs):
        _, t_out = av.jvp(f, xs, tuple(av.tensor(t) for t in ts))
        return (t_out * av.tensor(w)).sum()

    got = av.grad(w_dot_jvp, argnums=tuple(range(n)))(*[av.tensor(a) for a in arrays])

    def hips_w_dot_jvp(*xs):
        return anp.sum(w * _hips_jvp_traced(f_anp, xs, ts))

    for i in range(n):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            want = np.asarray(hips_grad(hips_w_dot_jvp, i)(*arrays), dtype=np.float64)
        _close(got[i].data, want, 1e-8, 1e-10, f"{name}: grad of jvp, input {i}")

    # forward over reverse: J_grad(x) u, the derivative of the gradient of
    # sum(w * f) along u, against central differences of that gradient
    def grad_loss(*xs):
        return av.grad(lambda *z: (f(*z) * av.tensor(w)).sum(), argnums=tuple(range(n)))(*xs)

    _, hvp = av.jvp(grad_loss, tuple(av.tensor(a) for a in arrays), tuple(av.tensor(u) for u in us))

    def grad_np(i):
        def g(*a):
            xs = [av.tensor(x, requires_grad=True) for x in a]
            (f(*xs) * av.tensor(w)).sum().backward()
            return xs[i].grad.data

        return g

    for i in range(n):
        fd = _directional_fd(grad_np(i), arrays, us)
        _close(hvp[i].data, fd, 1e-4, 1e-5, f"{name}: jvp of grad, input {i}")

    # forward over forward: d/ds of the tangent along t, moving along u
    def jvp_t(*xs):
        return av.jvp(f, xs, tuple(av.tensor(t) for t in ts))[1]

    _, second = av.jvp(jvp_t, tuple(av.tensor(a) for a in arrays), tuple(av.tensor(u) for u in us))
    fd = _directional_fd(lambda *a: _hips_jvp(f_anp, list(a), ts), arrays, us)
    _close(second.data, fd, 1e-4, 1e-5, f"{name}: jvp of jvp")
    _clean()


def _positive_axis(params, ndim):
    """The same reduction with non-negative axes: HIPS's forward mode
    mishandles negative ones (an AxisError inside HIPS's max)."""
    axis = params.get("axis")
    if axis is None:
        return params
    axes = tuple(a % ndim for a in ((axis,) if isinstance(axis, int) else axis))
    return {**params, "axis": axes[0] if isinstance(axis, int) else axes}


def _hips_jvp_traced(f, xs, ts):
    """J(x) t by HIPS's make_jvp, one per input, summed; left as HIPS's own
    value so that HIPS's reverse mode can differentiate it in x."""
    total = None
    for i in range(len(xs)):

        def f_i(xi, i=i):
            args = list(xs)
            args[i] = xi
            return f(*args)

        _, t_out = make_jvp(f_i)(xs[i])(ts[i])
        total = t_out if total is None else total + t_out
    return total


# ---------------------------------------------------------------- random programs

UNARY = [
    ("sin", av.sin, anp.sin),
    ("tanh", av.tanh, anp.tanh),
    ("exp", lambda z: av.exp(z * 0.3), lambda z: anp.exp(z * 0.3)),
    ("sq", lambda z: z * z, lambda z: z * z),
    ("sigmoid", av.sigmoid, lambda z: 1 / (1 + anp.exp(-z))),
]


@st.composite
def programs(draw):
    """A small random program of a vector: a chain of unary and binary steps
    that reuse earlier values, a matmul with a constant, ending in a vector."""
    n = draw(st.integers(1, 4), label="n")
    m = draw(st.integers(1, 3), label="m")
    steps = draw(
        st.lists(
            st.tuples(
                st.integers(0, len(UNARY) - 1), st.integers(0, 9), st.sampled_from(["+", "*", "-"])
            ),
            min_size=1,
            max_size=6,
        ),
        label="steps",
    )
    W = draw(S.values((m, n)), label="W")
    x = draw(S.values((n,)), label="x")
    return n, m, steps, W, x


def _program(steps, W, lib):
    def f(x):
        vals = [x]
        for u, j, op in steps:
            a = vals[-1]
            b = vals[j % len(vals)]
            z = (UNARY[u][1] if lib == "av" else UNARY[u][2])(a)
            z = z + b if op == "+" else z * b if op == "*" else z - b
            vals.append(z)
        return (av.tensor(W) if lib == "av" else W) @ vals[-1]

    return f


@given(p=programs())
def test_jacfwd_equals_jacrev_equals_hips_on_random_programs(p):
    n, m, steps, W, x = p
    f = _program(steps, W, "av")
    want = hips_jacobian(_program(steps, W, "anp"))(x)
    assume(np.all(np.isfinite(want)))
    fwd = av.jacfwd(f)(av.tensor(x))
    rev = av.jacrev(f)(av.tensor(x))
    assert fwd.shape == rev.shape == (m, n)
    _close(fwd.data, want, 1e-9, 1e-11, "jacfwd vs HIPS")
    _close(rev.data, want, 1e-9, 1e-11, "jacrev vs HIPS")
    _clean()


@given(p=programs(), w=st.integers(0, 2))
def test_hessian_of_random_programs_matches_hips_and_every_nesting(p, w):
    n, m, steps, W, x = p
    f = _program(steps, W, "av")
    g = lambda z: f(z)[w % m]
    want = hips_jacobian(hips_jacobian(lambda z: _program(steps, W, "anp")(z)[w % m]))(x)
    # HIPS's own second derivative turns 0·inf into nan where a weight is 0
    assume(np.all(np.isfinite(want)))
    for name, h in [
        ("hessian", av.hessian(g)),
        ("jacfwd(jacfwd)", av.jacfwd(av.jacfwd(g))),
        ("jacrev(jacrev)", av.jacrev(av.jacrev(g))),
        ("jacrev(jacfwd)", av.jacrev(av.jacfwd(g))),
    ]:
        got = h(av.tensor(x))
        assert got.shape == (n, n), name
        assert not got.requires_grad, f"{name}: the result keeps an inner graph"
        _close(got.data, want, 1e-8, 1e-10, name)
    _clean()


# ---------------------------------------------------------------- the transforms


def test_value_and_grad_and_vjp_agree_with_grad():
    x = av.tensor([0.5, -1.0, 2.0])
    f = lambda z: (av.sin(z) * z).sum()
    v, g = av.value_and_grad(f)(x)
    np.testing.assert_allclose(v.data, f(x).data)
    np.testing.assert_allclose(g.data, av.grad(f)(x).data)
    out, vjp_fn = av.vjp(lambda z: av.sin(z) * z, x)
    (g2,) = vjp_fn(av.ones(3))
    np.testing.assert_allclose(g2.data, g.data)
    (g3,) = vjp_fn(av.tensor([1.0, 0.0, 0.0]))  # the function can be called again
    np.testing.assert_allclose(g3.data, [g.data[0], 0, 0])
    # several outputs, several primals
    out, vjp_fn = av.vjp(lambda a, b: (a * b, a + b), x, 2 * x)
    ga, gb = vjp_fn((av.ones(3), av.tensor([1.0, 2.0, 3.0])))
    np.testing.assert_allclose(ga.data, 2 * x.data + [1, 2, 3])
    np.testing.assert_allclose(gb.data, x.data + [1, 2, 3])


def test_grad_and_value_and_grad_take_a_tuple_of_argnums():
    f = lambda a, b, c: (a * b * c).sum()
    a, b, c = av.tensor(2.0), av.tensor(3.0), av.tensor(5.0)
    ga, gc = av.grad(f, argnums=(0, 2))(a, b, c)
    assert (ga.item(), gc.item()) == (15.0, 6.0)
    v, (gb,) = av.value_and_grad(f, argnums=(1,))(a, b, c)
    assert (v.item(), gb.item()) == (30.0, 10.0)
    with pytest.raises(TypeError, match="argnums"):
        av.grad(f, argnums=3)(a, b, c)


def test_jvp_with_several_primals_and_outputs():
    f = lambda a, b: (a * b, av.sin(a))
    (p, q), (tp, tq) = av.jvp(f, (av.tensor(2.0), av.tensor(3.0)), (av.tensor(1.0), av.tensor(0.0)))
    assert (p.item(), tp.item()) == (6.0, 3.0)
    assert tq.item() == pytest.approx(np.cos(2.0))


def test_jvp_of_a_function_that_ignores_its_input_has_zero_tangent():
    out, t = av.jvp(lambda z: av.tensor([1.0, 2.0]), (av.tensor(1.0),), (av.tensor(1.0),))
    assert t.shape == (2,) and not t.data.any()


def test_forward_mode_runs_under_no_grad_and_in_float32():
    x = av.tensor([1.0, 2.0], dtype="float32")
    with av.no_grad():
        out, t = av.jvp(lambda z: av.exp(z) * 2, (x,), (av.ones(2, dtype="float32"),))
    assert out.dtype == np.float32 and t.dtype == np.float32
    np.testing.assert_allclose(t.data, 2 * np.exp([1.0, 2.0]), rtol=1e-6)


def test_sweeps_are_counted_one_per_pass():
    before = dict(STATE.sweeps)
    x = av.tensor([1.0, 2.0, 3.0])
    f = lambda z: (z * z).sum()
    av.jvp(f, (x,), (av.ones(3),))
    av.grad(f)(x)
    assert STATE.sweeps["forward"] - before["forward"] == 1
    assert STATE.sweeps["reverse"] - before["reverse"] == 1
    av.jacfwd(f)(x)  # one forward sweep per input element
    assert STATE.sweeps["forward"] - before["forward"] == 4
    av.jacrev(lambda z: z * 2)(x)  # one reverse sweep per output element
    assert STATE.sweeps["reverse"] - before["reverse"] == 4


def test_dual_level_make_dual_and_tangent_of():
    with forward.dual_level():
        x = forward.make_dual(av.tensor([1.0, 2.0]), av.tensor([1.0, 0.0]))
        y = x * x + 1
        np.testing.assert_allclose(forward.tangent_of(y).data, [2.0, 0.0])
        assert forward.tangent_of(av.tensor(1.0)) is None
    _clean()


# ---------------------------------------------------------------- bad input


def test_tangent_shape_or_dtype_mismatch_names_both():
    x = av.tensor([1.0, 2.0, 3.0])
    with pytest.raises(av.ShapeError, match=r"\(4,\).*\(3,\)"):
        av.jvp(av.sin, (x,), (av.ones(4),))
    with pytest.raises(av.DtypeError, match="float32.*float64"):
        av.jvp(av.sin, (x,), (av.ones(3, dtype="float32"),))
    _clean()
    # the session is usable afterwards
    assert av.jvp(av.sin, (x,), (av.ones(3),))[1].shape == (3,)


def test_tangent_tuple_of_the_wrong_length_and_non_tuples():
    x = av.tensor(1.0)
    with pytest.raises(TypeError, match="1 primals but 2 tangents"):
        av.jvp(av.sin, (x,), (x, x))
    with pytest.raises(TypeError, match=r"tuples.*jvp\(f, \(x,\), \(v,\)\)"):
        av.jvp(av.sin, x, x)
    _clean()


def test_jvp_of_a_function_returning_a_non_tensor_says_so():
    with pytest.raises(TypeError, match="must return a tensor.*float"):
        av.jvp(lambda z: 3.0, (av.tensor(1.0),), (av.tensor(1.0),))
    _clean()


def test_make_dual_outside_a_level_says_how():
    with pytest.raises(RuntimeError, match="dual_level"):
        forward.make_dual(av.tensor(1.0), av.tensor(1.0))


def test_an_error_inside_jvp_closes_its_level():
    def boom(z):
        raise ValueError("student bug")

    with pytest.raises(ValueError, match="student bug"):
        av.jvp(boom, (av.tensor(1.0),), (av.tensor(1.0),))
    _clean()


def test_every_primitive_can_transpose_its_vjp():
    """A primitive declared without a way to get its tangent fails at once."""
    with pytest.raises(ValueError, match="forward mode"):
        ops.Primitive("bad", lambda a, b: a, [lambda F, g, ans, a, b: g] * 2, "bad", ["1", "1"])
    for prim in ops.REGISTRY.values():
        assert prim.elementwise or prim.reduction or len(prim.linear_in) == prim.arity
