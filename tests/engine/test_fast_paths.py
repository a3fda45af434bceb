"""The backward pass's large-array fast path gives the same bits as the plain path.

graph.run_backward adds a gradient into an array in place when only the pass
holds it.  That only starts at graph._IN_PLACE_FROM elements, so the small
arrays of the other engine tests never reach it: these tests use arrays above
the threshold and compare every gradient, bit for bit, with the same pass run
with the fast path switched off, and with the gradient written out by hand.
"""

from __future__ import annotations

import numpy as np
import pytest

import autograd_viz as av
from autograd_viz.engine import graph

N = 5000  # above the threshold


@pytest.fixture
def plain_path(monkeypatch):
    """Call it to switch the fast path off."""

    def off():
        monkeypatch.setattr(graph, "_IN_PLACE_FROM", 1 << 62)

    return off


def _grads(f, arrays, dtype):
    leaves = [av.tensor(a.astype(dtype), requires_grad=True) for a in arrays]
    out = f(*leaves)
    out.backward()
    return out, leaves


CASES = {
    # the benchmark's case 3: x reaches the sum along four paths
    "sin_x_exp": (
        lambda x: (av.sin(x) * x + av.exp(-x * x)).sum(),
        lambda x: np.cos(x) * x + np.sin(x) - 2 * x * np.exp(-x * x),
    ),
    # add hands its upstream to both sides: the same object twice
    "x_plus_x": (lambda x: (x + x).sum(), lambda x: 2 * np.ones_like(x)),
    # sub's -g, div's g / b, tanh's g * (1 - ans²) gathered into one sum
    "mixed": (
        lambda x: (x / 3.0 - av.tanh(x) + x * x - x).sum(),
        lambda x: 1 / 3.0 - (1 - np.tanh(x) ** 2) + 2 * x - 1,
    ),
    # mean spreads 1/n over the uses
    "mean": (
        lambda x: (av.sin(x) * x + x).mean(),
        lambda x: (np.cos(x) * x + np.sin(x) + 1) / x.size,
    ),
}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", sorted(CASES))
def test_same_bits_as_the_plain_path(name, dtype, plain_path):
    f, by_hand = CASES[name]
    x0 = np.random.default_rng(len(name)).standard_normal(N)
    out_fast, (x_fast,) = _grads(f, [x0], dtype)
    plain_path()
    out_plain, (x_plain,) = _grads(f, [x0], dtype)
    assert x_fast.grad.dtype == x_plain.grad.dtype == np.dtype(dtype)
    assert np.array_equal(x_fast.grad.numpy(), x_plain.grad.numpy())
    assert float(out_fast) == float(out_plain)
    tol = 1e-10 if dtype == np.float64 else 1e-4
    np.testing.assert_allclose(x_fast.grad.numpy(), by_hand(x0.astype(dtype)), rtol=tol, atol=tol)


def test_two_leaves_broadcasting_and_mixed_precision(plain_path):
    rng = np.random.default_rng(7)
    x0, w0 = rng.standard_normal((2, N)), rng.standard_normal(N)

    def f(x, w):
        # w broadcasts over x's rows (its contributions are summed back); the
        # float32 contribution joins a float64 sum
        w32 = w.astype("float32")
        return (x * w + av.sin(x) * x + w32.astype("float64") * w).sum()

    _, fast = _grads(f, [x0, w0], np.float64)
    plain_path()
    _, plain = _grads(f, [x0, w0], np.float64)
    for a, b in zip(fast, plain):
        assert a.grad.dtype == b.grad.dtype
        assert np.array_equal(a.grad.numpy(), b.grad.numpy())
    # w's last term is added to each of x's two rows: 2 rows x d(w32 w)/dw = 4 w
    np.testing.assert_allclose(fast[1].grad.numpy(), x0.sum(0) + 4 * w0, rtol=1e-6, atol=1e-6)


