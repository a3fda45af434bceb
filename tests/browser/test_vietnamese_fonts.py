"""Vietnamese letters are drawn whole, never with a detached accent, in Chromium.

A font that lacks a precomposed letter such as ế but has e, the circumflex and
the combining acute makes the browser draw the decomposed sequence with it: the
second mark lands beside the letter ("đêń").  So for every element of our
output holding a non-ASCII letter, Chromium is asked (DevTools
``CSS.getPlatformFontsForNode``) which fonts it really drew the element's text
with, and each such letter must be in the character map of one of them.

* In JupyterLab (the class's setting, with JupyterLab's own fonts around our
  output): a Vietnamese step-through on a backward frame, its diagram, the
  drawn graph, a failed exercise's feedback, the quiz, the hand-tracing widget
  and the two modes compared.
* The self-contained HTML player, and our HTML fragments placed inside an
  element whose font is DejaVu Sans Mono (JupyterLab's code font on Linux, the
  font that broke the panel): they must not inherit it.

The checker itself is checked: text set in DejaVu Sans Mono is reported.
Screenshots of the Vietnamese backward frame land in test-output/screenshots.
"""

from __future__ import annotations

import functools
import unicodedata

import nbformat
import pytest
from browser_support import (
    chromium_path,
    jupyterlab_server,
    keep_screenshot,
    launch_chromium,
    notebook_page,
    run_all_cells,
    sync_playwright,
)
from font_files import characters, installed

pytestmark = [pytest.mark.browser]

# every element whose own text holds a letter outside ASCII gets this attribute
MARK = "data-avz-letters"
_MARK_JS = """(root) => {
  const out = [];
  const walk = (el) => {
    if (["title", "desc", "style", "script"].includes(el.localName)) return;  // never drawn
    const own = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.data).join("");
    if (/[^\\x00-\\x7f]/.test(own)) { el.setAttribute("MARK", out.length); out.push(own); }
    for (const c of el.children) walk(c);
  };
  for (const r of document.querySelectorAll(root)) walk(r);
  return out;
}""".replace("MARK", MARK)


def letters(text):
    """The letters of ``text`` a font must hold itself (precomposed, non-ASCII)."""
    text = unicodedata.normalize("NFC", text)
    return {c for c in text if ord(c) > 127 and unicodedata.category(c).startswith("L")}


@functools.cache
def _font_files():
    """PostScript name or family name -> font file."""
    files = {}
    for ps, families, path in installed() or ():
        for name in [ps, *families]:
            files.setdefault(name, path)
    return files


def font_problems(page, roots):
    """[sentence] for every element under ``roots`` (a CSS selector) that Chromium
    drew with fonts lacking one of its letters; also the number of such elements drawn."""
    texts = page.evaluate(_MARK_JS, roots)
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    problems, drawn = [], 0
    for k, text in enumerate(texts):
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": f"[{MARK}='{k}']"})
        used = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
        if not used:  # nothing drawn (display: none): nothing to misdraw
            continue
        drawn += 1
        covered = set()
        for font in used:
            path = _font_files().get(font["postScriptName"]) or _font_files().get(
                font["familyName"]
            )
            assert path, f"fontconfig does not list the font Chromium used: {font}"
            covered |= characters(path)
        missing = sorted(letters(text) - covered)
        if missing:
            names = ", ".join(f["familyName"] for f in used)
            problems.append(
                f"{text.strip()[:70]!r} is drawn in {names}, which lacks "
                f"{''.join(missing)}: the browser draws those letters with a detached accent"
            )
    cdp.detach()
    return problems, drawn


