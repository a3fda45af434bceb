"""JAX's names for the engine's primitives (see autograd_viz/_dialect.py).

``numpy.exp`` is ``jnp.exp``, ``nn.relu`` is ``jax.nn.relu``; the functions
the dialect does not write by hand are made here from the engine's, with
JAX's dtypes and weak types.  An engine method a JAX array does not have
(``x.exp()``: JAX spells it ``jnp.exp(x)``) is hidden from its users, with
a hint that names JAX's spelling.
"""

from __future__ import annotations

import sys

from .._dialect import PYTHON_OPERATORS, NotProvided, Provided, names_in, provide
from ..engine import ops
from . import _array, lax, nn, numpy  # noqa: F401  (the namespaces filled here)

PRIMITIVES = {
    **PYTHON_OPERATORS,
    "add": Provided("a + b", "numpy.add"),
    "sub": Provided("a - b", "numpy.subtract"),
    "mul": Provided("a * b", "numpy.multiply"),
    "div": Provided("a / b", "numpy.divide"),
    "pow": Provided("a ** b", "numpy.power"),
    "neg": Provided("-a", "numpy.negative"),
    "exp": Provided("numpy.exp"),
    "log": Provided("numpy.log"),
    "sin": Provided("numpy.sin"),
    "cos": Provided("numpy.cos"),
    "tanh": Provided("numpy.tanh", "nn.tanh"),
    "sigmoid": Provided("nn.sigmoid"),
    "relu": Provided("nn.relu"),
    "abs": Provided("numpy.abs", "abs(a)"),
    "sqrt": Provided("numpy.sqrt"),
    "sum": Provided("numpy.sum", ".sum"),
    "mean": Provided("numpy.mean", ".mean"),
    "max": Provided("numpy.max", "numpy.amax", ".max"),
    "norm": Provided("numpy.linalg.norm"),
    "dot": Provided("numpy.dot", ".dot"),
    "matmul": Provided("numpy.matmul", "a @ b"),
    "reshape": Provided("numpy.reshape", ".reshape"),
    "transpose": Provided("numpy.transpose", ".T", ".transpose"),
    "broadcast_to": Provided("numpy.broadcast_to"),
    "unindex": NotProvided(
        "the engine's scatter-add, the transpose of indexing; x.at[i].add and joining "
        "arrays are built on it"
    ),
    "cast": Provided(".astype"),
    "identity": Provided("numpy.array"),
    "erf": Provided("lax.erf"),
    "log1p": Provided("numpy.log1p"),
    "maximum": Provided("numpy.maximum"),
    "minimum": Provided("numpy.minimum"),
    "where": Provided("numpy.where"),
    "prod": Provided("numpy.prod", ".prod"),
    "min": Provided("numpy.min", "numpy.amin", ".min"),
    "logsumexp": Provided("nn.logsumexp"),
    "einsum": Provided("numpy.einsum"),
}


def _make(prim, engine_function):
    """A jnp function from the engine's, with JAX's promotion and weak types."""
    if prim.elementwise and prim.arity == 1:
        return lambda x: _array.unary(engine_function, x)
    if prim.elementwise and prim.arity == 2:
        return lambda x1, x2: _array.binary(engine_function, x1, x2)
    if prim.axes:
        return lambda a, axis=None, keepdims=False, dtype=None: _array.reduction(
            engine_function, a, axis, keepdims, dtype
        )

    def made(*args, **params):
        arrays = [_array.lift(a) for a in args[: prim.arity]]
        return _array._finish(engine_function(*arrays, *args[prim.arity :], **params), False)

    return made


provide(sys.modules[__package__], PRIMITIVES, _make)


def _jax_spelling(name):
    """``numpy.exp`` as a JAX user writes it: ``jnp.exp``; ``nn.relu``: ``jax.nn.relu``."""
    return "jnp." + name[len("numpy.") :] if name.startswith("numpy.") else "jax." + name


# the engine's methods of primitives JAX arrays lack, hidden with JAX's spelling
for _prim in ops.REGISTRY.values():
    _entry = PRIMITIVES.get(_prim.name)
    if _prim.method and not (
        isinstance(_entry, Provided) and "." + _prim.method in _entry.spellings
    ):
        _names = names_in(_entry.spellings) if isinstance(_entry, Provided) else []
        if _names:
            _array.hide(_prim.method, "hint_use", spelling=_jax_spelling(_names[0]))
        else:
            _array.hide(_prim.method, "hint_none")
del _prim, _entry
