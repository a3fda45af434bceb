"""The primitive table: every differentiable operation is declared here, once.

Each entry gives
  * ``forward``: the numpy computation,
  * ``vjps``: one vector-Jacobian product per input, ``vjp(F, g, ans, *inputs, **params)``,
  * ``formula`` and ``rules``: how the op and each input's local derivative
    read on a diagram, written with ``a``, ``b`` for the inputs.

Forward mode reads the same entries (:meth:`Primitive.jvp`): there is no
table of tangent rules.  A VJP is linear in its upstream gradient, and the
tangent map is its transpose, which each op gets in one of three ways that
need no new derivative: an elementwise op's Jacobian is diagonal, so it is
its own transpose and the VJP applied to the tangent is the tangent of the
output; a reduction's VJP spreads ``g`` with weights that the VJP itself
gives for ``g = 1``, and the tangent is the weighted sum of the input's
tangent; an op that is linear in an input (indexing, reshaping, matmul in
each factor) maps that input's tangent by the op itself.

A VJP never calls numpy directly: it does arithmetic with operators and asks
the namespace ``F`` for everything else.  During an ordinary backward pass
``F`` is :data:`NUMPY` and the operands are plain arrays, so the pass costs
what numpy costs.  With ``create_graph=True`` the engine hands in
autograd_viz's own functions and Tensors instead, so the very same rule is
recorded as ordinary ops and can be differentiated again.  There is no
second copy of any derivative anywhere in the package.

A primitive is declared once.  ``function=`` and ``method=`` name the
engine's forms of it (``av.exp(x)``, ``x.exp()``): engine/tensor.py writes
them for an elementwise op of one or two inputs and for a reduction over
``axis`` (``axes=True``), and takes the hand-written ones for the rest.
Each dialect spells the primitive in its own table (its ``PRIMITIVES``:
``torch.exp``, ``tf.math.exp``, ``np.exp``, ``jnp.exp``, or a reason why the
framework does not offer it) and makes its functions from the engine's;
tests/dialects/test_primitive_names.py fails for a primitive a dialect does
not mention.  Adding one is: its defprim here (``defunary`` for an
elementwise function of one input: one line), its spec in
tests/engine/test_ops.py, one line in each dialect's table.
"""

from __future__ import annotations

import builtins
import collections
import math
import operator
import string

import numpy as np

from .errors import ShapeError
from .messages import MESSAGES


