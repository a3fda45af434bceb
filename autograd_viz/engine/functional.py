"""Function transforms: grad, value_and_grad, vjp, jvp, jacrev, jacfwd,
hessian; gradients (several outputs at once); jacobian and gradcheck.

They take ordinary Python functions of tensors and return new functions (or
values), without touching any ``.grad``.  Arguments, outputs and cotangents
may be pytrees (tuples, lists and dicts of tensors: :mod:`.tree`), a
function may return auxiliary data beside its output (``has_aux=True``), and
``argnums`` picks the arguments to differentiate.

Nesting.  The transforms nest in any mix (``grad(grad(f))``, ``jvp(grad(f))``,
``jacfwd(jacrev(f))``), also with a dialect's transforms and tapes, by one
rule read off the values themselves: a transform calls its function with
fresh inputs (an identity of a value an enclosing differentiation follows,
so that reverse mode sees through it; the value's tangents, so forward mode
does), and when the graph it differentiates reaches a value that needs a
gradient from outside (an input, or one the function closed over) or
carries a tangent at an open forward level, it records its own work
(``create_graph``) so the outer differentiation can see through it.
Otherwise its answers are plain values with no history.

Dialects.  Every transform is a method of :class:`Transforms`; the engine's
own (``av.grad`` ...) are those of :data:`ENGINE`.  A dialect's transforms
(the JAX dialect's, ``torch.func``) are an instance of a subclass that
overrides the hooks at the end of the class: how its values are made, what
it refuses and in what words, what its results look like.  The work itself
is done once, here.
"""

from __future__ import annotations

import functools

import numpy as np

from . import forward, graph, tree
from .errors import BackwardError, GradcheckError
from .graph import STATE, carries_tangent
from .messages import MESSAGES
from .tensor import (
    Tensor,
    as_class,
    as_plain,
    astype,
    enable_grad,
    identity,
    reshape,
    set_requires_grad,
    stack,
)

# ------------------------------------------------------------------ gradients


def gradients(
    outputs,
    inputs,
    grad_outputs=None,
    *,
    retain_graph=False,
    create_graph=False,
    within=None,
    ends=False,
):
    """The gradient of Σₖ ⟨grad_outputs[k], outputs[k]⟩ with respect to each
    of ``inputs`` (None for an input no output depends on), with nothing
    stored in ``.grad``: ``torch.autograd.grad``, a TensorFlow tape's
    ``gradient``, MXNet's ``autograd.grad`` and every reverse-mode transform
    end here.

    ``outputs`` is a tensor or a list of them, ``grad_outputs`` likewise
    (None, or a None entry: ones, for an output of one element).  Each output
    that needs a gradient gets one backward pass and keeps its trace.  The
    gradients come back in each input's flavour and dtype.  ``within`` (a
    set of seqs) limits the passes to those nodes (a tape's); ``ends``: no
    input is computed from another, so the passes need go no further back
    than the inputs."""
    many = isinstance(outputs, (list, tuple))
    outputs = list(outputs) if many else [outputs]
    if grad_outputs is None:
        seeds = [None] * len(outputs)
    else:
        seeds = list(grad_outputs) if many else [grad_outputs]
    for out in outputs:
        if not isinstance(out, Tensor):
            raise MESSAGES.error(TypeError, "fn_not_tensor", type=type(out).__name__)
    inputs = list(inputs)
    stop = {id(x) for x in inputs} if ends else None
    total = [None] * len(inputs)
    for k, (out, seed) in enumerate(zip(outputs, seeds)):
        seed = out._backward_seed(seed)
        # outputs may share a graph: only the last pass may free it
        last = k == len(outputs) - 1
        trace, grads = graph.run_backward(
            out,
            seed,
            retain_graph=retain_graph or not last,
            create_graph=create_graph,
            targets=inputs,
            within=within,
            stop=stop,
        )
        out._trace = trace
        total = [g if t is None else t if g is None else t + g for t, g in zip(total, grads)]
    return [None if g is None else _like(g, x) for g, x in zip(total, inputs)]


