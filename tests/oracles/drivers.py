"""How each framework is asked for a value and its derivatives: one driver per
framework, written in that framework's own API, run unchanged on the real
framework and on our dialect (only the import lines, the preludes, differ).

A case's expression becomes ``FN``; ``run(args, diff, fwd)`` makes tensors of
the numpy ``args``, computes ``FN(*tensors)``, then the gradient of
<cotangent, FN> with respect to the arguments numbered in ``diff`` (reverse
mode, the framework's usual way) and, with ``fwd``, the derivative along
tangents (forward mode, where the framework has it).  Cotangents and tangents
are fixed waves, cos(0.7·k + c), the same on both sides.
"""

from __future__ import annotations

PRELUDES = {
    "torch": (
        "import torch\nimport torch.nn.functional as F\nimport torch.autograd.forward_ad as fwAD",
        "import autograd_viz.torch as torch\nimport autograd_viz.torch.nn.functional as F\n"
        "import autograd_viz.torch.autograd.forward_ad as fwAD",
    ),
    "tf": ("import tensorflow as tf", "import autograd_viz.tf as tf"),
    "mxnet": (
        "from mxnet import autograd, np, npx\nnpx.set_np()",
        "from autograd_viz.mxnet import autograd, np, npx\nnpx.set_np()",
    ),
    "jax": (
        "import jax\nimport jax.numpy as jnp",
        "import autograd_viz.jax as jax\nimport autograd_viz.jax.numpy as jnp",
    ),
}

_WAVE = """
import numpy as onp


def _wave(shape, c):
    shape = tuple(int(n) for n in shape)
    n = int(onp.prod(shape, dtype=onp.int64))
    return onp.cos(0.7 * onp.arange(n) + c).reshape(shape)
"""

DRIVERS = {
    "torch": _WAVE
    + """
def run(args, diff, fwd):
    xs = [torch.tensor(a) for a in args]
    for i in diff:
        xs[i].requires_grad_()
    out = FN(*xs)
    res = {"value": out}
    if diff:
        cot = torch.tensor(_wave(out.shape, 1.0), dtype=out.dtype)
        res["grads"] = torch.autograd.grad(out, [xs[i] for i in diff], grad_outputs=cot,
                                           allow_unused=True)
    if fwd and diff:
        with fwAD.dual_level():
            ys = [torch.tensor(a) for a in args]
            for i in diff:
                tangent = torch.tensor(_wave(args[i].shape, 2.0 + i), dtype=ys[i].dtype)
                ys[i] = fwAD.make_dual(ys[i], tangent)
            res["jvp"] = fwAD.unpack_dual(FN(*ys)).tangent
    return res
""",
    "tf": _WAVE
    + """
def run(args, diff, fwd):
    xs = [tf.constant(a) for a in args]
    with tf.GradientTape() as tape:
        for i in diff:
            tape.watch(xs[i])
        out = FN(*xs)
    res = {"value": out}
    if diff:
        cot = tf.constant(_wave(out.shape, 1.0), dtype=out.dtype)
        res["grads"] = tape.gradient(out, [xs[i] for i in diff], output_gradients=cot)
    if fwd and diff:
        primals = [xs[i] for i in diff]
        tangents = [tf.constant(_wave(args[i].shape, 2.0 + i), dtype=xs[i].dtype) for i in diff]
        with tf.autodiff.ForwardAccumulator(primals, tangents) as acc:
            out = FN(*xs)
        res["jvp"] = acc.jvp(out)
    return res
""",
    "mxnet": _WAVE
    + """
def run(args, diff, fwd):
    xs = [np.array(a, dtype=a.dtype) for a in args]
    for i in diff:
        xs[i].attach_grad()
    with autograd.record():
        out = FN(*xs)
    res = {"value": out}
    if diff:
        out.backward(np.array(_wave(out.shape, 1.0), dtype=out.dtype))
        res["grads"] = [xs[i].grad for i in diff]
    return res
""",
    "jax": _WAVE
    + """
def run(args, diff, fwd):
    xs = [jnp.asarray(a) for a in args]
    if not diff:
        return {"value": FN(*xs)}

    def g(*chosen):
        full = list(xs)
        for i, v in zip(diff, chosen):
            full[i] = v
        return FN(*full)

    primals = [xs[i] for i in diff]
    out, pull = jax.vjp(g, *primals)
    res = {"value": out, "grads": pull(jnp.asarray(_wave(out.shape, 1.0), dtype=out.dtype))}
    if fwd and diff:
        tangents = tuple(jnp.asarray(_wave(args[i].shape, 2.0 + i), dtype=xs[i].dtype)
                         for i in diff)
        res["jvp"] = jax.jvp(g, tuple(primals), tangents)[1]
    return res
""",
}

# a snippet that is not a call to differentiate: FN's result (and what it
# printed) is compared as it is; used for printing, structures, errors
PLAIN = """
def run(args, diff, fwd):
    return FN(*args)
"""


def source(framework, fn, plain=False):
    """The program one case runs: the driver with ``FN = fn``."""
    driver = PLAIN if plain else DRIVERS[framework]
    if fn.startswith("def FN("):  # a case that needs statements (a with-block)
        return f"{driver}\n\n{fn}\n"
    return f"{driver}\n\nFN = {fn}\n"
