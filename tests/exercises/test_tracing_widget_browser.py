"""ch.manual_tracing.widget() in a real JupyterLab, driven by headless Chromium:
a student types the forward values and the gradients of (x + y)·z into the
boxes, presses Check, and the wrong boxes turn red with the same sentences
ch.manual_tracing.check gives, the right ones green.

The expected sentences come from the exercise itself, in this process.
"""

from __future__ import annotations

import re

import nbformat
import pytest
from browser_support import (
    chromium_path,
    jupyterlab_server,
    keep_screenshot,
    notebook_page,
    run_all_cells,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
GREEN, RED = "rgb(26, 127, 55)", "rgb(207, 34, 46)"  # quiz.py's #1a7f37 and #cf222e


def _squash(text):
    return " ".join(text.split())


def test_tracing_widget_marks_values_and_gradients_with_the_exercise_messages(tmp_path):
    from autograd_viz.exercises import autograd_chapter as ch

    chromium_path()
    root = tmp_path / "nb"
    root.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "from autograd_viz.exercises import autograd_chapter as ch\n"
            "quiz = ch.manual_tracing.widget(lang='en')\nquiz"
        )
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, root / "tracing.ipynb")

    right = ch.manual_tracing.reference()
    right = {k: float(v.data) for k, v in right.items()}
    typed = {
        "q =": right["q"],
        "f =": -right["f"],  # f's sign wrong
        "df/dx": 1.0,  # the + node's derivative alone
        "df/dy": right["df_dy"],
        "df/dz": right["df_dz"],
        "df/dq": right["df_dx"],
        "df/df": 1.0,
    }
    wrong = {"f =": "f", "df/dx": "df_dx"}
    checked = ch.manual_tracing.check({**right, "f": -right["f"], "df_dx": 1.0}, lang="en")
    sentences = {
        label: re.search(rf"• {entry} = [-\d.]+: (.*)", checked.message)[1]
        for label, entry in wrong.items()
    }

    with jupyterlab_server(tmp_path, root) as (base, token):
        with notebook_page(base, token, "tracing.ipynb", tmp_path) as (page, console):
            run_all_cells(page, console, tmp_path)
            check = page.locator(".jp-OutputArea button.jupyter-button", has_text="Check")
            check.wait_for(timeout=90_000)
            page.wait_for_function(
                "n => document.querySelectorAll('.jp-OutputArea .widget-text input').length === n",
                arg=len(typed),
                timeout=30_000,
            )
            # the drawing leaves q and f grey: their values are what is asked
            svg = page.locator(".jp-OutputArea svg").first.inner_html()
            assert "pending" in svg and "-12" not in svg
            for label, value in typed.items():
                box = (
                    page.locator(".jp-OutputArea .widget-text")
                    .filter(has=page.get_by_text(label, exact=True))
                    .locator("input")
                )
                box.fill(f"{value:g}")
                box.press("Tab")  # FloatText sends its value on change (blur)
            check.click()
            page.locator(".jp-OutputArea", has_text="5 of 7 right").first.wait_for(timeout=30_000)
            rows = page.evaluate(
                """() => Object.fromEntries([...document.querySelectorAll(
                    '.jp-OutputArea .widget-text')].map(box => [
                    box.querySelector('label').innerText.trim(), {
                        border: getComputedStyle(box).borderTopColor,
                        row: box.closest('.widget-hbox').innerText}]))"""
            )
            for label in typed:
                if label in wrong:
                    assert rows[label]["border"] == RED, (label, rows[label])
                    assert _squash(sentences[label]) in _squash(rows[label]["row"]), rows[label]
                else:
                    assert rows[label]["border"] == GREEN, (label, rows[label])
                    assert "✓ right" in rows[label]["row"], rows[label]
            page.evaluate("document.activeElement && document.activeElement.blur()")
            output = page.locator(".jp-OutputArea-output:has(button.jupyter-button)").first
            output.scroll_into_view_if_needed()
            shot = tmp_path / "tracing_widget.png"
            output.screenshot(path=str(shot))
            keep_screenshot(shot, "tracing_widget.png")
