"""The MXNet dialect: ``from autograd_viz.mxnet import autograd, np, npx``.

MXNet's rules, on the engine: ``x.attach_grad()`` gives ``x`` a gradient
buffer of zeros; ops are recorded only inside ``autograd.record()``; each
backward *overwrites* ``.grad``; backward on a non-scalar differentiates the
sum.  Arrays print like numpy's (``array([0., 1., 2., 3.])``), float32 by
default.  ``np`` here is MXNet's numpy-like namespace, so the real numpy is
called ``onp`` ("original numpy"), as MXNet's own docs do.
"""

from __future__ import annotations

from contextlib import contextmanager
from types import SimpleNamespace

import numpy as onp

import autograd_viz as av
from ._dialect import as_gradient, fresh, lifting, numpy_repr, shape_arg

_recording = False       # True inside autograd.record()
_training = False


class ndarray(av.Tensor):
    """An MXNet-flavoured engine array (float32 by default)."""

    _default_float = onp.float32
    _grad_write = True          # backward overwrites .grad
    _in_place_advice = "do it outside `autograd.record()`"
    _dtype_advice = ("Create it as floats, e.g. np.arange(4.0) or "
                     "np.array(..., dtype=np.float32), or convert with x.astype('float32')")

    @classmethod
    def _records(cls):
        return _recording

    def __repr__(self):
        return numpy_repr(self.data, "array", (onp.dtype(onp.float32), onp.dtype(onp.bool_)))

    def attach_grad(self, grad_req="write"):
        """Ask for gradients of this array: ``.grad`` becomes zeros."""
        if grad_req == "null":
            self.requires_grad_(False)
            self.grad = None
            return
        if grad_req != "write":
            raise ValueError(f"grad_req={grad_req!r} is not supported by autograd_viz's "
                             f"MXNet dialect; use 'write' (the default) or 'null'")
        self.requires_grad_(True)
        self.grad = ndarray._plain(onp.zeros_like(onp.asarray(self.data)))

    def backward(self, out_grad=None, retain_graph=False, train_mode=True):
        """Fill ``.grad`` of the attached arrays; a non-scalar is summed."""
        if not self.requires_grad:
            raise av.BackwardError(
                "cannot differentiate: this array was not computed inside "
                "autograd.record() from an array with attach_grad(). Call x.attach_grad() "
                "first, then compute under `with autograd.record():`")
        if out_grad is None:
            out_grad = onp.ones(self.shape, self.data.dtype)
        super().backward(out_grad, retain_graph=retain_graph)

    def asnumpy(self):
        return self.numpy()


# ------------------------------------------------------------------ autograd

@contextmanager
def _scope(recording, training):
    global _recording, _training
    before = _recording, _training
    _recording, _training = recording, training
    try:
        yield
    finally:
        _recording, _training = before


def _grad(heads, variables, head_grads=None, retain_graph=None, create_graph=False,
          train_mode=True):
    """autograd.grad: gradients of ``heads`` without touching ``.grad``."""
    many = isinstance(variables, (list, tuple))
    variables = list(variables) if many else [variables]
    if head_grads is None:
        head_grads = onp.ones(heads.shape, heads.data.dtype)
    retain = create_graph if retain_graph is None else retain_graph
    grads = av.gradients(heads, variables, head_grads, retain_graph=retain,
                         create_graph=create_graph)
    grads = [as_gradient(g, v) for g, v in zip(grads, variables)]
    return grads if many else grads[0]


autograd = SimpleNamespace(
    record=lambda train_mode=True: _scope(True, train_mode),
    pause=lambda train_mode=False: _scope(False, train_mode),
    is_recording=lambda: _recording,
    is_training=lambda: _training,
    grad=_grad,
)


def _set_np(shape=True, array=True, dtype=False):
    """Our arrays always follow numpy semantics; float64 defaults are not offered."""
    if dtype:
        raise NotImplementedError("npx.set_np(dtype=True) (float64 by default) is not "
                                  "supported; pass dtype=np.float64 where you need it")


npx = SimpleNamespace(set_np=_set_np)


# ------------------------------------------------------------------ np

def _array(obj, dtype=None):
    """Python data becomes float32 (even integers), as in MXNet; arrays keep their dtype."""
    if dtype is None and isinstance(obj, (onp.ndarray, av.Tensor)):
        return ndarray(onp.array(obj))
    return fresh(ndarray, onp.asarray(obj), dtype or onp.float32)


def _arange(start, stop=None, step=1, dtype=None):
    args = (start,) if stop is None else (start, stop, step)
    return fresh(ndarray, onp.arange(*args), dtype or onp.float32)


def _filled(fill):
    def make(shape, dtype=None):
        return fresh(ndarray, fill(shape_arg((shape,))), dtype or onp.float32)
    return make


def _normal(loc=0.0, scale=1.0, size=None, dtype=None):
    """Normal samples from the engine's generator; no size gives a 0-d array."""
    data = av.randn(*shape_arg((() if size is None else size,))).data
    return fresh(ndarray, loc + scale * data, dtype)


def _unary(f):
    return lifting(ndarray, f)


np = SimpleNamespace(
    ndarray=ndarray, array=_array, arange=_arange,
    zeros=_filled(onp.zeros), ones=_filled(onp.ones),
    zeros_like=lambda a: ndarray(onp.zeros_like(onp.asarray(a))),
    ones_like=lambda a: ndarray(onp.ones_like(onp.asarray(a))),
    dot=lifting(ndarray, av.dot, 2), matmul=lifting(ndarray, av.matmul, 2),
    sum=_unary(av.sum), mean=_unary(av.mean), max=_unary(av.max),
    exp=_unary(av.exp), log=_unary(av.log), sin=_unary(av.sin), cos=_unary(av.cos),
    tanh=_unary(av.tanh), sqrt=_unary(av.sqrt), abs=_unary(av.abs),
    reshape=_unary(av.reshape), transpose=_unary(av.transpose),
    linalg=SimpleNamespace(norm=_unary(av.norm)),
    random=SimpleNamespace(normal=_normal, seed=av.seed),
    float32=onp.float32, float64=onp.float64, int32=onp.int32, int64=onp.int64,
    bool_=onp.bool_, pi=onp.pi, e=onp.e,
)
