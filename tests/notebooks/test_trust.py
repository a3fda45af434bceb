"""`make lab` marks the shipped notebooks trusted for the user who runs it
(through `make trust`), so JupyterLab shows their saved SVG and widgets."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.sign import NotebookNotary

REPO = Path(__file__).resolve().parents[2]
SHIPPED = sorted(
    p for p in (REPO / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("make") is None, reason="`make` is not installed")
def test_make_trust_signs_every_shipped_notebook_for_this_user(tmp_path):
    assert SHIPPED, "no shipped notebooks found"
    data_dir = tmp_path / "jupyter-data"  # this user's trust database, empty at first
    data_dir.mkdir()
    notary = NotebookNotary(data_dir=str(data_dir))
    notebooks = [nbformat.read(p, as_version=4) for p in SHIPPED]
    assert not any(notary.check_signature(nb) for nb in notebooks)
    env = {"JUPYTER_DATA_DIR": str(data_dir), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        ["make", "-s", "trust", f"PYTHON={sys.executable}"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    notary = NotebookNotary(data_dir=str(data_dir))
    untrusted = [p.name for p, nb in zip(SHIPPED, notebooks) if not notary.check_signature(nb)]
    assert not untrusted, untrusted
    # and the files themselves are left as they are (the signature lives in the database)
    assert [nbformat.read(p, as_version=4) for p in SHIPPED] == notebooks


def test_make_lab_runs_trust_before_starting_jupyterlab():
    if shutil.which("make") is None:
        pytest.skip("`make` is not installed")
    plan = subprocess.run(
        ["make", "-n", "lab", f"PYTHON={sys.executable}"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    # JupyterLab starts through tools/lab.py (it loads jupyter/custom/custom.css)
    assert "jupyter trust" in plan and "tools/lab.py" in plan
    assert plan.index("jupyter trust") < plan.index("tools/lab.py")