def test_gradients_own_their_memory_and_the_trace_is_unchanged():
    rng = np.random.default_rng(3)
    x = av.tensor(rng.standard_normal(N), requires_grad=True)
    w = av.tensor(rng.standard_normal(N), requires_grad=True)
    y = (x * w + av.exp(x) + x + w).sum()
    y.backward()
    arrays = [x.data, w.data]
    for g in (x.grad.data, w.grad.data):
        assert g.base is None and g.flags.owndata
        assert not any(np.shares_memory(g, a) for a in arrays)
    assert not np.shares_memory(x.grad.data, w.grad.data)
    # what the trace shows is what the VJPs give (nothing was added into it later)
    for step in y.trace.steps(y):
        for send in step.sends:
            recomputed = send._op.vjp(
                send.position,
                graph.ops.NUMPY,
                step.upstream,
                step.node.data,
                [p.data for p in step.node._parents],
                step.node._params or {},
            )
            assert np.array_equal(send.contribution, recomputed)
    # x.grad = w + exp(x) + 1, w.grad = x + 1
    np.testing.assert_allclose(x.grad.numpy(), w.data + np.exp(x.data) + 1)
    np.testing.assert_allclose(w.grad.numpy(), x.data + 1)
    # and the next step's update of a value cannot reach a gradient
    before = w.grad.numpy().copy()
    x.data -= 0.1 * x.grad.data
    assert np.array_equal(w.grad.numpy(), before)


class _Holder:
    __slots__ = ("_gacc",)


def test_add_writes_in_place_only_into_an_array_nobody_else_holds():
    h = _Holder()
    h._gacc = np.ones(N)
    acc = h._gacc
    c = np.full(N, 2.0)
    assert graph._add(acc, c) is acc  # only the slot and this frame hold it
    assert np.array_equal(acc, np.full(N, 3.0))
    kept = acc  # someone else holds it now
    out = graph._add(acc, c)
    assert out is not acc and np.array_equal(kept, np.full(N, 3.0))
    del kept
    view = np.ones(2 * N)[:N]  # a view writes into its base: never
    h._gacc = view
    acc = h._gacc
    assert graph._add(acc, c) is not acc
    h._gacc = np.ones(N, dtype=np.float32)  # float32 + float64 is float64: a new array
    acc = h._gacc
    out = graph._add(acc, c)
    assert out is not acc and out.dtype == np.float64


# ---------------------------------------------------------------- VJP shortcuts
# The backward pass computes the simplest VJPs itself instead of calling them
# (ops.Primitive.shortcuts): the upstream gradient handed on, or g times one
# operand.  Same operator, same operands, so the same bits as calling the VJP.


def test_shortcuts_are_found_by_asking_the_vjps():
    ops = graph.ops
    assert ops.add.shortcuts == (ops.UPSTREAM, ops.UPSTREAM)
    assert ops.sub.shortcuts == (ops.UPSTREAM, None)  # -g computes something
    assert ops.mul.shortcuts == (1, 0)  # g * b, g * a
    assert ops.dot.shortcuts == (1, 0)
    assert ops.exp.shortcuts == (ops.ANSWER,)  # g * ans
    assert ops.identity.shortcuts == (ops.UPSTREAM,)
    for name in ("div", "pow", "tanh", "sin", "relu", "sum", "matmul", "getitem"):
        assert set(ops.REGISTRY[name].shortcuts) == {None}, name
    # the operand on the left is another product (it need not commute bit for bit
    # in every numpy type), and anything else a VJP computes is no shortcut
    assert ops._shortcut(lambda F, g, ans, a, b: b * g, 2) is None
    assert ops._shortcut(lambda F, g, ans, a, b: g * b * 2, 2) is None
    assert ops._shortcut(lambda F, g, ans, a: g * g, 1) is None
    assert ops._shortcut(lambda F, g, ans, a: F.exp(a), 1) is None


@pytest.fixture
def no_shortcuts(monkeypatch):
    """Call it to make the backward pass call every VJP."""

    def off():
        for prim in graph.ops.REGISTRY.values():
            monkeypatch.setattr(prim, "shortcuts", (None,) * prim.arity)

    return off


