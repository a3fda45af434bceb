"""Vietnamese letters are drawn whole, never with a detached accent, in Chromium.

A font that lacks a precomposed letter such as ế but has e, the circumflex and
the combining acute makes the browser draw the decomposed sequence with it: the
second mark lands beside the letter ("đêń").  tests/browser_fonts.py asks
Chromium which font drew each character of our output, one character at a
time, and checks that font holds it.  Everywhere our Vietnamese text appears:

* JupyterLab, live (the class's setting, JupyterLab's own fonts around our
  output): the step-through widget on a backward frame (diagram, controls,
  explanation), a frame displayed on its own (as notebooks 01, 02 and 05 show
  the chain rule), a diagram, a failed exercise's feedback, the two modes
  compared; in a second notebook the quiz and the hand-tracing widget, checked
  so their notes show (their stylesheet names the player's classes too, and
  would hide a player that lost its own font);
* the same notebooks saved (nbclient, with their widget state) and opened
  without running them: trusted (the widgets drawn from the saved state),
  trusted without widget state (the kernel-free copies play) and untrusted
  (the copies are pictures and words; each picture's SVG is checked as the
  document of its own it is); and nbconvert's HTML export (lab and classic)
  opened from disk with no network;
* the ``.to_html`` player on its last, backward frame;
* each of our outputs alone in a page whose font is DejaVu Sans Mono
  (JupyterLab's code font on Linux, the font that broke the panel), with
  scripts on and off: it must not inherit that font.

Every check also asserts which parts it found drawn, so a part that vanished
cannot pass unseen; the checker itself is checked first.  Screenshots of the
Vietnamese backward frame land in test-output/screenshots.
"""

from __future__ import annotations

import base64
import re
import subprocess
import sys
from urllib.parse import unquote

import nbformat
import player_page as pp
import pytest
from browser_fonts import check_fonts
from browser_support import (
    ConsoleLog,
    chromium_path,
    jupyterlab_server,
    keep_screenshot,
    launch_chromium,
    notebook_page,
    open_notebook,
    run_all_cells,
    sync_playwright,
)

pytestmark = [pytest.mark.browser]

OUTPUTS = ".jp-OutputArea-output, .output_subarea"  # JupyterLab / nbconvert lab, classic
# the parts of our output the checks below expect to find drawn
REGIONS = {
    "panel": ".avz-panel",
    "picture": ".avz-svgbox",
    "controls": ".avz-controls",
    "frame": ".avz-frame",
    "still": ".avz-still",
    "feedback": ".av-result",
    "quiz": ".avz-quiz",
    "svg": "svg",
}


# -- the checker itself -------------------------------------------------------------


@pytest.fixture
def browser():
    # one browser per test: playwright's sync API cannot nest, and the JupyterLab
    # tests below start their own
    chromium_path()
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser):
    return browser.new_page(viewport={"width": 1100, "height": 900})


MONO = "font-family: DejaVu Sans Mono, monospace"


def test_the_checker_reports_a_font_without_the_vietnamese_letters(page):
    # "Ǻ" is not in DejaVu Sans Mono: that element's other letters fall back to
    # another font, which the fonts reported for the whole element would hide
    page.set_content(
        f"<div class='t' style='{MONO}'>Quy tắc dây chuyền: gradient đến v1</div>"
        "<div class='t' style='font-family: DejaVu Sans'>Quy tắc dây chuyền</div>"
        f"<div class='t' style='{MONO}'>Ǻ nhiều lần</div>"
        f"<svg class='t' width='300' height='40'><text x='5' y='20' style='{MONO}'>"
        "cộng dồn</text></svg>"
        f"<div class='t' id='host'></div>"
        f"<select class='t' style='{MONO}'><option>Tiếp</option></select>"
        "<div class='t' style='display: none; font-family: monospace'>ẩn đi</div>"
    )
    page.evaluate(
        "s => { const r = document.getElementById('host').attachShadow({mode: 'open'});"
        " r.innerHTML = `<p style='${s}'>lớp ẩn</p>`; }",
        MONO,
    )
    report = check_fonts(page, ".t")
    shown = {o["text"] for o in report.drawn()}
    assert shown == {
        "Quy tắc dây chuyền: gradient đến v1",
        "Quy tắc dây chuyền",
        "Ǻ nhiều lần",
        "cộng dồn",
        "lớp ẩn",
        "Tiếp",
    }, shown
    blamed = {re.match(r"'(.*?)'", p).group(1) for p in report.problems}
    assert blamed == shown - {"Quy tắc dây chuyền"}, report.problems
    assert all("DejaVu Sans Mono" in p for p in report.problems)
    assert any("ắ is drawn" in p and "detached accent" in p for p in report.problems)
    assert any("ề is drawn" in p for p in report.problems if "nhiều" in p)
    assert page.locator("[data-avz-probe]").count() == 0, "the probes are removed"


