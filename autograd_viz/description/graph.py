"""The graph description: what the renderer draws, whoever recorded it.

Three producers write it: our engine's recording (:mod:`.engine`), real
PyTorch (:mod:`autograd_viz.capture.torch`) and real JAX
(:mod:`autograd_viz.capture.jax`).  The renderer (``autograd_viz.render``)
reads only this, so it knows no framework, and a number on a diagram is the
number the producer put here.

A :class:`Graph` holds

* ``values``: every value, in the order it was computed (:class:`Value`).
  An op value lists its inputs by id, in argument order; ``op`` is the
  framework's own name for the operation (``mul``, ``addmm``,
  ``dot_general``) and ``primitive`` the entry of our primitive table
  (``autograd_viz.engine.ops.REGISTRY``) that means the same operation, or
  None.  Where ``primitive`` is set, ``params`` are in that entry's terms
  (``axis``, ``shape``, ``index``) and the diagram shows our formula and
  rule text; where it is not, the op is drawn with its framework's name.
* ``backward``: the backward pass to show, or None before one ran
  (:class:`BackwardPass`): the seed, and for each op value the pass visited,
  in order, the upstream gradient that arrived and what it sent to each input
  (:class:`Send`: the contribution, the running sum at the input, and the
  local derivative where one array states it).
* ``modules``: the ``nn.Module`` groups the values belong to (PyTorch under
  ``av.capture``), and ``updates``: parameters an optimizer changed after
  the backward pass.
* ``passes``: how to run more passes on the same graph (another seed for
  reverse mode, tangents for forward mode), an object with ``reverse(seed)``
  and ``forward(wrt, seeds)`` (see :class:`Passes`).

Every array is numpy, in the shape and dtype of its value.  Ids are
``n0, n1, ...`` in run order, never ``id()``, so the same program gives the
same drawing on every run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


class DescriptionError(ValueError):
    """A graph cannot be described as asked (freed, changed in place, no history).
    The message says what happened and what to do, in the user's language."""


@dataclass
class Value:
    """One value of the graph."""

    id: str  # "n0", "n1", ... in run order
    kind: str  # "leaf" (an input or parameter), "const" (a number the program used), "op"
    data: np.ndarray  # the forward value
    name: str | None = None  # the user's name: a variable, a parameter's path, names=
    op: str = ""  # op values: the framework's name of the operation
    primitive: str | None = None  # the engine primitive meaning the same, or None
    inputs: tuple = ()  # ids of the op's inputs, in argument order
    params: dict = field(default_factory=dict)  # non-tensor arguments
    requires_grad: bool = False  # a leaf a gradient is computed for
    detached_from: str | None = None  # id of the value this is a detached copy of
    from_backward: bool = False  # recorded while a gradient was computed (higher order)
    asked: bool = False  # an inner value whose gradient the user asked to keep
    module: str | None = None  # id of the innermost module group it was computed in
    handle: object = field(default=None, repr=False, compare=False)
    # ``handle``: the producer's own object (an engine Tensor, a torch tensor),
    # so the user's objects can be matched to ids (wrt=x, names={x: ...});
    # the renderer reads no attribute of it


class _LocalDerivative:
    """The lazily computed local derivative of a :class:`Send` or :class:`Push`."""

    def local_derivative(self):
        """The local derivative as one array (None where it is a Jacobian that
        does not fit one, or the op is not in our table).  Computed on first
        use: a drawing without its step-through never pays for it."""
        local = self._local
        if callable(local):
            local = self._local = local()
        return None if local is None else np.asarray(local)


@dataclass
class Send(_LocalDerivative):
    """What one backward step sent to one input."""

    position: int  # which argument of the op
    input: str  # id of that input
    contribution: np.ndarray  # upstream × local derivative, in the input's shape
    rule: str | None = None  # the local derivative as text ("b", "cos(a)"), None: not ours
    total_before: np.ndarray | None = None  # what the input had gathered before (None: nothing)
    total_after: np.ndarray | None = None  # the running sum after this contribution
    _local: object = field(default=None, repr=False, compare=False)

    @property
    def accumulates(self):
        """True where the input is used more than once and sums contributions."""
        return self.total_before is not None


@dataclass
class BackwardStep:
    """One op value visited by the backward pass."""

    node: str  # id of the op's value
    upstream: np.ndarray  # d(root)/d(node): the total gradient that arrived
    sends: list  # Send, one per input that takes a gradient


@dataclass
class BackwardPass:
    """One backward pass: where it started, its seed and its steps in order."""

    root: str  # id of the value it started from
    seed: np.ndarray  # d(root)/d(root)
    steps: list  # BackwardStep, in the order visited

    def final_grads(self):
        """{value id: gradient} once the whole pass has run."""
        grads = {self.root: np.asarray(self.seed)}
        for step in self.steps:
            for send in step.sends:
                grads[send.input] = send.total_after
        return grads


