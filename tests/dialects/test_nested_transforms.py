"""Transforms nested in any mix give the real frameworks' numbers, shapes
and dtypes.

Every transform the package offers (``av.*``, the JAX dialect's,
``torch.func``, ``torch.autograd.grad(create_graph=True)``, a TensorFlow tape's
``gradient`` and ``jacobian``, ``tf.autodiff.ForwardAccumulator``) is applied
to every other, two deep, on random programs (hypothesis), and a few three
deep.  The oracle is real PyTorch in float64 (``torch.func``) computing the
same mathematics; where both levels are the JAX dialect's or torch.func's,
the real framework runs the very same nest in float32 too, and its dtype,
weak type and shape must be ours.

Then the wrong answers that used to come back silently (issue 17), each
against the real framework.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_viz as av
import autograd_viz.jax as avjax
import autograd_viz.tf as avtf
import autograd_viz.torch as avtorch
from autograd_viz.engine.tensor import set_requires_grad
from autograd_viz.jax import numpy as jnp

jax = pytest.importorskip("jax")
torch = pytest.importorskip("torch")
import jax.numpy as rjnp  # noqa: E402  (after the importorskip above)


@pytest.fixture(autouse=True)
def _engine_left_clean(clean_engine_state):
    yield


# ------------------------------------------------------------------ the libraries


class Ops:
    """The few array functions a test program uses, in one library's names."""

    def __init__(self, sin, tanh, exp, total, const):
        self.sin, self.tanh, self.exp, self.sum, self.const = sin, tanh, exp, total, const


AV = Ops(av.sin, av.tanh, av.exp, av.sum, lambda a: av.tensor(np.asarray(a, np.float32)))
JAXD = Ops(jnp.sin, jnp.tanh, jnp.exp, jnp.sum, lambda a: jnp.asarray(np.asarray(a, np.float32)))
TORCHD = Ops(
    avtorch.sin,
    avtorch.tanh,
    avtorch.exp,
    avtorch.sum,
    lambda a: avtorch.tensor(np.asarray(a, np.float32)),
)
TFD = Ops(avtf.sin, avtf.tanh, avtf.exp, avtf.reduce_sum, lambda a: avtf.constant(np.float32(a)))
REAL_TORCH = Ops(
    torch.sin, torch.tanh, torch.exp, torch.sum, lambda a: torch.tensor(np.asarray(a, np.float64))
)
REAL_TORCH_32 = Ops(
    torch.sin, torch.tanh, torch.exp, torch.sum, lambda a: torch.tensor(np.asarray(a, np.float32))
)
REAL_JAX = Ops(
    rjnp.sin, rjnp.tanh, rjnp.exp, rjnp.sum, lambda a: rjnp.asarray(np.asarray(a, np.float32))
)


def _functional(mod, ops):
    """grad, jvp, vjp, jacfwd, jacrev, hessian of a module with JAX's or
    torch.func's interface, as transforms of a scalar function of a vector."""
    t = lambda: ops.const(TANGENT[0])  # noqa: E731  (drawn per example, see _set_draws)
    c = lambda: ops.const(COTANGENT[0])  # noqa: E731
    return {
        "grad": lambda h: mod.grad(h),
        "jvp": lambda h: lambda x: mod.jvp(h, (x,), (t().reshape(x.shape),))[1],
        "vjp": lambda h: lambda x: mod.vjp(h, x)[1](c())[0],
        "jacfwd": lambda h: mod.jacfwd(h),
        "jacrev": lambda h: mod.jacrev(h),
        "hessian": lambda h: mod.hessian(h),
    }


def _torch_autograd_grad(h):
    def g(x):
        if not x.requires_grad:
            # a transform's own value (a leaf, a dual): x.requires_grad_(), in
            # the engine's words, since x may be a JAX array
            set_requires_grad(x)
        y = h(x)
        if not y.requires_grad:  # h is constant in x: PyTorch refuses to differentiate it
            return x * 0.0
        (dx,) = avtorch.autograd.grad(y, x, create_graph=True)
        return dx

    return g


def _tf_tape(method):
    def transform(h):
        def g(x):
            with avtf.GradientTape() as tape:
                tape.watch(x)
                y = h(x)
            return getattr(tape, method)(y, x, unconnected_gradients="zero")

        return g

    return transform


def _tf_accumulator(h):
    def g(x):
        with avtf.autodiff.ForwardAccumulator(x, TFD.const(TANGENT[0]).reshape(x.shape)) as acc:
            y = h(x)
        return acc.jvp(y, unconnected_gradients="zero")

    return g


