"""The step-through player for JupyterLab: precomputed frames behind a few ipywidgets.

All the work (layout, values, chain-rule text) happens once in frames.build_frames;
the widget only swaps precomputed strings, so stepping is instant and the state
is one integer, `index`.

Layout, top to bottom: the diagram, the controls (kept right under the diagram so
they do not move when the explanation changes length), then the explanation panel.
"""

import html

import ipywidgets as widgets
import traitlets

from ..i18n import resolve as resolve_lang
from .html import (
    DEFAULT_SPEED_MS,
    diagram_html,
    explanation_html,
    labels_for,
    svg_img_html,
    write_player,
)
from .style import FONT_CSS, font_style

# one stylesheet for every StepThrough on the page; class names are prefixed so
# they cannot clash with JupyterLab's own.
_CSS = (
    """<style>
.avz-step .avz-diagram { border: 1px solid #d0d7de; border-radius: 6px; padding: 6px;
  background: #fff; overflow: auto; text-align: center; }
.avz-step .avz-diagram svg { max-width: 100%; height: auto; vertical-align: top; }
.avz-step .avz-controls { align-items: center; flex-wrap: wrap; gap: 4px; margin: 6px 0; }
.avz-step .avz-counter { font-variant-numeric: tabular-nums; min-width: 70px;
  text-align: center; font-size: 14px; }
.avz-step .avz-panel-box { border-left: 4px solid #0969da; background: #f6f8fa;
  padding: 6px 12px; border-radius: 0 6px 6px 0; color: #1f2328; line-height: 1.45;
  min-height: 4.5em; }
.avz-step .avz-panel-box.avz-backward { border-left-color: #cf222e; }
.avz-step .avz-panel-box.avz-compare { border-left-color: #8250df; }
.avz-step .avz-title { font-weight: 600; font-size: 14px; margin: 2px 0 4px; }
.avz-step .avz-text { white-space: pre-wrap; font-size: 13.5px; }
"""
    + FONT_CSS
    + "</style>"
)


