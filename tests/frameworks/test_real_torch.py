"""Real PyTorch drawn as it ran (API.md section 9), against real PyTorch.

Every gradient a diagram shows must be PyTorch's own: leaves' ``.grad``,
interior values' as ``retain_grad()`` gives them, on random programs, read
from the live graph and under ``av.capture``.  The drawing has one op per
autograd node, keeps every node in place in every frame, names an
``nn.Module``'s parameters and groups by module path, shows ops outside our
table with PyTorch's name and its real VJP, draws in-place changes as they
happened and refuses what it cannot draw with a message that says why.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from random_programs import steps as random_steps
from real_frameworks import real
from svg_support import SVG, node_boxes

torch = real("torch")

import autograd_viz as av  # noqa: E402
from autograd_viz.description import DescriptionError  # noqa: E402
from autograd_viz.engine import ops as engine_ops  # noqa: E402
from autograd_viz.render.frames import build_frames  # noqa: E402
from autograd_viz.render.model import build_model  # noqa: E402

# ---------------------------------------------------------------- random programs

UNARY = {
    "sin": torch.sin,
    "cos": torch.cos,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "relu": torch.relu,
    "exp": lambda v: torch.exp(0.3 * v),
    "square": lambda v: v**2,
    "neg": lambda v: -v,
    "abs": torch.abs,
    "shift": lambda v: v + 2.0,
    "scale": lambda v: 3 * v,
    "rsub": lambda v: 1 - v,
    "center": lambda v: v - v.mean(),
    "matvec": None,  # W @ v, W a leaf
    "const": None,  # v * c, c a constant tensor
    "first": lambda v: v[0] * v,
    "slice": lambda v: torch.cat([v[1:], v[:1]]),
    "where": lambda v: torch.where(v > 0, v, 0.1 * v),
}
BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / (b * b + 1),
    "dot": lambda a, b: torch.dot(a, b) * a,
}
# values no live graph keeps (a temporary nothing saved, made by an op with
# no replayable schema): drawing those needs av.capture, and says so
LIVE_UNKNOWN = {"where", "slice", "shift", "rsub"}


@st.composite
def programs(draw):
    data = {
        name: np.asarray(draw(st.lists(st.floats(-1.5, 1.5), min_size=size, max_size=size)))
        for name, size in (("x", 3), ("w", 3), ("c", 3), ("W", 9))
    }
    return draw(random_steps(UNARY, BINARY, 6)), data


def run(steps, data):
    """The program in real PyTorch: (x, w, W, interior values, scalar output)."""
    x = torch.tensor(data["x"], requires_grad=True)
    w = torch.tensor(data["w"], requires_grad=True)
    W = torch.tensor(data["W"].reshape(3, 3), requires_grad=True)
    c = torch.tensor(data["c"])
    pool = [x, w]
    for step in steps:
        if step[0] == "u":
            _, op, i = step
            v = pool[i]
            if op == "matvec":
                out = W @ v
            elif op == "const":
                out = v * c
            else:
                out = UNARY[op](v)
        else:
            _, op, i, j = step
            out = BINARY[op](pool[i], pool[j])
        pool.append(out)
    y = 0.5 * (x * w).sum()
    for v in pool[2:]:
        y = y + v.sum()
    return (x, w, W), pool[2:], y


def autograd_nodes(y):
    """The autograd graph's nodes other than leaves (PyTorch's own count)."""
    seen, stack = set(), [y.grad_fn]
    while stack:
        fn = stack.pop()
        if fn is None or fn in seen or fn.name().endswith("AccumulateGrad"):
            continue
        seen.add(fn)
        stack += [f for f, _ in fn.next_functions]
    return seen


def assert_matches_pytorch(model, leaves, interior, y):
    """Every value and gradient of the model equals PyTorch's."""
    grads = model.final_grads()
    assert grads, "a backward pass ran: the drawing shows gradients"
    for leaf in leaves:
        if leaf.grad is None:
            continue
        node = model.node_of(leaf)
        np.testing.assert_allclose(grads[node.id], leaf.grad.numpy(), rtol=1e-12, atol=1e-12)
        np.testing.assert_array_equal(node.data, leaf.detach().numpy())
    for v in interior:
        if v.grad_fn is None or not model.has(v):
            continue
        node = model.node_of(v)
        np.testing.assert_allclose(node.data, v.detach().numpy(), rtol=1e-12, atol=1e-12)
        expected = v.grad.numpy() if v.grad is not None else np.zeros(v.shape)
        np.testing.assert_allclose(grads.get(node.id, 0 * expected), expected, atol=1e-12)
    np.testing.assert_array_equal(model.root.data, y.detach().numpy())
    assert len(model.op_nodes) == len(autograd_nodes(y))


