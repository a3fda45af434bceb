"""Forward mode drawn: tangent frames, the side-by-side comparison of the two
modes and what each costs, functions drawn the JAX way, higher order and
inner gradients on the diagram.

Tangents are checked against the engine's av.jvp and against real JAX (the
oracle); the last frame's reverse-mode number against a separate backward
pass; the comparison's counts against the engine's own sweep counters.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
import xml.etree.ElementTree as ET

import numpy as np
import pytest
import strategies as S
from hypothesis import given
from hypothesis import strategies as st
from test_dot import FORMULA_WORDS, english_only_words
from test_frames import SVG, node_boxes, node_text

import autograd_viz as av
from autograd_viz.engine.graph import STATE
from autograd_viz.render.compare import SHOW_SWEEPS
from autograd_viz.render.frames import build_frames
from autograd_viz.render.model import build_model
from autograd_viz.render.style import dot_name
from autograd_viz.render.values import fmt_inline, value_lines


def _real_jax():
    """Real JAX, the oracle: under CI=true a missing jax fails, elsewhere it skips."""
    try:
        import jax
        import jax.numpy as jnp
    except ImportError as e:
        if os.environ.get("CI", "").strip().lower() in ("true", "1", "yes"):
            pytest.fail(
                f"CI=true but JAX cannot be imported ({e}); the forward-mode "
                f"oracle tests compare with real JAX, so CI must install it"
            )
        pytest.skip(f"JAX is not installed ({e}): the comparison with real JAX did not run")
    jax.config.update("jax_enable_x64", True)
    return jax, jnp


# ---------------------------------------------------------------- functions
# Each returns every value it computes, one op each, in the order they run,
# so frame i of the forward-mode step-through belongs to output i.


class AV:
    sin, tanh, exp, dot, relu, sum = av.sin, av.tanh, av.exp, av.dot, av.relu, av.sum

    @staticmethod
    def matmul(a, b):
        return a @ b


def jax_namespace():
    jax, jnp = _real_jax()

    class JX:
        sin, tanh, exp, dot, sum = jnp.sin, jnp.tanh, jnp.exp, jnp.dot, jnp.sum
        relu = staticmethod(jax.nn.relu)

        @staticmethod
        def matmul(a, b):
            return a @ b

    return jax, JX


def scalar_chain(F, x, w):
    u = x * w
    s = F.sin(u)
    v = s + x
    t = F.tanh(v)
    y = t * w
    return u, s, v, t, y


def vector_net(F, x, w):
    u = x * w
    h = F.tanh(u)
    d = F.dot(h, x)
    y = d * d
    return u, h, d, y


def matrix_layer(F, W, x):
    z = F.matmul(W, x)
    e = F.exp(z)
    s = F.sum(e)
    return z, e, s


SPECS = {
    "scalar_chain": (scalar_chain, (), ()),
    "vector_net": (vector_net, (3,), (3,)),
    "matrix_layer": (matrix_layer, (2, 3), (3,)),
}


def _forward_case(name, data):
    fn, shape_a, shape_b = SPECS[name]
    a0 = data.draw(S.values(shape_a, -1.5, 1.5), label="a")
    b0 = data.draw(S.values(shape_b, -1.5, 1.5), label="b")
    seed = data.draw(S.values(shape_a, -2.0, 2.0), label="seed")
    a = av.tensor(a0, requires_grad=True, name="a")
    b = av.tensor(b0, requires_grad=True, name="b")
    outs = fn(AV, a, b)
    return fn, a0, b0, seed, a, b, outs


@pytest.mark.parametrize("name", list(SPECS))
@given(data=st.data())
def test_tangent_in_every_frame_equals_jvp_and_real_jax(name, data):
    jax, JX = jax_namespace()
    fn, a0, b0, seed, a, b, outs = _forward_case(name, data)
    model = build_model(outs[-1], names={"a": a, "b": b})
    frames = build_frames(outs[-1], model=model, mode="forward", wrt=a, tangent=seed)
    assert len(frames) == len(outs)
    _, engine = av.jvp(
        lambda p, q: fn(AV, p, q),
        (av.tensor(a0), av.tensor(b0)),
        (av.tensor(seed), av.tensor(np.zeros_like(b0))),
    )
    _, oracle = jax.jvp(lambda p, q: fn(JX, p, q), (a0, b0), (seed, np.zeros_like(b0)))
    for frame, out, mine, real in zip(frames, outs, engine, oracle):
        node = model.by_id[frame.node]
        assert node.value.handle is out, "one frame per op, in run order"
        expected = np.asarray(mine.data)
        np.testing.assert_allclose(expected, np.asarray(real), rtol=1e-9, atol=1e-12)
        shown = node_text(frame.svg, node.id, "tangent")
        assert shown == value_lines(expected, "en", dot_name(node.name) + " = ")
        # the panel's sum line ends in the same number
        sums = [ln for ln in frame.text.splitlines() if ln.startswith(dot_name(node.name) + " = ")]
        assert sums and sums[0].endswith(f"= {fmt_inline(expected)}."), frame.text
        assert frame.kind == "tangent"


@pytest.mark.parametrize("name", list(SPECS))
@given(data=st.data())
def test_last_frame_equals_the_reverse_mode_gradient(name, data):
    fn, a0, b0, seed, a, b, outs = _forward_case(name, data)
    frames = build_frames(outs[-1], mode="forward", wrt=a, tangent=seed, names={"a": a, "b": b})
    # reverse mode on a separate recording of the same function
    a2 = av.tensor(a0, requires_grad=True)
    fn(AV, a2, av.tensor(b0, requires_grad=True))[-1].backward()
    expected = float(np.sum(a2.grad.data * seed))
    last = frames[-1].text.splitlines()
    assert "derivative of" in last[-2] and "along the seed" in last[-2]
    assert last[-1].startswith("Reverse mode gives the same number")
    assert last[-1].endswith(f"= {fmt_inline(expected)}."), last[-1]
    tangent_line = node_text(frames[-1].svg, frames[-1].node, "tangent")[0]
    assert tangent_line.endswith(" = " + fmt_inline(expected))


def test_the_brief_example_reads_as_the_rule_with_numbers():
    x = av.tensor(2.0, requires_grad=True)
    y = av.tensor(3.0, requires_grad=True)
    u = x * y
    frame = build_frames(u, mode="forward", wrt=x)[0]
    lines = [unicodedata.normalize("NFC", ln) for ln in frame.text.splitlines()]
    nfc = lambda s: unicodedata.normalize("NFC", s)  # noqa: E731
    assert nfc("Tangent rule: u\u0307 = ∂u/∂x · x\u0307 + ∂u/∂y · y\u0307.") in lines
    assert "  From x: local derivative ∂u/∂x = y = 3." in lines  # the backward words
    assert nfc("u\u0307 = 3 × 1 + 2 × 0 = 3.") in lines
    assert lines[0] == nfc("Seed: x\u0307 = 1. Every other input has tangent 0.")


def test_linear_ops_push_the_tangent_through_the_op_itself():
    W = av.tensor([[0.5, -1.0, 2.0], [1.0, 0.0, -0.5]], requires_grad=True)
    x = av.tensor([1.0, 2.0, 3.0], requires_grad=True)
    z = W @ x
    r = z.reshape(2, 1)
    frames = build_frames(r, mode="forward", wrt=x)
    first = frames[0].text.splitlines()
    expected = fmt_inline(W.data @ np.ones(3))
    assert (
        f"  From x: z is linear in x, so its tangent goes through the same op: "
        f"W @ {dot_name('x')} = {expected}." in first
    )
    assert (
        f"  From W: z is linear in W, so its tangent goes through the same op: "
        f"{dot_name('W')} @ x = [0, 0]." in first
    )
    assert "g @" not in frames[0].text  # the backward rule's g has no place here
    # one term: no sum to write out
    assert (
        frames[1].text.splitlines()[-3]
        == f"{dot_name('r')} = {fmt_inline((W.data @ np.ones(3)).reshape(2, 1))}."
    )


def test_the_seed_and_zero_tangents_are_on_the_leaves_from_the_first_frame():
    x = av.tensor([1.0, 2.0], requires_grad=True)
    w = av.tensor([0.5, -1.0], requires_grad=True)
    y = (x * w).sum()
    model = build_model(y)
    frames = build_frames(y, model=model, mode="forward", wrt=x, tangent=[3.0, 4.0])
    for f in frames:
        assert node_text(f.svg, model.node_of(x).id, "tangent") == [dot_name("x") + " = [3, 4]"]
        assert node_text(f.svg, model.node_of(w).id, "tangent") == [dot_name("w") + " = [0, 0]"]
    assert dot_name("x") == "\u1e8b" and dot_name("v1") == "v\u03071"
    # ops not yet run are grey and show no tangent
    assert node_text(frames[0].svg, model.node_of(y).id, "tangent") == []
    assert "pending" in ET.fromstring(frames[0].svg).find(
        f".//{SVG}g[@id='{model.node_of(y).id}']"
    ).get("class")


def test_forward_frames_keep_every_node_in_place():
    x = av.tensor([1.0, 2.0, 3.0], requires_grad=True)
    w = av.tensor([0.5, -1.0, 2.0], requires_grad=True)
    y = (av.tanh(x * w) * x).sum()
    frames = build_frames(y, mode="forward", wrt=x)
    boxes = [node_boxes(f.svg) for f in frames]
    assert boxes[0] and all(b == boxes[0] for b in boxes)
    assert (
        len(
            {
                (ET.fromstring(f.svg).get("width"), ET.fromstring(f.svg).get("height"))
                for f in frames
            }
        )
        == 1
    )


# ---------------------------------------------------------------- comparison


def _halves(svg):
    """{node id: box} of each half of a side-by-side frame."""
    boxes = node_boxes(svg)
    fwd = {k[4:]: v for k, v in boxes.items() if k.startswith("fwd-")}
    rev = {k: v for k, v in boxes.items() if not k.startswith("fwd-")}
    return fwd, rev


def test_comparison_has_one_layout_for_both_modes_in_every_frame():
    def f(x, w):
        return (av.tanh(x * w) * x).sum()

    cmp = av.compare_modes(f, np.array([1.0, 2.0, 3.0]), np.array([0.5, -1.0, 2.0]))
    first_f, first_r = _halves(cmp.frames[0].svg)
    assert first_f and first_f == first_r
    for frame in cmp.frames:
        ET.fromstring(frame.svg)
        fwd, rev = _halves(frame.svg)
        assert fwd == first_f and rev == first_r
    # each mode's own frames share that layout too
    for frame in cmp.forward_frames + cmp.reverse_frames:
        assert node_boxes(frame.svg) == first_r
    # forward mode steps through its 3 sweeps (one per input entry), reverse mode
    # through one forward pass and its 1 backward sweep
    c = cmp.counts
    assert (c["forward_sweeps"], c["reverse_sweeps"]) == (6, 1)
    shown = min(6, SHOW_SWEEPS)
    assert len(cmp.forward_frames) == shown * c["forward_ops"]
    assert len(cmp.reverse_frames) == c["forward_ops"] + c["reverse_ops"]
    assert len(cmp.frames) == max(len(cmp.forward_frames), len(cmp.reverse_frames))
    assert f"the first {shown} of 6 sweeps are drawn" in cmp.frames[-1].text


def mode_heads(svg):
    """Each half's heading, its wrapped lines joined again."""
    return [
        " ".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", text))
        for text in re.findall(r'class="avz-mode-head">(.*?)</text>', svg)
    ]


