"""The backpropagation section's worked example (current edition, 5.3), in
each framework, with the gradients at interior nodes.

Two graphs: e = (a + b)·c at a = 2, b = 1, c = −3, and the 2-2-1 network
z = W1 x, h = relu(z), o = W2 h, L = ½(o − y)² at x = [1, 2],
W1 = [[1, −1], [0, 1]], W2 = [[2, −1]], y = 0, where the book states
L = 2, dL/dW2 = [[0, −4]], dL/dh = [−4, 2], dL/dz = [0, 2] and
dL/dW1 = [[0, 0], [2, 4]] (the first unit is dead: z₁ = −1, so its row is 0).

The expected numbers are derived here by hand from the chain rule (below),
then each framework's cells are run and must give them: PyTorch's also
print exactly what real PyTorch prints.  TensorFlow and MXNet are not
installable here, so their cells are checked against these numbers and
against the way those frameworks return gradients (TF: one tensor per
source, None where unconnected; MXNet: written into ``.grad``).
"""

from __future__ import annotations

import numpy as onp
import pytest
from dialect_oracle import assert_same_printouts_as_real_torch, run_cells

import autograd_viz as av

# ------------------------------------------------------------------ by hand

A, B, C = 2.0, 1.0, -3.0
X_IN = onp.array([1.0, 2.0], onp.float32)
W1_IN = onp.array([[1.0, -1.0], [0.0, 1.0]], onp.float32)
W2_IN = onp.array([[2.0, -1.0]], onp.float32)


def by_hand_e():
    """e = q·c with q = a + b: de/dq = c, de/da = de/db = c, de/dc = q."""
    q = A + B
    return {"q": q, "e": q * C, "de_dq": C, "de_da": C, "de_db": C, "de_dc": q}


def by_hand_net():
    z = W1_IN @ X_IN
    h = onp.maximum(z, 0)
    o = W2_IN @ h
    L = 0.5 * (o - 0.0) ** 2
    dL_do = o - 0.0
    dL_dW2 = onp.outer(dL_do, h)
    dL_dh = W2_IN.T @ dL_do
    dL_dz = dL_dh * (z > 0)
    dL_dW1 = onp.outer(dL_dz, X_IN)
    return dict(z=z, h=h, o=o, L=L, dL_dW2=dL_dW2, dL_dh=dL_dh, dL_dz=dL_dz, dL_dW1=dL_dW1)


def test_the_hand_computation_gives_the_numbers_the_book_states():
    e = by_hand_e()
    assert (e["e"], e["de_da"], e["de_db"], e["de_dc"]) == (-9.0, -3.0, -3.0, 3.0)
    n = by_hand_net()
    assert n["L"].tolist() == [2.0]
    assert n["dL_dW2"].tolist() == [[0.0, -4.0]]
    assert n["dL_dh"].tolist() == [-4.0, 2.0]
    assert n["dL_dz"].tolist() == [0.0, 2.0]
    assert n["dL_dW1"].tolist() == [[0.0, 0.0], [2.0, 4.0]]


def _close(got, want):
    # detached: numpy refuses a tensor that requires grad, as real PyTorch does
    got = onp.asarray(got.detach() if hasattr(got, "detach") else got)
    assert got.dtype == onp.float32, got.dtype
    onp.testing.assert_array_equal(got.reshape(onp.shape(want)), want)


# ------------------------------------------------------------------ PyTorch

TORCH_E = [
    "import torch\n"
    "a = torch.tensor(2.0, requires_grad=True)\n"
    "b = torch.tensor(1.0, requires_grad=True)\n"
    "c = torch.tensor(-3.0, requires_grad=True)\n"
    "q = a + b\n"
    "q.retain_grad()\n"
    "e = q * c\n"
    "e",
    "e.backward()\nq.grad, a.grad, b.grad, c.grad",
    "q.is_leaf, q.retains_grad, a.is_leaf",
]

