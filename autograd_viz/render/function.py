"""Drawing a function the JAX way: ``av.draw(f, x)``, ``av.step_through(f, x)``.

The function is run once on fresh leaves made from its arguments (each one
requires grad and is named after the function's parameter), recording every
op; its local variables name the intermediate values.  Any dialect works:
a leaf keeps its argument's tensor flavour, and the call runs under the
engine's record_everything(), so it is recorded even outside a tape or
``record()`` scope.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

import numpy as np

from ..description.naming import param_names
from ..engine.graph import STATE, record_everything, whole_graph
from ..engine.tensor import Tensor, enable_grad, set_requires_grad
from ..engine.tensor import backward as run_backward
from ..i18n import error


@dataclass
class Recorded:
    """One recorded run of a function."""

    fn: object
    leaves: list  # one fresh leaf per argument
    names: dict  # {name: tensor}, parameters and the function's locals
    out: object  # what it returned (a Tensor or a tuple of them)
    outputs: list = field(default_factory=list)  # the Tensors among ``out``
    first_order: list = field(default_factory=list)  # see record()

    @property
    def target(self):
        """What to draw: the outputs, and the first-order values a gradient of
        them was computed from (higher order: ``grad(f)``)."""
        shown = list(self.outputs) + list(self.first_order)
        return shown[0] if len(shown) == 1 else shown


def is_function(target):
    """Whether ``target`` is a function to run (not a Tensor or a tape to draw)."""

    return callable(target) and not isinstance(target, Tensor) and not hasattr(target, "recorded")


def leaf_from(arg, name, flavour=None):
    """A fresh leaf that requires grad, with ``arg``'s value and flavour (a
    plain number or array takes ``flavour``: that of the other arguments)."""

    if isinstance(arg, Tensor):
        cls, data = type(arg), np.asarray(arg.data)
    else:
        cls, data = flavour or Tensor, np.asarray(arg)
    if data.dtype.kind not in "f" or (not isinstance(arg, Tensor) and data.dtype == np.float64):
        if data.dtype.kind in "biuf":
            data = data.astype(cls._default_float)
        else:
            raise error(TypeError, "err_arg_type", name=repr(name), type=type(arg).__name__)
    leaf = set_requires_grad(cls._plain(np.array(data)))
    leaf.name = name
    return leaf


def record(fn, args, kwargs=None, backward=True):
    """Run ``fn(*args)`` on fresh leaves, recording; for a scalar output also
    run the reverse pass (``.grad`` lands on the fresh leaves only)."""

    if not callable(fn):
        raise error(TypeError, "err_not_function", type=type(fn).__name__)
    if not args:
        raise error(TypeError, "err_needs_args", name=getattr(fn, "__name__", "f"))
    names = param_names(fn, len(args))
    flavour = next((type(a) for a in args if isinstance(a, Tensor)), None)
    leaves = [leaf_from(a, n, flavour) for a, n in zip(args, names)]
    local_vars = {}
    code = getattr(fn, "__code__", None)

    def watch(frame, event, _arg):
        # keep the function's locals as it returns: they name the intermediate values
        if event == "return" and frame.f_code is code:
            local_vars.update(frame.f_locals)

    previous = sys.getprofile()
    if code is not None:
        sys.setprofile(watch)
    recorded = []  # every node recorded during the call
    STATE.recorders.append(recorded)
    try:
        with enable_grad(), record_everything():
            out = fn(*leaves, **(kwargs or {}))
    finally:
        STATE.recorders[:] = [r for r in STATE.recorders if r is not recorded]
        if code is not None:
            sys.setprofile(previous)
    outputs = (
        [out]
        if isinstance(out, Tensor)
        else [o for o in out if isinstance(o, Tensor)]
        if isinstance(out, (tuple, list))
        else []
    )
    if not outputs:
        raise error(
            TypeError,
            "err_fn_returned",
            name=getattr(fn, "__name__", "f"),
            type=type(out).__name__,
        )
    named = {}
    for var, value in local_vars.items():
        if isinstance(value, Tensor) and not var.startswith("_"):
            named.setdefault(var, value)
    for leaf in leaves:
        named[leaf.name] = leaf
    # an output returned as an expression is named after the function (f, loss, ...)
    fname = getattr(fn, "__name__", "")
    if (
        len(outputs) == 1
        and not outputs[0].name
        and fname.isidentifier()
        and all(v is not outputs[0] for v in named.values())
        and fname not in named
    ):
        named[fname] = outputs[0]
    run = Recorded(fn, leaves, named, out, outputs, _first_order(recorded, outputs))
    only = outputs[0]
    if backward and len(outputs) == 1 and only.size == 1 and only.requires_grad:
        run_backward(only, retain_graph=True)
    return run


def _first_order(recorded, outputs):
    """For a function that returns a gradient (``grad(f)``): the values of the
    first-order computation it differentiated, which its output does not
    reach, so the drawing shows both parts.  Nothing for ordinary functions."""
    below = whole_graph(outputs)
    if not any(x.from_backward for x in below):
        return []
    seen = {id(x) for x in below}
    used = {id(p) for x in recorded for p in x.inputs}
    return [x for x in recorded if id(x) not in seen and id(x) not in used and not x.from_backward]


def names_for(run, names=None):
    """The names a drawing of ``run`` uses ({name: tensor}); the user's ``names`` win."""

    merged = {id(tensor): (tensor, var) for var, tensor in run.names.items()}
    for key, value in (names or {}).items():
        tensor, name = (value, key) if isinstance(key, str) else (key, value)
        if isinstance(tensor, Tensor):
            merged[id(tensor)] = (tensor, name)
    return {name: tensor for tensor, name in merged.values()}


def pick_wrt(run, wrt):
    """The leaves forward mode seeds for a recorded function: ``wrt`` may be an
    argument's position or parameter name (or a list of them), or tensors;
    by default the first argument, like ``argnums=0``."""
    if wrt is None:
        return run.leaves[0]
    many = isinstance(wrt, (list, tuple))
    picks = list(wrt) if many else [wrt]
    out = []
    by_name = {x.name: x for x in run.leaves}
    for p in picks:
        if isinstance(p, bool):
            raise error(TypeError, "err_wrt_kind")
        if isinstance(p, int):
            if not -len(run.leaves) <= p < len(run.leaves):
                raise error(ValueError, "err_wrt_position", wrt=p, n=len(run.leaves))
            out.append(run.leaves[p])
        elif isinstance(p, str):
            if p not in by_name:
                raise error(ValueError, "err_wrt_name", wrt=repr(p), names=", ".join(by_name))
            out.append(by_name[p])
        else:
            out.append(p)
    return out if many else out[0]
