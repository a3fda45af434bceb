"""numpy's own functions on the engine's tensors (PyTorch's rule, which the
torch dialect shares; the other dialects' rules are checked against their real
frameworks in tests/oracles).

A value whose gradient is asked for is refused, in the session's language:
numpy would compute on without the graph, and a backward pass through
``np.exp(x) * x`` would skip the exp without a word.  A value without history
is handed over, and an array on the left of an operator leaves the history to
the tensor's own operator."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd_viz as av
from autograd_viz.engine.lang import using_lang

VALUES = hnp.arrays(np.float64, st.integers(1, 5), elements=st.floats(-3, 3))
CALLS = [np.exp, np.sin, np.mean, np.sum, np.asarray, lambda t: np.dot(t, t)]


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize("lang", ["en", "vi"])
def test_a_tensor_that_requires_grad_is_refused_naming_the_fix(call, lang):
    x = av.tensor([0.5, 1.5], requires_grad=True)
    with using_lang(lang):
        with pytest.raises(RuntimeError) as caught:
            call(x)
    assert "detach()" in str(caught.value)
    assert ("numpy không thể" in str(caught.value)) == (lang == "vi")
    assert (2 * x).sum().item() == 4.0  # the session goes on


@given(VALUES)
def test_values_without_history_are_numpys(a):
    x = av.tensor(a)
    np.testing.assert_array_equal(np.exp(x), np.exp(a))
    np.testing.assert_array_equal(np.asarray(av.tensor(a, requires_grad=True).detach()), a)


@given(VALUES, VALUES)
def test_an_array_on_the_left_keeps_the_tensors_history(a, b):
    n = min(len(a), len(b))
    a, b = a[:n], b[:n]
    x = av.tensor(b, requires_grad=True)
    y = (a * x + a - x * a / 2.0).sum()
    assert isinstance(y, av.Tensor)
    y.backward()
    np.testing.assert_allclose(x.grad.data, a - a / 2.0)
