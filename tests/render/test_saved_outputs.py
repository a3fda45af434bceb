"""What a saved notebook keeps of a diagram and a step-through, for viewers that
do not run or trust it (JupyterLab with an untrusted notebook, GitHub, nbconvert).

Untrusted JupyterLab shows neither image/svg+xml nor a widget, and strips <svg>
from HTML; it keeps image/png and <img> with a data: URI.  The real-browser
check is tests/browser/test_browser_untrusted.py.
"""

from __future__ import annotations

import base64
import html
import re

import graphs
import pytest

import autograd_viz as av
from autograd_viz.render import raster
from autograd_viz.render.html import inline_svg, natural_width_px

IMG = re.compile(
    r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)" width="(\d+)" '
    r'alt="([^"]*)"'
)


@pytest.fixture
def steps():
    loss, _, _ = graphs.neuron()
    return av.step_through(loss)


@pytest.mark.parametrize("index", [0, -1])
def test_step_through_html_fallback_is_a_picture_of_the_frame_on_screen(steps, index):
    steps.index = index
    frame = steps.frame
    page = steps.copy_html()  # the output kept beside the widget
    assert "<svg" not in page, "sanitisers strip inline SVG: it must be inside an <img>"
    (found,) = IMG.findall(page)
    data, width, alt = found
    assert base64.b64decode(data).decode("utf-8") == inline_svg(frame.svg)
    assert int(width) == round(natural_width_px(frame.svg))
    assert html.unescape(alt) == frame.title
    assert html.escape(frame.title) in page  # the title and the explanation stay text


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_the_explanation_keeps_its_line_breaks_without_a_stylesheet(mode):
    """Untrusted JupyterLab strips <style>: the panel's lines must not run
    together, so the box carries its own white-space rule."""
    loss, w, _ = graphs.neuron()
    steps = av.step_through(loss, mode=mode, **({"wrt": w["w1"]} if mode == "forward" else {}))
    steps.index = len(steps.frames) - 1
    page = steps.copy_html()
    box = re.search(r'<div class="avz-text"([^>]*)>(.*?)</div>', page, re.S)
    assert box and "white-space: pre-wrap" in box.group(1)
    assert "\n" in box.group(2), "the last frame's explanation has several lines"


def test_step_through_fallback_of_a_hostile_name_stays_escaped():
    a = av.tensor(2.0, requires_grad=True, name='"><script>alert(1)</script>')
    y = a * a
    y.backward()
    page = av.step_through(y).copy_html()
    assert "<script>alert" not in page
    (found,) = IMG.findall(page)
    assert "<script>" not in base64.b64decode(found[0]).decode("utf-8")


def test_diagram_bundle_has_svg_for_trusted_and_png_for_untrusted_viewers():
    x, y, u, z = graphs.detach_example()
    d = av.draw(z)
    bundle = d._repr_mimebundle_()
    assert bundle["image/svg+xml"] == d.svg
    png = base64.b64decode(bundle["image/png"])
    assert png == raster.svg_to_png(d.svg, 1, palette=True)
    assert bundle["text/plain"].startswith("<autograd_viz diagram:")
