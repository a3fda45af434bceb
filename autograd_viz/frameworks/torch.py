"""Real PyTorch as a graph description: the graph PyTorch recorded, drawn as it ran.

Two ways in, one walk.  :func:`describe` reads the autograd graph behind a
tensor: one op per autograd node (``grad_fn``), its inputs from
``next_functions``, the leaves from ``AccumulateGrad.variable``.  Under
:class:`Capture` (``with av.capture(model):``) a ``TorchFunctionMode``
also records, as the code runs, every operation's value, the constants it
took, the ``nn.Module`` it ran in, and (through a hook on every node) the
gradients PyTorch's own backward pass sent through it; in-place changes
(an optimizer's step) keep the value they overwrite.

Where a value was not recorded it is read from what the node saved, or by
running the node's operation again on its inputs (``torch_ops.replay``);
a backward pass that was not recorded is asked of PyTorch now
(``torch.autograd.grad``, ``retain_graph=True``, hooks on every node; no
``.grad`` changes).  Forward mode runs the same operations again with
``torch.autograd.forward_ad``.  Every number is PyTorch's; an op that one of
our primitives describes is checked against that primitive on these very
numbers before our rule text is shown for it.
"""

from __future__ import annotations

import itertools
import sys
import weakref

import numpy as np
import torch
import torch.autograd.forward_ad as fwAD
from torch.overrides import TorchFunctionMode

from ..description import (
    BackwardPass,
    BackwardStep,
    DescriptionError,
    Graph,
    Module,
    Passes,
    Push,
    Send,
    TangentRun,
    TangentStep,
    Update,
    Value,
    add_totals,
)
from ..description.fold import fold
from ..description.naming import check_names, frame_variables, user_frame
from ..engine import ops as _ops
from ..i18n import error
from ..i18n import resolve as resolve_lang
from . import close
from . import torch_ops as O

KEY = "autograd_viz"  # our record's key in a node's ``metadata`` dict
KEEP_PASSES = 2  # backward passes remembered per node
KEEP_VERSIONS = 8  # old values remembered per changed leaf


# ---------------------------------------------------------------- recording


class _Rec:
    """What the capture learned about one autograd node (kept in ``node.metadata``)."""

    __slots__ = (
        "func",
        "value",
        "version",
        "snapshot",
        "consts",
        "call",
        "leaves",
        "passes",
        "watched",
        "result",
        "args",
        "start",
        "done",
    )

    def __init__(self, func, value, call, args=(), start=None):
        self.func = func  # the torch function whose result it made (None: made inside one)
        self.value = value  # its output, detached (shares storage with it)
        self.version = value._version if value is not None else None
        self.snapshot = None  # the output before an in-place change overwrote it
        self.call = call  # the module call it ran in (a _Call), or None
        self.args = args  # the call's arguments (numbers it took that nothing saved)
        self.start = start  # sequence number of the capture's start (None: not captured)
        # filled in later (_complete), before a backward pass frees what they read
        self.done = False
        self.consts = _NO_ITEMS  # input slot -> constant tensor it took
        self.leaves = _NO_ITEMS  # id(leaf) -> the leaf's version when used
        # pass id -> (order, upstreams, contributions); shared and empty until a
        # pass runs (one dict less per operation while the code runs)
        self.passes = _NO_ITEMS
        self.watched = False  # has a hook for passes run after the block
        self.result = None  # weak reference to the user's output tensor, once known

    def output(self):
        """The output as computed, or None if it was overwritten unrecorded."""
        if self.snapshot is not None:
            return self.snapshot
        if self.value is not None and self.value._version == self.version:
            return self.value
        return None


class _Call:
    """One call of an nn.Module: a group on the drawing."""

    __slots__ = ("path", "kind", "parent", "depth")

    def __init__(self, path, kind, parent):
        self.path, self.kind, self.parent = path, kind, parent
        self.depth = 1 if parent is None else parent.depth + 1


class _ByTensor:
    """A dict keyed by tensors that does not keep them alive (a
    WeakKeyDictionary compares keys with ``==``, which a tensor answers elementwise)."""

    def __init__(self):
        self._items = {}

    def _drop(self, key):
        self._items.pop(key, None)

    def get(self, tensor, default=None):
        hit = self._items.get(id(tensor))
        return hit[1] if hit is not None and hit[0]() is tensor else default

    def setdefault(self, tensor, default):
        hit = self._items.get(id(tensor))
        if hit is not None and hit[0]() is tensor:
            return hit[1]
        key = id(tensor)
        self._items[key] = (weakref.ref(tensor, lambda _, key=key: self._drop(key)), default)
        return default


_SNAPSHOTS = _ByTensor()  # leaf -> {version: its value then}
_UPDATES = _ByTensor()  # leaf -> [(version before, before, after, grad, alpha)]
_PASS_ROOTS = {}  # pass id -> the output a recorded backward pass started from
_ORDER = itertools.count()
_PASS_IDS = itertools.count()


def _watch_later_passes(frame):
    """A backward pass run after the block (``loss.backward()`` on the next
    line) is recorded too: the graphs the caller still holds get a hook on
    every recorded node now, once, rather than one per operation while the
    code ran (that would slow every step of a training loop)."""
    roots = []
    for _, value in frame_variables(frame):
        if isinstance(value, torch.Tensor) and value.grad_fn is not None:
            rec = value.grad_fn.metadata.get(KEY)
            if rec is not None and not rec.watched:
                rec.result = weakref.ref(value)  # a pass may start here
                roots.append(value.grad_fn)
    for f in _complete(roots):
        rec = f.metadata[KEY]
        if not rec.watched:
            rec.watched = True
            f.register_hook(_late_hook(rec))