TORCH_NET = [
    "import torch\n"
    "x = torch.tensor([1.0, 2.0])\n"
    "W1 = torch.tensor([[1.0, -1.0], [0.0, 1.0]], requires_grad=True)\n"
    "W2 = torch.tensor([[2.0, -1.0]], requires_grad=True)\n"
    "y = torch.tensor([0.0])",
    "z = W1 @ x\n"
    "z.retain_grad()\n"
    "h = torch.relu(z)\n"
    "h.retain_grad()\n"
    "o = W2 @ h\n"
    "L = 0.5 * ((o - y) ** 2).sum()\n"
    "z, h, o, L",
    "L.backward()\nW2.grad",
    "h.grad",
    "z.grad",
    "W1.grad",
    # the same interior gradients without .grad: torch.autograd.grad
    "z = W1 @ x\n"
    "h = torch.relu(z)\n"
    "L = 0.5 * ((W2 @ h - y) ** 2).sum()\n"
    "torch.autograd.grad(L, [W1, W2, z, h])",
]


def test_torch_e_gives_the_interior_gradient_and_prints_like_torch():
    ns, shown = assert_same_printouts_as_real_torch(TORCH_E)
    want = by_hand_e()
    assert shown[0].item() == want["e"]
    q, a, b, c = shown[1]
    assert [t.item() for t in (q, a, b, c)] == [
        want["de_dq"],
        want["de_da"],
        want["de_db"],
        want["de_dc"],
    ]
    assert shown[2] == (False, True, True)


def test_torch_network_gives_the_books_numbers_and_prints_like_torch():
    ns, shown = assert_same_printouts_as_real_torch(TORCH_NET)
    want = by_hand_net()
    _close(shown[1][3], want["L"][0])
    _close(shown[2], want["dL_dW2"])
    _close(shown[3], want["dL_dh"])
    _close(shown[4], want["dL_dz"])
    _close(shown[5], want["dL_dW1"])
    gW1, gW2, gz, gh = shown[6]
    for got, key in [(gW1, "dL_dW1"), (gW2, "dL_dW2"), (gz, "dL_dz"), (gh, "dL_dh")]:
        _close(got, want[key])


def test_relu_gradient_zeros_are_positive():
    # a dead unit's gradient is +0 however negative the upstream gradient, as PyTorch prints it
    import autograd_viz.torch as torch

    z = torch.tensor([-1.0, 2.0], requires_grad=True)
    (torch.relu(z) * torch.tensor([-4.0, 2.0])).sum().backward()
    assert repr(z.grad) == "tensor([0., 2.])"
    assert not onp.signbit(onp.asarray(z.grad)).any()


def test_torch_network_drawing_shows_the_retained_interior_gradients():
    """The renderer reads .grad of interior nodes kept by retain_grad()."""
    ns, _ = run_cells(
        [c.replace("import torch", "import autograd_viz.torch as torch") for c in TORCH_NET[:3]]
    )
    source = av.draw(ns["L"], names={"x": ns["x"]}).source
    assert "grad: [0, 2]" in source and "grad: [-4, 2]" in source  # dL/dz, dL/dh


# ------------------------------------------------------------------ TensorFlow

TF_E = [
    "import autograd_viz.tf as tf\n"
    "a = tf.Variable(2.0)\n"
    "b = tf.Variable(1.0)\n"
    "c = tf.Variable(-3.0)\n"
    "with tf.GradientTape() as tape:\n"
    "    q = a + b\n"
    "    e = q * c\n"
    "e",
    "tape.gradient(e, [q, a, b, c])",
]

