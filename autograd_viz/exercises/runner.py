"""Run a student's function with a time limit and a memory limit, and keep the
notebook alive.

Why a child process (on Linux/macOS):
  * A Python thread cannot be killed.  An asynchronous exception (or a
    ``sys.settrace`` hook) only fires between bytecodes, so it never stops
    a long numpy call, and a student's bare ``except:`` inside the loop
    swallows it; the runaway thread then keeps a core busy for the rest of
    the session.
  * ``SIGALRM`` works only in the main thread and has the same ``except:``
    problem.
  * A child process can be killed for sure with SIGKILL, can be given a
    memory limit of its own, and whatever the student's code breaks
    (globals, the engine's grad mode, a recorder left registered) breaks
    only in the child.  The kernel never runs the student's function at all,
    so it stays usable, under JupyterLab and under nbgrader alike.

Why the child is forked from a small server, not from the notebook's kernel:
  * A kernel has threads: ipykernel's own, and JAX's and PyTorch's pools once
    a notebook has used them.  ``os.fork`` copies only the calling thread, so
    a lock that another thread held at that moment stays locked forever in
    the child, which may then hang (JAX warns "os.fork() was called ...
    this will likely lead to a deadlock").
  * So the kernel starts, once, a fresh interpreter (``subprocess``: fork and
    exec at once, safe in a threaded process) that imports numpy and
    autograd_viz with one BLAS thread, stays single-threaded, and forks one
    child per run.  Forking a single-threaded process is safe, and a small
    one forks fast; spawning a fresh interpreter per run would be safe too,
    but pays the imports (most of a second) at every run.
  * The child is not a copy of the kernel, so the task travels to it as
    bytes: cloudpickle sends what a notebook defines (a lambda, a closure, a
    class, with the notebook globals and tensors it refers to) by value, and
    functions of importable modules by name.  Plain pickle names every
    function by module and qualified name, which a notebook's lambdas and
    closures do not have, so it cannot send them.  What else a run may
    depend on goes with each request: the working directory, ``sys.path``,
    the environment, the recursion limit and the notebook's language.  The
    autograd_viz modules the kernel has imported are imported by the server
    too (once), so children do not import them again.
  * Where the line a student's exception points at was typed into a
    notebook cell, only the kernel knows its text (IPython keeps cells in
    ``linecache``): the kernel fills it in.

The memory limit caps what the child may allocate beyond what it holds when
the student's code starts (``RLIMIT_DATA``, which counts the heap and
private mappings, so numpy arrays too): a runaway allocation raises
``MemoryError`` there, reported as status "memory", instead of exhausting a
shared JupyterHub server.  It is enforced on Linux; elsewhere it is not set.

The child talks back through a pipe with one pickled message.  It replaces
``sys.stdout``/``sys.stderr`` with buffers before running anything, so the
kernel re-prints what the child printed.

Where ``os.fork`` does not exist (Windows), or the task cannot be copied (it
refers to an open file, a widget, a generator), the function runs
in-process under a trace hook that raises :class:`TimeLimitExceeded` in the
student's frames once the time is up: weaker (see above), but still stops
the chapter's endless ``while`` loop.
"""

from __future__ import annotations

import atexit
import functools
import io
import linecache
import marshal
import os
import pickle
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import traceback
import types
from collections import ChainMap
from dataclasses import dataclass, field

from ..engine.messages import in_language

# how much of what the student's code prints is kept: a loop that prints
# megabytes must not travel through the pipe into the notebook's output
PRINT_LIMIT = 4000

# what one run may allocate; exercises run on vectors of a few numbers, so a
# gibibyte is only ever reached by a runaway
MEMORY_LIMIT = 1 << 30

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_OWN_DIR = os.path.dirname(os.path.abspath(__file__))

