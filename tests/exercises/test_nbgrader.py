"""Batch grading for real: nbgrader generate_assignment + autograde on the
sample course in tests/exercises/nbgrader_course/, with submissions right and
wrong in different places, then the scores from the gradebook.

Bob's exercise-3 function never returns (the loop's condition stays true):
the checker stops it by its time limit, the test cell fails with
AssertionError, and the kernel goes on to grade the rest.  His Value class
uses `=` instead of `+=`; Carol's walks the graph by recursion and her
f(x) is numpy floats.  The Value classes are defined in the notebook itself:
the checker's child process must get them (by value).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.slow

COURSE = Path(__file__).parent / "nbgrader_course"
REPO = Path(__file__).resolve().parents[2]
PLACEHOLDER = "    # YOUR CODE HERE\n    raise NotImplementedError()"
TOP_PLACEHOLDER = "# YOUR CODE HERE\nraise NotImplementedError()"
TOP_LEVEL = {"tracing_solution", "engine_solution"}  # solutions not inside a def

# a student's Value class; `accumulate` and `walk` are where the mistakes go
ENGINE = """class Value:
    def __init__(self, data, _children=()):
        self.data, self.grad = float(data), 0.0
        self._prev, self._backward = _children, lambda: None

    def __add__(self, other):
        out = Value(self.data + other.data, (self, other))
        def _backward():
            self.grad {op} out.grad
            other.grad {op} out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        out = Value(self.data * other.data, (self, other))
        def _backward():
            self.grad {op} other.data * out.grad
            other.grad {op} self.data * out.grad
        out._backward = _backward
        return out

    def relu(self):
        out = Value(max(self.data, 0.0), (self,))
        def _backward():
            self.grad {op} (self.data > 0) * out.grad
        out._backward = _backward
        return out

    def backward(self):
{walk}
        self.grad = 1.0
        for node in reversed(order):
            node._backward()
