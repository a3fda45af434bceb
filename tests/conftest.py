"""Shared test setup: hypothesis profiles and a few small fixtures.

Profiles (pick with AV_HYPOTHESIS_PROFILE=...):
  * ``default``: what CI and `pytest` run; sized so the whole suite stays fast
    on two shared cores.
  * ``thorough``: many more examples, for a long local run after touching
    a derivative rule.
No deadlines: the machine is shared, and speed is measured in bench/ only.
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

# the helpers shared by the test folders (chapter, graphs, strategies,
# browser_support) live here, beside this file
sys.path.insert(0, str(Path(__file__).resolve().parent))

settings.register_profile(
    "default",
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("thorough", parent=settings.get_profile("default"), max_examples=400)
settings.load_profile(os.environ.get("AV_HYPOTHESIS_PROFILE", "default"))


@pytest.fixture
def rng():
    """A seeded numpy generator, so a failure reproduces."""
    return np.random.default_rng(20240601)


@pytest.fixture
def clean_engine_state():
    """Fail a test that leaves the engine's global mode switched (grad off,
    record-everything or a create_graph pass left on, a recorder left registered)."""
    from autograd_viz.engine.graph import STATE

    yield
    assert STATE.grad_enabled is True, "grad mode left off"
    assert STATE.record_all == 0 and STATE.in_backward is False, "record-everything left on"
    assert not STATE.recorders, "a recorder was left registered"


# Nothing may fork the test process: once JAX or PyTorch has started its
# threads here (the dialect and notebook tests import both), a fork can
# deadlock the child, and JAX warns "os.fork() was called ...".  The checks'
# children come from a server of their own (autograd_viz/exercises/runner.py);
# subprocesses fork and exec in C without these hooks, so they do not count.
_forks = []
os.register_at_fork(before=lambda: _forks.append("".join(traceback.format_stack(limit=10)[:-1])))


@pytest.fixture(autouse=True)
def no_fork_of_the_test_process():
    before = len(_forks)
    yield
    assert len(_forks) == before, (
        "this test forked the test process, where a fork beside JAX's or PyTorch's "
        f"threads can deadlock; it forked here:\n{_forks[before]}"
    )
