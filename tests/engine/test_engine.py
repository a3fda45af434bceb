"""Engine semantics (PyTorch's rules) and what bad input does.

Every error test also checks that the session stays usable: after the
exception a fresh computation differentiates correctly and the engine's
global mode is as it was (the ``clean_engine_state`` fixture).
"""

from __future__ import annotations

import gc
import math
import re
import tracemalloc
import warnings
import weakref

import autograd.numpy as anp
import numpy as np
import pytest
import strategies as S
from autograd import grad as hips_grad
from autograd import jacobian as hips_jacobian
from hypothesis import given
from hypothesis import strategies as st

import autograd_viz as av
from autograd_viz.engine import ops
from autograd_viz.engine.tensor import apply

pytestmark = pytest.mark.usefixtures("clean_engine_state")


def assert_session_usable():
    """A new small computation still records, differentiates and stores .grad."""
    x = av.tensor([1.0, -2.0, 3.0], requires_grad=True)
    y = (x * x + av.sin(x)).sum()
    y.backward()
    np.testing.assert_allclose(x.grad.data, 2 * x.data + np.cos(x.data))


def _shape_text(shape):
    return str(tuple(shape))


# ------------------------------------------------------------ .grad semantics


def test_grad_starts_as_none_and_accumulates_across_backward_calls():
    x = av.tensor([1.0, 2.0, 3.0], requires_grad=True)
    assert x.grad is None
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [2.0, 4.0, 6.0])
    (3 * x).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [5.0, 7.0, 9.0])
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [7.0, 11.0, 15.0])


def test_zero_resets_grad_in_place_and_accumulation_restarts():
    x = av.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    g = x.grad
    assert g.zero_() is g
    assert x.grad is g
    np.testing.assert_array_equal(x.grad.data, [0.0, 0.0])
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [2.0, 4.0])
    assert x.grad.dtype == np.float64


def test_grad_has_the_leaf_shape_after_broadcasting():
    b = av.tensor([[1.0], [2.0]], requires_grad=True)  # (2, 1)
    c = av.tensor(3.0, requires_grad=True)  # ()
    a = av.ones(3)  # (3,)
    (a * b * c).sum().backward()
    assert b.grad.shape == (2, 1) and c.grad.shape == ()
    np.testing.assert_array_equal(b.grad.data, [[9.0], [9.0]])
    assert c.grad.item() == 9.0


def test_backward_with_gradient_weights_entries():
    x = av.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * x
    y.backward(gradient=av.tensor([1.0, 0.0, -1.0]))
    np.testing.assert_array_equal(x.grad.data, [2.0, 0.0, -6.0])
    x.grad.zero_()
    (x * x).backward(gradient=[0.5, 0.5, 0.5])  # a list works too
    np.testing.assert_array_equal(x.grad.data, [1.0, 2.0, 3.0])


def test_gradients_returns_values_without_touching_grad():
    x = av.tensor([1.0, 2.0], requires_grad=True)
    u = av.tensor(5.0, requires_grad=True)
    (gx, gu) = av.gradients((x * x).sum(), [x, u])
    np.testing.assert_array_equal(gx.data if isinstance(gx, av.Tensor) else gx, [2.0, 4.0])
    assert gu is None  # the output does not depend on u
    assert x.grad is None and u.grad is None


# ------------------------------------------------------------ backward errors


def test_backward_on_non_scalar_without_gradient_names_shape_and_fix():
    x = av.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    y = x * 2
    with pytest.raises(av.BackwardError) as err:
        y.backward()
    msg = str(err.value)
    assert "(2, 3)" in msg
    assert "gradient=" in msg and ".sum().backward()" in msg
    assert isinstance(err.value, RuntimeError)
    # the graph was not consumed by the failed call: the fix works on the same y
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, np.full((2, 3), 2.0))
    assert_session_usable()