# name -> (transform, the ops its functions are written in, the oracle's kind)
TRANSFORMS = {}
for _prefix, _mod, _ops in [
    ("av", av, AV),
    ("jax", avjax, JAXD),
    ("torch.func", avtorch.func, TORCHD),
]:
    for _kind, _t in _functional(_mod, _ops).items():
        TRANSFORMS[f"{_prefix}.{_kind}"] = (_t, _ops, _kind)
TRANSFORMS["torch.autograd.grad"] = (_torch_autograd_grad, TORCHD, "grad")
TRANSFORMS["tf.tape.gradient"] = (_tf_tape("gradient"), TFD, "grad")
TRANSFORMS["tf.tape.jacobian"] = (_tf_tape("jacobian"), TFD, "jacrev")
TRANSFORMS["tf.ForwardAccumulator"] = (_tf_accumulator, TFD, "jvp")
ORACLE = {
    np.float64: (_functional(torch.func, REAL_TORCH), REAL_TORCH),
    np.float32: (_functional(torch.func, REAL_TORCH_32), REAL_TORCH_32),
}
REAL = {"jax": (_functional(jax, REAL_JAX), REAL_JAX), "torch.func": (None, None)}

# the tangent and cotangent of the current example (module-level, so the
# transforms above can be built once)
TANGENT, COTANGENT = [None], [None]


# ------------------------------------------------------------------ the programs

UNARY = ["sin", "tanh", "exp", "sq"]


@st.composite
def programs(draw, max_n=3):
    """x (a float32 vector), a chain of unary and binary steps reusing earlier
    values, a weight per entry of the result, and the tangent and cotangent
    the jvp- and vjp-based transforms use."""
    n = draw(st.integers(1, max_n), label="n")
    steps = draw(
        st.lists(
            st.tuples(st.sampled_from(UNARY), st.integers(0, 9), st.sampled_from(["+", "*", "-"])),
            min_size=1,
            max_size=4,
        ),
        label="steps",
    )
    vec = lambda: st.lists(  # noqa: E731
        st.floats(-1.25, 1.25, width=32), min_size=n, max_size=n
    ).map(lambda v: np.asarray(v, np.float32))
    x, w, t = draw(vec(), label="x"), draw(vec(), label="w"), draw(vec(), label="t")
    c = np.float32(draw(st.floats(0.5, 1.5, width=32), label="cotangent"))
    return x, steps, w, t, c


def _program(ops, steps, w):
    """The random scalar function of a vector, in ``ops``'s functions."""

    def f(x):
        vals = [x]
        for u, j, op in steps:
            a = vals[-1]
            z = (
                ops.sin(a)
                if u == "sin"
                else ops.tanh(a)
                if u == "tanh"
                else ops.exp(a * 0.3)
                if u == "exp"
                else a * a
            )
            b = vals[j % len(vals)]
            vals.append(z + b if op == "+" else z * b if op == "*" else z - b)
        return ops.sum(vals[-1] * ops.const(w))

    return f


def _reduce(ops):
    """A smooth scalar of any array, in ``ops``'s functions: what an outer
    transform differentiates of an inner one's result."""
    return lambda y: ops.sum(ops.sin(y) * y + 0.5 * y)


def _composed(r, g):
    return lambda z: r(g(z))


def _nest(chain, steps, w, table, base_ops):
    """table[chain[0]](r ∘ table[chain[1]](r ∘ ... (f))): f written in the
    innermost transform's ops, each reduction in the enclosing one's."""
    ops_of = [table[name][1] for name in chain]
    fn = _program(ops_of[-1] if base_ops is None else base_ops, steps, w)
    for depth in range(len(chain) - 1, -1, -1):
        transform = table[chain[depth]][0]
        inner = fn
        if depth < len(chain) - 1:
            inner = _composed(_reduce(ops_of[depth] if base_ops is None else base_ops), fn)
        fn = transform(inner)
    return fn


def _oracle(chain, x, steps, w, dtype=np.float64):
    """Real torch.func computing the same mathematics as ``chain``, in ``dtype``."""
    kinds = [TRANSFORMS[name][2] for name in chain]
    transforms, ops = ORACLE[dtype]
    table = {k: (transforms[k], ops, k) for k in kinds}
    fn = _nest(kinds, steps, w, table, ops)
    return fn(ops.const(x)).detach().numpy()


def _input_for(name, x):
    ops = TRANSFORMS[name][1]
    return ops.const(x)


def _set_draws(t, c):
    TANGENT[0], COTANGENT[0] = t, c