def check_rules(model):
    """Where our rule text is shown, our local derivative times PyTorch's
    upstream gradient is PyTorch's contribution."""
    for step in model.steps:
        for send in step.sends:
            local = send.local_derivative()
            if local is None:
                continue
            product = np.asarray(step.upstream) * local
            if product.shape == np.shape(send.contribution):
                np.testing.assert_allclose(product, send.contribution, rtol=1e-9, atol=1e-12)


@given(programs())
def test_every_gradient_shown_is_pytorchs_own_on_a_live_graph(program):
    steps, data = program
    leaves, interior, y = run(steps, data)
    for v in interior:
        if v.requires_grad:
            v.retain_grad()
    y.backward(retain_graph=True)
    try:
        model = build_model(y)
    except DescriptionError as error:
        # only values PyTorch did not keep, and the message says how to see them
        assert any(s[1] in LIVE_UNKNOWN for s in steps), error
        assert "av.capture()" in str(error)
        return
    assert_matches_pytorch(model, leaves, interior, y)
    check_rules(model)


@given(programs())
def test_every_gradient_shown_is_pytorchs_own_under_capture(program):
    steps, data = program
    plain_leaves, plain_interior, plain_y = run(steps, data)
    plain_y.backward()
    with av.capture():
        leaves, interior, y = run(steps, data)
    for v in interior:
        if v.requires_grad:
            v.retain_grad()
    y.backward()  # no retain_graph: the capture kept what the drawing needs
    model = build_model(y)
    assert_matches_pytorch(model, leaves, interior, y)
    check_rules(model)
    # the capture changed nothing PyTorch computed
    assert torch.equal(y, plain_y)
    for a, b in zip(leaves, plain_leaves):
        assert (a.grad is None and b.grad is None) or torch.equal(a.grad, b.grad)


def test_the_chapters_example_reads_as_pytorch_computed_it():
    x = torch.arange(4.0, requires_grad=True)
    y = 2 * torch.dot(x, x)
    steps = av.step_through(y)
    assert [f.kind for f in steps.frames] == ["forward", "forward"]  # no backward yet
    with av.capture():
        y = 2 * torch.dot(x, x)
    y.backward()
    frames = av.step_through(y).frames
    assert [f.kind for f in frames] == ["forward"] * 2 + ["backward"] * 2
    assert frames[1].text.splitlines()[-1] == "Result: y = 28."
    assert (
        "x is used more than once, so contributions add up: [0, 2, 4, 6] + [0, 2, 4, 6] = "
        "[0, 4, 8, 12]." in frames[-1].text
    )
    assert "PyTorch's own" in frames[2].text
    model = build_model(y)
    np.testing.assert_array_equal(model.final_grads()[model.node_of(x).id], x.grad.numpy())


def test_node_positions_are_the_same_in_every_frame():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))
    X = torch.randn(4, 2)
    with av.capture(model):
        loss = model(X).pow(2).mean()
    loss.backward()
    for mode in ("reverse", "forward"):
        kw = {"wrt": model[0].weight} if mode == "forward" else {}
        frames = build_frames(loss, mode=mode, **kw)
        boxes = [node_boxes(f.svg) for f in frames]
        assert boxes[0] and all(b == boxes[0] for b in boxes)


