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

import re
import shutil
import subprocess

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


def test_a_forked_child_does_not_share_the_parents_process(fresh_server, monkeypatch):
    source = _layout_source(_detached())
    render_backend._layout_by_server(source)
    parent = render_backend._server
    monkeypatch.setattr(render_backend.os, "getpid", lambda: parent.pid + 1)
    assert render_backend._layout_by_server(source) is not None
    assert render_backend._server is not parent
    assert parent.proc.poll() is None  # the parent's process was left alone
    monkeypatch.undo()
    render_backend._server.close()
    render_backend._server = parent


def test_graphs_with_clusters_get_a_fresh_run(fresh_server, monkeypatch):
    calls = []
    monkeypatch.setattr(render_backend, "_layout_by_server", lambda s: calls.append(s))
    source = 'digraph autograd { subgraph cluster_r0 { label="0: Linear"; a; b } a -> b -> c }'
    raw = render_backend.render(source, "json0", backend="dot")
    assert calls == [] and b"cluster_r0" in raw
    plain = _layout_source(_detached())
    render_backend.render(plain, "json0", backend="dot")
    assert calls == [plain]
