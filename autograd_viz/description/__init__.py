"""The one graph description the renderer reads (see :mod:`.graph`), and
:func:`describe`, which asks the right producer for it: our engine, or a
capture of real PyTorch or real JAX (imported only when one is drawn, so
``import autograd_viz`` never imports a framework)."""

from __future__ import annotations

from ..i18n import error
from .graph import (
    BackwardPass,
    BackwardStep,
    DescriptionError,
    Graph,
    Module,
    Passes,
    Push,
    Send,
    TangentRun,
    TangentStep,
    Update,
    Value,
    add_totals,
)

__all__ = [
    "BackwardPass",
    "BackwardStep",
    "DescriptionError",
    "Graph",
    "Module",
    "Passes",
    "Push",
    "Send",
    "TangentRun",
    "TangentStep",
    "Update",
    "Value",
    "add_totals",
    "describe",
    "describe_call",
    "framework_of",
]


def framework_of(obj):
    """ "torch" or "jax" for a real framework's array (by its type's module,
    without importing the framework), else None."""
    module = type(obj).__module__ or ""
    top = module.split(".", 1)[0]
    if top == "torch":
        return "torch"
    if top in ("jax", "jaxlib"):
        return "jax"
    return None


def describe(target, names=None, caller=None, depth=None, lang=None):
    """The :class:`Graph` behind ``target``: our Tensor (or a list, or a
    tape), a real ``torch.Tensor`` (or a list of them), or a Graph already."""
    if isinstance(target, Graph):
        return target
    items = target if isinstance(target, (list, tuple)) and target else [target]
    if all(framework_of(x) == "torch" for x in items):
        from ..frameworks import torch as capture_torch

        return capture_torch.describe(target, names=names, caller=caller, depth=depth, lang=lang)
    if any(framework_of(x) == "jax" for x in items):
        raise error(TypeError, "err_jax_array", lang)
    if depth is not None:
        raise error(ValueError, "err_depth_torch", lang)
    from . import engine

    return engine.describe(target, names=names, caller=caller)


def describe_call(fn, args, mode="reverse", lang=None):
    """A function and its arguments, when the arguments are real JAX arrays:
    the Graph of what ``fn`` computes, from JAX itself.  None otherwise (our
    engine records the function: ``render/function.py``)."""
    if not callable(fn) or not any(framework_of(a) == "jax" for a in args):
        return None
    from ..frameworks import jax as capture_jax

    return capture_jax.describe(fn, args, backward=(mode == "reverse"), lang=lang)
