"""The notebooks' sources (notebooks/src/{en,vi}/*.md) and what the build makes of them.

* Each Vietnamese source has the same cells as its English twin: same count,
  kinds, framework tabs, tags and `needs`, and the same code once comments and
  the ``LANG = ...`` line are set aside; its markdown is translated, and
  translates the English text as it is now (each Vietnamese markdown cell keeps
  a hash of the English text it was translated from).  A failure
  names the first cell that differs, so a teacher who edited the English source
  knows which Vietnamese cell to update.
* Framework tabs: every per-framework notebook holds only its own framework's
  code, with no ``%%tab`` line left; an unknown tab is an error naming the cell.
* The saved notebooks/{en,vi}/*.ipynb are exactly what the sources make (cell
  kinds, text and tags; outputs aside), and a framework notebook whose dialect
  does not import yet is reported as not built rather than silently missing.
"""

from __future__ import annotations

import io
import re
import sys
import tokenize
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))
import build_notebooks as build  # noqa: E402

LANG_LINE = re.compile(r'^LANG = "(en|vi)".*$', re.M)
VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệịỉĩọỏốồổỗộớờởỡợụủứừửữựỳỷỹý]")
DIALECT_IMPORTS = {
    "pytorch": "autograd_viz.torch",
    "tensorflow": "autograd_viz.tf",
    "mxnet": "autograd_viz.mxnet",
    "jax": "autograd_viz.jax",
}

SOURCES = build.sources()
NAMES = sorted({p.name for paths in SOURCES.values() for p in paths})
PLAN = build.plan()


def _rel(path):
    return str(Path(path).relative_to(REPO))


# ------------------------------------------------------------ en and vi in step


def code_only(source):
    """The code without comments, blank lines or the LANG line."""
    source = LANG_LINE.sub('LANG = "*"', source)
    tokens = [
        t
        for t in tokenize.generate_tokens(io.StringIO(source + "\n").readline)
        if t.type != tokenize.COMMENT
    ]
    text = tokenize.untokenize(tokens)
    return "\n".join(line.rstrip() for line in text.splitlines() if line.strip())


def cell_lines(path, nb):
    """The line of the source file where each cell's text starts (None if not found)."""
    text = Path(path).read_text(encoding="utf-8")
    lines, at = [], 0
    for cell in nb.cells:
        first = next((ln for ln in cell.source.splitlines() if ln.strip()), None)
        found = text.find(first, at) if first else -1
        lines.append(None if found < 0 else text.count("\n", 0, found) + 1)
        at = found + len(first) if found >= 0 else at
    return lines


def _describe(nb, i, path, lines):
    cell = nb.cells[i]
    line = f"line {lines[i]}" if lines[i] else "line ?"
    tabs, body = build.tab_of(cell)
    first = next((ln for ln in body.splitlines() if ln.strip()), "")[:70]
    tab = "" if tabs is None else f"%%tab {', '.join(tabs)}, "
    return f"{_rel(path)} cell {i} ({cell.cell_type}, {tab}{line}: {first!r})"


def first_difference(en_path, en, vi_path, vi):
    """None when the Vietnamese source matches the English one, else a message
    naming the first cell that differs and what to do."""
    en_lines, vi_lines = cell_lines(en_path, en), cell_lines(vi_path, vi)
    for i, (a, b) in enumerate(zip(en.cells, vi.cells)):
        where = f"{_describe(en, i, en_path, en_lines)}\n  vs {_describe(vi, i, vi_path, vi_lines)}"
        tab_a, body_a = build.tab_of(a)
        tab_b, body_b = build.tab_of(b)
        problem = None
        if a.cell_type != b.cell_type:
            problem = "the cell kinds differ: a cell was added, removed or moved"
        elif tab_a != tab_b:
            problem = f"the framework tabs differ ({tab_a} vs {tab_b})"
        elif a.metadata.get("tags", []) != b.metadata.get("tags", []):
            problem = "the tags differ"
        elif a.cell_type == "code":
            if code_only(body_a) != code_only(body_b):
                problem = "the code differs (comments and the LANG line aside)"
            elif LANG_LINE.findall(body_b) not in ([], ["vi"]):
                problem = 'the Vietnamese cell must set LANG = "vi"'
            elif LANG_LINE.findall(body_a) not in ([], ["en"]):
                problem = 'the English cell must set LANG = "en"'
        elif a.source == b.source:
            problem = "the Vietnamese text is the English text: translate it"
        elif not VIETNAMESE.search(b.source.lower()):
            problem = "the Vietnamese text has no Vietnamese letters"
        elif b.metadata.get(build.TRANSLATION_KEY) != build.fingerprint(a.source):
            name = Path(en_path).stem
            problem = (
                "the English text changed since this cell was translated: translate "
                f"the change, then run `python tools/build_notebooks.py --translated "
                f"{name}` to record it"
            )
        if problem:
            return (
                f"{where}\n{problem}; update the Vietnamese cell.\n"
                f"--- en ---\n{a.source}\n--- vi ---\n{b.source}"
            )
    if len(en.cells) != len(vi.cells):
        longer, path, lines = (
            (en, en_path, en_lines) if len(en.cells) > len(vi.cells) else (vi, vi_path, vi_lines)
        )
        i = min(len(en.cells), len(vi.cells))
        return (
            f"{_rel(en_path)} has {len(en.cells)} cells, {_rel(vi_path)} has "
            f"{len(vi.cells)}; the first unmatched one is "
            f"{_describe(longer, i, path, lines)}:\n{longer.cells[i].source}"
        )
    return None