class _Hips:
    """The same functions written with HIPS autograd's numpy, the oracle."""

    import autograd.numpy as np_

    exp, sin, tanh, dot = np_.exp, np_.sin, np_.tanh, np_.dot

    @staticmethod
    def relu(x):
        return _Hips.np_.maximum(x, 0.0)

    @staticmethod
    def total(y):
        return _Hips.np_.sum(y)


class _Av:
    exp, sin, tanh, dot = av.exp, av.sin, av.tanh, av.dot

    @staticmethod
    def relu(x):
        return x.relu()

    @staticmethod
    def total(y):
        return y.sum()


SHORTCUT_CASES = {
    "scalars": (lambda m, x, w: m.relu(x * w + m.exp(x) * x - w) * w, [(), ()]),
    "vectors": (lambda m, x, w: m.total(m.tanh(x * w + m.sin(x)) * m.exp(w)), [(7,), (7,)]),
    "broadcast": (lambda m, x, w: m.total(x * w + w * x * x), [(3, 4), (4,)]),
    "dot": (lambda m, x, w: m.dot(x * w, m.exp(w)) * m.dot(x, x), [(5,), (5,)]),
}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", sorted(SHORTCUT_CASES))
def test_shortcuts_give_the_same_bits_as_calling_the_vjps(name, dtype, no_shortcuts):
    import autograd

    f, shapes = SHORTCUT_CASES[name]
    rng = np.random.default_rng(len(name))
    arrays = [rng.standard_normal(s) for s in shapes]
    out_short, short = _grads(lambda x, w: f(_Av, x, w), arrays, dtype)
    no_shortcuts()
    out_plain, plain = _grads(lambda x, w: f(_Av, x, w), arrays, dtype)
    assert float(out_short) == float(out_plain)
    for a, b in zip(short, plain):
        assert a.grad.dtype == b.grad.dtype == np.dtype(dtype)
        assert np.array_equal(a.grad.numpy(), b.grad.numpy())
    # and the numbers are the gradient: HIPS autograd on the same function
    tol = 1e-10 if dtype == np.float64 else 1e-4
    for k, leaf in enumerate(short):
        want = autograd.grad(lambda *xs: f(_Hips, *xs), k)(*arrays)
        np.testing.assert_allclose(leaf.grad.numpy(), want, rtol=tol, atol=tol)


# ---------------------------------------------------------------- forward mode
# The one-level push (engine/forward.py) applies an elementwise rule itself:
# g or g * operand without calling it (the shortcuts), any other rule
# without prim.jvp's frame.  Same operator, same operands: the same bits as
# with no shortcuts, and HIPS autograd's make_jvp gives the same numbers.


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", sorted(SHORTCUT_CASES))
def test_forward_mode_shortcuts_give_the_same_bits_as_calling_the_rules(name, dtype, no_shortcuts):
    import autograd

    f, shapes = SHORTCUT_CASES[name]
    rng = np.random.default_rng(len(name) + 11)
    arrays = [rng.standard_normal(s).astype(dtype) for s in shapes]
    tangents = [rng.standard_normal(s).astype(dtype) for s in shapes]

    def run():
        out, tan = av.jvp(
            lambda x, w: f(_Av, x, w),
            tuple(av.tensor(a) for a in arrays),
            tuple(av.tensor(t) for t in tangents),
        )
        return np.asarray(out.numpy()), np.asarray(tan.numpy())

    out_short, tan_short = run()
    no_shortcuts()
    out_plain, tan_plain = run()
    assert tan_short.dtype == tan_plain.dtype == np.dtype(dtype)
    assert np.array_equal(out_short, out_plain)
    assert np.array_equal(tan_short, tan_plain)
    # the derivative along (tx, tw) is the sum of the two one-argument jvps
    want = sum(
        autograd.make_jvp(lambda *xs: f(_Hips, *xs), k)(*arrays)(tangents[k])[1]
        for k in range(len(arrays))
    )
    tol = 1e-10 if dtype == np.float64 else 1e-4
    np.testing.assert_allclose(tan_short, want, rtol=tol, atol=tol)
