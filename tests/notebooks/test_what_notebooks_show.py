"""What the saved notebooks show, read from their outputs (not only that
they match their sources or that they run).

* Every diagram has operations, except where the text before it says the
  value is a single box; where the text speaks of the operations of the
  backward pass, the diagram shows them (its legend names the nodes a
  backward pass recorded).
* Every gradient a notebook printed is what the engine computes now: each
  notebook's code runs again (in a fresh IPython, as a kernel would) and
  every cell that shows a gradient must show what was saved.
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
from test_real_frameworks import RANDOM, _saved_text, run_cells  # noqa: E402

from autograd_viz.i18n import t  # noqa: E402

SAVED = sorted(build.NOTEBOOKS.glob("*/*.ipynb"))
DIAGRAM = re.compile(r"<autograd_viz diagram: (\d+) nodes, (\d+) ops")
# what the text says before a diagram that has no operation, and before one
# that shows a backward pass's own operations
SINGLE_BOX = {"en": "is a single box", "vi": "chỉ là một ô duy nhất"}
BACKWARD_OPS = {
    "en": "operations of the backward pass",
    "vi": "phép toán của lượt lan truyền ngược",
}


def _lang(path):
    return path.parent.name


def _diagrams(nb):
    """(cell index, the markdown before it, ops, the SVG) of each diagram shown."""
    text = ""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            text = " ".join(cell.source.split())
            continue
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            found = DIAGRAM.search(data.get("text/plain", ""))
            if found:
                yield i, text, int(found.group(2)), data.get("image/svg+xml", "")


@pytest.mark.parametrize("path", SAVED, ids=[f"{p.parent.name}/{p.name}" for p in SAVED])
def test_every_diagram_shows_the_operations_its_text_speaks_of(path):
    nb = nbformat.read(path, as_version=4)
    lang = _lang(path)
    legend = t("legend_backward", lang)
    for i, text, ops, svg in _diagrams(nb):
        where = f"{path.parent.name}/{path.name} cell {i}"
        if SINGLE_BOX[lang] in text:
            assert ops == 0, f"{where}: the text says a single box, the diagram has {ops} ops"
            continue
        assert ops > 0, f"{where}: a graph with no operation under the text: {text[-120:]!r}"
        if BACKWARD_OPS[lang] in text:
            # the SVG wraps long lines: look for the legend's first words
            assert legend.split("(")[0].strip()[:40] in svg, (
                f"{where}: the text promises the backward pass's operations, the diagram shows none"
            )


GRADIENT = re.compile(r"\bgrad\b|\bgrad\(|gradients?\(|\.grad\b|jacobian|hessian|jvp|vjp")


def _run(sources):
    return run_cells(sources, build.kernel_environment(), cwd=str(REPO))


CHAPTERS = [p for p in SAVED if not p.name.startswith(("03_", "04_"))]


@pytest.mark.slow
@pytest.mark.parametrize("path", CHAPTERS, ids=[f"{p.parent.name}/{p.name}" for p in CHAPTERS])
def test_every_gradient_a_notebook_prints_is_the_engines(path):
    """The exercise notebooks (03, 04) run checks in child processes and are
    covered by their own tests; the others run again here, cell by cell."""
    nb = nbformat.read(path, as_version=4)
    cells = [(i, c.source) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    results = _run([source for _, source in cells])
    compared, differ = 0, []
    for (i, source), got in zip(cells, results):
        assert got["error"] is None, f"{path.name} cell {i} fails now: {got['error']}"
        if not GRADIENT.search(source) or RANDOM.search(source):
            continue
        stdout, shown = _saved_text(nb.cells[i])
        if shown is not None and DIAGRAM.search(shown):
            continue  # a drawing: the test above reads it
        compared += 1
        if (stdout, shown) != (got["stdout"], got["shown"]):
            differ.append(
                f"cell {i}:\n{source}\n--- saved ---\n{stdout}{shown}\n"
                f"--- the engine now ---\n{got['stdout']}{got['shown']}"
            )
    assert compared >= 1, f"{path.name}: no gradient cell compared"
    assert not differ, f"{path.name} shows gradients the engine no longer computes:\n" + (
        "\n\n".join(differ)
    )