_TASKS = {}  # PyTorch's graph task id -> our pass id (passes run outside the block)


def _late_hook(rec):
    def hook(grad_inputs, grad_outputs):
        if _IN_BLOCK_PASS[0]:
            return  # the block's own pass records it already
        task = torch._C._current_graph_task_id()
        pass_id = _TASKS.get(task)
        if pass_id is None:
            pass_id = _TASKS[task] = next(_PASS_IDS)
            while len(_TASKS) > KEEP_PASSES:
                _TASKS.pop(min(_TASKS))
            # the first node a pass runs is where it started
            root = rec.result() if rec.result is not None else None
            if root is not None:
                _keep_root(pass_id, root)
        _post_hook(rec, pass_id)(grad_inputs, grad_outputs)

    return hook


def _keep_root(pass_id, root):
    while len(_PASS_ROOTS) >= KEEP_PASSES:
        _PASS_ROOTS.pop(min(_PASS_ROOTS))
    # held until a later pass replaces it, as the engine keeps its last root
    _PASS_ROOTS[pass_id] = root


_IN_BLOCK_PASS = [False]  # a pass run by the block (its own hooks record it)


def _post_hook(rec, pass_id):
    def hook(grad_inputs, grad_outputs):
        if rec.passes is _NO_ITEMS:
            rec.passes = {}
        elif pass_id not in rec.passes and len(rec.passes) >= KEEP_PASSES:
            rec.passes.pop(min(rec.passes))
        rec.passes[pass_id] = (next(_ORDER), tuple(grad_outputs), tuple(grad_inputs))

    return hook


class _Recorder(TorchFunctionMode):
    """Sees every torch function call while the capture is on."""

    def __init__(self, capture):
        super().__init__()
        self.capture = capture

    def __torch_function__(self, func, types, args=(), kwargs=None):
        # every torch call of the user's code passes here: keep it short (the
        # capture's cost is measured in bench/render_bench.py, case e)
        if kwargs is None:
            kwargs = {}
        if func in _BACKWARDS:
            return self.capture._backward(func, args, kwargs)
        name = getattr(func, "__name__", "")
        if name[-1:] == "_" or "out" in kwargs or name in _IN_PLACE_DUNDERS:
            targets = _in_place_targets(name, args, kwargs)
            before = [_before_change(x) for x in targets]
            out = func(*args, **kwargs)
            for x, b in zip(targets, before):
                _after_change(x, b, name, args, kwargs)
        else:
            out = func(*args, **kwargs)
        if isinstance(out, torch.Tensor):
            fn = out.grad_fn
            if fn is not None:
                meta = fn.metadata
                if KEY not in meta:
                    # the rest waits for a backward pass, the block's end or a drawing
                    capture = self.capture
                    meta[KEY] = _Rec(name, out.detach(), capture._current, args, capture._start)
        elif isinstance(out, (tuple, list)):
            for o in out:
                if isinstance(o, torch.Tensor) and o.grad_fn is not None:
                    meta = o.grad_fn.metadata
                    if KEY not in meta:
                        self.capture._record(name, o.grad_fn, meta, o, args)
        return out


# the calls that run a backward pass: under the capture each records what
# PyTorch sends through every node of the graph (hooks on them while it runs)
_BACKWARDS = frozenset((torch.Tensor.backward, torch.autograd.backward, torch.autograd.grad))
_IN_PLACE_DUNDERS = frozenset(("__setitem__", "__iadd__", "__isub__", "__imul__", "__itruediv__"))


def _in_place_targets(name, args, kwargs):
    """The tensors a call writes into: ``x.add_(...)``, ``x[0] = ...``, ``out=``."""
    out = kwargs.get("out")
    if out is not None:
        return [out] if isinstance(out, torch.Tensor) else list(out)
    if not args:
        return ()
    if (name.endswith("_") and not name.startswith("__")) or name in _IN_PLACE_DUNDERS:
        first = args[0]
        if isinstance(first, torch.Tensor):
            return [first]
        if isinstance(first, (list, tuple)):  # torch._foreach_add_(params, grads)
            return [x for x in first if isinstance(x, torch.Tensor)]
    return ()


def _before_change(x):
    """Keep what an in-place change is about to overwrite, where a drawing needs it."""
    fn = x.grad_fn
    if fn is not None:
        rec = fn.metadata.get(KEY)
        if rec is not None and rec.snapshot is None and rec.value is not None:
            if rec.value._version == rec.version:
                rec.snapshot = rec.value.clone()
        return None
    if x.requires_grad:  # a leaf: a parameter an optimizer steps
        old = x.detach().clone()
        kept = _SNAPSHOTS.setdefault(x, {})
        kept[x._version] = old
        while len(kept) > KEEP_VERSIONS:
            kept.pop(min(kept))
        return (x._version, old)
    return None


def _after_change(x, before, name, args, kwargs):
    """An optimizer's step on a parameter: remember before, after and the gradient it read."""
    if before is None or torch.is_grad_enabled():
        return
    version, old = before
    grad = x.grad
    others = [a for a in args[1:] if isinstance(a, torch.Tensor)]
    if grad is not None and any(a is grad for a in others):
        grad = grad.detach().clone()
    elif grad is not None:
        grad = grad.detach().clone()
    alpha = kwargs.get("alpha")
    events = _UPDATES.setdefault(x, [])
    events.append((version, old, x.detach().clone(), grad, alpha))
    del events[:-KEEP_VERSIONS]