TF_NET = [
    "import autograd_viz.tf as tf\n"
    "x = tf.constant([1.0, 2.0])\n"
    "W1 = tf.Variable([[1.0, -1.0], [0.0, 1.0]])\n"
    "W2 = tf.Variable([[2.0, -1.0]])\n"
    "y = tf.constant([0.0])",
    "with tf.GradientTape() as tape:\n"
    "    z = tf.linalg.matvec(W1, x)\n"
    "    h = tf.nn.relu(z)\n"
    "    o = tf.linalg.matvec(W2, h)\n"
    "    L = 0.5 * tf.reduce_sum((o - y) ** 2)\n"
    "L",
    "dW1, dW2, dz, dh = tape.gradient(L, [W1, W2, z, h])\ndW2",
    "dh",
    "dz",
    "dW1",
]


def test_tf_e_gives_the_interior_gradient_from_one_gradient_call():
    ns, shown = run_cells(TF_E)
    want = by_hand_e()
    assert repr(shown[0]) == "<tf.Tensor: shape=(), dtype=float32, numpy=-9.0>"
    assert isinstance(shown[1], list) and len(shown[1]) == 4
    assert [g.item() for g in shown[1]] == [
        want["de_dq"],
        want["de_da"],
        want["de_db"],
        want["de_dc"],
    ]


def test_tf_network_gives_the_books_numbers_with_interior_sources():
    ns, shown = run_cells(TF_NET)
    want = by_hand_net()
    assert repr(shown[1]) == "<tf.Tensor: shape=(), dtype=float32, numpy=2.0>"
    # (dL/dW2 = -2 · h holds -2 · 0 = -0. at the dead unit, in IEEE arithmetic
    # and so in every framework: its value is checked below, not its print)
    assert repr(shown[3]) == (
        "<tf.Tensor: shape=(2,), dtype=float32, numpy=array([-4.,  2.], dtype=float32)>"
    )
    _close(shown[2], want["dL_dW2"])
    _close(shown[3], want["dL_dh"])
    _close(shown[4], want["dL_dz"])
    _close(shown[5], want["dL_dW1"])
    assert ns["tape"].last_sources[2] is ns["z"]  # for the renderer


def test_tf_interior_source_the_tape_did_not_record_gets_none():
    ns, _ = run_cells(TF_NET[:1])
    tf = ns["tf"]
    z_before = tf.linalg.matvec(ns["W1"], ns["x"])  # computed before the tape
    with tf.GradientTape() as tape:
        h = tf.nn.relu(tf.linalg.matvec(ns["W1"], ns["x"]))
        L = 0.5 * tf.reduce_sum(tf.linalg.matvec(ns["W2"], h) ** 2)
    dz_before, dW1 = tape.gradient(L, [z_before, ns["W1"]])
    assert dz_before is None
    _close(dW1, by_hand_net()["dL_dW1"])


# ------------------------------------------------------------------ MXNet

MX_E = [
    "from autograd_viz.mxnet import autograd, np, npx\n"
    "npx.set_np()\n"
    "a, b, c = np.array(2.0), np.array(1.0), np.array(-3.0)\n"
    "for v in (a, b, c):\n"
    "    v.attach_grad()\n"
    "with autograd.record():\n"
    "    q = a + b\n"
    "    e = q * c\n"
    "e",
    "e.backward()\na.grad, b.grad, c.grad",
    # MXNet differentiates with respect to variables only: to see de/dq,
    # make q a variable of its own and send c back into the first half
    "with autograd.record():\n"
    "    q = a + b\n"
    "q_var = q.detach()\n"
    "q_var.attach_grad()\n"
    "with autograd.record():\n"
    "    e = q_var * c\n"
    "e.backward()\n"
    "q_var.grad",
    "q.backward(q_var.grad)\na.grad, b.grad",
]