# the server imports these before its first fork (and whatever autograd_viz
# modules the kernel imports later, when a request names them)
_PRELOAD = (
    "cloudpickle",  # the children unpickle with it
    "resource",
    "numpy",
    "autograd_viz",
    "autograd_viz.exercises.autograd_chapter",
    "autograd_viz.exercises.chapter_current",
    "autograd_viz.exercises.backprop_chapter",
)
# set in the server's environment; a server must not start servers of its own
_SERVER_ENV = "AUTOGRAD_VIZ_CHECK_SERVER"
# a generous wait for the server's own work before a child exists (its first
# imports): the time limit counts from the child's start
_SERVER_PATIENCE = 120.0


class CappedText(io.StringIO):
    """A stdout/stderr stand-in that keeps the first ``limit`` characters
    written and only counts the rest (``dropped``)."""

    def __init__(self, limit=PRINT_LIMIT):
        super().__init__()
        self.room = limit
        self.dropped = 0

    def write(self, text):
        kept = text[: max(self.room, 0)]
        if kept:
            super().write(kept)
            self.room -= len(kept)
        self.dropped += len(text) - len(kept)
        return len(text)


class TimeLimitExceeded(BaseException):
    """Raised in-process (no child) when the time limit is up.  A BaseException,
    so a student's ``except Exception:`` does not swallow it."""


@dataclass
class Outcome:
    """How one call went.

    ``status`` is "ok" (``value`` holds what the task returned), "raised"
    (``etype``/``emessage``/``where``), "timeout", "memory" (it allocated
    more than ``extra["memory_limit"]`` bytes), "crashed" (the child died:
    ``emessage`` says how) or "unpicklable" (``emessage`` names the type).
    """

    status: str
    value: object = None
    etype: str | None = None
    emessage: str | None = None
    where: tuple | None = None  # (line number, source line) in the student's code
    from_engine: bool = False  # the exception passed through autograd_viz
    exc_mro: tuple = ()  # names of the exception's classes
    printed: str = ""
    printed_dropped: int = 0  # characters printed beyond PRINT_LIMIT
    elapsed: float = 0.0
    extra: dict = field(default_factory=dict)
    where_file: str | None = None  # the file ``where`` is in, to look its line up

    @property
    def ok(self):
        return self.status == "ok"


def describe_exception(exc, lang=None):
    """(etype, message, where, from_engine, mro) for an exception, where ``where``
    is the deepest frame outside autograd_viz: the student's line, and the
    message is in ``lang`` where the package can word it (the session's
    language when None)."""
    etype, message, where, _, from_engine, mro = _describe(exc, lang)
    return etype, message, where, from_engine, mro


def _describe(exc, lang=None):
    """describe_exception's fields, with the student's file after ``where``."""
    tb = traceback.extract_tb(exc.__traceback__) if exc.__traceback__ else []
    from_engine = any(
        _in_package(fr.filename) and not fr.filename.startswith(_OWN_DIR) for fr in tb
    )
    where = where_file = None
    for fr in reversed(tb):
        if not _in_package(fr.filename):
            code = fr.line or linecache.getline(fr.filename, fr.lineno).strip()
            where = (fr.lineno, code.strip()) if code else None
            where_file = fr.filename
            break
    mro = tuple(c.__name__ for c in type(exc).__mro__)
    return type(exc).__name__, in_language(exc, lang), where, where_file, from_engine, mro


def _in_package(filename):
    return os.path.abspath(filename).startswith(_PACKAGE_DIR + os.sep)


def can_isolate():
    """Whether runs can go to a child process (fork, and file descriptors
    passed over a Unix socket)."""
    return hasattr(os, "fork") and hasattr(socket, "send_fds") and hasattr(socket, "AF_UNIX")