class Capture:
    """``with av.capture(module=None):``: record real PyTorch code as it runs.

    Every operation's value, the ``nn.Module`` it ran in (``module`` and the
    modules under it; every module when None) and, once a backward pass
    runs (inside or after the block), what PyTorch sent back at each node,
    are kept with the graph itself (they go when it goes), so diagrams of
    its results (``av.draw(loss)``, ``av.step_through(loss)``) show them;
    ``depth=`` on those folds deeper modules into one node.  An optimizer
    step inside the block is shown after the backward pass.  The results of
    your code are not changed.
    """

    def __init__(self, module=None, lang=None):
        if module is not None and not isinstance(module, torch.nn.Module):
            raise error(TypeError, "err_capture_module", lang, type=type(module).__name__)
        self.module = module
        self.lang = lang
        self._current = None  # the innermost module call running now that is a group
        self._stack = []  # what _current was in the calls around it
        self._paths = {}  # id(module) -> (its path, its class name)
        self._handles = []
        self._mode = None
        self._start = None

    # -- the block ----------------------------------------------------------
    def __enter__(self):
        if self.module is not None:
            for path, m in self.module.named_modules():
                self._paths[id(m)] = (path, type(m).__name__)
                if m is not self.module:
                    self._handles.append(m.register_forward_pre_hook(self._enter_module))
                    self._handles.append(
                        m.register_forward_hook(self._leave_module, always_call=True)
                    )
        else:
            from torch.nn.modules import module as nn_module

            self._handles.append(nn_module.register_module_forward_pre_hook(self._enter_any))
            self._handles.append(
                nn_module.register_module_forward_hook(self._leave_module, always_call=True)
            )
        # nodes PyTorch makes from here on have larger sequence numbers: how a
        # node made inside a recorded call is told from one made before the block
        with torch.enable_grad():
            probe = torch.zeros((), requires_grad=True) * 1.0
        self._start = probe.grad_fn._sequence_nr()
        self._mode = _Recorder(self)
        self._mode.__enter__()
        return self

    def __exit__(self, *exc):
        try:
            self._mode.__exit__(*exc)
        finally:
            for h in self._handles:
                h.remove()
            self._handles, self._stack, self._current = [], [], None
        _watch_later_passes(sys._getframe(1))
        return False

    # -- modules ------------------------------------------------------------
    def _enter_module(self, module, args):
        path, kind = self._paths[id(module)]
        self._stack.append(self._current)
        self._current = _Call(path, kind, self._current)

    def _leave_module(self, module, args, output):
        if self._stack:
            self._current = self._stack.pop()

    def _enter_any(self, module, args):
        # every module: the outermost one called names the others (its children
        # "0", "fc1", ...); it is itself a group only when it has no children
        if id(module) not in self._paths:
            if self._stack:
                self._paths[id(module)] = (type(module).__name__, type(module).__name__)
            else:
                for path, m in module.named_modules():
                    self._paths.setdefault(id(m), (path, type(m).__name__))
        path, kind = self._paths[id(module)]
        self._stack.append(self._current)
        if path or not any(True for _ in module.children()):
            self._current = _Call(path or kind, kind, self._current)
        # else: the model itself, the whole drawing rather than a group

    # -- operations -----------------------------------------------------------
    def _record(self, name, fn, meta, out, args):
        # as little as possible while the code runs: the rest waits for a
        # backward pass, the end of the block or a drawing (_complete)
        meta[KEY] = _Rec(name, out.detach(), self._current, args, self._start)

    def _backward(self, func, args, kwargs):
        """Run a backward pass, keeping what PyTorch sends through every node."""
        first = args[0] if args else kwargs.get("tensors", kwargs.get("outputs"))
        roots = [first] if isinstance(first, torch.Tensor) else list(first or ())
        pass_id = next(_PASS_IDS)
        nodes = _complete(
            [r.grad_fn for r in roots if isinstance(r, torch.Tensor) and r.grad_fn is not None]
        )
        handles = [f.register_hook(_post_hook(f.metadata[KEY], pass_id)) for f in nodes]
        if roots:
            _keep_root(pass_id, roots[0])
        _IN_BLOCK_PASS[0] = True
        try:
            return func(*args, **kwargs)
        finally:
            _IN_BLOCK_PASS[0] = False
            for h in handles:
                h.remove()


_NO_ITEMS = {}  # shared by records with nothing to keep (never written to)


def _complete(roots):
    """Fill in what the capture left for later, on every node of the graphs
    below ``roots`` (op nodes), and return those nodes: constants and leaf
    versions, read while the nodes' saved values are still there; a record
    for each node made inside a recorded call (the transpose inside linear),
    in that call's module, the call then named after each node's own
    operation.  Nodes made before the block began get an empty record."""
    seen, todo = [], [(f, None) for f in roots]
    visited = set()
    while todo:
        f, user = todo.pop()
        if f in visited or O.is_leaf(f):
            continue
        visited.add(f)
        meta = f.metadata
        rec = meta.get(KEY)
        if rec is None:
            inside = user is not None and user.start is not None
            inside = inside and f._sequence_nr() > user.start
            if inside:
                user.func = None  # its call made several nodes
                rec = _Rec(None, None, user.call, (), user.start)
            else:
                rec = _Rec(None, None, None)
            meta[KEY] = rec
        if not rec.done:
            rec.consts, rec.leaves = _inputs(f, rec.args)
            rec.done = True
        seen.append(f)
        todo += [(g, rec) for g, _ in f.next_functions if g is not None]
    return seen


