"""The kept `dot` process gives the very layouts a fresh `dot` run gives.

render/backend.py feeds the frames' layouts to one `dot` process, graph after
graph, instead of starting `dot` for each.  A layout that differed would move
boxes in a picture, so these tests lay real diagrams out both ways and compare
the output byte for byte (only the names Graphviz invents for anonymous
subgraphs, which count up within a process, may differ), and check that a
graph that fails, a process that dies, a forked child and a graph with
clusters all still get the usual behaviour.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

import autograd_viz as av
from autograd_viz.render import backend as render_backend
from autograd_viz.render import dot_source
from autograd_viz.render.layout import parse_json
from autograd_viz.render.model import build_model

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz `dot`")
pytestmark = needs_dot


def _mlp(sizes, seed=0):
    """A scalar MLP on one point, after backward (ReLU on every layer)."""
    rng = np.random.default_rng(seed)
    x = [av.tensor(float(v)) for v in rng.standard_normal(2)]
    for n_out in sizes:
        layer = []
        for _ in range(n_out):
            act = av.tensor(0.0, requires_grad=True)
            for w, xi in zip(rng.standard_normal(len(x)), x):
                act = act + av.tensor(float(w), requires_grad=True) * xi
            layer.append(act.relu())
        x = layer
    x[0].backward()
    return x[0]


def _detached():
    a = av.tensor(2.0, requires_grad=True, name="a")
    b = a * 3
    e = (b.detach() * a + b).relu()
    e.backward()
    return e


def _chain():
    x = av.tensor([0.3, -0.2, 0.5, 0.9], requires_grad=True, name="x")
    y = x
    for k in range(60):
        y = y * x if k % 2 else y - x
    s = y.sum()
    s.backward()
    return s


def _layout_source(y):
    return dot_source.to_dot(build_model(y, "en"), widest=True, legend=False)


def _fresh_dot(source):
    return subprocess.run(
        ["dot", "-Tjson0"], input=source.encode(), capture_output=True, check=True
    ).stdout


def _anonymous_names_out(raw):
    return re.sub(rb'"name": "%\d+"', b'"name": "%"', raw)


GRAPHS = {
    "mlp": lambda: _mlp([4, 4, 1]),
    # big: the cheap settings, newrank, ghosts and rank=same pairs
    "big mlp": lambda: _mlp([8, 8, 8, 1]),
    # an edge label (measured with the fonts, as in a fresh run)
    "detached": _detached,
    "chain": _chain,
}


@pytest.fixture
def fresh_server():
    render_backend._stop_server()
    render_backend._server = None
    yield
    render_backend._stop_server()
    render_backend._server = None


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_the_kept_process_lays_out_byte_for_byte_as_a_fresh_run(name, fresh_server):
    source = _layout_source(GRAPHS[name]())
    expected = _anonymous_names_out(_fresh_dot(source))
    # twice: what one layout leaves behind in the process must not change the next
    for _ in range(2):
        got = render_backend._layout_by_server(source)
        assert got is not None
        assert _anonymous_names_out(got) == expected
    assert render_backend._server.uses == 2
    # and it is what a drawing uses
    assert _anonymous_names_out(render_backend.render(source, "json0", backend="dot")) == expected
    assert render_backend._server.uses == 3


def test_several_graphs_in_turn_each_get_their_own_layout(fresh_server):
    sources = [_layout_source(make()) for make in GRAPHS.values()]
    expected = [parse_json(_fresh_dot(s)) for s in sources]
    for source, want in zip(sources * 2, expected * 2):
        assert parse_json(render_backend._layout_by_server(source)) == want


def test_a_graph_dot_refuses_falls_back_to_the_usual_error(fresh_server):
    good = _layout_source(_detached())
    assert render_backend._layout_by_server(good) is not None
    # a syntax error: the kept process gives nothing, the fresh run the message
    bad = "digraph autograd { a -> ; }"
    assert render_backend._layout_by_server(bad) is None
    assert render_backend._server is None  # that process is not trusted again
    with pytest.raises(render_backend.RenderError, match="syntax error"):
        render_backend.render(bad, "json0", backend="dot")
    # and the next layout starts a new process that works
    assert _anonymous_names_out(render_backend._layout_by_server(good)) == (
        _anonymous_names_out(_fresh_dot(good))
    )


def test_a_process_that_died_is_replaced(fresh_server):
    source = _layout_source(_detached())
    render_backend._layout_by_server(source)
    render_backend._server.proc.kill()
    render_backend._server.proc.wait()
    # the failed exchange is reported as "no layout" (the caller runs dot once) ...
    assert render_backend._layout_by_server(source) is None
    # ... and the next call has a fresh process
    assert render_backend._layout_by_server(source) is not None


def _alive(pid):
    """Whether a process still exists here (a zombie counts: it is not reaped)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