def test_every_source_has_a_twin_in_the_other_language():
    for lang in build.LANGS:
        have = {p.name for p in SOURCES[lang]}
        assert have == set(NAMES), f"notebooks/src/{lang}/ lacks {sorted(set(NAMES) - have)}"
    assert len(NAMES) >= 4, NAMES


@pytest.mark.parametrize("name", NAMES)
def test_vietnamese_source_has_the_same_cells_as_the_english(name):
    en_path, vi_path = (build.SOURCES / lang / name for lang in build.LANGS)
    en, vi = build.read_source(en_path), build.read_source(vi_path)
    problem = first_difference(en_path, en, vi_path, vi)
    assert problem is None, problem


def _chapter_pair():
    en_path, vi_path = (build.SOURCES / lang / "01_autograd_chapter.md" for lang in build.LANGS)
    return en_path, build.read_source(en_path), vi_path, build.read_source(vi_path)


def _code_index(nb, containing):
    return next(
        i for i, c in enumerate(nb.cells) if c.cell_type == "code" and containing in c.source
    )


def test_parity_check_names_the_english_cell_a_teacher_edited():
    en_path, en, vi_path, vi = _chapter_pair()
    i = _code_index(en, "y.sum().backward()        #")
    en.cells[i].source = en.cells[i].source.replace("y.sum().backward()", "y.mean().backward()")
    problem = first_difference(en_path, en, vi_path, vi)
    assert problem and f"cell {i} " in problem and "the code differs" in problem, problem
    assert re.search(rf"cell {i} \(code, %%tab pytorch, line \d+: 'x.grad.zero_\(\)'", problem), (
        problem
    )


def test_parity_check_ignores_comments_and_the_lang_line_only():
    en_path, en, vi_path, vi = _chapter_pair()
    i = _code_index(en, 'LANG = "en"')
    assert first_difference(en_path, en, vi_path, vi) is None
    vi.cells[i].source += "  # một chú thích khác"
    assert first_difference(en_path, en, vi_path, vi) is None
    vi.cells[i].source = vi.cells[i].source.replace('LANG = "vi"', 'LANG = "en"')
    assert 'must set LANG = "vi"' in first_difference(en_path, en, vi_path, vi)


def test_parity_check_names_an_added_cell_and_an_untranslated_one():
    en_path, en, vi_path, vi = _chapter_pair()
    n = len(en.cells)
    en.cells.append(nbformat.v4.new_markdown_cell("A new closing remark."))
    problem = first_difference(en_path, en, vi_path, vi)
    assert problem and f"cell {n} " in problem and "A new closing remark." in problem, problem
    en.cells.pop()
    j = next(i for i, c in enumerate(vi.cells) if c.cell_type == "markdown" and i > 5)
    vi.cells[j].source = en.cells[j].source
    assert f"cell {j} " in first_difference(en_path, en, vi_path, vi)


def test_parity_check_names_a_translation_the_english_text_has_left_behind():
    en_path, en, vi_path, vi = _chapter_pair()
    j = next(
        i
        for i, c in enumerate(en.cells)
        if c.cell_type == "markdown" and c.source.startswith("## 5.")
    )
    en.cells[j].source += "\n\nA sentence a teacher just added."
    problem = first_difference(en_path, en, vi_path, vi)
    assert problem and f"cell {j} " in problem and "--translated 01_autograd_chapter" in problem
    vi.cells[j].metadata[build.TRANSLATION_KEY] = build.fingerprint(en.cells[j].source)
    assert first_difference(en_path, en, vi_path, vi) is None
    en.cells[j].source = en.cells[j].source.replace("\n\n", "\n")  # re-wrapped only
    assert first_difference(en_path, en, vi_path, vi) is None


def test_parity_check_compares_tabs():
    en_path, en, vi_path, vi = _chapter_pair()
    i = _code_index(en, "%%tab mxnet\nx = np.arange(4.0)")
    vi.cells[i].source = vi.cells[i].source.replace("%%tab mxnet", "%%tab mxnet, jax")
    assert "tabs differ" in first_difference(en_path, en, vi_path, vi)