def _inputs(fn, args):
    """(constants, leaf versions) of a node, while it is alive."""
    consts = leaves = _NO_ITEMS
    missing = None
    for k, (f, _) in enumerate(fn.next_functions):
        if f is None:
            try:
                c = O.constant(fn, k)
            except RuntimeError:
                c = None
            if c is not None:
                if consts is _NO_ITEMS:
                    consts = {}
                consts[k] = c
            else:
                missing = [k] if missing is None else missing + [k]
        elif type(f).__name__ == "AccumulateGrad":
            leaf = f.variable
            if leaves is _NO_ITEMS:
                leaves = {}
            leaves[id(leaf)] = leaf._version
    if missing and args:
        # numbers the call took that the node did not save (x + 2.0): kept as
        # candidates, checked by running the operation again when drawn
        extra = [
            a
            for a in args
            if isinstance(a, (int, float, bool))
            or (isinstance(a, torch.Tensor) and a.grad_fn is None and not a.requires_grad)
        ]
        if len(extra) == len(missing):
            if consts is _NO_ITEMS:
                consts = {}
            for k, a in zip(missing, extra):
                consts[("maybe", k)] = a
    return consts, leaves


# ---------------------------------------------------------------- reading a graph


class _Op:
    __slots__ = ("node", "rec", "slots", "value", "name", "match", "id", "inputs", "positions")

    def __init__(self, node, slots):
        self.node = node
        self.rec = node.metadata.get(KEY)
        self.slots = slots  # per input: ("op", node) | ("leaf", tensor) | ("const", k)
        self.value = None  # torch tensor
        self.name = ""
        self.match = None
        self.id = ""
        self.inputs = []  # value ids, in our argument order
        self.positions = {}  # input slot -> our argument position


class _Reader:
    """One drawing's walk of PyTorch's graph (see the module docstring)."""

    def __init__(self, roots, lang, caller, names):
        self.lang = lang
        self.caller = caller
        self.freed = None  # PyTorch's own words when a saved value was freed
        self.roots = roots
        self.user = self._user_tensors(names)
        nodes = [r.grad_fn for r in roots if r.grad_fn is not None]
        if any(KEY in f.metadata for f in nodes):
            _complete(nodes)  # recorded, maybe not yet filled in: while it is alive
        self.ops = self._walk(nodes)

    def error(self, key, **fields):
        return error(DescriptionError, key, self.lang, **fields)

    # -- structure ----------------------------------------------------------------
    def _walk(self, nodes):
        ops = {}
        stack = list(nodes)
        while stack:
            node = stack.pop()
            if node in ops:
                continue
            if node.name().rsplit("::", 1)[-1].startswith(O.VIEW_WRITES):
                raise self.error("torch_view_write", op=node.name())
            slots = []
            for k, (f, nr) in enumerate(node.next_functions):
                if f is None:
                    slots.append(("const", k))
                elif O.is_leaf(f):
                    slots.append(("leaf", f.variable))
                else:
                    if nr != 0:
                        raise self.error("torch_multi_output", op=O.op_name(f))
                    slots.append(("op", f))
                    stack.append(f)
            ops[node] = _Op(node, slots)
        return dict(sorted(ops.items(), key=lambda kv: kv[0]._sequence_nr()))

    def add_root(self, node):
        """Walk more of the graph (the node a recorded backward pass started from)."""
        more = self._walk([node])
        merged = dict(self.ops)
        merged.update({n: op for n, op in more.items() if n not in merged})
        self.ops = dict(sorted(merged.items(), key=lambda kv: kv[0]._sequence_nr()))

    # -- values ------------------------------------------------------------------
    def _user_tensors(self, names):
        """{id(tensor): (tensor, name)} of the caller's tensors and parameters, and names=."""
        found = {}
        for var, value in frame_variables(self.caller):
            if isinstance(value, torch.Tensor):
                found.setdefault(id(value), (value, var))
        for _, value in frame_variables(self.caller):
            if isinstance(value, torch.nn.Module):
                for path, p in value.named_parameters():
                    found[id(p)] = (p, path)
        for tensor, name in check_names(names, lambda v: isinstance(v, torch.Tensor)):
            found[id(tensor)] = (tensor, name)
        return found

    def leaf_value(self, leaf, versions):
        """A leaf's value when the graph used it (an optimizer may have changed it since)."""
        version = versions.get(id(leaf))
        if version is None or version == leaf._version:
            return leaf.detach()
        old = _SNAPSHOTS.get(leaf, {}).get(version)
        if old is None:
            name = self.user.get(id(leaf), (None, "a leaf"))[1]
            raise self.error("torch_changed", name=name)
        return old

    def resolve(self):
        """Every op's value, in run order (a clear error where one cannot be had)."""
        by_grad_fn = {}
        for tensor, _ in self.user.values():
            fn = tensor.grad_fn
            if fn is not None and tensor.output_nr == 0:
                by_grad_fn.setdefault(fn, tensor)
        for r in self.roots:
            if r.grad_fn is not None:
                by_grad_fn[r.grad_fn] = r
        self.by_grad_fn = by_grad_fn
        self.consumers = {}
        for op in self.ops.values():
            for kind, ref in op.slots:
                if kind == "op":
                    self.consumers.setdefault(ref, []).append(op)
        self.kept = set()  # ops whose value PyTorch or the user held (not run again)
        for op in self.ops.values():
            op.value = self._value(op)
            if op.value is None:
                raise self._unknown(op)
        if not any(op.rec is not None for op in self.ops.values()):
            self._check()

    def _check(self):
        """Without a capture nothing tells when a value was taken: a parameter
        changed since (an optimizer step) would mix old and new numbers.  Where
        an op can run again, its held value must be what it gives now."""
        for node in self.kept:
            op = self.ops[node]
            inputs = [self.input_value(op, k) for k in range(len(op.slots))]
            if any(x is None for x in inputs):
                continue
            try:
                again = O.replay(node, inputs)
            except (RuntimeError, TypeError, ValueError, StopIteration):
                continue
            if isinstance(again, torch.Tensor) and not torch.allclose(
                again.to(op.value.dtype), op.value, rtol=1e-5, atol=1e-6, equal_nan=True
            ):
                changed = [
                    self.user.get(id(ref), (None, "a leaf"))[1]
                    for kind, ref in op.slots
                    if kind == "leaf"
                ]
                raise self.error("torch_changed", name=", ".join(changed) or O.op_name(node))

    def _unknown(self, op):
        if self.freed is not None:
            return self.error("torch_freed", error=self.freed)
        return self.error("torch_unknown_value", op=O.op_name(op.node))

    def _value(self, op):
        if op.rec is not None:
            value = op.rec.output()
            if value is not None:
                return value
        held = self.by_grad_fn.get(op.node)
        if held is not None:
            self.kept.add(op.node)
            return held.detach()
        try:
            result = O.saved(op.node, "result")
            if isinstance(result, torch.Tensor):
                self.kept.add(op.node)
                return result.detach()
        except RuntimeError as error:
            self.freed = str(error)
        held = self._saved_by_consumer(op.node)
        if held is not None:
            self.kept.add(op.node)
            return held
        inputs = [self.input_value(op, k) for k in range(len(op.slots))]
        if any(x is None for x in inputs):
            return None
        try:
            out = O.replay(op.node, inputs)
        except RuntimeError as error:
            self.freed = self.freed or str(error)
            return None
        except (TypeError, ValueError, StopIteration):
            return None
        return out.detach() if isinstance(out, torch.Tensor) else None

    def _saved_by_consumer(self, node):
        """The value as an op that used it saved it for its backward (``mul`` keeps its inputs)."""
        for other in self.consumers.get(node, ()):
            sch = O.schema(other.node)
            if sch is None:
                continue
            for k, (kind, ref) in enumerate(other.slots):
                if kind == "op" and ref is node:
                    try:
                        value = O.saved(other.node, sch.tensors[k])
                    except RuntimeError as error:
                        self.freed = self.freed or str(error)
                        continue
                    if isinstance(value, torch.Tensor):
                        return value.detach()
        return None

    def input_value(self, op, k):
        kind, ref = op.slots[k]
        if kind == "leaf":
            return self.leaf_value(ref, op.rec.leaves if op.rec is not None else {})
        if kind == "op":
            return self.ops[ref].value
        return self.const_value(op, k)

    def const_value(self, op, k):
        rec = op.rec
        if rec is not None and k in rec.consts:
            return rec.consts[k]
        try:
            c = O.constant(op.node, k)
        except RuntimeError as error:
            self.freed = self.freed or str(error)
            c = None
        if c is not None:
            return c.detach()
        if rec is not None and ("maybe", k) in rec.consts:
            return self._checked_guess(op, k, rec.consts[("maybe", k)])
        return None

    def _checked_guess(self, op, k, guess):
        """A number the call took, accepted as this input only if running the
        operation again with it gives the value PyTorch computed."""
        value = op.value if op.value is not None else (op.rec.output() if op.rec else None)
        if value is None:
            return None
        c = torch.as_tensor(guess, dtype=value.dtype)
        inputs = []
        for j in range(len(op.slots)):
            if j == k:
                inputs.append(c)
                continue
            kind, ref = op.slots[j]
            if kind == "const":
                return None
            inputs.append(self.input_value(op, j))
        try:
            again = O.replay(op.node, inputs)
        except (RuntimeError, TypeError, ValueError, StopIteration):
            return None
        if isinstance(again, torch.Tensor) and torch.equal(again, value):
            return c
        return None