class StepThrough(widgets.VBox):
    """Plays precomputed frames: the forward pass op by op, then the backward pass.

    `frames` is the list of frames; `index` (0-based, settable) is the one shown;
    `next()`/`prev()` step in Python; `to_html(path)` writes a kernel-free player.
    """

    index = traitlets.Int(0)

    def __init__(self, frames, lang="en", title=None):
        self.frames = list(frames)
        if not self.frames:
            raise ValueError(
                "There are no frames to play: the graph has no recorded ops. "
                "Compute something from a tensor with requires_grad=True first."
            )
        self.lang = lang
        self.labels = labels_for(lang)
        self.title = title
        words = self.labels
        last = len(self.frames) - 1

        self.diagram = widgets.HTML()
        self.diagram.add_class("avz-diagram")
        self.panel = widgets.HTML()
        self.panel.add_class("avz-panel")

        self.slider = widgets.IntSlider(
            value=0,
            min=0,
            max=last,
            step=1,
            readout=False,
            continuous_update=True,
            description=words["step"],
            layout=widgets.Layout(flex="1 1 240px", min_width="180px"),
            style={"description_width": "initial"},
        )
        self.play = widgets.Play(
            value=0,
            min=0,
            max=last,
            step=1,
            interval=DEFAULT_SPEED_MS,
            show_repeat=False,
            tooltip=f"{words['play']} / {words['pause']}",
        )
        # the link lives in the browser so playback stays smooth even when the
        # kernel is busy; the slider then tells Python which frame to show.
        self._play_link = widgets.jslink((self.play, "value"), (self.slider, "value"))
        self.prev_button = widgets.Button(
            description=f"◀ {words['prev']}",
            tooltip=words["prev"],
            layout=widgets.Layout(width="auto"),
        )
        self.next_button = widgets.Button(
            description=f"{words['next']} ▶",
            tooltip=words["next"],
            layout=widgets.Layout(width="auto"),
        )
        self.counter = widgets.Label()
        self.counter.add_class("avz-counter")
        self.speed = widgets.Dropdown(
            options=list(words["speeds"]),
            value=DEFAULT_SPEED_MS,
            description=words["speed"],
            layout=widgets.Layout(width="auto"),
            style={"description_width": "initial"},
        )

        self.prev_button.on_click(lambda _button: self.prev())
        self.next_button.on_click(lambda _button: self.next())
        self.slider.observe(self._on_slider, names="value")
        self.speed.observe(self._on_speed, names="value")

        controls = widgets.HBox(
            [self.play, self.prev_button, self.slider, self.next_button, self.counter, self.speed]
        )
        controls.add_class("avz-controls")
        style = widgets.HTML(_CSS, layout=widgets.Layout(display="none"))
        super().__init__(children=[style, self.diagram, controls, self.panel])
        self.add_class("avz-step")
        self._show(0)

    # -- stepping -------------------------------------------------------------

    @property
    def frame(self):
        """The frame on screen."""
        return self.frames[self.index]

    def next(self):
        """Show the next frame (stays on the last one)."""
        if self.index < len(self.frames) - 1:
            self.index += 1

    def prev(self):
        """Show the previous frame (stays on the first one)."""
        if self.index > 0:
            self.index -= 1

    @traitlets.validate("index")
    def _check_index(self, proposal):
        i, n = proposal["value"], len(self.frames)
        if -n <= i < 0:  # like a list: -1 is the last frame
            i += n
        if not 0 <= i < n:
            raise IndexError(
                f"index={proposal['value']} is outside the {n} frames; "
                f"use 0 … {n - 1} (or -1 for the last)."
            )
        return i

    @traitlets.observe("index")
    def _on_index(self, change):
        self._show(change["new"])

    def _on_slider(self, change):
        self.index = change["new"]

    def _on_speed(self, change):
        self.play.interval = int(change["new"])

    def _show(self, i):
        frame = self.frames[i]
        kind = frame.kind if frame.kind in ("backward", "compare") else "forward"
        self.diagram.value = diagram_html(frame.svg)
        self.panel.value = (
            f'<div class="avz-panel-box avz-{kind}">'
            f'<div class="avz-title">{html.escape(frame.title or "")}</div>'
            f"{explanation_html(frame)}</div>"
        )
        self.slider.value = i
        self.counter.value = f"{i + 1} / {len(self.frames)}"
        self.prev_button.disabled = i == 0
        self.next_button.disabled = i == len(self.frames) - 1

    # -- outside the live widget ----------------------------------------------

    def to_html(self, path, title=None):
        """Write one self-contained HTML file that plays these frames; returns its Path."""
        return write_player(
            path, self.frames, lang=self.lang, title=self.title if title is None else title
        )

    def __repr__(self):
        words, n = self.labels, len(self.frames)
        backward = sum(1 for f in self.frames if f.kind == "backward")
        count = words["one_frame"] if n == 1 else words["n_frames"].format(n=n)
        return (
            f"<StepThrough: {count} "
            f"({words['forward']}: {n - backward}, {words['backward']}: {backward}); "
            f"{words['at']} {self.index + 1}/{n}: {self.frame.title}>"
        )

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs) or {}
        # Viewers that do not draw the widget (an untrusted notebook in JupyterLab,
        # nbconvert, GitHub) show this HTML: the frame on screen as an <img> of its
        # SVG, since they strip inline <svg> but keep images with a data: URI.
        bundle["text/html"] = (
            f'<div class="avz-static" style="{font_style()}">{_picture_html(self.frame)}'
            f"<p><b>{html.escape(self.frame.title or '')}</b></p>"
            f"{explanation_html(self.frame)}</div>"
        )
        return bundle


def _picture_html(frame):
    """The frame's SVG as an <img> with a data: URI, at its natural width (shrunk to fit)."""
    return svg_img_html(frame.svg, frame.title or "")


def step_through(target, *args, lang=None, mode="reverse", wrt=None, tangent=None, **options):
    """Play how `target` (a tensor after backward, or a tape) was computed, step by step.

    Returns a StepThrough widget: in JupyterLab it shows the diagram, a play/pause
    button, previous/next buttons, a slider and the chain rule for each step.
    `target` may also be a function followed by its arguments (``step_through(f, x)``):
    it is run once, recording, and for a scalar output the reverse pass too.
    ``mode="forward"`` steps forward mode instead: the tangents seeded at `wrt`
    (ones, or `tangent`) pushed op by op.  `options` are passed on to the frame builder.
    """
    from .frames import build_frames  # imported here so the widget works with any frame list
    from .function import is_function, names_for, pick_wrt, record

    if (
        args
        and not is_function(target)
        and len(args) == 1
        and isinstance(args[0], str)
        and lang is None
    ):
        lang, args = args[0], ()  # step_through(y, "vi"), as before functions
    lang = resolve_lang(lang)
    labels_for(lang)  # fail on an unknown language before any heavy work
    if is_function(target):
        run = record(target, args, backward=(mode == "reverse"))
        options["names"] = names_for(run, options.get("names"))
        if mode == "forward":
            wrt = pick_wrt(run, wrt)
            target = run.outputs[0] if len(run.outputs) == 1 else run.target
        else:
            target = run.target
    elif args:
        raise TypeError(
            "step_through(y) takes the output alone; to pass arguments, "
            "give the function first: step_through(f, x)"
        )
    frames = build_frames(target, lang=lang, mode=mode, wrt=wrt, tangent=tangent, **options)
    return StepThrough(frames, lang=lang)