def run(task, args=(), time_limit=5.0, *, isolate=None, memory_limit=None):
    """Call ``task(*args)`` with a time limit and return an :class:`Outcome`.

    ``task`` must return something picklable (the exercise code turns the
    student's tensors into numpy before returning).  ``isolate`` forces the
    child process (True) or the in-process fallback (False); default: a child
    where the OS allows.  ``memory_limit`` (bytes, default
    :data:`MEMORY_LIMIT`) caps what the child may allocate.
    """
    if isolate is None or isolate:
        isolate = can_isolate()
    if not isolate:
        return _run_inline(task, args, time_limit)
    try:
        payload = _dumps((task, args))
    except Exception as e:  # it refers to something no other process can have
        outcome = _run_inline(task, args, time_limit)
        outcome.extra["in_process_because"] = f"{type(e).__name__}: {e}"
        return outcome
    limit = MEMORY_LIMIT if memory_limit is None else int(memory_limit)
    outcome = _ask_server(payload, time_limit, limit)
    if outcome is None:  # no server would start or stay up
        outcome = _run_inline(task, args, time_limit)
        outcome.extra["in_process_because"] = "the checking process did not start"
    return outcome


def _dumps(obj):
    import cloudpickle

    buffer = io.BytesIO()
    with _registry_lock:  # cloudpickle's registry is global: one run's pickling at a time
        by_value = set(cloudpickle.list_registry_pickle_by_value())
        mine = [m for m in _users_modules() if m.__name__ not in by_value]
        for module in mine:
            cloudpickle.register_pickle_by_value(module)
        try:
            _pickler()(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(obj)
        finally:
            for module in mine:
                cloudpickle.unregister_pickle_by_value(module)
    return buffer.getvalue()


_registry_lock = threading.Lock()


# module name -> whether its file is the user's own code (files do not move)
_users = {}


def _users_modules():
    """The imported modules of the user's own code: a notebook's helper
    files, a teacher's grading script, the tests.  Their functions and
    classes travel by value, like a notebook's: by name, the child would
    import the module again at every run (its top-level code may be slow,
    or start threads), where the kernel's fork used to have it already."""
    found = []
    for name, module in list(sys.modules.items()):
        if name not in _users:
            _users[name] = _is_users(module)
        if _users[name]:
            found.append(module)
    return found


def _is_users(module):
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or module.__name__ == "__main__":
        return False  # built in, a namespace package, or by value already
    path = os.path.realpath(path)
    return not any(path.startswith(root) for root in _installed())


@functools.lru_cache(maxsize=1)
def _installed():
    """Where installed code lives: the interpreter's, the environment's and
    autograd_viz's own folders."""
    import site

    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, _PACKAGE_DIR}
    roots.update(site.getsitepackages() + [site.getusersitepackages()])
    return tuple(os.path.realpath(root) + os.sep for root in roots)


_pickler_class = None


def _pickler():
    """cloudpickle's Pickler, but code objects travel whole (marshal): since
    3.1 cloudpickle names their file "<dynamic-code>", and a traceback in
    the child must name the student's file and line, and tell ours apart
    (the child runs the same interpreter, so marshal's format matches)."""
    global _pickler_class
    if _pickler_class is None:
        import cloudpickle

        class Pickler(cloudpickle.Pickler):
            dispatch_table = ChainMap(
                {types.CodeType: _reduce_code}, cloudpickle.Pickler.dispatch_table
            )

        _pickler_class = Pickler
    return _pickler_class


def _reduce_code(code):
    return marshal.loads, (marshal.dumps(code),)


# ------------------------------------------------------------------ the kernel's side


_server = None
_server_lock = threading.Lock()


def warm_up():
    """Start the server now (it imports in the background), so the first
    check does not wait for it.  Called when autograd_viz.exercises is imported."""
    if can_isolate() and not os.environ.get(_SERVER_ENV):
        try:
            _get_server()
        except OSError:
            pass  # the first run says so, or runs in-process


def server_pid():
    """The server's process id, or None when none is running (for tests)."""
    server = _server
    return server.proc.pid if server is not None and server.alive() else None


def _get_server():
    global _server
    if _server is not None and _server.owner == os.getpid() and not _server.usable():
        _server.close()
    if _server is None or _server.owner != os.getpid() or not _server.usable():
        # (after a fork of the kernel, the child needs a server of its own)
        _server = _Server()
    return _server


def _ask_server(payload, time_limit, memory_limit):
    """The run's Outcome, or None when no server would start or stay up."""
    with _server_lock:
        for _ in range(2):
            try:
                return _get_server().run(payload, time_limit, memory_limit)
            except (OSError, ValueError, _ServerGone):
                continue  # a server that failed is closed and replaced
    return None


