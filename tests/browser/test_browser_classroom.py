"""What a student does in a real JupyterLab, driven by headless Chromium.

* The gradient quiz (tests/browser/browser_nb/quiz.ipynb): type one wrong and four right
  gradients, press Check, and the page marks the wrong box red with its chain-rule
  hint and the right ones green.
* The shipped first notebook (notebooks/en/01_autograd_chapter_pytorch.ipynb, served from a
  temp copy of notebooks/): run it all, then step the chapter's first example with
  Next until the panel shows the backward pass's chain rule.

The expected answers and frames are computed here, in the test process, by the
same engine calls the notebooks make; nothing is hard-coded.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from browser_support import (
    REPO,
    chromium_path,
    click,
    jupyterlab_server,
    keep_screenshot,
    notebook_page,
    run_all_cells,
)

QUIZ_NB = Path(__file__).resolve().parent / "browser_nb" / "quiz.ipynb"
CHAPTER_NB = "en/01_autograd_chapter_pytorch.ipynb"
GREEN, RED = "rgb(26, 127, 55)", "rgb(207, 34, 46)"  # quiz.py's #1a7f37 and #cf222e

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _squash(text):
    return " ".join(text.split())


def _fail_with_page(page, tmp_path, what, exc, console):
    page.screenshot(path=str(tmp_path / "failure.png"), full_page=True)
    outputs = page.locator(".jp-OutputArea-output").all_inner_texts()
    pytest.fail(f"{what}: {exc}\ncell outputs: {[o[:300] for o in outputs]}\n{console}")


# -- 1. the quiz ------------------------------------------------------------------------


def quiz_like_the_notebook():
    """The notebook's GradientQuiz, built here with the seed and language its cell uses."""
    from autograd_viz.exercises.quiz import GradientQuiz

    source = "".join(
        "".join(c["source"])
        for c in json.loads(QUIZ_NB.read_text())["cells"]
        if c["cell_type"] == "code"
    )
    seed = int(re.search(r"seed=(\d+)", source).group(1))
    lang = re.search(r"lang=\"(\w+)\"", source).group(1)
    return GradientQuiz(seed=seed, lang=lang)