def _engine_counts(call):
    before = dict(STATE.sweeps)
    out = call()
    return out, {k: STATE.sweeps[k] - before[k] for k in before}


@given(x0=S.values((3,), -1.5, 1.5))
def test_wide_function_needs_three_forward_sweeps_and_one_reverse(x0):
    def f(x):
        return av.sin(x * x).sum() * 2

    cmp, ran = _engine_counts(lambda: av.compare_modes(f, x0))
    c = cmp.counts
    assert (c["inputs"], c["outputs"]) == (3, 1)
    assert (c["forward_sweeps"], c["reverse_sweeps"]) == (3, 1)
    assert ran == {"forward": c["forward_sweeps"], "reverse": c["reverse_sweeps"]}
    # both Jacobians as the engine's own transforms give them
    np.testing.assert_allclose(
        cmp.jacobians["forward"].ravel(),
        np.asarray(av.jacfwd(f)(av.tensor(x0)).data).ravel(),
        rtol=1e-10,
    )
    np.testing.assert_allclose(
        cmp.jacobians["reverse"].ravel(),
        np.asarray(av.jacrev(f)(av.tensor(x0)).data).ravel(),
        rtol=1e-10,
    )
    assert "(1 × 3)" in cmp.frames[0].text
    heads = [mode_heads(f.svg) for f in cmp.frames]
    forward_heads = [h[0] for h in heads]
    for k in (1, 2, 3):  # every forward sweep is stepped, each with its seed
        basis = fmt_inline(np.eye(3)[k - 1])
        assert any(
            h.startswith(f"Forward mode: sweep {k} of 3 (seed") and basis in h
            for h in forward_heads
        ), forward_heads
    assert any(h[1].startswith("Reverse mode: backward sweep 1 of 1") for h in heads)
    assert not any("sweep 2 of 1" in h[1] for h in heads)
    # forward mode takes more steps than reverse mode on a wide function
    assert len(cmp.forward_frames) == 3 * c["forward_ops"] > len(cmp.reverse_frames)


