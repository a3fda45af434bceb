"""Notebook 05's lesson on memory says what av.compare_modes counts.

The notebook teaches that reverse mode keeps the values its backward rules read
and forward mode only what is still needed ahead, and gives numbers for its
three examples.  Those numbers are computed here afresh and must be the ones
its text (English and Vietnamese) states and its saved outputs show.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

import autograd_viz as av

REPO = Path(__file__).resolve().parents[2]
NAME = "05_forward_and_reverse"


def _counts():
    def f(x):
        return 2 * av.dot(x, x)

    def g(t):
        return av.sin(t * av.tensor([1.0, 2.0, 3.0]))

    def chain(t):
        for _ in range(8):
            t = av.sin(t)
        return t

    out = {}
    for key, fn, arg in (("f", f, np.array([1.0, 2.0, 3.0])), ("g", g, 0.5), ("chain", chain, 0.5)):
        c = av.compare_modes(fn, arg).counts
        out[key] = (
            c["stored_values"]["forward"],
            c["stored_values"]["reverse"],
            c["kept_for_backward"],
        )
    return out


# the sentences of the notebook that state the counts, with the counts as fields
SENTENCES = {
    "en": [
        "For `f`, forward mode holds {f[0]} at once",
        "Reverse mode holds {f[1]}: it keeps {f[2]} value of its forward pass",
        "For `g` the counts are {g[0]} and {g[1]} again",
        "Forward mode still holds {chain[0]} at once; reverse mode keeps all {chain[2]} inputs "
        "of the sines for its backward sweep and holds {chain[1]} at once",
    ],
    "vi": [
        "Với `f`, chế độ xuôi giữ {f[0]} cùng lúc",
        "Chế độ ngược giữ {f[1]}: nó giữ lại {f[2]} giá trị của lượt xuôi",
        "Với `g` các con số lại là {g[0]} và {g[1]}",
        "Chế độ xuôi vẫn chỉ giữ {chain[0]} cùng lúc; chế độ ngược giữ lại cả {chain[2]} đầu "
        "vào của các hàm sin cho lượt ngược và giữ {chain[1]} cùng lúc",
    ],
}


def _squash(text):
    return " ".join(text.split())


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_the_text_states_the_counts_compare_modes_gives(lang):
    counts = _counts()
    # the lesson itself: reverse mode's count grows with the chain, forward mode's does not
    assert counts["chain"][1] > counts["f"][1] and counts["chain"][0] == counts["f"][0]
    source = _squash((REPO / "notebooks" / "src" / lang / f"{NAME}.md").read_text("utf-8"))
    for sentence in SENTENCES[lang]:
        assert _squash(sentence.format(**counts)) in source, (
            f"notebooks/src/{lang}/{NAME}.md no longer says {sentence.format(**counts)!r}: "
            f"update its numbers to what av.compare_modes counts"
        )


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_the_saved_outputs_show_those_counts(lang):
    counts = _counts()
    nb = nbformat.read(REPO / "notebooks" / lang / f"{NAME}.ipynb", as_version=4)
    shown = {}
    for cell in nb.cells:
        if cell.cell_type != "code" or not cell.outputs:
            continue
        text = "".join(o.get("data", {}).get("text/plain", "") for o in cell.outputs)
        last = cell.source.strip().splitlines()[-1]
        if last in ("many_to_one.counts", "one_to_many.counts"):
            c = ast.literal_eval(text)
            shown[last.split(".")[0]] = (*c["stored_values"].values(), c["kept_for_backward"])
        elif last.startswith("deep.counts"):
            stored, kept = ast.literal_eval(text)
            shown["deep"] = (stored["forward"], stored["reverse"], kept)
    assert shown == {
        "many_to_one": counts["f"],
        "one_to_many": counts["g"],
        "deep": counts["chain"],
    }
    assert re.search(r"Values kept|Giá trị phải lưu", str(nb)) is None  # the old, wrong lines