def _like(g, x):
    """A gradient (numpy, or a recorded tensor) as a tensor of x's flavour and dtype."""
    if isinstance(g, Tensor):
        return as_class(g, type(x), x.data.dtype)
    data = np.asarray(g, dtype=x.data.dtype)
    return type(x)._plain(data if data.ndim else data[()])


def _zeros(x):
    return type(x)._plain(np.zeros_like(np.asarray(x.data)))


def _release(t, keep):
    """``t`` without the graph a transform recorded only so that an enclosing
    one could see through it; its tangents at open levels stay."""
    if keep or not t.requires_grad:
        return t
    free = type(t)._plain(t.data)
    if carries_tangent(t):
        free._tan = {
            level: _release(tan, False)
            for level, tan in t._tan.items()
            if level in STATE.dual_levels
        }
    return free


class _Open:
    """Marks the fresh input leaves of one transform call while it runs
    (``leaf._note``): once it has returned, its inputs are nobody's to
    differentiate, though a recorded gradient may still hold them."""

    __slots__ = ("open",)

    def __init__(self):
        self.open = True


def _input_node(x, mark):
    """What a transform calls its function with in place of ``x``: a fresh
    leaf that needs a gradient, so the transform differentiates this input
    alone.  Where an enclosing differentiation follows ``x``, it must see
    through: an identity of ``x`` when ``x`` needs a gradient, else the
    leaf carries ``x``'s tangents."""
    if x.requires_grad:
        return identity(x)
    leaf = set_requires_grad(type(x)._plain(x.data))
    leaf._note = ("input", mark)
    if carries_tangent(x):
        leaf._tan = dict(x._tan)
    return leaf


def followed(roots, own):
    """(reverse, forward): whether a differentiation from outside follows
    what was computed from the inputs ``own`` up to ``roots``.  Reverse: the
    graph reaches a leaf that needs a gradient and is a user's value other
    than ``own`` (one the function closed over, or one an input is an
    identity of), or an input of an enclosing transform that is still
    running.  Forward: some value in it carries a tangent at an open level.
    Either way the differentiation of ``roots`` must record its own work
    (create_graph), so the outer one can see through it."""
    own = {id(x) for x in own}
    reverse = forward_ = False
    seen = set()
    stack = [r for r in roots if r.requires_grad or r._tan]
    while stack and not (reverse and forward_):
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if not forward_ and carries_tangent(node):
            forward_ = True
        if node._op is None:
            note = node._note
            if note is not None and note[0] == "input":
                outer = note[1].open  # a transform's input: only while it runs
            else:
                outer = id(node) not in own
            if node.requires_grad and outer:
                reverse = True
            continue
        stack.extend(p for p in node._parents if p.requires_grad)
    return reverse, forward_


