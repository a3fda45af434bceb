"""The widget ``av.compare_modes`` returns: the side-by-side frames in the
step-through player, and what each mode cost as ``.counts``."""

from __future__ import annotations

from ..i18n import resolve as resolve_lang
from .compare import compare
from .html import labels_for
from .widget import StepThrough


class CompareModes(StepThrough):
    """Forward and reverse mode stepped side by side on one layout.

    ``.counts``: inputs, outputs, forward_sweeps, reverse_sweeps, forward_ops,
    reverse_ops and stored_values (per mode), counted on this graph;
    ``.jacobians``: the whole Jacobian as each mode built it (they agree);
    ``.forward_frames`` / ``.reverse_frames``: each mode's own frames.
    """

    def __init__(self, comparison, lang="en"):
        self.comparison = comparison
        self.counts = comparison.counts
        self.jacobians = comparison.jacobians
        self.forward_frames = comparison.forward_frames
        self.reverse_frames = comparison.reverse_frames
        super().__init__(comparison.frames, lang=lang)

    def __repr__(self):
        c = self.counts
        return (
            f"<CompareModes: {len(self.frames)} steps; whole Jacobian "
            f"{c['outputs']}×{c['inputs']}: forward sweeps {c['forward_sweeps']}, "
            f"reverse sweeps {c['reverse_sweeps']}; showing {self.index + 1}/"
            f"{len(self.frames)}>"
        )


def compare_modes(target, *args, lang=None, **options):
    """``av.compare_modes(y)`` or ``av.compare_modes(f, x)``: see :class:`CompareModes`."""
    lang = resolve_lang(lang)
    labels_for(lang)
    return CompareModes(compare(target, *args, lang=lang, **options), lang=lang)
