"""The package's dependencies point one way: the engine reads nothing else of
the package (it owns the session's language, engine/lang.py, since its errors
are worded in it; i18n reads that module and the engine's catalogue class,
engine/messages.py, and nothing else of the engine); the
graph description and its producers read the engine; the
renderer reads the description (and the engine, and i18n); the dialects read the
engine, never the renderer, the exercises or each other; the exercises, the
top layer, may read everything.  Every module of every subpackage (render/
frames/, jax/ ...) belongs to one layer, and no engine module imports another
in a cycle."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "autograd_viz"

# layer -> (the modules in it, as paths under the package; what it may import)
LAYERS = {
    "engine": ({"engine"}, {"engine"}),
    # the renderer's words read the session's language and the catalogue of
    # messages, which the engine owns
    "i18n": ({"i18n.py", "tabs.py"}, {"i18n", "engine.lang", "engine.messages"}),
    # the graph description and its producers: the engine's recording
    # (description/engine.py) and real PyTorch and JAX (frameworks/, whose
    # imports of torch and jax wait until a drawing asks for them)
    "description": ({"description", "frameworks"}, {"engine", "i18n", "description", "frameworks"}),
    "render": ({"render"}, {"engine", "i18n", "render", "description"}),
    # what each dialect covers (scope/*.toml) and the error for the rest: read
    # by the dialects; it finds their names by importing them by name
    "scope": ({"scope"}, {"i18n", "scope"}),
    # the dialects, and more/: names built with a dialect's own functions,
    # added by the dialect's last line (scope.complete)
    "dialects": (
        {"torch.py", "tf.py", "mxnet.py", "_dialect.py", "_dialect_messages.py", "jax", "more"},
        {"engine", "_dialect", "_dialect_messages", "jax", "more", "scope", "<package>"},
    ),
    "exercises": ({"exercises"}, None),  # the top layer: anything
    "package": ({"__init__.py"}, {"engine", "i18n", "render", "description", "frameworks"}),
}


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


def _layer_of(path):
    first = path.relative_to(PACKAGE).parts[0]
    for layer, (members, _) in LAYERS.items():
        if first in members:
            return layer
    return None


def _reached(mod):
    """What an import reaches: the first part under autograd_viz, or
    "<package>" for the av namespace itself, or a top-level module's name."""
    parts = mod.split(".")
    if len(parts) == 1:
        return "<package>"
    top = parts[1]
    return top[:-3] if top.endswith(".py") else top


MODULES = sorted(PACKAGE.rglob("*.py"))

KNOWN = set()  # (module, import) pairs let through on purpose: none today


def test_every_module_belongs_to_a_layer():
    loose = [str(p.relative_to(PACKAGE)) for p in MODULES if _layer_of(p) is None]
    assert not loose, f"modules in no layer of this test (give them one): {loose}"


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(PACKAGE)) for p in MODULES])
def test_each_module_imports_only_what_its_layer_may(path):
    layer = _layer_of(path)
    allowed = LAYERS[layer][1]
    if allowed is None:
        return
    for mod in _imports(path):
        if (str(path.relative_to(PACKAGE)), mod) in KNOWN:
            continue
        reached = _reached(mod)
        # an allowed "package.module" admits that one module (and its names) only
        if any(mod == f"autograd_viz.{a}" or mod.startswith(f"autograd_viz.{a}.") for a in allowed):
            continue
        if layer == "dialects" and reached == "jax" and path.parent.name != "jax":
            raise AssertionError(f"{path.name} imports {mod}: dialects do not read each other")
        assert reached in allowed, (
            f"{path.relative_to(PACKAGE)} ({layer}) imports {mod}: the {layer} may read "
            f"{sorted(allowed) or 'nothing of the package'}"
        )


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
