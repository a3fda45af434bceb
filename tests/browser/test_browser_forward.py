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


def test_forward_mode_and_comparison_widgets_step_in_jupyterlab(jupyterlab, tmp_path):
    import player_page as pp

    base, token = jupyterlab
    forward, comparison = expected()
    with notebook_page(base, token, "forward_mode.ipynb", tmp_path) as (page, console):
        run_all_cells(page, console, tmp_path)
        try:
            pp.wait_for_players(page, 2)
        except AssertionError as exc:
            page.screenshot(path=str(tmp_path / "no_widget.png"), full_page=True)
            pytest.fail(f"the widgets did not appear: {exc}\n{console}")

        # forward mode: first frame, then Next to the last one
        n = len(forward)
        first = pp.wait_counter(page, 0, f"1 / {n}")
        assert squash(forward[0].text) in squash(first["panel"]), first["panel"]
        for i in range(2, n + 1):
            pp.click(page, 0, ".avz-next")
            pp.wait_counter(page, 0, f"{i} / {n}")
        last = pp.state(page, 0)
        assert last["svg"] != first["svg"]
        assert squash(forward[-1].text) in squash(last["panel"]), last["panel"]
        assert "Reverse mode gives the same number" in last["panel"]
        assert "tangent" in last["svg"]  # the tangent lines are painted
        pp.assert_readable(page, 0)

        # the comparison: both halves on screen, stepped together, in the same player
        page.set_viewport_size({"width": 1280, "height": 1900})
        m = len(comparison.frames)
        start = pp.wait_counter(page, 1, f"1 / {m}")
        assert "sweep 1 of 3" in start["svg"] and "forward pass stores" in start["svg"]
        assert squash(comparison.frames[0].text) in squash(start["panel"])
        pp.click(page, 1, ".avz-next")
        second = pp.wait_counter(page, 1, f"2 / {m}")
        assert second["svg"] != start["svg"]
        assert squash(comparison.frames[1].text) in squash(second["panel"])
        pp.focus(page, 1)
        page.keyboard.press("End")
        end = pp.wait_counter(page, 1, f"{m} / {m}")
        assert "forward mode needs one sweep per input entry: 3" in end["panel"]
        assert "reverse mode one per output entry: 1" in end["panel"]
        pp.assert_readable(page, 1)
        page.evaluate("document.activeElement && document.activeElement.blur()")
        shot = tmp_path / "compare_last.png"
        page.screenshot(path=str(shot))
        keep_screenshot(shot, "jupyterlab_compare_last.png")
        assert not [ln for ln in console.lines if "pageerror" in ln], str(console)


def test_offline_players_of_forward_mode_and_comparison_step_in_chromium(tmp_path):
    """.to_html(path) of both widgets: the kernel-free player steps their frames."""
    import player_page as pp
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
                assert pp.state(page)["counter"] == f"1 / {n}"
                for i in range(2, n + 1):
                    pp.click(page, 0, ".avz-next")
                    assert pp.state(page)["counter"] == f"{i} / {n}"
                shown = squash(pp.state(page)["panel"])
                assert squash(widget.frames[-1].text) in shown
                shot = tmp_path / name.replace(".html", ".png")
                page.locator("main").screenshot(path=str(shot))
                keep_screenshot(shot, f"html_player_{name.replace('.html', '.png')}")
        finally:
            browser.close()
