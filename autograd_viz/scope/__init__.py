"""What each dialect covers: its stated scope, read from data, and the error for
a name it does not provide.

``<framework>.toml`` beside this file lists, by category, the core of that
framework a course on automatic differentiation and small networks uses, and
for an in-scope name not built yet what to use instead.  Whether a name is
provided is never written down: :func:`provided` looks into the dialect
(``tools/coverage_table.py`` writes docs/coverage.md from it).

:func:`complete` is the one line at the end of each dialect module: it adds the
names built outside the dialect's own file (``autograd_viz/more/``) and makes
every name the dialect lacks raise :class:`NotProvidedError`, which names the
function, says it is not provided, and says what to use, in the notebook's
language.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import re
import sys
import tomllib
import types
from dataclasses import dataclass
from pathlib import Path

from ..i18n import resolve as resolve_lang
from ..i18n import t

HERE = Path(__file__).resolve().parent
FRAMEWORKS = ("torch", "tf", "mxnet", "jax")
TABLE = "docs/coverage.md"

# "tf.GradientTape(persistent=)": the name, and a parameter it must take
_PARAM = re.compile(r"^(?P<name>[\w.]+)\((?P<param>\w+)=\)$")


@dataclass(frozen=True)
class Entry:
    name: str
    category: str
    instead: str | None = None  # what to use while the dialect lacks it
    probe: str | None = None  # a line that runs only if the dialect has it


@dataclass(frozen=True)
class Scope:
    framework: str  # "torch"
    title: str  # "PyTorch"
    dialect: str  # "autograd_viz.torch"
    docs: str
    entries: tuple
    outside: tuple  # (name, use) pairs

    def entry(self, name):
        return next((e for e in self.entries if e.name == name), None)

    def outside_use(self, name):
        """What to use for ``name`` if it lies under a name stated outside the scope."""
        for prefix, use in self.outside:
            if name == prefix or name.startswith(prefix + "."):
                return use
        return None


@functools.cache
def load(framework):
    data = tomllib.loads((HERE / f"{framework}.toml").read_text(encoding="utf-8"))
    instead, probes = data.get("instead", {}), data.get("probe", {})
    entries = tuple(
        Entry(name, category, instead.get(name), probes.get(name))
        for category, names in data["categories"].items()
        for name in names
    )
    known = {e.name for e in entries}
    for name in (*instead, *probes):
        if name not in known:
            raise ValueError(f"{framework}.toml: {name!r} is in [instead]/[probe] but no category")
    outside = tuple((o["name"], o["use"]) for o in data.get("outside", ()))
    return Scope(framework, data["framework"], data["dialect"], data["docs"], entries, outside)


# ------------------------------------------------------------------ introspection

# how a scope name's first part maps onto the dialect (MXNet's names start
# with the package, its dialect's module holds np, npx and autograd)
_ROOT_PREFIX = {"torch": "torch.", "tf": "tf.", "mxnet": "mxnet.", "jax": "jax."}


def provided(framework, entry):
    """True if the dialect has ``entry``: its name resolves (and takes the
    parameter the entry names), or its probe line runs."""
    if entry.probe is not None:
        return _probe_runs(framework, entry.probe)
    match = _PARAM.match(entry.name)
    name = match["name"] if match else entry.name
    obj = resolve(framework, name)
    if obj is _MISSING:
        return False
    if match:
        try:
            return match["param"] in inspect.signature(obj).parameters
        except (TypeError, ValueError):
            return False
    return True


_MISSING = object()


def resolve(framework, name):
    """The dialect's object for a scope name, or _MISSING."""
    obj = importlib.import_module(load(framework).dialect)
    parts = name[len(_ROOT_PREFIX[framework]) :].split(".")
    for part in parts:
        try:
            obj = getattr(obj, part)
        except AttributeError:
            return _MISSING
    return obj


PRELUDES = {
    "torch": "import autograd_viz.torch as torch",
    "tf": "import autograd_viz.tf as tf",
    "mxnet": "from autograd_viz.mxnet import autograd, np, npx\nnpx.set_np()",
    "jax": "import autograd_viz.jax as jax\nimport autograd_viz.jax.numpy as jnp",
}


