"""What an oracle process and the test process say to each other, and how a
snippet of framework code is run on either side.

Both sides run this file: the test process (numpy 2) and the oracle servers in
their own virtual environments (MXNet's has numpy 1.23), so it needs nothing
but numpy and the standard library.  A framework's tensors cross as ``.npy``
bytes (exact values and dtype); lists, tuples, dicts, strings, numbers and
None cross as themselves.
"""

from __future__ import annotations

import base64
import contextlib
import io
import sys

import numpy as np


def as_numpy(x):
    """A framework tensor (or a numpy value) as a numpy array, or None if ``x``
    is not one.  Each framework has its own way out: MXNet ``asnumpy()``,
    PyTorch ``detach().numpy()``, TensorFlow ``numpy()``, JAX ``__array__``."""
    if isinstance(x, (np.ndarray, np.generic)):
        return np.asarray(x)
    if hasattr(x, "asnumpy"):
        return np.asarray(x.asnumpy())
    if hasattr(x, "numpy") and hasattr(x, "shape"):
        if hasattr(x, "detach"):
            x = x.detach()
        return np.asarray(x.numpy())
    if hasattr(x, "__array__") and hasattr(x, "shape"):
        return np.asarray(x)
    return None


def encode(x):
    """``x`` as JSON-ready data (see the module's docstring)."""
    if x is None or isinstance(x, (bool, int, float, str)):
        return x
    if isinstance(x, dict):
        return {"dict": [[encode(k), encode(v)] for k, v in x.items()]}
    if isinstance(x, tuple):
        return {"tuple": [encode(v) for v in x]}
    if isinstance(x, list):
        return {"list": [encode(v) for v in x]}
    arr = as_numpy(x)
    if arr is not None:
        buf = io.BytesIO()
        np.save(buf, arr, allow_pickle=False)
        return {"array": base64.b64encode(buf.getvalue()).decode("ascii")}
    return {"other": f"{type(x).__name__}: {x!r}"}


def decode(x):
    if not isinstance(x, dict):
        return x
    if "array" in x:
        return np.load(io.BytesIO(base64.b64decode(x["array"])), allow_pickle=False)
    if "dict" in x:
        return {decode(k): decode(v) for k, v in x["dict"]}
    if "tuple" in x:
        return tuple(decode(v) for v in x["tuple"])
    if "list" in x:
        return [decode(v) for v in x["list"]]
    return Other(x["other"])


class Other(str):
    """A value that is neither data nor a tensor, kept as its type and repr."""


class Runner:
    """Runs snippets of framework code: ``run(prelude, source, call, args)``
    executes ``prelude`` (the import lines, once per distinct prelude), then
    ``source`` in a copy of that namespace, then calls ``call(*args)``.  It
    answers ``{"ok": True, "result": ..., "stdout": ...}`` (what the call
    returned, encoded, and what it printed) or ``{"ok": False, "error": ...}``."""

    def __init__(self):
        self._preludes = {}
        self._compiled = {}

    def run(self, prelude, source, call, args):
        printed = io.StringIO()
        try:
            with contextlib.redirect_stdout(printed):
                namespace = dict(self._prelude(prelude))
                code = self._compiled.get(source)
                if code is None:
                    code = self._compiled[source] = compile(source, "<oracle case>", "exec")
                exec(code, namespace)
                result = namespace[call](*args)
                encoded = encode(result)
        except Exception as error:  # the error is the answer: the other side compares it
            return {"ok": False, "error": f"{type(error).__name__}: {error}"}
        return {"ok": True, "result": encoded, "stdout": printed.getvalue()}

    def _prelude(self, prelude):
        if prelude not in self._preludes:
            namespace = {"__name__": "__oracle__"}
            exec(compile(prelude, "<oracle prelude>", "exec"), namespace)
            self._preludes[prelude] = namespace
        return self._preludes[prelude]


if __name__ == "__main__":
    sys.exit("wire.py is a library; tests/oracles/server.py is the oracle process")
