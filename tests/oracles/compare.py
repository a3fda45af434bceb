"""Comparing what the real framework answered with what our dialect answered."""

from __future__ import annotations

import numpy as np

from .wire import Other


def assert_same(real, ours, where="result"):
    """Same structure, same strings, and arrays of the same shape and dtype
    whose values agree to the precision of their dtype."""
    if isinstance(real, np.ndarray):
        assert isinstance(ours, np.ndarray), f"{where}: real gives an array, ours {ours!r}"
        assert ours.shape == real.shape, f"{where}: shape {ours.shape}, real {real.shape}"
        assert ours.dtype == real.dtype, f"{where}: dtype {ours.dtype}, real {real.dtype}"
        if real.dtype.kind in "fc":
            scale = max(1.0, float(np.max(np.abs(real[np.isfinite(real)]), initial=0.0)))
            tight = real.dtype.itemsize >= 8
            np.testing.assert_allclose(
                ours,
                real,
                rtol=1e-9 if tight else 2e-5,
                atol=(1e-9 if tight else 2e-6) * scale,
                equal_nan=True,
                err_msg=f"{where}: values differ",
            )
        else:
            np.testing.assert_array_equal(ours, real, err_msg=f"{where}: values differ")
        return
    if isinstance(real, (list, tuple)):
        assert type(ours) is type(real), (
            f"{where}: real gives a {type(real).__name__}, ours {type(ours).__name__} ({ours!r})"
        )
        assert len(ours) == len(real), f"{where}: {len(ours)} items, real {len(real)}"
        for i, (a, b) in enumerate(zip(real, ours)):
            assert_same(a, b, f"{where}[{i}]")
        return
    if isinstance(real, dict):
        assert isinstance(ours, dict) and ours.keys() == real.keys(), (
            f"{where}: keys {list(ours) if isinstance(ours, dict) else ours!r}, real {list(real)}"
        )
        for k in real:
            assert_same(real[k], ours[k], f"{where}[{k!r}]")
        return
    if isinstance(real, float) and isinstance(ours, float):
        np.testing.assert_allclose(ours, real, rtol=2e-5, atol=1e-6, err_msg=where)
        return
    if isinstance(real, Other):
        # an object of the framework's own (a dtype, a shape...): its printout
        assert str(ours).split(": ", 1)[-1] == real.split(": ", 1)[-1], (
            f"{where}: ours {ours!r}, real {real!r}"
        )
        return
    assert type(ours) is type(real) and ours == real, f"{where}:\n ours {ours!r}\n real {real!r}"