class Primitive:
    """One differentiable operation.  See the module docstring."""

    __slots__ = (
        "name",
        "forward",
        "vjps",
        "formula",
        "rules",
        "broadcasts",
        "elementwise",
        "reduction",
        "linear_in",
        "axes",
        "function",
        "method",
        "shortcuts",
        "variadic",
    )

    def __init__(
        self,
        name,
        forward,
        vjps,
        formula,
        rules,
        *,
        broadcasts=False,
        elementwise=False,
        reduction=False,
        linear_in=(),
        axes=False,
        function=None,
        method=None,
        variadic=False,
        shortcuts=None,
    ):
        if len(vjps) != len(rules):
            raise ValueError(f"{name}: one rule text per input is required")
        if not (elementwise or reduction or len(linear_in) == len(vjps)):
            raise ValueError(
                f"{name}: forward mode needs the op to be elementwise, a "
                f"reduction, or linear in each input (linear_in=...)"
            )
        self.name = name
        self.forward = forward
        self.vjps = vjps
        self.formula = formula
        self.rules = rules
        # broadcasting ops get their per-input gradients summed back to the
        # input's shape by the engine, so the VJPs themselves stay one-liners
        self.broadcasts = broadcasts
        self.elementwise = elementwise
        # forward mode's two other ways to transpose a VJP (module docstring)
        self.reduction = reduction
        self.linear_in = tuple(linear_in)
        # takes axis= and keepdims= (sum, mean, max): how its forms are written
        self.axes = axes
        # the names of av.<function>(...) and x.<method>(...), or None
        self.function = function
        self.method = method
        # takes any number of inputs up to len(vjps) (einsum): one VJP and one
        # rule text per position, a call uses the first ones
        self.variadic = variadic
        # per input, what the backward pass may do instead of calling the VJP
        # (see _shortcut): found by asking each VJP rather than declared a
        # second time (scalar MLP step, GC off, CPU time of the backward pass:
        # 34.0 -> 30.5 ms for the VJPs that hand g on unchanged).  A rule the
        # user wrote is never probed (shortcuts given: None each)
        if shortcuts is None:
            shortcuts = tuple(_shortcut(v, len(vjps)) for v in vjps)
        self.shortcuts = shortcuts

    @property
    def arity(self):
        return len(self.vjps)

    def vjp(self, i, F, g, ans, inputs, params):
        """Contribution sent to input ``i`` for upstream gradient ``g``."""
        contribution = self.vjps[i](F, g, ans, *inputs, **params)
        if self.broadcasts:
            contribution = unbroadcast(F, contribution, F.shape(inputs[i]))
        return contribution

    def jvp(self, i, F, t, ans, inputs, params):
        """The part of the output's tangent that input ``i``'s tangent ``t`` gives:
        the local derivative applied to ``t`` (∂out/∂input · ṫ), in the output's
        shape.  Derived from the VJP as the module docstring says."""
        if self.elementwise:
            # numpy values and Tensors both know their shape (F.shape would
            # cost a call each, twice per op in a jvp)
            shape = ans.shape
            if t.shape != shape:
                t = F.broadcast_to(t, shape)
            # no unbroadcast: the tangent lives in the output's shape
            if params:
                return self.vjps[i](F, t, ans, *inputs, **params)
            return self.vjps[i](F, t, ans, *inputs)
        if self.reduction:
            weights = self.vjps[i](F, F.ones_like(ans), ans, *inputs, **params)
            return F.sum(
                weights * t, axis=params.get("axis"), keepdims=params.get("keepdims", False)
            )
        args = list(inputs)
        args[i] = t
        return F.apply(self, *args, **params)

    def local_derivative(self, i, ans, inputs, params):
        """The local derivative d(out)/d(input i) as numpy, for display.

        Computed by the same VJP with an upstream gradient of ones, so the
        number a diagram shows cannot drift from the one backward used.  For
        elementwise ops this is the elementwise derivative (broadcast to the
        output's shape); for ops with a scalar output it is the gradient of
        the output with respect to the input.  For other ops (matmul,
        reshape, indexing) the Jacobian is not a single array of the input's
        shape and the diagram should show ``rules[i]`` only.
        """
        ones = np.ones_like(np.asarray(ans, dtype=np.result_type(ans, np.float64)))
        return np.asarray(self.vjps[i](NUMPY, ones, ans, *inputs, **params))

    @property
    def shows_local_value(self):
        """Whether :meth:`local_derivative` is a meaningful array to print."""
        return self.elementwise or self.name in _SCALAR_REDUCTIONS

    def __repr__(self):
        return f"<primitive {self.name}>"


# what a VJP is, when it is one of the two simplest kinds (Primitive.shortcuts):
# the upstream gradient itself (add's two, sub's first) ...
UPSTREAM = "g"
# ... or g times one operand, an int: the input's position, or ANSWER for the
# op's output (mul's two, dot's two, exp's).  The backward pass then computes
# g * operand itself, the same operator on the same operands (the same bits),
# without calling the VJP: a Python frame less per input (chain of case 2 and
# scalar MLP of case 1 in bench/engine_bench.py)
ANSWER = -1


class _Probe:
    """A stand-in operand that accepts only ``g * operand``: any VJP that
    computes something else fails on it."""

    __slots__ = ("index",)
    __array_ufunc__ = None

    def __init__(self, index):
        self.index = index

    def __mul__(self, other):
        if self.index == UPSTREAM and other.__class__ is _Probe and other.index != UPSTREAM:
            return ("g *", other.index)
        raise TypeError  # caught by _shortcut: never shown to anyone


def _shortcut(vjp, arity):
    """UPSTREAM, an operand's index, or None: what ``vjp`` is (see UPSTREAM),
    found by calling it on probes."""
    g = _Probe(UPSTREAM)
    try:
        out = vjp(NUMPY, g, _Probe(ANSWER), *[_Probe(i) for i in range(arity)])
    except Exception:
        return None
    if out is g:
        return UPSTREAM
    if out.__class__ is tuple and len(out) == 2 and out[0] == "g *":
        return out[1]
    return None


REGISTRY: dict[str, Primitive] = {}
_SCALAR_REDUCTIONS = {"sum", "mean", "max", "min", "prod", "logsumexp", "dot", "norm"}


def defprim(name, forward, vjps, formula, rules, **kw):
    prim = Primitive(name, forward, tuple(vjps), formula, tuple(rules), **kw)
    if name in REGISTRY:
        raise ValueError(f"primitive {name!r} declared twice")
    REGISTRY[name] = prim
    return prim


def defunary(name, forward, vjp, formula, rule):
    """An elementwise primitive of one input, public as ``av.<name>(x)`` and
    ``x.<name>()``: the common case, declared in one line."""
    return defprim(
        name, forward, [vjp], formula, [rule], elementwise=True, function=name, method=name
    )


# ---------------------------------------------------------------- namespaces


