"""Batch grading for real: nbgrader generate_assignment + autograde on the
sample course in tests/nbgrader_course/, with one correct and one wrong
submission, then the scores from the gradebook.

The wrong student's exercise-3 function never returns (the loop's condition
stays true): the checker stops it by its time limit, the test cell fails with
AssertionError, and the kernel goes on to grade exercise 5.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import nbformat

pytestmark = pytest.mark.slow

COURSE = Path(__file__).parent / "nbgrader_course"
REPO = Path(__file__).resolve().parents[2]
PLACEHOLDER = "    # YOUR CODE HERE\n    raise NotImplementedError()"

SUBMISSIONS = {
    "alice": {   # right on both
        "ex3_solution": "    b = a * 2\n    while b.norm() < 1000:\n        b = b * 2\n"
                        "    if b.sum() > 0:\n        c = b\n    else:\n        c = 100 * b\n"
                        "    return c",
        "ex5_solution": "    x.requires_grad_()\n    y = av.sin(x)\n    y.sum().backward()\n"
                        "    return y.detach(), x.grad",
    },
    "bob": {     # exercise 3 loops forever; exercise 5 right
        "ex3_solution": "    b = a * 2\n    while b.norm() < 1000:\n        b = b * 1\n"
                        "    return b",
        "ex5_solution": "    x.requires_grad_()\n    y = av.sin(x)\n    y.backward(av.ones_like(y))\n"
                        "    return y.detach(), x.grad",
    },
}


def nbgrader(course, *args):
    env = dict(os.environ)
    # the kernel must import this work tree's autograd_viz, whatever is installed
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(
        os.pathsep)
    env.pop("NBGRADER_EXECUTION", None)
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{done.stdout[-3000:]}" \
                                 f"\n{done.stderr[-3000:]}"
    return done


def test_autograde_gives_full_marks_to_a_right_submission_and_less_to_a_wrong_one(tmp_path):
    assert importlib.util.find_spec("nbgrader"), "nbgrader is a test dependency: run make install"
    course = tmp_path / "course"
    shutil.copytree(COURSE, course)
    nbgrader(course, "generate_assignment", "ps1", "--force")
    released = nbformat.read(course / "release" / "ps1" / "ps1.ipynb", as_version=4)
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in released.cells}
    for grade_id in ("ex3_solution", "ex5_solution"):
        assert PLACEHOLDER in cells[grade_id].source          # the solution was removed

    for student, answers in SUBMISSIONS.items():
        nb = nbformat.read(course / "release" / "ps1" / "ps1.ipynb", as_version=4)
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id in answers:
                cell.source = cell.source.replace(PLACEHOLDER, answers[grade_id])
        target = course / "submitted" / student / "ps1"
        target.mkdir(parents=True)
        nbformat.write(nb, target / "ps1.ipynb")
        (target / "timestamp.txt").write_text("2026-11-25 12:00:00.000000 UTC")

    nbgrader(course, "autograde", "ps1", "--force")

    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        alice = gb.find_submission("ps1", "alice")
        bob = gb.find_submission("ps1", "bob")
        assert alice.max_score == bob.max_score == 4
        assert alice.score == 4
        assert bob.score == 2
        # (grade cell, notebook, assignment, student)
        assert gb.find_grade("ex3_test", "ps1", "ps1", "bob").auto_score == 0
        assert gb.find_grade("ex5_test", "ps1", "ps1", "bob").auto_score == 2

    graded = nbformat.read(course / "autograded" / "bob" / "ps1" / "ps1.ipynb", as_version=4)
    test_cell = next(c for c in graded.cells
                     if c.metadata.get("nbgrader", {}).get("grade_id") == "ex3_test")
    error = next(o for o in test_cell.outputs if o.output_type == "error")
    assert error.ename == "AssertionError"
    assert "hit the time limit of 5 seconds" in error.evalue and "Exercise 3" in error.evalue
