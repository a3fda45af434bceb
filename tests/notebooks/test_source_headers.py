"""The notebooks' sources record no tool version, so saving one changes nothing.

Jupytext writes the version of itself that saved a file into the file's
header (``jupytext_version``) unless the header's own
``notebook_metadata_filter`` leaves it out.  Without the filter, a teacher
whose Jupytext is newer than the one that wrote the sources gets a one-line
diff from merely saving a source in JupyterLab (the browser test in
test_sources_in_jupyterlab.py does that for real).  Here, offline and in a
second: every source carries the filter, and both ways a source is written
back (``jupytext.write``, which tools/build_notebooks.py uses, and the
contents manager JupyterLab saves through) leave its bytes as they were,
whichever Jupytext is installed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import jupytext
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
SOURCES = sorted((REPO / "notebooks" / "src").glob("*/*.md"))
FILTER = "-jupytext.text_representation.jupytext_version"


def _header(path):
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), f"{path.name}: no YAML header"
    return yaml.safe_load(text.split("---\n", 2)[1])


def _rel(path):
    return str(path.relative_to(REPO))


def test_there_are_sources():
    assert len(SOURCES) >= 10 and {p.parent.name for p in SOURCES} == {"en", "vi"}


@pytest.mark.parametrize("path", SOURCES, ids=_rel)
def test_header_names_no_tool_version_and_keeps_it_out(path):
    meta = _header(path)["jupytext"]
    assert "jupytext_version" not in meta["text_representation"], _rel(path)
    assert meta.get("notebook_metadata_filter") == FILTER, (
        f"{_rel(path)}: its header must say notebook_metadata_filter: {FILTER}, or the "
        "next save writes the saving Jupytext's version into it"
    )


@pytest.mark.parametrize("path", SOURCES, ids=_rel)
def test_jupytext_writes_the_source_back_byte_for_byte(path, tmp_path):
    copy = tmp_path / path.name
    jupytext.write(jupytext.read(path, fmt="md:myst"), copy, fmt="md:myst")
    assert copy.read_bytes() == path.read_bytes(), (
        f"jupytext {jupytext.__version__} rewrites {_rel(path)}"
    )


def test_jupyterlabs_contents_manager_saves_every_source_unchanged(tmp_path):
    # the server-side half of a save from JupyterLab: the notebook model the
    # browser gets, saved back through Jupytext's contents manager
    from jupytext import TextFileContentsManager

    manager = TextFileContentsManager(root_dir=str(tmp_path))
    changed = []
    for path in SOURCES:
        name = f"{path.parent.name}_{path.name}"
        shutil.copy(path, tmp_path / name)
        manager.save(manager.get(name, type="notebook"), name)
        if (tmp_path / name).read_bytes() != path.read_bytes():
            changed.append(_rel(path))
    assert not changed, f"jupytext {jupytext.__version__}'s contents manager rewrites {changed}"