class _NumpyNamespace:
    """``F`` for a plain backward pass: values only, nothing recorded."""

    exp = staticmethod(np.exp)
    log = staticmethod(np.log)
    sin = staticmethod(np.sin)
    cos = staticmethod(np.cos)
    sign = staticmethod(np.sign)
    sqrt = staticmethod(np.sqrt)

    @staticmethod
    def shape(x):
        # arrays and numpy scalars know their shape; np.shape() costs 6x the
        # attribute on them (asked twice per op by jvp and unbroadcast)
        try:
            return x.shape
        except AttributeError:
            return np.shape(x)

    @staticmethod
    def ones_like(x):
        return np.ones_like(x)

    @staticmethod
    def apply(prim, *args, **params):
        return prim.forward(*args, **params)

    @staticmethod
    def ndim(x):
        return np.ndim(x)

    @staticmethod
    def sum(x, axis=None, keepdims=False):
        return np.sum(x, axis=axis, keepdims=keepdims)

    @staticmethod
    def reshape(x, shape):
        return np.reshape(x, shape)

    @staticmethod
    def broadcast_to(x, shape):
        return np.broadcast_to(x, shape)

    @staticmethod
    def transpose(x, axes=None):
        return np.transpose(x, axes)

    @staticmethod
    def getitem(x, index):
        return np.asarray(x)[index]

    @staticmethod
    def cast(x, dtype):
        return np.asarray(x).astype(dtype)[()]

    @staticmethod
    def dtype(x):
        return np.asarray(x).dtype

    @staticmethod
    def unindex(g, index, shape):
        return _unindex_forward(g, index, shape)

    @staticmethod
    def where_positive(x, g):
        # g where x > 0, else +0: a select rather than g times a 0/1 mask, which
        # would give -0 for a negative g (PyTorch prints dL/dz = [0., 2.], not
        # [-0., 2.], at the book's dead ReLU unit)
        if x.__class__ is not np.ndarray:
            return g if x > 0 else g * 0.0 + 0.0
        return np.where(x > 0, g, 0)

    @staticmethod
    def equal_mask(x, y):
        return (np.asarray(x) == y).astype(np.result_type(x, np.float32))

    @staticmethod
    def pow_base(a, b):
        # a, with 1 wherever the exponent b is 0 (see pow); usually no b is 0
        if not np.any(b == 0):
            return a
        return np.where(b == 0, 1, a).astype(np.result_type(a, np.float16))[()]

    @staticmethod
    def value(x):
        # the numbers behind a value, for a constant a rule derives from them
        # (which input of maximum is the larger)
        return np.asarray(x)

    @staticmethod
    def prod(x, axis=None, keepdims=False):
        return np.prod(x, axis=axis, keepdims=keepdims)

    einsum = staticmethod(np.einsum)

    @staticmethod
    def log_safe(x):
        # ln(a) where a > 0, 0 elsewhere: d(a^b)/db is only used for a > 0,
        # and 0 keeps a constant negative base from turning gradients to nan
        x = np.asarray(x)
        return np.log(np.where(x > 0, x, 1))


NUMPY = _NumpyNamespace()


def unbroadcast(F, g, shape):
    """Sum ``g`` over the axes that broadcasting added or stretched."""
    gshape = F.shape(g)
    if gshape == shape:
        return g
    extra = len(gshape) - len(shape)
    if extra:
        g = F.sum(g, axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and F.shape(g)[i] != 1)
    if stretched:
        g = F.sum(g, axis=stretched, keepdims=True)
    return g


def _expand_reduced(F, g, shape, axis, keepdims):
    """Put back the axes a reduction removed, so ``g`` broadcasts against its input."""
    if axis is None or keepdims:
        return g
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    axes = tuple(a % len(shape) for a in axes)
    kept = tuple(1 if i in axes else n for i, n in enumerate(shape))
    return F.reshape(g, kept)


def _reduced_count(shape, axis):
    if axis is None:
        return int(np.prod(shape)) if shape else 1
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    return int(np.prod([shape[a] for a in axes]))


def _swap_last(F, x):
    n = F.ndim(x)
    axes = list(range(n))
    axes[-1], axes[-2] = axes[-2], axes[-1]
    return F.transpose(x, tuple(axes))


def _unindex_forward(g, index, shape):
    out = np.zeros(shape, dtype=np.result_type(g, np.float32))
    np.add.at(out, index, g)
    return out


# ---------------------------------------------------------------- arithmetic
# the forwards are the operators themselves (operator.add is a + b): on numpy
# scalars (the data of 0-d tensors) an operator costs a tenth of np.add(a, b),
# and the C function spares a lambda's Python frame (scalar MLP step, GC off,
# CPU time: 0.96x -> 0.95x micrograd; small, but free)

