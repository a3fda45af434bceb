"""Boxes are sized by autograd_viz, not by Graphviz: every painted line must fit.

The layout gets fixed box sizes and no text (autograd_viz.render.text_width measures
the text with DejaVu Sans widths), so a box too small for a line it shows in
some frame would clip or crowd that line.  These tests paint every frame of
several graphs and check each text line against its box, and check the width
table against the font files themselves.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET

import chapter
import graphs
import numpy as np
import pytest

import autograd_viz as av
from autograd_viz.render import backend as render_backend
from autograd_viz.render import text_width as tw
from autograd_viz.render.frames import Painter, build_frames
from autograd_viz.render.model import build_model

SVG = "{http://www.w3.org/2000/svg}"
SIDE = 8.0  # room left on each side of the widest line, in points
BACKENDS = render_backend.available()


# ---------------------------------------------------------------- the width table


@pytest.mark.parametrize("bold", [False, True])
def test_table_matches_the_dejavu_font_files(bold):
    table = {
        ord(c): w
        for c, w in tw._table(bold).items()
        if any(lo <= ord(c) <= hi for lo, hi in tw.RANGES)
    }
    assert table == tw.font_widths(bold)


@pytest.mark.parametrize("bold", [False, True])
@pytest.mark.parametrize(
    "text",
    [
        "v198 = v13 × 0.5",
        "grad: [-0.0001234, 5.679e+12, …] (shape 3×4)",
        "gradient: [0, 1, 4, 9]",
        "lớn nhất 1.5, nhỏ nhất -2",
        "kích thước 2×2",
        "WWWWMMMM@@@@",
        "iiiilll....",
        "v3 = Σ xᵀ",
        "trọng_số_đầu_vào_ẩn",
        "Ж = д × ю",
        "x̃ = ă + ơ",
    ],
)
def test_estimate_is_no_narrower_than_freetype_lays_the_text_out(text, bold):
    """FreeType (through matplotlib) laying out and inking the same string, with
    kerning, is an independent measurement; ours may only be wider."""
    from matplotlib import ft2font

    font = tw._font(bold)
    font.set_size(100, 72)  # 100 px = 100 pt at 72 dpi
    font.set_text(text, 0.0, flags=getattr(getattr(ft2font, "LoadFlags", None), "NO_HINTING", 2))
    drawn = font.get_width_height()[0] / 64  # inked extent, 1/64 px units
    estimate = tw.text_width(text, 100, bold)
    assert estimate >= drawn - 0.5, (text, estimate, drawn)
    assert estimate <= drawn * 1.1 + 20, "estimate far too generous"


def test_characters_outside_the_table_get_room():
    assert tw.text_width("名", 16) >= 16  # CJK: a full em at least
    assert tw.text_width("Жж", 16) > tw.text_width("Ж", 16) > 0
    assert tw.text_width("a\u0301", 16) == tw.text_width("a", 16)  # combining accent


# ---------------------------------------------------------------- graphs


def _neuron():
    loss, params, o = graphs.neuron()
    return loss, {**params, "o": o, "loss": loss}


def _long_values():
    # widest numbers fmt_number writes, values and gradients of different widths
    x = av.tensor(
        [-1.234567e-12, 888888.8, -0.0001111, 7.777e15, -99999.9], requires_grad=True, name="x"
    )
    w = av.tensor(np.linspace(-3.33333, 4.44444, 12).reshape(3, 4), requires_grad=True, name="w")
    y = (x * x * 1e5).sum() * w.exp().mean() - (x**3).max()
    y.backward()
    return y, {"x": x, "w": w, "y": y}


def _vietnamese():
    x = av.tensor([0.0, 1.0, 2.0, 3.0], requires_grad=True, name="đầu_vào_x")
    y = x * x
    u = y.detach()
    z = (u * x).sum()
    z.backward()
    return z, {"y": y, "u": u, "z": z}


def _hostile_name():
    a = av.tensor(
        1.5, requires_grad=True, name='<script>alert("W&M")</script>' + "Ẅ" * 30 + "名前" * 5
    )
    b = av.tensor([2.0, -3.0], requires_grad=True, name="b")
    c = (a * b).sum() / a
    c.backward()
    return c, {}


def _chapter_graphs():
    """Every tensor with a history the PyTorch tab of the chapter leaves in its
    namespace, each time a cell has run (drawn in both languages below)."""
    out, seen = [], set()
    for cell in chapter.run("pytorch"):
        for var, value in list(cell.namespace.items()):
            if isinstance(value, av.Tensor) and value.op is not None and id(value) not in seen:
                seen.add(id(value))
                out.append((f"chapter cell {cell.index} {var}", value))
    return out


CASES = [
    ("neuron", _neuron, "en"),
    ("long values", _long_values, "en"),
    ("long values vi", _long_values, "vi"),
    ("vietnamese detach", _vietnamese, "vi"),
    ("hostile name", _hostile_name, "en"),
]


def _check_every_line_fits(model, frames_svgs, backend):
    lay = Painter(model, backend=backend).layout  # the layout the frames used (cached)
    checked = 0
    for svg in frames_svgs:
        root = ET.fromstring(svg[svg.find("<svg") :])
        for g in root.iter(SVG + "g"):
            if "node" not in (g.get("class") or "").split():
                continue
            box = lay.nodes[g.get("id")]
            rect = g.find(SVG + "rect")
            if rect is not None and "const" not in g.get("class"):
                assert float(rect.get("width")) == pytest.approx(box.w, abs=0.06)
            const = "const" in g.get("class").split()
            side = 2.0 if const else SIDE
            height = 0.0
            for text in g.iter(SVG + "text"):
                size = float(text.get("font-size"))
                bold = text.get("font-weight") == "bold"
                width = tw.text_width(text.text or "", size, bold)
                assert width + 2 * side <= box.w, (
                    f"{g.get('id')}: {text.text!r} is {width:.1f} pt wide, box {box.w:.1f} pt"
                )
                x = float(text.get("x"))
                assert x == pytest.approx(box.x, abs=0.06)  # centred in its box
                height += size * 1.2
                checked += 1
            assert height <= box.h + 0.6, (g.get("id"), height, box.h)
    return checked


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name,make,lang", CASES, ids=[c[0] for c in CASES])
def test_every_painted_line_fits_its_box_in_every_frame(name, make, lang, backend):
    target, names = make()
    model = build_model(target, lang, names=names, caller=sys._getframe())
    frames = build_frames(None, model=model, backend=backend)
    svgs = [f.svg for f in frames]
    svgs.append(av.draw(target, lang=lang, names=names, backend=backend).svg)
    assert len(svgs) > 3
    assert _check_every_line_fits(model, svgs, backend) > 10


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_chapter_graphs_fit(lang):
    graphs = _chapter_graphs()
    assert len(graphs) >= 5
    for label, tensor in graphs:
        model = build_model(tensor, lang)
        svgs = [f.svg for f in build_frames(None, model=model)]
        assert _check_every_line_fits(model, svgs, "auto") > 0, label


def test_big_graph_fits_too():
    """A graph big enough for the cheap layout and the ghost copies of leaves."""
    av.seed(3)
    w = av.randn(3, requires_grad=True)
    y = av.tensor([0.5, -1.25, 2.0], requires_grad=True)
    for k in range(120):
        y = (y * w + 0.5).tanh() if k % 2 else y - w
    s = y.sum()
    s.backward()
    model = build_model(s)
    assert model.big and any(n.kind == "ghost" for n in model.nodes)
    assert _check_every_line_fits(model, [av.draw(s).svg], "auto") > 100
