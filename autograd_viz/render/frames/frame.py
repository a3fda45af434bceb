"""What one step of a step-through is: a picture and its explanation."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from ..style import font_style
from .panel import text_html

# the panel's edge, as the player draws it (player.css: --avz-forward, ...)
_EDGE = {"backward": "#d55e00", "compare": "#8250df"}


@dataclass
class Frame:
    """One step of the step-through.

    ``picture`` is the SVG text, or a :class:`~.painter.Picture` (a moment of
    a canvas) whose SVG is joined on demand: ``.svg`` is always the text.

    Shown in a notebook (``steps.frames[-1]``, ``display(frame)``), a frame is
    its title and explanation, as the player's panel shows them; the picture is
    ``.svg``, and the player shows both.
    """

    kind: str  # "forward", "backward", "tangent" (forward mode) or "compare"
    title: str  # short heading, e.g. "Forward 3/7: y = 2 × v1"
    text: str  # the explanation, plain text with the numbers
    html: str  # the same explanation as escaped HTML
    picture: object  # str, or a painter.Picture
    node: str  # id of the highlighted node ("n3"), as in the SVG's <g id=...>

    @property
    def svg(self):
        """A complete standalone SVG of the graph in this step."""
        picture = self.picture
        return picture if isinstance(picture, str) else picture.svg()

    def _repr_mimebundle_(self, include=None, exclude=None):
        # HTML, not printed text: a notebook prints stdout in its code font
        # (DejaVu Sans Mono on Linux), which lacks most Vietnamese letters and
        # draws their second accent beside them.  The font is named inline:
        # an untrusted notebook's saved output loses every <style>.
        title = ""
        if self.title:
            title = (
                f'<div class="avz-title" style="font-weight: 600; margin: 0 0 4px; '
                f'{font_style()}">{escape(self.title)}</div>'
            )
        body = self.html or text_html(escape(self.text or ""))
        edge = _EDGE.get(self.kind, "#0072b2")
        html = (
            f'<div class="avz-frame" style="border-left: 4px solid {edge}; '
            f'padding: 6px 12px; margin: 2px 0; {font_style()}">{title}{body}</div>'
        )
        plain = "\n".join(part for part in (self.title, self.text) if part)
        return {"text/plain": plain, "text/html": html}
