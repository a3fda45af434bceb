"""The step-through player in a notebook: one widget, stepped in the browser.

The frames are computed once in Python (frames.build_frames) and sent once,
as one layout plus what changes per frame (frames/film.py); the page steps
through them itself, so stepping is instant, the size grows with the graph,
and a saved notebook keeps playing after its kernel stops.

Why anywidget: it is the maintained way to write one widget module that runs
in JupyterLab, Notebook 7, VS Code, Colab and marimo (marimo runs no other
ipywidgets); the module travels in the widget's state, so a saved notebook's
widget needs no extension of ours, and the same script serves the kernel-free
copies (html.py).

Shown in a notebook, a step-through is two outputs: the copy (html.py's
:func:`~.html.notebook_copy_html`: a picture where no script runs, the whole
player where scripts run without a widget manager, e.g. nbconvert's HTML
offline) and the widget, which hides the copy when it shows.
"""

from __future__ import annotations

import uuid

import anywidget
import traitlets

from ..i18n import error, using_lang
from ..i18n import resolve as resolve_lang
from . import collector
from .html import film_of, labels_for, notebook_copy_html, player_css, widget_esm, write_player


class StepThrough(anywidget.AnyWidget):
    """Plays precomputed frames: the forward pass op by op, then the backward pass.

    ``frames`` is the list of frames; ``index`` (0-based, settable, kept in step
    with the page) is the one shown; ``next()``/``prev()`` step from Python;
    ``to_html(path)`` writes a kernel-free player.
    """

    _esm = widget_esm()
    _css = player_css()

    index = traitlets.Int(0).tag(sync=True)
    film = traitlets.Dict().tag(sync=True)
    labels = traitlets.Dict().tag(sync=True)
    lang = traitlets.Unicode("en").tag(sync=True)
    key = traitlets.Unicode("").tag(sync=True)

    def __init__(self, frames, lang="en", title=None):
        frames = list(frames)
        data = film_of(frames)  # refuses an empty list, with what to do
        self.frames = frames
        self.title = title
        super().__init__(film=data, labels=labels_for(lang), lang=lang, key=uuid.uuid4().hex)

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
            index = proposal["value"]
            raise error(IndexError, "err_frame_index", self.lang, index=index, n=n, last=n - 1)
        return i

    def load(self, frames):
        """Play other frames in the same player (sent once, like the first ones)."""
        frames = list(frames)
        data = film_of(frames)
        with self.hold_sync():
            self.frames = frames
            self.index = 0
            self.film = data

    # -- outside the live widget ----------------------------------------------

    def to_html(self, path, title=None):
        """Write one self-contained HTML file that plays these frames; returns its Path."""
        return write_player(
            path,
            self.frames,
            lang=self.lang,
            title=self.title if title is None else title,
            start=self.index,
        )

    def copy_html(self):
        """The kernel-free copy shown beside the widget (see the module's doc)."""
        return notebook_copy_html(
            self.frames, lang=self.lang, key=self.key, start=self.index, data=self.film
        )

    def __repr__(self):
        words, n = self.labels, len(self.frames)
        backward = sum(1 for f in self.frames if f.kind == "backward")
        count = words["one_frame"] if n == 1 else words["n_frames"].format(n=n)
        return (
            f"<{type(self).__name__}: {count} "
            f"({words['forward']}: {n - backward}, {words['backward']}: {backward}); "
            f"{words['at']} {self.index + 1}/{n}: {self.frame.title}>"
        )

    def _repr_mimebundle_(self, **kwargs):
        data, metadata = super()._repr_mimebundle_(**kwargs)  # metadata: Colab's manager
        data = dict(data)
        data["text/plain"] = repr(self)
        # where widgets do not run (an untrusted notebook, GitHub) the copy beside
        # this output already shows the frame: this one shows nothing there
        data["text/html"] = ""
        return data, metadata

    def _ipython_display_(self):
        from IPython import get_ipython
        from IPython.display import display

        if getattr(get_ipython(), "kernel", None) is None:  # a terminal: text is all it shows
            print(repr(self))
            return
        display({"text/html": self.copy_html(), "text/plain": ""}, raw=True)
        data, metadata = self._repr_mimebundle_()
        display(data, metadata=metadata, raw=True)


def step_through(target, *args, lang=None, mode="reverse", wrt=None, tangent=None, **options):
    """Play how `target` (a tensor after backward, or a tape) was computed, step by step.

    Returns a StepThrough widget: in a notebook it shows the diagram, a play/pause
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
    # what goes wrong from here (the function drawn included) is said in lang
    with using_lang(lang):
        if is_function(target):
            run = record(target, args, backward=(mode == "reverse"))
            options["names"] = names_for(run, options.get("names"))
            if mode == "forward":
                wrt = pick_wrt(run, wrt)
                target = run.outputs[0] if len(run.outputs) == 1 else run.target
            else:
                target = run.target
        elif args:
            raise error(TypeError, "err_step_args")
        # the function (if any) ran above: only our own building is paused
        with collector.paused():
            frames = build_frames(target, lang=lang, mode=mode, wrt=wrt, tangent=tangent, **options)
            return StepThrough(frames, lang=lang)