@given(t0=S.floats(-1.5, 1.5))
def test_tall_function_needs_one_forward_sweep_and_three_reverse(t0):
    def g(t):
        return av.sin(t * av.tensor([1.0, 2.0, 3.0]))

    cmp, ran = _engine_counts(lambda: av.compare_modes(g, t0))
    c = cmp.counts
    assert (c["inputs"], c["outputs"], c["forward_sweeps"], c["reverse_sweeps"]) == (1, 3, 1, 3)
    assert ran == {"forward": 1, "reverse": 3}
    assert len(cmp.reverse_frames) == c["forward_ops"] + 3 * c["reverse_ops"]
    assert len(cmp.forward_frames) == c["forward_ops"]
    expected = np.cos(t0 * np.array([1.0, 2.0, 3.0])) * np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(cmp.jacobians["forward"].ravel(), expected, rtol=1e-10)
    np.testing.assert_allclose(cmp.jacobians["reverse"].ravel(), expected, rtol=1e-10)


def test_ops_per_sweep_are_what_the_engine_runs():
    x = av.tensor([0.3, -0.2, 0.9], requires_grad=True)
    y = av.exp(av.sin(x) * x).sum()
    cmp, ran = _engine_counts(lambda: av.compare_modes(y))
    assert ran == {"forward": cmp.counts["forward_sweeps"], "reverse": cmp.counts["reverse_sweeps"]}
    assert (cmp.counts["forward_sweeps"], cmp.counts["reverse_sweeps"]) == (3, 1)
    np.testing.assert_allclose(cmp.jacobians["forward"], cmp.jacobians["reverse"], rtol=1e-12)
    assert x.grad is None  # the comparison stores no gradient anywhere
    from autograd_viz.engine import forward

    assert cmp.counts["forward_ops"] == len(forward.tangent_steps(y, x))
    trace, _ = av.engine.graph.run_backward(y, np.ones(()), retain_graph=True, targets=[x])
    assert cmp.counts["reverse_ops"] == len(trace) == 4


