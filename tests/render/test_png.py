"""PNG pictures of diagrams, made in-process (render/raster.py): with and without `dot`.

Each PNG is checked as a file (signature, chunk CRCs, IHDR size), for its size
(the SVG's size in CSS pixels times the scale), and for being a picture: not
blank, and with dark text pixels inside each node's box.
"""

from __future__ import annotations

import base64
import io
import os
import shutil
import struct
import sys
import zlib

import graphs
import numpy as np
import pytest
from PIL import Image
from test_frames import node_boxes

import autograd_viz as av
from autograd_viz.render import backend as render_backend
from autograd_viz.render import raster

SIGNATURE = b"\x89PNG\r\n\x1a\n"
CI = os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def backends():
    """Both Graphviz backends; CI installs `dot`, so there it must be present."""
    out = ["wasm"]
    if shutil.which("dot") or CI:
        out.append("dot")
    return out


def png_chunks(png):
    """[(type, data)] of a PNG, checking the signature and every chunk's CRC."""
    assert png[:8] == SIGNATURE, "no PNG signature"
    pos, chunks = 8, []
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos : pos + 8])
        data = png[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", png[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(kind + data) == crc, f"bad CRC in {kind!r}"
        chunks.append((kind, data))
        pos += 12 + length
    assert chunks[0][0] == b"IHDR" and chunks[-1][0] == b"IEND"
    return chunks


def ihdr_size(png):
    width, height = struct.unpack(">II", png_chunks(png)[0][1][:8])
    return width, height


def pixels(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=float)


def check_picture(png, svg, scale):
    """Well formed, the expected size, not blank, text drawn in every box."""
    w, h = raster.svg_size_px(svg)
    assert ihdr_size(png) == (round(w * scale), round(h * scale))
    grey = pixels(png)
    assert grey.shape == (round(h * scale), round(w * scale))
    assert grey.std() > 20, "the PNG is (nearly) one colour"
    assert (grey > 250).mean() > 0.4, "the background should be white"
    # the SVG draws everything inside translate(14,14); boxes are in points
    px = scale * 4 / 3
    boxes = [b for b in node_boxes(svg).values() if len(b) == 4]
    assert boxes
    for x, y, bw, bh in boxes:
        inner = grey[
            round((y + 14 + 4) * px) : round((y + 14 + bh - 4) * px),
            round((x + 14 + 4) * px) : round((x + 14 + bw - 4) * px),
        ]
        assert (inner < 90).mean() > 0.005, f"no text drawn in the box at {(x, y)}"


@pytest.mark.parametrize("backend", backends())
@pytest.mark.parametrize("build", [graphs.first_example, graphs.detach_example])
def test_save_png_on_each_backend(tmp_path, backend, build):
    *_, target = build()
    d = av.draw(target, backend=backend)
    png = d.save(tmp_path / "g.png").read_bytes()
    check_picture(png, d.svg, scale=2)
    small = d.save(tmp_path / "g1.png", scale=1).read_bytes()
    check_picture(small, d.svg, scale=1)


def test_both_backends_give_the_same_picture_at_the_same_size():
    if "dot" not in backends():
        pytest.skip("the Graphviz `dot` program is not installed: only one backend here")
    x, y = graphs.first_example()
    a, b = (av.draw(y, backend=be).png(2) for be in ("dot", "wasm"))
    assert ihdr_size(a) == ihdr_size(b)
    # the two Graphviz builds place edges a fraction of a point apart; the boxes,
    # text and colours are ours, so the pictures agree almost everywhere
    assert np.abs(pixels(a) - pixels(b)).mean() < 4


def test_png_without_the_dot_program(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` on PATH
    monkeypatch.delenv("AUTOGRAD_VIZ_BACKEND", raising=False)
    assert render_backend.choose("auto") == "wasm"
    loss, _, _ = graphs.neuron()
    d = av.draw(loss)
    png = d.save(tmp_path / "neuron.png").read_bytes()
    check_picture(png, d.svg, scale=2)


def test_vietnamese_text_is_drawn():
    x, y, u, z = graphs.detach_example()
    d = av.draw(z, lang="vi")
    check_picture(d.png(1), d.svg, scale=1)


def test_mimebundle_carries_a_png_of_the_svg():
    x, y = graphs.first_example()
    d = av.draw(y)
    bundle = d._repr_mimebundle_()
    png = base64.b64decode(bundle["image/png"])
    check_picture(png, d.svg, scale=1)
    assert len(png) < 40_000, "the saved picture should stay small"
    assert "image/png" not in d._repr_mimebundle_(exclude={"image/png"})
    assert "image/png" not in d._repr_mimebundle_(include={"image/svg+xml"})
    assert d._repr_mimebundle_()["image/png"] == bundle["image/png"]  # made once, kept


def test_without_resvg_png_says_how_to_fix_and_display_still_works(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "resvg_py", None)  # makes `import resvg_py` fail
    x, y = graphs.first_example()
    d = av.draw(y)
    with pytest.raises(raster.RasterError, match="pip install resvg-py"):
        d.save(tmp_path / "g.png")
    bundle = d._repr_mimebundle_()
    assert set(bundle) == {"image/svg+xml", "text/plain"}


@pytest.mark.parametrize("scale", [0, -1, 100, "2"])
def test_bad_scale_is_refused(scale):
    x, y = graphs.first_example()
    with pytest.raises(ValueError, match="scale must be"):
        av.draw(y).png(scale)


def test_svg_without_a_size_is_refused():
    with pytest.raises(raster.RasterError, match="width"):
        raster.svg_to_png('<svg xmlns="http://www.w3.org/2000/svg"></svg>')
    with pytest.raises(raster.RasterError, match="no <svg>"):
        raster.svg_to_png("hello")


def test_palette_copy_is_smaller_and_looks_the_same():
    loss, _, _ = graphs.neuron()
    d = av.draw(loss)
    full, small = raster.svg_to_png(d.svg, 1), raster.svg_to_png(d.svg, 1, palette=True)
    assert ihdr_size(full) == ihdr_size(small)
    assert len(small) < 0.6 * len(full)
    assert np.abs(pixels(full) - pixels(small)).mean() < 1.5


def _long_chain(n=60):
    x = av.tensor([0.5, -0.25, 1.0, 2.0], requires_grad=True)
    h = x
    for _ in range(n):
        h = av.tanh(h * 1.01 + 0.1)
    loss = h.sum()
    loss.backward()
    return loss


def test_a_huge_diagram_is_bounded_in_the_notebook_and_refused_at_a_silly_scale(tmp_path):
    from autograd_viz.render.draw import BUNDLE_PNG_PIXELS

    d = av.draw(_long_chain())
    w, h = raster.svg_size_px(d.svg)
    assert w * h > 4 * BUNDLE_PNG_PIXELS  # big enough to need shrinking
    png = base64.b64decode(d._repr_mimebundle_()["image/png"])
    pw, ph = ihdr_size(png)
    assert pw * ph <= BUNDLE_PNG_PIXELS * 1.01
    assert abs(pw / ph - w / h) < 0.02 * (w / h)  # shrunk, not cropped
    with pytest.raises(ValueError, match=r"scale=\S+ or less, or save it as \.svg"):
        d.save(tmp_path / "huge.png", scale=2)
    assert not (tmp_path / "huge.png").exists()
