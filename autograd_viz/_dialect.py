"""What the dialects (torch, tf, mxnet, jax) share.

A dialect is a Tensor subclass (its own repr, default float, recording
rule) plus framework-named functions that lift plain numbers and arrays
into that subclass and then call the engine.  Nothing here knows about
derivatives: the engine does all of that.

Each dialect spells the engine's primitives in one table, its
``PRIMITIVES``: for every primitive of engine/ops.py either
``Provided("exp", "math.exp", ".exp")`` (names in the dialect's namespace,
``.method``s of its tensors, operators such as ``"a + b"``) or
``NotProvided("why")``.  :func:`provide` makes the named functions that the
dialect does not write by hand from the engine's, and
tests/dialects/test_primitive_names.py checks every table against the
registry.
"""

from __future__ import annotations

import numpy as np

from .engine import ops
from .engine.tensor import FUNCTIONS, Tensor, identity

# ------------------------------------------------------------------ the primitives' names


class Provided:
    """How a framework spells one primitive: dotted names in the dialect's
    namespace ("exp", "math.exp", "numpy.linalg.norm"), methods of its
    tensors (".exp") and operators (see OPERATORS)."""

    __slots__ = ("spellings",)

    def __init__(self, *spellings):
        if not spellings:
            raise ValueError("Provided(...) needs at least one spelling")
        self.spellings = spellings

    def __repr__(self):
        return f"Provided{self.spellings!r}"


class NotProvided:
    """A primitive the framework does not offer (or the dialect not yet), and why."""

    __slots__ = ("reason",)

    def __init__(self, reason):
        if not (isinstance(reason, str) and reason.strip()):
            raise ValueError("NotProvided(...) needs the reason, in words")
        self.reason = reason

    def __repr__(self):
        return f"NotProvided({self.reason!r})"


# operator spellings and the Tensor method each stands for
OPERATORS = {
    "a + b": "__add__",
    "a - b": "__sub__",
    "a * b": "__mul__",
    "a / b": "__truediv__",
    "a ** b": "__pow__",
    "-a": "__neg__",
    "abs(a)": "__abs__",
    "a @ b": "__matmul__",
    "a[i]": "__getitem__",
}


# the primitives every framework spells with Python's operators, on its tensors
PYTHON_OPERATORS = {
    "add": Provided("a + b"),
    "sub": Provided("a - b"),
    "mul": Provided("a * b"),
    "div": Provided("a / b"),
    "pow": Provided("a ** b"),
    "neg": Provided("-a"),
    "getitem": Provided("a[i]"),
}


def names_in(spellings):
    """The dotted names among ``spellings`` (not methods, not operators)."""
    return [s for s in spellings if not s.startswith(".") and s not in OPERATORS]


def provide(root, table, make):
    """Set every name ``table`` spells in ``root`` (a module, or what its
    dotted names lead to) that the dialect has not written by hand:
    ``make(prim, engine_function)`` gives the framework's function.  One
    function per primitive, under each of its names."""
    for name, entry in table.items():
        if not isinstance(entry, Provided):
            continue
        prim = ops.REGISTRY[name]
        made = None
        for spelling in names_in(entry.spellings):
            *path, last = spelling.split(".")
            holder = root
            for part in path:
                holder = getattr(holder, part)
            if hasattr(holder, last):
                continue
            if made is None:
                made = make(prim, FUNCTIONS[name])
                made.__name__ = made.__qualname__ = last
                made.__doc__ = FUNCTIONS[name].__doc__
            setattr(holder, last, made)


class DType:
    """A dtype that prints the framework's way (``torch.float32``) and
    works wherever numpy expects a dtype: numpy reads its ``.dtype``."""

    __slots__ = ("prefix", "dtype")

    def __init__(self, prefix, dtype):
        self.prefix = prefix
        self.dtype = np.dtype(dtype)

    def __repr__(self):
        return f"{self.prefix}.{self.dtype.name}"

    __str__ = __repr__

    def __getattr__(self, attr):
        # .name, .kind, .type, .itemsize ... as on a numpy dtype (never for
        # our own slots or dunders: copy/pickle probe those before __init__)
        if attr.startswith("__") or attr in DType.__slots__:
            raise AttributeError(attr)
        return getattr(self.dtype, attr)

    def __eq__(self, other):
        try:
            return self.dtype == np.dtype(other)
        except TypeError:
            return NotImplemented

    def __hash__(self):
        return hash(self.dtype)


