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
import importlib.util
import subprocess
import sys
import textwrap
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "autograd_viz"
FRAMEWORKS = ("torch", "jax", "jaxlib")


def _layering():
    """tests/engine/test_layering.py, whose reading of a module's imports these share."""
    path = Path(__file__).resolve().parents[1] / "engine" / "test_layering.py"
    spec = importlib.util.spec_from_file_location("_layering_rules", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_package_imports = _layering()._imports  # the autograd_viz modules a file imports


def _statements(path, top_level_only=False):
    """The import statements of a file (anywhere, or at module level only)."""
    tree = ast.parse(path.read_text())
    nodes = tree.body if top_level_only else ast.walk(tree)
    return [n for n in nodes if isinstance(n, (ast.Import, ast.ImportFrom))]


def _framework_imports(path, top_level_only=False):
    """The real frameworks a file imports."""
    names = set()
    for node in _statements(path, top_level_only):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif not node.level:
            names.add(node.module or "")
    return {n for n in names if n.split(".")[0] in FRAMEWORKS}


def test_the_renderer_imports_no_framework_and_no_capture():
    for path in (PACKAGE / "render").rglob("*.py"):
        assert not _framework_imports(path), path.name
        for mod in _package_imports(path):
            assert not mod.startswith("autograd_viz.frameworks"), f"{path.name} imports {mod}"


def test_the_engine_reads_neither_the_description_nor_the_captures():
    for path in (PACKAGE / "engine").rglob("*.py"):
        assert not _framework_imports(path), path.name
        for mod in _package_imports(path):
            assert not mod.startswith(("autograd_viz.description", "autograd_viz.frameworks")), (
                f"{path.name} imports {mod}"
            )


def test_the_description_is_plain_data_and_loads_captures_only_when_asked():
    assert not _package_imports(PACKAGE / "description" / "graph.py")
    for path in (PACKAGE / "description").rglob("*.py"):
        for mod in _package_imports(path):
            assert not mod.startswith("autograd_viz.render"), f"{path.name} imports {mod}"
        # a capture (and so a framework) only inside the function that needs it
        assert not _framework_imports(path, top_level_only=True), path.name
        for node in _statements(path, top_level_only=True):
            module = getattr(node, "module", None) or ""
            assert "frameworks" not in module, f"{path.name} imports {module} at module level"


def test_the_captures_do_not_draw():
    for path in (PACKAGE / "frameworks").rglob("*.py"):
        for mod in _package_imports(path):
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