add = defprim(
    "add",
    operator.add,
    [lambda F, g, ans, a, b: g, lambda F, g, ans, a, b: g],
    "a + b",
    ["1", "1"],
    broadcasts=True,
    elementwise=True,
)

sub = defprim(
    "sub",
    operator.sub,
    [lambda F, g, ans, a, b: g, lambda F, g, ans, a, b: -g],
    "a − b",
    ["1", "−1"],
    broadcasts=True,
    elementwise=True,
)

mul = defprim(
    "mul",
    operator.mul,
    [lambda F, g, ans, a, b: g * b, lambda F, g, ans, a, b: g * a],
    "a × b",
    ["b", "a"],
    broadcasts=True,
    elementwise=True,
)

div = defprim(
    "div",
    operator.truediv,
    [lambda F, g, ans, a, b: g / b, lambda F, g, ans, a, b: -g * a / (b * b)],
    "a / b",
    ["1/b", "−a/b²"],
    broadcasts=True,
    elementwise=True,
)

pow = defprim(
    "pow",
    operator.pow,
    [
        # where b = 0, a^b is the constant 1 and its derivative 0 at every a: the
        # base is taken as 1 there, or a = 0 would give 0·0^(−1) = 0·inf = nan (the
        # third derivative of x² at 0, since x² → 2x¹ → 2x⁰); PyTorch and JAX give 0
        lambda F, g, ans, a, b: g * b * F.pow_base(a, b) ** (b - 1),
        lambda F, g, ans, a, b: g * ans * F.log_safe(a),
    ],
    "a ^ b",
    ["b·a^(b−1)", "a^b·ln(a)"],
    broadcasts=True,
    elementwise=True,
)

neg = defprim("neg", operator.neg, [lambda F, g, ans, a: -g], "−a", ["−1"], elementwise=True)

# ---------------------------------------------------------------- elementwise

exp = defunary("exp", np.exp, lambda F, g, ans, a: g * ans, "exp(a)", "exp(a)")
log = defunary("log", np.log, lambda F, g, ans, a: g / a, "ln(a)", "1/a")
sin = defunary("sin", np.sin, lambda F, g, ans, a: g * F.cos(a), "sin(a)", "cos(a)")
cos = defunary("cos", np.cos, lambda F, g, ans, a: -g * F.sin(a), "cos(a)", "−sin(a)")
tanh = defunary(
    "tanh", np.tanh, lambda F, g, ans, a: g * (1 - ans * ans), "tanh(a)", "1 − tanh²(a)"
)


def _sigmoid(a):
    # the two branches keep exp() from overflowing for large |a|
    a = np.asarray(a)
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1 / (1 + e), e / (1 + e))[()]


sigmoid = defunary(
    "sigmoid", _sigmoid, lambda F, g, ans, a: g * ans * (1 - ans), "σ(a)", "σ(a)·(1 − σ(a))"
)


def _relu(a):
    if a.__class__ is np.ndarray:
        return np.maximum(a, 0)
    return a if a > 0 else a * 0  # scalars: skip the ufunc call, keep nan


relu = defunary(
    "relu", _relu, lambda F, g, ans, a: F.where_positive(a, g), "relu(a)", "1 if a > 0 else 0"
)
abs = defunary("abs", np.abs, lambda F, g, ans, a: g * F.sign(a), "|a|", "sign(a)")
sqrt = defunary("sqrt", np.sqrt, lambda F, g, ans, a: g / (2 * ans), "√a", "1/(2√a)")

# ---------------------------------------------------------------- reductions

sum = defprim(
    "sum",
    lambda a, axis=None, keepdims=False: np.sum(a, axis=axis, keepdims=keepdims),
    [
        lambda F, g, ans, a, axis=None, keepdims=False: F.broadcast_to(
            _expand_reduced(F, g, F.shape(a), axis, keepdims), F.shape(a)
        )
    ],
    "Σ a",
    ["1"],
    reduction=True,
    axes=True,
    function="sum",
    method="sum",
)

mean = defprim(
    "mean",
    lambda a, axis=None, keepdims=False: np.mean(a, axis=axis, keepdims=keepdims),
    [
        lambda F, g, ans, a, axis=None, keepdims=False: (
            F.broadcast_to(_expand_reduced(F, g, F.shape(a), axis, keepdims), F.shape(a))
            / _reduced_count(F.shape(a), axis)
        )
    ],
    "mean(a)",
    ["1/n"],
    reduction=True,
    axes=True,
    function="mean",
    method="mean",
)


