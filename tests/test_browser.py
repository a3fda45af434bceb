"""The step-through widget in a real JupyterLab, driven by headless Chromium.

Starts JupyterLab on 127.0.0.1 over a temp copy of tests/browser_nb/, opens the
notebook, runs every cell, then clicks the widget's Next button and checks that
the diagram and the chain-rule panel really changed in the page.

Chromium is Debian's (/usr/bin/chromium or $CHROMIUM_PATH); playwright is used
only as a driver. Missing chromium fails under CI=true and skips locally.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = Path(__file__).resolve().parent / "browser_nb"
RENDERS = Path("/work/notes/renders")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]

pytestmark = [pytest.mark.browser, pytest.mark.slow]


# -- shared with test_html.py ------------------------------------------------------------

def _missing(reason):
    """Fail in CI (a missing browser there is a broken setup), skip on a dev machine."""
    if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
        pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)")
    pytest.skip(f"{reason}; install it (apt-get install -y chromium) or set CHROMIUM_PATH")


def chromium_path():
    path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        _missing(f"chromium not found at {path}")
    return path


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)


def sync_playwright():
    try:
        from playwright.sync_api import sync_playwright as start
    except ImportError:
        _missing("the playwright Python package is not installed")
    return start()


class ConsoleLog:
    """Collects the page's console messages and errors for failure messages."""

    def __init__(self, page):
        self.lines = []
        page.on("console", lambda m: self.lines.append(f"[{m.type}] {m.text}"))
        page.on("pageerror", lambda e: self.lines.append(f"[pageerror] {e}"))

    def __str__(self):
        tail = self.lines[-40:]
        return "page console (last 40):\n  " + ("\n  ".join(tail) if tail else "(empty)")


def keep_screenshot(src: Path, name: str):
    """Copy a screenshot where the lead looks at renders; never fail a test over it."""
    try:
        RENDERS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, RENDERS / name)
    except OSError:
        pass


# -- JupyterLab in a subprocess ------------------------------------------------------------

def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get_json(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as reply:
        return json.loads(reply.read().decode())


@pytest.fixture
def jupyterlab(tmp_path):
    """A private JupyterLab (own config, settings and workspace dirs) serving a copy of
    tests/browser_nb; yields (base_url, token); always stops the server and its kernels."""
    chromium_path()  # no browser: fail/skip now, before paying for a server
    root = tmp_path / "nb"
    root.mkdir()
    for nb in NOTEBOOKS.glob("*.ipynb"):
        shutil.copy(nb, root / nb.name)
    home = tmp_path / "jupyter"
    env = dict(os.environ)
    env.update({
        # the kernel must import this work tree's autograd_viz, whatever is installed
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])),
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
        "IPYTHONDIR": str(home / "ipython"),
    })
    # no "official Jupyter news?" toast over the notebook
    (home / "config" / "labconfig").mkdir(parents=True)
    (home / "config" / "labconfig" / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}))
    port, token = _free_port(), uuid.uuid4().hex
    log_path = tmp_path / "jupyterlab.log"
    log = open(log_path, "wb")
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
           "--ip=127.0.0.1", f"--port={port}", "--ServerApp.port_retries=0",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
           "--LabApp.news_url=None",
           "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                pytest.fail(f"JupyterLab exited with {proc.returncode} before it was ready:\n"
                            + log_path.read_text(errors="replace")[-3000:])
            try:
                _get_json(f"{base}/api/status?token={token}")
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("JupyterLab did not answer /api/status within 90 s:\n"
                                + log_path.read_text(errors="replace")[-3000:])
                time.sleep(0.5)
        yield base, token
    finally:
        try:  # stop kernels through the API first: they run in their own sessions
            for kernel in _get_json(f"{base}/api/kernels?token={token}"):
                req = urllib.request.Request(
                    f"{base}/api/kernels/{kernel['id']}?token={token}", method="DELETE")
                urllib.request.urlopen(req, timeout=10).close()
        except Exception:
            pass
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        log.close()


# -- the test ------------------------------------------------------------------------------