def _probe_runs(framework, line):
    namespace = {}
    try:
        exec(PRELUDES[framework] + "\n" + line, namespace)
    except Exception:
        return False
    return True


def coverage(framework):
    """[(entry, provided?)] in the scope's order."""
    return [(e, provided(framework, e)) for e in load(framework).entries]


# ------------------------------------------------------------------ the error


class NotProvidedError(AttributeError):
    """A name the dialect does not provide: says so, and what to use instead
    (an AttributeError, so ``hasattr`` and ``getattr(m, name, default)`` work)."""

    def __init__(self, message, name):
        super().__init__(message)
        self.qualified_name = name


def not_provided(framework, name, lang=None):
    """The :class:`NotProvidedError` for the scope name ``name`` (e.g. "torch.einsum")."""
    scope = load(framework)
    entry = scope.entry(name)
    outside = scope.outside_use(name)
    under = [e for e in scope.entries if e.name.startswith(name + ".") and e.instead]
    if entry is not None and entry.instead is not None:
        key, use = "in_scope", entry.instead
    elif entry is None and under:  # a namespace whose names are in the scope, not built yet
        key, use = "in_scope", "; ".join(f"for {e.name}, {e.instead}" for e in under)
    elif outside is not None:
        key, use = "outside", outside
    else:
        key, use = "unknown", None
    message = t(
        f"not_provided_{key}",
        resolve_lang(lang),
        dialect=scope.dialect,
        name=name,
        title=scope.title,
        table=TABLE,
        use=use,
    )
    return NotProvidedError(message, name)


class Namespace(types.SimpleNamespace):
    """A dialect's sub-namespace (``tf.nn``, MXNet's ``np``): a missing name
    raises :class:`NotProvidedError` instead of a bare AttributeError."""

    def __init__(self, framework, path, /, **names):
        super().__init__(**names)
        object.__setattr__(self, "_framework", framework)
        object.__setattr__(self, "_path", path)

    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        raise not_provided(self._framework, f"{self._path}.{attr}")

    def __repr__(self):
        return f"<module '{self._path}' (autograd_viz)>"

    def __reduce__(self):
        # a notebook's function sent by value to a check's process takes
        # the namespaces it uses along (cloudpickle)
        names = {k: v for k, v in vars(self).items() if k not in ("_framework", "_path")}
        return (_rebuilt, (self._framework, self._path, names))


def _rebuilt(framework, path, names):
    return Namespace(framework, path, **names)


def _missing_name_hook(framework, path):
    def __getattr__(name):
        # only reached for names the module does not define
        if name.startswith("__"):
            raise AttributeError(f"module {path!r} has no attribute {name!r}")
        raise not_provided(framework, f"{path}.{name}")

    return __getattr__


def complete(namespace, framework, path=None):
    """The end of a dialect module: add the names built in ``autograd_viz/more``
    and make the missing ones raise :class:`NotProvidedError`.

    ``namespace`` is the module's ``globals()``; ``path`` its name as the
    framework spells it ("jax.numpy"; the framework's own name by default)."""
    path = path or _ROOT_PREFIX[framework].rstrip(".")
    try:
        more = importlib.import_module(f"autograd_viz.more.{path.replace('.', '_')}")
    except ModuleNotFoundError as error:
        if error.name != f"autograd_viz.more.{path.replace('.', '_')}":
            raise
    else:
        more.extend(namespace)
    for key, value in list(namespace.items()):
        if isinstance(value, types.SimpleNamespace) and not isinstance(value, Namespace):
            namespace[key] = _wrapped(value, framework, f"{path}.{key}")
    # the module's submodules made as module objects (torch.autograd, torch.nn.functional)
    module_name = namespace["__name__"]
    for name, module in list(sys.modules.items()):
        if name.startswith(module_name + ".") and "__getattr__" not in vars(module):
            sub = name[len(module_name) + 1 :]
            module.__getattr__ = _missing_name_hook(framework, f"{path}.{sub}")
    namespace["__getattr__"] = _missing_name_hook(framework, path)


def _wrapped(ns, framework, path):
    names = {
        k: _wrapped(v, framework, f"{path}.{k}")
        if isinstance(v, types.SimpleNamespace) and not isinstance(v, Namespace)
        else v
        for k, v in vars(ns).items()
    }
    return Namespace(framework, path, **names)
