"""Real JAX drawn as it runs (API.md section 9), against real JAX.

``av.draw(f, *args)`` / ``av.step_through`` / ``av.compare_modes`` with real
``jax.numpy`` code and real ``jax.Array`` arguments: one op per primitive JAX
runs (the jaxpr's equations, calls opened), the values JAX computes, every
gradient ``jax.grad`` gives, every tangent ``jax.jvp`` gives.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from random_programs import steps as random_steps
from real_frameworks import real
from svg_support import node_boxes

jax = real("jax")
jnp = jax.numpy

import autograd_viz as av  # noqa: E402
from autograd_viz.render.frames import build_frames  # noqa: E402
from autograd_viz.render.frames.tangent import run_tangents  # noqa: E402
from autograd_viz.render.model import build_model  # noqa: E402

UNARY = {
    "sin": jnp.sin,
    "cos": jnp.cos,
    "tanh": jnp.tanh,
    "exp": lambda v: jnp.exp(0.3 * v),
    "square": lambda v: v**2,
    "relu": jax.nn.relu,
    "sigmoid": jax.nn.sigmoid,
    "shift": lambda v: 1.5 - v,
    "center": lambda v: v - jnp.mean(v),
    "norm": lambda v: v * jnp.linalg.norm(v),
    "maximum": lambda v: jnp.maximum(v, 0.2),
    "first": lambda v: v[0] * v,
}
BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / (b * b + 1),
    "dot": lambda a, b: jnp.dot(a, b) * a,
    "matvec": lambda a, b: jnp.outer(a, b) @ a,
}


@st.composite
def programs(draw):
    x = draw(st.lists(st.floats(-1.5, 1.5, width=32), min_size=3, max_size=3))
    w = draw(st.lists(st.floats(-1.5, 1.5, width=32), min_size=3, max_size=3))
    steps = draw(random_steps(UNARY, BINARY, 5))
    return steps, jnp.asarray(x, dtype=jnp.float32), jnp.asarray(w, dtype=jnp.float32)


def make(steps):
    def f(x, w):
        pool = [x, w]
        for step in steps:
            if step[0] == "u":
                pool.append(UNARY[step[1]](pool[step[2]]))
            else:
                pool.append(BINARY[step[1]](pool[step[2]], pool[step[3]]))
        out = jnp.sum(x * w)
        for v in pool[2:]:
            out = out + jnp.sum(v)
        return out

    return f


def jaxpr_ops(f, *args):
    """The primitives JAX runs for f, calls into other jaxprs opened (JAX's own count)."""

    def count(jaxpr):
        n = 0
        for eqn in jaxpr.eqns:
            inner = eqn.params.get("jaxpr")
            if eqn.primitive.name in ("jit", "pjit", "closed_call") and inner is not None:
                n += count(getattr(inner, "jaxpr", inner))
            else:
                n += 1
        return n

    return count(jax.make_jaxpr(f)(*args).jaxpr)


@given(programs())
def test_every_gradient_shown_is_jaxs_own(program):
    steps, x, w = program
    f = make(steps)
    model = build_model(av.draw(f, x, w).model.description)
    grads = model.final_grads()
    gx, gw = jax.grad(f, argnums=(0, 1))(x, w)
    by_name = {n.name: n for n in model.nodes}
    np.testing.assert_allclose(grads[by_name["x"].id], gx, rtol=2e-5, atol=2e-6)
    np.testing.assert_allclose(grads[by_name["w"].id], gw, rtol=2e-5, atol=2e-6)
    np.testing.assert_allclose(model.root.data, f(x, w), rtol=1e-6, atol=1e-6)
    assert len(model.op_nodes) == jaxpr_ops(f, x, w)
    # where our rule text is shown, our local derivative × JAX's upstream is JAX's contribution
    for step in model.steps:
        for send in step.sends:
            local = send.local_derivative()
            if local is not None:
                product = np.asarray(step.upstream) * local
                if product.shape == np.shape(send.contribution):
                    np.testing.assert_allclose(product, send.contribution, rtol=1e-4, atol=1e-5)


@given(programs(), st.integers(0, 1))
def test_every_tangent_shown_is_jaxs_own(program, which):
    steps, x, w = program
    f = make(steps)
    model = build_model(av.draw(f, x, w).model.description)
    seed = jnp.asarray([1.0, -0.5, 2.0], dtype=jnp.float32)
    leaf = model.description.passes.leaves[which]
    run = run_tangents(model, [leaf], seeds=[np.asarray(seed)])
    zero = jnp.zeros(3, dtype=jnp.float32)  # float32 even where another test turned x64 on
    tangents = (seed, zero) if which == 0 else (zero, seed)
    _, expected = jax.jvp(f, (x, w), tangents)
    np.testing.assert_allclose(run.tangent, expected, rtol=2e-5, atol=2e-5)


def test_the_chapters_function_in_real_jax():
    def f(x):
        return 2 * jnp.dot(x, x)

    x = jnp.arange(4.0)
    steps = av.step_through(f, x)
    kinds = [fr.kind for fr in steps.frames]
    assert kinds == ["forward", "forward", "backward", "backward"]
    assert steps.frames[0].title == "Forward 1/2: v1 = x · x"
    assert steps.frames[1].text.splitlines()[-1] == "Result: f = 28."
    assert "JAX's own" in steps.frames[2].text
    assert "[0, 2, 4, 6] + [0, 2, 4, 6] = [0, 4, 8, 12]." in steps.frames[-1].text
    d = av.draw(f, x)
    np.testing.assert_array_equal(d.model.final_grads()[d.model.nodes[0].id], jax.grad(f)(x))


def test_an_op_outside_our_table_keeps_jaxs_name_and_real_vjp():
    def f(x):
        return jnp.sum(jax.nn.softplus(x))

    x = jnp.asarray([0.5, -1.0, 2.0])
    model = av.draw(f, x).model
    names = [n.value.op for n in model.op_nodes]
    assert "reduce_sum" in names
    framework_ops = [n for n in model.op_nodes if n.value.primitive is None]
    assert framework_ops, names
    frames = build_frames(None, model=model)
    text = "\n".join(fr.text for fr in frames if fr.kind == "backward")
    assert "JAX's backward of" in text and "real vector-Jacobian product" in text
    np.testing.assert_allclose(model.final_grads()[model.nodes[0].id], jax.grad(f)(x), rtol=1e-6)


def test_forward_mode_and_compare_modes_are_jaxs():
    def g(x, w):
        return jnp.tanh(x * w) * jnp.sum(x)

    x = jnp.asarray([0.5, -1.0, 2.0])
    w = jnp.asarray([1.0, 2.0, -0.5])
    frames = av.step_through(g, x, w, mode="forward", wrt="w").frames
    assert all(fr.kind == "tangent" for fr in frames)
    cmp = av.compare_modes(g, x, w)
    jac = np.concatenate([np.asarray(j) for j in jax.jacfwd(g, argnums=(0, 1))(x, w)], axis=1)
    np.testing.assert_allclose(cmp.jacobians["forward"], jac, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(cmp.jacobians["reverse"], jac, rtol=1e-5, atol=1e-6)
    assert (cmp.counts["forward_sweeps"], cmp.counts["reverse_sweeps"]) == (6, 3)


def test_node_positions_are_the_same_in_every_frame():
    def f(x):
        return jnp.sum(jnp.sin(x) * x)

    x = jnp.asarray([0.5, -1.0, 2.0])
    for mode in ("reverse", "forward"):
        frames = av.step_through(f, x, mode=mode).frames
        boxes = [node_boxes(fr.svg) for fr in frames]
        assert boxes[0] and all(b == boxes[0] for b in boxes)


def test_a_jax_array_alone_says_to_pass_the_function():
    import pytest

    with pytest.raises(TypeError, match="function and its arguments"):
        av.draw(jnp.arange(3.0))


def test_a_function_jax_calls_twice_keeps_its_two_calls_apart():
    # jnp.linalg.norm is one jaxpr that both jit calls share (found by the random programs)
    def f(x):
        y = x + x
        return jnp.sum(x * jnp.linalg.norm(x)) + jnp.sum(y * jnp.linalg.norm(y))

    x = jnp.asarray([0.5, -1.0, 1.0])
    model = av.draw(f, x).model
    np.testing.assert_allclose(model.final_grads()[model.nodes[0].id], jax.grad(f)(x), rtol=1e-6)
    assert len(model.op_nodes) == jaxpr_ops(f, x)
