"""Derivative rules the user writes: torch.autograd.Function,
tf.custom_gradient, jax.custom_jvp and custom_vjp, MXNet's autograd.Function.

Each call of such a function is one op of the graph, a :class:`Custom`
primitive made for that call (it holds what the call saved), drawn under the
function's name.  Its value is what the user's forward computed; its VJP is
the user's backward rule and its tangent rule the user's forward-mode rule,
called with the dialect's own tensors:

* ``backward(cotangents)``: one gradient (or None) per input, for one
  cotangent per output;
* ``tangent(primals, tangents)``: one tangent per output, for one tangent
  (zeros where an input has none) per input.

Given only one of them, the other is its transpose, found by calling the one
given on the basis vectors (one call per entry), as JAX differentiates a
custom_jvp function in reverse mode and TensorFlow a custom gradient in
forward mode; a framework that refuses instead says so through ``missing``.

During a plain backward pass the rule runs with recording off, on the
values as they are; when the pass is itself differentiated
(``create_graph=True``) it runs recorded, so the rule's own ops carry the
higher derivatives, as in PyTorch.  A function of several outputs is one
node whose value packs them (flattened, one after the other); each output
is a slice of it.
"""

from __future__ import annotations

import numpy as np

from . import ops
from .graph import STATE, as_plain
from .messages import MESSAGES
from .tensor import Tensor, apply, as_class, concatenate, stack


