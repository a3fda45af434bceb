"""Helpers for the dialect tests: run notebook-style cells, and the real
frameworks as oracles where they are installed (only PyTorch is, here)."""

from __future__ import annotations

import os

import chapter
import numpy as np
import pytest

TORCH_IMPORT = ("import torch", "import autograd_viz.torch as torch")


def real_torch():
    """Real PyTorch, the oracle.  CI installs it, so under CI=true a missing
    torch fails the test; elsewhere the test is skipped, saying why."""
    try:
        import torch as real
    except ImportError as e:
        if os.environ.get("CI", "").strip().lower() in ("true", "1", "yes"):
            pytest.fail(
                f"CI=true but PyTorch cannot be imported ({e}); the oracle tests "
                f"compare with real PyTorch, so CI must install it"
            )
        pytest.skip(f"PyTorch is not installed ({e}): the comparison with real PyTorch did not run")
    return real


def run_cells(cells, namespace=None, snapshot=False):
    """Run ``cells`` in order in one namespace, like a notebook; return the
    namespace and the value each cell showed (None where it showed nothing).

    With ``snapshot`` each value is kept as it was right after its cell (a
    tensor's numbers copied, as a notebook's output keeps them), since a
    later cell may change the same tensor (``x.grad.zero_()``)."""
    namespace = {"__name__": "__tab__"} if namespace is None else namespace
    shown = []
    for source in cells:
        value, has_value = chapter.run_cell(source, namespace)
        value = value if has_value else None
        shown.append(_snapshot(value) if snapshot else value)
    return namespace, shown


def _snapshot(value):
    if isinstance(value, (tuple, list)):
        return type(value)(_snapshot(v) for v in value)
    if hasattr(value, "requires_grad") and hasattr(value, "numpy"):
        kept = Snapshot(
            np.array(value.detach().numpy() if hasattr(value, "detach") else value.numpy())
        )
        kept.requires_grad = bool(value.requires_grad)
        kept.text = repr(value)
        return kept
    return value


class Snapshot(np.ndarray):
    """A tensor's numbers as they were when its cell ran, plus its
    requires_grad flag and its printout."""

    def __new__(cls, array):
        return np.asarray(array).view(cls)

    def item(self):
        return np.asarray(self).item()


def swapped(cells, old, new):
    """The cells with the import line ``old`` replaced by ``new``."""
    return ["\n".join(new if line == old else line for line in c.split("\n")) for c in cells]


def assert_same_printouts_as_real_torch(cells):
    """Run the PyTorch cells on real torch and on autograd_viz.torch (the one
    import line swapped); every cell must show the same text."""
    real_torch()
    theirs_ns, theirs = run_cells(cells)
    ours_ns, ours = run_cells(swapped(cells, *TORCH_IMPORT))
    assert ours_ns["torch"].__name__ == "autograd_viz.torch"
    assert theirs_ns["torch"].__name__ == "torch"
    for source, a, b in zip(cells, ours, theirs):
        assert repr(a) == repr(b), f"cell:\n{source}\nours:   {a!r}\ntorch:  {b!r}"
    return ours_ns, ours
