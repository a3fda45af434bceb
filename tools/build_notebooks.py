"""Build notebooks/{en,vi}/*.ipynb from their sources, notebooks/src/{en,vi}/*.md.

Each source is a Jupytext MyST Markdown notebook: the one file a teacher edits,
as text or (with jupytext installed) as a notebook in JupyterLab.  This script
holds no notebook text; it converts, executes (nbclient, a fresh kernel per
notebook, in a temporary directory) and saves the notebooks with their outputs.

Framework tabs: a cell whose first line is ``%%tab pytorch`` (or ``tensorflow``,
``mxnet``, ``jax``, a comma-separated list of them, or ``all``) belongs to those
frameworks only, as in the book's own sources.  A source with such cells becomes
one notebook per framework it names, ``NAME_<framework>.ipynb``, each holding
the untabbed cells and its own tabs' cells with the ``%%tab`` line removed.

Translations: each Vietnamese markdown cell records, as ``translation_of`` in
its metadata (a ``+++ {"translation_of": ...}`` line in the source), a short
hash of the English text it translates.  When the English text changes the
parity test (tests/notebooks/test_sources.py) names the Vietnamese cell to
update; after translating it, ``--translated NAME`` records the new hash.

The tests read the same rules (``plan()``), so the saved notebooks are
checked against exactly what this script would write.

    python tools/build_notebooks.py               # build and execute every notebook
    python tools/build_notebooks.py 01 02         # only sources whose name starts so
    python tools/build_notebooks.py --no-execute  # write without running (no outputs)
    python tools/build_notebooks.py --check       # exit 1 if a saved notebook is stale
    python tools/build_notebooks.py --translated 01   # the vi cells of 01 now translate en's
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SOURCES = NOTEBOOKS / "src"
LANGS = ("en", "vi")
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
CELL_TIMEOUT = 120

# tab name -> the dialect module its notebook imports; the order is the build order
FRAMEWORKS = {
    "pytorch": "autograd_viz.torch",
    "tensorflow": "autograd_viz.tf",
    "mxnet": "autograd_viz.mxnet",
    "jax": "autograd_viz.jax",
}
TRANSLATION_KEY = "translation_of"
TAB_LINE = re.compile(r"\A%%tab[ \t]+([^\n]*?)[ \t]*(?:\n|\Z)")


class SourceError(ValueError):
    """A source cell the build cannot place (an unknown tab)."""


@dataclass
class Target:
    """One notebook the build writes: where from and where to."""

    source: Path
    lang: str
    name: str  # file name without .ipynb
    framework: str | None  # None for a source without tabs
    notebook: nbformat.NotebookNode

    @property
    def path(self):
        return NOTEBOOKS / self.lang / f"{self.name}.ipynb"

    @property
    def label(self):
        return f"{self.lang}/{self.name}.ipynb"


def read_source(path):
    return jupytext.read(path, fmt="md:myst")


def tab_of(cell, where=""):
    """(frameworks, source without the tab line); frameworks is None for every one."""
    match = TAB_LINE.match(cell.source)
    if not match:
        return None, cell.source
    names = [n.strip() for n in match.group(1).split(",") if n.strip()]
    unknown = [n for n in names if n != "all" and n not in FRAMEWORKS]
    if not names or unknown:
        raise SourceError(
            f"{where}: `%%tab {match.group(1)}` names "
            f"{unknown or 'no framework'}; use one or more of "
            f"{', '.join(FRAMEWORKS)} (comma-separated) or `all`"
        )
    body = cell.source[match.end() :]
    return (None if "all" in names else tuple(names)), body


def frameworks_of(nb, where=""):
    """The frameworks a source's tabs name, in FRAMEWORKS order ([] if untabbed)."""
    named = set()
    for i, cell in enumerate(nb.cells):
        tabs, _ = tab_of(cell, f"{where} cell {i}")
        named.update(tabs or ())
    return [f for f in FRAMEWORKS if f in named]


def generate(nb, lang, framework, where=""):
    """The notebook for one language and framework (None: untabbed), without outputs."""
    out = nbformat.v4.new_notebook()
    out.metadata["kernelspec"] = dict(KERNELSPEC)
    out.metadata["language_info"] = {"name": "python"}
    for i, cell in enumerate(nb.cells):
        tabs, body = tab_of(cell, f"{where} cell {i}")
        if framework is not None and tabs is not None and framework not in tabs:
            continue
        if cell.cell_type == "code":
            new = nbformat.v4.new_code_cell(body.strip("\n"))
        elif cell.cell_type == "markdown":
            new = nbformat.v4.new_markdown_cell(body.strip("\n"))
        else:
            new = nbformat.v4.new_raw_cell(body.strip("\n"))
        if cell.metadata.get("tags"):
            new.metadata["tags"] = list(cell.metadata["tags"])
        out.cells.append(new)
    # stable ids, so a rebuild does not churn the diff
    prefix = lang if framework is None else f"{lang}-{framework}"
    for i, cell in enumerate(out.cells):
        cell["id"] = f"{prefix}-{i:03d}"
    return out