class Custom(ops.Primitive):
    """One call of a user's rule (see the module docstring).  Not in the
    registry: a diagram draws it under the user's name with ``rule`` as the
    local rule of each input, and its backward step shows the numbers the
    rule gave."""

    __slots__ = (
        "value",
        "cls",
        "shapes",
        "dtypes",
        "outputs",
        "_rules",
        "_missing",
        "_last",
        "_saved_inputs",
    )

    def __init__(self, name, cls, inputs, outputs, backward, tangent, rule, missing):
        n = len(inputs)
        super().__init__(
            name,
            self._forward,
            [self._vjp_of(i) for i in range(n)],
            f"{name}({', '.join('ab'[:n]) if n <= 2 else '…'})",
            [rule or name] * n,
            linear_in=tuple(range(n)),
            shortcuts=(None,) * n,  # the user's rule is called, never probed
        )
        self.cls = cls
        self.shapes = [x.shape for x in inputs]
        self.dtypes = [x.data.dtype for x in inputs]
        self.outputs = [(np.shape(v), np.asarray(v).dtype) for v in outputs]
        self.value = _pack(outputs)
        self._rules = (backward, tangent)
        self._missing = missing or {}
        self._saved_inputs = inputs
        # (upstream, gradients): the rule runs once per upstream, though the
        # backward pass asks input by input and a diagram asks again
        self._last = None

    def _forward(self, *arrays, **params):
        return self.value

    @property
    def shows_local_value(self):
        return False  # the user's rule: its numbers, not a local derivative array

    # -- reverse mode ------------------------------------------------------
    def _vjp_of(self, i):
        def vjp(F, g, ans, *inputs, **params):
            return self.gradients(F, g)[i]

        return vjp

    def gradients(self, F, g):
        """Every input's gradient for the upstream ``g`` (numpy under a plain
        backward pass, a recorded tensor under create_graph)."""
        last = self._last
        if last is not None and (last[0] is g or _same(last[0], g)):
            return last[1]
        backward, tangent = self._rules
        if backward is None and tangent is None:
            raise _refusal(self._missing.get("reverse"), self.name)
        if backward is None:
            grads = [self._transposed_tangent(F, g, i) for i in range(self.arity)]
        else:
            grads = self._run_backward(F, g)
        self._last = (g, grads)
        return grads

    def _run_backward(self, F, g):
        backward = self._rules[0]
        cots = [self._wrap(F, c) for c in _unpack(F, g, self.outputs)]
        with _recording(F):
            grads = backward(cots)
        if not isinstance(grads, (list, tuple)):
            grads = [grads]
        if len(grads) != self.arity:
            raise self.cls._messages.error(
                TypeError, "rule_grad_count", name=self.name, n=len(grads), arity=self.arity
            )
        return [self._as_gradient(F, r, i) for i, r in enumerate(grads)]

    def _as_gradient(self, F, r, i):
        shape, dtype = self.shapes[i], self.dtypes[i]
        if r is None:
            zeros = np.zeros(shape, dtype)
            return zeros if F is ops.NUMPY else self.cls._plain(zeros)
        if F is ops.NUMPY:
            r = np.asarray(as_plain(r), dtype=dtype)
        elif not isinstance(r, Tensor):
            r = self.cls._plain(np.asarray(r, dtype=dtype))
        if tuple(F.shape(r)) != tuple(shape):
            # a gradient the input broadcasts to is summed back to it, as PyTorch does
            r = ops.unbroadcast(F, r, tuple(shape))
            if tuple(F.shape(r)) != tuple(shape):
                got = tuple(F.shape(r))
                raise self.cls._messages.error(
                    ValueError,
                    "rule_grad_shape",
                    name=self.name,
                    i=i,
                    got=got,
                    shape=tuple(shape),
                    got_dims=list(got),  # as PyTorch writes a shape
                    dims=list(shape),
                )
        return r

    def _transposed_tangent(self, F, g, i):
        """Input ``i``'s gradient from the tangent rule: entry k is the tangent
        that the k-th basis vector of input i gives, dotted with ``g``."""
        size = int(np.prod(self.shapes[i], dtype=np.int64))
        entries = []
        for k in range(size):
            basis = np.zeros(size, self.dtypes[i])
            basis[k] = 1
            tangents = [None] * self.arity
            tangents[i] = basis.reshape(self.shapes[i])
            out = self._run_tangent(F, None, tangents)
            entries.append(F.sum(out * g))
        return _gathered(F, entries, self.shapes[i])

    # -- forward mode ------------------------------------------------------
    def jvp(self, i, F, t, ans, inputs, params):
        tangents = [None] * self.arity
        tangents[i] = t
        backward, tangent = self._rules
        if tangent is not None:
            return self._run_tangent(F, inputs, tangents)
        if backward is None or "forward" in self._missing:
            raise _refusal(self._missing.get("forward"), self.name)
        return self._transposed_gradient(F, i, t)

    def _run_tangent(self, F, inputs, tangents):
        """The output's tangent (packed) by the user's tangent rule."""
        tangent = self._rules[1]
        primals = self._primals(F, inputs)
        full = [
            self._wrap(F, np.zeros(s, d) if t is None else t)
            for t, s, d in zip(tangents, self.shapes, self.dtypes)
        ]
        with _recording(F):
            outs = tangent(primals, full)
        if not isinstance(outs, (list, tuple)):
            outs = [outs]
        outs = [o if F is not ops.NUMPY else np.asarray(as_plain(o)) for o in outs]
        return _pack_f(F, outs, self.outputs)

    def _transposed_gradient(self, F, i, t):
        """The output's tangent from the backward rule: entry k is row k of
        the Jacobian (the gradient the k-th basis cotangent gives) dotted with
        input i's tangent ``t``."""
        size = int(np.prod(np.shape(self.value), dtype=np.int64))
        entries = []
        for k in range(size):
            basis = np.zeros(size, np.asarray(self.value).dtype)
            basis[k] = 1
            row = self._run_backward(F, basis.reshape(np.shape(self.value)))[i]
            entries.append(F.sum(row * t))
        return _gathered(F, entries, np.shape(self.value))

    # -- values the user's code sees -----------------------------------------
    def _primals(self, F, inputs):
        """The inputs as the user's tangent rule sees them: the recorded
        inputs under a recorded pass, their plain values otherwise."""
        if inputs is None:
            inputs = self._saved_inputs
        if F is ops.NUMPY:
            return [self.cls._plain(np.asarray(as_plain(x))) for x in inputs]
        return [x if isinstance(x, Tensor) else self.cls._plain(np.asarray(x)) for x in inputs]

    def _wrap(self, F, value):
        if F is ops.NUMPY or not isinstance(value, Tensor):
            return self.cls._plain(np.asarray(as_plain(value)))
        return as_class(value, self.cls)


