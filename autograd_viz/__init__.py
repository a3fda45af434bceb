"""autograd_viz: automatic differentiation you can watch.

import autograd_viz as av
x = av.arange(4.0, requires_grad=True, name="x")
y = 2 * av.dot(x, x)
y.backward()
x.grad            # tensor([ 0.,  4.,  8., 12.])
"""

from .engine import ops as _ops
from .engine import tensor as _tensor
from .engine.errors import BackwardError, DtypeError, GradcheckError, ShapeError
from .engine.functional import (
    grad,
    gradcheck,
    gradients,
    hessian,
    jacfwd,
    jacobian,
    jacrev,
    jvp,
    value_and_grad,
    vjp,
)
from .engine.tensor import (
    Tensor,
    arange,
    enable_grad,
    no_grad,
    ones,
    ones_like,
    randn,
    seed,
    tensor,
    zeros,
    zeros_like,
)
from .i18n import get_lang, set_lang
from .render.draw import Diagram, draw
from .render.frames import build_frames


def step_through(target, *args, lang=None, mode="reverse", wrt=None, tangent=None, **options):
    """Play the forward and backward pass of `target` frame by frame (an ipywidgets widget).

    `target`: an output tensor or a tape (ours, or a real ``torch.Tensor``), or a
    function followed by its arguments (real ``jax.Array`` arguments: JAX runs it).
    ``mode="forward", wrt=x``: forward mode instead, the tangents seeded at x.
    ``depth=k`` (real PyTorch under ``av.capture``): open k levels of ``nn.Module``
    groups, draw deeper modules as one node each."""
    from .description import describe_call
    from .render.widget import step_through as _step_through  # ipywidgets loads only when used

    if args and callable(target):
        desc = describe_call(target, args, mode=mode, lang=lang)
        if desc is not None:  # real JAX: the description stands in for the function
            if mode == "forward":
                wrt = desc.passes.pick(wrt)
            target, args = desc, ()
    return _step_through(target, *args, lang=lang, mode=mode, wrt=wrt, tangent=tangent, **options)


def capture(module=None, lang=None):
    """Record real PyTorch code as it runs, for drawing: ``with av.capture(model):``.

    Inside, every operation keeps its value, each ``nn.Module`` (``module`` and
    those under it, or every module when None) labels the operations it ran,
    and a backward pass keeps the gradients PyTorch sent at every node, so
    ``av.draw(loss)`` and ``av.step_through(loss)`` show them afterwards."""
    from .frameworks import capture as _capture  # torch loads only when used

    return _capture(module, lang=lang)


def compare_modes(target, *args, lang=None, **options):
    """Forward and reverse mode side by side on one layout, with `.counts` of what each costs."""
    from .render.compare_widget import compare_modes as _compare_modes

    return _compare_modes(target, *args, lang=lang, **options)


float32 = "float32"
float64 = "float64"

# the primitives' function forms (av.exp, av.sum, av.dot ...), as the table
# declares them (engine/ops.py)
_PRIMITIVE_FUNCTIONS = [p.function for p in _ops.REGISTRY.values() if p.function]
globals().update({name: getattr(_tensor, name) for name in _PRIMITIVE_FUNCTIONS})

__all__ = [
    "Tensor",
    "tensor",
    "arange",
    "zeros",
    "ones",
    "zeros_like",
    "ones_like",
    "randn",
    "seed",
    *_PRIMITIVE_FUNCTIONS,
    "no_grad",
    "enable_grad",
    "grad",
    "gradients",
    "jacobian",
    "gradcheck",
    "value_and_grad",
    "vjp",
    "jvp",
    "jacfwd",
    "jacrev",
    "hessian",
    "ShapeError",
    "BackwardError",
    "DtypeError",
    "GradcheckError",
    "step_through",
    "compare_modes",
    "capture",
    "draw",
    "Diagram",
    "build_frames",
    "set_lang",
    "get_lang",
]