MX_NET = [
    "from autograd_viz.mxnet import autograd, np, npx\n"
    "npx.set_np()\n"
    "x = np.array([1.0, 2.0])\n"
    "W1 = np.array([[1.0, -1.0], [0.0, 1.0]])\n"
    "W2 = np.array([[2.0, -1.0]])\n"
    "y = np.array([0.0])\n"
    "W1.attach_grad()\n"
    "W2.attach_grad()",
    "with autograd.record():\n"
    "    z = np.dot(W1, x)\n"
    "    h = npx.relu(z)\n"
    "    o = np.dot(W2, h)\n"
    "    L = 0.5 * ((o - y) ** 2).sum()\n"
    "L",
    "L.backward()\nW2.grad",
    "W1.grad",
    # the interior gradients, one stage at a time: each stage's input is a
    # variable of its own, and its head gradient is the gradient from above
    "z_var, h_var = z.detach(), h.detach()\n"
    "z_var.attach_grad()\n"
    "h_var.attach_grad()\n"
    "with autograd.record():\n"
    "    L_from_h = 0.5 * ((np.dot(W2, h_var) - y) ** 2).sum()\n"
    "L_from_h.backward()\n"
    "h_var.grad",
    "with autograd.record():\n"
    "    h_from_z = npx.relu(z_var)\n"
    "h_from_z.backward(h_var.grad)\n"
    "z_var.grad",
    "with autograd.record():\n"
    "    L_from_h = 0.5 * ((np.dot(W2, h_var) - y) ** 2).sum()\n"
    "autograd.grad(L_from_h, [W2, h_var])",
]


def test_mxnet_e_gives_the_gradients_and_the_interior_one_stage_by_stage():
    ns, shown = run_cells(MX_E)
    want = by_hand_e()
    assert repr(shown[0]) == "array(-9.)"
    assert [g.item() for g in shown[1]] == [want["de_da"], want["de_db"], want["de_dc"]]
    assert shown[2].item() == want["de_dq"]
    assert [g.item() for g in shown[3]] == [want["de_da"], want["de_db"]]


def test_mxnet_network_gives_the_books_numbers():
    ns, shown = run_cells(MX_NET)
    want = by_hand_net()
    assert repr(shown[1]) == "array(2.)"
    _close(shown[2], want["dL_dW2"])
    _close(shown[3], want["dL_dW1"])
    _close(shown[4], want["dL_dh"])
    _close(shown[5], want["dL_dz"])
    gW2, gh = shown[6]  # autograd.grad: a list, .grad untouched
    _close(gW2, want["dL_dW2"])
    _close(gh, want["dL_dh"])


@pytest.mark.parametrize("framework", ["tf", "mxnet"])
def test_dead_unit_row_of_dW1_is_zero_for_any_input_that_kills_it(framework, rng):
    """The book's remark, checked beyond its one input: whenever z₁ < 0,
    row 0 of dL/dW1 is zero; row 1 is dL/dz₂ · x."""
    for _ in range(20):
        x = rng.normal(size=2).astype(onp.float32)
        W1 = rng.normal(size=(2, 2)).astype(onp.float32)
        W2 = rng.normal(size=(1, 2)).astype(onp.float32)
        z = W1 @ x
        if framework == "tf":
            import autograd_viz.tf as tf

            v1, v2 = tf.Variable(W1), tf.Variable(W2)
            with tf.GradientTape() as tape:
                o = tf.linalg.matvec(v2, tf.nn.relu(tf.linalg.matvec(v1, tf.constant(x))))
                L = 0.5 * tf.reduce_sum(o**2)
            g = onp.asarray(tape.gradient(L, v1))
        else:
            from autograd_viz.mxnet import autograd, np, npx

            v1, v2 = np.array(W1), np.array(W2)
            v1.attach_grad()
            with autograd.record():
                o = np.dot(v2, npx.relu(np.dot(v1, np.array(x))))
                L = 0.5 * (o**2).sum()
            L.backward()
            g = onp.asarray(v1.grad)
        h = onp.maximum(z, 0)
        o_np = W2 @ h
        want = onp.outer((W2.T @ o_np) * (z > 0), x)
        onp.testing.assert_allclose(g, want, rtol=1e-5, atol=1e-6)
        for row in range(2):
            if z[row] < 0:
                assert not g[row].any()