# ---------------------------------------------------------------- words


def test_vietnamese_forward_and_comparison_have_no_english_words():
    x = av.tensor([1.0, 2.0], requires_grad=True)
    w = av.tensor([0.5, -1.0], requires_grad=True)
    y = (av.tanh(x * w) @ x) * 2
    english = english_only_words()
    frames = build_frames(y, mode="forward", wrt=x, lang="vi")
    cmp = av.compare_modes(y, lang="vi")
    assert frames[0].title.startswith("Chế độ xuôi")
    assert "Chế độ ngược cho cùng kết quả" in frames[-1].text
    assert "lượt" in cmp.frames[0].text
    for f in frames + cmp.frames:
        texts = [f.title, f.text] + [t.text or "" for t in ET.fromstring(f.svg).iter(SVG + "text")]
        found = set(re.findall(r"[A-Za-z]{3,}", " ".join(texts))) & english
        assert not found - FORMULA_WORDS, (f.title, found)


EVIL = '<script>alert("x")</script> & "q"'


def test_names_are_escaped_in_forward_frames_comparison_and_html(tmp_path):
    evil = av.tensor([1.0, 2.0], requires_grad=True, name=EVIL)
    y = (evil * evil).sum()
    steps = av.step_through(y, mode="forward", wrt=evil)
    cmp = av.compare_modes(y)
    for f in steps.frames + cmp.frames:
        assert "<script>" not in f.svg and "<script>" not in f.html
        ET.fromstring(f.svg)
    assert EVIL in steps.frames[0].text and EVIL in cmp.frames[0].text  # plain text stays plain
    assert "&lt;script&gt;" in cmp.frames[0].svg  # the heading's seed
    for widget, name in ((steps, "fwd.html"), (cmp, "cmp.html")):
        page = widget.to_html(tmp_path / name).read_text(encoding="utf-8")
        assert "<script>alert" not in page
        data = re.search(
            r'<script type="application/json" id="avz-data">(.*?)</script>', page, re.S
        ).group(1)
        frames = json.loads(data)["frames"]
        assert len(frames) == len(widget.frames)
        assert {f["kind"] for f in frames} == {"tangent" if widget is steps else "compare"}