class DTypes:
    """The dtype objects of one framework, one per numpy dtype."""

    def __init__(self, prefix):
        self.prefix = prefix
        self._known = {}

    def __call__(self, dtype):
        dtype = np.dtype(dtype)
        if dtype not in self._known:
            self._known[dtype] = DType(self.prefix, dtype)
        return self._known[dtype]


def np_dtype(dtype):
    """A numpy dtype from a framework dtype, numpy type or name (None stays None)."""
    return None if dtype is None else np.dtype(dtype)


def lift(cls, x):
    """``x`` as a tensor: tensors pass through, numbers and arrays become ``cls``."""
    return x if isinstance(x, Tensor) else cls(x)


def lifting(cls, fn, n_tensors=1):
    """``fn`` with its first ``n_tensors`` arguments lifted into ``cls``, so
    ``torch.exp(2.0)`` gives a torch tensor rather than an engine one."""

    def lifted(*args, **kwargs):
        args = [lift(cls, a) for a in args[:n_tensors]] + list(args[n_tensors:])
        return fn(*args, **kwargs)

    lifted.__name__ = fn.__name__
    lifted.__doc__ = fn.__doc__
    return lifted


def shape_arg(shape):
    """The shape from f(2, 3) or f((2, 3))."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return tuple(shape)


def fresh(cls, array, dtype=None, requires_grad=False, name=None, default_int=None):
    """A new leaf of flavour ``cls`` from an array numpy just made: floats
    (and, if ``default_int`` is given, integers) take the framework's default
    precision unless ``dtype`` asks for another."""
    array = np.asarray(array)
    if dtype is not None:
        array = array.astype(np_dtype(dtype))
    elif array.dtype.kind == "f":
        array = array.astype(cls._default_float)
    elif array.dtype.kind in "iu" and default_int is not None:
        array = array.astype(default_int)
    return cls(array, requires_grad=requires_grad, name=name)


def convert_float(x, dtype, spelled):
    """``x`` as ``dtype`` (x.float(), x.double(), tf.cast): recorded between
    float precisions, so gradients flow back through it; ``spelled`` is kept
    for the callers' messages."""
    dtype = np.dtype(dtype)
    if x.data.dtype == dtype:
        return x
    return x.astype(dtype)


def numpy_repr(data, name, hidden_dtypes):
    """``name([...])`` the way numpy prints it, with ``dtype=`` left out
    for ``hidden_dtypes`` (what the framework treats as the default)."""
    arr = np.asarray(data)
    formatter = _numpy1_scientific(arr)
    body = np.array2string(arr, separator=", ", prefix=name + "(", formatter=formatter)
    if arr.dtype in hidden_dtypes:
        return f"{name}({body})"
    return f"{name}({body}, dtype={arr.dtype})"


def numpy_str(data):
    """``str()`` of the values the way numpy 1 writes it (MXNet's print)."""
    arr = np.asarray(data)
    formatter = _numpy1_scientific(arr) if arr.ndim else None
    return str(arr) if formatter is None else np.array2string(arr, formatter=formatter)


def _numpy1_scientific(arr):
    """numpy 1's scientific notation where numpy 2 would not use it (MXNet
    prints with numpy 1), or None.  numpy 1 compared a float32 array's
    smallest entry with 0.0001 in float64, numpy 2 in float32: the two differ
    only where that entry is float32(0.0001), which numpy 1 writes 1.e-04.
    The format is numpy's own scientific one (shortest digits, padded alike)."""
    if arr.dtype != np.float32 or arr.size == 0 or not np.isfinite(arr).all():
        return None
    nonzero = np.abs(arr[arr != 0])
    if nonzero.size == 0 or nonzero.min() != np.float32(1e-4) or nonzero.max() >= 1e8:
        return None
    parts = [np.format_float_scientific(v, unique=True, trim=".") for v in nonzero]
    mantissas, exps = zip(*(p.partition("e")[::2] for p in parts))
    digits = max(len(m.split(".")[1]) for m in mantissas)
    exp_digits = max(len(e) for e in exps) - 1
    left = max(len(np.format_float_scientific(v, unique=True).split(".")[0]) for v in arr.flat)

    def fmt(v):
        return np.format_float_scientific(
            v,
            precision=digits,
            min_digits=digits,
            unique=True,
            trim="k",
            pad_left=left,
            exp_digits=exp_digits,
        )

    return {"float_kind": fmt}


def recorded_copy(x):
    """A differentiable copy (torch's ``x.clone()``, MXNet's ``x.copy()``):
    the engine's identity ("y = x", local derivative 1), in memory of its own."""
    out = identity(x)
    out.data = np.array(out.data)  # its own memory, as a copy should have
    return out