class _ServerGone(Exception):
    pass


class _Server:
    """The kernel's handle on the server process: one request at a time."""

    def __init__(self):
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        env = dict(os.environ)
        env[_SERVER_ENV] = "1"
        # one BLAS thread: the server must stay single-threaded to fork
        # safely, and a checked answer works on a few numbers
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env[name] = "1"
        boot = (
            "import sys; sys.path[:] = sys.argv[2:]; "
            "from autograd_viz.exercises.runner import _serve; _serve(int(sys.argv[1]))"
        )
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", boot, str(theirs.fileno()), *sys.path],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
                env=env,
                # its own session: an interrupt sent to the kernel's process
                # group must reach the kernel, which stops the run, not the server
                start_new_session=True,
            )
        finally:
            theirs.close()
        self.sock = ours
        self.owner = os.getpid()
        self.modules = set()  # the autograd_viz modules the server has imported
        # False while a request is under way: an exception that leaves it so
        # (an interrupt before the child started) means the two sides no
        # longer agree on what comes next, so the server is replaced
        self.in_step = True

    def alive(self):
        return self.sock is not None and self.proc.poll() is None

    def usable(self):
        return self.alive() and self.in_step

    def close(self):
        if self.sock is not None:
            self.sock.close()
            self.sock = None
        try:
            self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def run(self, payload, time_limit, memory_limit):
        loaded = {m for m in list(sys.modules) if m.split(".")[0] == "autograd_viz"}
        request = {
            "payload": payload,
            "memory_limit": memory_limit,
            "modules": sorted(loaded - self.modules),
            "cwd": os.getcwd(),
            "path": list(sys.path),
            "environ": dict(os.environ),
            "recursion_limit": sys.getrecursionlimit(),
            "lang": _current_lang(),
        }
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()  # what the kernel printed comes before the run's text
            except Exception:
                pass
        body = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
        self.in_step = False
        try:
            self.sock.sendall(b"R" + struct.pack("!Q", len(body)) + body)
        except OSError as e:
            raise _ServerGone(e) from None
        self.modules |= loaded
        started = self._started()
        if started is None:
            raise _ServerGone("it closed the connection")
        pid, read_fd = started
        chunks, timed_out = [], False
        start = time.monotonic()
        try:
            deadline = start + time_limit
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    timed_out = True
                    break
                ready, _, _ = select.select([read_fd], [], [], remaining)
                if ready:
                    chunk = os.read(read_fd, 1 << 16)
                    if not chunk:
                        break
                    chunks.append(chunk)
        except BaseException:
            # e.g. KeyboardInterrupt: the student pressed stop while waiting
            self._stop_child()
            try:
                self._status()
                self.in_step = True
            except Exception:
                pass  # in_step stays False: the next run gets a new server
            raise
        finally:
            os.close(read_fd)
        if timed_out:
            self._stop_child()
        status = self._status()
        self.in_step = True
        elapsed = time.monotonic() - start
        if timed_out:
            return Outcome("timeout", elapsed=elapsed)
        if not chunks:
            return Outcome("crashed", emessage=status, elapsed=elapsed, extra={"pid": pid})
        out = pickle.loads(b"".join(chunks))
        out.elapsed = elapsed
        out.extra["pid"] = pid
        _fill_in_the_line(out)
        return out

    def _started(self):
        """(the child's pid, the read end of its pipe), or None at EOF."""
        ready, _, _ = select.select([self.sock], [], [], _SERVER_PATIENCE)
        if not ready:
            raise _ServerGone(f"no answer in {_SERVER_PATIENCE:g} s")
        data, fds, _, _ = socket.recv_fds(self.sock, 8, 1)
        if not data:
            return None
        data += _recv_exact(self.sock, 8 - len(data))
        if len(fds) != 1:
            raise _ServerGone("it sent no pipe")
        return struct.unpack("!q", data)[0], fds[0]

    def _stop_child(self):
        # the server kills it: only the server can be sure the pid is still
        # its child's, since it reaps the child only after that
        try:
            self.sock.sendall(b"K")
        except OSError:
            pass

    def _status(self):
        """How the child ended, in words ("exit code 3", "signal 9")."""
        head = _recv_exact(self.sock, 8)
        if len(head) < 8:
            raise _ServerGone("it closed the connection")
        return _recv_exact(self.sock, struct.unpack("!Q", head)[0]).decode()


