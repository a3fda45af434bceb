"""Step-through frames: one layout, one forward frame per op, backward steps with numbers.

These need a Graphviz layout; the in-process WebAssembly backend is a package
dependency, so they run with or without the `dot` program.
"""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET

import graphs
import numpy as np
from svg_support import SVG, node_boxes, node_text  # noqa: E402  (shared with tests/frameworks)
from test_dot import FORMULA_WORDS, english_only_words

import autograd_viz as av
from autograd_viz.render.frames import build_frames
from autograd_viz.render.values import fmt_inline


def node_classes(svg):
    root = ET.fromstring(svg)
    return {
        g.get("id"): set(g.get("class").split())
        for g in root.iter(SVG + "g")
        if "node" in (g.get("class") or "").split()
    }


def _frames_and_model(target, **kw):
    """Frames plus the model they came from; names come from the calling test's variables."""
    from autograd_viz.render.model import build_model

    model = build_model(target, caller=sys._getframe(1), **kw)
    return build_frames(None, model=model), model


def test_counts_kinds_and_order():
    loss, _, _ = graphs.neuron()
    frames, model = _frames_and_model(loss)
    ops = model.op_nodes
    assert len(frames) == len(ops) + len(model.steps)
    kinds = [f.kind for f in frames]
    assert kinds == ["forward"] * len(ops) + ["backward"] * len(model.steps)
    # forward frames follow run order, one per op
    assert [f.node for f in frames[: len(ops)]] == [n.id for n in ops]
    assert [n.value.handle.seq for n in ops] == sorted(n.value.handle.seq for n in ops)
    # every op node that receives a gradient has a backward frame
    got_grad = {model.node_of(s.input).id for st in model.steps for s in st.sends}
    assert {n.id for n in ops if n.id in got_grad} <= {f.node for f in frames[len(ops) :]}
    assert frames[0].title.startswith(f"Forward 1/{len(ops)}: ")
    assert frames[-1].title.startswith(f"Backward {len(model.steps)}/{len(model.steps)}: ")


def test_every_frame_is_wellformed_svg_with_fixed_positions():
    loss, _, _ = graphs.neuron()
    frames = build_frames(loss)
    boxes = [node_boxes(f.svg) for f in frames]
    assert boxes[0] and all(b == boxes[0] for b in boxes)
    root = ET.fromstring(frames[0].svg)
    assert root.tag == SVG + "svg"
    sizes = {
        (ET.fromstring(f.svg).get("width"), ET.fromstring(f.svg).get("height")) for f in frames
    }
    assert len(sizes) == 1


def test_forward_reveals_values_one_op_at_a_time():
    x = av.arange(4.0, requires_grad=True)
    y = 2 * av.dot(x, x)
    frames, model = _frames_and_model(y)
    ops = model.op_nodes
    for k, frame in enumerate(frames[: len(ops)]):
        classes = node_classes(frame.svg)
        pending = {n for n, c in classes.items() if "pending" in c}
        assert pending == {n.id for n in ops[k + 1 :]}
        assert "current" in classes[ops[k].id]
        # the value appears where it is computed, not before
        assert node_text(frame.svg, ops[k].id, "value") == [fmt_inline(ops[k].data)]
        for later in ops[k + 1 :]:
            assert node_text(frame.svg, later.id, "value") == []
    assert frames[1].text.splitlines()[-1] == "Result: y = 28."


def test_last_frame_gradients_equal_the_engine():
    loss, params, _ = graphs.neuron()
    frames, model = _frames_and_model(loss)
    last = frames[-1].svg
    for leaf in params.values():
        node = model.node_of(leaf)
        assert node_text(last, node.id, "grad") == [f"grad: {fmt_inline(leaf.grad.data)}"]