# -- our HTML, also inside an element set in JupyterLab's Linux code font --------------


def vietnamese_examples():
    """The objects the notebook below shows, built here the same way, in Vietnamese."""
    import autograd_viz as av
    from autograd_viz.exercises import autograd_chapter as ch
    from autograd_viz.exercises.quiz import GradientQuiz

    x = av.tensor(2.0, requires_grad=True, name="lớp_ẩn")
    y = av.tensor(3.0, requires_grad=True, name="y")
    L = (x * y + x) * y
    L.backward()
    steps = av.step_through(L, lang="vi")
    steps.index = len(steps.frames) - 1

    def sin_and_slope(x):
        x.requires_grad_()
        y = av.sin(x)
        y.sum().backward()
        return y.detach(), x.grad * 1.5

    result = ch.ex5.check(sin_and_slope, lang="vi")
    assert not result
    quiz = GradientQuiz(seed=3, lang="vi")
    tracing = ch.manual_tracing.widget(lang="vi")
    compare = av.compare_modes(lambda t: av.sin(t * av.tensor([1.0, 2.0, 3.0])), 0.5, lang="vi")
    return {
        "steps": steps,
        "diagram": av.draw(L, lang="vi"),
        "result": result,
        "quiz": quiz,
        "tracing": tracing,
        "compare": compare,
    }


def _our_html():
    """(name, HTML) of every kind of output we make, in Vietnamese."""
    from autograd_viz.render.html import still_html

    made = vietnamese_examples()
    steps, compare = made["steps"], made["compare"]
    back = steps.frames[-1]
    assert back.kind == "backward"
    return [
        ("step-through", steps.copy_html()),  # the copy; with scripts on, the player
        ("still", still_html(back)),
        ("frame", back._repr_mimebundle_()["text/html"]),
        ("diagram", made["diagram"].svg),
        ("exercise feedback", made["result"]._repr_html_()),
        ("quiz", made["quiz"]._repr_mimebundle_()["text/html"]),
        ("quiz header", made["quiz"].widget.children[0].value),
        ("tracing", made["tracing"]._repr_mimebundle_()["text/html"]),
        ("compare", compare.copy_html()),
    ]


@pytest.mark.parametrize("scripts", ["scripts on", "scripts off"])
def test_our_html_keeps_its_font_inside_a_monospace_page(browser, scripts):
    """Each output on a page of its own: one output's stylesheet (the quiz
    carries style.py's FONT_CSS) must not be what saves another's letters."""
    context = browser.new_context(
        viewport={"width": 1100, "height": 900}, java_script_enabled=scripts == "scripts on"
    )
    page = context.new_page()
    problems, seen = [], set()
    for name, html in _our_html():
        page.set_content(f"<html lang='vi'><body><div style='{MONO}'>{html}</div></body></html>")
        if scripts == "scripts on" and "avz-copy" in html:
            pp.wait_for_players(page, 1, timeout=20)
        report = check_fonts(page, "body > div", REGIONS)
        problems += [f"{name}: {p}" for p in report.problems]
        assert report.drawn(), f"no Vietnamese text drawn in the {name}"
        seen |= {region for region in REGIONS if report.drawn(region)}
    assert not problems, "\n".join(problems)
    wanted = {"frame", "still", "feedback", "quiz", "svg"}
    if scripts == "scripts on":
        wanted |= {"panel", "picture", "controls"}
    assert wanted <= seen, f"no Vietnamese text drawn in {wanted - seen}"


