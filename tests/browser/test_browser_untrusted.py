"""A shipped notebook opened in JupyterLab before anyone runs it shows pictures.

A notebook the user did not execute is untrusted: JupyterLab then draws no
image/svg+xml and no widget, and strips <svg> from HTML.  This test copies
the shipped notebooks/en/01_autograd_chapter_pytorch.ipynb as it is (its saved
outputs are what a newcomer gets; tests/notebooks checks they match the
sources), opens it in a real JupyterLab WITHOUT running it, and checks that
the first av.draw output and the first step-through are visible pictures
(loaded, non-zero size on the page).
Screenshots go to test-output/screenshots/.
"""

from __future__ import annotations

import json
import urllib.request
import uuid

import pytest
from browser_support import REPO, chromium_path, jupyterlab_server, keep_screenshot, notebook_page

NOTEBOOK = "en/01_autograd_chapter_pytorch.ipynb"
WIDGET = "application/vnd.jupyter.widget-view+json"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _untrusted_copy(src, dest):
    """The shipped notebook, unchanged but for a marker no trust database has
    seen, so the server cannot find it trusted."""
    import nbformat

    nb = nbformat.read(src, as_version=4)
    nb.metadata["autograd_viz_test"] = uuid.uuid4().hex
    nbformat.write(nb, dest)
    return nb


def _first_cell_with(nb, predicate):
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and any(predicate(o.get("data", {})) for o in cell.outputs):
            return i
    raise AssertionError("no such output in the notebook")


@pytest.fixture
def untrusted_lab(tmp_path):
    chromium_path()
    root = tmp_path / "nb"
    (root / "en").mkdir(parents=True)
    nb = _untrusted_copy(REPO / "notebooks" / NOTEBOOK, root / NOTEBOOK)
    with jupyterlab_server(tmp_path, root) as (base, token):
        yield base, token, nb


def _server_marks_untrusted(base, token):
    url = f"{base}/api/contents/{NOTEBOOK}?content=1&token={token}"
    with urllib.request.urlopen(url, timeout=30) as reply:
        model = json.loads(reply.read().decode())
    cells = [c for c in model["content"]["cells"] if c["cell_type"] == "code"]
    return not any(c.get("metadata", {}).get("trusted") for c in cells)


def _picture(page, cell_index, what, tmp_path, shot_name):
    """The <img> in the outputs of code cell ``cell_index``: wait until it has
    loaded with a real size on the page, screenshot the output, return facts."""
    cell = page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").nth(cell_index)
    cell.scroll_into_view_if_needed()
    img = cell.locator(".jp-OutputArea-output img").first
    try:
        img.wait_for(state="visible", timeout=30_000)
        page.wait_for_function(
            "el => el.complete && el.naturalWidth > 0", arg=img.element_handle(), timeout=30_000
        )
    except Exception as exc:
        page.screenshot(path=str(tmp_path / f"{shot_name}_failure.png"), full_page=True)
        keep_screenshot(tmp_path / f"{shot_name}_failure.png", f"{shot_name}_failure.png")
        text = cell.locator(".jp-OutputArea").inner_text()
        pytest.fail(
            f"{what}: no loaded picture in cell {cell_index} ({exc}); "
            f"the output shows: {text[:400]!r}"
        )
    facts = img.evaluate(
        "el => ({w: el.naturalWidth, h: el.naturalHeight,"
        " src: el.getAttribute('src').slice(0, 30),"
        " box: el.getBoundingClientRect().toJSON()})"
    )
    output = cell.locator(".jp-OutputArea").first
    shot = tmp_path / f"{shot_name}.png"
    output.screenshot(path=str(shot))
    keep_screenshot(shot, f"{shot_name}.png")
    facts["text"] = output.inner_text()
    facts["svg_elements"] = output.locator("svg").count()
    return facts


def test_unrun_shipped_notebook_shows_its_diagrams(untrusted_lab, tmp_path):
    base, token, nb = untrusted_lab
    assert _server_marks_untrusted(base, token), "the copy should open untrusted"
    draw_cell = _first_cell_with(nb, lambda d: "image/svg+xml" in d)
    steps_cell = _first_cell_with(nb, lambda d: WIDGET in d)

    with notebook_page(base, token, NOTEBOOK, tmp_path) as (page, console):
        diagram = _picture(
            page, draw_cell, "the first av.draw output", tmp_path, "untrusted_first_diagram"
        )
        assert diagram["src"].startswith("data:image/png"), diagram  # the untrusted fallback
        assert diagram["w"] > 200 and diagram["h"] > 50, diagram
        assert diagram["box"]["width"] > 200 and diagram["box"]["height"] > 50, diagram
        assert "<autograd_viz diagram" not in diagram["text"], diagram["text"]

        player = _picture(
            page, steps_cell, "the first step-through", tmp_path, "untrusted_first_step_through"
        )
        assert player["src"].startswith("data:image/svg+xml"), player
        assert player["box"]["width"] > 100 and player["box"]["height"] > 50, player
        assert player["svg_elements"] == 0, "inline SVG would have been stripped"
        # the frame's title is readable text under the picture, not the SVG's words
        first_frame_title = _frame_title(nb, steps_cell)
        assert first_frame_title in player["text"], (first_frame_title, player["text"][:300])

        page.screenshot(path=str(tmp_path / "untrusted_notebook.png"))
        keep_screenshot(tmp_path / "untrusted_notebook.png", "untrusted_notebook.png")


def _frame_title(nb, cell_index):
    """The frame title saved in the copy kept beside the step-through (<b>…</b>)."""
    import html
    import re

    (out,) = [
        o
        for o in nb.cells[cell_index].outputs
        if 'class="avz-copy"' in o.get("data", {}).get("text/html", "")
    ]
    match = re.search(r"<b>(.*?)</b>", out["data"]["text/html"], re.S)
    assert match, "the copy should carry the frame title"
    return html.unescape(match.group(1)).strip()