def _max_vjp(F, g, ans, a, axis=None, keepdims=False, ties="share"):
    shape = F.shape(a)
    mask = F.equal_mask(a, _expand_reduced(F, ans, shape, axis, keepdims))
    # ties share the gradient equally, so the rule stays symmetric (PyTorch,
    # TensorFlow, JAX); MXNet gives each tied entry the whole of it (ties="each")
    share = mask if ties == "each" else mask / F.sum(mask, axis=axis, keepdims=True)
    return F.broadcast_to(_expand_reduced(F, g, shape, axis, keepdims), shape) * share


max = defprim(
    "max",
    lambda a, axis=None, keepdims=False, ties="share": np.max(a, axis=axis, keepdims=keepdims),
    [_max_vjp],
    "max(a)",
    ["1 where a is the max, else 0"],
    reduction=True,
    axes=True,
    function="max",
    method="max",
)

norm = defprim(
    "norm",
    lambda a: np.sqrt(np.sum(np.square(a))),
    # at a = 0 every entry of a is 0: dividing by 1 there gives PyTorch's
    # subgradient 0 instead of 0/0
    [lambda F, g, ans, a: g * a / (ans + (ans == 0))],
    "‖a‖",
    ["a/‖a‖"],
    reduction=True,
    function="norm",
    method="norm",
)

# ---------------------------------------------------------------- linear algebra


def _dot_forward(a, b):
    if np.ndim(a) != 1 or np.ndim(b) != 1:
        raise MESSAGES.error(ShapeError, "dot_vectors", a=np.shape(a), b=np.shape(b))
    if a.shape != b.shape:
        raise MESSAGES.error(ShapeError, "dot_length", a=tuple(a.shape), b=tuple(b.shape))
    return np.dot(a, b)


dot = defprim(
    "dot",
    _dot_forward,
    [lambda F, g, ans, a, b: g * b, lambda F, g, ans, a, b: g * a],
    "a · b",
    ["b", "a"],
    linear_in=(0, 1),
    function="dot",
    method="dot",
)


def _matmul_vjp_a(F, g, ans, a, b):
    if F.ndim(b) == 1:  # (..., n) @ (n,) -> (...)
        g = F.reshape(g, F.shape(g) + (1,))
        b = F.reshape(b, (1, F.shape(b)[0]))
        ga = g * b
    elif F.ndim(a) == 1:  # (n,) @ (..., n, m) -> (..., m)
        g = F.reshape(g, F.shape(g)[:-1] + (1,) + F.shape(g)[-1:])
        ga = F.reshape(g @ _swap_last(F, b), F.shape(g)[:-2] + (F.shape(a)[0],))
    else:
        ga = g @ _swap_last(F, b)
    return unbroadcast(F, ga, F.shape(a))


def _matmul_vjp_b(F, g, ans, a, b):
    if F.ndim(a) == 1 and F.ndim(b) == 1:  # (n,) @ (n,) -> (): an inner product
        return g * a
    if F.ndim(a) == 1:  # (n,) @ (..., n, m) -> (..., m)
        g = F.reshape(g, F.shape(g)[:-1] + (1,) + F.shape(g)[-1:])
        a = F.reshape(a, (F.shape(a)[0], 1))
        gb = a * g
    elif F.ndim(b) == 1:  # (..., n) @ (n,) -> (...)
        g = F.reshape(g, F.shape(g) + (1,))
        gb = F.reshape(_swap_last(F, a) @ g, F.shape(a)[:-2] + (F.shape(b)[0],))
    else:
        gb = _swap_last(F, a) @ g
    return unbroadcast(F, gb, F.shape(b))


def _matmul_forward(a, b):
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        raise MESSAGES.error(ShapeError, "matmul_scalar", a=np.shape(a), b=np.shape(b))
    inner_a = np.shape(a)[-1]
    inner_b = np.shape(b)[0] if np.ndim(b) == 1 else np.shape(b)[-2]
    if inner_a != inner_b:
        raise MESSAGES.error(
            ShapeError,
            "matmul_inner",
            a=np.shape(a),
            b=np.shape(b),
            cols=inner_a,
            rows=inner_b,
        )
    return np.matmul(a, b)


matmul = defprim(
    "matmul",
    _matmul_forward,
    [_matmul_vjp_a, _matmul_vjp_b],
    "a @ b",
    ["g @ bᵀ", "aᵀ @ g"],
    linear_in=(0, 1),
    function="matmul",
    method="matmul",
)

# ---------------------------------------------------------------- shape


def _reshape_forward(a, shape):
    try:
        return np.reshape(a, shape)
    except ValueError:
        raise MESSAGES.error(
            ShapeError, "reshape", shape=np.shape(a), size=np.size(a), new=tuple(shape)
        ) from None