# ---------------------------------------------------------------- backward passes


def _node_pass(ops, root, seed):
    """PyTorch's backward pass from node ``root`` with ``seed``, run node by
    node: each node's own backward function (``node(upstream)``) gives what
    it sends to its inputs, as PyTorch's engine would call it, and the
    contributions arriving at a node are summed.  Nothing is stored: no
    ``.grad``, no ``retain_grad`` change, no hook runs.  Returns
    [(node, upstreams, contributions)] in the order visited."""
    arrived = {root: seed}
    got = []
    with torch.no_grad():
        for node in sorted(ops, key=lambda n: n._sequence_nr(), reverse=True):
            g = arrived.pop(node, None)
            if g is None:
                continue
            out = node(g)
            out = tuple(out) if isinstance(out, (tuple, list)) else (out,)
            out = tuple(_as_input(f, nr, c) for (f, nr), c in zip(node.next_functions, out))
            for (f, _), c in zip(node.next_functions, out):
                if f is None or c is None or O.is_leaf(f):
                    continue
                arrived[f] = c if f not in arrived else arrived[f] + c
            got.append((node, (g,), out))
    return got


def _as_input(f, nr, c):
    """What PyTorch's engine makes of a node's output before passing it on:
    summed back to the input's shape where it broadcast, in its dtype."""
    if f is None or c is None:
        return c
    meta = f.variable if O.is_leaf(f) else f._input_metadata[nr]
    shape, dtype = tuple(meta.shape), meta.dtype
    if tuple(c.shape) != shape:
        c = c.sum_to_size(shape)
    return c if c.dtype == dtype else c.to(dtype)


def _recorded_pass(reader):
    """The last backward pass the capture saw through this graph, as
    (task id, [(node, upstreams, contributions)] in order), or None."""
    tasks = {}
    for node, op in reader.ops.items():
        if op.rec is not None:
            for task, (order, go, gi) in op.rec.passes.items():
                tasks.setdefault(task, []).append((order, node, go, gi))
    if not tasks:
        return None
    task = max(tasks)
    start = _PASS_ROOTS.get(task)
    start = start.grad_fn if isinstance(start, torch.Tensor) else None
    if start is not None and start not in reader.ops:
        reader.add_root(start)
        reader.resolve()
        for node, op in reader.ops.items():
            if (
                op.rec is not None
                and task in op.rec.passes
                and node not in {n for _, n, _, _ in tasks[task]}
            ):
                order, go, gi = op.rec.passes[task]
                tasks[task].append((order, node, go, gi))
    steps = sorted(tasks[task], key=lambda s: s[0])
    return task, [(node, go, gi) for _, node, go, gi in steps]


