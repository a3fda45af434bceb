"""The step-through player in a real JupyterLab (Light and Dark) and Notebook 7.

Starts a private Jupyter server on 127.0.0.1 over a temp copy of
tests/browser/browser_nb/, opens the notebook, runs every cell, then steps the
player by click and by key and checks what the page shows against the frames
built here, measures the contrast of every text in the player, and keeps
screenshots (test-output/screenshots/).

Chromium is Debian's (/usr/bin/chromium or $CHROMIUM_PATH); playwright is used
only as a driver. Missing chromium fails under CI=true and skips locally.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import player_page as pp
import pytest
from browser_support import (
    KERNEL_START_S,
    chromium_path,
    jupyterlab_server,
    keep_screenshot,
    launch_chromium,
    notebook_page,
    run_all_cells,
    sync_playwright,
)

NOTEBOOKS = Path(__file__).resolve().parent / "browser_nb"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _serve(tmp_path, theme=None):
    chromium_path()  # no browser: fail/skip now, before copying anything
    root = tmp_path / "nb"
    root.mkdir()
    for nb in NOTEBOOKS.glob("*.ipynb"):
        shutil.copy(nb, root / nb.name)
    if theme:  # JupyterLab reads its theme from the private settings folder
        settings = tmp_path / "jupyter" / "settings" / "@jupyterlab" / "apputils-extension"
        settings.mkdir(parents=True)
        (settings / "themes.jupyterlab-settings").write_text(json.dumps({"theme": theme}))
    return jupyterlab_server(tmp_path, root)


def expected_frames():
    """The notebook's frames, built here the same way, to compare with what the page shows."""
    import autograd_viz as av

    x = av.arange(4.0, requires_grad=True, name="x")
    y = 2 * av.dot(x, x)
    y.backward()
    return av.step_through(y).frames


def step_and_check(page, frames, console, k=0):
    """Click and key through player ``k``: every frame's title and text, in order."""
    n = len(frames)
    logged = len(console.lines)  # errors of the notebook app before this are not ours
    now = pp.wait_counter(page, k, f"1 / {n}")
    assert pp.squash(frames[0].title) in pp.squash(now["panel"])
    assert pp.squash(frames[0].text) in pp.squash(now["panel"])
    assert frames[0].title in now["label"], "the graph's accessible name follows the frame"
    seen = [now]
    for i in range(1, n):  # by click
        assert pp.click(page, k, ".avz-next")
        now = pp.wait_counter(page, k, f"{i + 1} / {n}")
        assert now["svg"] != seen[-1]["svg"], f"Next did not change the picture at {i + 1}"
        assert pp.squash(frames[i].text) in pp.squash(now["panel"]), (i, now["panel"])
        seen.append(now)
        pp.assert_active_in_view(page, k)
    pp.click(page, k, ".avz-prev")
    assert pp.wait_counter(page, k, f"{n - 1} / {n}")["svg"] == seen[-2]["svg"]
    # by key, once the player has focus; the notebook must not take the keys
    pp.focus(page, k)
    for key, want in (("Home", 1), ("ArrowRight", 2), ("End", n), ("ArrowLeft", n - 1)):
        page.keyboard.press(key)
        pp.wait_counter(page, k, f"{want} / {n}")
    page.keyboard.press("Home")
    page.keyboard.press(" ")  # plays by itself to the end
    pp.wait_counter(page, k, f"{n} / {n}", timeout=60)
    assert not [line for line in console.lines[logged:] if "pageerror" in line], str(console)


@pytest.mark.parametrize("theme", ["JupyterLab Light", "JupyterLab Dark"])
def test_step_through_plays_in_jupyterlab(tmp_path, theme):
    frames = expected_frames()
    dark = "Dark" in theme
    with _serve(tmp_path, theme) as (base, token):
        with notebook_page(base, token, "step_through.ipynb", tmp_path) as (page, console):
            run_all_cells(page, console, tmp_path)
            try:
                pp.wait_for_players(page, 1)
            except AssertionError as exc:
                page.screenshot(path=str(tmp_path / "no_widget.png"), full_page=True)
                pytest.fail(f"{exc}\n{console}")
            page.wait_for_timeout(500)
            assert pp.count(page) == 1, "the copy kept for other viewers must step aside"
            first = pp.state(page)
            assert first["dark"] == dark, first
            assert first["live"] == "polite"
            names = [name for name in first["names"] if name]
            assert len(names) == len(first["names"]) == 5, first["names"]  # every control
            pp.assert_readable(page)
            step_and_check(page, frames, console)
            page.keyboard.press("End")
            pp.assert_readable(page)
            # the kernel follows the page: the index the student stepped to
            page.evaluate("document.activeElement && document.activeElement.blur()")
            shot = tmp_path / "player.png"
            page.screenshot(path=str(shot))
            keep_screenshot(shot, f"jupyterlab_player_{'dark' if dark else 'light'}.png")


def test_step_through_plays_in_notebook_7(tmp_path):
    frames = expected_frames()
    with _serve(tmp_path) as (base, token), sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.set_default_timeout(60_000)
            from browser_support import ConsoleLog

            console = ConsoleLog(page)
            page.goto(f"{base}/notebooks/step_through.ipynb?token={token}")
            page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=KERNEL_START_S * 1000)
            run_all_cells(page, console, tmp_path)  # once its kernel is idle
            pp.wait_for_players(page, 1)
            step_and_check(page, frames, console)
            pp.assert_readable(page)
            page.evaluate("document.activeElement && document.activeElement.blur()")
            shot = tmp_path / "nb7.png"
            page.screenshot(path=str(shot))
            keep_screenshot(shot, "notebook7_player.png")
        finally:
            browser.close()


def test_the_kernel_follows_the_page(tmp_path):
    """Stepping in the page sets the widget's index in Python (the state is synced)."""
    frames = expected_frames()
    with _serve(tmp_path) as (base, token):
        with notebook_page(base, token, "step_through.ipynb", tmp_path) as (page, console):
            run_all_cells(page, console, tmp_path)
            pp.wait_for_players(page, 1)
            pp.click(page, 0, ".avz-next")
            pp.click(page, 0, ".avz-next")
            pp.wait_counter(page, 0, f"3 / {len(frames)}")
            # ask the notebook's kernel itself, through its connection file
            (conn,) = (tmp_path / "jupyter" / "runtime").glob("kernel-*.json")
            from jupyter_client import BlockingKernelClient

            client = BlockingKernelClient(connection_file=str(conn))
            client.load_connection_file()
            client.start_channels()
            want = f"2 {frames[2].title}"
            try:
                # the page sends each change as a message of its own: on a busy
                # machine the kernel may not have read the second one yet
                for _ in range(40):
                    reply = client.execute_interactive(
                        "print(steps.index, steps.frame.title)",
                        timeout=60,
                        output_hook=_keep(out := []),
                    )
                    assert reply["content"]["status"] == "ok", reply
                    if "".join(out).strip() == want:
                        break
                    page.wait_for_timeout(250)
            finally:
                client.stop_channels()
            assert "".join(out).strip() == want, out


def _keep(out):
    def hook(msg):
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])

    return hook
