"""The notebooks under notebooks/ run top to bottom in a fresh kernel, and the
English and Vietnamese versions are the same notebook.

* Every notebook is executed with nbclient (120 s per cell) in a temporary
  working directory; notebook 01 once per framework, by rewriting its
  ``FRAMEWORK = ...`` parameter cell.  A failure shows the failing cell's
  source and its error.
* In 03_exercises every ``ch.exN.check`` cell shows a pass, except the one
  tagged ``expected-fail`` (a deliberately wrong try), which shows a failure:
  after a fresh run and in the saved files.
* en/ and vi/ hold the same files with the same cells: same kinds, same tags,
  same code once comments are removed (the ``LANG = "en"`` line may differ).
* The committed files are what tools/build_notebooks.py generates, carry a
  python3 kernelspec, were saved with outputs and stay small.
"""

from __future__ import annotations

import importlib.util
import io
import os
import re
import sys
import tokenize
from pathlib import Path

import pytest

import nbformat
import nbclient

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
LANGS = ("en", "vi")
FRAMEWORKS = ("pytorch", "tensorflow", "mxnet")
CELL_TIMEOUT = 120
MAX_BYTES = 3 * 1024 * 1024
LANG_LINE = re.compile(r'^LANG = "(en|vi)"', re.M)

ALL = sorted(NOTEBOOKS.glob("*/*.ipynb"))


def _rel(path):
    return str(path.relative_to(NOTEBOOKS))


def _runs():
    """(notebook, framework or None) pairs: 01 runs once per framework."""
    runs = []
    for path in ALL:
        if _parameter_cell(nbformat.read(path, as_version=4)) is not None:
            runs += [pytest.param(path, fw, id=f"{_rel(path)}[{fw}]") for fw in FRAMEWORKS]
        else:
            runs.append(pytest.param(path, None, id=_rel(path)))
    return runs


def _parameter_cell(nb):
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            return cell
    return None


def _set_framework(nb, framework):
    cell = _parameter_cell(nb)
    assert cell is not None, "the notebook has no cell tagged 'parameters'"
    source, n = re.subn(r'^FRAMEWORK = "[a-z]+"', f'FRAMEWORK = "{framework}"', cell.source,
                        count=1, flags=re.M)
    assert n == 1, f"the parameter cell does not set FRAMEWORK:\n{cell.source}"
    cell.source = source


def _failure_report(nb, error):
    """The source and error of the first cell with an error output."""
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                tb = "\n".join(out.get("traceback", []))
                tb = re.sub(r"\x1b\[[0-9;]*m", "", tb)          # drop ANSI colours
                return (f"cell {i} failed:\n----- source -----\n{cell.source}\n"
                        f"----- error -----\n{out['ename']}: {out['evalue']}\n{tb[-3000:]}")
    return f"execution failed outside a cell's output: {error}"


@pytest.fixture
def kernel_env(monkeypatch):
    # the kernel must import this work tree's autograd_viz, whatever is installed,
    # and must not believe it runs under nbgrader (checks would raise)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        p for p in [str(REPO), os.environ.get("PYTHONPATH", "")] if p))
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)


def test_there_are_notebooks_in_both_languages():
    for lang in LANGS:
        found = sorted(p.name for p in (NOTEBOOKS / lang).glob("*.ipynb"))
        assert len(found) >= 4, f"notebooks/{lang}/ has {found}"


@pytest.mark.slow
@pytest.mark.parametrize("path, framework", _runs())
def test_notebook_runs_top_to_bottom(path, framework, tmp_path, kernel_env):
    nb = nbformat.read(path, as_version=4)
    if framework is not None:
        _set_framework(nb, framework)
    client = nbclient.NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    try:
        client.execute()
    except Exception as error:     # CellExecutionError, CellTimeoutError, DeadKernelError
        pytest.fail(f"{_rel(path)}" + (f" with FRAMEWORK={framework!r}" if framework else "")
                    + "\n" + _failure_report(nb, error), pytrace=False)
    if path.name == EXERCISES:
        _assert_exercise_verdicts(nb, _rel(path))
    if framework is not None:
        printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                          for o in c.outputs if o.get("output_type") == "stream")
        assert f"framework: {framework}" in printed, \
            "the FRAMEWORK parameter did not reach the notebook's set-up cell"


# ------------------------------------------------------------ the sample answers pass

EXERCISES = "03_exercises.ipynb"
CHECK_CELL = re.compile(r"^ch\.ex\d\.check\(", re.M)
EXPECTED_FAIL = "expected-fail"


def _assert_exercise_verdicts(nb, label):
    """Every ``ch.exN.check(...)`` cell shows a pass (✓), except the cells
    tagged expected-fail (a deliberately wrong first try), which show ✗."""
    seen = {"pass": 0, "fail": 0}
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or not CHECK_CELL.search(cell.source):
            continue
        shown = "".join(o.get("data", {}).get("text/plain", "") for o in cell.outputs
                        if o.get("output_type") == "execute_result")
        html = "".join(o.get("data", {}).get("text/html", "") for o in cell.outputs
                       if o.get("output_type") == "execute_result")
        failing = EXPECTED_FAIL in cell.metadata.get("tags", [])
        mark, colour = ("✗", "#cf222e") if failing else ("✓", "#1a7f37")
        assert shown.startswith(mark) and colour in html, \
            f"{label} cell {i} should show {mark}:\n{cell.source}\n----- output -----\n{shown}"
        seen["fail" if failing else "pass"] += 1
    assert seen == {"pass": 5, "fail": 1}, f"{label}: check cells found: {seen}"


