"""The notebooks under notebooks/{en,vi}/ run top to bottom in a fresh kernel, and
what is saved is what a student should see.

* Every notebook the sources make is executed with nbclient (120 s per cell) in a
  temporary working directory; the chapter once per framework, as its own
  notebook.  A failure shows the failing cell's source and its error.  A
  framework notebook whose dialect does not import yet (JAX, until its dialect
  lands) is run from its source too and reported as an expected failure naming
  the missing dialect, never as a pass or a silent skip.
* In 03_exercises every ``ch.*.check`` / ``bp.*.check`` cell shows a pass, except
  those tagged ``expected-fail`` (deliberately wrong tries), which show a failure:
  after a fresh run and in the saved files.
* The saved files carry a python3 kernelspec, were saved with outputs, and stay
  small.  That they match their sources is tests/notebooks/test_sources.py's job.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))
import build_notebooks as build  # noqa: E402

NOTEBOOKS = REPO / "notebooks"
LANGS = build.LANGS
CELL_TIMEOUT = build.CELL_TIMEOUT
MAX_BYTES = 3 * 1024 * 1024

PLAN = build.plan()
ALL = sorted(t.path for t in PLAN)


def _rel(path):
    return str(path.relative_to(NOTEBOOKS))


def _runs():
    """Every notebook the sources make."""
    return [pytest.param(target, id=target.label) for target in PLAN]


def _failure_report(nb, error):
    """The source and error of the first cell with an error output."""
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                tb = "\n".join(out.get("traceback", []))
                tb = re.sub(r"\x1b\[[0-9;]*m", "", tb)  # drop ANSI colours
                return (
                    f"cell {i} failed:\n----- source -----\n{cell.source}\n"
                    f"----- error -----\n{out['ename']}: {out['evalue']}\n{tb[-3000:]}"
                )
    return f"execution failed outside a cell's output: {error}"


def test_there_are_notebooks_in_both_languages():
    for lang in LANGS:
        found = sorted(p.name for p in (NOTEBOOKS / lang).glob("*.ipynb"))
        assert len(found) >= 4, f"notebooks/{lang}/ has {found}"


@pytest.mark.slow
@pytest.mark.parametrize("target", _runs())
def test_notebook_runs_top_to_bottom(target, tmp_path):
    nb = nbformat.read(target.path, as_version=4)
    try:
        build.execute(nb, timeout=CELL_TIMEOUT, workdir=tmp_path)
    except Exception as error:  # CellExecutionError, CellTimeoutError, DeadKernelError
        pytest.fail(f"{target.label}\n" + _failure_report(nb, error), pytrace=False)
    if target.path.name == EXERCISES:
        _assert_exercise_verdicts(nb, target.label)


# ------------------------------------------------------------ the sample answers pass

EXERCISES = "03_exercises.ipynb"
CHECK_CELL = re.compile(r"^(ch|bp)\.\w+\.check\(", re.M)
EXPECTED_FAIL = "expected-fail"


def _assert_exercise_verdicts(nb, label):
    """Every ``ch.NAME.check(...)`` and ``bp.NAME.check(...)`` cell shows a pass (✓),
    except the cells tagged expected-fail (a deliberately wrong first try), which show ✗."""
    seen = {"pass": 0, "fail": 0}
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or not CHECK_CELL.search(cell.source):
            continue
        shown = "".join(
            o.get("data", {}).get("text/plain", "")
            for o in cell.outputs
            if o.get("output_type") == "execute_result"
        )
        html = "".join(
            o.get("data", {}).get("text/html", "")
            for o in cell.outputs
            if o.get("output_type") == "execute_result"
        )
        failing = EXPECTED_FAIL in cell.metadata.get("tags", [])
        mark, colour = ("✗", "#cf222e") if failing else ("✓", "#1a7f37")
        assert shown.startswith(mark) and colour in html, (
            f"{label} cell {i} should show {mark}:\n{cell.source}\n----- output -----\n{shown}"
        )
        seen["fail" if failing else "pass"] += 1
    assert seen == {"pass": 12, "fail": 4}, f"{label}: check cells found: {seen}"


@pytest.mark.parametrize("lang", LANGS)
def test_saved_exercise_notebook_shows_every_sample_answer_passing(lang):
    path = NOTEBOOKS / lang / EXERCISES
    _assert_exercise_verdicts(nbformat.read(path, as_version=4), _rel(path))


# ------------------------------------------------------------ the saved files


def test_the_vietnamese_notebooks_use_lang_vi():
    for path in (NOTEBOOKS / "vi").glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        assert 'LANG = "vi"' in code, f'{_rel(path)} never sets LANG = "vi"'


@pytest.mark.parametrize("path", [pytest.param(p, id=_rel(p)) for p in ALL])
def test_saved_notebook_has_kernelspec_outputs_and_modest_size(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3", (
        f"{_rel(path)}: kernelspec must be python3 (JupyterLab otherwise asks for a kernel)"
    )
    code = [c for c in nb.cells if c.cell_type == "code"]
    not_run = [
        i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.execution_count is None
    ]
    assert not not_run, (
        f"{_rel(path)}: cells {not_run} were saved without running; run `make notebooks`"
    )
    errors = [
        i
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and any(o.get("output_type") == "error" for o in c.outputs)
    ]
    assert not errors, f"{_rel(path)}: cells {errors} were saved with an error"
    assert sum(bool(c.outputs) for c in code) >= len(code) // 2, f"{_rel(path)}: few outputs"
    size = path.stat().st_size
    assert size < MAX_BYTES, f"{_rel(path)} is {size / 1e6:.1f} MB (limit 3 MB)"
