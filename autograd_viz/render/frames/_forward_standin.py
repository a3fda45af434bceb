"""STAND-IN for ``autograd_viz.engine.forward.tangent_steps`` until the engine's
forward mode lands on main (then this file is deleted).  Same contract."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ...engine import graph as _graph
from ...engine import ops


@dataclass
class Push:
    position: int
    input: object
    rule: str
    tangent_in: np.ndarray
    contribution: np.ndarray
    _op: object = field(repr=False, default=None)
    _node: object = field(repr=False, default=None)

    def local_derivative(self):
        if not self._op.shows_local_value:
            return None
        node = self._node
        return self._op.local_derivative(self.position, node.data,
                                         [p.data for p in node._parents], node._params or {})


@dataclass
class ForwardStep:
    node: object
    pushes: list
    tangent: np.ndarray


def tangent_steps(root, wrt, tangent=None):
    leaves = list(wrt) if isinstance(wrt, (list, tuple)) else [wrt]
    if tangent is None:
        seeds = [np.ones_like(np.asarray(x.data, dtype=float)) for x in leaves]
    else:
        seeds = list(tangent) if isinstance(wrt, (list, tuple)) else [tangent]
        seeds = [np.asarray(getattr(s, "data", s), dtype=float) for s in seeds]
    tangents = {id(x): s for x, s in zip(leaves, seeds)}
    steps = []
    for node in _graph.whole_graph([root]):
        if node._op is None:
            tangents.setdefault(id(node), np.zeros(np.shape(node.data)))
            continue
        prim = node._op
        inputs = [p.data for p in node._parents]
        params = node._params or {}
        ans = np.asarray(node.data)
        pushes = []
        total = np.zeros(ans.shape)
        for i, p in enumerate(node._parents):
            tin = tangents[id(p)]
            contrib = np.zeros(ans.shape)
            for k in range(ans.size):
                e = np.zeros(ans.shape)
                e.flat[k] = 1.0
                row = np.asarray(prim.vjp(i, ops.NUMPY, e, node.data, inputs, params))
                contrib.flat[k] = np.sum(row * tin)
            pushes.append(Push(i, p, prim.rules[i], tin, contrib, prim, node))
            total = total + contrib
        tangents[id(node)] = total
        steps.append(ForwardStep(node, pushes, total))
    return steps
