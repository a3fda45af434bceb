"""The step-through player in marimo, which runs anywidgets but no other ipywidgets.

Writes a one-cell marimo notebook, serves it with ``marimo run`` on a private
loopback port (its own config folder, for the theme), opens it in headless
Chromium and steps the player by click and by key; the player lives in a
shadow root there, which tests/player_page.py looks through.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

import player_page as pp
import pytest
from browser_support import (
    REPO,
    ConsoleLog,
    chromium_path,
    keep_screenshot,
    launch_chromium,
    stop_server,
    sync_playwright,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

APP = """
import marimo

app = marimo.App()


@app.cell
def _():
    import autograd_viz as av

    x = av.arange(4.0, requires_grad=True, name="x")
    y = 2 * av.dot(x, x)
    y.backward()
    steps = av.step_through(y, lang="vi")
    steps
    return
"""


@pytest.fixture
def marimo_app(tmp_path, request):
    """``marimo run`` of APP on 127.0.0.1; yields its URL; always stops the server."""
    pytest.importorskip("marimo", reason="marimo is in the test extra: pip install marimo")
    chromium_path()
    theme = request.param
    (tmp_path / "app.py").write_text(APP)
    config = tmp_path / "config" / "marimo"
    config.mkdir(parents=True)
    (config / "marimo.toml").write_text(f'[display]\ntheme = "{theme}"\n')
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    env["HOME"] = str(tmp_path)  # marimo's state and caches stay in the temp folder
    log = open(tmp_path / "marimo.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "marimo", "run", str(tmp_path / "app.py")]
        + ["--host", "127.0.0.1", "--port", str(port), "--headless", "--no-token"]
        + ["--no-sandbox", "--no-check"],
        cwd=tmp_path,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(url, timeout=2).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("marimo did not start:\n" + (tmp_path / "marimo.log").read_text())
                time.sleep(0.5)
        yield url, theme
    finally:
        stop_server(proc, group=True)
        log.close()


def frames():
    import autograd_viz as av

    x = av.arange(4.0, requires_grad=True, name="x")
    y = 2 * av.dot(x, x)
    y.backward()
    return av.step_through(y, lang="vi").frames


@pytest.mark.parametrize("marimo_app", ["light", "dark"], indirect=True)
def test_step_through_plays_in_marimo(marimo_app, tmp_path):
    from autograd_viz.i18n import t

    url, theme = marimo_app
    want = frames()
    n = len(want)
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            console = ConsoleLog(page)
            page.goto(url)
            try:
                pp.wait_for_players(page, 1, timeout=90)
                page.wait_for_timeout(1500)  # marimo applies its theme after the first paint
            except AssertionError as exc:
                page.screenshot(path=str(tmp_path / "no_player.png"), full_page=True)
                pytest.fail(f"{exc}\n{console}")
            first = pp.state(page)
            assert first["counter"] == f"1 / {n}"
            assert first["dark"] == (theme == "dark"), first
            assert t("player_next", "vi") in first["names"]  # the player's language
            for i in range(1, n):
                pp.click(page, 0, ".avz-next")
                now = pp.wait_counter(page, 0, f"{i + 1} / {n}")
                assert pp.squash(want[i].text) in pp.squash(now["panel"])
            pp.focus(page)
            for key, at in (("Home", 1), ("ArrowRight", 2), ("End", n)):
                page.keyboard.press(key)
                pp.wait_counter(page, 0, f"{at} / {n}")
            pp.assert_readable(page)
            shot = tmp_path / "marimo.png"
            page.screenshot(path=str(shot))
            keep_screenshot(shot, f"marimo_player_{theme}.png")
            assert not [ln for ln in console.lines if "pageerror" in ln], str(console)
        finally:
            browser.close()
