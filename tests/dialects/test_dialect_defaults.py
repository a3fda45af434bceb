"""What each dialect makes of Python integers, and the torch dialect's message
for backward() on a vector: both as the real framework does."""

from __future__ import annotations

import importlib
import os

import numpy as np
import pytest

import autograd_viz.mxnet as mx
import autograd_viz.tf as tf
import autograd_viz.torch as torch


def _oracle(module):
    """A real framework, the oracle: fails under CI=true where CI installs it
    (torch), skips elsewhere saying why."""
    try:
        return importlib.import_module(module)
    except ImportError as e:
        if module == "torch" and os.environ.get("CI", "").strip().lower() in ("true", "1", "yes"):
            pytest.fail(f"CI=true but {module} cannot be imported ({e})")
        pytest.skip(f"{module} is not installed ({e}): the comparison did not run")


@pytest.mark.parametrize("data", [[1, 2], 3, [[1], [2]], [1, 2.5], [True, False]])
def test_torch_tensor_keeps_pytorchs_dtypes(data):
    real = _oracle("torch")
    assert str(torch.tensor(data).dtype) == str(real.tensor(data).dtype)


def test_tf_and_mxnet_keep_their_conventions():
    # TensorFlow: Python ints are int32, floats float32
    assert tf.constant([1, 2]).dtype == tf.int32
    assert tf.constant([1.0, 2]).dtype == tf.float32
    # MXNet's numpy interface: np.array of Python numbers is float32
    assert mx.np.array([1, 2]).dtype == np.float32


def test_torch_vector_backward_starts_with_pytorchs_words_then_our_hint():
    real = _oracle("torch")
    rx = real.arange(4.0, requires_grad=True)
    with pytest.raises(RuntimeError) as theirs:
        (rx * rx).backward()
    x = torch.arange(4.0, requires_grad=True)
    y = x * x
    with pytest.raises(RuntimeError) as ours:
        y.backward()
    text = str(ours.value)
    assert text.startswith(str(theirs.value)), (text, str(theirs.value))
    assert "shape (4,)" in text and "y.sum().backward()" in text and "gradient=" in text
    # the hint's two fixes both work, and the session goes on
    y.backward(torch.ones_like(y))
    np.testing.assert_array_equal(x.grad.numpy(), 2 * np.arange(4.0, dtype=np.float32))


def test_one_element_and_scalar_backward_need_no_gradient():
    x = torch.tensor([3.0], requires_grad=True)
    (x * x).backward()
    assert float(x.grad) == 6.0