reshape = defprim(
    "reshape",
    _reshape_forward,
    [lambda F, g, ans, a, shape: F.reshape(g, F.shape(a))],
    "reshape(a)",
    ["1 (values move, unchanged)"],
    linear_in=(0,),
    function="reshape",
    method="reshape",
)

transpose = defprim(
    "transpose",
    lambda a, axes=None: np.transpose(a, axes),
    [
        lambda F, g, ans, a, axes=None: (
            # argsort inverts the permutation only once negative axes are made positive
            F.transpose(
                g, None if axes is None else tuple(np.argsort([ax % F.ndim(a) for ax in axes]))
            )
        )
    ],
    "aᵀ",
    ["1 (values move, unchanged)"],
    linear_in=(0,),
    function="transpose",
    method="transpose",
)

broadcast_to = defprim(
    "broadcast_to",
    lambda a, shape: np.broadcast_to(a, shape),
    [lambda F, g, ans, a, shape: unbroadcast(F, g, F.shape(a))],
    "broadcast(a)",
    ["1, summed over copies"],
    linear_in=(0,),
    function="broadcast_to",
)

getitem = defprim(
    "getitem",
    lambda a, index: np.asarray(a)[index],
    [lambda F, g, ans, a, index: F.unindex(g, index, F.shape(a))],
    "a[i]",
    ["1 at the picked entries, else 0"],
    linear_in=(0,),
)

# scatter-add: the transpose of indexing, used by getitem's VJP; its own VJP
# is indexing again, so gradients of any order go through slices
unindex = defprim(
    "unindex",
    _unindex_forward,
    [lambda F, g, ans, a, index, shape: F.getitem(g, index)],
    "scatter(a)",
    ["1 at the picked entries"],
    linear_in=(0,),
)

# the value itself, as a new node: what a transform calls its function with in
# place of a value an enclosing differentiation follows, a dual tensor made
# from a recorded one, a differentiable copy (x.clone()).  Its own primitive,
# so a diagram shows "y = x" with local derivative 1, not an odd cast,
# reshape or "x + 0"
identity = defprim(
    "identity",
    lambda a: a,
    [lambda F, g, ans, a: g],
    "a",
    ["1"],
    elementwise=True,
)

# a change of floating-point precision (torch's .float()/.double(), tf.cast):
# the gradient is the upstream gradient, brought back to the input's precision
cast = defprim(
    "cast",
    lambda a, dtype: np.asarray(a).astype(dtype)[()],
    [lambda F, g, ans, a, dtype: F.cast(g, F.dtype(a))],
    "cast(a)",
    ["1 (only the precision changes)"],
    elementwise=True,
)

# ---------------------------------------------------------------- beyond the chapter
# (each framework's core: erf for gelu, log1p, maximum/minimum, where, prod,
# min, logsumexp, einsum; the dialects spell them, see their PRIMITIVES)


def _erf(a):
    # numpy has no erf; math.erf is exact to double precision, one call an entry
    a = np.asarray(a)
    out = np.vectorize(math.erf, otypes=[np.float64])(a)
    return out.astype(np.result_type(a.dtype, np.float16))[()]


erf = defunary(
    "erf",
    _erf,
    lambda F, g, ans, a: g * (2 / math.sqrt(math.pi)) * F.exp(-(a * a)),
    "erf(a)",
    "(2/√π)·exp(−a²)",
)
log1p = defunary("log1p", np.log1p, lambda F, g, ans, a: g / (1 + a), "ln(1 + a)", "1/(1 + a)")


def _share(a, b, ties, larger):
    """How much of the gradient ``a`` takes in max(a, b) (``larger``) or
    min(a, b): 1 where it wins, 0 where it loses; at a tie ½ ("split":
    PyTorch, JAX), all of it ("a": TensorFlow, MXNet, torch.clamp) or none ("b")."""
    wins = np.greater(a, b) if larger else np.less(a, b)
    tie = {"split": 0.5, "a": 1.0, "b": 0.0}[ties]
    return wins + np.equal(a, b) * tie


def _extreme_vjp(which, larger):
    def vjp(F, g, ans, a, b, ties="split"):
        share = _share(F.value(a), F.value(b), ties, larger)
        if which == 1:
            share = 1 - share
        share = np.broadcast_to(share, F.shape(g)).astype(F.dtype(g))
        # g × share, with +0 (not −0) where the input lost: PyTorch's zeros
        return F.where_positive(share, g * share)

    return vjp


