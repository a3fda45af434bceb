"""The package's dependencies point one way: dialects and the renderer read
the engine; the engine reads neither, and no engine module imports another
in a cycle."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "autograd_viz"
DIALECTS = {"torch", "tf", "mxnet", "jax", "_dialect"}


def _imports(path):
    """The package modules ``path`` imports, as dotted names under autograd_viz."""
    here = path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - node.level + 1]
                mod = ".".join(base + ((node.module,) if node.module else ()))
            else:
                mod = node.module or ""
            if mod.startswith("autograd_viz"):
                found.add(mod)
                found.update(f"{mod}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("autograd_viz"))
    return found


def test_the_engine_reads_neither_the_renderer_nor_the_dialects():
    for path in (PACKAGE / "engine").glob("*.py"):
        for mod in _imports(path):
            parts = mod.split(".")
            assert not (
                len(parts) > 1
                and (parts[1] == "render" or parts[1] in DIALECTS or parts[1] == "exercises")
            ), f"{path.name} imports {mod}: the engine must not depend on it"


def test_the_renderer_does_not_read_the_dialects():
    for path in (PACKAGE / "render").glob("*.py"):
        for mod in _imports(path):
            parts = mod.split(".")
            assert not (len(parts) > 1 and parts[1] in DIALECTS), f"{path.name} imports {mod}"


def test_no_import_cycle_between_engine_modules():
    engine = {p.stem: p for p in (PACKAGE / "engine").glob("*.py") if p.stem != "__init__"}
    edges = {
        name: {
            m.split(".")[2]
            for m in _imports(p)
            if m.startswith("autograd_viz.engine.") and m.split(".")[2] in engine
        }
        for name, p in engine.items()
    }

    def reaches(start, goal, seen=()):
        return any(
            n == goal or (n not in seen and reaches(n, goal, seen + (n,))) for n in edges[start]
        )

    cycles = [n for n in engine if reaches(n, n)]
    assert not cycles, f"engine modules in an import cycle: {cycles} ({edges})"
