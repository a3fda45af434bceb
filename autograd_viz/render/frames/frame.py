"""What one step of a step-through is: a picture and its explanation."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Frame:
    """One step of the step-through.

    ``picture`` is the SVG text, or a :class:`~.painter.Picture` (a moment of
    a canvas) whose SVG is joined on demand: ``.svg`` is always the text.
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

    def _repr_html_(self):
        svg = self.svg
        return svg[svg.find("<svg") :] + self.html