def _check(chain, program):
    x, steps, w, t, c = program
    _set_draws(t, c)
    want = _oracle(chain, x, steps, w)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # exp of large values: inf, as numpy says
        got = _nest(chain, steps, w, TRANSFORMS, None)(_input_for(chain[0], x))
    arr = np.asarray(got.data)
    assert arr.shape == want.shape, f"{' ∘ '.join(chain)}: shape {arr.shape}, want {want.shape}"
    assert arr.dtype == np.float32, f"{' ∘ '.join(chain)}: dtype {arr.dtype}, want float32"
    # float32 rounding grows through nested derivatives of steep programs: we
    # must be as close to the float64 answer as real PyTorch in float32 is
    # (a few times its own error), and within the usual tolerance
    want32 = _oracle(chain, x, steps, w, np.float32).astype(np.float64)
    # a tape's or create_graph=True's answer keeps its graph (it is asked to)
    if not chain[0].startswith(("tf.", "torch.autograd")):
        assert not got.requires_grad, f"{' ∘ '.join(chain)}: the answer keeps an inner graph"
    if not (np.all(np.isfinite(want)) and np.all(np.isfinite(want32))):
        return got, None  # beyond float32's range: no number to compare
    _assert_close(arr, want, want32, " ∘ ".join(chain))
    return got, want


def _assert_close(ours, want, theirs32, what):
    """``ours`` (float32) is the float64 answer ``want`` within a few times the
    error real PyTorch makes in float32 (``theirs32``), and the usual tolerance."""
    scale = 1.0 + float(np.max(np.abs(want))) if want.size else 1.0
    slack = 4 * np.abs(theirs32 - want) + 3e-3 * np.abs(want) + 3e-4 * scale
    worst = np.max(np.abs(ours - want) - slack) if want.size else 0.0
    assert worst <= 0, f"{what}: ours {ours}, float64 {want}, real float32 {theirs32}"


def _prefix(name):
    return name.rsplit(".", 1)[0] if name.startswith(("jax.", "torch.func.")) else None


def _check_against_real_framework(chain, program, checked):
    """Where every level is the JAX dialect's (torch.func's), the real framework
    runs the same nest in float32: same dtype, weak type and shape as ours."""
    prefixes = {_prefix(name) for name in chain}
    if len(prefixes) != 1 or None in prefixes:
        return
    (prefix,) = prefixes
    got, want = checked
    x, steps, w, _, _ = program
    if prefix == "jax":
        table = {name: (REAL["jax"][0][TRANSFORMS[name][2]], REAL_JAX, None) for name in chain}
        theirs = _nest(chain, steps, w, table, REAL_JAX)(rjnp.asarray(x))
        assert got.weak_type == theirs.weak_type
    else:
        oracle32, real_f32 = ORACLE[np.float32]
        table = {name: (oracle32[TRANSFORMS[name][2]], real_f32, None) for name in chain}
        theirs = _nest(chain, steps, w, table, real_f32)(torch.tensor(x)).detach()
        # (real torch.func widens the 0-d tangent of a jvp nested in a jvp to
        # float64, a quirk of its wrapped numbers; float32 in, float32 out here)
        if theirs.dtype != torch.float64:
            assert str(got.dtype) == str(theirs.dtype)
    theirs = np.asarray(theirs)
    assert np.asarray(got.data).shape == theirs.shape
    if want is not None and np.all(np.isfinite(theirs)):
        _assert_close(np.asarray(got.data), want, theirs.astype(np.float64), f"real {prefix}")


# TensorFlow's rules, which the dialect keeps, leave these two mixes nothing
# to differentiate: it records its tensors on a tape only, so under a bare
# ForwardAccumulator torch.autograd.grad finds no graph; and a tape records
# its own gradient computation for an enclosing tape or transform, which
# torch.autograd.grad, differentiating the tape's own sources again, is not
UNRECORDED = {
    ("tf.ForwardAccumulator", "torch.autograd.grad"),
    ("torch.autograd.grad", "tf.tape.gradient"),
    ("torch.autograd.grad", "tf.tape.jacobian"),
}
PAIRS = [p for p in itertools.product(TRANSFORMS, repeat=2) if p not in UNRECORDED]


# 22 × 22 pairs: minutes of CPU, so with the slow tests (the whole suite runs them)
@pytest.mark.slow
@pytest.mark.parametrize("outer, inner", PAIRS, ids=[f"{o}-of-{i}" for o, i in PAIRS])
@settings(max_examples=2)
@given(program=programs())
def test_every_pair_of_transforms_nests_with_the_real_numbers(outer, inner, program):
    checked = _check((outer, inner), program)
    _check_against_real_framework((outer, inner), program, checked)


