"""Run a student's function with a time limit, and keep the notebook alive.

Why a forked child process (on Linux/macOS):
  * A Python thread cannot be killed.  An asynchronous exception (or a
    ``sys.settrace`` hook) only fires between bytecodes, so it never stops
    a long numpy call, and a student's bare ``except:`` inside the loop
    swallows it; the runaway thread then keeps a core busy for the rest of
    the session.
  * ``SIGALRM`` works only in the main thread and has the same ``except:``
    problem.
  * A forked child starts instantly (copy-on-write: the student's imports
    and globals are already there, no pickling of the function), can be
    killed for sure with SIGKILL, and whatever the student's code breaks
    (globals, the engine's grad mode, a recorder left registered) breaks
    only in the child.  The kernel never runs the student's function at all,
    so it stays usable, under JupyterLab and under nbgrader alike.
The child talks back through a pipe with one pickled message.  It replaces
``sys.stdout``/``sys.stderr`` with buffers before running anything: in a
Jupyter kernel they write to a ZMQ socket owned by a thread that does not
exist in the child, so the parent re-prints what the child printed.

Where ``os.fork`` does not exist (Windows) the function runs in-process
under a trace hook that raises :class:`TimeLimitExceeded` in the student's
frames once the time is up: weaker (see above), but still stops the chapter's
endless ``while`` loop.
"""

from __future__ import annotations

import io
import linecache
import os
import pickle
import select
import signal
import sys
import time
import traceback
from dataclasses import dataclass, field

from ..engine.messages import in_language

# how much of what the student's code prints is kept: a loop that prints
# megabytes must not travel through the pipe into the notebook's output
PRINT_LIMIT = 4000

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_OWN_DIR = os.path.dirname(os.path.abspath(__file__))


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
    """Raised in-process (no fork) when the time limit is up.  A BaseException,
    so a student's ``except Exception:`` does not swallow it."""


@dataclass
class Outcome:
    """How one call went.

    ``status`` is "ok" (``value`` holds what the task returned), "raised"
    (``etype``/``emessage``/``where``), "timeout", "crashed" (the child died:
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

    @property
    def ok(self):
        return self.status == "ok"


def describe_exception(exc, lang=None):
    """(etype, message, where, from_engine, mro) for an exception, where ``where``
    is the deepest frame outside autograd_viz: the student's line, and the
    message is in ``lang`` where the package can word it (the session's
    language when None)."""
    tb = traceback.extract_tb(exc.__traceback__) if exc.__traceback__ else []
    from_engine = any(
        _in_package(fr.filename) and not fr.filename.startswith(_OWN_DIR) for fr in tb
    )
    where = None
    for fr in reversed(tb):
        if not _in_package(fr.filename):
            code = fr.line or linecache.getline(fr.filename, fr.lineno).strip()
            where = (fr.lineno, code.strip()) if code else None
            break
    mro = tuple(c.__name__ for c in type(exc).__mro__)
    return type(exc).__name__, in_language(exc, lang), where, from_engine, mro


def _in_package(filename):
    return os.path.abspath(filename).startswith(_PACKAGE_DIR + os.sep)


def can_fork():
    return hasattr(os, "fork")


def run(task, args=(), time_limit=5.0, *, isolate=None):
    """Call ``task(*args)`` with a time limit and return an :class:`Outcome`.

    ``task`` must return something picklable (the exercise code turns the
    student's tensors into numpy before returning).  ``isolate`` forces the
    fork (True) or the in-process fallback (False); default: fork if possible.
    """
    if isolate is None:
        isolate = can_fork()
    if isolate:
        return _run_forked(task, args, time_limit)
    return _run_inline(task, args, time_limit)


# ------------------------------------------------------------------ forked


def _run_forked(task, args, time_limit):
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()  # or the child would inherit and re-send buffered text
        except Exception:
            pass
    read_fd, write_fd = os.pipe()
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child
        try:
            os.close(read_fd)
            _child(task, args, write_fd)
        finally:
            os._exit(0)  # never return into the kernel's code
    os.close(write_fd)
    chunks, timed_out = [], False
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
        _kill(pid)
        raise
    finally:
        os.close(read_fd)
        if timed_out:
            _kill(pid)
        _, status = os.waitpid(pid, 0)
    elapsed = time.monotonic() - start
    if timed_out:
        return Outcome("timeout", elapsed=elapsed)
    if not chunks:
        how = (
            f"signal {os.WTERMSIG(status)}"
            if os.WIFSIGNALED(status)
            else f"exit code {os.WEXITSTATUS(status)}"
        )
        return Outcome("crashed", emessage=how, elapsed=elapsed)
    out = pickle.loads(b"".join(chunks))
    out.elapsed = elapsed
    return out


def _kill(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _child(task, args, write_fd):
    buffer = CappedText()
    sys.stdout = sys.stderr = buffer
    try:
        outcome = _call(task, args)
    except BaseException as e:  # a SystemExit from the task
        outcome = Outcome("raised", etype=type(e).__name__, emessage=str(e))
    outcome.printed, outcome.printed_dropped = buffer.getvalue(), buffer.dropped
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


def _call(task, args):
    try:
        return Outcome("ok", value=task(*args))
    except Exception as e:
        etype, emessage, where, from_engine, mro = describe_exception(e)
        return Outcome(
            "raised",
            etype=etype,
            emessage=emessage,
            where=where,
            from_engine=from_engine,
            exc_mro=mro,
        )


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
