"""The core engine's creation defaults (API.md section 1): float64 unless asked."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_viz as av

python_ints = st.lists(st.integers(-(10**6), 10**6), min_size=1, max_size=6)


@given(python_ints)
def test_python_ints_make_float64_tensors_that_can_require_grad(values):
    x = av.tensor(values, requires_grad=True)
    assert x.dtype == np.float64
    np.testing.assert_array_equal(x.numpy(), np.asarray(values, dtype=np.float64))
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), 2 * np.asarray(values, dtype=np.float64))


def test_scalars_nested_lists_and_floats_are_float64():
    assert av.tensor(3).dtype == np.float64
    assert av.tensor([[1, 2], [3, 4]]).dtype == np.float64
    assert av.tensor([1, 2.5]).dtype == np.float64
    assert repr(av.tensor([1, 2])) == "tensor([1., 2.])"


def test_typed_data_and_an_explicit_dtype_are_kept():
    assert av.tensor(np.array([1, 2])).dtype == np.int64  # numpy said int64
    assert av.tensor(np.array([1, 2], dtype=np.float32)).dtype == np.float32
    assert av.tensor([1, 2], dtype=np.int32).dtype == np.int32
    assert av.tensor([True, False]).dtype == np.bool_
    assert av.arange(4).dtype == np.int64  # integer tensors exist
    with pytest.raises(TypeError, match="float"):
        av.tensor(np.array([1, 2]), requires_grad=True)  # and still say the fix
