"""The benchmark scripts still run (their --quick mode) and print their tables.

No timing is asserted here: speed is judged only by running bench/ itself.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HEADER_WORDS = (
    "case",
    "ours (median)",
    "reference",
    "ref (median)",
    "ratio",
    "target",
    "result",
    "gc",
)


def _run(script):
    return subprocess.run(
        [sys.executable, os.path.join(ROOT, "bench", script), "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.parametrize(
    "script, title, cases",
    [
        ("engine_bench.py", "engine benchmark", ("1 scalar MLP", "2 chain", "3 sum", "4 memory")),
        (
            "render_bench.py",
            "render benchmark",
            (
                "a step_through",
                "b draw",
                "c draw",
                "d step_through real",
                "e forward pass",
                "f player",
            ),
        ),
        ("check_bench.py", "check benchmark", ("a one run", "b ch.ex5", "c one run", "d first")),
    ],
)
def test_quick_run_prints_its_table(script, title, cases):
    proc = _run(script)
    assert proc.returncode == 0, f"{script} --quick failed:\n{proc.stdout}\n{proc.stderr}"
    out = proc.stdout
    assert title in out
    header = next((line for line in out.splitlines() if line.startswith("case ")), None)
    assert header is not None, f"no table header in:\n{out}"
    for word in HEADER_WORDS:
        assert word in header, f"column {word!r} missing from {header!r}"
    for case in cases:
        assert any(line.startswith(case) for line in out.splitlines()), (
            f"no row for case {case!r} in:\n{out}"
        )
    assert "machine:" in out