"""
LOOP_WALK = """        order, seen, stack = [], set(), [(self, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
            elif node not in seen:
                seen.add(node)
                stack.append((node, True))
                stack.extend((child, False) for child in node._prev)"""
RECURSIVE_WALK = """        order, seen = [], set()
        def visit(node):
            if node not in seen:
                seen.add(node)
                for child in node._prev:
                    visit(child)
                order.append(node)
        visit(self)"""

RIGHT_EX3 = (
    "    b = a * 2\n    while b.norm() < 1000:\n        b = b * 2\n"
    "    if b.sum() > 0:\n        c = b\n    else:\n        c = 100 * b\n    return c"
)
RIGHT_EX5 = (
    "    x.requires_grad_()\n    y = av.sin(x)\n    y.sum().backward()\n"
    "    return y.detach(), x.grad"
)
RIGHT_TRACING = 'tracing = {"q": 3, "f": -12, "df_dx": -4, "df_dy": -4, "df_dz": 3}'

SUBMISSIONS = {
    "alice": {  # right everywhere
        "ex3_solution": RIGHT_EX3,
        "ex5_solution": RIGHT_EX5,
        "tracing_solution": RIGHT_TRACING,
        "graph_solution": "    return av.log(x ** 2) * av.sin(x) + 1 / x",
        "engine_solution": ENGINE.format(op="+=", walk=LOOP_WALK),
    },
    "bob": {  # exercise 3 loops forever; df/dx forgot the upstream; `=` in his engine
        "ex3_solution": "    b = a * 2\n    while b.norm() < 1000:\n        b = b * 1\n"
        "    return b",
        "ex5_solution": "    x.requires_grad_()\n    y = av.sin(x)\n"
        "    y.backward(av.ones_like(y))\n    return y.detach(), x.grad",
        "tracing_solution": 'tracing = {"q": 3, "f": -12, "df_dx": 1, "df_dy": 1, "df_dz": 3}',
        "graph_solution": "    return 1 / x + av.sin(x) * av.log(x * x)",  # another spelling
        "engine_solution": ENGINE.format(op="=", walk=LOOP_WALK),
    },
    "carol": {  # f(x) in numpy floats; a recursive walk
        "ex3_solution": RIGHT_EX3,
        "ex5_solution": RIGHT_EX5,
        "tracing_solution": RIGHT_TRACING,
        "graph_solution": "    import numpy as np\n    v = x.numpy()\n"
        "    return np.log(v ** 2) * np.sin(v) + 1 / v",
        "engine_solution": ENGINE.format(op="+=", walk=RECURSIVE_WALK),
    },
}
POINTS = {"ex3_test": 2, "ex5_test": 2, "tracing_test": 1, "graph_test": 2, "engine_test": 3}
EARNED = {
    "alice": POINTS,
    "bob": {**POINTS, "ex3_test": 0, "tracing_test": 0, "engine_test": 0},
    "carol": {**POINTS, "graph_test": 0, "engine_test": 0},
}
WHY = {
    ("bob", "ex3_test"): ["hit the time limit of 5 seconds", "Exercise 3"],
    ("bob", "tracing_test"): ["df_dx = 1: 1 is only the + node's local derivative"],
    ("bob", "engine_test"): ["`=` instead of `+=`", "a value used twice"],
    ("carol", "graph_test"): ["computed outside the framework (numpy floats have no graph)"],
    ("carol", "engine_test"): ["your backward is recursive", "RecursionError"],
}


def nbgrader(course, *args):
    env = dict(os.environ)
    # the kernel must import this work tree's autograd_viz, whatever is installed
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.pop("NBGRADER_EXECUTION", None)
    done = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=course,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, (
        f"nbgrader {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    )
    return done


def test_autograde_gives_full_marks_to_a_right_submission_and_less_to_a_wrong_one(tmp_path):
    assert importlib.util.find_spec("nbgrader"), "nbgrader is a test dependency: run make install"
    course = tmp_path / "course"
    shutil.copytree(COURSE, course)
    nbgrader(course, "generate_assignment", "ps1", "--force")
    released = nbformat.read(course / "release" / "ps1" / "ps1.ipynb", as_version=4)
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in released.cells}
    for grade_id in SUBMISSIONS["alice"]:
        gap = TOP_PLACEHOLDER if grade_id in TOP_LEVEL else PLACEHOLDER
        assert gap in cells[grade_id].source  # the solution was removed
        assert "### BEGIN SOLUTION" not in cells[grade_id].source

    for student, answers in SUBMISSIONS.items():
        nb = nbformat.read(course / "release" / "ps1" / "ps1.ipynb", as_version=4)
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id in answers:
                gap = TOP_PLACEHOLDER if grade_id in TOP_LEVEL else PLACEHOLDER
                cell.source = cell.source.replace(gap, answers[grade_id])
        target = course / "submitted" / student / "ps1"
        target.mkdir(parents=True)
        nbformat.write(nb, target / "ps1.ipynb")
        (target / "timestamp.txt").write_text("2026-11-25 12:00:00.000000 UTC")

    nbgrader(course, "autograde", "ps1", "--force")

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student, earned in EARNED.items():
            submission = gb.find_submission("ps1", student)
            assert submission.max_score == sum(POINTS.values()) == 10
            assert submission.score == sum(earned.values()), student
            for cell, points in earned.items():
                # (grade cell, notebook, assignment, student)
                assert gb.find_grade(cell, "ps1", "ps1", student).auto_score == points, (
                    student,
                    cell,
                )

    for (student, grade_id), phrases in WHY.items():
        graded = nbformat.read(course / "autograded" / student / "ps1" / "ps1.ipynb", as_version=4)
        test_cell = next(
            c for c in graded.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id
        )
        error = next(o for o in test_cell.outputs if o.output_type == "error")
        assert error.ename == "AssertionError"
        for phrase in phrases:
            assert phrase in error.evalue, (student, grade_id, error.evalue)