def test_one_element_non_0d_output_needs_no_gradient():
    x = av.tensor([3.0], requires_grad=True)
    (x * x).backward()  # shape (1,): like PyTorch, allowed
    np.testing.assert_array_equal(x.grad.data, [6.0])


@pytest.mark.parametrize("bad_shape", [(3,), (2, 1), (), (1, 2)])
def test_gradient_of_wrong_shape_names_both_shapes(bad_shape):
    x = av.tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    with pytest.raises(av.ShapeError) as err:
        y.backward(gradient=np.ones(bad_shape))
    msg = str(err.value)
    assert _shape_text(bad_shape) in msg and "(2,)" in msg
    assert isinstance(err.value, ValueError)
    y.backward(gradient=np.ones(2))  # still possible with the right shape
    np.testing.assert_array_equal(x.grad.data, [2.0, 4.0])
    assert_session_usable()


def test_second_backward_raises_naming_retain_graph_and_session_survives():
    x = av.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x * x).sum()
    y.backward()
    first = x.grad.data.copy()
    with pytest.raises(av.BackwardError) as err:
        y.backward()
    assert "retain_graph=True" in str(err.value)
    # the failed call changed nothing
    np.testing.assert_array_equal(x.grad.data, first)
    # the same leaf in a new graph works
    (x * x * x).sum().backward()
    np.testing.assert_array_equal(x.grad.data, 2 * first)
    assert_session_usable()


def test_second_backward_through_a_shared_intermediate_also_raises():
    x = av.tensor(2.0, requires_grad=True)
    h = x.exp()
    (h * 2).backward()
    with pytest.raises(av.BackwardError, match="retain_graph=True"):
        (h * 3).backward()  # h's node was freed by the first pass


def test_retain_graph_allows_a_second_backward_that_doubles_grad():
    x = av.tensor([1.0, -1.0, 0.5], requires_grad=True)
    y = (av.sin(x) * x).sum()
    y.backward(retain_graph=True)
    once = x.grad.data.copy()
    np.testing.assert_allclose(once, np.sin(x.data) + x.data * np.cos(x.data))
    y.backward()
    np.testing.assert_allclose(x.grad.data, 2 * once)
    with pytest.raises(av.BackwardError, match="retain_graph=True"):
        y.backward()  # the second call did not retain


def test_backward_on_value_without_history_explains_requires_grad():
    y = av.tensor([1.0, 2.0]).sum()
    with pytest.raises(av.BackwardError, match=r"requires_grad"):
        y.backward()
    assert_session_usable()


def test_error_inside_a_backward_pass_leaves_a_usable_session():
    def broken_vjp(F, g, ans, a):
        raise ArithmeticError("deliberately broken rule")

    broken = ops.Primitive(
        "broken_for_test", np.negative, (broken_vjp,), "−a", ("−1",), elementwise=True
    )
    for create_graph in (False, True):
        x = av.tensor([1.0, 2.0], requires_grad=True)
        y = apply(broken, x * x).sum()
        with pytest.raises(ArithmeticError):
            y.backward(create_graph=create_graph)
        assert x.grad is None
        assert_session_usable()
    assert "broken_for_test" not in ops.REGISTRY


# ------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    "make",
    [
        lambda: av.arange(4, requires_grad=True),
        lambda: av.tensor(np.array([1, 2, 3]), requires_grad=True),  # numpy said int64
        lambda: av.arange(4).requires_grad_(),
        lambda: av.tensor([True, False]).requires_grad_(),
    ],
)
def test_integer_or_bool_tensor_cannot_require_grad(make):
    with pytest.raises(av.DtypeError) as err:
        make()
    msg = str(err.value)
    assert isinstance(err.value, TypeError)
    assert "float" in msg  # the fix: make it floating point
    assert re.search(r"int64|bool", msg)  # and what it is now
    assert_session_usable()


def test_integer_tensors_still_compute():
    n = av.arange(4)
    assert np.issubdtype(n.dtype, np.integer) and not n.requires_grad
    np.testing.assert_array_equal((n * 2 + 1).data, [1, 3, 5, 7])
    x = av.arange(4.0, requires_grad=True)
    (x * n).sum().backward()  # an int tensor as a constant
    np.testing.assert_array_equal(x.grad.data, [0.0, 1.0, 2.0, 3.0])


