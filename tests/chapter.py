"""The chapter's code cells, per tab, ready to run on autograd_viz's dialects.

The seed chapter (D2L "Automatic Differentiation") writes each example three
times in ```{.python .input}``` blocks: no ``#@tab`` line means MXNet,
``#@tab pytorch`` and ``#@tab tensorflow`` the other two.  :func:`cells`
extracts them and swaps the one import line; :func:`run` executes one tab's
cells in order in one namespace, the way a notebook kernel would, and yields
after each cell so a test can look at the state right then.
"""

from __future__ import annotations

import ast
import os
import re
from dataclasses import dataclass
from pathlib import Path

# Where the chapter's text is found (README, "The chapter tests"): the file named
# by AV_SEED_CHAPTER, else the team's shared/seed/ folder beside the repository
# (CI lays a copy of shared/ next to its clone).  A plain clone has neither, so
# only the tests that need the text skip (CI=true: fail) -- see require_text().
SEED_NAME = "000_575b62bad5f4a867.txt"
BESIDE_REPO = Path(__file__).resolve().parents[2] / "shared" / "seed" / SEED_NAME
ENV = "AV_SEED_CHAPTER"


class ChapterMissing(LookupError):
    """The chapter's text is not where we look for it."""


def seed_path(environ=None, beside=BESIDE_REPO):
    """The chapter file to read: ``$AV_SEED_CHAPTER`` if set, else ``beside``.

    Raises ChapterMissing saying how to provide it.  A variable naming a
    missing file is reported as such (a typo there must not look like a
    plain clone)."""
    environ = os.environ if environ is None else environ
    named = environ.get(ENV, "").strip()
    if named:
        path = Path(named).expanduser()
        if not path.is_file():
            raise ChapterMissing(
                f"{ENV}={named!r} does not name a file; point it at "
                f"the D2L chapter text ({SEED_NAME})"
            )
        return path
    if not beside.is_file():
        raise ChapterMissing(
            f"the D2L chapter text is not at {beside}; set {ENV}=/path/"
            f"to/{SEED_NAME} (or lay the shared/ folder beside the "
            f"repository) to run the chapter tests"
        )
    return beside


def _in_ci(environ=None):
    environ = os.environ if environ is None else environ
    return environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def require_text(environ=None, beside=BESIDE_REPO):
    """The chapter's text, for a test that needs it.  Absent: the test is skipped
    with the reason (how to provide it); under CI=true it fails instead, so CI
    never silently skips the chapter."""
    import pytest

    try:
        path = seed_path(environ, beside)
    except ChapterMissing as e:
        if _in_ci(environ):
            pytest.fail(f"{e} (CI is set: the chapter tests must run there)", pytrace=False)
        pytest.skip(f"chapter test: {e}")
    return path.read_text(encoding="utf-8")


TABS = ("mxnet", "pytorch", "tensorflow")

# the only line of the chapter that changes
IMPORTS = {
    "mxnet": (
        "from mxnet import autograd, np, npx",
        "from autograd_viz.mxnet import autograd, np, npx",
    ),
    "pytorch": ("import torch", "import autograd_viz.torch as torch"),
    "tensorflow": ("import tensorflow as tf", "import autograd_viz.tf as tf"),
}

_BLOCK = re.compile(r"^```\{\.python \.input\}\n(.*?)^```$", re.S | re.M)
_TAB = re.compile(r"^#@tab (\S+)[ \t]*\n")


def cells(tab, path=None):
    """The source of each code cell of ``tab``, in order, import line swapped.

    ``path=None`` reads the chapter through :func:`require_text` (so a test
    calling this skips, or fails in CI, where the text is missing)."""
    if tab not in TABS:
        raise ValueError(f"tab must be one of {TABS}, got {tab!r}")
    text = require_text() if path is None else Path(path).read_text(encoding="utf-8")
    out = []
    for block in _BLOCK.findall(text):
        found = _TAB.match(block)
        block_tab = found.group(1) if found else "mxnet"
        if block_tab in (tab, "all"):
            out.append(block[found.end() :] if found else block)
    old, new = IMPORTS[tab]
    swapped = [_swap_line(src, old, new) for src in out]
    count = sum(src.splitlines().count(new) for src in swapped)
    if count != 1:
        raise AssertionError(
            f"{tab}: expected the import line {old!r} exactly once, found it {count} times"
        )
    return swapped


def _swap_line(src, old, new):
    return "\n".join(new if line == old else line for line in src.split("\n"))


@dataclass
class Cell:
    index: int
    source: str
    namespace: dict
    value: object  # the value of a final expression (what Jupyter shows), else None
    has_value: bool


def run_cell(source, namespace):
    """Execute ``source`` like a notebook cell; return (value, has_value)
    where value is that of a final bare expression."""
    tree = ast.parse(source)
    last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    if last is not None:
        tree.body.pop()
    exec(compile(tree, "<chapter cell>", "exec"), namespace)
    if last is None:
        return None, False
    expr = ast.Expression(last.value)
    return eval(compile(expr, "<chapter cell>", "eval"), namespace), True


def run(tab, namespace=None):
    """Run ``tab``'s cells in order in one namespace, yielding a :class:`Cell`
    after each (inspect it before asking for the next)."""
    namespace = {"__name__": "__chapter__"} if namespace is None else namespace
    for i, source in enumerate(cells(tab)):
        value, has_value = run_cell(source, namespace)
        yield Cell(i, source, namespace, value, has_value)


def control_flow_f(tab):
    """The chapter's own control-flow function ``f`` for ``tab``, defined by
    running that tab's import cell and its ``def f(a):`` cell.  The PyTorch
    one also runs on plain av tensors (it only calls methods)."""
    namespace = {"__name__": "__chapter__"}
    sources = cells(tab)
    run_cell(sources[0], namespace)
    (source,) = [s for s in sources if s.lstrip().startswith("def f(a):")]
    run_cell(source, namespace)
    return namespace["f"]