# ---------------------------------------------------------------- describing


def _np(x):
    return np.array(x.detach().cpu().numpy(), copy=True)


class _Builder:
    """Turns a read graph into a :class:`Graph` (ids, names, our rule text)."""

    def __init__(self, reader):
        self.reader = reader
        self.values = []
        self.aliases = []
        self.ids = {}  # node / id(leaf) / (node, slot) -> value id
        self.leaf_of = {}  # value id -> leaf tensor
        self.data = {}  # value id -> numpy value
        self._count = 0

    def new(self, kind, data, **kw):
        vid = f"n{self._count}"
        self._count += 1
        self.values.append(Value(vid, kind, data, **kw))
        self.data[vid] = data
        return vid

    def build(self, backward_steps):
        r = self.reader
        for root in r.roots:
            if root.grad_fn is None:  # a leaf drawn alone
                self._leaf(root, None)
        for node, op in r.ops.items():
            op.match = O.match(node)
            inputs = []
            for k, (kind, ref) in enumerate(op.slots):
                if kind == "leaf":
                    inputs.append(self._leaf(ref, op))
                elif kind == "op":
                    inputs.append(r.ops[ref].id)
                else:
                    value = r.const_value(op, k)
                    if value is None:
                        inputs.append(None)  # a constant PyTorch did not keep
                        continue
                    key = (node, k)
                    name = self._const_name(value)
                    # a constant the user named (the data X) is drawn as an input
                    kind = "const" if name is None else "leaf"
                    self.ids[key] = self.new(kind, _np(value), name=name, handle=value)
                    inputs.append(self.ids[key])
            self._arguments(op, inputs, backward_steps.get(node))
            op.name = self._op_name(op)
            handle = r.by_grad_fn.get(node, node)
            op.id = self.new(
                "op",
                _np(op.value),
                name=r.user.get(id(handle), (None, None))[1] if handle is not node else None,
                op=op.name,
                primitive=op.match.primitive if op.match else None,
                inputs=tuple(op.inputs),
                params=dict(op.match.params) if op.match else {},
                asked=bool(getattr(handle, "retains_grad", False)),
                module=None,
                handle=handle,
            )
            self.ids[node] = op.id
            if handle is not node:
                self.aliases.append((node, op.id))

    def _leaf(self, leaf, op):
        key = id(leaf)
        if key in self.ids:
            return self.ids[key]
        versions = op.rec.leaves if op is not None and op.rec is not None else {}
        value = self.reader.leaf_value(leaf, versions)
        name = self.reader.user.get(key, (None, None))[1]
        vid = self.new(
            "leaf", _np(value), name=name, requires_grad=bool(leaf.requires_grad), handle=leaf
        )
        self.ids[key] = vid
        self.leaf_of[vid] = leaf
        return vid

    def _const_name(self, value):
        hit = self.reader.user.get(id(value))
        return hit[1] if hit is not None and hit[0] is value else None

    def _op_name(self, op):
        """The framework's name: the torch function called when its call made
        this one node (``mse_loss``, ``add_`` for an in-place change), else the
        autograd node's (``linear`` makes ``t`` and ``addmm``)."""
        func = op.rec.func if op.rec is not None else None
        if func and not func.startswith("__"):
            return func
        return O.op_name(op.node)

    def _arguments(self, op, inputs, step):
        """Our primitive's inputs where the node is one and the numbers agree; else PyTorch's."""
        m = op.match
        if m is not None:
            ours, positions = [], {}
            for pos, (kind, ref) in enumerate(m.inputs):
                if kind == "input":
                    if inputs[ref] is None:
                        m = None
                        break
                    ours.append(inputs[ref])
                    positions[ref] = pos
                else:
                    data = np.asarray(ref)
                    ours.append(self.new("const", data))
            if m is not None and self._agrees(m, ours, op, step, positions):
                op.inputs, op.positions = ours, positions
                return
            # the constants made for the match are not used: drop them again
            self.values = [v for v in self.values if v.id not in set(ours) - set(inputs)]
            op.match = None
        # PyTorch's own arguments, leaving out constants it did not keep
        op.inputs = [i for i in inputs if i is not None]
        op.positions = {k: sum(1 for j in inputs[:k] if j is not None) for k in range(len(inputs))}

    def _agrees(self, m, ours, op, step, positions):
        """Our primitive gives PyTorch's value, and PyTorch's contributions in the
        recorded backward pass, on these very numbers."""
        prim = _ops.REGISTRY[m.primitive]
        data = [self._data(i) for i in ours]
        ans = _np(op.value)
        try:
            with np.errstate(all="ignore"):
                if not close(prim.forward(*data, **m.params), ans):
                    return False
                if step is not None:
                    _, go, gi = step
                    g = _np(go[0])
                    for k, c in enumerate(gi):
                        if c is None or k not in positions:
                            continue
                        mine = prim.vjp(positions[k], _ops.NUMPY, g, ans, data, m.params)
                        if not close(np.broadcast_to(mine, c.shape), _np(c)):
                            return False
        except Exception:  # our rule cannot take these arguments: PyTorch's name it is
            return False
        return True

    def _data(self, vid):
        return self.data[vid]


def describe(target, names=None, caller=None, depth=None, lang=None):
    """The :class:`~autograd_viz.description.Graph` PyTorch recorded behind ``target``."""
    if caller is None:
        caller = user_frame()
    # running an op again to learn a value must not record a graph of its own
    with torch.no_grad():
        return _describe(target, names, caller, depth, lang)