WIDGET = ".avz-step"
DIAGRAM = ".avz-step .avz-diagram"
PANEL = ".avz-step .avz-panel"
COUNTER = ".avz-step .avz-counter"
NEXT, PREV = "Next", "Previous"          # the notebook uses lang="en"


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
        })""", [DIAGRAM, PANEL, COUNTER])


def run_all_cells(page, console, tmp_path):
    """Run > Run All Cells, through the menu a user would click, until every code cell
    has run. Retried: on a loaded machine JupyterLab can swap the session's kernel
    just after opening, and cells queued on the first one are lost."""
    all_ran = ("() => { const p = [...document.querySelectorAll("
               "'.jp-NotebookPanel .jp-CodeCell .jp-InputArea-prompt')];"
               " return p.length > 0 && p.every(e => /\\[\\d+\\]/.test(e.innerText)); }")
    for _attempt in range(4):
        page.wait_for_selector(".jp-NotebookPanel [data-status='idle']", timeout=60_000)
        page.locator(".jp-NotebookPanel .jp-Notebook").first.click(position={"x": 5, "y": 5})
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
        try:
            page.wait_for_function(all_ran, timeout=30_000)
            return
        except Exception:
            page.keyboard.press("Escape")
    page.screenshot(path=str(tmp_path / "not_run.png"), full_page=True)
    prompts = page.locator(".jp-CodeCell .jp-InputArea-prompt").all_inner_texts()
    pytest.fail(f"Run All Cells did not run every cell after 4 tries (prompts {prompts})\n"
                f"{console}")


def test_step_through_widget_in_jupyterlab(jupyterlab, tmp_path):
    base, token = jupyterlab
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.set_default_timeout(60_000)
            console = ConsoleLog(page)
            page.goto(f"{base}/lab/tree/step_through.ipynb?reset&token={token}",
                      wait_until="domcontentloaded")
            try:
                page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=90_000)
                page.wait_for_selector(".jp-NotebookPanel [data-status='idle']",
                                       timeout=90_000)
            except Exception as exc:
                page.screenshot(path=str(tmp_path / "not_ready.png"))
                pytest.fail(f"the notebook or its kernel never became ready: {exc}\n{console}")

            run_all_cells(page, console, tmp_path)
            try:
                page.wait_for_selector(f"{DIAGRAM} svg", timeout=90_000)
                page.wait_for_function(
                    "s => document.querySelector(s) && "
                    "document.querySelector(s).innerText.trim().length > 0",
                    arg=COUNTER, timeout=30_000)
            except Exception as exc:
                page.screenshot(path=str(tmp_path / "no_widget.png"), full_page=True)
                outputs = page.locator(".jp-OutputArea-output").all_inner_texts()
                pytest.fail(f"the step-through widget did not appear: {exc}\n"
                            f"cell outputs: {outputs}\n{console}")

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
                    arg=COUNTER, timeout=30_000)
            except Exception as exc:
                pytest.fail(f"clicking Next did not move to frame 2: {exc}\n"
                            f"state: {_widget_state(page)}\n{console}")
            after = _widget_state(page)
            assert after["svg"] and after["svg"] != before["svg"], \
                "the diagram SVG did not change after Next"
            assert after["panel"].strip() and after["panel"] != before["panel"], \
                "the explanation panel did not change after Next"
            assert same_text(expected[1], after["panel"]), (after["panel"], expected[1].text)

            # jump to the last frame with the slider's keyboard (End) and read the chain rule
            page.locator(f"{WIDGET} .widget-slider .ui-slider-handle, "
                         f"{WIDGET} .widget-slider [role='slider']").first.focus()
            page.keyboard.press("End")
            page.wait_for_function(
                "([s, n]) => document.querySelector(s).innerText.trim() === n + ' / ' + n",
                arg=[COUNTER, total], timeout=30_000)
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
                arg=[COUNTER, total], timeout=30_000)
            page.locator(f"{WIDGET} .widget-play button").first.click()
            try:
                page.wait_for_function(
                    "([s, n]) => document.querySelector(s).innerText.trim() === n + ' / ' + n",
                    arg=[COUNTER, total], timeout=30_000)
            except Exception as exc:
                pytest.fail(f"Play did not advance to the last frame: {exc}\n"
                            f"state: {_widget_state(page)}\n{console}")
        finally:
            browser.close()
