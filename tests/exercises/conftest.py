"""Fixtures of the exercise tests."""

import pytest

from autograd_viz import exercises


@pytest.fixture
def english_and_not_grading(monkeypatch):
    """Messages in English and no grader around, whatever the environment says."""
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    exercises.set_lang("en")
    yield
    exercises.set_lang("en")