# ---------------------------------------------------------------- functions


def test_draw_a_function_names_leaves_after_parameters_and_runs_reverse():
    def loss(weights, inputs):
        hidden = av.tanh(weights * inputs)
        return (hidden * hidden).sum()

    w0, x0 = np.array([0.5, -1.0, 2.0]), np.array([1.0, 2.0, 3.0])
    d = av.draw(loss, w0, x0)
    names = {n.name: n for n in d.model.nodes}
    assert {"weights", "inputs", "hidden", "loss"} <= set(names)
    expected = 2 * np.tanh(w0 * x0) * (1 - np.tanh(w0 * x0) ** 2) * x0
    np.testing.assert_allclose(d.model.final_grads()[names["weights"].id], expected)
    assert "weights" in d.svg and "grad:" in d.svg
    # the user's arrays are untouched and not turned into leaves
    assert isinstance(w0, np.ndarray)


def test_a_vector_output_is_drawn_without_a_backward_pass():
    d = av.draw(lambda x: av.sin(x), np.array([1.0, 2.0]))
    assert d.model.root is None and "grad:" not in d.svg


@pytest.mark.parametrize("dialect", ["torch", "tf", "mxnet"])
def test_step_through_a_function_in_every_dialect(dialect):
    if dialect == "torch":
        import autograd_viz.torch as torch

        x0 = torch.tensor([1.0, 2.0, 3.0])

        def f(x):
            return (torch.exp(x) * x).sum()
    elif dialect == "tf":
        import autograd_viz.tf as tf

        x0 = tf.constant([1.0, 2.0, 3.0])

        def f(x):
            return tf.reduce_sum(tf.exp(x) * x)
    else:
        from autograd_viz.mxnet import np as mnp

        x0 = mnp.array([1.0, 2.0, 3.0])

        def f(x):
            return (mnp.exp(x) * x).sum()

    steps = av.step_through(f, x0)
    kinds = [fr.kind for fr in steps.frames]
    assert kinds.count("forward") == 3 and kinds.count("backward") == 3
    last = steps.frames[-1].svg
    expected = np.exp([1.0, 2.0, 3.0]) * (1 + np.array([1.0, 2.0, 3.0]))
    grads = [t.text for t in ET.fromstring(last).iter(SVG + "text") if t.get("class") == "grad"]
    assert f"grad: {fmt_inline(expected.astype(np.float32))}" in grads
    fwd = av.step_through(f, x0, mode="forward", wrt="x")
    assert (
        fwd.frames[-1]
        .text.splitlines()[-1]
        .endswith(f"= {fmt_inline(np.float32(expected.sum()))}.")
    )


def test_function_errors_say_what_to_do():
    with pytest.raises(TypeError, match="needs its arguments"):
        av.draw(lambda x: x)
    with pytest.raises(TypeError, match="function first"):
        av.step_through(av.tensor(1.0), 2.0)
    with pytest.raises(TypeError, match="must return a tensor"):
        av.draw(lambda x: 3, 1.0)
    with pytest.raises(ValueError, match="not a parameter"):
        av.step_through(lambda x: x * 2, 1.0, mode="forward", wrt="z")
    with pytest.raises(ValueError, match="no recorded history"):
        av.compare_modes(av.tensor([1.0, 2.0]) * 2)
    with pytest.raises(TypeError, match="function first"):
        av.compare_modes(av.tensor(1.0, requires_grad=True) * 2, 3.0)
    # drawing keeps its old positional language argument
    x = av.tensor(2.0, requires_grad=True)
    assert av.draw(x * x, "vi").model.lang == "vi"
    assert av.step_through(x * x, "vi").frames[0].title.startswith("Lan truyền xuôi")