def _quiz_rows(page):
    """Per node box (by its label dL/dx ...): the box's border colour and its row's text."""
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('.jp-OutputArea .widget-text')]
            .map(box => [box.querySelector('label').innerText.trim(), {
                border: getComputedStyle(box).borderTopColor,
                row: box.closest('.widget-hbox').innerText,
            }]))"""
    )


@pytest.fixture
def quiz_lab(tmp_path):
    chromium_path()
    root = tmp_path / "nb"
    root.mkdir()
    shutil.copy(QUIZ_NB, root / QUIZ_NB.name)
    with jupyterlab_server(tmp_path, root) as server:
        yield server


def test_quiz_marks_wrong_and_right_boxes(quiz_lab, tmp_path):
    from autograd_viz.exercises.messages import msg

    quiz = quiz_like_the_notebook()
    root, nodes, answers = quiz.root_name, quiz.nodes, quiz.answers
    wrong = nodes[0]  # an input used twice: its hint is a sum of two terms
    right = [n for n in nodes if n != wrong]
    label = {n: f"d{root}/d{n}" for n in nodes}
    typed = {n: answers[n] for n in right}
    typed[wrong] = answers[wrong] + 3

    base, token = quiz_lab
    with notebook_page(base, token, QUIZ_NB.name, tmp_path) as (page, console):
        run_all_cells(page, console, tmp_path)
        check = page.locator(
            ".jp-OutputArea button.jupyter-button", has_text=msg("quiz_check", quiz.lang)
        )
        try:
            check.wait_for(timeout=90_000)
            page.wait_for_function(
                "n => document.querySelectorAll('.jp-OutputArea .widget-text input').length === n",
                arg=len(nodes),
                timeout=30_000,
            )
        except Exception as exc:
            _fail_with_page(page, tmp_path, "the quiz widget did not appear", exc, console)
        before = _quiz_rows(page)
        assert sorted(before) == sorted(label.values()), before

        for n in nodes:
            box = (
                page.locator(".jp-OutputArea .widget-text")
                .filter(has=page.get_by_text(label[n], exact=True))
                .locator("input")
            )
            box.fill(f"{typed[n]:g}")
            box.press("Tab")  # FloatText sends its value on change (blur)
        click(page, check, console, tmp_path)  # a JupyterLab dialog is answered first
        score = msg("quiz_score", quiz.lang, right=len(right), n=len(nodes))
        try:
            page.locator(".jp-OutputArea", has_text=score).first.wait_for(timeout=60_000)
        except Exception as exc:
            _fail_with_page(page, tmp_path, f"Check did not report {score!r}", exc, console)

        rows = _quiz_rows(page)
        bad = rows[label[wrong]]
        assert bad["border"] == RED, (wrong, bad, before[label[wrong]])
        assert "✗" in bad["row"] and _squash(quiz.hints[wrong]) in _squash(bad["row"]), bad
        for n in right:
            good = rows[label[n]]
            assert good["border"] == GREEN, (n, good)
            assert "✓ " + msg("quiz_right", quiz.lang) in good["row"], (n, good)
            assert "✗" not in good["row"], (n, good)

        page.evaluate("document.activeElement && document.activeElement.blur()")
        output = page.locator(".jp-OutputArea-output:has(button.jupyter-button)").first
        output.scroll_into_view_if_needed()
        shot = tmp_path / "quiz_browser.png"
        output.screenshot(path=str(shot))
        keep_screenshot(shot, "quiz_browser.png")

        # fixing the wrong box and checking again turns it green: the kernel re-reads it
        box = (
            page.locator(".jp-OutputArea .widget-text")
            .filter(has=page.get_by_text(label[wrong], exact=True))
            .locator("input")
        )
        box.fill(f"{answers[wrong]:g}")
        box.press("Tab")
        click(page, check, console, tmp_path)
        all_right = msg("quiz_score", quiz.lang, right=len(nodes), n=len(nodes))
        page.locator(".jp-OutputArea", has_text=all_right).first.wait_for(timeout=60_000)
        assert _quiz_rows(page)[label[wrong]]["border"] == GREEN


# -- 2. the first notebook, as a newcomer opens it ----------------------------------------------


def chapter_first_frames():
    """(frames, x.grad) of the notebook's first av.step_through(y): the chapter's first
    example with the PyTorch dialect (the notebook's default FRAMEWORK), built here."""
    import autograd_viz as av
    import autograd_viz.torch as torch

    x = torch.arange(4.0)
    x.requires_grad_(True)
    y = 2 * torch.dot(x, x)
    y.backward()
    return av.step_through(y, lang="en").frames, np.asarray(x.grad.data)


@pytest.fixture
def notebooks_lab(tmp_path):
    chromium_path()
    root = tmp_path / "notebooks"
    shutil.copytree(REPO / "notebooks", root)  # the server may write into its root
    with jupyterlab_server(tmp_path, root) as server:
        yield server


def test_newcomer_steps_through_the_first_example(notebooks_lab, tmp_path):
    import player_page as pp

    frames, x_grad = chapter_first_frames()
    n = len(frames)
    base, token = notebooks_lab
    with notebook_page(base, token, CHAPTER_NB, tmp_path) as (page, console):
        # the notebook ships with its outputs: clear them so "every cell has a
        # number" really means this kernel ran it, and no saved widget is found
        run_all_cells(page, console, tmp_path, clear_first=True)
        try:
            pp.wait_for_players(page, 1)
        except AssertionError as exc:
            _fail_with_page(page, tmp_path, "no step-through appeared", exc, console)
        seen = [pp.wait_counter(page, 0, f"1 / {n}")]
        assert _squash(frames[0].title) in _squash(seen[0]["panel"]), seen[0]
        for i in range(1, n):
            pp.click(page, 0, ".avz-next")
            now = pp.wait_counter(page, 0, f"{i + 1} / {n}")
            assert now["svg"] != seen[-1]["svg"], f"the diagram did not change at {i + 1}"
            assert _squash(frames[i].title) in _squash(now["panel"]), (now, frames[i].title)
            assert _squash(frames[i].text) in _squash(now["panel"]), (now, frames[i].text)
            seen.append(now)

        last = _squash(seen[-1]["panel"])
        assert frames[-1].kind == "backward" and "Backward" in last, last
        assert "Chain rule" in last, last
        # the gradient 4x of y = 2 xᵀx, as the engine computed it: [0, 4, 8, 12]
        gradient = "[" + ", ".join(f"{v:g}" for v in x_grad) + "]"
        assert gradient in last, (gradient, last)

        page.evaluate("document.activeElement && document.activeElement.blur()")
        shot = tmp_path / "notebook01_browser.png"
        page.screenshot(path=str(shot))
        keep_screenshot(shot, "notebook01_browser.png")
