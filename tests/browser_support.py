"""Shared pieces of the real-browser tests (a plain module, not a test file).

Debian's chromium (/usr/bin/chromium or $CHROMIUM_PATH) driven by playwright, and a
private JupyterLab on 127.0.0.1 serving a temp copy of some notebooks.  A missing
chromium fails under CI=true and skips on a dev machine.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
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
def jupyterlab_server(tmp_path, root, as_make_lab=False):
    """A private JupyterLab (own config, settings and workspace dirs) serving the
    directory `root` (a temp copy: the server may write checkpoints into it);
    yields (base_url, token); always stops the server and its kernels.
    ``as_make_lab``: started as `make lab` starts it (tools/lab.py: the
    project's custom CSS), the private config dir standing for the user's own."""
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
    options = [
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
    if as_make_lab:
        lab = _make_lab()
        env, cmd = lab.lab_environment(env), lab.lab_command(options)
    else:
        cmd = [sys.executable, "-m", "jupyterlab", *options]
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


def _make_lab():
    """tools/lab.py, the module `make lab` starts JupyterLab with."""
    spec = importlib.util.spec_from_file_location("lab", REPO / "tools" / "lab.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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


# How long JupyterLab may take, on a machine other engineers load too, to start
# a kernel, and the cells to run once started.  Waits only: a test that passes
# in less time is the same test (no timing is asserted anywhere here).
KERNEL_START_S = 240
CELLS_RUN_S = 300
# the notebook on screen (a page that opened another one keeps the first hidden)
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"


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
        page.wait_for_selector(f"{PANEL} .jp-Cell", timeout=KERNEL_START_S * 1000)
    except Exception as exc:
        _fail_with_page(
            page, tmp_path, f"the notebook {path} never showed its cells: {exc}", console
        )
    wait_for_idle(page, console, tmp_path)


# -- JupyterLab's dialogs ----------------------------------------------------------------

# dialogs that say something went wrong: answering them would hide the failure
_FAILURE_DIALOG = re.compile(r"error|died|dead|restarting|failed", re.I)


def _fail_with_page(page, tmp_path, what, console=None):
    shot = tmp_path / "failure.png"
    try:
        page.screenshot(path=str(shot), full_page=True)
        keep_screenshot(shot, f"failure_{tmp_path.name}.png")
    except Exception:
        pass
    pytest.fail(f"{what}\n(screenshot: {shot})\n{console or ''}", pytrace=False)


def answer_dialogs(page, console=None, tmp_path=None):
    """Answer the dialog JupyterLab shows, if any, as a user would, and return its
    title (None: no dialog).  On a loaded machine JupyterLab may lose the kernel it
    was starting and ask which one to use ("Select Kernel"): Python 3.  A dialog
    that reports a failure (a kernel that died or did not start, a server that
    cannot be reached) fails the test with its words instead."""
    dialog = page.locator(".jp-Dialog")
    if not dialog.count():
        return None
    try:
        title = dialog.locator(".jp-Dialog-header").first.inner_text(timeout=5_000).strip()
        body = dialog.locator(".jp-Dialog-body").first.inner_text(timeout=5_000).strip()
    except Exception:  # it closed by itself meanwhile
        return None
    if _FAILURE_DIALOG.search(title):
        where = tmp_path or Path(tempfile.mkdtemp())
        _fail_with_page(page, where, f"JupyterLab says {title!r}: {body[:500]}", console)
    choice = dialog.locator("select")
    if choice.count():
        labels = choice.first.locator("option").all_text_contents()
        python = [label for label in labels if "Python 3" in label]
        if python:
            choice.first.select_option(label=python[0])
    dialog.locator(".jp-Dialog-button.jp-mod-accept").first.click(timeout=10_000)
    if console is not None:
        console.lines.append(f"[test] answered JupyterLab's dialog {title!r}: {body[:200]}")
    return title


def dismiss_kernel_dialog(page):
    """True if JupyterLab showed a dialog and it was answered (see answer_dialogs)."""
    return answer_dialogs(page) is not None


def click(page, locator, console=None, tmp_path=None, timeout=60, **options):
    """Click ``locator`` (``options``: playwright's, e.g. position) as a user would:
    a dialog JupyterLab puts over the page meanwhile is answered first
    (answer_dialogs), then the click is tried again."""
    deadline = time.monotonic() + timeout
    while True:
        answer_dialogs(page, console, tmp_path)
        try:
            locator.click(timeout=5_000, **options)
            return
        except Exception as exc:
            if time.monotonic() > deadline:
                raise AssertionError(f"could not click {locator} within {timeout} s") from exc


# -- the kernel ------------------------------------------------------------------------------

_STATUS = f"""() => {{
  const e = document.querySelector("{PANEL} [data-status]");
  return e ? e.getAttribute("data-status") : null;
}}"""


def kernel_status(page):
    """What the notebook's toolbar says of its kernel: idle, busy, starting, dead, ..."""
    return page.evaluate(_STATUS)


def wait_for_idle(page, console, tmp_path, timeout=KERNEL_START_S):
    """Until the notebook's kernel is idle, answering JupyterLab's dialogs meanwhile;
    a kernel that died fails at once, one that is slow to start gets ``timeout`` s."""
    deadline = time.monotonic() + timeout
    status = None
    idle_since = None
    while True:
        if answer_dialogs(page, console, tmp_path):
            idle_since = None  # a kernel was chosen again: it starts afresh
        status = kernel_status(page)
        # idle and staying so for a moment: JupyterLab may still swap the kernel it
        # was starting for another just after the first reported idle
        idle_since = (idle_since or time.monotonic()) if status == "idle" else None
        if idle_since and time.monotonic() - idle_since > 1.5:
            return
        if status == "dead":
            _fail_with_page(page, tmp_path, "the notebook's kernel died", console)
        if time.monotonic() > deadline:
            _fail_with_page(
                page, tmp_path, f"the kernel was not idle within {timeout} s: {status}", console
            )
        page.wait_for_timeout(250)


# -- running cells ------------------------------------------------------------------------------


def _menu(page, menu, item, console=None, tmp_path=None, timeout=60):
    """Menu ``menu`` > ``item``; all three clicks again if a dialog got in the way."""
    deadline = time.monotonic() + timeout
    while True:
        answer_dialogs(page, console, tmp_path)
        try:
            # the notebook's corner: its focus, without touching a cell's widgets
            page.locator(f"{PANEL} .jp-Notebook").first.click(
                position={"x": 5, "y": 5}, timeout=5_000
            )
            page.locator(".lm-MenuBar-itemLabel", has_text=menu).first.click(timeout=5_000)
            page.locator(".lm-Menu-itemLabel", has_text=item).first.click(timeout=5_000)
            return
        except Exception as exc:
            page.keyboard.press("Escape")  # a menu left open
            if time.monotonic() > deadline:
                raise AssertionError(f"could not choose {menu} > {item} in {timeout} s") from exc


# each code cell's prompt: "[3]" ran, "[*]" queued or running, "[ ]" not run;
# textContent, not innerText: JupyterLab skips rendering cells scrolled out of
# view (content-visibility), and their innerText is then empty
_PROMPTS = f"""() => [...document.querySelectorAll(
  "{PANEL} .jp-CodeCell .jp-InputArea-prompt")].map(e => e.textContent.trim())"""
# the words of an error a cell raised (Run All stops there)
_ERROR = f"""() => {{
  const outs = [...document.querySelectorAll(
    "{PANEL} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")];
  const error = outs.find(e => /Traceback \\(most recent call last\\)|^\\w*(Error|Exception)\\b/m
    .test(e.textContent));
  return error ? error.textContent.slice(-1500) : null;
}}"""


def run_all_cells(page, console, tmp_path, *, clear_first=False, timeout_ms=CELLS_RUN_S * 1000):
    """Run > Run All Cells, through the menu a user would click, until every code
    cell has run (``timeout_ms``: how long the cells may take once started).

    A cell that raises fails at once, with its error.  Run again only when the
    cells were lost: JupyterLab can swap the session's kernel just after opening
    on a loaded machine, and cells queued on the first one never run (the kernel
    then stays idle with cells not run; between two cells of a Run All it is idle
    for an instant only, as the next request is already waiting for it).

    clear_first: Edit > Clear Outputs of All Cells before each try, for a notebook
    saved with its outputs (its saved [n] prompts would otherwise look already run)."""
    for _attempt in range(4):
        wait_for_idle(page, console, tmp_path)
        if clear_first:
            _menu(page, "Edit", "Clear Outputs of All Cells", console, tmp_path)
            page.wait_for_function(
                f"() => ({_PROMPTS})().every(p => !/\\[\\d+\\]/.test(p))", timeout=60_000
            )
        _menu(page, "Run", "Run All Cells", console, tmp_path)
        deadline = time.monotonic() + timeout_ms / 1000
        idle_since = None
        swapped = False  # JupyterLab asked for a kernel again during this run
        while True:
            swapped = bool(answer_dialogs(page, console, tmp_path)) or swapped
            prompts = page.evaluate(_PROMPTS)
            if prompts and all(re.search(r"\[\d+\]", p) for p in prompts):
                return
            error = page.evaluate(_ERROR)
            if error and swapped and "NameError" in error:
                # the first cells ran on the kernel that was then replaced: the
                # new one lacks their names; run everything again on it
                console.lines.append("[test] the kernel was swapped mid-run: run again")
                clear_first = True
                break
            if error:
                _fail_with_page(page, tmp_path, f"a cell raised:\n{error}", console)
            status = kernel_status(page)
            if status == "dead":
                _fail_with_page(page, tmp_path, "the notebook's kernel died", console)
            idle_since = (idle_since or time.monotonic()) if status == "idle" else None
            if idle_since and time.monotonic() - idle_since > 10:
                console.lines.append(f"[test] cells were lost (prompts {prompts}): run again")
                break
            if time.monotonic() > deadline:
                _fail_with_page(
                    page,
                    tmp_path,
                    f"the cells did not all run within {timeout_ms / 1000:.0f} s "
                    f"(prompts {prompts}, kernel {status})",
                    console,
                )
            page.wait_for_timeout(250)
    _fail_with_page(
        page, tmp_path, f"Run All Cells lost its cells 4 times (prompts {prompts})", console
    )
