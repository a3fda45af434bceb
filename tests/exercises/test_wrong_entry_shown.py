"""A wrong-value message names one entry; that entry is on screen.

Long arrays are shown cut short (their first and last entries), so a message
that blames "index 10" of them used to point at nothing the student could
see.  Now the first wrong entry is blamed (the order a student reads in) and
the input, the expected values and the student's values each show a slice
around it (``x[8:13] = [...]``).  The numbers in those slices are checked
against the inputs the checker really drew (read back from the input's own
slice: expected = cos(x), the answer = the wrong factor times it).
"""

from __future__ import annotations

import copy
import re

import numpy as np
import pytest

import autograd_viz as av
from autograd_viz.exercises import autograd_chapter as ch

SLICE = re.compile(r"^\s*(\w*)\[(\d+):(\d+)\] = \[([^\]]*)\]\s*$", re.M)
FACTOR = 1.5


def _numbers(text):
    return np.array([float(v) for v in text.split()])


def _answer(start_fraction):
    """ex5 answered right up to a place in the array, then wrong by FACTOR."""

    def sin_and_slope(x):
        x.requires_grad_()
        y = av.sin(x)
        y.sum().backward()
        g = x.grad.detach().numpy().copy()
        g[int(start_fraction * len(g)) :] *= FACTOR
        return y.detach(), av.tensor(g)

    return sin_and_slope


def _exercise(length):
    ex = copy.copy(ch.ex5)
    ex.inputs = [lambda rng: (np.sort(rng.uniform(-2 * np.pi, 2 * np.pi, size=length)),)]
    ex.cases = 1
    return ex


@pytest.mark.parametrize("lang", ["en", "vi"])
@pytest.mark.parametrize(
    "length, start", [(25, 0.0), (25, 0.2), (25, 0.45), (29, 0.8), (29, 0.97), (14, 0.5)]
)
def test_the_blamed_entry_and_its_neighbours_are_shown(length, start, lang):
    result = _exercise(length).check(_answer(start), lang=lang)
    assert not result
    word = {"en": "at index", "vi": "tại chỉ số"}[lang]
    k = int(re.search(rf"{word} (\d+)", result.message).group(1))
    assert k == int(start * length), f"the first wrong entry is not the one blamed: {result}"
    rows = {key: result.case[key] for key in ("inputs", "expected", "got")}
    if k < 3 or k >= length - 3:  # among the ends shown anyway: no slice needed
        for text in rows.values():
            assert "..." in text and not SLICE.search(text), text
        return
    for key, text in rows.items():
        assert "..." in text.splitlines()[0], f"{key} was expected to be cut short: {text}"
        slices = SLICE.findall(text)
        assert len(slices) == 1, f"{key} shows no slice around entry {k}: {text}"
        name, lo, hi, _ = slices[0]
        assert (int(lo), int(hi)) == (max(0, k - 2), min(length, k + 3)), text
        assert name == ("x" if key == "inputs" else "")
    (_, lo, hi, xs), (_, lo_e, _, want), (_, lo_g, _, got) = (
        SLICE.findall(rows[k])[0] for k in ("inputs", "expected", "got")
    )
    assert lo == lo_e == lo_g
    xs, want, got = _numbers(xs), _numbers(want), _numbers(got)
    assert np.allclose(want, np.cos(xs), atol=2e-4)
    wrong = np.arange(int(lo), int(hi)) >= k
    assert np.allclose(got, np.where(wrong, FACTOR, 1.0) * np.cos(xs), atol=2e-4)
    # the message's numbers are those of the blamed entry of the slice
    place = k - int(lo)
    expected_text = re.search(r"(?:expected|cần) (-?[\d.e-]+)", result.message).group(1)
    got_text = re.search(r"(?:got|nhận được) (-?[\d.e-]+)", result.message).group(1)
    assert np.isclose(float(expected_text), want[place], atol=2e-4)
    assert np.isclose(float(got_text), got[place], atol=2e-4)


def test_a_short_array_is_shown_whole_with_no_slice():
    result = _exercise(8).check(_answer(0.5))
    assert not result
    for key in ("inputs", "expected", "got"):
        assert "..." not in result.case[key] and not SLICE.search(result.case[key])
    assert "at index 4 (the first of 4 wrong entries)" in result.message


def test_the_tolerance_is_written_in_the_students_language():
    result = _exercise(8).check(_answer(0.5), lang="vi")
    assert "|kết quả đúng|" in result.message and "expected" not in result.message
