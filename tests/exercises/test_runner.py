"""The checks' child processes: forked from a single-threaded server, never
from the notebook's (threaded) kernel, with the task sent by value.

* In a process that has real JAX (and real PyTorch) imported and running,
  with their threads, a check still runs, is still stopped by its time
  limit, and the process never forks (JAX's at-fork warning never fires).
* What a notebook defines reaches the child: lambdas, closures over notebook
  globals and tensors, classes; the kernel's working directory, sys.path,
  environment, recursion limit and language go with it; the student's line
  is named even when only the kernel has its text (a notebook cell).
* A runaway allocation is stopped by the memory limit and reported as such,
  in English and Vietnamese, while the kernel's own memory stays as it was.
* What cannot be sent (a lock, say) runs in-process, still time-limited.
"""

from __future__ import annotations

import importlib.util
import json
import linecache
import os
import resource
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import numpy as np
import pytest

import autograd_viz as av
from autograd_viz import exercises
from autograd_viz.exercises import Exercise, runner

REPO = Path(__file__).resolve().parents[2]


pytestmark = pytest.mark.usefixtures("english_and_not_grading")  # tests/exercises/conftest.py


def one_case(**kw):
    return Exercise(
        title={"en": "Double", "vi": "Nhân đôi"},
        inputs=lambda rng: (rng.normal(size=3),),
        reference=lambda x: 2 * x,
        cases=1,
        **kw,
    )


# ------------------------------------------------------------------ real frameworks' threads

IN_A_THREADED_KERNEL = textwrap.dedent(
    """
    import json, os, sys, time

    forks = []
    os.register_at_fork(before=lambda: forks.append(1))  # any fork of this process

    import jax, jax.numpy as jnp
    float((jnp.arange(64.0) @ jnp.arange(64.0)).block_until_ready())  # JAX's CPU backend runs
    if "torch" in sys.argv[1:]:
        import torch
        torch.set_num_threads(2)
        float((torch.ones(256, 256) @ torch.ones(256, 256)).sum())  # its intra-op threads
    threads = len(os.listdir("/proc/self/task"))

    import autograd_viz as av
    from autograd_viz.exercises import Exercise, runner
    from autograd_viz.exercises import autograd_chapter as ch

    def sin_and_slope(x):
        x.requires_grad_()
        y = av.sin(x)
        y.sum().backward()
        return y.detach(), x.grad

    def forever(x):
        while True:
            x = x + 0

    passed = ch.ex5.check(sin_and_slope)
    endless = Exercise(title="Endless", inputs=lambda rng: (rng.normal(size=3),),
                       reference=lambda x: x, cases=1, time_limit=1.0)
    stopped = endless.check(forever)
    again = ch.ex5.check(sin_and_slope)
    server = runner.server_pid()
    print(json.dumps({
        "threads": threads,
        "passed": bool(passed), "passed_text": str(passed),
        "stopped": bool(stopped), "stopped_text": stopped.message,
        "again": bool(again),
        "forks": len(forks),
        "server_threads": len(os.listdir(f"/proc/{server}/task")),
    }))
    """
)


def _torch_or_skip():
    if importlib.util.find_spec("torch") is None:
        if os.environ.get("CI", "").strip().lower() in ("true", "1", "yes"):
            pytest.fail("CI=true but PyTorch is not installed (make install puts it in the venv)")
        pytest.skip("PyTorch is not installed: the check beside real PyTorch did not run")


@pytest.mark.slow
@pytest.mark.parametrize("frameworks", [("jax",), ("jax", "torch")], ids="+".join)
def test_a_check_runs_and_is_stopped_beside_real_jax_and_torch_threads(frameworks):
    if "torch" in frameworks:
        _torch_or_skip()
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])
    )
    done = subprocess.run(
        [sys.executable, "-c", IN_A_THREADED_KERNEL, *frameworks],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=600,  # a deadlocked check would hang here
    )
    assert done.returncode == 0, done.stderr[-3000:]
    got = json.loads(done.stdout.strip().splitlines()[-1])
    assert got["threads"] > 1, "the scenario needs a multithreaded process"
    assert got["passed"] and "Passed" in got["passed_text"], got["passed_text"]
    assert not got["stopped"]
    assert "hit the time limit of 1 second and was stopped" in got["stopped_text"]
    assert got["again"], "the process stays usable after a stopped check"
    assert got["forks"] == 0, "the threaded process forked"
    assert got["server_threads"] == 1, "the server that forks the children must be single-threaded"
    assert "os.fork()" not in done.stderr and "deadlock" not in done.stderr, done.stderr[-3000:]


def test_checks_come_from_a_single_threaded_server_not_from_this_process():
    # (tests/conftest.py fails any test that forks this process)
    assert one_case().check(lambda x: 2 * x)
    assert not one_case(time_limit=0.5).check(_forever)
    server = runner.server_pid()
    assert server is not None and server != os.getpid()
    assert len(os.listdir(f"/proc/{server}/task")) == 1


def _forever(x):
    while True:
        x = x + 0


# ------------------------------------------------------------------ what reaches the child