# ------------------------------------------------------------ framework tabs


def _source(*cells):
    nb = nbformat.v4.new_notebook()
    for kind, text, meta in cells:
        cell = (nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell)(
            text
        )
        cell.metadata.update(meta)
        nb.cells.append(cell)
    return nb


def test_tabs_split_a_source_into_one_notebook_per_framework():
    nb = _source(
        ("markdown", "# Title", {}),
        ("code", "%%tab pytorch\nimport autograd_viz.torch as torch", {}),
        ("code", "%%tab tensorflow, mxnet\nshared_by_two = 1", {"tags": ["t"]}),
        ("markdown", "%%tab mxnet\nOnly *MXNet* readers see this.", {}),
        ("code", "%%tab all\nfor_everyone = 2", {}),
        ("code", "also_everyone = 3", {}),
    )
    assert build.frameworks_of(nb) == ["pytorch", "tensorflow", "mxnet"]
    made = {fw: build.generate(nb, "en", fw) for fw in build.frameworks_of(nb)}
    sources = {fw: [c.source for c in out.cells] for fw, out in made.items()}
    assert sources["pytorch"] == [
        "# Title",
        "import autograd_viz.torch as torch",
        "for_everyone = 2",
        "also_everyone = 3",
    ]
    assert sources["tensorflow"] == [
        "# Title",
        "shared_by_two = 1",
        "for_everyone = 2",
        "also_everyone = 3",
    ]
    assert sources["mxnet"] == [
        "# Title",
        "shared_by_two = 1",
        "Only *MXNet* readers see this.",
        "for_everyone = 2",
        "also_everyone = 3",
    ]
    assert made["mxnet"].cells[1].metadata["tags"] == ["t"]
    assert [c["id"] for c in made["mxnet"].cells] == [f"en-mxnet-{i:03d}" for i in range(5)]


def test_an_unknown_tab_names_the_cell_and_the_known_tabs():
    nb = _source(("code", "x = 1", {}), ("code", "%%tab pytroch\nx = 2", {}))
    with pytest.raises(build.SourceError, match=r"demo\.md cell 1: `%%tab pytroch`.*pytorch"):
        build.frameworks_of(nb, "demo.md")


@pytest.mark.parametrize("target", [pytest.param(t, id=t.label) for t in PLAN if t.framework])
def test_a_framework_notebook_holds_only_its_own_framework(target):
    code = "\n".join(c.source for c in target.notebook.cells if c.cell_type == "code")
    assert "%%tab" not in "\n".join(c.source for c in target.notebook.cells), target.label
    assert DIALECT_IMPORTS[target.framework] in code, (
        f"{target.label} never imports {DIALECT_IMPORTS[target.framework]}"
    )
    others = [m for fw, m in DIALECT_IMPORTS.items() if fw != target.framework and m in code]
    assert not others, f"{target.label} imports other dialects too: {others}"


def test_the_chapter_exists_once_per_framework_in_both_languages():
    chapter = {(t.lang, t.framework) for t in PLAN if t.name.startswith("01_autograd_chapter")}
    assert chapter == {(lang, fw) for lang in build.LANGS for fw in build.FRAMEWORKS}


# ------------------------------------------------------------ the saved files

BUILT = PLAN


@pytest.mark.parametrize("target", [pytest.param(t, id=t.label) for t in BUILT])
def test_saved_notebook_matches_its_source(target):
    why = build.stale(target)
    assert why is None, (
        f"{target.label} is stale against {_rel(target.source)} ({why}): run `make notebooks`"
    )


def test_no_saved_notebook_lacks_a_source():
    made = {t.path for t in BUILT}
    strays = [
        _rel(p)
        for p in sorted(build.NOTEBOOKS.glob("*/*.ipynb"))
        if p.parent.name in build.LANGS and p not in made
    ]
    assert not strays, f"saved notebooks no source makes (remove them or add a source): {strays}"


FRAMEWORK_TARGETS = [t for t in PLAN if t.framework]


@pytest.mark.parametrize("target", [pytest.param(t, id=t.label) for t in FRAMEWORK_TARGETS])
def test_every_framework_notebook_is_saved(target):
    assert target.path.exists(), f"{target.label}: run `make notebooks` to save it"


def test_links_between_notebooks_lead_to_notebooks_the_build_makes():
    names = {t.name + ".ipynb" for t in PLAN}
    for target in PLAN:
        for cell in target.notebook.cells:
            if cell.cell_type != "markdown":
                continue
            for link in re.findall(r"\]\(([^)#\s]+\.ipynb)\)", cell.source):
                assert link in names, f"{target.label} links to {link}, which no source makes"