def _fill_in_the_line(outcome):
    """The text of the student's line, when only the kernel has it (a
    notebook cell lives in the kernel's linecache)."""
    if outcome.where is None and outcome.where_file and outcome.extra.get("where_line"):
        line = outcome.extra.pop("where_line")
        code = linecache.getline(outcome.where_file, line).strip()
        if code:
            outcome.where = (line, code)


def _current_lang():
    from ..i18n import get_lang

    return get_lang()


def _recv_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            break
        data += chunk
    return data


@atexit.register
def _close_server():
    if _server is not None and _server.owner == os.getpid():
        _server.close()


# ------------------------------------------------------------------ the server


def _serve(fd):
    """The server's loop: read a request, fork a child for it, hand the
    kernel the child's pid and pipe, reap the child, say how it ended."""
    global _prctl
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sock = socket.socket(fileno=fd)
    for name in _PRELOAD:
        _try_import(name)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            _prctl = ctypes.CDLL(None).prctl
        except (ImportError, OSError, AttributeError):
            pass
    while True:
        kind = _recv_exact(sock, 1)
        if not kind:
            return  # the kernel is gone
        if kind != b"R":
            continue  # a stop that came after its child had ended
        head = _recv_exact(sock, 8)
        body = _recv_exact(sock, struct.unpack("!Q", head)[0]) if len(head) == 8 else b""
        if not body:
            return
        request = pickle.loads(body)
        for name in request["modules"]:
            _try_import(name)
        if not _serve_one(sock, request):
            return


def _serve_one(sock, request):
    """Fork the child for one request and see it to its end; False when the
    kernel has gone away (the child is then killed too)."""
    read_fd, write_fd = os.pipe()
    ended_r, ended_w = os.pipe()  # at EOF once the child has exited
    server = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child
        try:
            sock.close()
            os.close(read_fd)
            os.close(ended_r)
            _die_with(server)
            _child_main(request, write_fd)
        finally:
            os._exit(0)
    os.close(write_fd)
    os.close(ended_w)
    kernel_here = True
    try:
        socket.send_fds(sock, [struct.pack("!q", pid)], [read_fd])
    except OSError:
        kernel_here = False
        _kill(pid)
    os.close(read_fd)
    while kernel_here:
        ready, _, _ = select.select([sock, ended_r], [], [])
        if ended_r in ready:
            break
        word = sock.recv(1)
        if word in (b"K", b""):
            _kill(pid)
            kernel_here = bool(word)
    os.close(ended_r)
    _, status = os.waitpid(pid, 0)
    if not kernel_here:
        return False
    how = (
        f"signal {os.WTERMSIG(status)}"
        if os.WIFSIGNALED(status)
        else f"exit code {os.WEXITSTATUS(status)}"
    ).encode()
    try:
        sock.sendall(struct.pack("!Q", len(how)) + how)
    except OSError:
        return False
    return True


_prctl = None


def _die_with(server):
    """On Linux, have the kernel kill this child if the server dies (it would
    otherwise run a student's endless loop with nobody left to stop it)."""
    if _prctl is not None:
        _prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != server:  # it died before that took effect
        os._exit(1)


def _try_import(name):
    try:
        __import__(name)
    except Exception:
        pass  # the child imports it again, and says what went wrong