def fingerprint(text):
    """A short hash of an English cell's text, whitespace aside (re-wrapping a
    paragraph is not a change a translator must see)."""
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()[:8]


def record_translations(only=()):
    """Mark every Vietnamese markdown cell of the chosen sources as translating
    the current English text; the two sources must already have the same cells."""
    for en_path in sources(only)["en"]:
        vi_path = SOURCES / "vi" / en_path.name
        en, vi = read_source(en_path), read_source(vi_path)
        shape = [[(c.cell_type, tab_of(c)[0]) for c in nb.cells] for nb in (en, vi)]
        if shape[0] != shape[1]:
            raise SourceError(
                f"{vi_path.relative_to(ROOT)} does not have the cells of "
                f"{en_path.relative_to(ROOT)}; run the parity test "
                f"(pytest tests/notebooks/test_sources.py) to see where"
            )
        marked = 0
        for a, b in zip(en.cells, vi.cells):
            if a.cell_type == "markdown" and b.metadata.get(TRANSLATION_KEY) != fingerprint(
                a.source
            ):
                b.metadata[TRANSLATION_KEY] = fingerprint(a.source)
                marked += 1
        if marked:
            jupytext.write(vi, vi_path, fmt="md:myst")
        print(f"{vi_path.relative_to(ROOT)}: {marked} cell(s) marked as translated")


def sources(only=()):
    """{lang: [source paths]}, filtered by name prefixes."""
    found = {}
    for lang in LANGS:
        paths = sorted((SOURCES / lang).glob("*.md"))
        found[lang] = [p for p in paths if not only or any(p.stem.startswith(o) for o in only)]
    return found


def plan(only=()):
    """Every notebook the sources make."""
    targets = []
    for lang, paths in sources(only).items():
        for path in paths:
            where = str(path.relative_to(ROOT))
            nb = read_source(path)
            frameworks = frameworks_of(nb, where)
            for framework in frameworks or [None]:
                name = path.stem if framework is None else f"{path.stem}_{framework}"
                notebook = generate(nb, lang, framework, where)
                targets.append(Target(path, lang, name, framework, notebook))
    return targets


def kernel_environment():
    """The kernel imports this checkout's autograd_viz, and is not under nbgrader
    (whose NBGRADER_EXECUTION makes every failed check raise)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in [str(ROOT), env.get("PYTHONPATH", "")] if p)
    env.pop("NBGRADER_EXECUTION", None)
    return env


def execute(nb, timeout=CELL_TIMEOUT, workdir=None):
    """Run every cell in a fresh python3 kernel; files it writes stay out of the repository."""
    from nbclient import NotebookClient

    with tempfile.TemporaryDirectory(prefix="avz-nb-") as scratch:
        # no per-cell timestamps: a rebuild then changes only what the cells show
        client = NotebookClient(
            nb,
            timeout=timeout,
            kernel_name="python3",
            record_timing=False,
            resources={"metadata": {"path": str(workdir or scratch)}},
        )
        client.execute(env=kernel_environment())
    return nb


def comparable(nb):
    """What the saved file must share with its source: each cell's kind, text and tags."""
    return [(c.cell_type, c.source, list(c.metadata.get("tags", []))) for c in nb.cells]


def stale(target):
    """Why the saved notebook differs from what its source makes, or None."""
    if not target.path.exists():
        return "missing"
    saved = nbformat.read(target.path, as_version=4)
    want, got = comparable(target.notebook), comparable(saved)
    for i, (w, g) in enumerate(zip(want, got)):
        if w != g:
            return f"cell {i} differs from the source"
    if len(want) != len(got):
        return f"{len(got)} cells saved, the source makes {len(want)}"
    return None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("only", nargs="*", help="source name prefixes, e.g. 01 (default: all)")
    parser.add_argument("--no-execute", action="store_true", help="write without outputs")
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if a saved notebook differs from its source",
    )
    parser.add_argument(
        "--translated",
        action="store_true",
        help="after translating: record that the Vietnamese markdown "
        "cells of these sources translate the current English text",
    )
    args = parser.parse_args(argv)
    if args.translated:
        record_translations(args.only)
        return 0
    targets = plan(args.only)
    if not targets:
        parser.error(f"no source in {SOURCES.relative_to(ROOT)} matches {args.only}")
    problems = 0
    for target in targets:
        if args.check:
            why = stale(target)
            if why:
                problems += 1
                print(f"{target.label}: stale ({why}); run `make notebooks`")
            continue
        if not args.no_execute:
            execute(target.notebook)
        target.path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(target.notebook, target.path)
        print(f"{target.path.relative_to(ROOT)}  {target.path.stat().st_size / 1024:.0f} KiB")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
