"""A teacher edits a notebook's source in JupyterLab, driven by headless Chromium.

The chapter's English source (notebooks/src/en/01_autograd_chapter.md, in a temp
copy of notebooks/) is opened the way notebooks/README.md tells teachers to:
right-click → Open With → Jupytext Notebook.  JupyterLab shows it as a notebook
with every cell of the source, the ``%%tab`` lines included; saving it from
JupyterLab leaves the file byte for byte as it was, so a teacher's save makes no
noise in the diff and the parity test reads what JupyterLab wrote.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest
from browser_support import (
    REPO,
    chromium_path,
    jupyterlab_server,
    keep_screenshot,
    launch_chromium,
    sync_playwright,
)

sys.path.insert(0, str(REPO / "tools"))
import build_notebooks as build  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SOURCE = "src/en/01_autograd_chapter.md"


@pytest.fixture
def lab_on_a_copy(tmp_path):
    chromium_path()
    root = tmp_path / "notebooks"
    shutil.copytree(REPO / "notebooks", root)
    with jupyterlab_server(tmp_path, root) as server:
        yield server, root


def test_teacher_opens_the_chapter_source_as_a_notebook_and_saves_it(lab_on_a_copy, tmp_path):
    (base, token), root = lab_on_a_copy
    before = (root / SOURCE).read_bytes()
    saved_at = (root / SOURCE).stat().st_ctime_ns
    cells = build.read_source(root / SOURCE).cells
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.set_default_timeout(60_000)
            folder = str(Path(SOURCE).parent)
            page.goto(
                f"{base}/lab/tree/{folder}?reset&token={token}", wait_until="domcontentloaded"
            )
            item = page.locator(".jp-DirListing-item", has_text=Path(SOURCE).name)
            item.wait_for(timeout=90_000)
            item.click(button="right")
            page.locator(".lm-Menu-itemLabel", has_text="Open With").first.hover()
            page.locator(".lm-Menu-itemLabel", has_text="Jupytext Notebook").first.click()
            page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=90_000)
            # the status bar counts every cell, rendered yet or not
            try:
                page.wait_for_function(
                    "n => new RegExp('Cell \\\\d+/' + n + '\\\\b').test(document.body.innerText)",
                    arg=len(cells),
                    timeout=60_000,
                )
            except Exception as exc:
                counter = re.search(r"Cell \d+/\d+", page.inner_text("body"))
                pytest.fail(
                    f"JupyterLab shows {counter and counter.group(0)!r}, the source "
                    f"has {len(cells)} cells: {exc}"
                )
            first_tab = page.locator(".jp-CodeCell .jp-InputArea", has_text="%%tab pytorch").first
            first_tab.wait_for(timeout=30_000)
            assert "import autograd_viz.torch as torch" in first_tab.inner_text()
            shot = tmp_path / "source_in_jupyterlab.png"
            page.screenshot(path=str(shot))
            keep_screenshot(shot, "notebook01_source_in_jupyterlab.png")

            page.locator(".jp-NotebookPanel .jp-Notebook").first.click(position={"x": 5, "y": 5})
            page.keyboard.press("Control+s")
            for _ in range(60):  # the save request is asynchronous
                if (root / SOURCE).stat().st_ctime_ns > saved_at:
                    break
                page.wait_for_timeout(500)
        finally:
            browser.close()
    assert (root / SOURCE).stat().st_ctime_ns > saved_at, "JupyterLab did not save the file"
    after = (root / SOURCE).read_bytes()
    assert after == before, "saving the source from JupyterLab rewrote it"
