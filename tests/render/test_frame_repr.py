"""A frame shown in a notebook: its title and explanation, as HTML in our font.

Printed text lands in the notebook's code font (DejaVu Sans Mono on Linux),
which lacks most Vietnamese letters, so the notebooks display frames instead
of printing their text; tests/browser/test_vietnamese_fonts.py checks how
Chromium draws this HTML.
"""

from __future__ import annotations

import html
import re

from IPython.core.formatters import DisplayFormatter

import autograd_viz as av
from autograd_viz.render.style import font_style


def _frames(lang="en", name="x"):
    x = av.tensor(2.0, requires_grad=True, name=name)
    y = av.tensor(3.0, requires_grad=True, name="y")
    L = (x * y + x) * y
    L.backward()
    return av.step_through(L, lang=lang).frames


def _visible_text(markup):
    """The text a browser shows: tags dropped, entities read."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def test_a_frame_shows_its_title_and_explanation_in_every_format():
    for frame in _frames("vi"):
        data, _ = DisplayFormatter().format(frame)
        assert data["text/plain"] == f"{frame.title}\n{frame.text}"
        shown = _visible_text(data["text/html"])
        assert shown.startswith(frame.title) and frame.text in shown, shown
        # no picture: the player shows it, and the notebooks list many frames
        assert "<svg" not in data["text/html"] and "<img" not in data["text/html"]


def test_every_text_of_the_html_names_our_font_inline():
    frame = next(f for f in _frames("vi") if f.kind == "backward")
    markup = frame._repr_mimebundle_()["text/html"]
    # each element that holds text carries the font itself (an untrusted
    # notebook drops <style>), and no monospace font is named
    for tag in re.findall(r"<div\b[^>]*>", markup):
        assert font_style() in tag, tag
    assert "Mono" not in markup
    assert "white-space: pre-wrap" in markup  # the explanation keeps its lines


def test_names_are_escaped():
    frame = _frames(name="<b>x&y</b>")[-1]
    markup = frame._repr_mimebundle_()["text/html"]
    assert "<b>x" not in markup and "&lt;b&gt;x&amp;y&lt;/b&gt;" in markup
    assert "<b>x&y</b>" in _visible_text(markup)


def test_a_frame_without_html_shows_its_text_escaped():
    frame = _frames()[0]
    frame.html = ""
    frame.text = "a < b & c"
    markup = frame._repr_mimebundle_()["text/html"]
    assert "a &lt; b &amp; c" in markup and font_style() in markup