def _describe(target, names, caller, depth, lang):
    lang = resolve_lang(lang)
    roots = list(target) if isinstance(target, (list, tuple)) else [target]
    for r in roots:
        if r.grad_fn is None and not r.requires_grad:
            name = next((v for v, x in frame_variables(caller) if x is r), "this tensor")
            raise error(DescriptionError, "torch_no_grad_fn", lang, name=name)
    reader = _Reader(roots, lang, caller, names)
    reader.resolve()
    recorded = _recorded_pass(reader)
    if recorded is not None:
        _, got = recorded
        seed = _np(got[0][1][0]) if got else None
        start = got[0][0] if got else None
    elif any(op.rec is not None for op in reader.ops.values()):
        got, start, seed = [], None, None  # captured, and no backward pass ran through it yet
    else:
        got, start, seed = _ask_pytorch(reader)
    steps = {node: (node, go, gi) for node, go, gi in got}
    builder = _Builder(reader)
    builder.build(steps)
    backward = None
    if got:
        backward = _backward(reader, builder, got, start, seed)
    modules, module_of = _modules(reader, builder)
    for v in builder.values:
        v.module = module_of.get(v.id)
    passes = TorchPasses(reader, builder)
    graph = Graph(
        builder.values,
        [builder.ids[r.grad_fn] if r.grad_fn is not None else builder.ids[id(r)] for r in roots],
        backward,
        modules=modules,
        updates=_updates(reader, builder),
        passes=passes,
        framework="pytorch",
        aliases=builder.aliases,
        lookup=_grad_fn_of,
    )
    return fold(graph, depth) if depth is not None else graph


def _grad_fn_of(obj):
    """A tensor computed by an op stands for that op's node."""
    if isinstance(obj, torch.Tensor) and obj.grad_fn is not None and obj.output_nr == 0:
        return obj.grad_fn
    return None


def _ask_pytorch(reader):
    """No recorded pass: ask PyTorch for one now, if a backward has run (a leaf
    has .grad) through a graph still alive, from a scalar output with seed 1."""
    root = reader.roots[-1]
    leaves = _leaves(reader)
    if root.grad_fn is None or root.numel() != 1 or not any(x.grad is not None for x in leaves):
        return [], None, None
    if reader.freed is not None:
        raise reader.error("torch_freed", error=reader.freed)
    seed = torch.ones_like(root)
    try:
        got = _node_pass(list(reader.ops), root.grad_fn, seed)
    except RuntimeError as error:
        raise reader.error("torch_freed", error=str(error).split("\n")[0]) from None
    return got, root.grad_fn, _np(seed)


def _leaves(reader):
    out, seen = [], set()
    for op in reader.ops.values():
        for kind, ref in op.slots:
            if kind == "leaf" and id(ref) not in seen:
                seen.add(id(ref))
                out.append(ref)
    return out


def _backward(reader, builder, got, start, seed):
    steps = []
    for node, go, gi in got:
        op = reader.ops.get(node)
        if op is None:
            continue
        sends = []
        for k, c in enumerate(gi):
            kind, ref = op.slots[k]
            if c is None or kind == "const":
                continue
            target = builder.ids[id(ref)] if kind == "leaf" else builder.ids[ref]
            pos = op.positions.get(k, k)
            sends.append(Send(pos, target, _np(c), **_rule(op, pos, builder)))
        steps.append(BackwardStep(op.id, _np(go[0]), sends))
    add_totals(steps)
    return BackwardPass(builder.ids[start], np.asarray(seed), steps)


def _rule(op, pos, builder):
    """Our rule text and local derivative for argument ``pos`` of a matched op."""
    if op.match is None:
        return {}
    prim = _ops.REGISTRY[op.match.primitive]
    if not prim.shows_local_value:
        return {"rule": prim.rules[pos]}
    data = [builder._data(i) for i in op.inputs]
    ans = builder._data(op.id)
    params = op.match.params

    def local():
        with np.errstate(all="ignore"):
            return prim.local_derivative(pos, ans, data, params)

    return {"rule": prim.rules[pos], "_local": local}


def _modules(reader, builder):
    """The module calls the recorded ops ran in, as Module groups, and each value's group."""
    calls, module_of = {}, {}

    def mid(call):
        if call is None:
            return None
        if id(call) not in calls:
            parent = mid(call.parent)
            calls[id(call)] = Module(f"m{len(calls)}", call.path, call.kind, parent, call.depth)
        return calls[id(call)].id

    uses = {}
    for op in reader.ops.values():
        call = op.rec.call if op.rec is not None else None
        module_of[op.id] = mid(call)
        for i in op.inputs:
            uses.setdefault(i, set()).add(module_of[op.id])
    # a parameter sits in the group of the one module call that used it
    for vid in builder.leaf_of:
        groups = uses.get(vid, set())
        if len(groups) == 1:
            module_of[vid] = next(iter(groups))
    modules = sorted(calls.values(), key=lambda m: int(m.id[1:]))
    return modules, module_of


