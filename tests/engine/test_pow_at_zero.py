"""Powers of an exact zero, differentiated again and again: x ** 2 at 0 has
derivatives 0, 2, 0, 0 in PyTorch and JAX.  Each derivative of a power is a
power with an exponent one lower, so the third reaches 0 · 0^(−1), which is
nan unless the rule knows that a^0 is a constant.  (Real JAX gives 0 for an
integer exponent, which it differentiates as integer_pow; with a float
exponent its own third derivative is nan: we give PyTorch's 0 there.)"""

from __future__ import annotations

import numpy as np
import pytest

import autograd_viz as av

jax = pytest.importorskip("jax")
torch = pytest.importorskip("torch")


def _ours(exponent, x, order):
    f = lambda t: t**exponent
    for _ in range(order):
        f = av.grad(f)
    return float(f(av.tensor(x)))


def _jax(exponent, x, order):
    f = lambda t: t**exponent
    for _ in range(order):
        f = jax.grad(f)
    return float(f(jax.numpy.asarray(x, dtype="float32")))


def _torch(exponent, x, order):
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    y = t**exponent
    for _ in range(order):
        if not y.requires_grad:
            return 0.0
        (y,) = torch.autograd.grad(y, t, create_graph=True)
    return float(y)


@pytest.mark.parametrize("exponent", [1, 2, 3, 2.0, 3.0])
@pytest.mark.parametrize("order", [1, 2, 3, 4])
def test_derivatives_of_a_power_at_zero_are_pytorchs_and_jaxs(exponent, order):
    ours = _ours(exponent, 0.0, order)
    assert ours == _torch(exponent, 0.0, order)
    if isinstance(exponent, int):
        assert ours == _jax(exponent, 0.0, order)
    assert not np.isnan(ours)


def test_a_zero_exponent_has_a_zero_derivative_in_base_and_exponent_gives_the_log():
    base = av.tensor([0.0, 2.0, 0.0])
    exponent = av.tensor([0.0, 1.0, 2.0])
    g_base, g_exp = av.grad(lambda a, b: (a**b).sum(), argnums=(0, 1))(base, exponent)
    tb, te = (torch.tensor(v.data, requires_grad=True) for v in (base, exponent))
    want = torch.autograd.grad((tb**te).sum(), (tb, te))
    np.testing.assert_array_equal(g_base.data, want[0].numpy())
    np.testing.assert_array_equal(g_exp.data, want[1].numpy())