def add_totals(steps):
    """Fill each send's running sums (``total_before``/``total_after``) in
    visiting order; returns ``steps``.  Producers call it once."""
    totals = {}
    for step in steps:
        for send in step.sends:
            before = totals.get(send.input)
            contribution = np.asarray(send.contribution)
            after = contribution if before is None else before + contribution
            send.total_before, send.total_after = before, after
            totals[send.input] = after
    return steps


@dataclass
class Push(_LocalDerivative):
    """What one input's tangent adds to an op's tangent (forward mode)."""

    position: int
    input: str  # id of the input
    tangent_in: np.ndarray  # the input's tangent
    contribution: np.ndarray  # local derivative applied to tangent_in, in the output's shape
    rule: str | None = None
    linear: bool = False  # the op is linear in this input: the tangent goes through the op
    _local: object = field(default=None, repr=False, compare=False)


@dataclass
class TangentStep:
    """One op of a forward-mode sweep, with its tangent."""

    node: str  # id of the op's value
    pushes: list  # Push, one per input that is not a constant
    tangent: np.ndarray
    folded: bool = False  # a module drawn as one op: its tangent, not split per input


@dataclass
class TangentRun:
    """One forward-mode sweep: the seeds, and every op's tangent in run order."""

    root: str  # id of the output followed
    wrt: list  # ids of the seeded leaves
    seeds: list  # their seed tangents, in wrt's order
    steps: list  # TangentStep, run order
    leaf_tangents: dict  # id -> tangent of every leaf (0 where not seeded)

    @property
    def tangent(self):
        """The output's tangent: the derivative along the seed."""
        return np.asarray(self.steps[-1].tangent) if self.steps else None


@dataclass
class Module:
    """An ``nn.Module`` whose operations are drawn as one labelled group."""

    id: str  # "m0", "m1", ...
    path: str  # its name under the model: "0", "fc1", "encoder.layer1"
    kind: str  # its class: "Linear"
    parent: str | None = None  # id of the enclosing module group
    depth: int = 1  # 1 for the model's own submodules

    @property
    def label(self):
        return f"{self.path}: {self.kind}" if self.path else self.kind


@dataclass
class Update:
    """A parameter changed by an optimizer after the backward pass."""

    value: str  # id of the leaf
    before: np.ndarray
    after: np.ndarray
    grad: np.ndarray | None  # the gradient the optimizer read
    optimizer: str = ""  # "SGD(lr=0.1)", or "" when it is not known
    lr: float | None = None  # set when after == before − lr·grad (plain SGD)


class Passes:
    """How to run more passes over a described graph.  Producers subclass it."""

    framework = ""

    def reverse(self, seed):
        """A :class:`BackwardPass` from the output with ``seed``, nothing stored."""
        raise DescriptionError("this graph cannot run another backward pass")

    def forward(self, wrt, seeds):
        """A :class:`TangentRun` seeded at leaves ``wrt`` (ids) with ``seeds``."""
        raise DescriptionError("this graph cannot run forward mode")

    def root_for_forward(self):
        """Id of the output a forward sweep follows."""
        return None


@dataclass
class Graph:
    """A recorded graph, as the renderer reads it (see the module docstring)."""

    values: list  # Value, in run order
    outputs: list  # ids of what was asked to be drawn
    backward: BackwardPass | None = None
    modules: list = field(default_factory=list)  # Module
    updates: list = field(default_factory=list)  # Update
    passes: Passes | None = None
    framework: str = "autograd_viz"  # "autograd_viz", "pytorch" or "jax"
    # more of the producer's objects that stand for a value: [(object, value id)]
    # (a torch tensor and its grad_fn both mean the op's value)
    aliases: list = field(default_factory=list, repr=False)
    # the producer's way to a handle from other user objects (a torch tensor
    # -> its grad_fn), or None
    lookup: object = field(default=None, repr=False)

    def __post_init__(self):
        self.reindex()

    def reindex(self):
        self.by_id = {v.id: v for v in self.values}
        self._by_handle = {id(v.handle): (v.handle, v) for v in self.values if v.handle is not None}
        for obj, vid in self.aliases:
            if vid in self.by_id:
                self._by_handle.setdefault(id(obj), (obj, self.by_id[vid]))

    def value_of(self, obj):
        """The :class:`Value` for an id, a Value, or the producer's own object; None if absent."""
        if isinstance(obj, Value):
            return obj
        if isinstance(obj, str):
            return self.by_id.get(obj)
        hit = self._by_handle.get(id(obj))
        if hit is not None and hit[0] is obj:
            return hit[1]
        other = self.lookup(obj) if self.lookup is not None else None
        if other is not None and other is not obj:
            hit = self._by_handle.get(id(other))
            return hit[1] if hit is not None and hit[0] is other else None
        return None

    def final_grads(self):
        return self.backward.final_grads() if self.backward is not None else {}