class _Run:
    """One call of a reverse-mode transform's function: the inputs it was
    given and made, what it returned, and whether an enclosing
    differentiation follows it (then its work is recorded and kept)."""

    def __init__(self, rules, who, args, nums, what="argument"):
        self.rules, self.who = rules, who
        self.grad_enabled = STATE.grad_enabled  # the caller's mode: what keeps a graph
        self.args = list(args)
        self.parts = []  # per differentiated argument: (values given, input nodes, rebuild)
        self.mark = _Open()
        with enable_grad():
            for n in nums:
                leaves, rebuild = tree.flatten(args[n])
                given = [rules.check_input(rules.lift(x), who, f"{what} {n}") for x in leaves]
                nodes = [rules.finish(_input_node(x, self.mark), x) for x in given]
                self.args[n] = rebuild(nodes)
                self.parts.append((given, nodes, rebuild))
        self.nodes = [node for _, nodes, _ in self.parts for node in nodes]
        self.keep = self.create = False

    def call(self, f, kwargs, has_aux):
        """f's (output, aux); whether the transform must record is known after it."""
        try:
            with enable_grad():
                result = f(*self.args, **kwargs)
        finally:
            self.mark.open = False  # transforms nested in f have finished too
        out, aux = self.rules.split_aux(result, has_aux, self.who)
        return out, aux

    def follow(self, outs):
        """Read off ``outs`` whether an enclosing differentiation follows."""
        reverse, forward_ = followed(outs, self.nodes)
        self.keep = reverse and self.grad_enabled
        self.create = self.keep or forward_

    def pull(self, outs, cotangents):
        """Σₖ cotangentₖᵀ · ∂outₖ/∂node for every input node (zeros where none flows)."""
        live = [(o, c) for o, c in zip(outs, cotangents) if o.requires_grad]
        if not live:
            return [_zeros(x) for x in self.nodes]
        create = self.create or any(isinstance(c, Tensor) and graph.tracked(c) for _, c in live)
        with enable_grad():
            grads = gradients(
                [o for o, _ in live],
                self.nodes,
                [c for _, c in live],
                retain_graph=True,
                create_graph=create,
                ends=True,
            )
        return [_zeros(x) if g is None else g for g, x in zip(grads, self.nodes)]

    def per_argument(self, values, *likes):
        """``values`` (one per input node, in order) regrouped as the
        differentiated arguments' trees, each released and finished like
        its input."""
        trees, start = [], 0
        for given, nodes, rebuild in self.parts:
            chunk = values[start : start + len(nodes)]
            start += len(nodes)
            trees.append(
                rebuild(
                    [
                        self.rules.finish(_release(v, self.keep), x, *likes)
                        for v, x in zip(chunk, given)
                    ]
                )
            )
        return trees

    def aux(self, aux):
        if aux is None:
            return None
        leaves, rebuild = tree.flatten(aux)
        out = []
        for a in leaves:
            a = self.rules.aux_leaf(a, self.who)
            out.append(self.rules.finish(_release(a, self.keep), a) if isinstance(a, Tensor) else a)
        return rebuild(out)


def _engine_work(fn):
    """``fn`` run as the engine's own work: every op that needs a gradient is
    recorded, whatever scope a dialect thinks it is in.  A transform records
    its function as a tape would, and builds its answers (sums, stacks,
    casts) with ops an enclosing differentiation can see through."""

    @functools.wraps(fn)
    def run(*args, **kwargs):
        with graph.record_everything():
            return fn(*args, **kwargs)

    return run