def test_panel_chain_rule_numbers_match_the_trace():
    loss, params, _ = graphs.neuron()
    frames, model = _frames_and_model(loss)
    backward = [f for f in frames if f.kind == "backward"]
    assert len(backward) == len(model.steps)
    for frame, step in zip(backward, model.steps):
        chains = re.findall(r"Chain rule: (.+) × (.+) = (.+)\.", frame.text)
        assert len(chains) == len(step.sends)
        for (g, local, contrib), send in zip(chains, step.sends):
            assert g == fmt_inline(step.upstream)
            assert local.strip("()") == fmt_inline(send.local_derivative())
            assert contrib == fmt_inline(send.contribution)
            # and the numbers really are upstream × local derivative
            np.testing.assert_allclose(
                np.asarray(step.upstream) * send.local_derivative(), send.contribution
            )
    # w1 is used twice: its second contribution shows the running sum, ending at .grad
    w1 = params["w1"]
    sums = [
        line
        for f in backward
        for line in f.text.splitlines()
        if line.strip().startswith("w1 is used more than once")
    ]
    assert len(sums) == 1
    assert sums[0].rstrip(".").endswith(f"= {fmt_inline(w1.grad.data)}")


def test_no_backward_gives_only_forward_frames():
    x = av.tensor([1.0, 2.0], requires_grad=True)
    y = av.exp(x).sum()
    frames = build_frames(y)
    assert [f.kind for f in frames] == ["forward", "forward"]


def test_leaf_with_no_history_gives_one_frame():
    x = av.tensor(5.0)
    frames = build_frames(x)
    assert len(frames) == 1 and frames[0].node == "n0"
    assert "no operations" in frames[0].title
    assert node_boxes(frames[0].svg)


def test_matmul_shows_rule_instead_of_jacobian():
    W = av.tensor(np.ones((2, 3)), requires_grad=True)
    v = av.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = (W @ v).sum()
    y.backward()
    frames = build_frames(y)
    text = "\n".join(f.text for f in frames if f.kind == "backward")
    assert "g @ vᵀ" in text and "Wᵀ @ g" in text
    assert fmt_inline(W.grad.data) in text


def test_detach_frames_and_gradient_stop():
    x, y, u, z = graphs.detach_example()
    frames, model = _frames_and_model(z)
    ynode = next(n for n in model.nodes if n.name == "y")
    # y = x*x ran (a forward frame) but no gradient ever reaches it
    assert any(f.node == ynode.id for f in frames if f.kind == "forward")
    assert all(f.node != ynode.id for f in frames if f.kind == "backward")
    assert node_text(frames[-1].svg, ynode.id, "grad") == []
    xnode = model.node_of(x)
    assert node_text(frames[-1].svg, xnode.id, "grad") == ["grad: [0, 1, 4, 9]"]


def test_control_flow_frames():
    a = av.tensor(0.8, requires_grad=True)
    d = graphs.doubling_loop(a)
    d.backward()
    frames, model = _frames_and_model(d)
    assert len(frames) == 2 * len(model.op_nodes)
    assert 'class="cluster"' in frames[0].svg
    assert node_text(frames[-1].svg, model.node_of(a).id, "grad") == [
        f"grad: {fmt_inline(a.grad.data)}"
    ]


def test_vietnamese_frames_have_no_english_words():
    loss, _, _ = graphs.neuron()
    frames = build_frames(loss, lang="vi")
    assert frames[0].title.startswith("Lan truyền xuôi")
    english = english_only_words()
    for f in frames:
        texts = [f.title, f.text] + [t.text or "" for t in ET.fromstring(f.svg).iter(SVG + "text")]
        found = set(re.findall(r"[A-Za-z]{3,}", " ".join(texts))) & english
        assert not found - FORMULA_WORDS, (f.title, found)


def test_names_are_escaped_in_frames():
    evil = av.tensor([1.0, 2.0], requires_grad=True, name='<script>alert("x")</script> & "q"')
    y = (evil * evil).sum()
    y.backward()
    for f in build_frames(y):
        assert "<script>" not in f.svg and "<script>" not in f.html
        ET.fromstring(f.svg)
    assert '<script>alert("x")</script> & "q"' in f.text  # plain text stays plain


def test_reused_leaf_long_chain_completes():
    # graphviz's network simplex takes seconds to minutes on this unless the
    # renderer avoids drawing 200 long edges from x (it draws copies instead)
    x = av.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    v = x
    for i in range(200):
        v = v * x if i % 2 else v + x
    s = (v * 1e-30).sum()
    s.backward()
    frames, model = _frames_and_model(s)
    assert len(frames) == len(model.op_nodes) + len(model.steps)
    assert node_text(frames[-1].svg, model.node_of(x).id, "grad") == [
        f"grad: {fmt_inline(x.grad.data)}"
    ]