def _same(a, b):
    return (
        isinstance(a, np.ndarray | np.generic)
        and isinstance(b, np.ndarray | np.generic)
        and np.shape(a) == np.shape(b)
        and np.array_equal(a, b)
    )


def _refusal(missing, name):
    kind, message = missing or (NotImplementedError, f"{name} has no rule for this mode")
    return kind(message)


class _recording:
    """While a rule runs: recording off for a plain pass (its ops are only
    arithmetic), on (whatever the dialect's scope) for a recorded one."""

    def __init__(self, F):
        self.record = F is not ops.NUMPY

    def __enter__(self):
        self.before = STATE.grad_enabled
        STATE.grad_enabled = self.record
        if self.record:
            STATE.record_all += 1

    def __exit__(self, *exc):
        STATE.grad_enabled = self.before
        if self.record:
            STATE.record_all -= 1


def _pack(values):
    if len(values) == 1:
        return values[0]
    dtypes = {np.asarray(v).dtype for v in values}
    if len(dtypes) > 1:
        raise MESSAGES.error(TypeError, "rule_output_dtypes", dtypes=sorted(map(str, dtypes)))
    return np.concatenate([np.ravel(v) for v in values])


def _pack_f(F, outs, layout):
    if len(layout) == 1:
        return outs[0]
    if F is ops.NUMPY:
        return np.concatenate([np.ravel(o) for o in outs])
    return concatenate([F.reshape(o, (-1,)) for o in outs])


def _unpack(F, g, layout):
    """The cotangent of each output, from the packed node's."""
    if len(layout) == 1:
        return [g]
    out, start = [], 0
    for shape, _ in layout:
        n = int(np.prod(shape, dtype=np.int64))
        out.append(F.reshape(F.getitem(g, slice(start, start + n)), shape))
        start += n
    return out


def _gathered(F, entries, shape):
    if F is ops.NUMPY:
        return np.asarray(entries).reshape(shape)
    return F.reshape(stack(entries), shape)


class paused:
    """Run the user's forward with nothing recorded: the call is one op."""

    def __enter__(self):
        self.before = STATE.grad_enabled
        STATE.grad_enabled = False

    def __exit__(self, *exc):
        STATE.grad_enabled = self.before


def call(name, cls, inputs, outputs, backward=None, tangent=None, rule=None, missing=None):
    """Record one call of a function with rules of its own and give its outputs.

    ``inputs``: the tensors it differentiates (of flavour ``cls``);
    ``outputs``: the values its forward computed (numpy, one per output);
    ``backward`` / ``tangent``: the rules (see the module docstring);
    ``rule``: the text a diagram shows as each input's local rule;
    ``missing``: {"forward" or "reverse": (exception type, message)} for a
    mode the framework refuses.  Returns one tensor per output."""
    inputs = [x if isinstance(x, Tensor) else cls(x) for x in inputs]
    values = [np.asarray(as_plain(v)) for v in outputs]
    prim = Custom(name, cls, inputs, values, backward, tangent, rule, missing)
    if not inputs:
        return [cls._plain(v) for v in values]
    node = apply(prim, *inputs)
    if len(values) == 1:
        return [node]
    outs, start = [], 0
    for v in values:
        n = v.size
        outs.append(node[start : start + n].reshape(v.shape))
        start += n
    return outs


__all__ = ["Custom", "call", "paused"]
