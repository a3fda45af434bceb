"""The fonts installed here, as fontconfig (which Chromium uses on Linux) lists
them, and the letters each holds (a plain module shared by the font tests)."""

from __future__ import annotations

import subprocess
from functools import cache


@cache
def installed():
    """[(PostScript name, [family names], file)], or None without fontconfig."""
    try:
        out = subprocess.run(
            ["fc-list", "--format", "%{postscriptname}\t%{family}\t%{file}\n"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    rows = []
    for line in out.splitlines():
        ps, families, path = line.split("\t")
        rows.append((ps, [f.strip() for f in families.split(",")], path))
    return rows


@cache
def characters(path):
    """The characters a font file has glyphs for."""
    from fontTools.ttLib import TTFont

    with TTFont(path, fontNumber=0, lazy=True) as font:
        return frozenset(chr(cp) for cp in font.getBestCmap())
