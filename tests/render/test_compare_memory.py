"""What each mode must hold in memory, as av.compare_modes counts and explains it.

The oracle is bookkeeping done by hand for families of graphs (a value lives
from the step that computes it to the last step that reads it; forward mode
carries a tangent beside each value that depends on the input; reverse mode
keeps the values its backward rules read until the backward sweep gets there,
and holds the gradients in flight):

* a chain of n sin: forward mode 4 at once (input and output of the current
  step, each with its tangent) whatever n; reverse mode keeps every sin's
  input (n values) and, at its first backward step, also the seed and the
  gradient it sends back: n + 2.
* a chain of n tanh: the same counts, but tanh's rule reads its output, so
  the outputs are what is kept.
* a chain of n "+ 1": the rule reads nothing: reverse mode keeps nothing and
  holds 2 (one gradient in, one out); forward mode still 4.
* sin(x)·cos(x): forward mode holds x, sin x and cos x with their tangents
  (6); reverse mode keeps all three and, at the product's backward step, holds
  them with three gradients (6).

The counts are also the numbers the panel and the picture show, with what
they are; the headings and those lines fit inside the picture.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_viz as av
from autograd_viz.render.compare import FOOT_SIZE, HEAD_SIZE
from autograd_viz.render.text_width import text_width

SVG = "{http://www.w3.org/2000/svg}"


def _chain(op, n, x0=0.7):
    x = av.tensor(x0, requires_grad=True, name="x")
    v = x
    for _ in range(n):
        v = op(v)
    return v


@settings(max_examples=12, deadline=None)
@given(n=st.integers(1, 9))
def test_a_chain_of_sin_keeps_every_input_reverse_mode_grows_forward_mode_does_not(n):
    counts = av.compare_modes(_chain(av.sin, n)).counts
    assert counts["stored_values"] == {"forward": 4, "reverse": n + 2}
    assert counts["kept_for_backward"] == n


@settings(max_examples=8, deadline=None)
@given(n=st.integers(1, 7))
def test_a_chain_of_tanh_keeps_every_output(n):
    cmp = av.compare_modes(_chain(av.tanh, n))
    assert cmp.counts["stored_values"] == {"forward": 4, "reverse": n + 2}
    assert cmp.counts["kept_for_backward"] == n
    # the kept values are the outputs v1 … vn, not x
    kept = re.search(r"until the backward sweep reads (?:it|them) \(([^)]*)\)", cmp.frames[0].text)
    names = kept.group(1).split(", ")
    assert len(names) == n and "x" not in names, names


@settings(max_examples=8, deadline=None)
@given(n=st.integers(1, 7))
def test_a_chain_whose_rules_read_nothing_keeps_nothing(n):
    cmp = av.compare_modes(_chain(lambda v: v + 1.0, n))
    assert cmp.counts["stored_values"] == {"forward": 4, "reverse": 2}
    assert cmp.counts["kept_for_backward"] == 0
    assert "keeps no value of its forward pass" in cmp.frames[0].text


def test_a_value_read_twice():
    x = av.tensor(0.3, requires_grad=True, name="x")
    y = av.sin(x) * av.cos(x)
    cmp = av.compare_modes(y)
    assert cmp.counts["stored_values"] == {"forward": 6, "reverse": 6}
    assert cmp.counts["kept_for_backward"] == 3


def _held_line(svg):
    return [
        " ".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", text))
        for text in re.findall(r'class="avz-mode-held">(.*?)</text>', svg)
    ]


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_the_panel_and_the_picture_give_the_counts_and_what_they_are(lang):
    def f(x):
        return 2 * av.dot(x, x)

    cmp = av.compare_modes(f, np.array([1.0, 2.0, 3.0]), lang=lang)
    fwd, rev = cmp.counts["stored_values"]["forward"], cmp.counts["stored_values"]["reverse"]
    assert (fwd, rev) == (4, 3)  # x, ẋ, v1, v̇1 / x kept, and two gradients
    text = cmp.frames[0].text
    word = {"en": "forward mode", "vi": "chế độ xuôi"}[lang]
    assert f"{word} 4 (x, ẋ, v1, v̇1;" in text
    for frame in cmp.frames:
        forward_line, reverse_line = _held_line(frame.svg)
        assert "4" in forward_line and "x, ẋ, v1, v̇1" in forward_line
        assert " 3 " in reverse_line and reverse_line.endswith(": x")


def test_a_reverse_seed_is_written_as_the_standard_basis_row_it_is():
    def g(t):
        return av.sin(t * av.tensor([1.0, 2.0, 3.0]))

    cmp = av.compare_modes(g, 0.5)
    text = "\n".join(f.text for f in cmp.frames)
    assert "∂g/∂g" not in text
    for k, row in enumerate(("[1, 0, 0]", "[0, 1, 0]", "[0, 0, 1]"), 1):
        e = f"e{'₀₁₂₃'[k]}ᵀ"
        assert f"seed {e} = {row}: row {k} of the Jacobian" in text
        assert f"with the seed {e} = {row}, the standard basis row that picks entry {k}" in text
    # a single output keeps the usual seed, ∂y/∂y = 1
    one = av.compare_modes(lambda x: (x * x).sum(), np.array([1.0, 2.0]))
    assert re.search(r"\(∂(\w+)/∂\1 = 1\)", one.frames[-1].text), one.frames[-1].text


def _halves(svg):
    """(picture width, x where the reverse half starts, forward half's right edge)."""
    root = ET.fromstring(svg)
    width = float(root.get("viewBox").split()[2])
    fwd, rev = [e for e in root if e.tag == SVG + "svg"]
    rev_x = float(rev.get("x"))
    if rev_x == float(fwd.get("x")):  # stacked: each half is the whole width
        return width, rev_x, width
    return width, rev_x, rev_x - 1


def _graphs():
    def wide(x):
        return 2 * av.dot(x, x)

    def tall(t):
        return av.sin(t * av.tensor([1.0, 2.0, 3.0]))

    def two(x, w):
        return (av.tanh(x * w) * x).sum()

    yield wide, (np.array([1.0, 2.0, 3.0]),)
    yield tall, (0.5,)
    yield two, (np.array([1.0, 2.0, 3.0]), np.array([0.5, -1.0, 2.0]))


@pytest.mark.parametrize("lang", ["en", "vi"])
@pytest.mark.parametrize("k", [0, 1, 2])
def test_headings_and_memory_lines_fit_inside_their_half(lang, k):
    fn, args = list(_graphs())[k]
    cmp = av.compare_modes(fn, *args, lang=lang)
    for frame in cmp.frames:
        width, rev_x, forward_edge = _halves(frame.svg)
        root = ET.fromstring(frame.svg)
        texts = [e for e in root if e.tag == SVG + "text"]
        assert len(texts) == 4  # a heading and a memory line per half
        for text in texts:
            size = float(text.get("font-size"))
            bold = text.get("font-weight") == "bold"
            assert size in (HEAD_SIZE, FOOT_SIZE)
            for span in text:
                x = float(span.get("x"))
                edge = width if x > rev_x else forward_edge
                right = x + text_width(span.text, size, bold)
                assert right <= edge, (frame.title, span.text, right, edge)