def test_forward_mode_errors_say_what_to_do():
    x = av.tensor(1.0, requires_grad=True)
    w = av.tensor(2.0, requires_grad=True)
    y = x * w
    with pytest.raises(ValueError, match="wrt=x"):
        build_frames(y, mode="forward")
    with pytest.raises(ValueError, match="mode must be"):
        build_frames(y, mode="sideways")
    with pytest.raises(ValueError, match="shape"):
        build_frames(y, mode="forward", wrt=x, tangent=[1.0, 2.0])
    with pytest.raises(ValueError, match="computed by an op"):
        build_frames(y * 2, mode="forward", wrt=y)
    with pytest.raises(ValueError, match='mode="forward"'):
        build_frames(y, wrt=x)
    # the session stays usable
    assert len(build_frames(y, mode="forward", wrt=x)) == 1


# ---------------------------------------------------------------- higher order


def _backward_nodes(svg):
    from autograd_viz.render.style import BACKWARD_FILL

    out = set()
    for g in ET.fromstring(svg).iter(SVG + "g"):
        rect = g.find(SVG + "rect")
        if (
            "node" in (g.get("class") or "").split()
            and rect is not None
            and rect.get("fill") == BACKWARD_FILL
        ):
            out.add(g.get("id"))
    return out


def _legend(svg):
    return [
        t.text for t in ET.fromstring(svg).iter(SVG + "text") if t.get("text-anchor") == "start"
    ]


def test_higher_order_torch_create_graph_is_told_apart():
    import autograd_viz.torch as torch

    x = torch.tensor(1.5, requires_grad=True)
    y = torch.sin(x) * x
    (g,) = torch.autograd.grad(y, x, create_graph=True)
    d = av.draw([y, g])
    first = {d.model.node_of(y).id, d.model.node_of(x).id}
    green = _backward_nodes(d.svg)
    assert d.model.node_of(g).id in green and not green & first
    assert any("create_graph=True" in line for line in _legend(d.svg))


def test_a_gradient_drawn_alone_brings_its_first_order_part():
    import autograd_viz.torch as torch

    x = torch.tensor(1.5, requires_grad=True)
    y = torch.sin(x) * x
    (g,) = torch.autograd.grad(y, x, create_graph=True)
    g.backward()
    d = av.draw(g)  # g's graph does not lead back to y: y comes from the variables
    assert d.model.node_of(y).kind == "op"
    green = _backward_nodes(d.svg)
    assert d.model.node_of(g).id in green and d.model.node_of(y).id not in green
    np.testing.assert_allclose(float(x.grad), 2 * np.cos(1.5) - 1.5 * np.sin(1.5))
    # a plain graph draws only itself
    w = torch.tensor(2.0, requires_grad=True)
    v = w * w
    assert {n.name for n in av.draw(v).model.nodes} == {"w", "v"}


def test_higher_order_mxnet_create_graph_is_told_apart():
    from autograd_viz.mxnet import autograd
    from autograd_viz.mxnet import np as mnp

    x = mnp.array(1.5)
    x.attach_grad()
    with autograd.record():
        y = mnp.sin(x) * x
        g = autograd.grad(y, [x], create_graph=True)[0]
    np.testing.assert_allclose(float(g), np.cos(1.5) * 1.5 + np.sin(1.5), rtol=1e-6)
    d = av.draw([y, g])
    green = _backward_nodes(d.svg)
    assert d.model.node_of(g).id in green
    assert not green & {d.model.node_of(y).id, d.model.node_of(x).id}


def test_higher_order_nested_tf_tapes_are_told_apart():
    import autograd_viz.tf as tf

    x = tf.Variable(1.5)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = x * x * x
        dy = inner.gradient(y, x)
    d2 = outer.gradient(dy, x)
    np.testing.assert_allclose(float(d2), 6 * 1.5, rtol=1e-6)
    d = av.draw(outer)
    green = _backward_nodes(d.svg)
    assert d.model.node_of(dy).id in green and d.model.node_of(y).id not in green
    assert any("nested tapes" in line for line in _legend(d.svg))