def icon_fonts(page, selector):
    """[[family, ...] per element]: the fonts Chromium drew each icon element with."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    nodes = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": selector})["nodeIds"]
    out = []
    for node in nodes:
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        out.append([f["familyName"] for f in fonts])
    cdp.detach()
    return out


# -- the checker itself -------------------------------------------------------------


@pytest.fixture
def page():
    # one browser per test: playwright's sync API cannot nest, and the JupyterLab
    # test below starts its own
    chromium_path()
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            yield browser.new_page(viewport={"width": 1100, "height": 900})
        finally:
            browser.close()


def test_the_checker_reports_a_font_without_the_vietnamese_letters(page):
    page.set_content(
        "<div class='t' style='font-family: DejaVu Sans Mono, monospace'>"
        "Quy tắc dây chuyền: gradient đến v1</div>"
        "<div class='t' style='font-family: DejaVu Sans'>Quy tắc dây chuyền</div>"
    )
    problems, seen = font_problems(page, ".t")
    assert seen == 2
    assert len(problems) == 1 and "DejaVu Sans Mono" in problems[0] and "ắ" in problems[0]


# -- our HTML, also inside an element set in JupyterLab's Linux code font --------------

HOSTILE = "font-family: DejaVu Sans Mono, monospace"


def _vietnamese_outputs():
    """(name, HTML) of every kind of output we make, in Vietnamese."""
    import autograd_viz as av
    from autograd_viz.exercises import autograd_chapter as ch
    from autograd_viz.exercises.quiz import GradientQuiz
    from autograd_viz.render.style import FONT_CSS

    x = av.tensor(2.0, requires_grad=True, name="lớp_ẩn")
    y = av.tensor(3.0, requires_grad=True, name="y")
    L = (x * y + x) * y
    L.backward()
    steps = av.step_through(L, lang="vi")
    back = [f for f in steps.frames if f.kind == "backward"][-1]

    def wrong(x):
        x.requires_grad_()
        y = av.sin(x)
        y.sum().backward()
        return y.detach(), x.grad * 1.5

    result = ch.ex5.check(wrong, lang="vi")
    assert not result
    quiz = GradientQuiz(seed=3, lang="vi")
    return [
        ("stylesheet", f"<style>{FONT_CSS}</style>"),
        (
            "backward frame",
            f"<div class='avz-step'>{back.svg[back.svg.find('<svg') :]}{back.html}</div>",
        ),
        ("static step-through", steps._repr_mimebundle_()["text/html"]),
        ("diagram", av.draw(L, lang="vi").svg),
        ("exercise feedback", result._repr_html_()),
        ("quiz", quiz._repr_mimebundle_()["text/html"]),
        ("quiz header", quiz.widget.children[0].value),
    ]


def test_our_html_keeps_its_font_inside_a_monospace_page(page):
    parts = _vietnamese_outputs()
    body = "".join(f"<section data-part='{name}'>{html}</section>" for name, html in parts)
    page.set_content(f"<html lang='vi'><body><div style='{HOSTILE}'>{body}</div></body></html>")
    problems, seen = font_problems(page, "section")
    assert seen >= 20, f"only {seen} elements with Vietnamese text were found"
    assert not problems, "\n".join(problems)


def test_the_html_player_draws_every_vietnamese_letter(page, tmp_path):
    import autograd_viz as av

    x = av.tensor(2.0, requires_grad=True, name="x")
    y = av.tensor(3.0, requires_grad=True, name="y")
    L = (x * y + x) * y
    L.backward()
    steps = av.step_through(L, lang="vi")
    path = steps.to_html(tmp_path / "player.html")
    page.goto(path.as_uri())
    for _ in range(len(steps.frames) - 1):  # to the last backward frame
        page.click("#avz-next")
    problems, seen = font_problems(page, "body")
    assert seen >= 5
    assert not problems, "\n".join(problems)
    shot = tmp_path / "player_vi.png"
    page.screenshot(path=str(shot), full_page=True)
    keep_screenshot(shot, "vi_player_backward.png")


# -- in JupyterLab -------------------------------------------------------------------

CELLS = [
    """import autograd_viz as av
from autograd_viz.exercises import autograd_chapter as ch
from autograd_viz.exercises.quiz import GradientQuiz
av.set_lang("vi")
x = av.tensor(2.0, requires_grad=True, name="lớp_ẩn")
y = av.tensor(3.0, requires_grad=True, name="y")
L = (x * y + x) * y
L.backward()""",
    """steps = av.step_through(L)
steps.index = len(steps.frames) - 1   # the backward frame where both uses add up
steps""",
    "av.draw(L)",
    """def sin_and_slope(x):
    x.requires_grad_()
    y = av.sin(x)
    y.sum().backward()
    return y.detach(), x.grad * 1.5
ch.ex5.check(sin_and_slope)""",
    "GradientQuiz(seed=3)",
    "ch.manual_tracing.widget()",
    "av.compare_modes(lambda t: av.sin(t * av.tensor([1.0, 2.0, 3.0])), 0.5)",
]


@pytest.mark.slow
def test_jupyterlab_draws_every_vietnamese_letter_of_our_outputs(tmp_path):
    chromium_path()
    root = tmp_path / "nb"
    root.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in CELLS]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, root / "vietnamese.ipynb")
    with jupyterlab_server(tmp_path, root) as (base, token):
        with notebook_page(base, token, "vietnamese.ipynb", tmp_path) as (page, console):
            run_all_cells(page, console, tmp_path, timeout_ms=120_000)
            for selector in (".avz-step svg", ".av-result", ".avz-quiz", ".avz-step .avz-text"):
                page.wait_for_selector(selector, timeout=60_000)
            page.wait_for_timeout(500)
            problems, seen = font_problems(page, ".jp-OutputArea-output")
            icons = icon_fonts(page, ".avz-step .widget-play i")
            widget = page.locator(".avz-step").first
            widget.scroll_into_view_if_needed()
            shot = tmp_path / "jupyterlab_vi_backward.png"
            widget.screenshot(path=str(shot))
            keep_screenshot(shot, "vi_jupyterlab_backward_frame.png")
            feedback = tmp_path / "jupyterlab_vi_feedback.png"
            page.locator(".av-result").first.screenshot(path=str(feedback))
            keep_screenshot(feedback, "vi_jupyterlab_exercise_failure.png")
    assert seen >= 40, f"only {seen} elements with Vietnamese text in the outputs\n{console}"
    assert not problems, "\n".join(problems)
    # our font rule must not take the icon font from the play/pause buttons' glyphs
    drawn = [fonts for fonts in icons if fonts]  # hidden buttons draw nothing
    assert drawn and all(any("Awesome" in f for f in fonts) for fonts in drawn), icons
