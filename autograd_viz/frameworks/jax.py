"""Real JAX as a graph description: the program JAX traces, run equation by equation.

``jax.make_jaxpr(f)(*args)`` hands out what ``f`` computes as a list of
primitive applications (equations).  Calls into other jaxprs (``jit``,
``closed_call``) are opened, so there is one op per primitive JAX runs; a
primitive with its own differentiation rule (``custom_jvp_call``, as
``jax.nn.relu`` is) stays one op, named after the function it wraps.  Each
equation is run by JAX (``primitive.bind``) for its value; its backward
step is ``jax.vjp`` of that one equation applied to the gradient arriving
at its output, its forward-mode step ``jax.jvp`` of it; the whole reverse
pass (``jax.vjp``) and forward sweep (``jax.jvp``) of ``f`` check them in
the tests.  Equations one of our primitives describes show our rule text
once our table gives JAX's numbers for them.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from ..description import (
    BackwardPass,
    BackwardStep,
    DescriptionError,
    Graph,
    Passes,
    Push,
    Send,
    TangentRun,
    TangentStep,
    Value,
    add_totals,
)
from ..description.naming import param_names
from ..engine import ops as _ops
from ..i18n import error
from ..i18n import resolve as resolve_lang
from . import close

_CALLS = ("jit", "pjit", "closed_call", "core_call", "remat", "checkpoint")


class _Eqn:
    """One primitive application of the opened program."""

    __slots__ = (
        "prim",
        "params",
        "invars",
        "outvar",
        "name",
        "id",
        "inputs",
        "positions",
        "match",
        "ctx",
    )

    def __init__(self, prim, params, invars, outvar, ctx):
        self.prim, self.params, self.invars, self.outvar = prim, params, invars, outvar
        self.ctx = ctx
        self.name = _name_of(prim, params)
        self.id = ""
        self.inputs = []  # value ids, in our argument order
        self.match = None  # (primitive, params, [("input", k) | ("const", value)])

    def apply(self, *xs):
        with self.ctx.manager:
            out = self.prim.bind(*xs, **self.prim.get_bind_params(self.params))
        return out[0] if self.prim.multiple_results else out


def _name_of(prim, params):
    """The primitive's name; for a function with its own derivative rule
    (``custom_jvp_call``) the name of the function it wraps (``relu``)."""
    if prim.name in ("custom_jvp_call", "custom_vjp_call"):
        inner = params.get("call_jaxpr") or params.get("fun_jaxpr")
        jaxpr = getattr(inner, "jaxpr", inner)
        name = getattr(getattr(jaxpr, "debug_info", None), "func_name", None)
        if name and name.isidentifier():
            return name
    return prim.name


def _is_literal(v):
    return type(v).__name__ == "Literal"


class _Slot:
    """One value of the opened program.  A jaxpr called twice (two ``jit``
    calls of one function share it) has the same variables both times, so
    each opened call gets slots of its own."""

    __slots__ = ("var",)

    def __init__(self, var):
        self.var = var


def _flatten(jaxpr, names, out):
    """The equations of ``jaxpr`` with calls opened; ``names`` maps its
    variables to ("var", slot) or ("lit", value) in the opened program."""

    def ref(v):
        if _is_literal(v):
            return ("lit", v.val)
        if v not in names:
            names[v] = ("var", _Slot(v))
        return names[v]

    for eqn in jaxpr.eqns:
        ins = [ref(v) for v in eqn.invars]
        if eqn.primitive.name in _CALLS and "jaxpr" in eqn.params:
            inner = eqn.params["jaxpr"]
            closed = getattr(inner, "jaxpr", inner)
            mapping = dict(zip(closed.invars, ins))
            for cv, c in zip(closed.constvars, getattr(inner, "consts", ())):
                mapping[cv] = ("lit", c)
            _flatten(closed, mapping, out)
            for ov, iv in zip(eqn.outvars, closed.outvars):
                names[ov] = ("lit", iv.val) if _is_literal(iv) else mapping[iv]
            continue
        outs = [v for v in eqn.outvars if type(v).__name__ != "DropVar"]
        if len(outs) != 1:
            raise error(
                DescriptionError, "err_jax_multi_output", op=eqn.primitive.name, n=len(outs)
            )
        out.append(_Eqn(eqn.primitive, eqn.params, ins, ref(outs[0])[1], eqn.ctx))


def describe(fn, args, backward=True, lang=None):
    """The :class:`~autograd_viz.description.Graph` of ``fn(*args)`` as JAX runs it."""
    lang = resolve_lang(lang)
    args = [jnp.asarray(a) for a in args]
    closed = jax.make_jaxpr(fn)(*args)
    jaxpr = closed.jaxpr
    names = {cv: ("lit", c) for cv, c in zip(jaxpr.constvars, closed.consts)}
    invars = []
    for v in jaxpr.invars:
        names[v] = ("var", _Slot(v))
        invars.append(names[v][1])
    eqns = []
    _flatten(jaxpr, names, eqns)
    outvars = [("lit", v.val) if _is_literal(v) else names[v] for v in jaxpr.outvars]
    if len(outvars) != 1 or outvars[0][0] != "var":
        raise error(TypeError, "err_jax_return", lang, name=getattr(fn, "__name__", "f"))
    return _Program(fn, args, invars, eqns, outvars[0][1], lang).graph(backward)


class _Program:
    """The opened program with its values, as a description."""

    def __init__(self, fn, args, invars, eqns, outvar, lang):
        self.fn, self.args, self.invars, self.eqns, self.outvar = fn, args, invars, eqns, outvar
        self.lang = lang
        env = dict(zip(invars, args))
        for e in eqns:
            e_in = [env[v] if kind == "var" else v for kind, v in e.invars]
            env[e.outvar] = e.apply(*e_in)
        self.env = env
        self.values = []
        self.ids = {}  # jaxpr var -> value id
        self.data = {}

    def new(self, kind, data, **kw):
        vid = f"n{len(self.values)}"
        self.values.append(Value(vid, kind, data, **kw))
        self.data[vid] = data
        return vid

    def read(self, ref):
        kind, v = ref
        return self.env[v] if kind == "var" else v

    def graph(self, backward):
        names = param_names(self.fn, len(self.args))
        self.leaves = []
        for var, arg, name in zip(self.invars, self.args, names):
            floating = jnp.issubdtype(arg.dtype, jnp.floating)
            vid = self.new("leaf", np.asarray(arg), name=name, requires_grad=bool(floating))
            self.ids[var] = vid
            self.leaves.append(vid)
        for e in self.eqns:
            inputs = []
            for ref in e.invars:
                if ref[0] == "var":
                    inputs.append(self.ids[ref[1]])
                else:
                    inputs.append(self.new("const", np.asarray(ref[1])))
            e.match = _match(e)
            self._arguments(e, inputs)
            e.id = self.new(
                "op",
                np.asarray(self.env[e.outvar]),
                op=e.name,
                primitive=e.match[0] if e.match else None,
                inputs=tuple(e.inputs),
                params=dict(e.match[1]) if e.match else {},
            )
            self.ids[e.outvar] = e.id
        root = self.ids[self.outvar]
        fname = getattr(self.fn, "__name__", "")
        by_id = {v.id: v for v in self.values}
        if fname.isidentifier() and fname not in names and by_id[root].kind == "op":
            by_id[root].name = fname
        passes = JaxPasses(self)
        pass_ = None
        out = np.asarray(self.env[self.outvar])
        if backward and out.size == 1 and jnp.issubdtype(out.dtype, jnp.floating):
            pass_ = passes.reverse(np.ones_like(out))
        return Graph(self.values, [root], pass_, passes=passes, framework="jax")

    def _arguments(self, e, inputs):
        """Our primitive's inputs where the equation is one and JAX's numbers agree."""
        if e.match is not None:
            prim_name, params, spec = e.match
            ours = []
            for kind, ref in spec:
                ours.append(inputs[ref] if kind == "input" else self.new("const", np.asarray(ref)))
            if self._agrees(e, prim_name, params, spec):
                e.inputs = ours
                e.positions = {k: pos for pos, (kind, k) in enumerate(spec) if kind == "input"}
                return
            extra = set(ours) - set(inputs)
            self.values = [v for v in self.values if v.id not in extra]
            e.match = None
        e.inputs = inputs
        e.positions = {k: k for k in range(len(inputs))}

    def _agrees(self, e, prim_name, params, spec):
        prim = _ops.REGISTRY[prim_name]
        xs = [self.read(r) for r in e.invars]
        data = [np.asarray(xs[k]) if kind == "input" else np.asarray(k) for kind, k in spec]
        ans = np.asarray(self.env[e.outvar])
        try:
            with np.errstate(all="ignore"):
                if not close(prim.forward(*data, **params), ans):
                    return False
                g = np.ones_like(ans) * 0.5 + np.arange(ans.size).reshape(ans.shape) % 3
                _, pull = jax.vjp(e.apply, *xs)
                theirs = pull(jnp.asarray(g, dtype=ans.dtype))
                for pos, (kind, k) in enumerate(spec):
                    if kind != "input" or not _floating(xs[k]):
                        continue
                    mine = prim.vjp(pos, _ops.NUMPY, g, ans, data, params)
                    if not close(np.broadcast_to(mine, np.shape(theirs[k])), theirs[k]):
                        return False
        except Exception:  # our rule cannot take these arguments: JAX's name it is
            return False
        return True


def _floating(x):
    return jnp.issubdtype(jnp.asarray(x).dtype, jnp.floating)


# ---------------------------------------------------------------- our primitives

_SAME = {
    "add": "add",
    "sub": "sub",
    "mul": "mul",
    "div": "div",
    "neg": "neg",
    "exp": "exp",
    "log": "log",
    "sin": "sin",
    "cos": "cos",
    "tanh": "tanh",
    "logistic": "sigmoid",
    "abs": "abs",
    "sqrt": "sqrt",
    "pow": "pow",
}


def _match(e):
    """(our primitive, its params, where each of its inputs comes from) or None."""
    name, p, n = e.prim.name, e.params, len(e.invars)
    if name in _SAME:
        return (_SAME[name], {}, [("input", k) for k in range(n)])
    if name == "integer_pow":
        return ("pow", {}, [("input", 0), ("const", float(p["y"]))])
    if name in ("reduce_sum", "reduce_max"):
        axes = tuple(p["axes"])
        ndim = len(_shape(e.invars[0]))
        prim = "sum" if name == "reduce_sum" else "max"
        if axes == tuple(range(ndim)):
            return (prim, {}, [("input", 0)])
        return (prim, {"axis": axes[0] if len(axes) == 1 else axes}, [("input", 0)])
    if name == "dot_general":
        (ca, cb), (ba, bb) = p["dimension_numbers"]
        shapes = [_shape(r) for r in e.invars]
        if ba or bb:
            return None
        if [len(s) for s in shapes] == [1, 1] and tuple(ca) == (0,) and tuple(cb) == (0,):
            return ("dot", {}, [("input", 0), ("input", 1)])
        if tuple(ca) == (len(shapes[0]) - 1,) and tuple(cb) == (0,):
            return ("matmul", {}, [("input", 0), ("input", 1)])
        return None
    if name == "transpose":
        return ("transpose", {"axes": tuple(p["permutation"])}, [("input", 0)])
    if name == "reshape":
        return ("reshape", {"shape": tuple(p["new_sizes"])}, [("input", 0)])
    if name == "convert_element_type":
        return ("cast", {"dtype": np.dtype(p["new_dtype"])}, [("input", 0)])
    return None


def _shape(ref):
    kind, v = ref
    return tuple(np.shape(v)) if kind == "lit" else tuple(v.var.aval.shape)


# ---------------------------------------------------------------- passes


class JaxPasses(Passes):
    """Passes over the program, each equation's step computed by JAX."""

    framework = "jax"

    def __init__(self, program):
        self.p = program

    @property
    def leaves(self):
        return list(self.p.leaves)

    def pick(self, wrt):
        """Leaves forward mode seeds: an argument's position or name (or a list
        of them); by default the first argument, like ``argnums=0``."""
        leaves = self.p.leaves
        by_id = {v.id: v for v in self.p.values}
        names = [by_id[vid].name for vid in leaves]
        if wrt is None:
            return leaves[0]
        many = isinstance(wrt, (list, tuple))
        out = []
        for w in list(wrt) if many else [wrt]:
            if isinstance(w, int) and not isinstance(w, bool) and -len(leaves) <= w < len(leaves):
                out.append(leaves[w])
            elif isinstance(w, str) and w in names:
                out.append(leaves[names.index(w)])
            else:
                raise error(ValueError, "err_jax_wrt", wrt=repr(w), names=", ".join(names))
        return out if many else out[0]

    def root_for_forward(self):
        return self.p.ids[self.p.outvar]

    def reverse(self, seed, wrt=()):
        """The backward pass, equation by equation from the output: each
        equation's ``jax.vjp`` applied to the gradient arriving at it."""
        p = self.p
        cts = {p.outvar: jnp.asarray(seed, dtype=p.env[p.outvar].dtype)}
        steps = []
        for e in reversed(p.eqns):
            g = cts.pop(e.outvar, None)
            if g is None:
                continue
            xs = [p.read(r) for r in e.invars]
            live = [k for k, (kind, _) in enumerate(e.invars) if kind == "var" and _floating(xs[k])]
            if live:
                _, pull = jax.vjp(
                    lambda *ys, e=e, xs=xs, live=live: e.apply(*_put(xs, live, ys)),
                    *[xs[k] for k in live],
                )
                sent = pull(g)
            else:
                sent = ()
            sends = []
            for k, c in zip(live, sent):
                var = e.invars[k][1]
                cts[var] = c if var not in cts else cts[var] + c
                pos = e.positions[k]
                sends.append(Send(pos, p.ids[var], np.asarray(c), **_rule(p, e, pos)))
            steps.append(BackwardStep(e.id, np.asarray(g), sends))
        add_totals(steps)
        return BackwardPass(p.ids[p.outvar], np.asarray(seed), steps)

    def forward(self, wrt, seeds):
        """Tangents equation by equation: each input's part is ``jax.jvp`` of
        the equation with that input's tangent alone."""
        p = self.p
        by_leaf = {w: jnp.asarray(s) for w, s in zip(wrt, seeds)}
        tans = {}
        for var, vid in zip(p.invars, p.leaves):
            tans[var] = by_leaf.get(vid, jnp.zeros_like(p.env[var]))
        steps = []
        for e in p.eqns:
            xs = [p.read(r) for r in e.invars]
            pushes, total = [], None
            for k, (kind, var) in enumerate(e.invars):
                if kind != "var" or not _floating(xs[k]):
                    continue
                tin = tans[var]

                def one(y, e=e, xs=xs, k=k):
                    return e.apply(*_put(xs, [k], [y]))

                _, c = jax.jvp(one, (xs[k],), (tin,))
                total = c if total is None else total + c
                pos = e.positions[k]
                prim = _ops.REGISTRY[e.match[0]] if e.match else None
                pushes.append(
                    Push(
                        pos,
                        p.ids[var],
                        np.asarray(tin),
                        np.asarray(c),
                        linear=prim is not None and pos in prim.linear_in,
                        **_rule(p, e, pos),
                    )
                )
            out = p.env[e.outvar]
            total = jnp.zeros_like(out) if total is None else total
            tans[e.outvar] = total
            steps.append(TangentStep(e.id, pushes, np.asarray(total)))
        leaf_tangents = {
            vid: np.asarray(by_leaf.get(vid, np.zeros(np.shape(p.data[vid])))) for vid in p.leaves
        }
        return TangentRun(self.root_for_forward(), list(wrt), list(seeds), steps, leaf_tangents)

    def jvp(self, wrt, seeds):
        """One forward sweep of the whole function by ``jax.jvp``."""
        p = self.p
        by_leaf = dict(zip(wrt, seeds))
        tangents = tuple(
            jnp.asarray(by_leaf[vid], dtype=a.dtype) if vid in by_leaf else jnp.zeros_like(a)
            for vid, a in zip(p.leaves, p.args)
        )
        _, out = jax.jvp(p.fn, tuple(p.args), tangents)
        return np.asarray(out)


def _put(xs, ks, ys):
    out = list(xs)
    for k, y in zip(ks, ys):
        out[k] = y
    return out


def _rule(p, e, pos):
    """Our rule text and local derivative for argument ``pos`` of a matched equation."""
    if e.match is None:
        return {}
    prim = _ops.REGISTRY[e.match[0]]
    if not prim.shows_local_value:
        return {"rule": prim.rules[pos]}
    data = [p.data[i] for i in e.inputs]
    ans = p.data[e.id]
    params = e.match[1]

    def local():
        with np.errstate(all="ignore"):
            return prim.local_derivative(pos, ans, data, params)

    return {"rule": prim.rules[pos], "_local": local}