class Transforms:
    """grad, value_and_grad, vjp, jvp, jacrev, jacfwd and hessian, as one
    framework spells them (see the module docstring).  The methods under
    "hooks" are what a dialect overrides."""

    messages = MESSAGES  # whose words vmap's refusals are (a dialect's catalogue)

    # -------------------------------------------------------------- reverse mode

    def value_and_grad(self, f, argnums=0, *, has_aux=False):
        """The function x -> (f(x), d f(x) / d x), for a scalar-valued ``f``
        (with ``has_aux``: ((f's output, its aux), gradient)).

        ``argnums`` (an int or a tuple of ints) picks the arguments to
        differentiate; a tuple gives a tuple of gradients.  Each argument may
        be a tensor or a pytree of them; its gradient has its structure."""

        @_engine_work
        def value_and_grad_f(*args, **kwargs):
            nums, many = self._argnums(argnums, len(args))
            run = _Run(self, "grad", args, nums)
            out, aux = run.call(f, kwargs, has_aux)
            out = self.scalar_output(out)
            run.follow([out])
            grads = run.per_argument(run.pull([out], [None]))
            value = self.finish(_release(out, run.keep), out)
            g = tuple(grads) if many else grads[0]
            return ((value, run.aux(aux)), g) if has_aux else (value, g)

        value_and_grad_f.__name__ = f"value_and_grad_{getattr(f, '__name__', 'f')}"
        return value_and_grad_f

    def grad(self, f, argnums=0, *, has_aux=False):
        """The function x -> d f(x) / d x, for a scalar-valued ``f`` (with
        ``has_aux``: (gradient, aux)).  ``argnums`` as in value_and_grad."""
        both = self.value_and_grad(f, argnums, has_aux=has_aux)

        def grad_f(*args, **kwargs):
            result = both(*args, **kwargs)
            if has_aux:
                (_, aux), g = result
                return g, aux
            return result[1]

        grad_f.__name__ = f"grad_{getattr(f, '__name__', 'f')}"
        return grad_f

    @_engine_work
    def vjp(self, f, *primals, has_aux=False):
        """``(f(*primals), vjp_fn)`` (with ``has_aux``: and aux): reverse mode
        with the cotangent left open.  ``vjp_fn(cotangent)`` gives a tuple,
        one gradient per primal; it may be called many times.  ``f`` may
        return a tensor or a pytree of them (the cotangent has its structure)."""
        run = _Run(self, "vjp", primals, range(len(primals)), what="primal")
        out, aux = run.call(f, {}, has_aux)
        outs, rebuild_out = self._outputs(out, "vjp")
        run.follow(outs)

        @_engine_work
        def vjp_fn(cotangent):
            cots = self.cotangents(cotangent, out, outs)
            return tuple(run.per_argument(run.pull(outs, cots)))

        value = rebuild_out([self.finish(_release(o, run.keep), o) for o in outs])
        return (value, vjp_fn, run.aux(aux)) if has_aux else (value, vjp_fn)

    def jacrev(self, f, argnums=0, *, has_aux=False):
        """The function giving f's Jacobian (``out.shape + x.shape``) by reverse
        mode: one backward sweep per output element.  For pytrees: the
        output's structure, each leaf holding one block per differentiated
        argument (a tuple when ``argnums`` is)."""

        @_engine_work
        def jacrev_f(*args, **kwargs):
            nums, many = self._argnums(argnums, len(args))
            run = _Run(self, "jacrev", args, nums)
            out, aux = run.call(f, kwargs, has_aux)
            outs, rebuild_out = self._outputs(out, "jacrev")
            run.follow(outs)
            blocks = []
            for o in outs:
                rows = []
                for k in range(o.size):
                    seed = np.zeros(o.size, dtype=o.data.dtype)
                    seed[k] = 1
                    rows.append(run.pull([o], [seed.reshape(o.shape)]))
                per_node = [
                    _block([row[j] for row in rows], o, x, leading=True)
                    for j, x in enumerate(run.nodes)
                ]
                trees = run.per_argument(per_node, o)
                blocks.append(tuple(trees) if many else trees[0])
            jac = rebuild_out(blocks)
            return (jac, run.aux(aux)) if has_aux else jac

        jacrev_f.__name__ = f"jacrev_{getattr(f, '__name__', 'f')}"
        return jacrev_f

    # -------------------------------------------------------------- forward mode

    @_engine_work
    def jvp(self, f, primals, tangents, *, has_aux=False):
        """``(f(*primals), tangent_out)`` (with ``has_aux``: and aux): forward
        mode, one sweep.  ``primals`` and ``tangents`` are tuples (or lists)
        of the same structure, each tangent of its primal's shape and dtype;
        the output's tangent is the derivative of ``f`` along ``tangents``."""
        self.check_primals(primals, tangents)
        p_leaves, rebuild = tree.flatten(list(primals))
        t_leaves, _ = tree.flatten(list(tangents))
        ps, ts = [], []
        for i, (p, t) in enumerate(zip(p_leaves, t_leaves)):
            p = self.lift(p)
            self.check_primal(p, i)
            ps.append(p)
            ts.append(self.tangent(p, self.lift(t), i))
        return self._jvp(f, ps, ts, rebuild, has_aux)

    def _jvp(self, f, ps, ts, rebuild, has_aux):
        mark = _Open()
        with forward.dual_level() as level:
            duals = [self.finish(forward.make_dual(p, t), p) for p, t in zip(ps, ts)]
            for d in duals:
                if d._op is None:  # the function may make it a value to differentiate
                    d._note = ("input", mark)
            try:
                result = f(*rebuild(duals))
            finally:
                mark.open = False
            out, aux = self.split_aux(result, has_aux, "jvp")
            outs, rebuild_out = self._outputs(out, "jvp")
            tans = [as_class(forward.unpack(o, level), type(o)) for o in outs]
            # a graph kept only for the duals' sake goes (an outer one stays)
            keep = followed(outs + tans, duals)[0] and STATE.grad_enabled
            outs = [self.finish(_release(o, keep), o) for o in outs]
            tans = [self.finish(_release(t, keep), o) for t, o in zip(tans, outs)]
        result = (rebuild_out(outs), rebuild_out(tans))
        if has_aux:
            leaves, rebuild_aux = tree.flatten(aux)
            result += (rebuild_aux([self.aux_leaf(a, "jvp") for a in leaves]),)
        return result

    def jacfwd(self, f, argnums=0, *, has_aux=False):
        """The function giving f's Jacobian (``out.shape + x.shape``) by forward
        mode: one forward sweep per input element.  Pytrees as in jacrev."""

        @_engine_work
        def jacfwd_f(*args, **kwargs):
            nums, many = self._argnums(argnums, len(args))
            per_arg = []  # (values, rebuild) per differentiated argument
            for n in nums:
                leaves, rebuild = tree.flatten(args[n])
                given = [self.check_input(self.lift(x), "jacfwd", f"argument {n}") for x in leaves]
                per_arg.append((given, rebuild))
            xs = [x for given, _ in per_arg for x in given]

            def on_leaves(*leaves):
                full, start = list(args), 0
                for n, (given, rebuild) in zip(nums, per_arg):
                    full[n] = rebuild(list(leaves[start : start + len(given)]))
                    start += len(given)
                return f(*full, **kwargs)

            columns = []  # per input leaf: one list of output-tangent leaves per element
            outs = rebuild_out = aux = None
            for j, x in enumerate(xs):
                cols = []
                for k in range(x.size):
                    seed = np.zeros(x.size, dtype=x.data.dtype)
                    seed[k] = 1
                    ts = [_zeros(y) for y in xs]
                    ts[j] = type(x)._plain(seed.reshape(x.shape))
                    result = self._jvp(on_leaves, xs, ts, lambda ls: ls, has_aux)
                    outs, rebuild_out = tree.flatten(result[0])
                    cols.append(tree.flatten(result[1])[0])
                    aux = result[2] if has_aux else None
                columns.append(cols)
            if outs is None:  # every input is empty: run once for the output's shape
                out, aux = self.split_aux(on_leaves(*xs), has_aux, "jacfwd")
                outs, rebuild_out = self._outputs(out, "jacfwd")
            blocks = []
            for i, o in enumerate(outs):
                per_leaf = [
                    self.finish(_block([c[i] for c in cols], o, x, leading=False), x, o)
                    for cols, x in zip(columns, xs)
                ]
                trees, start = [], 0
                for given, rebuild in per_arg:
                    trees.append(rebuild(per_leaf[start : start + len(given)]))
                    start += len(given)
                blocks.append(tuple(trees) if many else trees[0])
            jac = rebuild_out(blocks)
            return (jac, aux) if has_aux else jac

        jacfwd_f.__name__ = f"jacfwd_{getattr(f, '__name__', 'f')}"
        return jacfwd_f

    def hessian(self, f, argnums=0, *, has_aux=False):
        """The Hessian of a scalar ``f``: forward over reverse, jacfwd(jacrev(f))."""
        return self.jacfwd(self.jacrev(f, argnums, has_aux=has_aux), argnums, has_aux=has_aux)

    # -------------------------------------------------------------- shared steps

    # -------------------------------------------------------------- vmap

    def vmap(self, f, in_axes=0, out_axes=0, axis_size=None):
        """``f`` mapped over an axis of its arguments (``in_axes``: an int,
        None for an argument passed whole, or one entry per argument); the
        results are stacked along ``out_axes``.  It runs ``f`` once per index,
        so every slice is recorded and gradients flow through it."""

        @functools.wraps(f)
        def vmapped(*args):
            if isinstance(in_axes, (tuple, list)):
                if len(in_axes) != len(args):
                    raise self.vmap_error("in_axes", given=len(in_axes), nargs=len(args))
                axes = list(in_axes)
            else:
                axes = [in_axes] * len(args)
            sizes, flat = [], []
            for i, (arg, axis) in enumerate(zip(args, axes)):
                leaves, rebuild = tree.flatten(arg)
                leaves = [self.lift(x) for x in leaves] if axis is not None else leaves
                if axis is not None:
                    for x in leaves:
                        if x.ndim == 0 or not -x.ndim <= axis < x.ndim:
                            raise self.vmap_error("rank", i=i, axis=axis, x=x)
                        sizes.append((x.shape[axis], i, axis, x))
                flat.append((leaves, rebuild, axis))
            if not sizes and axis_size is None:
                raise self.vmap_error("nothing")
            n = sizes[0][0] if sizes else axis_size
            if any(s[0] != n for s in sizes):
                raise self.vmap_error("sizes", sizes=sizes)
            if n == 0:
                raise self.vmap_error("empty")
            results = []
            for k in range(n):
                call = []
                for leaves, rebuild, axis in flat:
                    if axis is None:
                        call.append(rebuild(leaves))
                    else:
                        call.append(
                            rebuild([x[(slice(None),) * (axis % x.ndim) + (k,)] for x in leaves])
                        )
                results.append(f(*call))
            first, rebuild_out = tree.flatten(results[0])
            per_result = [tree.flatten(r)[0] for r in results]
            out_axis = out_axes if isinstance(out_axes, int) else 0
            return rebuild_out(
                [
                    self.finish(stack([self.lift(r[i]) for r in per_result], axis=out_axis))
                    for i in range(len(first))
                ]
            )

        return vmapped

    def _argnums(self, argnums, nargs):
        """(positions, whether argnums was a sequence), checked against the call."""
        many = isinstance(argnums, (tuple, list))
        nums = tuple(argnums) if many else (argnums,)
        for n in nums:
            if not isinstance(n, int):
                raise self.bad_argnums(argnums, nargs, wrong_type=True)
        for n in nums:
            if not -nargs <= n < nargs:
                raise self.bad_argnums(argnums, nargs, wrong_type=False)
        return tuple(n % nargs for n in nums), many

    def _outputs(self, out, who):
        """(the output's leaves as tensors, rebuild) for a pytree output."""
        if out is None:
            self.output(None, who)  # raises: a function that forgot to return
        leaves, rebuild = tree.flatten(out)
        return [self.output(o, who) for o in leaves], rebuild

    # -------------------------------------------------------------- hooks

    def lift(self, x):
        """An argument, primal or tangent as a tensor of this framework."""
        return x if isinstance(x, Tensor) else Tensor(x)

    def check_input(self, x, who, what):
        """An input to differentiate (``what``: "argument 0"): the engine takes
        integers too, differentiated as float64."""
        return x if np.issubdtype(x.data.dtype, np.floating) else astype(x, np.float64)

    def check_primal(self, p, i):
        """Refuse primal ``i`` of a jvp that cannot carry a tangent (the engine
        leaves that to the tangent's check)."""

    def tangent(self, p, t, i):
        """Tangent ``i`` to use for primal ``p``, or raise (make_dual checks it)."""
        return t

    def check_primals(self, primals, tangents):
        if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
            raise MESSAGES.error(TypeError, "jvp_not_tuples")
        if len(primals) != len(tangents):
            raise MESSAGES.error(TypeError, "jvp_count", p=len(primals), t=len(tangents))

    def output(self, value, who):
        """A leaf of what the transformed function returned, as a tensor."""
        if isinstance(value, Tensor):
            return value
        raise MESSAGES.error(TypeError, "output_type", who=who, type=type(value).__name__)

    def scalar_output(self, out):
        """What a function under grad returned, checked to be one number."""
        if not isinstance(out, Tensor):
            raise MESSAGES.error(TypeError, "grad_scalar_type", type=type(out).__name__)
        if out.size != 1:
            raise MESSAGES.error(BackwardError, "grad_scalar_shape", shape=out.shape)
        return out

    def aux_leaf(self, value, who):
        """A leaf of the auxiliary data (handed back as it is)."""
        return value

    def split_aux(self, result, has_aux, who):
        """(output, aux) of what the function returned."""
        if not has_aux:
            return result, None
        if not (isinstance(result, (tuple, list)) and len(result) == 2):
            text = repr(result)
            got = text if len(text) <= 60 else text[:57] + "..."
            raise MESSAGES.error(TypeError, "has_aux_pair", who=who, got=got)
        return result[0], result[1]

    def cotangents(self, cotangent, out, outs):
        """The cotangent's leaves, one per output leaf, checked."""
        given, _ = tree.flatten(cotangent)
        if len(given) != len(outs):
            raise MESSAGES.error(TypeError, "cotangent_count", n=len(outs), m=len(given))
        for o, c in zip(outs, given):
            shape = tuple(np.shape(as_plain(c)))
            if shape != o.shape:
                raise MESSAGES.error(ValueError, "cotangent_shape", shape=shape, out=o.shape)
        return given

    def bad_argnums(self, argnums, nargs, wrong_type):
        return MESSAGES.error(TypeError, "bad_argnums", argnums=repr(argnums), n=nargs)

    def vmap_error(self, kind, **d):
        """What vmap refuses, in the words of ``self.messages`` (a dialect's
        catalogue gives its framework's): ``in_axes`` of the wrong length, an
        argument without the mapped axis (``rank``), ``nothing`` mapped, mapped
        axes of different ``sizes``, an ``empty`` one."""
        say = self.messages
        if kind == "in_axes":
            return say.error(ValueError, "vmap_in_axes", k=d["given"], n=d["nargs"])
        if kind == "rank":
            i, axis, x = d["i"], d["axis"], d["x"]
            need = axis + 1 if axis >= 0 else -axis
            return say.error(
                ValueError, "vmap_rank", i=i, axis=axis, need=need, ndim=x.ndim, shape=x.shape
            )
        if kind == "nothing":
            return say.error(ValueError, "vmap_no_axis")
        if kind == "sizes":
            lines = "\n".join(
                say.text("vmap_size_line", axis=axis, i=i, shape=x.shape, size=s)
                for s, i, axis, x in d["sizes"]
            )
            sizes = [s for s, _, _, _ in d["sizes"]]
            return say.error(ValueError, "vmap_sizes", lines=lines, sizes=sizes)
        return say.error(ValueError, "vmap_empty")

    def finish(self, result, *likes):
        """A value the transforms hand back (or pass to the function) made to
        look like ``likes``, the values it stands for (the engine: as it is)."""
        return result


