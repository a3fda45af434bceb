"""The Vietnamese notebooks' code cells in JupyterLab started as `make lab` starts
it: every Vietnamese letter of a comment or string is drawn whole, the code
stays monospace, and English code cells are drawn in the code font alone.

JupyterLab's code font on Linux, DejaVu Sans Mono, lacks 46 Vietnamese letters
(ả ấ ủ …) but has their base letters and marks, so Chromium draws them with a
detached accent; jupyter/custom/custom.css, which tools/lab.py has JupyterLab
load, gives those letters a font that has them.

CodeMirror owns the editor's DOM (a probe added inside it would be read as
typing), so each code line holding Vietnamese letters is checked through a
twin outside the editor: the same text in spans with the computed font of
each piece of the line, which check_fonts (tests/browser_fonts.py) draws
letter by letter.  That the twins stand for the real lines is checked too:
the fonts Chromium reports for the real lines include every font the twins'
letters were drawn with.  Screenshots of a code cell with a Vietnamese
comment, light and dark theme, land in test-output/screenshots.
"""

from __future__ import annotations

import re
import shutil

import nbformat
import pytest
from browser_fonts import check_fonts, platform_fonts
from browser_support import (
    PANEL,
    REPO,
    jupyterlab_server,
    keep_screenshot,
    notebook_page,
    open_notebook,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOK = "03_exercises.ipynb"  # the most Vietnamese comments of all
SHOWN = 6  # its code cell "# ===== LỜI GIẢI MẪU: ..." (cell index in the notebook)
# letters Vietnamese adds beyond Latin-1 (the ranges custom.css names)
VIETNAMESE = re.compile(
    "[\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169\u01a0\u01a1\u01af\u01b0\u1ea0-\u1ef9]"
)

# twins of the code lines of the cell marked data-avz-cell, outside CodeMirror
_TWINS_JS = r"""
(cell) => {
  const host = document.createElement("div");
  host.setAttribute("data-avz-twins", "");
  host.style.cssText = "position: absolute; left: 0; top: 0; white-space: pre; z-index: -1";
  document.body.appendChild(host);
  const lines = document.querySelectorAll(`[data-avz-cell='${cell}'] .cm-content .cm-line`);
  const texts = [];
  for (const line of lines) {
    if (!/[^\x00-\x7f]/.test(line.textContent)) { continue; }
    const twin = document.createElement("div");
    twin.className = "avz-twin";
    const lang = line.closest("[lang]");
    if (lang) { twin.setAttribute("lang", lang.getAttribute("lang")); }
    const walk = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
    for (let t = walk.nextNode(); t; t = walk.nextNode()) {
      const cs = getComputedStyle(t.parentElement);
      const span = document.createElement("span");
      for (const p of ["fontFamily", "fontWeight", "fontStyle", "fontStretch", "fontSize",
                       "fontVariant", "fontFeatureSettings", "fontSynthesis"]) {
        span.style[p] = cs[p];
      }
      span.textContent = t.data;
      twin.appendChild(span);
    }
    host.appendChild(twin);
    texts.push(line.textContent);
  }
  return texts;
}
"""

# the advance of each ASCII character of the cell's code lines, measured on the
# real text (a Range reads the layout; nothing is added to the editor)
_ADVANCES_JS = r"""
(cell) => {
  const out = [];
  for (const line of document.querySelectorAll(`[data-avz-cell='${cell}'] .cm-line`)) {
    const walk = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
    for (let t = walk.nextNode(); t; t = walk.nextNode()) {
      for (let i = 0; i < t.data.length; i++) {
        const c = t.data[i];
        if (c < "!" || c > "~") { continue; }
        const r = document.createRange();
        r.setStart(t, i);
        r.setEnd(t, i + 1);
        out.push([c, r.getBoundingClientRect().width]);
      }
    }
  }
  return out;
}
"""

# the elements of the cell's code lines that hold text themselves, in document order
_OWNERS = "[data-avz-cell='{i}'] .cm-line, [data-avz-cell='{i}'] .cm-line span"
_OWN_TEXT_JS = """
(sel) => [...document.querySelectorAll(sel)].map(e => [...e.childNodes]
  .filter(n => n.nodeType === 3).map(n => n.data).join(""))
"""


def _code_cells(path, vietnamese):
    """Indices of the code cells of the notebook at ``path`` whose source holds
    (or lacks) Vietnamese letters."""
    cells = nbformat.read(path, as_version=4).cells
    return [
        i
        for i, c in enumerate(cells)
        if c.cell_type == "code" and c.source and bool(VIETNAMESE.search(c.source)) == vietnamese
    ]


def _show(page, i):
    """Cell ``i`` scrolled into view (JupyterLab draws only the cells in view),
    marked data-avz-cell=i."""
    cell = page.locator(f"{PANEL} .jp-Cell").nth(i)
    cell.scroll_into_view_if_needed()
    cell.evaluate("(e, i) => e.setAttribute('data-avz-cell', i)", i)
    page.locator(f"[data-avz-cell='{i}'] .cm-line").first.wait_for()
    page.wait_for_timeout(200)
    return cell


def check_code_cell(page, i):
    """Problems of cell ``i``'s Vietnamese code lines (empty: all drawn whole),
    and the lines checked."""
    _show(page, i)
    texts = page.evaluate(_TWINS_JS, i)
    try:
        report = check_fonts(page, "[data-avz-twins] .avz-twin")
    finally:
        page.evaluate("() => document.querySelector('[data-avz-twins]').remove()")
    drawn = {o["text"] for o in report.drawn()}
    assert len(drawn) == len({t.strip()[:80] for t in texts}), (texts, drawn)
    problems = [f"cell {i}: {p}" for p in report.problems]
    # the twins stand for the real lines: the fonts the real lines were drawn
    # with include each font a twin's Vietnamese letter was drawn with
    selector = _OWNERS.format(i=i)
    real = set().union(*platform_fonts(page, selector))
    wanted = set().union(*(f for c, f in report.fonts.items() if VIETNAMESE.search(c)))
    assert wanted <= real, f"cell {i}: the real lines use {real}, the twins {wanted}"
    return problems, texts


def test_vietnamese_code_cells_are_drawn_whole_and_monospace(tmp_path):
    root = tmp_path / "nb"
    for lang in ("vi", "en"):
        (root / lang).mkdir(parents=True)
        shutil.copy(REPO / "notebooks" / lang / NOTEBOOK, root / lang / NOTEBOOK)
    with jupyterlab_server(tmp_path, root, as_make_lab=True) as (base, token):
        with notebook_page(base, token, f"vi/{NOTEBOOK}", tmp_path) as (page, console):
            assert page.evaluate(
                "() => [...document.styleSheets].some(s => (s.href || '').endsWith("
                "'/custom/custom.css') && s.cssRules.length > 0)"
            ), "JupyterLab did not load custom/custom.css"
            cells = _code_cells(root / "vi" / NOTEBOOK, vietnamese=True)
            assert SHOWN in cells and len(cells) >= 10, cells
            problems, checked = [], []
            for i in cells:
                found, texts = check_code_cell(page, i)
                problems += found
                checked += texts
            assert sum(bool(VIETNAMESE.search(t)) for t in checked) >= 10, checked
            if problems:
                _shoot(page, tmp_path, SHOWN, "vi_code_cell_failure.png")
            assert not problems, "\n".join(problems)

            # monospace: every ASCII character of the code has one advance
            advances = page.evaluate(_ADVANCES_JS, SHOWN)
            # (Chromium places glyphs on a 1/64 px grid: equal advances differ by that)
            widths = [w for _, w in advances]
            assert len(advances) > 100 and max(widths) - min(widths) < 0.05, sorted(
                {(c, round(w, 3)) for c, w in advances}, key=lambda cw: cw[1]
            )

            _shoot(page, tmp_path, SHOWN, "vi_jupyterlab_code_cell_light.png")
            _dark_theme(page)
            _shoot(page, tmp_path, SHOWN, "vi_jupyterlab_code_cell_dark.png")

            # English code: drawn in the code font alone, as before
            open_notebook(page, base, token, f"en/{NOTEBOOK}", tmp_path, console)
            english = _code_cells(root / "en" / NOTEBOOK, vietnamese=False)[:6]
            assert english
            fonts = set()
            for i in english:
                _show(page, i)
                fonts |= set().union(*platform_fonts(page, _OWNERS.format(i=i)))
            code_font = page.evaluate(
                "() => getComputedStyle(document.documentElement)"
                ".getPropertyValue('--jp-code-font-family-default')"
            )
            assert len(fonts) == 1 and next(iter(fonts)) in code_font, (fonts, code_font)


def _dark_theme(page):
    page.locator(".lm-MenuBar-itemLabel", has_text="Settings").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Theme").first.hover()
    page.locator(".lm-Menu-itemLabel", has_text="JupyterLab Dark").first.click()
    page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'")
    page.wait_for_timeout(1000)


def _shoot(page, tmp_path, i, name):
    cell = _show(page, i)
    page.mouse.move(0, 0)
    shot = tmp_path / name
    cell.screenshot(path=str(shot))
    keep_screenshot(shot, name)