@pytest.mark.parametrize("lang", LANGS)
def test_saved_exercise_notebook_shows_every_sample_answer_passing(lang):
    path = NOTEBOOKS / lang / EXERCISES
    _assert_exercise_verdicts(nbformat.read(path, as_version=4), _rel(path))


# ------------------------------------------------------------ en and vi in step

def _code_only(source):
    """The code without comments, blank lines or the LANG line."""
    source = LANG_LINE.sub('LANG = "*"', source)
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(source + "\n").readline)
              if t.type != tokenize.COMMENT]
    text = tokenize.untokenize(tokens)
    return "\n".join(line.rstrip() for line in text.splitlines() if line.strip())


def _pairs():
    names = sorted({p.name for p in ALL})
    return [pytest.param(name, id=name) for name in names]


@pytest.mark.parametrize("name", _pairs())
def test_english_and_vietnamese_have_the_same_cells(name):
    paths = {lang: NOTEBOOKS / lang / name for lang in LANGS}
    missing = [str(p.relative_to(REPO)) for p in paths.values() if not p.exists()]
    assert not missing, f"{name} is missing in: {missing}"
    en, vi = (nbformat.read(paths[lang], as_version=4) for lang in LANGS)
    kinds = {lang: [c.cell_type for c in nb.cells] for lang, nb in (("en", en), ("vi", vi))}
    assert kinds["en"] == kinds["vi"], f"{name}: cell kinds differ:\n{kinds}"
    for i, (a, b) in enumerate(zip(en.cells, vi.cells)):
        if a.cell_type == "code":
            assert _code_only(a.source) == _code_only(b.source), \
                f"{name} cell {i}: the code differs\n--- en ---\n{a.source}\n--- vi ---\n{b.source}"
            assert a.metadata.get("tags", []) == b.metadata.get("tags", []), \
                f"{name} cell {i}: tags differ"
            assert LANG_LINE.findall(a.source) in ([], ["en"]), f"{name} cell {i}: LANG in en"
            assert LANG_LINE.findall(b.source) in ([], ["vi"]), f"{name} cell {i}: LANG in vi"
        else:
            assert a.source != b.source, f"{name} cell {i}: the Vietnamese text is not translated"
            assert re.search(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệịỉĩọỏốồổỗộớờởỡợụủứừửữựỳỷỹý]",
                             b.source.lower()), \
                f"{name} cell {i}: the Vietnamese text has no Vietnamese letters:\n{b.source}"


def test_the_vietnamese_notebooks_use_lang_vi():
    for path in (NOTEBOOKS / "vi").glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        assert 'LANG = "vi"' in code, f"{_rel(path)} never sets LANG = \"vi\""


# ------------------------------------------------------------ the saved files

@pytest.mark.parametrize("path", [pytest.param(p, id=_rel(p)) for p in ALL])
def test_saved_notebook_has_kernelspec_outputs_and_modest_size(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3", \
        f"{_rel(path)}: kernelspec must be python3 (JupyterLab otherwise asks for a kernel)"
    code = [c for c in nb.cells if c.cell_type == "code"]
    not_run = [i for i, c in enumerate(nb.cells)
               if c.cell_type == "code" and c.execution_count is None]
    assert not not_run, f"{_rel(path)}: cells {not_run} were saved without running; " \
                        f"run `python tools/build_notebooks.py`"
    errors = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"
              and any(o.get("output_type") == "error" for o in c.outputs)]
    assert not errors, f"{_rel(path)}: cells {errors} were saved with an error"
    assert sum(bool(c.outputs) for c in code) >= len(code) // 2, f"{_rel(path)}: few outputs"
    size = path.stat().st_size
    assert size < MAX_BYTES, f"{_rel(path)} is {size / 1e6:.1f} MB (limit 3 MB)"


def _builder():
    spec = importlib.util.spec_from_file_location("build_notebooks",
                                                  REPO / "tools" / "build_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module       # its dataclasses look their module up there
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop(spec.name, None)
    return module


def test_saved_notebooks_match_their_generator():
    build = _builder()
    expected = {f"{lang}/{name}.ipynb" for name in build.NOTEBOOKS for lang in build.LANGS}
    assert {_rel(p) for p in ALL} == expected, "notebooks/ and tools/build_notebooks.py disagree"
    for name, cells in build.NOTEBOOKS.items():
        for lang in build.LANGS:
            want = build.build(cells, lang)
            got = nbformat.read(NOTEBOOKS / lang / f"{name}.ipynb", as_version=4)
            assert [c.source for c in got.cells] == [c.source for c in want.cells], \
                f"{lang}/{name}.ipynb is stale: run `python tools/build_notebooks.py {name[:2]}`"