@pytest.mark.parametrize("data", ["abc", b"abc", ["a", "b"], [[1.0, "x"]]])
def test_text_data_raises_type_error(data):
    with pytest.raises(TypeError) as err:
        av.tensor(data)
    assert re.search(r"numbers|text", str(err.value))
    assert_session_usable()


@pytest.mark.parametrize("data", [[[1, 2], [3]], [[1.0, 2.0], [3.0, 4.0, 5.0]], [1, [2, 3]]])
def test_ragged_lists_raise_shape_error(data):
    with pytest.raises(av.ShapeError) as err:
        av.tensor(data)
    assert "same length" in str(err.value)
    assert isinstance(err.value, ValueError)
    assert_session_usable()


def test_text_as_an_operand_raises_type_error():
    x = av.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError):
        x + "a"
    with pytest.raises(TypeError):
        "a" * x
    assert_session_usable()


@pytest.mark.parametrize(
    "op, sa, sb",
    [
        ("add", (2, 3), (4,)),
        ("add", (3,), (2, 2)),
        ("mul", (2, 3), (3, 2)),
        ("sub", (5,), (4, 3)),
        ("div", (2, 1, 3), (2, 4)),
        ("matmul", (2, 3), (4, 5)),
        ("matmul", (3,), (4,)),
        ("matmul", (2, 2, 3), (3, 3, 2)),
        ("dot", (3,), (4,)),
    ],
)
def test_shape_mismatch_names_both_shapes(op, sa, sb):
    a = av.ones(sa, requires_grad=True)
    b = av.ones(sb, requires_grad=True)
    f = {
        "add": lambda: a + b,
        "mul": lambda: a * b,
        "sub": lambda: a - b,
        "div": lambda: a / b,
        "matmul": lambda: a @ b,
        "dot": lambda: av.dot(a, b),
    }[op]
    with pytest.raises(av.ShapeError) as err:
        f()
    msg = str(err.value)
    assert _shape_text(sa) in msg and _shape_text(sb) in msg, msg
    assert_session_usable()


@pytest.mark.parametrize("shape, target", [((2, 3), (4,)), ((6,), (4, 2)), ((2, 2), (3, -1))])
def test_reshape_mismatch_names_both_shapes(shape, target):
    x = av.ones(shape, requires_grad=True)
    with pytest.raises(av.ShapeError) as err:
        x.reshape(target)
    msg = str(err.value)
    assert _shape_text(shape) in msg and _shape_text(target) in msg, msg
    assert_session_usable()


