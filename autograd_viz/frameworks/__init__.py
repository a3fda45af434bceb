"""Real PyTorch and real JAX as graph descriptions (``autograd_viz.description``).

``torch`` reads PyTorch's autograd graph (``grad_fn``) and, under
:func:`capture`, records a program as it runs; ``jax`` reads the program JAX
traces (``jax.make_jaxpr``).  Each framework is imported only when one of
its arrays is drawn, so ``import autograd_viz`` imports neither; asking for
one that is not installed says what to install.
"""

from __future__ import annotations

import importlib

import numpy as np

from ..i18n import MESSAGES

INSTALL = {
    "torch": (
        "PyTorch",
        "pip install torch (CPU only: pip install torch --index-url "
        "https://download.pytorch.org/whl/cpu)",
    ),
    "jax": ("JAX", "pip install jax"),
}


def require(module, what, lang=None):
    """Import ``module`` ("torch" or "jax"), or raise ImportError saying what to install."""
    try:
        return importlib.import_module(module)
    except ImportError as error:
        framework, install = INSTALL[module]
        raise MESSAGES.error(
            ImportError,
            "fw_missing",
            lang,
            what=what,
            framework=framework,
            install=install,
            error=error,
        ) from None


def capture(module=None, lang=None):
    """``av.capture(module=None)``: see :class:`autograd_viz.capture.torch.Capture`."""
    require("torch", "av.capture()", lang)
    from .torch import Capture

    return Capture(module, lang=lang)


def close(ours, theirs):
    """Whether our table's number agrees with the framework's (its float32
    rounding allowed): the test before our rule text is shown for an op."""
    a, b = np.asarray(ours, dtype=np.float64), np.asarray(theirs, dtype=np.float64)
    if a.shape != b.shape:
        return False
    scale = max(1.0, float(np.max(np.abs(b))) if b.size else 1.0)
    return bool(np.allclose(a, b, rtol=1e-4, atol=1e-5 * scale, equal_nan=True))