def test_the_html_player_draws_every_vietnamese_letter(page, tmp_path):
    steps = vietnamese_examples()["steps"]
    steps.index = 0
    path = steps.to_html(tmp_path / "player.html")
    page.goto(path.as_uri())
    n = len(steps.frames)
    pp.focus(page)
    page.keyboard.press("End")  # to the last, backward frame
    now = pp.wait_counter(page, 0, f"{n} / {n}")
    assert pp.squash(steps.frames[-1].text) in pp.squash(now["panel"])
    report = check_fonts(page, "body", REGIONS)
    assert not report.problems, str(report)
    for region in ("panel", "picture", "controls"):
        assert report.drawn(region), f"no Vietnamese text drawn in {REGIONS[region]}"
    page.evaluate("document.activeElement && document.activeElement.blur()")
    shot = tmp_path / "player_vi.png"
    page.screenshot(path=str(shot), full_page=True)
    keep_screenshot(shot, "vi_player_backward.png")


# -- the notebooks: live in JupyterLab, saved, exported --------------------------------

SETUP = """import autograd_viz as av
from autograd_viz.exercises import autograd_chapter as ch
from autograd_viz.exercises.quiz import GradientQuiz
av.set_lang("vi")
x = av.tensor(2.0, requires_grad=True, name="lớp_ẩn")
y = av.tensor(3.0, requires_grad=True, name="y")
L = (x * y + x) * y
L.backward()"""
# two notebooks: the quiz's widgets carry style.py's FONT_CSS, which names the
# player's classes too and would hide a player that lost its own font
NOTEBOOKS = {
    "players": [
        SETUP,
        """steps = av.step_through(L)
steps.index = len(steps.frames) - 1   # the backward frame where both uses add up
steps""",
        "steps.frames[-1]   # one frame's explanation, as notebooks 01, 02 and 05 show it",
        "av.draw(L)",
        """def sin_and_slope(x):
    x.requires_grad_()
    y = av.sin(x)
    y.sum().backward()
    return y.detach(), x.grad * 1.5
ch.ex5.check(sin_and_slope)""",
        "av.compare_modes(lambda t: av.sin(t * av.tensor([1.0, 2.0, 3.0])), 0.5)",
    ],
    "quizzes": [
        SETUP,
        """quiz = GradientQuiz(seed=3)
quiz.check()   # every box empty: each asks to be filled in
quiz""",
        """tracing = ch.manual_tracing.widget()
tracing.value_boxes["q"].value = "4"   # wrong: its note says why
tracing.check()
tracing""",
    ],
}
STEPS, FRAME, DIAGRAM, FEEDBACK, COMPARE = range(1, 6)  # cells of "players"
QUIZ, TRACING = 1, 2  # cells of "quizzes"
PLAYER = ["panel", "picture", "controls"]
# {notebook: {cell: [region of it that must hold drawn Vietnamese text, ...]}}
LIVE = {
    "players": {STEPS: PLAYER, FRAME: ["frame"], DIAGRAM: ["pictures"], FEEDBACK: ["feedback"]}
    | {COMPARE: PLAYER},
    "quizzes": {QUIZ: ["quiz"], TRACING: ["quiz"]},
}