TRIPLES = [
    ("av.grad", "jax.grad", "torch.func.grad"),
    ("jax.jvp", "av.grad", "torch.autograd.grad"),
    ("torch.func.jacfwd", "jax.jacrev", "av.hessian"),
    ("jax.hessian", "jax.jvp", "jax.grad"),
    ("torch.func.hessian", "torch.func.vjp", "torch.func.jvp"),
    ("tf.tape.gradient", "tf.ForwardAccumulator", "tf.tape.jacobian"),
    ("av.vjp", "tf.tape.gradient", "jax.jacfwd"),
    ("tf.ForwardAccumulator", "torch.func.grad", "av.jvp"),
]


@pytest.mark.parametrize("chain", TRIPLES, ids=[" ∘ ".join(c) for c in TRIPLES])
@settings(max_examples=4)
@given(program=programs(max_n=2))
def test_three_deep_nests_give_the_real_numbers(chain, program):
    checked = _check(chain, program)
    _check_against_real_framework(chain, program, checked)


# ------------------------------------------------------------------ issue 17's lines


def test_av_jvp_of_the_jax_dialects_grad_is_the_real_one():
    f = lambda np_: lambda x: np_.sin(x).sum() * x[0]  # noqa: E731
    x, t = [1.0, 2.0], [1.0, 0.0]
    ours = av.jvp(avjax.grad(f(jnp)), (jnp.array(x),), (jnp.array(t),))
    theirs = jax.jvp(jax.grad(f(rjnp)), (rjnp.array(x),), (rjnp.array(t),))
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(np.asarray(a.data), np.asarray(b), rtol=1e-6)
        assert np.asarray(a.data).dtype == np.asarray(b).dtype


def test_av_grad_of_the_jax_dialects_grad_is_the_real_one():
    ours = av.grad(lambda x: avjax.grad(lambda y: y**3)(x))(jnp.array(2.0))
    theirs = jax.grad(lambda x: jax.grad(lambda y: y**3)(x))(rjnp.array(2.0))
    assert float(ours) == float(theirs) == 12.0


def test_av_draw_of_the_jax_dialects_grad_shows_the_backward_computation():
    d = av.draw(avjax.grad(lambda x: (x**3).sum()), jnp.array([1.0, 2.0]))
    model = d.model
    backward_ops = [n for n in model.op_nodes if n.from_backward]
    assert len(backward_ops) >= 2, d  # 3·x² is computed by recorded ops: pow, mul
    assert "3, 12" in d.source  # the gradient the diagram's output shows


@pytest.mark.parametrize(
    "name, ours, theirs",
    [
        ("av.hessian", av.hessian, torch.func.hessian),
        ("av.jacfwd", av.jacfwd, torch.func.jacfwd),
        ("av.jacrev", av.jacrev, torch.func.jacrev),
        ("torch.func.hessian", avtorch.func.hessian, torch.func.hessian),
        ("torch.func.jacfwd", avtorch.func.jacfwd, torch.func.jacfwd),
        ("torch.func.jacrev", avtorch.func.jacrev, torch.func.jacrev),
        ("jax.hessian", avjax.hessian, jax.hessian),
        ("jax.jacrev", avjax.jacrev, jax.jacrev),
    ],
)
def test_jacobians_of_a_scalar_to_a_scalar_have_shape_empty(name, ours, theirs):
    x = 2.0
    got = ours(lambda t: t**3)(avtorch.tensor(x) if "torch" in name else jnp.array(x))
    real_x = rjnp.array(x) if name.startswith("jax") else torch.tensor(x)
    want = theirs(lambda t: t**3)(real_x)
    assert tuple(got.shape) == tuple(want.shape) == ()
    assert float(got) == float(want)


def test_torch_func_jvp_and_jacfwd_over_a_function_that_calls_jvp():
    def f(lib):
        inner = lambda y: (lib.sin(y) * y).sum()  # noqa: E731
        return lambda x: lib.func.jvp(inner, (x,), (lib.ones_like(x),))[1]

    x = [1.0, 2.0]
    for transform in ("jvp", "jacfwd"):
        for outer in (avtorch, av):
            if transform == "jvp":
                mod = outer.func if outer is avtorch else av
                ours = mod.jvp(f(avtorch), (avtorch.tensor(x),), (avtorch.tensor([1.0, 0.0]),))[1]
                want = torch.func.jvp(f(torch), (torch.tensor(x),), (torch.tensor([1.0, 0.0]),))[1]
            else:
                mod = outer.func if outer is avtorch else av
                ours = mod.jacfwd(f(avtorch))(avtorch.tensor(x))
                want = torch.func.jacfwd(f(torch))(torch.tensor(x))
            np.testing.assert_allclose(np.asarray(ours.data), want.numpy(), rtol=1e-6)
            assert np.abs(np.asarray(ours.data)).max() > 0.1  # not the zeros it used to give