def _extreme(name, fn, larger, rules):
    return defprim(
        name,
        lambda a, b, ties="split": fn(a, b),
        [_extreme_vjp(0, larger), _extreme_vjp(1, larger)],
        f"{name}(a, b)",
        rules,
        broadcasts=True,
        elementwise=True,
        function=name,
    )


maximum = _extreme("maximum", np.maximum, True, ["1 where a > b, else 0", "1 where b > a, else 0"])
minimum = _extreme("minimum", np.minimum, False, ["1 where a < b, else 0", "1 where b < a, else 0"])

# the branch taken is a constant (a boolean array): where(c, a, b) is a where
# c holds and b elsewhere, and each gets the gradient where it was taken
where = defprim(
    "where",
    lambda a, b, condition: np.where(condition, a, b),
    [
        lambda F, g, ans, a, b, condition: F.where_positive(condition, g),
        lambda F, g, ans, a, b, condition: F.where_positive(np.logical_not(condition), g),
    ],
    "where(c, a, b)",
    ["1 where c holds, else 0", "0 where c holds, else 1"],
    broadcasts=True,
    elementwise=True,
    function="where",
)


def _moved_last(F, x, axis):
    """x with the axes ``axis`` (None: all) moved to the end and merged into
    one, and how to undo it."""
    shape = F.shape(x)
    axes = range(len(shape)) if axis is None else ((axis,) if isinstance(axis, int) else axis)
    axes = sorted(a % len(shape) for a in axes)
    kept = [i for i in range(len(shape)) if i not in axes]
    order = kept + axes
    moved = F.transpose(x, tuple(order)) if order != list(range(len(shape))) else x
    kept_shape = tuple(shape[i] for i in kept)
    flat = F.reshape(moved, kept_shape + (-1,))

    def back(y):
        y = F.reshape(y, kept_shape + tuple(shape[i] for i in axes))
        if order == list(range(len(shape))):
            return y
        return F.transpose(y, tuple(np.argsort(order)))

    return flat, back


def _prod_vjp(F, g, ans, a, axis=None, keepdims=False, divide=False):
    shape = F.shape(a)
    spread = F.broadcast_to(_expand_reduced(F, g, shape, axis, keepdims), shape)
    if divide:
        # MXNet's rule: the product over the entry, nan where the entry is 0
        whole = F.broadcast_to(_expand_reduced(F, ans, shape, axis, keepdims), shape)
        return spread * whole / a
    # the product of the others, exactly (PyTorch, TensorFlow and JAX are
    # exact where an entry is 0, which a division is not): the product of n
    # copies of each group of n entries, copy k with entry k set to 1.  n²
    # numbers, but a product of thousands of entries overflows anyway
    flat, back = _moved_last(F, a, axis)
    n = F.shape(flat)[-1]
    eye = np.eye(n, dtype=F.dtype(a))
    rows = F.reshape(flat, F.shape(flat)[:-1] + (1, n))
    others = F.prod(rows * (1 - eye) + eye, axis=-1)
    return spread * back(others)


prod = defprim(
    "prod",
    lambda a, axis=None, keepdims=False, divide=False: np.prod(a, axis=axis, keepdims=keepdims),
    [_prod_vjp],
    "Π a",
    ["product of the other entries"],
    reduction=True,
    axes=True,
    function="prod",
    method="prod",
)

min = defprim(
    "min",
    lambda a, axis=None, keepdims=False, ties="share": np.min(a, axis=axis, keepdims=keepdims),
    [_max_vjp],
    "min(a)",
    ["1 where a is the min, else 0"],
    reduction=True,
    axes=True,
    function="min",
    method="min",
)


def _logsumexp(a, axis=None, keepdims=False):
    a = np.asarray(a)
    top = np.max(a, axis=axis, keepdims=True)
    top = np.where(np.isfinite(top), top, 0)  # all −inf: log(0) = −inf, not nan
    out = np.log(np.sum(np.exp(a - top), axis=axis, keepdims=True)) + top
    return (out if keepdims else np.squeeze(out, axis=axis))[()]


logsumexp = defprim(
    "logsumexp",
    _logsumexp,
    [
        lambda F, g, ans, a, axis=None, keepdims=False: (
            F.broadcast_to(_expand_reduced(F, g, F.shape(a), axis, keepdims), F.shape(a))
            * F.exp(a - _expand_reduced(F, ans, F.shape(a), axis, keepdims))
        )
    ],
    "log Σ exp(a)",
    ["softmax(a) = exp(a − log Σ exp(a))"],
    reduction=True,
    axes=True,
    function="logsumexp",
)


# ---------------------------------------------------------------- einsum

# einsum takes any number of operands; the table holds one VJP (and one rule
# text) per position, up to this many
EINSUM_OPERANDS = 8


