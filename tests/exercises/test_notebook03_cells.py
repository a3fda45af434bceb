"""The cells written for notebook 03 (docs/notebook03_new_cells.md) run in
order in both languages: every sample answer passes its check, every cell
tagged expected-fail fails it, and the English and Vietnamese cells are the
same code once comments are removed.  (Once the cells live in the notebook
source, tests/notebooks covers them and this test can go.)
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

from autograd_viz import exercises

pytestmark = pytest.mark.usefixtures("clean_engine_state")

CELLS = Path(__file__).resolve().parents[2] / "docs" / "notebook03_new_cells.md"
BLOCK = re.compile(r"^````markdown\n(.*?)^````$", re.M | re.S)
CODE_CELL = re.compile(r"^```\{code-cell\} ipython3\n(?::tags: \[([\w-]+)\]\n\n)?(.*?)^```$",
                       re.M | re.S)
CHECK = re.compile(r"^(ch|bp)\.\w+\.check\(", re.M)
SETUP = ("import autograd_viz as av\nfrom autograd_viz import exercises\n"
         "from autograd_viz.exercises import autograd_chapter as ch\nexercises.set_lang(LANG)\n")


def cells(lang):
    """The MyST block of one language as (kind, tag, source) cells, in order."""
    text = CELLS.read_text(encoding="utf-8")
    en, vi = text.split("\n## English\n", 1)[1].split("\n## Tiếng Việt\n", 1)
    block = BLOCK.search(en if lang == "en" else vi)[1]
    found, at = [], 0
    for m in CODE_CELL.finditer(block):
        prose = block[at:m.start()].strip()
        if prose:
            found.append(("markdown", None, prose))
        found.append(("python", m[1], m[2]))
        at = m.end()
    if block[at:].strip():
        found.append(("markdown", None, block[at:].strip()))
    return found


def without_comments(source):
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(source).readline)
              if t.type != tokenize.COMMENT]
    return "\n".join(line.rstrip() for line in tokenize.untokenize(tokens).splitlines()
                     if line.strip())


def test_english_and_vietnamese_cells_match():
    en, vi = cells("en"), cells("vi")
    assert [(k, t) for k, t, _ in en] == [(k, t) for k, t, _ in vi]
    for (kind, _, a), (_, _, b) in zip(en, vi):
        if kind == "python":
            assert without_comments(a) == without_comments(b)
        else:
            assert a != b            # translated


def run_cell(source, space):
    """Run a cell as Jupyter does: the value of a last expression is shown
    (returned here with its source); everything else is executed."""
    tree = ast.parse(source)
    last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    body = tree.body[:-1] if last is not None else tree.body
    exec(compile(ast.Module(body=body, type_ignores=[]), "<cell>", "exec"), space)
    if last is None:
        return None, None
    value = eval(compile(ast.Expression(last.value), "<cell>", "eval"), space)
    return value, ast.get_source_segment(source, last)


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_the_cells_run_and_the_checks_show_what_they_should(lang, monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    space = {"LANG": lang}
    exec(SETUP, space)
    verdicts = {"pass": 0, "fail": 0}
    try:
        for kind, tag, source in cells(lang):
            if kind != "python":
                continue
            shown, last = run_cell(source, space)
            if last is not None and CHECK.search(last):
                expect = tag != "expected-fail"
                assert bool(shown) is expect, f"{last}\n{shown}"
                assert shown.lang == lang
                verdicts["pass" if expect else "fail"] += 1
    finally:
        exercises.set_lang("en")
    assert verdicts == {"pass": 7, "fail": 3}