def test_an_nn_models_groups_and_parameters_are_named_by_module_path():
    torch.manual_seed(0)

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = torch.nn.Linear(2, 3)
            self.fc2 = torch.nn.Linear(3, 1)

        def forward(self, x):
            return self.fc2(torch.tanh(self.fc1(x)))

    net = Net()
    x = torch.randn(5, 2)
    with av.capture(net):
        loss = net(x).sum()
    loss.backward()
    model = build_model(loss)
    labels = [label for label, _ in model.groups]
    assert labels == ["fc1: Linear", "fc2: Linear"]
    names = {n.name for n in model.nodes if n.kind == "leaf"}
    assert {"fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "x"} <= names
    by_group = {label: {model.by_id[i].name for i in ids} for label, ids in model.groups}
    assert {"fc1.weight", "fc1.bias"} <= by_group["fc1: Linear"]
    grads = model.final_grads()
    for name, p in net.named_parameters():
        node = next(n for n in model.nodes if n.name == name)
        np.testing.assert_allclose(grads[node.id], p.grad.numpy(), rtol=1e-6)
    # depth=0 folds each module into one node; its gradients stay PyTorch's
    folded = build_model(loss, depth=0)
    assert [n.value.op for n in folded.op_nodes] == ["Linear", "tanh", "Linear", "sum"]
    grads = folded.final_grads()
    for name, p in net.named_parameters():
        node = next(n for n in folded.nodes if n.name == name)
        np.testing.assert_allclose(grads[node.id], p.grad.numpy(), rtol=1e-6)


def test_a_training_step_shows_the_optimizers_update():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    X, t = torch.randn(4, 2), torch.randn(4, 1)
    before = {k: v.detach().clone() for k, v in model.named_parameters()}
    with av.capture(model):
        loss = torch.nn.functional.mse_loss(model(X), t)
        opt.zero_grad()
        loss.backward()
        opt.step()
    frames = av.step_through(loss).frames
    assert frames[-1].kind == "update"
    text = frames[-1].text
    assert "SGD(lr=0.1)" in text
    m = build_model(loss)
    for name, _ in model.named_parameters():
        node = next(n for n in m.nodes if n.name == name)
        # the graph shows the value the forward pass used, not the updated one
        np.testing.assert_array_equal(node.data, before[name].numpy())
        assert f"{name} ← {name} − 0.1 × grad" in text
    update = {u.value: u for u in m.description.updates}
    for name, p in model.named_parameters():
        u = update[next(n for n in m.nodes if n.name == name).id]
        np.testing.assert_array_equal(u.after, p.detach().numpy())
        np.testing.assert_allclose(u.after, u.before - 0.1 * u.grad, rtol=1e-6)


def test_ops_outside_our_table_show_pytorchs_name_and_real_vjp():
    x = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    y = torch.nn.functional.softplus(x).sum()
    y.backward(retain_graph=True)
    model = build_model(y)
    op = next(n for n in model.op_nodes if n.value.op == "softplus")
    assert op.value.primitive is None and op.title == "v1 = softplus(x)"
    frames = build_frames(y)
    text = next(f.text for f in frames if f.node == op.id and f.kind == "backward")
    assert "PyTorch's backward of softplus sends" in text
    assert "real vector-Jacobian product" in text
    expected = torch.sigmoid(x).detach().numpy()
    np.testing.assert_allclose(model.final_grads()[model.node_of(x).id], expected, rtol=1e-6)
    assert any("framework's own name" in line for line in _legend(frames[0].svg))


def _legend(svg):
    root = ET.fromstring(svg)
    return [t.text for t in root.iter(SVG + "text") if t.get("text-anchor") == "start"]


def test_our_rule_is_shown_only_where_its_numbers_are_pytorchs():
    x = torch.tensor([0.3, -0.7], requires_grad=True)
    with av.capture():
        y = (torch.sin(x) * x).sum()
    y.backward()
    model = build_model(y)
    for node in model.op_nodes:
        prim = node.value.primitive
        assert prim in engine_ops.REGISTRY, node.value.op
    for step in model.steps:
        for send in step.sends:
            assert send.rule is not None


def test_in_place_changes_are_drawn_as_they_happened():
    x = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
    with av.capture():
        h = x * 2
        h.add_(1)
        h.relu_()
        y = (h * h).sum()
    y.backward()
    model = build_model(y)
    ops = [n.value.op for n in model.op_nodes]
    assert ops == ["mul", "add_", "relu_", "mul", "sum"]
    values = [n.data for n in model.op_nodes]
    np.testing.assert_array_equal(values[0], [2.0, -4.0, 6.0])  # before add_ changed it
    np.testing.assert_array_equal(values[1], [3.0, -3.0, 7.0])
    np.testing.assert_array_equal(values[2], [3.0, 0.0, 7.0])
    np.testing.assert_allclose(model.final_grads()[model.node_of(x).id], x.grad.numpy())


def test_a_write_into_a_view_is_refused_with_a_reason_in_both_languages():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    h = x * 2
    h[0].mul_(5)
    y = h.sum()
    for lang, words in (
        ("en", "writes into a view"),
        ("vi", r"ghi trực tiếp .* vào một khung nhìn \(view\)"),
    ):
        with pytest.raises(DescriptionError, match=words):
            av.draw(y, lang=lang)


def test_a_freed_graph_says_what_happened_and_what_to_do():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = (x * torch.tensor([3.0, 4.0])).sum()
    y.backward()  # frees what mul saved
    with pytest.raises(DescriptionError) as error:
        av.draw(y)
    assert "freed" in str(error.value) and "av.capture()" in str(error.value)
    assert "retain_graph=True" in str(error.value)
    with pytest.raises(DescriptionError, match="giải phóng"):
        av.draw(y, lang="vi")


def test_a_tensor_without_grad_fn_says_how_to_get_one():
    plain = torch.arange(3.0) * 2
    with pytest.raises(DescriptionError, match="plain has no grad_fn"):
        av.draw(plain)
    with pytest.raises(DescriptionError, match="không có grad_fn"):
        av.step_through(plain, lang="vi")


def test_a_parameter_changed_after_the_graph_is_not_drawn_with_its_new_value():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    y = (w * w).sum()
    with torch.no_grad():
        w.add_(1.0)
    with pytest.raises(DescriptionError, match="changed in place"):
        av.draw(y)


def test_forward_mode_is_pytorchs_forward_ad():
    x = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    w = torch.tensor([1.0, 2.0, -0.5], requires_grad=True)
    y = (torch.sin(x * w) * x).sum()
    frames = av.step_through(y, mode="forward", wrt=x).frames
    _, expected = torch.func.jvp(
        lambda a: (torch.sin(a * w) * a).sum(), (x.detach(),), (torch.ones(3),)
    )
    assert frames[-1].kind == "tangent"
    last = frames[-1].text
    assert "is the derivative of y along the seed" in last
    model = build_model(y)
    from autograd_viz.render.frames.tangent import run_tangents

    run = run_tangents(model, x)
    np.testing.assert_allclose(run.tangent, expected.detach().numpy(), rtol=1e-6)


def test_compare_modes_jacobians_are_pytorchs():
    x = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    y = torch.tanh(x) * x.sum()
    cmp = av.compare_modes(y)
    expected = torch.autograd.functional.jacobian(lambda a: torch.tanh(a) * a.sum(), x.detach())
    np.testing.assert_allclose(cmp.jacobians["reverse"], expected.numpy(), rtol=1e-6)
    np.testing.assert_allclose(cmp.jacobians["forward"], expected.numpy(), rtol=1e-6)
    assert (cmp.counts["forward_sweeps"], cmp.counts["reverse_sweeps"]) == (3, 3)
    assert x.grad is None  # nothing was stored on the user's tensors


def test_interior_gradients_are_as_retain_grad_gives_them_and_starred_where_asked():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    with av.capture():
        h = x * 3
        h.retain_grad()
        y = (h * h).sum()
    y.backward()
    d = av.draw(y)
    node = d.model.node_of(h)
    assert node.asked
    np.testing.assert_array_equal(d.model.final_grads()[node.id], h.grad.numpy())


def test_drawing_inside_the_block_changes_nothing_recorded():
    x = torch.tensor([0.5, -1.5], requires_grad=True)
    with av.capture():
        y = (torch.exp(x) * x).sum()
        before = build_model(y)  # values only: no backward yet
        assert not before.final_grads() and len(before.op_nodes) == 3
        y.backward()
    model = build_model(y)
    assert len(model.op_nodes) == 3
    np.testing.assert_allclose(model.final_grads()[model.node_of(x).id], x.grad.numpy())
