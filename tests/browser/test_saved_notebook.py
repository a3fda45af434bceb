"""A saved notebook with a step-through, opened where no kernel runs it.

The notebook (tests/browser/browser_nb/step_through.ipynb) is executed once by
nbclient, which saves the widget state as Jupyter does.  Then:

* ``jupyter nbconvert --to html`` (lab and classic templates) opened from
  file:// with every other request refused: nbconvert's page loads its widget
  manager from a CDN, so the widget cannot draw; the copy kept beside it steps
  through every frame by click and by key; with scripts off it is a picture;
* JupyterLab, the notebook trusted: the widget draws from the saved state and
  steps in the page after the kernel is shut down;
* JupyterLab, untrusted: the picture of the first frame and its text.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request

import nbformat
import player_page as pp
import pytest
from browser_support import (
    REPO,
    ConsoleLog,
    chromium_path,
    jupyterlab_server,
    keep_screenshot,
    launch_chromium,
    notebook_page,
    sync_playwright,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SOURCE = REPO / "tests" / "browser" / "browser_nb" / "step_through.ipynb"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """(path, notebook) of the notebook executed and saved with its widget state."""
    from nbclient import NotebookClient

    chromium_path()
    where = tmp_path_factory.mktemp("saved")
    nb = nbformat.read(SOURCE, as_version=4)
    NotebookClient(
        nb, kernel_name="python3", resources={"metadata": {"path": str(where)}}
    ).execute()
    assert WIDGET_STATE in nb.metadata.get("widgets", {}), "nbclient should keep the widget state"
    path = where / "saved.ipynb"
    nbformat.write(nb, path)
    return path, nb


def frames():
    import autograd_viz as av

    x = av.arange(4.0, requires_grad=True, name="x")
    y = 2 * av.dot(x, x)
    y.backward()
    return av.step_through(y).frames


def _export(path, template, out_dir):
    out = out_dir / f"{template}.html"
    done = subprocess.run(
        [sys.executable, "-m", "nbconvert", "--to", "html", f"--template={template}"]
        + ["--output", out.stem, "--output-dir", str(out_dir), str(path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return out


@pytest.mark.parametrize("template", ["lab", "classic"])
def test_nbconvert_html_steps_every_frame_offline(saved, tmp_path, template):
    path, _nb = saved
    want = frames()
    n = len(want)
    page_file = _export(path, template, tmp_path)
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            context = browser.new_context(viewport={"width": 1200, "height": 1000})
            refused = []

            def only_the_file(route):
                if route.request.url.startswith("file://"):
                    route.continue_()
                else:
                    refused.append(route.request.url)
                    route.abort()

            context.route("**/*", only_the_file)
            page = context.new_page()
            console = ConsoleLog(page)
            page.goto(page_file.as_uri())
            pp.wait_for_players(page, 1, timeout=20)
            page.wait_for_timeout(500)
            assert pp.count(page) == 1, "one player for one step-through"
            assert refused, "the page asks a CDN for the widget manager, and gets nothing"
            for i in range(1, n):
                pp.click(page, 0, ".avz-next")
                now = pp.wait_counter(page, 0, f"{i + 1} / {n}")
                assert pp.squash(want[i].text) in pp.squash(now["panel"])
            pp.focus(page)
            page.keyboard.press("Home")
            pp.wait_counter(page, 0, f"1 / {n}")
            page.keyboard.press("ArrowRight")
            pp.wait_counter(page, 0, f"2 / {n}")
            pp.assert_readable(page)
            page.evaluate("document.activeElement && document.activeElement.blur()")
            shot = tmp_path / f"nbconvert_{template}.png"
            page.screenshot(path=str(shot), full_page=True)
            keep_screenshot(shot, shot.name)
            ours = [ln for ln in console.lines if "pageerror" in ln and "avz" in ln.lower()]
            assert not ours, str(console)

            # scripts off (a viewer that runs none): the first frame as a picture, and its text
            still = browser.new_context(java_script_enabled=False)
            still.route("**/*", only_the_file)
            quiet = still.new_page()
            quiet.goto(page_file.as_uri())
            img = quiet.locator(".avz-copy img").first
            img.wait_for(state="visible", timeout=20_000)
            assert img.evaluate("e => e.complete && e.naturalWidth > 100"), "the picture loads"
            assert want[0].title in quiet.locator(".avz-copy").inner_text()
        finally:
            browser.close()


def _trust(path, data_dir):
    from nbformat.sign import NotebookNotary

    data_dir.mkdir(parents=True, exist_ok=True)
    NotebookNotary(data_dir=str(data_dir)).sign(nbformat.read(path, as_version=4))


def _stop_kernels(base, token):
    with urllib.request.urlopen(f"{base}/api/kernels?token={token}", timeout=10) as reply:
        kernels = json.loads(reply.read().decode())
    for kernel in kernels:
        req = urllib.request.Request(
            f"{base}/api/kernels/{kernel['id']}?token={token}", method="DELETE"
        )
        urllib.request.urlopen(req, timeout=10).close()
    return len(kernels)


@pytest.mark.parametrize("case", ["trusted", "untrusted", "trusted, no widget state"])
def test_saved_notebook_in_jupyterlab_without_running_it(saved, tmp_path, case):
    """``trusted, no widget state``: saved from JupyterLab, which keeps no widget
    state unless asked: the copy plays, and the widget's "model not found" is hidden."""
    path, nb = saved
    want = frames()
    n = len(want)
    trusted = case.startswith("trusted")
    root = tmp_path / "nb"
    root.mkdir()
    if case.endswith("no widget state"):
        nb = nbformat.from_dict(json.loads(json.dumps(nb)))
        nb.metadata.pop("widgets")
        nbformat.write(nb, root / "saved.ipynb")
    else:
        (root / "saved.ipynb").write_bytes(path.read_bytes())
    if trusted:  # the server's own trust database (browser_support sets JUPYTER_DATA_DIR)
        _trust(root / "saved.ipynb", tmp_path / "jupyter" / "data")
    with jupyterlab_server(tmp_path, root) as (base, token):
        with notebook_page(base, token, "saved.ipynb", tmp_path) as (page, console):
            cell = page.locator(".jp-NotebookPanel .jp-Cell").nth(2)
            cell.scroll_into_view_if_needed()
            if trusted:
                pp.wait_for_players(page, 1, timeout=60)
                page.wait_for_timeout(500)
                assert pp.count(page) == 1
                _stop_kernels(base, token)  # whatever started: the page is on its own now
                page.wait_for_timeout(1000)
                assert _stop_kernels(base, token) == 0
                for i in range(1, n):  # the page steps with no kernel behind it
                    pp.click(page, 0, ".avz-next")
                    now = pp.wait_counter(page, 0, f"{i + 1} / {n}")
                    assert pp.squash(want[i].text) in pp.squash(now["panel"])
                pp.assert_readable(page)
                page.wait_for_timeout(3000)
                shown = cell.locator(".jp-OutputArea").inner_text()
                assert "model not found" not in shown, shown
            else:
                img = cell.locator(".jp-OutputArea-output img").first
                img.wait_for(state="visible", timeout=30_000)
                page.wait_for_function(
                    "e => e.complete && e.naturalWidth > 100", arg=img.element_handle()
                )
                text = cell.locator(".jp-OutputArea").inner_text()
                assert want[0].title in text and pp.squash(want[0].text) in pp.squash(text)
                assert cell.locator(".jp-OutputArea svg").count() == 0
                assert pp.count(page) == 0, "no script runs in an untrusted notebook"
            page.evaluate("document.activeElement && document.activeElement.blur()")
            shot = tmp_path / "saved.png"
            page.screenshot(path=str(shot))
            keep_screenshot(shot, f"saved_notebook_{case.replace(', ', '_').replace(' ', '_')}.png")