def einsum_subscripts(subscripts, ndims):
    """numpy's einsum subscripts for operands of ``ndims`` dimensions written
    out: no spaces, every ``...`` spelled with letters, the output explicit
    (numpy's implicit rule: the ellipsis, then the letters used once, sorted)."""
    text = subscripts.replace(" ", "")
    inputs, arrow, out = text.partition("->")
    specs = inputs.split(",")
    if len(specs) != len(ndims):
        raise MESSAGES.error(
            ValueError, "einsum_count", subscripts=repr(subscripts), n=len(specs), m=len(ndims)
        )
    spare = [c for c in string.ascii_letters if c not in text]
    widest = 0
    for spec, n in zip(specs, ndims):
        if "..." in spec:
            widest = builtins.max(widest, n - (len(spec) - 3))
    dots = "".join(spare[:widest])
    written = []
    for spec, n in zip(specs, ndims):
        if "..." in spec:
            k = n - (len(spec) - 3)
            spec = spec.replace("...", dots[widest - k :] if k else "")
        if len(spec) != n or not (spec.isalpha() or spec == ""):
            raise MESSAGES.error(ValueError, "einsum_fit", spec=repr(spec), n=n)
        written.append(spec)
    if arrow:
        out = out.replace("...", dots)
    else:
        counts = collections.Counter("".join(written))
        out = dots + "".join(sorted(c for c, k in counts.items() if k == 1 and c not in dots))
    return ",".join(written) + "->" + out


def tensordot_subscripts(ndim_a, ndim_b, axes=2):
    """einsum subscripts for numpy's tensordot: ``axes`` an int (the last n
    axes of a against the first n of b) or a pair of axis lists."""
    if isinstance(axes, int):
        a_axes, b_axes = list(range(ndim_a - axes, ndim_a)), list(range(axes))
    else:
        a_axes, b_axes = ([x] if isinstance(x, int) else list(x) for x in axes)
    a_axes = [x % ndim_a for x in a_axes]
    b_axes = [x % ndim_b for x in b_axes]
    if len(a_axes) != len(b_axes):
        raise MESSAGES.error(ValueError, "tensordot_axes", n=len(a_axes), m=len(b_axes))
    letters = iter(string.ascii_letters)
    a = [next(letters) for _ in range(ndim_a)]
    b = [next(letters) for _ in range(ndim_b)]
    for i, j in zip(a_axes, b_axes):
        b[j] = a[i]
    out = [c for k, c in enumerate(a) if k not in a_axes]
    out += [c for k, c in enumerate(b) if k not in b_axes]
    return f"{''.join(a)},{''.join(b)}->{''.join(out)}"


def _einsum_vjp(i):
    """The VJP for operand ``i``: the upstream gradient contracted with the
    other operands back into operand i's letters.  A letter repeated in the
    operand (a diagonal, a trace) gets a delta (an identity matrix) that puts
    the gradient on the diagonal; a letter summed out of this operand alone
    gets a vector of ones that spreads the gradient along it."""

    def vjp(F, g, ans, *operands, subscripts):
        inputs, out = subscripts.split("->")
        specs = inputs.split(",")
        sizes = {}
        for spec, x in zip(specs, operands):
            for c, n in zip(spec, F.shape(x)):
                sizes[c] = builtins.max(sizes.get(c, 1), n)
        spare = iter(c for c in string.ascii_letters if c not in subscripts)
        dtype = F.dtype(g)
        target, extra_specs, extras = "", [], []
        for c in specs[i]:
            if c in target:
                fresh = next(spare)
                target += fresh
                extra_specs.append(c + fresh)
                extras.append(np.eye(sizes[c], dtype=dtype))
            else:
                target += c
        others = [(s, x) for k, (s, x) in enumerate(zip(specs, operands)) if k != i]
        present = set(out).union(*(s for s, _ in others), *extra_specs)
        for c in dict.fromkeys(target):
            if c not in present:
                extra_specs.append(c)
                extras.append(np.ones(sizes[c], dtype=dtype))
        spec = ",".join([out, *(s for s, _ in others), *extra_specs]) + "->" + target
        return F.einsum(spec, g, *(x for _, x in others), *extras)

    return vjp


einsum = defprim(
    "einsum",
    lambda *operands, subscripts: np.einsum(subscripts, *operands),
    [_einsum_vjp(i) for i in range(EINSUM_OPERANDS)],
    "einsum(a, b)",
    ["g contracted with the other operands"] * EINSUM_OPERANDS,
    broadcasts=True,
    linear_in=tuple(range(EINSUM_OPERANDS)),
    function="einsum",
    variadic=True,
)