# ------------------------------------------------------------ nan and inf


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_nan_and_inf_propagate_like_numpy_forward_and_backward():
    a = np.array([0.0, 1.0, -1.0, np.inf, -np.inf, np.nan, 4.0])
    x = av.tensor(a, requires_grad=True)
    cases = {
        # name: (av forward, numpy forward, numpy derivative)
        "log": (av.log, np.log, lambda v: 1 / v),
        "sqrt": (av.sqrt, np.sqrt, lambda v: 0.5 / np.sqrt(v)),
        "exp": (av.exp, np.exp, np.exp),
        "recip": (lambda t: 1 / t, lambda v: 1 / v, lambda v: -1 / v**2),
        "tanh": (av.tanh, np.tanh, lambda v: 1 - np.tanh(v) ** 2),
    }
    for name, (f, f_np, d_np) in cases.items():
        with np.errstate(all="ignore"):
            y = f(x)
            np.testing.assert_array_equal(y.data, f_np(a), err_msg=name)
            x.grad = None
            y.backward(gradient=np.ones_like(a))
            np.testing.assert_array_equal(x.grad.data, d_np(a), err_msg=name)
    # nan in a reduction reaches every entry of the gradient it touches
    s = av.tensor([1.0, np.nan, 2.0], requires_grad=True)
    (s.sum() * s.sum()).backward()
    assert np.isnan(s.grad.data).all()
    assert_session_usable()


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_sigmoid_does_not_overflow_for_large_inputs():
    a = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0])
    x = av.tensor(a, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # not even an overflow warning
        y = av.sigmoid(x)
        y.sum().backward()
    assert np.all(np.isfinite(y.data)) and np.all(np.isfinite(x.grad.data))
    np.testing.assert_allclose(
        y.data, [0.0, 1.9287498479639178e-22, 0.5, 1.0, 1.0], rtol=1e-12, atol=0
    )


# ------------------------------------------------------------ detach, no_grad


def test_detach_stops_gradients():
    x = av.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * x
    u = y.detach()
    assert not u.requires_grad and u.is_leaf and u.op is None
    assert u.detached_from is y
    np.testing.assert_array_equal(u.data, y.data)
    z = (u * x).sum()  # d z / d x = u, treated as a constant
    z.backward()
    np.testing.assert_array_equal(x.grad.data, x.data**2)


def test_no_grad_records_nothing_and_restores_the_mode():
    x = av.tensor([1.0, 2.0], requires_grad=True)
    with av.no_grad():
        y = av.exp(x) * x + 1
        assert not y.requires_grad and y.op is None and y.inputs == ()
        with av.enable_grad():
            r = x * 2
            assert r.requires_grad and r.op is ops.REGISTRY["mul"]
        assert not (x * 2).requires_grad
    np.testing.assert_allclose(y.data, np.exp(x.data) * x.data + 1)
    assert (x * 2).requires_grad
    with pytest.raises(av.BackwardError):
        y.sum().backward()
    with pytest.raises(KeyError):  # an error inside the block
        with av.no_grad():
            raise KeyError("inside")
    assert (x * 2).requires_grad  # ...still restores recording
    assert_session_usable()


# ------------------------------------------------------------ comparisons


def test_comparisons_return_bool_tensors_without_gradient():
    x = av.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = av.tensor([3.0, 2.0, 1.0])
    results = {
        "==": (x == y, [False, True, False]),
        "!=": (x != y, [True, False, True]),
        "<": (x < y, [True, False, False]),
        "<=": (x <= y, [True, True, False]),
        ">": (x > 2, [False, False, True]),
        ">=": (x >= 2.0, [False, True, True]),
    }
    for name, (r, want) in results.items():
        assert isinstance(r, av.Tensor), name
        assert r.dtype == np.bool_, name
        assert not r.requires_grad and r.op is None, name
        np.testing.assert_array_equal(r.data, want, err_msg=name)
    with pytest.raises(av.BackwardError):
        (x > 1).backward()


def test_bool_of_one_element_and_of_many():
    x = av.tensor([1.0, 2.0, 3.0], requires_grad=True)
    assert bool(x.sum() > 5) is True
    assert bool(x.sum() < 5) is False
    assert bool(av.tensor([[0.5]])) is True
    assert bool(av.tensor(0.0)) is False
    n = 0
    while x.sum() * (n + 1) < 20:  # Python control flow on tensor values
        n += 1
    assert n == 3
    with pytest.raises(ValueError) as err:
        bool(x > 1)
    assert "3 elements" in str(err.value) and "ambiguous" in str(err.value)
    with pytest.raises(ValueError):
        if x:
            pass
    assert_session_usable()


# ------------------------------------------------------------ float32


def test_float32_survives_python_scalars_and_reaches_grad():
    x = av.tensor([0.5, 1.5, 2.5], dtype=av.float32, requires_grad=True)
    y = (2 * x + 1.5) ** 2 / 3 - x * 0.25 + av.exp(-x) + av.sqrt(x) * av.log(x)
    z = av.sigmoid(y).mean() + av.tanh(x).max() + av.norm(x) + (x @ x) + x.sum()
    for t in (y, z):
        assert t.dtype == np.float32, t
    z.backward()
    assert x.grad.dtype == np.float32
    # the same in float64, to the float32 precision
    x64 = av.tensor(x.data.astype(np.float64), requires_grad=True)
    y64 = (2 * x64 + 1.5) ** 2 / 3 - x64 * 0.25 + av.exp(-x64) + av.sqrt(x64) * av.log(x64)
    z64 = av.sigmoid(y64).mean() + av.tanh(x64).max() + av.norm(x64) + (x64 @ x64) + x64.sum()
    z64.backward()
    np.testing.assert_allclose(x.grad.data, x64.grad.data, rtol=1e-5)


def test_float32_grad_keeps_dtype_when_accumulating_and_with_create_graph():
    x = av.arange(3.0, dtype="float32", requires_grad=True)
    assert x.dtype == np.float32
    (x * x).sum().backward(gradient=np.float64(1.0))
    (x * 3).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad.data, 2 * x.data + 3)
    w = av.tensor([1.0, 2.0], dtype="float32", requires_grad=True)
    (w * w * w).sum().backward(create_graph=True)
    assert w.grad.dtype == np.float32