def _cell(source, namespace):
    """Run ``source`` as IPython runs a notebook cell: its text lives only in
    this process's linecache, under a file name that does not exist."""
    filename = f"/tmp/ipykernel_{os.getpid()}/{abs(hash(source))}.py"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), namespace)
    return namespace


def notebook():
    return {"__name__": "__main__", "av": av, "np": np}


def test_a_closure_over_notebook_globals_and_tensors_is_checked():
    space = _cell(
        "scale = av.tensor(2.0, requires_grad=True)\n"
        "(scale * scale).backward()  # a tensor with a gradient and a graph\n"
        "def make(k):\n"
        "    return lambda x: (x * scale).detach() * k\n"
        "double = make(1.0)\n",
        notebook(),
    )
    assert one_case().check(space["double"])
    assert not one_case().check(space["make"](3.0))


def test_a_class_defined_in_a_cell_is_checked():
    space = _cell(
        "class Doubler:\n"
        "    factor = 2\n"
        "    def __call__(self, x):\n"
        "        return x * self.factor\n",
        notebook(),
    )
    assert one_case().check(space["Doubler"]())


def test_the_line_of_a_cell_is_named_though_only_the_kernel_has_its_text():
    space = _cell(
        "def broken(x):\n    y = x * 2\n    return y.no_such_method()\n",
        notebook(),
    )
    result = one_case().check(space["broken"])
    assert not result
    assert "(line 3: `return y.no_such_method()`)" in result.message, result.message


def test_functions_of_the_users_own_modules_travel_by_value():
    # this test file is the user's code: the child does not import it (a
    # module's top-level code may be slow, or start threads), as it does not
    # import a notebook; autograd_viz's own functions go by name
    out = runner.run(_modules_of_the_child, (), 5)
    assert out.ok, out
    assert __name__ not in out.value and "autograd_viz.exercises.runner" in out.value
    assert runner._is_users(sys.modules[__name__])
    assert not runner._is_users(runner) and not runner._is_users(np)


def _modules_of_the_child():
    return sorted(sys.modules)


def test_the_child_has_the_kernels_directory_path_environment_and_language(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AV_RUNNER_PROBE", "from the kernel")
    monkeypatch.syspath_prepend(str(tmp_path / "extra"))
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(limit + 123)
    exercises.set_lang("vi")
    try:
        out = runner.run(_where_am_i, (), 5)
    finally:
        sys.setrecursionlimit(limit)
    assert out.ok, out
    cwd, probe, path0, recursion, lang = out.value
    assert cwd == str(tmp_path)
    assert probe == "from the kernel"
    assert path0 == str(tmp_path / "extra")
    assert recursion == limit + 123
    assert lang == "vi"


def _where_am_i():
    from autograd_viz.i18n import get_lang

    return (
        os.getcwd(),
        os.environ.get("AV_RUNNER_PROBE"),
        sys.path[0],
        sys.getrecursionlimit(),
        get_lang(),
    )


def test_what_cannot_be_sent_runs_in_process_and_is_still_time_limited():
    lock = threading.Lock()

    def holds_a_lock(x):
        with lock:
            return 2 * x

    def holds_a_lock_forever(x):
        with lock:
            while True:
                x = x + 0

    out = runner.run(holds_a_lock, (1.5,), 5)
    assert out.ok and out.value == 3.0
    assert "lock" in out.extra["in_process_because"]
    assert runner.run(holds_a_lock_forever, (1.0,), 0.5).status == "timeout"


# ------------------------------------------------------------------ the memory limit


# each stays below 512 MiB, so a limit that failed would fail the test, not the machine


def _swallow_memory(x):
    return np.ones(1 << 25).sum() * x  # 256 MiB at once


def _keep_growing(x):
    kept = []
    for _ in range(512):
        kept.append(np.ones(1 << 17))  # 1 MiB more each time
    return x


@pytest.mark.parametrize(
    "lang, words",
    [
        ("en", "your code needed more memory than a check allows (64 MiB) and was stopped"),
        ("vi", "mã của bạn cần nhiều bộ nhớ hơn mức một lần kiểm tra cho phép (64 MiB)"),
    ],
)
@pytest.mark.parametrize("answer", [_swallow_memory, _keep_growing])
def test_a_runaway_allocation_is_stopped_and_named_in_both_languages(answer, lang, words):
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = one_case(memory_limit=64 << 20, time_limit=60).check(answer, lang=lang)
    assert not result
    assert words in result.message, result.message
    # the allocation happened in the child: the kernel's own peak did not move much
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before
    assert grown_kib < 64 * 1024
    assert one_case(memory_limit=64 << 20).check(lambda x: 2 * x, lang=lang)


def test_the_default_memory_limit_is_a_gibibyte_and_leaves_room_for_real_work():
    assert runner.MEMORY_LIMIT == 1 << 30
    out = runner.run(lambda: float(np.ones(8 << 20).sum()), (), 10)  # 64 MiB is fine
    assert out.ok and out.value == float(8 << 20)
    assert out.extra["memory_limit"] == 1 << 30
