"""One oracle per framework for the whole session (the served ones are processes)."""

from __future__ import annotations

import pytest

from . import harness


@pytest.fixture(scope="session")
def oracles():
    started = {}

    def get(framework):
        if framework not in started:
            started[framework] = harness.start(framework)
        return started[framework]

    yield get
    for oracle in started.values():
        oracle.close()


@pytest.fixture(scope="session")
def ours():
    return harness.LocalOracle("ours")
