"""What one step of a step-through is: a picture and its explanation."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Frame:
    """One step of the step-through."""

    kind: str  # "forward", "backward" or "tangent" (forward mode)
    title: str  # short heading, e.g. "Forward 3/7: y = 2 × v1"
    text: str  # the explanation, plain text with the numbers
    html: str  # the same explanation as escaped HTML
    svg: str  # a complete standalone SVG of the graph in this step
    node: str  # id of the highlighted node ("n3"), as in the SVG's <g id=...>

    def _repr_html_(self):
        start = self.svg.find("<svg")
        return self.svg[start:] + self.html
