"""The real frameworks are optional, and the layers stay apart.

``import autograd_viz`` imports neither PyTorch nor JAX; with them absent
(their import blocked in a fresh interpreter) everything of our own still
works and asking for one says what to install.  The renderer reads only the
graph description: it imports no framework and no capture module; the
description's dataclasses import nothing of the package; the engine reads
neither the description nor the captures.  These tests need neither
framework, so they run (and must pass) everywhere.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "autograd_viz"
FRAMEWORKS = ("torch", "jax", "jaxlib")


def _modules_imported(path):
    """Every module name an import statement in ``path`` names (absolute, or
    relative resolved under autograd_viz)."""
    here = path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - node.level + 1]
                mod = ".".join(base + ((node.module,) if node.module else ()))
                found.add(mod)
                found.update(f"{mod}.{a.name}" for a in node.names)
            else:
                found.add(node.module or "")
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def _top_level_imports(path):
    """Modules imported at module level (not inside a function)."""
    tree = ast.parse(path.read_text())
    names = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add(("." * node.level) + (node.module or ""))
    return names


def test_the_renderer_imports_no_framework_and_no_capture():
    for path in (PACKAGE / "render").rglob("*.py"):
        for mod in _modules_imported(path):
            top = mod.split(".")[0]
            assert top not in FRAMEWORKS, f"{path.name} imports {mod}"
            assert not mod.startswith("autograd_viz.frameworks"), f"{path.name} imports {mod}"


def test_the_engine_reads_neither_the_description_nor_the_captures():
    for path in (PACKAGE / "engine").rglob("*.py"):
        for mod in _modules_imported(path):
            assert not mod.startswith(("autograd_viz.description", "autograd_viz.frameworks")), (
                f"{path.name} imports {mod}"
            )
            assert mod.split(".")[0] not in FRAMEWORKS


def test_the_description_is_plain_data_and_loads_captures_only_when_asked():
    graph = PACKAGE / "description" / "graph.py"
    assert not {m for m in _modules_imported(graph) if m.startswith("autograd_viz")}
    for path in (PACKAGE / "description").rglob("*.py"):
        for mod in _modules_imported(path):
            assert not mod.startswith("autograd_viz.render"), f"{path.name} imports {mod}"
        # a capture (and so a framework) only inside the function that needs it
        for name in _top_level_imports(path):
            assert "frameworks" not in name and name.split(".")[0] not in FRAMEWORKS, (
                f"{path.name} imports {name} at module level"
            )


def test_the_captures_do_not_draw():
    for path in (PACKAGE / "frameworks").rglob("*.py"):
        for mod in _modules_imported(path):
            assert not mod.startswith("autograd_viz.render"), f"{path.name} imports {mod}"


BLOCK = """
import sys

class _Absent:
    # the real frameworks are not installed: every import of them fails
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"torch", "jax", "jaxlib"}:
            raise ImportError(f"No module named {name!r} (blocked by the test)")
        return None

sys.meta_path.insert(0, _Absent())
"""


def _run(code):
    out = subprocess.run(
        [sys.executable, "-c", BLOCK + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_import_autograd_viz_imports_no_framework():
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, autograd_viz, autograd_viz.render.draw, autograd_viz.render.frames, "
            "autograd_viz.description; print(sorted(m for m in sys.modules "
            "if m.split('.')[0] in ('torch', 'jax', 'jaxlib')))",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_without_the_frameworks_our_own_still_draws_and_asking_for_one_says_what_to_install():
    out = _run(
        """
        import autograd_viz as av
        x = av.tensor([1.0, 2.0], requires_grad=True)
        y = (av.sin(x) * x).sum()
        y.backward()
        frames = av.step_through(y).frames
        print(len(frames), frames[-1].kind)
        for lang in ("en", "vi"):
            try:
                av.capture(lang=lang)
            except ImportError as error:
                print(error)
        """
    )
    lines = out.splitlines()
    assert lines[0] == "6 backward"
    assert lines[1].startswith("av.capture() needs PyTorch, which is not installed here: ")
    assert "pip install torch" in lines[1]
    assert lines[2].startswith("av.capture() cần PyTorch, nhưng máy này chưa cài: ")


def test_a_missing_oracle_skips_saying_why_and_fails_under_ci(monkeypatch):
    import pytest
    from real_frameworks import real

    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="real no_such_framework is not installed"):
        real("no_such_framework")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true but real no_such_framework"):
        real("no_such_framework")
