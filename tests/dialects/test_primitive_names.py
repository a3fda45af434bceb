"""A primitive is declared once, in engine/ops.py: the engine's function and
method forms come from that declaration, and each dialect's table
(``PRIMITIVES``) says how its framework spells it, or why it does not offer
it.  A primitive a dialect does not mention fails here, and so does a
spelling that leads nowhere."""

from __future__ import annotations

import importlib
import re

import numpy as np
import pytest

import autograd_viz as av
import autograd_viz.jax as avjax
from autograd_viz._dialect import OPERATORS, NotProvided, Provided, names_in
from autograd_viz.engine import ops
from autograd_viz.engine.graph import record_everything
from autograd_viz.engine.tensor import set_requires_grad

# dialect -> (its root module, the table's module, its tensor class, a maker of its arrays)
DIALECTS = {
    "torch": ("autograd_viz.torch", "autograd_viz.torch", "Tensor"),
    "tf": ("autograd_viz.tf", "autograd_viz.tf", "Tensor"),
    "mxnet": ("autograd_viz.mxnet", "autograd_viz.mxnet", "ndarray"),
    "jax": ("autograd_viz.jax", "autograd_viz.jax._primitives", "Array"),
}


def _dialect(name):
    root, table, cls = DIALECTS[name]
    root = importlib.import_module(root)
    return root, importlib.import_module(table).PRIMITIVES, getattr(root, cls)


def _resolve(root, dotted):
    holder = root
    for part in dotted.split("."):
        holder = getattr(holder, part)
    return holder


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_every_primitive_is_provided_or_refused_with_a_reason(dialect):
    _, table, _ = _dialect(dialect)
    missing = sorted(set(ops.REGISTRY) - set(table))
    assert not missing, (
        f"autograd_viz.{dialect} does not say how it spells {missing}: add a "
        f"Provided(...) or NotProvided('why') to its PRIMITIVES"
    )
    assert not set(table) - set(ops.REGISTRY), "a table names a primitive the engine lacks"
    for name, entry in table.items():
        assert isinstance(entry, (Provided, NotProvided)), name
        if isinstance(entry, NotProvided):
            assert len(entry.reason.split()) >= 4, f"{dialect}.{name}: say why, in words"


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_every_spelling_leads_to_the_primitive(dialect):
    """Each name resolves to a function whose result is made by that primitive;
    each method and operator exists on the dialect's tensors."""
    root, table, cls = _dialect(dialect)
    for entry in table.values():
        if isinstance(entry, NotProvided):
            continue
        for spelling in entry.spellings:
            if spelling in OPERATORS:
                assert callable(getattr(cls, OPERATORS[spelling])), (dialect, spelling)
            elif spelling.startswith("."):
                assert hasattr(cls, spelling[1:]), f"{dialect}: no method {spelling}"
            else:
                assert callable(_resolve(root, spelling)), f"{dialect}: no {spelling}"


def _sample(prim, cls):
    """Arguments for one call of ``prim`` through a dialect, as floats of its class."""
    x = cls(np.array([[0.5, 1.25], [2.0, 0.75]], dtype=np.float32))
    if prim.elementwise and prim.arity == 2:
        return (x, x)
    if prim.elementwise or prim.axes or prim.name == "norm":
        return (x,)
    return None


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_made_functions_compute_the_primitive_in_the_dialects_class(dialect):
    """The functions a dialect gets from the table (elementwise ops, reductions)
    give the engine's value, as the dialect's arrays, recorded as the primitive."""
    root, table, cls = _dialect(dialect)
    checked = 0
    for name, entry in table.items():
        prim = ops.REGISTRY[name]
        if isinstance(entry, NotProvided):
            continue
        for spelling in names_in(entry.spellings):
            args = _sample(prim, cls)
            if args is None:
                continue
            fn = _resolve(root, spelling)
            try:
                want = prim.forward(*[np.asarray(a.data) for a in args])
            except TypeError:  # it takes parameters (a cast's dtype): not a plain call
                continue
            set_requires_grad(args[0])
            with record_everything():
                out = fn(*args)
            assert isinstance(out, cls), f"{dialect}: {spelling} gave {type(out).__name__}"
            np.testing.assert_allclose(np.asarray(out.data), want, rtol=1e-6)
            assert out.op is prim, f"{dialect}: {spelling} recorded {out.op}, not {name}"
            checked += 1
    assert checked >= 10


def test_the_engine_has_the_forms_its_table_declares():
    for prim in ops.REGISTRY.values():
        if prim.function:
            assert callable(getattr(av, prim.function)), prim.function
            assert prim.function in av.__all__
        if prim.method:
            assert callable(getattr(av.Tensor, prim.method)), prim.method
    x = av.tensor([0.5, 2.0], requires_grad=True)
    for prim in ops.REGISTRY.values():
        if prim.elementwise and prim.arity == 1 and prim.function:
            for out in (getattr(av, prim.function)(x), getattr(x, prim.method)()):
                assert out.op is prim
                np.testing.assert_array_equal(out.data, prim.forward(x.data))


def test_jax_arrays_hide_the_engine_methods_jax_lacks_and_name_jaxs_spelling():
    x = avjax.numpy.arange(3.0)
    table = importlib.import_module("autograd_viz.jax._primitives").PRIMITIVES
    hidden = 0
    for prim in ops.REGISTRY.values():
        entry = table[prim.name]
        if not prim.method or "." + prim.method in entry.spellings:
            continue
        with pytest.raises(AttributeError, match="JAX arrays have no") as info:
            getattr(x, prim.method)()
        first = names_in(entry.spellings)[0]
        assert first.split(".")[-1] in str(info.value)
        hidden += 1
    assert hidden >= 9


def test_torch_names_every_primitives_backward_node():
    import autograd_viz.torch as torch

    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    for name in ops.REGISTRY:
        grad_fn = torch._GRAD_FN.get(name) or name.capitalize() + "Backward0"
        # PyTorch numbers the overloads of one op: max(x) is MaxBackward1
        assert re.fullmatch(r"[A-Z][A-Za-z0-9]*Backward[0-9]", grad_fn), grad_fn
    assert x.exp().grad_fn.name() == "ExpBackward0"
    assert (x @ x).grad_fn.name() == "MmBackward0"
    assert x.clone().grad_fn.name() == "CloneBackward0"