def _updates(reader, builder):
    """The optimizer step that followed this graph's backward pass, per parameter."""
    out = []
    optimizers = [
        v for _, v in frame_variables(reader.caller) if isinstance(v, torch.optim.Optimizer)
    ]
    for vid, leaf in builder.leaf_of.items():
        events = _UPDATES.get(leaf)
        if not events:
            continue
        used = None
        for op in reader.ops.values():
            if op.rec is not None and id(leaf) in op.rec.leaves:
                used = op.rec.leaves[id(leaf)]
        event = next((e for e in events if e[0] == used), None)
        if event is None:
            continue
        _, before, after, grad, alpha = event
        text, lr = "", None
        for opt in optimizers:
            for group in opt.param_groups:
                if any(p is leaf for p in group["params"]):
                    text = f"{type(opt).__name__}(lr={group.get('lr')})"
                    lr = group.get("lr")
        b, a = _np(before), _np(after)
        g = _np(grad) if grad is not None else None
        if g is not None and lr is not None and not close(a, b - lr * g):
            lr = None  # momentum, weight decay, Adam...: only before and after are shown
        out.append(Update(vid, b, a, g, text, lr))
    return out


# ---------------------------------------------------------------- more passes


class TorchPasses(Passes):
    """More passes over a PyTorch graph, run by PyTorch."""

    framework = "pytorch"

    def __init__(self, reader, builder):
        self.reader = reader
        self.builder = builder
        self.root = reader.roots[-1] if len(reader.roots) == 1 else None

    def root_for_forward(self):
        if self.root is None or self.root.grad_fn is None:
            return None
        return self.builder.ids[self.root.grad_fn]

    def _leaf(self, vid):
        return self.builder.leaf_of[vid]

    def reverse(self, seed, wrt=()):
        r, b = self.reader, self.builder
        if r.freed is not None:
            raise r.error("torch_freed", error=r.freed)
        seed_t = torch.as_tensor(np.asarray(seed), dtype=self.root.dtype)
        try:
            got = _node_pass(list(r.ops), self.root.grad_fn, seed_t)
        except RuntimeError as error:
            raise r.error("torch_freed", error=str(error).split("\n")[0]) from None
        return _backward(r, b, got, self.root.grad_fn, np.asarray(seed))

    def _tangents(self, seeds_by_leaf, per_input):
        """Replay every op with forward AD; {node: (tangent, [per-slot contributions])}."""
        r = self.reader
        out = {}
        with fwAD.dual_level():
            for node, op in r.ops.items():
                primals = [r.input_value(op, k) for k in range(len(op.slots))]
                tans = []
                for kind, ref in op.slots:
                    if kind == "leaf":
                        tans.append(seeds_by_leaf.get(id(ref)))
                    elif kind == "op":
                        tans.append(out[ref][0])
                    else:
                        tans.append(None)
                if any(p is None for p in primals):
                    raise r._unknown(op)
                contributions = []
                if per_input:
                    for k, tan in enumerate(tans):
                        if tan is None:
                            contributions.append(None)
                            continue
                        ins = [
                            fwAD.make_dual(p, tan) if j == k else p for j, p in enumerate(primals)
                        ]
                        contributions.append(self._jvp_out(op, ins))
                    live = [c for c in contributions if c is not None]
                    total = sum(live[1:], live[0]) if live else torch.zeros_like(op.value)
                else:
                    ins = [
                        fwAD.make_dual(p, tan) if tan is not None else p
                        for p, tan in zip(primals, tans)
                    ]
                    total = self._jvp_out(op, ins) if any(x is not None for x in tans) else None
                    total = total if total is not None else torch.zeros_like(op.value)
                out[node] = (total, contributions)
        return out

    def _jvp_out(self, op, ins):
        try:
            res = O.replay(op.node, ins)
        except (TypeError, ValueError, StopIteration, RuntimeError):
            res = None
        if res is None:
            raise self.reader.error("torch_no_forward", op=O.op_name(op.node))
        tangent = fwAD.unpack_dual(res).tangent
        return torch.zeros_like(op.value) if tangent is None else tangent.detach()

    def _seeds(self, wrt, seeds):
        out = {}
        for vid, s in zip(wrt, seeds):
            leaf = self._leaf(vid)
            out[id(leaf)] = torch.as_tensor(np.asarray(s), dtype=leaf.dtype)
        return out

    def forward(self, wrt, seeds):
        r, b = self.reader, self.builder
        with torch.no_grad():  # forward AD needs no graph
            tangents = self._tangents(self._seeds(wrt, seeds), per_input=True)
        steps = []
        for node, op in r.ops.items():
            total, contributions = tangents[node]
            pushes = []
            for k, c in enumerate(contributions):
                kind, ref = op.slots[k]
                if kind == "const":
                    continue
                src = b.ids[id(ref)] if kind == "leaf" else b.ids[ref]
                tin = tangents[ref][0] if kind == "op" else self._seed_of(ref, wrt, seeds)
                pos = op.positions.get(k, k)
                rule = _rule(op, pos, b)
                prim = _ops.REGISTRY[op.match.primitive] if op.match else None
                pushes.append(
                    Push(
                        pos,
                        src,
                        _np(tin) if isinstance(tin, torch.Tensor) else np.asarray(tin),
                        _np(c) if c is not None else np.zeros(np.shape(op.value)),
                        linear=prim is not None and pos in prim.linear_in,
                        **rule,
                    )
                )
            steps.append(TangentStep(op.id, pushes, _np(total)))
        seeded = {w: np.asarray(s) for w, s in zip(wrt, seeds)}
        leaf_tangents = {
            vid: seeded.get(vid, np.zeros(np.shape(b._data(vid)))) for vid in b.leaf_of
        }
        return TangentRun(self.root_for_forward(), list(wrt), list(seeds), steps, leaf_tangents)

    def _seed_of(self, leaf, wrt, seeds):
        for vid, s in zip(wrt, seeds):
            if self._leaf(vid) is leaf:
                return np.asarray(s)
        return np.zeros(tuple(leaf.shape))

    def jvp(self, wrt, seeds):
        with torch.no_grad():
            tangents = self._tangents(self._seeds(wrt, seeds), per_input=False)
        return _np(tangents[self.root.grad_fn][0])