def _block(parts, o, x, leading):
    """The Jacobian block of output leaf ``o`` and input leaf ``x``
    (``o.shape + x.shape``) from ``parts``: one per element of ``o``, each of
    x's shape (``leading``, rows of reverse mode), or one per element of
    ``x``, each of o's shape (columns of forward mode).  Built with ops
    (stack, reshape) when a differentiation follows a part."""
    shape = o.shape + x.shape
    if not parts:
        return type(x)._plain(np.zeros(shape, dtype=x.data.dtype))
    if leading:
        return reshape(stack(parts, axis=0), shape)
    return reshape(stack(parts, axis=-1), shape)


ENGINE = Transforms()
value_and_grad = ENGINE.value_and_grad
grad = ENGINE.grad
vjp = ENGINE.vjp
jvp = ENGINE.jvp
jacrev = ENGINE.jacrev
jacfwd = ENGINE.jacfwd
hessian = ENGINE.hessian


# ------------------------------------------------------------------ checking


def jacobian(f, x):
    """The Jacobian of ``f`` at ``x``, of shape ``f(x).shape + x.shape``."""
    x = x if isinstance(x, Tensor) else Tensor._plain(np.asarray(x))
    if not np.issubdtype(x.data.dtype, np.floating):
        x = Tensor._plain(np.asarray(x.data, dtype=np.float64))
    leaf = set_requires_grad(type(x)._plain(x.data))
    out = f(leaf)
    if not isinstance(out, Tensor):
        raise MESSAGES.error(TypeError, "jacobian_type", type=type(out).__name__)
    jac = np.zeros(out.shape + x.shape, dtype=np.result_type(out.dtype, np.float64))
    if not out.requires_grad:
        return Tensor._plain(jac)
    flat = jac.reshape(out.size, *x.shape)
    for i in range(out.size):
        seed = np.zeros(out.size)
        seed[i] = 1
        (g,) = gradients(out, [leaf], seed.reshape(out.shape), retain_graph=True)
        if g is not None:
            flat[i] = as_plain(g)
    return Tensor._plain(jac)