# ------------------------------------------------------------ functional


def test_grad_nests_to_the_third_derivative_of_sin_x_times_x():
    f = lambda x: av.sin(x) * x  # noqa: E731
    f_hips = lambda x: anp.sin(x) * x  # noqa: E731
    d3 = av.grad(av.grad(av.grad(f)))
    for x0 in np.linspace(-3, 3, 7):
        got = d3(x0).item()
        assert math.isclose(
            got, -3 * math.sin(x0) - x0 * math.cos(x0), rel_tol=1e-12, abs_tol=1e-12
        )
        assert math.isclose(
            got, hips_grad(hips_grad(hips_grad(f_hips)))(x0), rel_tol=1e-12, abs_tol=1e-12
        )
    # nesting does not touch anyone's .grad
    x = av.tensor(0.7, requires_grad=True)
    av.grad(av.grad(f))(x)
    assert x.grad is None


def test_grad_argnums_int_and_tuple():
    def f(x, y, z):
        return (x * y).sum() + av.sin(x).sum() * z

    x, y, z = np.array([0.5, -1.0]), np.array([2.0, 3.0]), 1.5
    gy = av.grad(f, argnums=1)(x, y, z)
    np.testing.assert_allclose(gy.data, x)
    gx, gz = av.grad(f, argnums=(0, 2))(x, y, z)
    np.testing.assert_allclose(gx.data, y + np.cos(x) * z)
    np.testing.assert_allclose(np.asarray(gz.data), np.sin(x).sum())
    assert gx.shape == (2,) and gz.shape == ()
    f_hips = lambda x, y, z: anp.sum(x * y) + anp.sum(anp.sin(x)) * z  # noqa: E731
    np.testing.assert_allclose(gx.data, hips_grad(f_hips, 0)(x, y, z))


def test_grad_needs_a_scalar_output_and_says_what_to_do():
    with pytest.raises(av.BackwardError) as err:
        av.grad(lambda x: x * 2)(np.ones(3))
    assert "(3,)" in str(err.value) and "jacobian" in str(err.value)
    assert_session_usable()


def test_grad_of_a_function_that_ignores_its_input_is_zero():
    g = av.grad(lambda x: av.tensor(3.0))(np.array([1.0, 2.0]))
    np.testing.assert_array_equal(g.data, [0.0, 0.0])


@pytest.mark.parametrize("shape", [(), (3,), (2, 3)])
def test_jacobian_shape_and_values_match_hips(shape, rng):
    a = rng.standard_normal((2, 3))
    x0 = rng.standard_normal(shape)

    def f(x):
        return av.sin(x).sum() * av.tensor(a) + av.exp(x).sum()

    def f_hips(x):
        return anp.sum(anp.sin(x)) * a + anp.sum(anp.exp(x))

    jac = av.jacobian(f, x0)
    assert jac.shape == (2, 3) + shape
    np.testing.assert_allclose(jac.data, hips_jacobian(f_hips)(x0), rtol=1e-12, atol=1e-14)


