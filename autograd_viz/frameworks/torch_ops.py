"""What a PyTorch autograd node is: its operation's name, its inputs, the
arguments it saved, how to run its operation again, and which primitive of
our table (if any) means the same.

PyTorch keeps a node (``grad_fn``) per recorded operation, named after its
backward function (``MulBackward0``), with its inputs' nodes in
``next_functions`` (None for an input that needs no gradient) and the
arguments its backward needs as ``_saved_<name>`` attributes, named after the
ATen operation's own arguments.  That is enough to find the operation's
schema, and so to run it again (:func:`replay`) on the same inputs: how the
capture learns a value PyTorch did not keep, and how forward mode pushes
tangents (``torch.autograd.forward_ad``) through the recorded graph.
Nothing here changes a node.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import torch

_BACKWARD = re.compile(r"Backward\d*$")
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")

# in-place writes into a view: PyTorch rewrites the base's history; what the
# diagram would show is not what the user wrote, so these are refused
VIEW_WRITES = ("CopySlices", "AsStridedBackward", "CopyBackwards")


def is_leaf(node):
    return type(node).__name__ == "AccumulateGrad"


def op_name(node):
    """``MulBackward0`` -> ``mul``, ``LinalgVectorNormBackward0`` -> ``linalg_vector_norm``."""
    base = _BACKWARD.sub("", node.name().rsplit("::", 1)[-1])
    return _CAMEL.sub("_", base).lower()


def saved(node, name):
    """``node._saved_<name>`` (None when absent).  A freed graph raises
    RuntimeError, which callers turn into a message."""
    return getattr(node, "_saved_" + name, None)


def output_shape(node, output_nr=0):
    return tuple(node._input_metadata[output_nr].shape)


def output_dtype(node, output_nr=0):
    return node._input_metadata[output_nr].dtype


# ---------------------------------------------------------------- schemas


@dataclass
class Schema:
    """How to run a node's operation: the overload and where each argument comes from."""

    overload: object  # torch.ops.aten.<op>.<overload>
    tensors: list  # argument names of the tensor inputs, in next_functions order
    args: list  # (name, kind, source): kind "tensor" or "value"; source for values


_SCHEMAS = {}
_SHAPE_ARGS = ("size", "shape")


def _overloads(name):
    for base in (name, "_" + name):
        packet = getattr(torch.ops.aten, base, None)
        if packet is None:
            continue
        for overload in packet.overloads():
            op = getattr(packet, overload)
            args = op._schema.arguments
            if any(a.alias_info is not None and a.alias_info.is_write for a in args):
                continue  # out= and in-place variants
            yield op


def schema(node):
    """The :class:`Schema` of ``node``'s operation, or None where it cannot be found."""
    key = (node.name(), len(node.next_functions))
    if key in _SCHEMAS:
        return _SCHEMAS[key]
    names = tuple(sorted(a[7:] for a in dir(node) if a.startswith("_saved_")))
    best, best_score = None, -1
    for op in _overloads(op_name(node)):
        args = op._schema.arguments
        tensors = [a.name for a in args if str(a.type) == "Tensor"]
        if len(tensors) != len(node.next_functions):
            continue
        if any(str(a.type) not in ("Tensor",) and "Tensor" in str(a.type) for a in args):
            continue  # lists or optionals of tensors: not replayed
        plan, score, ok = [], 0, True
        for a in args:
            if str(a.type) == "Tensor":
                plan.append((a.name, "tensor", None))
            elif a.name in names:
                plan.append((a.name, "value", "saved"))
                score += 1
            elif a.name in _SHAPE_ARGS:
                plan.append((a.name, "value", "shape"))
            elif a.name == "dtype" and not a.has_default_value():
                plan.append((a.name, "value", "dtype"))
            elif a.has_default_value():
                plan.append((a.name, "value", "default"))
            else:
                ok = False
                break
        # saved arguments the overload does not take: a sign it is the wrong one
        extra = [n for n in names if n in _arg_like(names) and n not in {a.name for a in args}]
        if ok and score - len(extra) > best_score:
            best, best_score = Schema(op, tensors, plan), score - len(extra)
    _SCHEMAS[key] = best
    return best


def _arg_like(names):
    """Saved names that are arguments, not derived facts (``self_sym_sizes``, ``result``)."""
    return {n for n in names if not n.endswith(("_sym_sizes", "_sym_strides", "_sym_numel"))} - {
        "result",
        "result0",
        "result1",
    }


def replay(node, inputs, sch=None):
    """Run ``node``'s operation again on ``inputs`` (one tensor per tensor
    argument, in order); None where that cannot be done."""
    sch = sch or schema(node)
    if sch is None:
        return None
    it = iter(inputs)
    args, kwargs = [], {}
    kw_only = {a.name for a in sch.overload._schema.arguments if a.kwarg_only}
    for name, kind, source in sch.args:
        if kind == "tensor":
            value = next(it)
        elif source == "saved":
            value = saved(node, name)
        elif source == "shape":
            value = list(output_shape(node))
        elif source == "dtype":
            value = output_dtype(node)
        else:
            continue  # its default
        if name in kw_only:
            kwargs[name] = value
        else:
            args.append(value)
    out = sch.overload(*args, **kwargs)
    return out[0] if isinstance(out, (tuple, list)) else out