def test_grad_of_grad_drawn_shows_both_parts():
    def f(x):
        return av.sin(x) * x

    steps = av.step_through(av.grad(f), 2.0)
    svg = steps.frames[-1].svg
    green = _backward_nodes(svg)
    boxes = node_boxes(svg)
    assert green and set(boxes) - green  # both parts are on the diagram
    x = av.tensor(2.0)
    expected = -2.0 * np.sin(2.0) + 2 * np.cos(2.0)  # d/dx (x cos x + sin x)
    grads = [t.text for t in ET.fromstring(svg).iter(SVG + "text") if t.get("class") == "grad"]
    assert f"grad: {fmt_inline(expected)}" in grads
    np.testing.assert_allclose(float(av.grad(av.grad(f))(x)), expected)


def test_a_tape_asked_about_inner_values_stars_their_gradients():
    import autograd_viz.tf as tf

    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        z = x * 3.0
        h = tf.exp(z * 0.1)
        y = tf.reduce_sum(h)
    dz, dh = tape.gradient(y, [z, h])
    d = av.draw(tape)
    for tensor, grad in ((z, dz), (h, dh)):
        node = d.model.node_of(tensor)
        assert node.asked
        lines = node_text(d.svg, node.id, "grad")
        assert lines == [f"★ grad: {fmt_inline(np.asarray(grad.data))}"]
    assert not d.model.node_of(y).asked
    assert any(line.startswith("★") for line in _legend(d.svg))


def test_a_freed_graph_still_gets_its_reverse_check_from_the_recorded_pass():
    x = av.tensor([0.5, -1.0, 2.0], requires_grad=True)
    y = (av.sin(x) * x).sum()
    y.backward()  # frees the graph: reverse mode cannot run again
    frames = build_frames(y, mode="forward", wrt=x, tangent=[1.0, 2.0, 3.0])
    expected = float(np.sum(x.grad.data * np.array([1.0, 2.0, 3.0])))
    assert frames[-1].text.splitlines()[-1].endswith(f"= {fmt_inline(expected)}.")
    with pytest.raises(av.BackwardError, match="retain_graph=True"):
        av.compare_modes(y)  # it needs fresh backward sweeps
    assert av.compare_modes(lambda x: (av.sin(x) * x).sum(), x.data).counts["inputs"] == 3


def test_cut_results_of_a_huge_graph_carry_their_tangents(monkeypatch):
    from autograd_viz.render import model as model_module

    monkeypatch.setattr(model_module, "MAX_OPS", 6)
    x = av.tensor(0.3, requires_grad=True)
    v = x
    for _ in range(12):
        v = av.sin(v) * 1.5
    model = build_model(v)
    assert model.hidden_ops and any(n.cut for n in model.nodes)
    frames = build_frames(v, model=model, mode="forward", wrt=x)
    assert len(frames) == 6
    from autograd_viz.engine import forward

    steps = {id(s.node): s.tangent for s in forward.tangent_steps(v, x)}
    for node in model.nodes:
        if node.cut:
            assert node_text(frames[0].svg, node.id, "tangent") == value_lines(
                steps[id(node.value.handle)], "en", dot_name(node.name) + " = "
            )
    _, expected = av.jvp(lambda p: _sin_chain(p, 12), (av.tensor(0.3),), (av.tensor(1.0),))
    assert node_text(frames[-1].svg, frames[-1].node, "tangent")[0].endswith(
        fmt_inline(expected.data)
    )


def _sin_chain(v, n):
    for _ in range(n):
        v = av.sin(v) * 1.5
    return v


def test_retain_grad_shows_where_it_was_asked():
    import autograd_viz.torch as torch

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3
    h.retain_grad()
    y = (h * h).sum()
    y.backward()
    d = av.draw(y)
    node = d.model.node_of(h)
    assert node.asked and not d.model.node_of(y).asked
    assert node_text(d.svg, node.id, "grad") == [f"★ grad: {fmt_inline(h.grad.data)}"]
