"""Shared pieces of the real-browser tests (a plain module, not a test file).

Debian's chromium (/usr/bin/chromium or $CHROMIUM_PATH) driven by playwright, and a
private JupyterLab on 127.0.0.1 serving a temp copy of some notebooks.  A missing
chromium fails under CI=true and skips on a dev machine.
"""

from __future__ import annotations

import contextlib
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
# screenshots also land in one place to look at after a run (gitignored)
RENDERS = Path(
    os.environ.get(
        "AV_SCREENSHOT_DIR", Path(__file__).resolve().parents[1] / "test-output" / "screenshots"
    )
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# -- chromium through playwright -------------------------------------------------------


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


# -- JupyterLab in a subprocess ----------------------------------------------------------


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get_json(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as reply:
        return json.loads(reply.read().decode())


@contextlib.contextmanager
def jupyterlab_server(tmp_path, root):
    """A private JupyterLab (own config, settings and workspace dirs) serving the
    directory `root` (a temp copy: the server may write checkpoints into it);
    yields (base_url, token); always stops the server and its kernels."""
    chromium_path()  # no browser: fail/skip now, before paying for a server
    home = tmp_path / "jupyter"
    env = dict(os.environ)
    env.update(
        {
            # the kernel must import this work tree's autograd_viz, whatever is installed
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])),
            "JUPYTER_CONFIG_DIR": str(home / "config"),
            "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
            "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
            "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
            "IPYTHONDIR": str(home / "ipython"),
            # its own trust database (nbsignatures.db): a test may sign a notebook
            "JUPYTER_DATA_DIR": str(home / "data"),
        }
    )
    # no "official Jupyter news?" toast over the notebook
    (home / "config" / "labconfig").mkdir(parents=True)
    (home / "config" / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}})
    )
    port, token = _free_port(), uuid.uuid4().hex
    log_path = tmp_path / "jupyterlab.log"
    log = open(log_path, "wb")
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--allow-root",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    proc = subprocess.Popen(
        cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                pytest.fail(
                    f"JupyterLab exited with {proc.returncode} before it was ready:\n"
                    + log_path.read_text(errors="replace")[-3000:]
                )
            try:
                _get_json(f"{base}/api/status?token={token}")
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(
                        "JupyterLab did not answer /api/status within 90 s:\n"
                        + log_path.read_text(errors="replace")[-3000:]
                    )
                time.sleep(0.5)
        yield base, token
    finally:
        try:  # stop kernels through the API first: they run in their own sessions
            for kernel in _get_json(f"{base}/api/kernels?token={token}"):
                req = urllib.request.Request(
                    f"{base}/api/kernels/{kernel['id']}?token={token}", method="DELETE"
                )
                urllib.request.urlopen(req, timeout=10).close()
        except Exception:
            pass
        stop_server(proc)
        log.close()


def stop_server(proc, group=False):
    """Stop a server we started: politely, then its whole process group by force.
    ``group``: send the polite signal to the group too (a server whose workers
    run in its session)."""
    if group:
        os.killpg(proc.pid, signal.SIGTERM)
    else:
        proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


# -- driving a notebook --------------------------------------------------------------------


@contextlib.contextmanager
def notebook_page(base, token, path, tmp_path):
    """A headless Chromium page with notebook ``path`` open in the JupyterLab
    at ``base``; yields (page, console) and always closes the browser."""
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.set_default_timeout(60_000)
            console = ConsoleLog(page)
            open_notebook(page, base, token, path, tmp_path, console)
            yield page, console
        finally:
            browser.close()


def open_notebook(page, base, token, path, tmp_path, console):
    """Open `path` (relative to the server root) and wait for its kernel to be idle."""
    page.goto(f"{base}/lab/tree/{path}?reset&token={token}", wait_until="domcontentloaded")
    try:
        page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=90_000)
        page.wait_for_selector(".jp-NotebookPanel [data-status='idle']", timeout=90_000)
    except Exception as exc:
        page.screenshot(path=str(tmp_path / "not_ready.png"))
        pytest.fail(f"the notebook or its kernel never became ready: {exc}\n{console}")


def dismiss_kernel_dialog(page):
    """On a loaded machine JupyterLab may lose the kernel it was starting and ask
    which one to use: answer Python 3, as a user would.  True if it asked."""
    dialog = page.locator(".jp-Dialog")
    if not dialog.count():
        return False
    choice = dialog.locator("select")
    if choice.count():
        labels = choice.first.locator("option").all_text_contents()
        python = [label for label in labels if "Python 3" in label]
        if python:
            choice.first.select_option(label=python[0])
    dialog.locator(".jp-Dialog-button.jp-mod-accept").first.click()
    return True


def _menu(page, menu, item):
    dismiss_kernel_dialog(page)
    page.locator(".jp-NotebookPanel .jp-Notebook").first.click(position={"x": 5, "y": 5})
    page.locator(".lm-MenuBar-itemLabel", has_text=menu).first.click()
    page.locator(".lm-Menu-itemLabel", has_text=item).first.click()


def run_all_cells(page, console, tmp_path, *, clear_first=False, timeout_ms=30_000):
    """Run > Run All Cells, through the menu a user would click, until every code cell
    has run. Retried: on a loaded machine JupyterLab can swap the session's kernel
    just after opening, and cells queued on the first one are lost.

    clear_first: Edit > Clear Outputs of All Cells before each try, for a notebook
    saved with its outputs (its saved [n] prompts would otherwise look already run)."""
    # textContent, not innerText: JupyterLab skips rendering cells scrolled out of
    # view (content-visibility), and their innerText is then empty
    all_ran = (
        "() => { const p = [...document.querySelectorAll("
        "'.jp-NotebookPanel .jp-CodeCell .jp-InputArea-prompt')];"
        " return p.length > 0 && p.every(e => /\\[\\d+\\]/.test(e.textContent)); }"
    )
    none_ran = (
        "() => [...document.querySelectorAll("
        "'.jp-NotebookPanel .jp-CodeCell .jp-InputArea-prompt')]"
        ".every(e => !/\\[\\d+\\]/.test(e.textContent))"
    )
    for _attempt in range(4):
        dismiss_kernel_dialog(page)
        page.wait_for_selector(".jp-NotebookPanel [data-status='idle']", timeout=60_000)
        if clear_first:
            _menu(page, "Edit", "Clear Outputs of All Cells")
            page.wait_for_function(none_ran, timeout=30_000)
        _menu(page, "Run", "Run All Cells")
        try:
            page.wait_for_function(all_ran, timeout=timeout_ms)
            return
        except Exception:
            if not dismiss_kernel_dialog(page):
                page.keyboard.press("Escape")
    page.screenshot(path=str(tmp_path / "not_run.png"), full_page=True)
    prompts = page.locator(".jp-CodeCell .jp-InputArea-prompt").all_text_contents()
    pytest.fail(
        f"Run All Cells did not run every cell after 4 tries (prompts {prompts})\n{console}"
    )
