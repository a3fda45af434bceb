"""Forward mode and the comparison of the two modes in a real JupyterLab.

Opens tests/browser/browser_nb/forward_mode.ipynb in headless Chromium, runs it,
steps the forward-mode widget to its last frame (the output's tangent and
reverse mode's same number) and the comparison widget through its steps,
checking what the page shows against the frames built here; screenshots go to
test-output/screenshots.
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
    chromium_path()
    root = tmp_path / "nb"
    root.mkdir()
    shutil.copy(NOTEBOOKS / "forward_mode.ipynb", root / "forward_mode.ipynb")
    with jupyterlab_server(tmp_path, root) as server:
        yield server


def expected():
    """The notebook's two widgets' frames, built here the same way."""
    import autograd_viz as av

    x = av.tensor(2.0, requires_grad=True, name="x")
    y = av.tensor(3.0, requires_grad=True, name="y")
    u = x * y
    z = av.sin(u) + x
    forward = av.build_frames(z, mode="forward", wrt=x, names={"u": u, "z": z, "y": y})

    def f(x):
        return 2 * av.dot(x, x)

    return forward, av.compare_modes(f, av.arange(3.0))


def squash(text):
    return " ".join(text.split())


def _state(page, k):
    return page.evaluate(
        """k => {
            const w = document.querySelectorAll('.avz-step')[k];
            if (!w) { return null; }
            const svg = w.querySelector('.avz-diagram svg');
            return {svg: svg ? svg.outerHTML : '',
                    panel: (w.querySelector('.avz-panel') || {innerText: ''}).innerText,
                    counter: (w.querySelector('.avz-counter') || {innerText: ''}).innerText};
        }""",
        k,
    )


def _wait_counter(page, k, text):
    page.wait_for_function(
        "([k, t]) => { const w = document.querySelectorAll('.avz-step')[k];"
        " return w && w.querySelector('.avz-counter').innerText.trim() === t; }",
        arg=[k, text],
        timeout=30_000,
    )


def test_forward_mode_and_comparison_widgets_step_in_jupyterlab(jupyterlab, tmp_path):
    base, token = jupyterlab
    forward, comparison = expected()
    with notebook_page(base, token, "forward_mode.ipynb", tmp_path) as (page, console):
        run_all_cells(page, console, tmp_path)
        try:
            page.wait_for_function(
                "() => document.querySelectorAll('.avz-step .avz-diagram svg').length >= 2",
                timeout=90_000,
            )
        except Exception as exc:
            page.screenshot(path=str(tmp_path / "no_widget.png"), full_page=True)
            outputs = page.locator(".jp-OutputArea-output").all_inner_texts()
            pytest.fail(f"the widgets did not appear: {exc}\noutputs: {outputs}\n{console}")
        widgets = page.locator(".avz-step")

        # forward mode: first frame, then Next to the last one
        n = len(forward)
        _wait_counter(page, 0, f"1 / {n}")
        first = _state(page, 0)
        assert squash(forward[0].text) in squash(first["panel"]), first["panel"]
        for i in range(2, n + 1):
            widgets.nth(0).locator("button", has_text="Next").click()
            _wait_counter(page, 0, f"{i} / {n}")
        last = _state(page, 0)
        assert last["svg"] != first["svg"]
        assert squash(forward[-1].text) in squash(last["panel"]), last["panel"]
        assert "Reverse mode gives the same number" in last["panel"]
        assert "tangent" in last["svg"]  # the tangent lines are painted
        widgets.nth(0).scroll_into_view_if_needed()
        shot = tmp_path / "forward.png"
        widgets.nth(0).screenshot(path=str(shot))
        keep_screenshot(shot, "jupyterlab_forward_mode.png")

        # the comparison: both halves on screen, stepped together (a tall page, so
        # the widget fits below JupyterLab's toolbar in one screenshot)
        page.set_viewport_size({"width": 1280, "height": 1900})
        m = len(comparison.frames)
        _wait_counter(page, 1, f"1 / {m}")
        start = _state(page, 1)
        assert "sweep 1 of 3" in start["svg"] and "forward pass stores" in start["svg"]
        assert squash(comparison.frames[0].text) in squash(start["panel"])
        widgets.nth(1).locator("button", has_text="Next").click()
        _wait_counter(page, 1, f"2 / {m}")
        second = _state(page, 1)
        assert second["svg"] != start["svg"]
        assert squash(comparison.frames[1].text) in squash(second["panel"])
        widgets.nth(1).scroll_into_view_if_needed()
        shot = tmp_path / "compare_step2.png"
        widgets.nth(1).screenshot(path=str(shot))
        keep_screenshot(shot, "jupyterlab_compare_step2.png")
        for i in range(3, m + 1):
            widgets.nth(1).locator("button", has_text="Next").click()
            _wait_counter(page, 1, f"{i} / {m}")
        end = _state(page, 1)
        assert "forward mode needs one sweep per input entry: 3" in end["panel"]
        assert "reverse mode one per output entry: 1" in end["panel"]
        shot = tmp_path / "compare_last.png"
        widgets.nth(1).screenshot(path=str(shot))
        keep_screenshot(shot, "jupyterlab_compare_last.png")
        assert not [ln for ln in console.lines if "pageerror" in ln], str(console)


def test_offline_players_of_forward_mode_and_comparison_step_in_chromium(tmp_path):
    """.to_html(path) of both widgets: the kernel-free player steps their frames."""
    from browser_support import launch_chromium, sync_playwright

    chromium_path()
    import autograd_viz as av

    forward, comparison = expected()
    x = av.tensor(2.0, requires_grad=True, name="x")
    z = av.sin(x * 3.0) + x
    players = {
        "forward.html": av.step_through(z, mode="forward", wrt=x),
        "compare.html": comparison,
    }
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1600})
            for name, widget in players.items():
                path = widget.to_html(tmp_path / name)
                page.goto(path.as_uri())
                n = len(widget.frames)
                assert page.inner_text("#avz-counter").strip() == f"1 / {n}"
                for i in range(2, n + 1):
                    page.click("#avz-next")
                    assert page.inner_text("#avz-counter").strip() == f"{i} / {n}"
                shown = squash(page.inner_text("#avz-explanation"))
                assert squash(widget.frames[-1].text) in shown
                shot = tmp_path / name.replace(".html", ".png")
                page.locator("main").screenshot(path=str(shot))
                keep_screenshot(shot, f"html_player_{name.replace('.html', '.png')}")
        finally:
            browser.close()
