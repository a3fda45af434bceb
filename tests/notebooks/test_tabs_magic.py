"""A notebook source runs as it is, one framework's tabs at a time, once
autograd_viz.tabs is loaded (what a teacher does who opens a source in
JupyterLab and presses Run All)."""

from __future__ import annotations

from pathlib import Path

import jupytext
import pytest
from IPython.core.interactiveshell import InteractiveShell

SOURCE = Path(__file__).resolve().parents[2] / "notebooks" / "src" / "en" / "01_autograd_chapter.md"


@pytest.fixture
def shell():
    sh = InteractiveShell.instance()
    sh.run_cell("%load_ext autograd_viz.tabs", store_history=False)
    yield sh
    sh.run_cell("%tab pytorch", store_history=False)
    InteractiveShell.clear_instance()


def test_a_tab_cell_runs_only_for_the_chosen_framework(shell, capsys):
    shell.run_cell("%tab jax")
    shell.run_cell("%%tab pytorch\nseen = 'pytorch'")
    assert "seen" not in shell.user_ns
    assert "skipped while running the jax cells" in capsys.readouterr().out
    shell.run_cell("%%tab tensorflow, jax\nseen = 'jax'")
    assert shell.user_ns["seen"] == "jax"
    shell.run_cell("%%tab all\nboth = 1")
    assert shell.user_ns["both"] == 1


def test_a_tab_cell_shows_its_value_and_fails_like_any_cell(shell):
    result = shell.run_cell("%%tab pytorch\n6 * 7")
    assert result.success and result.result == 42
    result = shell.run_cell("%%tab pytorch\n1 / 0")
    assert isinstance(result.error_in_exec, ZeroDivisionError)


def test_an_unknown_framework_is_named_with_the_choices(shell):
    result = shell.run_cell("%tab caffe")
    assert isinstance(result.error_in_exec, ValueError)
    assert "pytorch, tensorflow, mxnet, jax" in str(result.error_in_exec)
    result = shell.run_cell("%%tab pytroch\nx = 1")
    assert isinstance(result.error_in_exec, ValueError) and "pytroch" in str(result.error_in_exec)


@pytest.mark.slow
@pytest.mark.parametrize("framework", ["pytorch", "tensorflow", "mxnet", "jax"])
def test_the_chapter_source_runs_top_to_bottom_for_each_framework(shell, framework):
    shell.run_cell(f"%tab {framework}")
    nb = jupytext.read(SOURCE, fmt="md:myst")
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        result = shell.run_cell(cell.source, store_history=False, silent=True)
        assert result.success, (
            f"{SOURCE.name} code cell {i} failed for {framework}: "
            f"{result.error_in_exec or result.error_before_exec!r}\n"
            f"{cell.source}"
        )
