"""Timing helpers shared by the benchmark scripts.

The machine is shared (2 cores, other jobs running), so every figure is a
median over several repeats, ours and the reference are timed in alternation
within the same run (so a burst of load hits both), and the result that
matters is the *ratio*, never an absolute time on its own.

Garbage-collector state is explicit per case: with ``gc_on=True`` the
collector runs as it does in a normal session and nothing is collected by
hand between a library's repeats (a training loop's steady state, where a
library that builds reference cycles pays for collecting them); with
``gc_on=False`` the collector is disabled during the timed calls and
``gc.collect()`` runs between repeats, outside the timer, only to keep
memory bounded.  See :func:`time_pair`.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass, field

HEADER = ("case", "ours (median)", "reference", "ref (median)", "ratio", "target", "result", "gc")


@dataclass
class Row:
    """One line of a results table."""

    case: str
    ours: float | None  # seconds (median), None if not measured
    ref_name: str = ""
    ref: float | None = None  # seconds (median)
    target: str = ""  # e.g. "<= 0.5x" or "< 2 s"
    limit: float | None = None  # the number the target compares with
    absolute: bool = False  # True: compare ours with limit (seconds), not the ratio
    gc_on: bool | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)
    unit: str = "time"  # "time" or "bytes"
    # the median of the per-repeat ratios (time_pair's .ratio); when given it
    # is the figure reported, since one burst of load on the shared machine
    # moves both sides of a repeat together but not the two medians
    paired_ratio: float | None = None

    @property
    def ratio(self):
        if self.paired_ratio is not None:
            return self.paired_ratio
        if self.ours is None or not self.ref:
            return None
        return self.ours / self.ref

    @property
    def result(self):
        if self.ours is None:
            return "n/a"
        if self.limit is None:
            return "info"
        value = self.ours if self.absolute else self.ratio
        if value is None:
            return "n/a"
        return "PASS" if value <= self.limit else "FAIL"


def fmt_time(seconds):
    if seconds is None:
        return "-"
    if seconds >= 1:
        return f"{seconds:.3f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    if seconds >= 1e-6:
        return f"{seconds * 1e6:.2f} µs"
    return f"{seconds * 1e9:.1f} ns"


def fmt_bytes(n):
    if n is None:
        return "-"
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(n) < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024


def _fmt(row, value):
    return fmt_bytes(value) if row.unit == "bytes" else fmt_time(value)


def _cells(row):
    ratio = row.ratio
    return (
        row.case,
        _fmt(row, row.ours),
        row.ref_name or "-",
        _fmt(row, row.ref),
        "-" if ratio is None else f"{ratio:.2f}x",
        row.target or "-",
        row.result,
        {True: "on", False: "off", None: "-"}[row.gc_on],
    )


def print_table(title, rows, file=sys.stdout):
    """A plain-text table that reads well in a terminal and in a log."""
    lines = [HEADER] + [_cells(r) for r in rows]
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(HEADER))]
    print(f"\n== {title} ==", file=file)
    for k, line in enumerate(lines):
        print("  ".join(str(c).ljust(w) for c, w in zip(line, widths)).rstrip(), file=file)
        if k == 0:
            print("  ".join("-" * w for w in widths), file=file)
    for r in rows:
        if r.note:
            print(f"  note [{r.case}]: {r.note}", file=file)


def markdown_table(rows):
    out = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for r in rows:
        out.append("| " + " | ".join(str(c) for c in _cells(r)) + " |")
    return "\n".join(out)


def engine_fingerprint():
    """A short hash of autograd_viz's sources, so a figure can be tied to the
    engine version it measured (the engine changes between commits)."""
    import hashlib

    root = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "autograd_viz")
    h = hashlib.sha1()
    for folder, dirs, files in sorted(os.walk(root)):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                with open(path, "rb") as fh:
                    h.update(os.path.relpath(path, root).encode() + fh.read())
    return h.hexdigest()[:10]


_FINGERPRINT_AT_START = None


def machine_note():
    try:
        load = os.getloadavg()
        load_text = f"load avg {load[0]:.2f}/{load[1]:.2f}/{load[2]:.2f}"
    except OSError:
        load_text = "load avg unknown"
    import numpy

    return (
        f"{datetime.datetime.now().isoformat(timespec='seconds')}; "
        f"engine sources {_FINGERPRINT_AT_START} at start, {engine_fingerprint()} at end; "
        f"{platform.machine()} {os.cpu_count()} cores (shared); "
        f"Python {platform.python_version()}, numpy {numpy.__version__}; {load_text}"
    )


def _timed(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


class GCClock:
    """Time spent inside the garbage collector, by generation (via gc.callbacks)."""

    def __init__(self):
        self.seconds = 0.0
        self.collections = [0, 0, 0]
        self._t0 = None

    def _callback(self, phase, info):
        if phase == "start":
            self._t0 = time.perf_counter()
        elif self._t0 is not None:
            self.seconds += time.perf_counter() - self._t0
            self.collections[info["generation"]] += 1
            self._t0 = None

    def __enter__(self):
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc):
        gc.callbacks.remove(self._callback)


class Timing(tuple):
    """``(ours_median, ref_median)`` seconds, plus ``.ratio``: the median over
    repeats of ours / ref, each pair timed next to each other."""

    ratio = None


def time_pair(ours, ref, *, repeats, warmup, gc_on, gc_clock=None, own_garbage=False):
    """Median seconds of ``ours()`` and ``ref()`` (``ref`` may be None).

    By default the two alternate call by call, so a burst of load from the
    other jobs on the machine hits both.  With the collector off,
    ``gc.collect()`` runs between calls, outside the timer.
    ``own_garbage=True`` (with the collector on; for a reference that leaves
    reference cycles, like micrograd) runs each library in blocks of
    consecutive calls (ours, ref, ref, ours, ours, ref, ref, ours), so each
    pays for collecting its own garbage, as in a training loop's steady
    state, and never for the other's; a collection between blocks, outside
    the timer, clears the previous block's garbage.
    ``gc_clock`` (a :class:`GCClock`), if given, receives the time the
    collector spent during the timed calls of ``ours``.
    Returns a :class:`Timing`: ``(ours_median, ref_median)`` with ``.ratio``
    the median of the per-repeat ratios (the k-th call of ours against the
    k-th call of ref, which ran next to it).
    """
    fns = [f for f in (ours, ref) if f is not None]
    times = [[] for _ in fns]
    was_enabled = gc.isenabled()
    gc.collect()
    try:
        if gc_on and own_garbage:
            gc.enable()
            per_block = max(1, repeats // 4)
            plan = [0, 1, 1, 0] * 2 if len(fns) == 2 else [0] * 4
            for i in plan:
                gc.collect()
                for _ in range(warmup):
                    fns[i]()
                for _ in range(per_block):
                    if i == 0 and gc_clock is not None:
                        with gc_clock:
                            times[i].append(_timed(fns[i]))
                    else:
                        times[i].append(_timed(fns[i]))
        else:
            gc.enable() if gc_on else gc.disable()
            for _ in range(warmup):
                for f in fns:
                    f()
                    if not gc_on:
                        gc.collect()
            for k in range(repeats):
                # swap who goes first each round, so neither always runs on a
                # cache or allocator state left by the other
                order = ([0, 1] if k % 2 == 0 else [1, 0]) if len(fns) == 2 else [0]
                for i in order:
                    if i == 0 and gc_clock is not None:
                        with gc_clock:
                            times[i].append(_timed(fns[i]))
                    else:
                        times[i].append(_timed(fns[i]))
                    if not gc_on:
                        gc.collect()
    finally:
        if was_enabled:
            gc.enable()
        else:
            gc.disable()
        gc.collect()
    medians = [statistics.median(t) for t in times]
    out = Timing((medians[0], medians[1] if ref is not None else None))
    if ref is not None:
        out.ratio = statistics.median(o / r for o, r in zip(*times))
    return out


def arg_parser(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument(
        "--quick",
        action="store_true",
        help="tiny sizes and few repeats: a smoke run that the scripts still work "
        "(its numbers mean nothing)",
    )
    p.add_argument("--repeats", type=int, default=None, help="timed repeats per case")
    p.add_argument(
        "--only", default=None, help="comma-separated case numbers/letters to run, e.g. 1,3 or a,c"
    )
    p.add_argument(
        "--markdown",
        default=None,
        metavar="PATH",
        help="also write the results as a markdown table to PATH",
    )
    p.add_argument("--strict", action="store_true", help="exit with status 1 if any target fails")
    return p


def selected(args, key):
    return args.only is None or key in {s.strip() for s in args.only.split(",")}


def finish(title, rows, args, extra_lines=()):
    print_table(title, rows)
    for line in extra_lines:
        print(line)
    print(f"\nmachine: {machine_note()}")
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as fh:
            fh.write(f"## {title}\n\n{machine_note()}\n\n{markdown_table(rows)}\n\n")
            for r in rows:
                if r.note:
                    fh.write(f"- {r.case}: {r.note}\n")
            for line in extra_lines:
                fh.write(f"\n{line}\n")
    failed = [r for r in rows if r.result == "FAIL"]
    return 1 if (args.strict and failed) else 0


_FINGERPRINT_AT_START = engine_fingerprint()
