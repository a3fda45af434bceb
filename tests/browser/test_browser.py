"""The step-through widget in a real JupyterLab, driven by headless Chromium.

Starts JupyterLab on 127.0.0.1 over a temp copy of tests/browser/browser_nb/, opens the
notebook, runs every cell, then clicks the widget's Next button and checks that
the diagram and the chain-rule panel really changed in the page.

Chromium is Debian's (/usr/bin/chromium or $CHROMIUM_PATH); playwright is used
only as a driver. Missing chromium fails under CI=true and skips locally.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from browser_support import (
    chromium_path,
    jupyterlab_server,
    keep_screenshot,
    notebook_page,
    run_all_cells,
)

NOTEBOOKS = Path(__file__).resolve().parent / "browser_nb"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def jupyterlab(tmp_path):
    """A private JupyterLab serving a copy of tests/browser/browser_nb; yields (base_url, token)."""
    chromium_path()  # no browser: fail/skip now, before copying anything
    root = tmp_path / "nb"
    root.mkdir()
    for nb in NOTEBOOKS.glob("*.ipynb"):
        shutil.copy(nb, root / nb.name)
    with jupyterlab_server(tmp_path, root) as server:
        yield server


# -- the test ------------------------------------------------------------------------------

WIDGET = ".avz-step"
DIAGRAM = ".avz-step .avz-diagram"
PANEL = ".avz-step .avz-panel"
COUNTER = ".avz-step .avz-counter"
NEXT, PREV = "Next", "Previous"  # the notebook uses lang="en"


def expected_frames():
    """The notebook's frames, built here the same way, to compare with what the page shows."""
    import autograd_viz as av

    x = av.arange(4.0, requires_grad=True, name="x")
    y = 2 * av.dot(x, x)
    y.backward()
    return av.step_through(y).frames


def same_text(frame, panel_text):
    """The panel shows this frame's title and explanation (whitespace aside)."""
    squash = " ".join(panel_text.split())
    return " ".join(frame.title.split()) in squash and " ".join(frame.text.split()) in squash


def _widget_state(page):
    return page.evaluate(
        """([d, p, c]) => ({
            svg: (document.querySelector(d + ' svg') || {outerHTML: ''}).outerHTML,
            panel: (document.querySelector(p) || {innerText: ''}).innerText,
            counter: (document.querySelector(c) || {innerText: ''}).innerText,
        })""",
        [DIAGRAM, PANEL, COUNTER],
    )


def test_step_through_widget_in_jupyterlab(jupyterlab, tmp_path):
    base, token = jupyterlab
    with notebook_page(base, token, "step_through.ipynb", tmp_path) as (page, console):
        run_all_cells(page, console, tmp_path)
        try:
            page.wait_for_selector(f"{DIAGRAM} svg", timeout=90_000)
            page.wait_for_function(
                "s => document.querySelector(s) && "
                "document.querySelector(s).innerText.trim().length > 0",
                arg=COUNTER,
                timeout=30_000,
            )
        except Exception as exc:
            page.screenshot(path=str(tmp_path / "no_widget.png"), full_page=True)
            outputs = page.locator(".jp-OutputArea-output").all_inner_texts()
            pytest.fail(
                f"the step-through widget did not appear: {exc}\ncell outputs: {outputs}\n{console}"
            )

        page.locator(WIDGET).scroll_into_view_if_needed()
        before = _widget_state(page)
        expected = expected_frames()
        total = len(expected)
        assert before["counter"] == f"1 / {total}", before["counter"]
        assert same_text(expected[0], before["panel"]), (before["panel"], expected[0].text)

        page.locator(f"{WIDGET} button", has_text=NEXT).click()
        try:
            page.wait_for_function(
                "s => document.querySelector(s).innerText.trim().startsWith('2 /')",
                arg=COUNTER,
                timeout=30_000,
            )
        except Exception as exc:
            pytest.fail(
                f"clicking Next did not move to frame 2: {exc}\n"
                f"state: {_widget_state(page)}\n{console}"
            )
        after = _widget_state(page)
        assert after["svg"] and after["svg"] != before["svg"], (
            "the diagram SVG did not change after Next"
        )
        assert after["panel"].strip() and after["panel"] != before["panel"], (
            "the explanation panel did not change after Next"
        )
        assert same_text(expected[1], after["panel"]), (after["panel"], expected[1].text)

        # jump to the last frame with the slider's keyboard (End) and read the chain rule
        page.locator(
            f"{WIDGET} .widget-slider .ui-slider-handle, {WIDGET} .widget-slider [role='slider']"
        ).first.focus()
        page.keyboard.press("End")
        page.wait_for_function(
            "([s, n]) => document.querySelector(s).innerText.trim() === n + ' / ' + n",
            arg=[COUNTER, total],
            timeout=30_000,
        )
        last = _widget_state(page)
        assert last["svg"] != after["svg"]
        # the last frame is the chain rule into x, with x used twice
        assert same_text(expected[-1], last["panel"]), (last["panel"], expected[-1].text)
        page.locator(WIDGET).scroll_into_view_if_needed()
        shot = tmp_path / "jupyterlab_widget.png"
        page.screenshot(path=str(shot))
        page.locator(WIDGET).screenshot(path=str(tmp_path / "widget_only.png"))
        keep_screenshot(shot, "jupyterlab_widget.png")
        keep_screenshot(tmp_path / "widget_only.png", "jupyterlab_widget_only.png")

        # the Play button runs frames on its own (browser-side link play -> slider)
        page.locator(f"{WIDGET} button", has_text=PREV).click()
        page.wait_for_function(
            "([s, n]) => document.querySelector(s).innerText.trim() === (n - 1) + ' / ' + n",
            arg=[COUNTER, total],
            timeout=30_000,
        )
        page.locator(f"{WIDGET} .widget-play button").first.click()
        try:
            page.wait_for_function(
                "([s, n]) => document.querySelector(s).innerText.trim() === n + ' / ' + n",
                arg=[COUNTER, total],
                timeout=30_000,
            )
        except Exception as exc:
            pytest.fail(
                f"Play did not advance to the last frame: {exc}\n"
                f"state: {_widget_state(page)}\n{console}"
            )
