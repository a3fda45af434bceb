"""Real PyTorch and real JAX as test oracles.  Where one is not installed its
tests skip and say so; under CI=true they fail instead, so CI never passes by
skipping them (CI installs both)."""

from __future__ import annotations

import importlib
import os

import pytest


def real(module):
    """Import the real framework, or skip (fail under CI=true) saying why."""
    try:
        return importlib.import_module(module)
    except ImportError as error:
        if os.environ.get("CI", "").strip().lower() in ("true", "1", "yes"):
            pytest.fail(f"CI=true but real {module} cannot be imported ({error}): it is the oracle")
        pytest.skip(f"real {module} is not installed ({error}): no oracle for these tests")
