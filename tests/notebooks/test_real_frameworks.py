"""The chapter notebook's code is the framework's own: with the import line
swapped for the real framework's, every code cell of the PyTorch and the JAX
notebook runs on real PyTorch / real JAX, every ``... == ...`` check shows all
True there, and what the saved notebook printed is what the real framework
prints (cells that seed or draw random numbers aside: the generators differ).

The JAX notebook is checked against real JAX even while autograd_viz.jax is not
there to build it: its cells are written against API.md section 6, and this is
what says they are JAX.  The drawing cells (``av.``) are ours and are left out.
TensorFlow and MXNet are not installed here, so their tabs have no oracle.

Real PyTorch and JAX are oracles: under CI=true a missing one fails (real JAX
from the day autograd_viz.jax is in the tree: CI has no JAX to install before),
elsewhere the test skips saying why.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))
import build_notebooks as build  # noqa: E402

pytestmark = pytest.mark.slow

# the dialect import lines the chapter uses, and the real framework's
REAL_IMPORTS = {
    "pytorch": ("torch", [("import autograd_viz.torch as torch", "import torch")]),
    "jax": (
        "jax",
        [
            ("import autograd_viz.jax as jax", "import jax"),
            ("from autograd_viz.jax import ", "from jax import "),
        ],
    ),
}
OURS = re.compile(r"\bav\.|\bsteps\b|^import autograd_viz as av$", re.M)
RANDOM = re.compile(r"\brandn?\b|random\.|seed\(")

RUNNER = r"""
import json, sys
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output
shell = InteractiveShell.instance()
# keep the value a cell shows, without "Out[n]:" echoed into the captured stdout
shell.displayhook.write_output_prompt = lambda: None
shell.displayhook.write_format_data = lambda *args, **kwargs: None
results = []
for source in json.load(sys.stdin):
    with capture_output() as captured:
        run = shell.run_cell(source, store_history=True)
    shown = None
    # a widget (the player) displays itself: a kernel saves that as display
    # data, which the comparison leaves aside, and a terminal shell would print
    # its repr into the JSON below
    if run.result is not None and not hasattr(run.result, "_ipython_display_"):
        shown = shell.display_formatter.format(run.result)[0].get("text/plain")
    error = run.error_in_exec or run.error_before_exec
    results.append({"stdout": captured.stdout, "shown": shown,
                    "error": None if error is None else f"{type(error).__name__}: {error}"})
json.dump(results, sys.stdout)
"""


def _oracle(module, framework):
    try:
        __import__(module)
    except ImportError as error:
        # CI installs real PyTorch and JAX (the JAX dialect's own tests need it too)
        if os.environ.get("CI", "").strip().lower() in ("true", "1", "yes"):
            pytest.fail(
                f"CI=true but {module} cannot be imported ({error}): the chapter's "
                f"code is checked against the real framework, so CI must install it"
            )
        pytest.skip(f"real {module} is not installed ({error}): no oracle for its tab")


def _chapter(framework, lang="en"):
    return next(t for t in build.plan(["01"]) if t.framework == framework and t.lang == lang)


def _real_cells(target, framework):
    """(index in the notebook, source with the real import) of each code cell that
    is the framework's code rather than our drawing."""
    _, swaps = REAL_IMPORTS[framework]
    cells = []
    for i, cell in enumerate(target.notebook.cells):
        if cell.cell_type != "code" or OURS.search(cell.source):
            continue
        source = cell.source
        for ours, real in swaps:
            source = source.replace(ours, real)
        assert "autograd_viz" not in source, (
            f"{target.label} cell {i} needs autograd_viz beyond its import line:\n{cell.source}"
        )
        cells.append((i, source))
    return cells


def run_cells(sources, env, python=sys.executable, cwd="/", timeout=600, runner=None):
    """Each source run as a cell in a fresh interpreter ``python`` by ``runner``
    (RUNNER: an IPython shell): [{stdout, shown, error}, ...]."""
    done = subprocess.run(
        [python, "-c", runner or RUNNER],
        input=json.dumps(sources),
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        cwd=cwd,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def real_environment(**extra):
    """This environment without PYTHONPATH (the real frameworks, not a checkout's
    autograd_viz), on the CPU."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(JAX_PLATFORMS="cpu", **extra)
    return env


def _run_for_real(sources):
    return run_cells(sources, real_environment(), timeout=300)


def _saved_text(cell):
    stdout = "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")
    shown = [
        o["data"].get("text/plain")
        for o in cell.outputs
        if o.get("output_type") == "execute_result"
    ]
    return stdout, (shown[0] if shown else None)


@pytest.mark.parametrize("framework", sorted(REAL_IMPORTS))
def test_chapter_code_runs_on_the_real_framework(framework):
    module, _ = REAL_IMPORTS[framework]
    _oracle(module, framework)
    target = _chapter(framework)
    cells = _real_cells(target, framework)
    assert len(cells) >= 15, f"only {len(cells)} framework cells found in {target.label}"
    results = _run_for_real([source for _, source in cells])
    checks = 0
    for (i, source), got in zip(cells, results):
        assert got["error"] is None, (
            f"{target.label} cell {i} fails on real {module}: {got['error']}\n{source}"
        )
        last = source.strip().splitlines()[-1]
        if " == " in last and not last.lstrip().startswith(("#", "assert")):
            checks += 1
            assert got["shown"] and "False" not in got["shown"] and "True" in got["shown"], (
                f"{target.label} cell {i}: on real {module} `{last}` gives {got['shown']}"
            )
    assert checks >= 4, f"{target.label}: only {checks} `==` checks ran"


@pytest.mark.parametrize("framework", sorted(REAL_IMPORTS))
def test_saved_chapter_prints_what_the_real_framework_prints(framework):
    module, _ = REAL_IMPORTS[framework]
    _oracle(module, framework)
    target = _chapter(framework)
    saved = nbformat.read(target.path, as_version=4)
    cells = _real_cells(target, framework)
    results = _run_for_real([source for _, source in cells])
    compared, differ = 0, []
    for (i, source), got in zip(cells, results):
        if RANDOM.search(source) or got["error"]:
            continue  # other generators give other numbers; errors: the test above
        stdout, shown = _saved_text(saved.cells[i])
        compared += 1
        if (stdout, shown) != (got["stdout"], got["shown"]):
            differ.append(
                f"cell {i}:\n{source}\n--- saved (autograd_viz) ---\n{stdout}{shown}"
                f"\n--- real {module} ---\n{got['stdout']}{got['shown']}"
            )
    assert compared >= 10, f"{target.label}: only {compared} cells compared"
    assert not differ, f"{target.label}: the dialect prints differently:\n" + "\n\n".join(differ)