@given(data=st.data())
def test_jacobian_of_elementwise_and_matmul_maps_matches_hips(data):
    shape = data.draw(S.shapes(min_dims=1, max_dims=2), label="shape")
    x0 = data.draw(S.values(shape), label="x")
    m = data.draw(S.values((shape[-1], 2)), label="m")

    jac = av.jacobian(lambda x: av.tanh(x) @ av.tensor(m), x0)
    want = hips_jacobian(lambda x: anp.matmul(anp.tanh(x), m))(x0)
    assert jac.shape == shape[:-1] + (2,) + shape
    np.testing.assert_allclose(jac.data, want, rtol=1e-12, atol=1e-14)


def test_gradcheck_returns_true_on_correct_functions(rng):
    a, b = rng.standard_normal((3, 2)), rng.standard_normal(2)
    assert av.gradcheck(lambda x, y: av.tanh(x @ y) * av.sigmoid(y).sum(), a, b) is True
    assert (
        av.gradcheck(lambda x: (x.max(axis=0) * x.mean()).sum(), np.array([[1.0, 4.0], [3.0, 2.0]]))
        is True
    )
    assert av.gradcheck(lambda x: av.norm(x) * x[1:], av.tensor([1.0, 2.0, -2.0])) is True


def _wrong_cube():
    # forward a³, backward 2a² instead of 3a²: deliberately wrong, never registered
    return ops.Primitive(
        "wrong_cube_for_test",
        lambda a: a**3,
        (lambda F, g, ans, a: g * 2 * a * a,),
        "a³",
        ("2a² (wrong)",),
        elementwise=True,
    )


def test_gradcheck_names_worst_element_expected_and_got_for_a_broken_primitive():
    prim = _wrong_cube()
    x0 = np.array([1.0, -3.0, 2.0])
    with pytest.raises(av.GradcheckError) as err:
        av.gradcheck(lambda x: apply(prim, x), x0)
    e = err.value
    assert isinstance(e, AssertionError)
    # the error |2a² - 3a²| = a² is largest at a = -3, element 1
    assert e.input_index == 0 and e.index == (1,)
    assert math.isclose(e.expected, 27.0, rel_tol=1e-6) and e.got == 18.0
    msg = str(e)
    assert "(1,)" in msg and "27" in msg and "18" in msg
    assert "wrong_cube_for_test" not in ops.REGISTRY
    assert_session_usable()


def test_gradcheck_catches_a_detach_that_hides_a_dependency():
    def f(x, y):
        return (x * y.detach() * y).sum()  # analytic d/dy = x·y, numeric 2·x·y

    x0, y0 = np.array([1.0, 2.0]), np.array([0.5, -3.0])
    with pytest.raises(av.GradcheckError) as err:
        av.gradcheck(f, x0, y0)
    e = err.value
    assert e.input_index == 1 and e.index == (1,)  # |x·y| is largest at element 1
    assert math.isclose(e.expected, 2 * 2.0 * -3.0, rel_tol=1e-6)
    assert math.isclose(e.got, 2.0 * -3.0, rel_tol=1e-12)
    with pytest.raises(AssertionError):  # plain `except AssertionError` catches it
        av.gradcheck(f, x0, y0)


# ------------------------------------------------------------ the trace