def numerical_jacobian(f, inputs, i, eps=1e-6):
    """Central differences of f with respect to input ``i`` (float64)."""
    base = [np.array(as_plain(x), dtype=np.float64) for x in inputs]
    x = base[i]
    out0 = np.asarray(as_plain(f(*[Tensor._plain(b) for b in base])), dtype=np.float64)
    jac = np.zeros(out0.shape + x.shape)
    flat_x = x.reshape(-1)
    for k in range(flat_x.size):
        old = flat_x[k]
        # np.array copies: f may return a view of x (reshape, indexing), which
        # the next write into x would change under our feet
        flat_x[k] = old + eps
        plus = np.array(as_plain(f(*[Tensor._plain(b) for b in base])), dtype=np.float64)
        flat_x[k] = old - eps
        minus = np.array(as_plain(f(*[Tensor._plain(b) for b in base])), dtype=np.float64)
        flat_x[k] = old
        # the size spelled out: -1 is ambiguous when the output is empty
        jac.reshape(out0.shape + (flat_x.size,))[..., k] = (plus - minus) / (2 * eps)
    return jac


def gradcheck(f, *inputs, eps=1e-6, atol=1e-5, rtol=1e-3):
    """Compare backward's Jacobian of ``f`` with central differences.

    Inputs are taken in float64.  Returns True; raises :class:`GradcheckError`
    (an AssertionError) naming the worst element, expected and got."""
    if not inputs:
        raise MESSAGES.error(TypeError, "gradcheck_no_input")
    base = [np.array(as_plain(x), dtype=np.float64) for x in inputs]
    for i in range(len(base)):

        def f_i(xi, i=i):
            args = [Tensor._plain(b) for b in base]
            args[i] = xi
            return f(*args)

        analytic = np.asarray(as_plain(jacobian(f_i, base[i])), dtype=np.float64)
        numeric = numerical_jacobian(f, base, i, eps)
        if analytic.shape != numeric.shape:
            raise MESSAGES.error(
                GradcheckError,
                "gradcheck_shape",
                i=i,
                got=analytic.shape,
                expected=numeric.shape,
            )
        err = np.abs(analytic - numeric) - (atol + rtol * np.abs(numeric))
        bad = np.isnan(analytic) != np.isnan(numeric)
        if err.size and (np.nanmax(np.where(bad, np.inf, err)) > 0):
            worst = np.unravel_index(np.nanargmax(np.where(bad, np.inf, err)), err.shape)
            out_idx, in_idx = (
                worst[: analytic.ndim - base[i].ndim],
                worst[analytic.ndim - base[i].ndim :],
            )
            text = MESSAGES.text(
                "gradcheck_failed",
                i=i,
                index=tuple(map(int, in_idx)),
                out_index=tuple(map(int, out_idx)),
                expected=f"{numeric[worst]:.6g}",
                got=f"{analytic[worst]:.6g}",
                atol=atol,
                rtol=rtol,
            )
            raise GradcheckError(
                text,
                input_index=i,
                index=tuple(map(int, in_idx)),
                expected=float(numeric[worst]),
                got=float(analytic[worst]),
            )
    return True