def _notebook(cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


def check_cells(page, expected, tmp_path, label):
    """check_fonts on the outputs of each code cell in ``expected`` ({cell:
    [region, ...]}), scrolled into view in turn (JupyterLab skips drawing
    cells out of view); then each region of each cell must hold drawn text.
    Region "pictures": the SVG pictures JupyterLab shows as <img>, each
    checked as the document of its own it is."""
    problems, missing = [], []
    for i, regions in expected.items():
        cell = page.locator(".jp-NotebookPanel .jp-CodeCell").nth(i)
        cell.scroll_into_view_if_needed()
        cell.evaluate("(e, i) => e.setAttribute('data-avz-cell', i)", i)
        page.wait_for_timeout(300)
        outputs = f"[data-avz-cell='{i}'] :is({OUTPUTS})"
        report = check_fonts(page, outputs, REGIONS)
        problems += [f"cell {i}: {p}" for p in report.problems]
        missing += [
            f"cell {i} {REGIONS[r]}" for r in regions if r in REGIONS and not report.drawn(r)
        ]
        if "pictures" in regions:
            found, drawn = check_pictures(
                page.context.browser, _svg_documents(page, outputs), tmp_path
            )
            problems += [f"cell {i}: {p}" for p in found]
            if not drawn:
                missing.append(f"cell {i} pictures")
    if problems or missing:
        page.screenshot(path=str(tmp_path / f"{label}_fonts.png"), full_page=True)
    assert not problems, f"{label}:\n" + "\n".join(problems)
    assert not missing, f"{label}: no Vietnamese text drawn in " + ", ".join(missing)


def _shoot(page, tmp_path, selector, name):
    part = page.locator(f"{selector} >> visible=true").first  # not a copy that stepped aside
    part.scroll_into_view_if_needed()
    page.evaluate("document.activeElement && document.activeElement.blur()")
    shot = tmp_path / name
    part.screenshot(path=str(shot))
    keep_screenshot(shot, name)


@pytest.mark.slow
def test_jupyterlab_draws_every_vietnamese_letter_of_our_outputs(tmp_path):
    chromium_path()
    root = tmp_path / "nb"
    root.mkdir()
    for name, cells in NOTEBOOKS.items():
        nbformat.write(_notebook(cells), root / f"{name}.ipynb")
    frames = vietnamese_examples()["steps"].frames
    with jupyterlab_server(tmp_path, root) as (base, token):
        with notebook_page(base, token, "players.ipynb", tmp_path) as (page, console):
            run_all_cells(page, console, tmp_path)
            try:
                pp.wait_for_players(page, 2)
                page.locator(".av-result").first.wait_for(timeout=60_000)
            except Exception as exc:
                page.screenshot(path=str(tmp_path / "not_shown.png"), full_page=True)
                pytest.fail(f"the outputs did not appear: {exc}\n{console}")
            page.wait_for_timeout(500)
            shown = pp.state(page, 0)
            assert shown["title"] == frames[-1].title, "the widget opens where index says"
            assert pp.squash(frames[-1].text) in pp.squash(shown["panel"])
            check_cells(page, LIVE["players"], tmp_path, "JupyterLab")
            _shoot(page, tmp_path, ".avz-player", "vi_jupyterlab_backward_frame.png")
            _shoot(page, tmp_path, ".avz-frame", "vi_jupyterlab_frame_text.png")
            _shoot(page, tmp_path, ".av-result", "vi_jupyterlab_exercise_failure.png")

            open_notebook(page, base, token, "quizzes.ipynb", tmp_path, console)
            run_all_cells(page, console, tmp_path)
            page.locator(".avz-quiz").nth(1).wait_for(timeout=60_000)
            page.wait_for_timeout(500)
            check_cells(page, LIVE["quizzes"], tmp_path, "JupyterLab quizzes")
            _shoot(page, tmp_path, ".avz-quiz >> nth=1", "vi_jupyterlab_tracing.png")


# -- saved and opened without running -------------------------------------------------

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """{name: path} of the notebooks run by nbclient and saved with their widget
    state, as a class gets them."""
    from nbclient import NotebookClient

    chromium_path()
    where = tmp_path_factory.mktemp("saved_vi")
    paths = {}
    for name, cells in NOTEBOOKS.items():
        nb = _notebook(cells)
        NotebookClient(
            nb, kernel_name="python3", resources={"metadata": {"path": str(where)}}
        ).execute()
        assert WIDGET_STATE in nb.metadata.get("widgets", {}), "nbclient keeps the widget state"
        paths[name] = where / f"{name}.ipynb"
        nbformat.write(nb, paths[name])
    return paths


def _svg_documents(page, roots):
    """The SVG text of every picture shown as <img src="data:image/svg+xml...">
    (ours base64, JupyterLab's own URL-encoded)."""
    sources = page.evaluate(
        "sel => [...document.querySelectorAll(sel)].flatMap(r => [...r.querySelectorAll("
        "'img[src^=\"data:image/svg+xml\"]')]).filter(i => i.getClientRects().length)"
        ".map(i => i.getAttribute('src'))",
        roots,
    )
    svgs = []
    for src in sources:
        head, data = src.split(",", 1)
        svgs.append(base64.b64decode(data).decode() if head.endswith(";base64") else unquote(data))
    return svgs


def check_pictures(browser, svgs, tmp_path):
    """An <img>'s SVG is a document of its own, with no page fonts around it:
    open each as one and check it like a page.  (problems, texts drawn)."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    problems, drawn = [], 0
    try:
        for k, svg in enumerate(svgs):
            path = tmp_path / f"picture_{k}.svg"
            path.write_text(svg, encoding="utf-8")
            page.goto(path.as_uri())
            report = check_fonts(page, "svg")
            problems += [f"picture {k}: {p}" for p in report.problems]
            drawn += len(report.drawn())
    finally:
        page.close()
    return problems, drawn


def _trust(path, data_dir):
    from nbformat.sign import NotebookNotary

    data_dir.mkdir(parents=True, exist_ok=True)
    NotebookNotary(data_dir=str(data_dir)).sign(nbformat.read(path, as_version=4))


STILL = {
    "players": {
        STEPS: ["still", "pictures"],
        FRAME: ["frame"],
        FEEDBACK: ["feedback"],
        COMPARE: ["still", "pictures"],
    },
    "quizzes": {QUIZ: ["quiz", "pictures"], TRACING: ["quiz", "pictures"]},
}
SAVED_CASES = {
    # the widgets drawn from the saved state, as live, with no kernel needed
    "trusted": LIVE,
    # JupyterLab keeps no widget state unless asked: the copies play (the
    # quizzes, widgets with no copy, say "model not found": no letters to check)
    "trusted, no widget state": {"players": LIVE["players"]},
    # no script, no inline <svg>: the copies' pictures (checked apart) and words
    "untrusted": STILL,
}


@pytest.mark.slow
@pytest.mark.parametrize("case", list(SAVED_CASES))
def test_a_saved_notebook_draws_every_vietnamese_letter_in_jupyterlab(saved, tmp_path, case):
    root = tmp_path / "nb"
    root.mkdir()
    for path in saved.values():
        nb = nbformat.read(path, as_version=4)
        if case.endswith("no widget state"):
            nb.metadata.pop("widgets")
        nbformat.write(nb, root / path.name)
        if case.startswith("trusted"):  # the server's own trust database (JUPYTER_DATA_DIR)
            _trust(root / path.name, tmp_path / "jupyter" / "data")
    expected = SAVED_CASES[case]
    label = case.replace(", ", "_").replace(" ", "_")
    with jupyterlab_server(tmp_path, root) as (base, token):
        with notebook_page(base, token, "players.ipynb", tmp_path) as (page, console):
            for name in expected:
                if name != "players":
                    open_notebook(page, base, token, f"{name}.ipynb", tmp_path, console)
                cells = page.locator(".jp-NotebookPanel .jp-CodeCell")
                cells.nth(1).scroll_into_view_if_needed()
                if name == "players" and case != "untrusted":
                    try:
                        pp.wait_for_players(page, 1, timeout=60)
                    except AssertionError as exc:
                        page.screenshot(path=str(tmp_path / "no_player.png"), full_page=True)
                        pytest.fail(f"{case}: {exc}\n{console}")
                else:
                    cells.nth(1).locator(".jp-OutputArea-output").first.wait_for(timeout=60_000)
                page.wait_for_timeout(1000)
                check_cells(page, expected[name], tmp_path, f"{case}, {name}")
                if case == "untrusted":
                    assert pp.count(page) == 0, "no script runs in an untrusted notebook"
                if name == "players":
                    _shoot(page, tmp_path, ".jp-CodeCell >> nth=1", f"vi_saved_{label}.png")


@pytest.mark.slow
@pytest.mark.parametrize("template", ["lab", "classic"])
def test_nbconvert_html_draws_every_vietnamese_letter(saved, browser, tmp_path, template):
    """The export opened from disk with no network: the widget manager cannot
    load and the copies play.  (The quizzes are widgets with no copy: offline,
    nbconvert's page shows nothing of them, so they have no letters to check.)"""
    out = tmp_path / f"players_{template}.html"
    done = subprocess.run(
        [sys.executable, "-m", "nbconvert", "--to", "html", f"--template={template}"]
        + ["--output", out.stem, "--output-dir", str(tmp_path), str(saved["players"])],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    context = browser.new_context(viewport={"width": 1200, "height": 1000})
    context.route(
        "**/*", lambda r: r.continue_() if r.request.url.startswith("file://") else r.abort()
    )
    page = context.new_page()
    console = ConsoleLog(page)
    page.goto(out.as_uri())
    pp.wait_for_players(page, 2, timeout=30)
    page.wait_for_timeout(500)
    report = check_fonts(page, OUTPUTS, REGIONS)
    assert not report.problems, f"{template}:\n{report}\n{console}"
    wanted = {"panel", "picture", "controls", "frame", "feedback", "svg"}
    seen = {region for region in REGIONS if report.drawn(region)}
    assert wanted <= seen, f"{template}: no Vietnamese text drawn in {wanted - seen}"
