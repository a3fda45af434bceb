"""What a check costs: the runner's child processes against a fork of the kernel.

Run from the repository root:

    python bench/check_bench.py            # full run
    python bench/check_bench.py --quick    # smoke run, numbers meaningless

The runner sends each run of a student's function to a child forked from a
small single-threaded server, the function pickled by value (cloudpickle);
before issue 16 it forked the calling process itself, which is unsafe once
JAX or PyTorch threads exist there.  The reference is that fork, written
again here in a few lines (fork, run, pickle the result through a pipe,
wait with a time limit): the cost the runner used to have.

a. One run of a tiny function (``runner.run(double, (x,))``): ours against
   the fork of this process.  Target: <= 2x.
b. One whole check, ``ch.ex5.check(answer)`` (three random cases, so three
   runs, plus the comparisons): ours against the same check with the
   runner swapped for the fork.  Target: <= 2x.
c. Case a again after this process has imported real JAX and PyTorch and
   run an op in each (their thread pools exist): ours against the fork of
   this now larger, threaded process (which is what may deadlock; its
   children here touch neither framework).  Info.
d. The first check of a fresh process, right after ``import
   autograd_viz.exercises`` (the server is still importing): ours against
   the fork, each in a new interpreter.  Info.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import subprocess
import sys
import time
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from common import Row, arg_parser, finish, selected, time_pair  # noqa: E402

import autograd_viz as av  # noqa: E402
from autograd_viz.exercises import autograd_chapter as ch  # noqa: E402
from autograd_viz.exercises import runner  # noqa: E402


def fork_run(task, args=(), time_limit=5.0, **_):
    """The runner before issue 16, in short: fork this process, run, send the
    Outcome back through a pipe, stop the child at the time limit."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read_fd)
            try:
                outcome = runner.Outcome("ok", value=task(*args))
            except Exception as e:
                outcome = runner.Outcome("raised", etype=type(e).__name__, emessage=str(e))
            data = memoryview(pickle.dumps(outcome))
            while data:
                data = data[os.write(write_fd, data) :]
        finally:
            os._exit(0)
    os.close(write_fd)
    chunks, deadline = [], time.monotonic() + time_limit
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            os.kill(pid, signal.SIGKILL)
            break
        if select.select([read_fd], [], [], remaining)[0]:
            chunk = os.read(read_fd, 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
    os.close(read_fd)
    os.waitpid(pid, 0)
    return pickle.loads(b"".join(chunks)) if chunks else runner.Outcome("timeout")


def double(x):
    return 2 * x


def sin_and_slope(x):
    x.requires_grad_()
    y = av.sin(x)
    y.sum().backward()
    return y.detach(), x.grad


def check_with(run):
    """ch.ex5.check with the runner's run replaced by ``run``."""
    saved = runner.run
    runner.run = run
    try:
        result = ch.ex5.check(sin_and_slope)
    finally:
        runner.run = saved
    assert result, str(result)


FIRST_CHECK = """
import sys, time
t0 = time.perf_counter()
import autograd_viz as av
from autograd_viz.exercises import autograd_chapter as ch, runner
t1 = time.perf_counter()
if sys.argv[1] == "fork":
    sys.path.insert(0, sys.argv[2])
    import check_bench
    runner.run = check_bench.fork_run
def sin_and_slope(x):
    x.requires_grad_(); y = av.sin(x); y.sum().backward(); return y.detach(), x.grad
assert ch.ex5.check(sin_and_slope)
print(time.perf_counter() - t1)
"""


def first_check(kind):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    path = os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))
    env = dict(os.environ, PYTHONPATH=path)
    done = subprocess.run(
        [sys.executable, "-c", FIRST_CHECK, kind, os.path.dirname(os.path.abspath(__file__))],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


def main():
    args = arg_parser(__doc__.splitlines()[0]).parse_args()
    repeats = args.repeats or (3 if args.quick else 41)
    warmup = 1 if args.quick else 3
    x = av.tensor([1.0, 2.0, 3.0])
    rows = []
    # the same answer both ways, before anything is timed
    assert runner.run(double, (x,)).value.tolist() == fork_run(double, (x,)).value.tolist()
    check_with(fork_run)
    check_with(runner.run)

    def paired(case, ours, ref, ref_name, repeats, target=None, **kw):
        t = time_pair(ours, ref, repeats=repeats, warmup=warmup, gc_on=True)
        limit = float(target.split()[-1].rstrip("x")) if target else None
        rows.append(
            Row(case, t[0], ref_name, t[1], target or "", limit, paired_ratio=t.ratio, **kw)
        )

    def one_run():
        return runner.run(double, (x,))

    def one_fork():
        return fork_run(double, (x,))

    if selected(args, "a"):
        paired("a one run", one_run, one_fork, "fork of this process", repeats, "<= 2x", gc_on=True)
    if selected(args, "b"):
        paired(
            "b ch.ex5.check (3 runs)",
            lambda: check_with(runner.run),
            lambda: check_with(fork_run),
            "the same, forking",
            max(3, repeats // 2),
            "<= 2x",
            gc_on=True,
        )
    if selected(args, "c"):
        try:
            import jax.numpy as jnp
            import torch
        except ImportError as e:
            rows.append(Row("c one run, JAX + PyTorch loaded", None, note=f"not run: {e}"))
        else:
            float((jnp.arange(64.0) @ jnp.arange(64.0)).block_until_ready())
            float((torch.ones(256, 256) @ torch.ones(256, 256)).sum())
            threads = len(os.listdir("/proc/self/task"))
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", "os.fork", RuntimeWarning)
                paired(
                    "c one run, JAX + PyTorch loaded",
                    one_run,
                    one_fork,
                    "fork of this process",
                    repeats,
                    gc_on=True,
                    note=f"this process had {threads} threads; the server has one",
                )
    if selected(args, "d"):
        n = 1 if args.quick else 5
        ours, ref = [], []
        for _ in range(n):
            ours.append(first_check("server"))
            ref.append(first_check("fork"))
        ours.sort()
        ref.sort()
        rows.append(
            Row(
                "d first check after import",
                ours[n // 2],
                "the same, forking",
                ref[n // 2],
                note="a new interpreter each time; ours waits for the server's imports",
            )
        )
    return finish("check benchmark", rows, args)


if __name__ == "__main__":
    sys.exit(main())