@pytest.mark.parametrize("x0", [2.0, [1.0, -2.0, 0.5]])
def test_trace_of_x_cubed_shows_upstream_contributions_and_running_sums(x0):
    x = av.tensor(x0, requires_grad=True, name="x")
    t = x * x
    y = t * x
    y.backward(gradient=np.ones(y.shape))
    a = np.asarray(x.data)
    steps = y.trace.steps(y)
    assert [s.node for s in steps] == [y, t]

    top, inner = steps
    np.testing.assert_array_equal(top.upstream, np.ones(y.shape))
    to_t, to_x = top.sends
    assert to_t.input is t and to_t.position == 0 and to_t.rule == "b"
    np.testing.assert_array_equal(to_t.contribution, a)  # upstream · x
    assert to_t.total_before is None and not to_t.accumulates
    assert to_x.input is x and to_x.position == 1 and to_x.rule == "a"
    np.testing.assert_array_equal(to_x.contribution, a * a)  # upstream · x²
    assert to_x.total_before is None
    np.testing.assert_array_equal(to_x.total_after, a * a)

    np.testing.assert_array_equal(inner.upstream, a)  # d y / d t = x
    first, second = inner.sends
    assert first.input is x and second.input is x
    np.testing.assert_array_equal(first.contribution, a * a)
    np.testing.assert_array_equal(first.total_before, a * a)
    np.testing.assert_array_equal(first.total_after, 2 * a * a)
    assert first.accumulates
    np.testing.assert_array_equal(second.total_before, 2 * a * a)
    np.testing.assert_array_equal(second.total_after, 3 * a * a)
    np.testing.assert_array_equal(second.total_after, x.grad.data)
    # local derivatives shown on the diagram: d(t·x)/dt = x, d(x·x)/dx = x
    np.testing.assert_array_equal(to_t.local_derivative(), a)
    np.testing.assert_array_equal(first.local_derivative(), a)
    np.testing.assert_array_equal(trace_seed := y.trace.seed, np.ones(y.shape))
    assert trace_seed.shape == y.shape and y.trace.create_graph is False


def test_trace_belongs_to_its_root():
    x = av.tensor(1.0, requires_grad=True)
    y = x * 3
    z = x * 4
    y.backward()
    assert z.trace is None
    with pytest.raises(ValueError):
        y.trace.steps(z)


# ------------------------------------------------------------ memory


def test_dropping_a_graph_frees_it_without_the_cycle_collector():
    gc.collect()
    gc.disable()
    try:
        x = av.tensor([1.0, 2.0], requires_grad=True)
        h = av.exp(x * 2)
        y = (h * x).sum()
        ref = weakref.ref(h)
        del h
        assert ref() is not None  # y still needs it
        del y
        assert ref() is None, "an intermediate outlived its graph: a reference cycle"

        # after backward (trace stored on the root) the same holds once the
        # root is neither held by the user nor the most recent backward root
        h = av.exp(x * 2)
        y = (h * x).sum()
        y.backward(create_graph=True)
        ref = weakref.ref(h)
        del h, y
        x.grad = None  # a create_graph grad holds the graph, like PyTorch
        (x * 1.0).sum().backward()  # a newer backward takes over
        assert ref() is None, "a graph survived after backward: a reference cycle"
    finally:
        gc.enable()


def test_ten_thousand_training_steps_do_not_grow_memory():
    rng = np.random.default_rng(0)
    X = av.tensor(rng.standard_normal((8, 3)))
    Y = av.tensor(X.data @ np.array([1.0, -2.0, 0.5]) + 0.3)
    w = av.zeros(3, requires_grad=True)
    b = av.zeros((), requires_grad=True)
    lr = 0.05

    def train(steps):
        for _ in range(steps):
            loss = ((X @ w + b - Y) ** 2).mean()
            loss.backward()
            w.data -= lr * w.grad.data
            b.data = b.data - lr * b.grad.data
            w.grad.zero_()
            b.grad.zero_()
        return loss

    train(50)  # warm up caches outside the measure
    tracemalloc.start()
    try:
        train(1_000)
        gc.collect()
        after_1k = tracemalloc.get_traced_memory()[0]
        loss = train(9_000)
        gc.collect()
        after_10k = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert after_10k - after_1k < 64 * 1024, (
        f"memory grew by {after_10k - after_1k} bytes between step 1,000 and 10,000"
    )
    assert loss.item() < 1e-6  # and it did learn
    np.testing.assert_allclose(w.data, [1.0, -2.0, 0.5], atol=1e-3)


