"""What a check can learn from the student's run besides the returned value:
the nodes recorded while it ran, the gradients its backward passes delivered,
and (for drawing) a recording scope that works whatever dialect they used.

All of it runs in the checker's child process, next to the student's code.
"""

from __future__ import annotations

import sys

import numpy as np

from ..engine.graph import STATE, record_everything
from .core import plain


class Recording:
    """Collect every node recorded while the student's code runs."""

    def __enter__(self):
        self.nodes = []
        STATE.recorders.append(self.nodes)
        return self.nodes

    def __exit__(self, *exc):
        STATE.recorders.remove(self.nodes)


def leaf_gradients(nodes):
    """The gradients that backward passes started at ``nodes`` (recorded while
    the student's code ran) delivered to leaves: what a derivative computed by
    autograd must equal.  backward(), av.gradients and a tape's gradient() all
    leave their trace on the node they started from."""
    found = []
    for root in nodes:
        if root.trace is None or root.trace.root_seq != root.seq:
            continue
        final = {}
        for step in root.trace.steps(root):
            for send in step.sends:
                if send.input.is_leaf:
                    final[id(send.input)] = send.total_after
        found += [plain(g) for g in final.values()]
    return found


def every_dialect_recording():
    """Record whatever dialect the student computes in (the engine's one
    switch, record_everything), so a function written for TensorFlow or MXNet
    leaves its graph behind without the student opening a tape or a
    ``record()`` scope."""
    return record_everything()


def grad_mode():
    """Every dialect's "is tracking on" switch, to see what a student left switched."""
    from .. import mxnet

    return {"grad_enabled": STATE.grad_enabled, "mxnet_recording": mxnet.autograd.is_recording()}


def uses_jax(fn):
    """Whether ``fn``'s code reaches for the JAX dialect (``jnp``, ``jax``, or
    a function imported from them), looking at the names it and the functions
    nested in it use."""
    seen, codes = set(), [getattr(fn, "__code__", None)]
    space = dict(getattr(fn, "__globals__", {}))
    for cell, name in zip(
        getattr(fn, "__closure__", None) or (),
        getattr(getattr(fn, "__code__", None), "co_freevars", ()),
    ):
        try:
            space[name] = cell.cell_contents
        except ValueError:  # a cell not filled yet
            pass
    while codes:
        code = codes.pop()
        if code is None or id(code) in seen:
            continue
        seen.add(id(code))
        for name in code.co_names + code.co_freevars:
            value = space.get(name)
            where = (
                getattr(value, "__name__", "")
                if isinstance(value, type(sys))
                else getattr(value, "__module__", "") or ""
            )
            if where == "autograd_viz.jax" or where.startswith("autograd_viz.jax."):
                return True
        codes += [c for c in code.co_consts if hasattr(c, "co_names")]
    return False


def as_jax_array(x, traced):
    """``x`` as the JAX dialect's array: JAX's functions take their own arrays.
    ``traced``: recorded like the stand-in ``jax.grad`` gives a function (JAX
    has no other way to record); else a plain array, as in a plain call."""
    from ..engine.tensor import set_requires_grad
    from ..jax import numpy as jnp

    arr = jnp.array(np.asarray(x.data))
    return set_requires_grad(arr) if traced else arr