def constant(node, position, sch=None):
    """The value of the ``position``-th tensor input when it needs no
    gradient (a constant), from what the node saved; None if not saved."""
    sch = sch or schema(node)
    if sch is None:
        return None
    value = saved(node, sch.tensors[position])
    return value if isinstance(value, torch.Tensor) else None


# ---------------------------------------------------------------- our primitives


@dataclass
class Match:
    """A node read as one of our primitives: its name, its parameters, and for
    each of the primitive's inputs where it comes from: ("input", k) the k-th
    of the node's inputs, or ("const", value) a number the node saved."""

    primitive: str
    params: dict
    inputs: list


def _same(prim):
    def match(node, n):
        return Match(prim, {}, [("input", k) for k in range(n)])

    return match


def _alpha_one(prim):
    def match(node, n):
        if n != 2 or saved(node, "alpha") not in (1, None):
            return None
        return Match(prim, {}, [("input", 0), ("input", 1)])

    return match


def _pow(node, n):
    name = node.name()
    if name == "PowBackward0":  # x ** 2: the exponent is a number
        return Match("pow", {}, [("input", 0), ("const", saved(node, "exponent"))])
    if name == "PowBackward1":
        return Match("pow", {}, [("input", 0), ("input", 1)])
    if name == "PowBackward2":  # 2 ** x: the base is a number
        return Match("pow", {}, [("const", saved(node, "self")), ("input", 0)])
    return None


def _reduce(prim):
    def match(node, n):
        dim = saved(node, "dim")
        if dim is None:
            if node.name()[-1] != "0":
                return None
            return Match(prim, {}, [("input", 0)])
        dims = tuple(dim) if isinstance(dim, (tuple, list)) else (dim,)
        axis = dims[0] if len(dims) == 1 else dims
        return Match(prim, {"axis": axis, "keepdims": bool(saved(node, "keepdim"))}, [("input", 0)])

    return match


def _max(node, n):
    return Match("max", {}, [("input", 0)]) if node.name() == "MaxBackward1" else None


def _norm(node, n):
    if saved(node, "ord") != 2 or saved(node, "dim") is not None or saved(node, "keepdim"):
        return None
    return Match("norm", {}, [("input", 0)])


def _shape_of(prim):
    def match(node, n):
        return Match(prim, {"shape": output_shape(node)}, [("input", 0)])

    return match


def _transpose(node, n):
    if node.name() == "TBackward0":
        return Match("transpose", {"axes": None}, [("input", 0)])
    return Match("transpose", {"axes": tuple(saved(node, "dims"))}, [("input", 0)])


def _select(node, n):
    dim, index = saved(node, "dim"), saved(node, "index")
    if not isinstance(index, int):
        return None
    return Match("getitem", {"index": (slice(None),) * dim + (index,)}, [("input", 0)])


def _slice(node, n):
    dim = saved(node, "dim")
    start, end, step = saved(node, "start"), saved(node, "end"), saved(node, "step")
    size = saved(node, "self_sym_sizes")[dim]
    end = None if end is None or end >= size else end
    start = None if not start else start
    step = None if step == 1 else step
    return Match(
        "getitem", {"index": (slice(None),) * dim + (slice(start, end, step),)}, [("input", 0)]
    )


def _cast(node, n):
    return Match("cast", {"dtype": _numpy_dtype(output_dtype(node))}, [("input", 0)])


def _numpy_dtype(dtype):
    return torch.empty((), dtype=dtype).numpy().dtype


PRIMITIVES = {
    "AddBackward0": _alpha_one("add"),
    "SubBackward0": _alpha_one("sub"),
    "MulBackward0": _same("mul"),
    "DivBackward0": _same("div"),
    "PowBackward0": _pow,
    "PowBackward1": _pow,
    "PowBackward2": _pow,
    "NegBackward0": _same("neg"),
    "ExpBackward0": _same("exp"),
    "LogBackward0": _same("log"),
    "SinBackward0": _same("sin"),
    "CosBackward0": _same("cos"),
    "TanhBackward0": _same("tanh"),
    "SigmoidBackward0": _same("sigmoid"),
    "ReluBackward0": _same("relu"),
    "AbsBackward0": _same("abs"),
    "SqrtBackward0": _same("sqrt"),
    "SumBackward0": _reduce("sum"),
    "SumBackward1": _reduce("sum"),
    "MeanBackward0": _reduce("mean"),
    "MeanBackward1": _reduce("mean"),
    "MaxBackward1": _max,
    "LinalgVectorNormBackward0": _norm,
    "DotBackward0": _same("dot"),
    "MmBackward0": _same("matmul"),
    "MvBackward0": _same("matmul"),
    "ViewBackward0": _shape_of("reshape"),
    "UnsafeViewBackward0": _shape_of("reshape"),
    "ExpandBackward0": _shape_of("broadcast_to"),
    "TBackward0": _transpose,
    "PermuteBackward0": _transpose,
    "SelectBackward0": _select,
    "SliceBackward0": _slice,
    "ToCopyBackward0": _cast,
}


def match(node):
    """The :class:`Match` of ``node`` with our table, or None."""
    rule = PRIMITIVES.get(node.name())
    if rule is None:
        return None
    try:
        return rule(node, len(node.next_functions))
    except (RuntimeError, TypeError, IndexError):
        return None