# The fork runs in an interpreter of its own: nothing may fork the test process
# (tests/conftest.py), where JAX's or PyTorch's threads could deadlock a child.
_FORK_SCRIPT = """
import os, re, sys
from autograd_viz.render import backend

source, expected = open(sys.argv[1]).read(), open(sys.argv[2], "rb").read()
def same(raw):
    return re.sub(rb'"name": "%\\d+"', b'"name": "%"', raw) == expected

assert same(backend._layout_by_server(source))
parent = backend._server
read_end, write_end = os.pipe()
pid = os.fork()
if pid == 0:  # as the exercise runner's fork server does: lay out in the child, exit
    ok = False
    try:
        os.close(read_end)
        let_go = backend._server is None and parent.proc.stdin.closed
        got = backend._layout_by_server(source)
        own = backend._server
        ok = let_go and same(got) and own.proc.pid != parent.proc.pid
        own_pid = own.proc.pid
        backend._stop_server()
        try:
            os.kill(own_pid, 0)
            ok = False  # the child's own process outlived its stop
        except ProcessLookupError:
            pass
    finally:
        os.write(write_end, b"1" if ok else b"0")
        os._exit(0)
os.close(write_end)
with os.fdopen(read_end, "rb") as answer:
    child_said = answer.read()
os.waitpid(pid, 0)
# the parent's process was left alone, and still answers in turn
assert backend._server is parent and parent.proc.poll() is None
assert same(backend._layout_by_server(source)) and parent.uses == 2
print(child_said.decode())
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_does_not_share_the_parents_process(tmp_path):
    source = _layout_source(_detached())
    (tmp_path / "g.dot").write_text(source)
    (tmp_path / "g.json").write_bytes(_anonymous_names_out(_fresh_dot(source)))
    done = subprocess.run(
        [sys.executable, "-c", _FORK_SCRIPT, str(tmp_path / "g.dot"), str(tmp_path / "g.json")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1"  # the child had a process of its own, same layout


def test_stopping_reaps_the_process(fresh_server):
    source = _layout_source(_detached())
    render_backend._layout_by_server(source)
    pid = render_backend._server.proc.pid
    assert render_backend.kept_pid() == pid
    render_backend._stop_server()
    assert render_backend.kept_pid() is None
    assert not _alive(pid)  # waited for: not a zombie either


def test_an_interpreter_leaves_no_dot_behind_at_exit(tmp_path):
    script = (
        "import autograd_viz as av\n"
        "from autograd_viz.render import backend\n"
        "a = av.tensor(2.0, requires_grad=True)\n"
        "y = (a * a).relu()\n"
        "y.backward()\n"
        "frames = av.step_through(y).frames\n"
        "assert frames[-1].svg\n"
        "print(backend._server.proc.pid)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert not _alive(int(done.stdout.strip()))


def test_graphs_with_clusters_get_a_fresh_run(fresh_server, monkeypatch):
    calls = []
    monkeypatch.setattr(render_backend, "_layout_by_server", lambda s: calls.append(s))
    source = 'digraph autograd { subgraph cluster_r0 { label="0: Linear"; a; b } a -> b -> c }'
    raw = render_backend.render(source, "json0", backend="dot")
    assert calls == [] and b"cluster_r0" in raw
    plain = _layout_source(_detached())
    render_backend.render(plain, "json0", backend="dot")
    assert calls == [plain]
