"""``av.draw``: the recorded graph as a picture that shows itself in Jupyter.

d = av.draw(y)          # op nodes, forward values, gradients after backward
d                       # in a notebook: the SVG (and a PNG copy for untrusted viewers)
d.source                # the DOT text
d.save("graph.png")     # .svg, .png or .dot by suffix
"""

from __future__ import annotations

import base64
from pathlib import Path

from ..i18n import error, in_call_language, t
from . import backend as render_backend
from . import dot_source as _dot
from . import raster
from .frames import Painter, build_frames
from .model import build_model

SUFFIXES = (".svg", ".png", ".dot")
# the picture saved in notebooks for untrusted viewers: at most this many pixels
BUNDLE_PNG_PIXELS = 2_000_000


class Diagram:
    """A drawn graph: ``.source`` (DOT), ``.svg`` (SVG text), ``.save(path)``."""

    def __init__(self, model, backend="auto"):
        self.model = model
        self.backend = backend
        self._svg = None
        self._source = None
        self._bundle_png = None  # the notebook's PNG copy, made on first display

    @property
    def source(self):
        """The DOT text; `dot -Tsvg` on it draws the same diagram."""
        if self._source is None:
            self._source = _dot.to_dot(self.model)
        return self._source

    @property
    def svg(self):
        """The diagram as standalone SVG text (values, and gradients after backward)."""
        if self._svg is None:
            painter = Painter(self.model, backend=self.backend)
            self._svg = painter.svg(grads=self.model.final_grads())
        return self._svg

    @property
    def frames(self):
        """The step-through frames of the same graph (same layout, same labels)."""
        return build_frames(None, model=self.model, backend=self.backend)

    def save(self, path, scale=2):
        """Write ``.svg``, ``.png`` or ``.dot`` (chosen by the suffix); returns the path.

        A PNG is this diagram's SVG rasterised in-process (no `dot` needed), at
        ``scale`` pixels per CSS pixel: 2, the default, stays sharp on slides."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix == ".svg":
            path.write_text(self.svg, encoding="utf-8")
        elif suffix == ".dot":
            path.write_text(self.source, encoding="utf-8")
        elif suffix == ".png":
            path.write_bytes(self.png(scale))
        else:
            lang = self.model.lang
            if suffix:
                raise error(ValueError, "err_save_suffix", lang, suffix=repr(suffix))
            raise error(ValueError, "err_save_no_suffix", lang)
        return path

    def png(self, scale=1):
        """The diagram as PNG bytes (the SVG rasterised), ``scale`` pixels per CSS pixel."""
        return raster.svg_to_png(self.svg, scale)

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"image/svg+xml": self.svg, "text/plain": repr(self)}
        # A saved notebook is untrusted until its user runs or trusts it, and then
        # JupyterLab will not show SVG; a PNG it (and GitHub) shows.  Trusted
        # viewers draw the SVG, so the PNG is kept small: one pixel per CSS pixel
        # (fewer for a huge graph), 64 colours.
        wanted = (include is None or "image/png" in include) and (
            not exclude or "image/png" not in exclude
        )
        if wanted and self._bundle_png is None:
            try:
                scale = raster.fit_scale(self.svg, BUNDLE_PNG_PIXELS)
                png = raster.svg_to_png(self.svg, scale, palette=True)
                self._bundle_png = base64.b64encode(png).decode("ascii")
            except (raster.RasterError, ValueError):
                self._bundle_png = ""  # no rasteriser here: the SVG and the text still show
        if wanted and self._bundle_png:
            bundle["image/png"] = self._bundle_png
        return bundle

    def __repr__(self):
        lang = self.model.lang
        grads = t("repr_grads" if self.model.root is not None else "repr_no_grads", lang)
        nodes, ops = len(self.model.nodes), len(self.model.op_nodes)
        return "<autograd_viz " + t("repr_diagram", lang, nodes=nodes, ops=ops, grads=grads) + ">"


@in_call_language
def draw(target, *args, lang=None, names=None, backend="auto", rankdir="auto", depth=None):
    """Draw the graph recorded behind ``target``: a Tensor, a list of them, or
    a tape; a real ``torch.Tensor`` with a ``grad_fn`` works too.

    Leaves show their names and values, op nodes the operation and its
    result, and after ``backward()`` every node its gradient.  Names of
    unnamed tensors come from your variables (``x``, ``y``, ...); pass
    ``names={"x": x}`` to choose them.  ``lang="vi"`` for Vietnamese.
    ``backend``: "auto" (the `dot` program if installed, else in-process
    Graphviz), "dot" or "wasm".  ``rankdir``: "auto", "LR" (left to right) or "TB" (top down).

    ``draw(f, x, ...)``: a function and its arguments, the JAX way.  ``f`` is
    run once, recording, on fresh copies of the arguments named after its
    parameters; with a scalar output the reverse pass runs too.  With real
    ``jax.Array`` arguments, JAX itself runs it (one box per primitive).
    ``depth``: real PyTorch recorded under ``av.capture``: how many levels of
    ``nn.Module`` groups to open; deeper modules are drawn as one node each.
    """
    from ..description import describe_call
    from .function import is_function, names_for, record

    if is_function(target):
        desc = describe_call(target, args, lang=lang)
        if desc is not None:
            target = desc
        else:
            run = record(target, args)
            target, names = run.target, names_for(run, names)
    elif args:
        if isinstance(args[0], str) and len(args) == 1 and lang is None:
            lang = args[0]  # draw(y, "vi"), as before functions could be drawn
        else:
            raise error(TypeError, "err_draw_args", lang)
    model = build_model(target, lang, names=names, rankdir=rankdir, depth=depth)
    render_backend.choose(backend)  # fail now, with the fix, if Graphviz is missing
    return Diagram(model, backend=backend)