# ------------------------------------------------------------ higher order via .backward


def test_create_graph_grad_can_be_differentiated_again():
    x = av.tensor([2.0, -1.0], requires_grad=True)
    y = (x**3).sum()
    y.backward(create_graph=True)
    g = x.grad
    np.testing.assert_array_equal(g.data, 3 * x.data**2)
    assert g.requires_grad and g.from_backward and y.trace.create_graph
    x.grad = None
    g.sum().backward()  # d/dx sum(3x²) = 6x
    np.testing.assert_array_equal(x.grad.data, 6 * x.data)
    y.backward()  # create_graph kept the graph: allowed
    np.testing.assert_array_equal(x.grad.data, 6 * x.data + 3 * x.data**2)


def test_max_ties_share_the_gradient_like_hips():
    a = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]])
    for axis in (None, 0, 1):
        x = av.tensor(a, requires_grad=True)
        x.max(axis=axis).sum().backward()
        want = hips_grad(lambda v, axis=axis: anp.sum(anp.max(v, axis=axis)))(a)
        np.testing.assert_allclose(x.grad.data, want, err_msg=f"axis={axis}")
        # each max's unit of gradient is split, never duplicated
        assert math.isclose(x.grad.data.sum(), np.size(np.max(a, axis=axis)))


def test_reused_value_accumulates_through_iteration_and_indexing():
    v = av.tensor([1.0, 2.0, 3.0], requires_grad=True)
    total = v[0] * 0
    for row in v:  # each row is v[i]
        total = total + row * row
    (total + v[[0, 0, 2]].sum()).backward()  # repeated index: contributions add
    np.testing.assert_array_equal(v.grad.data, 2 * v.data + [2.0, 0.0, 1.0])


# ------------------------------------------------------------ operands and edge shapes


def test_numpy_array_on_the_left_keeps_the_history():
    x = av.tensor([1.0, 2.0], requires_grad=True)
    a = np.array([3.0, 4.0])
    y = a * x + a / x - a**x + (a @ x) + np.float64(2.0) * x
    assert isinstance(y, av.Tensor) and y.requires_grad
    y.sum().backward()
    # a @ x is a scalar broadcast over both entries of y, so it counts twice
    want = a - a / x.data**2 - a**x.data * np.log(a) + 2 * a + 2.0
    np.testing.assert_allclose(x.grad.data, want, rtol=1e-12)
    r = a < x
    assert isinstance(r, av.Tensor) and r.dtype == np.bool_ and not r.requires_grad


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("shape", [(0,), (2, 0), (0, 3)])
def test_empty_tensors_compute_and_differentiate_like_numpy(shape):
    x = av.zeros(shape, requires_grad=True)
    y = (av.exp(x) * 2 + 1).sum() + x.reshape(-1).sum() + x.T.sum()
    assert y.item() == 0.0
    y.backward()
    assert x.grad.shape == shape and x.grad.data.size == 0
    assert np.isnan(x.mean().item())  # numpy's mean of nothing


def test_a_cast_between_float_precisions_passes_gradients_back_at_the_inputs_precision():
    x = av.tensor([0.5, -1.25, 3.0], requires_grad=True)  # float64
    narrow = x.astype("float32")
    assert narrow.dtype == np.float32 and narrow.op.name == "cast"
    y = (narrow * narrow * narrow).sum()
    y.backward()
    assert x.grad.dtype == np.float64
    np.testing.assert_allclose(x.grad.numpy(), 3 * x.numpy() ** 2, rtol=1e-6)
    # second order through the cast, and the recorded backward's casts
    g2 = av.grad(av.grad(lambda t: (t.astype("float32") ** 3).sum()))(av.tensor(2.0))
    np.testing.assert_allclose(float(g2), 12.0, rtol=1e-6)
    # to integers nothing can flow: a plain copy with no history
    counted = x.astype("int64")
    assert counted.op is None and not counted.requires_grad