def _kill(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _child_main(request, write_fd):
    """In the child: take on the kernel's context, rebuild the task, limit
    memory, run."""
    try:
        os.chdir(request["cwd"])
    except OSError:
        pass
    sys.path[:] = request["path"]
    os.environ.clear()
    os.environ.update(request["environ"])
    sys.setrecursionlimit(request["recursion_limit"])
    from ..i18n import set_lang

    set_lang(request["lang"])
    try:
        task, args = pickle.loads(request["payload"])
    except BaseException as e:  # e.g. a module the task names does not import here
        _send(_raised(e), write_fd)
        return
    _child(task, args, write_fd, request["memory_limit"])


def _child(task, args, write_fd, memory_limit=None):
    buffer = CappedText()
    sys.stdout = sys.stderr = buffer
    lift = _limit_memory(memory_limit)
    try:
        try:
            outcome = Outcome("ok", value=task(*args))
        finally:
            if lift is not None:
                lift()  # room to report, whatever the task still holds
    except MemoryError as e:
        outcome = Outcome("memory") if lift is not None else _raised(e)
    except Exception as e:
        outcome = _raised(e)
    except BaseException as e:  # a SystemExit from the task
        outcome = Outcome("raised", etype=type(e).__name__, emessage=str(e))
    if lift is not None:
        outcome.extra["memory_limit"] = memory_limit
    outcome.printed, outcome.printed_dropped = buffer.getvalue(), buffer.dropped
    _send(outcome, write_fd)


def _send(outcome, write_fd):
    try:
        data = pickle.dumps(outcome)
    except Exception:
        data = pickle.dumps(
            Outcome(
                "unpicklable",
                emessage=type(outcome.value).__name__,
                printed=outcome.printed,
                printed_dropped=outcome.printed_dropped,
            )
        )
    view = memoryview(data)
    while view:
        view = view[os.write(write_fd, view) :]
    os.close(write_fd)


def _limit_memory(limit):
    """Cap this process's data at what it holds now plus ``limit`` bytes;
    return the function that lifts the cap again, or None where it cannot be
    set (no Linux /proc, no RLIMIT_DATA)."""
    if not limit:
        return None
    try:
        import resource

        held = _data_bytes()
        old = resource.getrlimit(resource.RLIMIT_DATA)
        cap = held + limit
        if old[1] != resource.RLIM_INFINITY:
            cap = min(cap, old[1])
        resource.setrlimit(resource.RLIMIT_DATA, (cap, old[1]))
    except (ImportError, OSError, ValueError, AttributeError):
        return None
    return lambda: resource.setrlimit(resource.RLIMIT_DATA, old)


def _data_bytes():
    """This process's data segment and private mappings (VmData), in bytes."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmData:"):
                return int(line.split()[1]) * 1024
    raise OSError("no VmData in /proc/self/status")


def _raised(e):
    etype, emessage, where, where_file, from_engine, mro = _describe(e)
    outcome = Outcome(
        "raised",
        etype=etype,
        emessage=emessage,
        where=where,
        where_file=where_file,
        from_engine=from_engine,
        exc_mro=mro,
    )
    if where is None and where_file is not None:
        # the line's text is in the kernel's linecache (a notebook cell)
        tb = traceback.extract_tb(e.__traceback__)
        outcome.extra["where_line"] = next(
            fr.lineno for fr in reversed(tb) if fr.filename == where_file
        )
    return outcome


def _call(task, args):
    try:
        return Outcome("ok", value=task(*args))
    except Exception as e:
        return _raised(e)


# ------------------------------------------------------------------ in-process


def _run_inline(task, args, time_limit):
    deadline = time.monotonic() + time_limit
    start = time.monotonic()

    def tracer(frame, event, arg):
        if time.monotonic() > deadline:
            raise TimeLimitExceeded()
        return tracer

    old = sys.gettrace()
    buffer = CappedText()
    old_out, old_err = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = buffer
    sys.settrace(tracer)
    try:
        outcome = _call(task, args)
    except TimeLimitExceeded:
        outcome = Outcome("timeout")
    finally:
        sys.settrace(old)
        sys.stdout, sys.stderr = old_out, old_err
    outcome.printed, outcome.printed_dropped = buffer.getvalue(), buffer.dropped
    outcome.elapsed = time.monotonic() - start
    return outcome
