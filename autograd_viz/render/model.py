"""A graph description as a diagram model.

:func:`build_model` asks :func:`autograd_viz.description.describe` for the
graph behind what is drawn (our Tensor, a list of them, a tape, a real
PyTorch tensor, or a description already made) and turns it into a
:class:`Model`: one :class:`Node` per value with the words and numbers it
shows, the edges between them, groups (an ``nn.Module``, a run of repeated
ops), and the backward pass when one has run.  The DOT text (dot_source)
and the frames both read the same model, so the diagram and the
step-through can never disagree about a label.

The renderer knows no framework: everything it shows comes from the
description (``autograd_viz/description/graph.py``).  Node ids are the
description's, ``n0, n1, ...`` in run order, never ``id()``, so the same
code gives the same drawing on every run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from ..description import Graph, describe
from ..engine.ops import REGISTRY
from ..i18n import error, t
from ..i18n import resolve as resolve_lang
from .style import node_lines
from .values import fmt_inline, fmt_shape

MAX_OPS = 800  # bigger graphs show their last MAX_OPS ops (Graphviz cannot lay
# out thousands of ranks: it runs for minutes, then crashes)


# ---------------------------------------------------------------- the model


@dataclass
class Node:
    id: str  # the description's id: "n0", "n1", ... in run order
    value: object = field(repr=False)  # the description's Value
    kind: str  # "leaf", "const", "op" or "ghost"
    name: str  # what the text calls it: "x", "v2", or a constant's value
    formula: str = ""  # op nodes: "2 × v1"
    detached: bool = False
    from_backward: bool = False
    group: int | None = None  # index into Model.groups (an nn.Module, a run of repeated ops)
    copy_of: Node | None = None  # ghosts: the node this is a copy of
    cut: bool = False  # an op result whose history is not drawn (huge graphs)
    asked: bool = False  # an inner value whose gradient the user asked for

    @property
    def data(self):
        """The forward value."""
        return self.value.data

    @property
    def inputs(self):
        """Ids of the op's inputs, in argument order."""
        return self.value.inputs if self.kind == "op" else ()

    @property
    def title(self):
        """Top line of the label: the leaf's name, or 'y = 2 × v1' for an op."""
        return f"{self.name} = {self.formula}" if self.kind == "op" else self.name


@dataclass
class Edge:
    tail: str
    head: str
    kind: str = "data"  # "data" (input -> op) or "detach" (source -> detached copy)
    position: int = 0  # which input of the op
    id: str = ""


@dataclass
class Model:
    lang: str
    nodes: list  # Node, in run order
    edges: list  # Edge
    groups: list  # (label, [node ids])
    description: Graph = None
    backward: object = None  # the description's BackwardPass shown (None: no backward yet)
    rankdir: str = "LR"
    big: bool = False  # use the cheap layout settings
    group_parent: dict = field(default_factory=dict)  # group index -> enclosing group index

    def __post_init__(self):
        self.by_id = {n.id: n for n in self.nodes}
        self._lines = {}

    def lines(self, node, computed=True, grad=None, tangent=None):
        """:func:`node_lines` in this model's language, remembered: the layout's
        labels and the painted SVG ask for the same ones, and formatting the
        numbers is a good part of drawing a big graph."""
        key = (node.id, computed, id(grad), id(tangent), self.lang)
        hit = self._lines.get(key)
        # the arrays kept alive with the entry: their ids stay their own
        if hit is not None and hit[0] is grad and hit[1] is tangent:
            return hit[2]
        out = node_lines(node, self.lang, computed, grad, tangent)
        self._lines[key] = (grad, tangent, out)
        return out

    # forward mode: {node id: [tangent, ...]} every frame may show, so the one
    # layout sizes the boxes for them too (frames/tangent.py fills it in)
    tangent_versions = None
    # more gradients frames may show than the recorded pass's (the mode
    # comparison steps through several backward sweeps): {node id: [grad, ...]}
    grad_versions = None

    hidden_ops = 0  # ops of a huge graph that are not drawn
    same_rank = ()  # (input id, op id) pairs drawn side by side (_add_ghosts)

    def node_of(self, obj):
        """The drawn Node of an id, a description Value, or the producer's own
        object (an engine Tensor, a torch tensor); KeyError if not drawn."""
        if isinstance(obj, str):
            return self.by_id[obj]
        value = self.description.value_of(obj) if self.description is not None else None
        node = self.by_id.get(value.id) if value is not None else None
        if node is None or node.kind == "ghost":
            raise KeyError(obj)
        return node

    def has(self, obj):
        try:
            self.node_of(obj)
        except KeyError:
            return False
        return True

    @property
    def root(self):
        """The node the recorded backward pass started from (None before one ran)."""
        return self.by_id[self.backward.root] if self.backward is not None else None

    @property
    def steps(self):
        """The recorded backward pass's steps, in visiting order."""
        return self.backward.steps if self.backward is not None else []

    @property
    def seed(self):
        return self.backward.seed if self.backward is not None else None

    @property
    def op_nodes(self):
        return [n for n in self.nodes if n.kind == "op"]

    @property
    def root_name(self):
        return self.root.name if self.root is not None else ""

    def final_grads(self):
        """{node id: gradient} after the whole backward pass (empty before one)."""
        return self.backward.final_grads() if self.backward is not None else {}

    def legend_keys(self):
        keys = []
        if any(n.detached for n in self.nodes):
            keys.append("legend_detached")
        if any(n.from_backward for n in self.nodes):
            keys.append("legend_backward")
        if any(n.asked for n in self.nodes):
            keys.append("legend_asked")
        if self.hidden_ops:
            keys.append("legend_hidden")
        if any(n.kind == "op" and _framework_op(n.value) for n in self.nodes):
            keys.append("legend_framework_op")
        return keys


def build_model(target, lang=None, names=None, caller=None, rankdir="auto", depth=None):
    """The diagram model of ``target``: our Tensor (or a list of them, or a
    tape), a real ``torch.Tensor``, or a :class:`~autograd_viz.description.Graph`.

    ``names`` ({"x": tensor} or {tensor: "x"}) wins over ``tensor.name``, which
    wins over the variable names found in ``caller`` (a Python frame; by
    default the first frame outside this package).  ``depth``: how many
    levels of ``nn.Module`` groups are opened (real PyTorch under
    ``av.capture``); deeper modules are drawn as one node each.
    """
    lang = resolve_lang(lang)
    if rankdir not in ("auto", "LR", "TB", "RL", "BT"):
        raise error(ValueError, "err_rankdir", lang, rankdir=repr(rankdir))
    if caller is None and not isinstance(target, Graph):
        from ..description.naming import user_frame

        caller = user_frame()
    desc = describe(target, names=names, caller=caller, depth=depth, lang=lang)
    return model_of(desc, lang, rankdir)


def model_of(desc, lang, rankdir="auto"):
    """The :class:`Model` of a graph description."""
    values, cut, hidden = _last_ops(desc)
    nodes = []
    for value in values:
        kind = "leaf" if value.id in cut else value.kind
        nodes.append(
            Node(
                value.id,
                value,
                kind,
                "",
                detached=value.detached_from is not None,
                from_backward=value.from_backward,
                cut=value.id in cut,
                asked=value.asked and kind == "op",
            )
        )
    by_id = {n.id: n for n in nodes}

    # names: given/inferred first, then constants by value, then v1, v2, ... for the rest
    taken = {v.name for v in values if v.name}
    counter = 0
    for node in nodes:
        if node.value.name:
            node.name = node.value.name
        elif node.kind == "const":
            node.name = fmt_inline(node.data, max_entries=4)
        else:
            counter += 1
            while f"v{counter}" in taken:
                counter += 1
            node.name = f"v{counter}"

    edges = []
    for node in nodes:
        value = node.value
        if node.kind == "op":
            for pos, inp in enumerate(value.inputs):
                edges.append(Edge(inp, node.id, "data", pos))
            node.formula = formula_of(value, [by_id[i].name for i in value.inputs], lang)
        src = value.detached_from
        if src is not None and src in by_id:
            edges.append(Edge(src, node.id, "detach"))
    for k, e in enumerate(edges):
        e.id = f"e{k}"

    groups, group_parent = _module_groups(desc, nodes)
    groups += _repeated_runs(nodes, by_id, lang, first=len(groups))
    backward = desc.backward
    if backward is not None and hidden:
        backward = _drawn_part(backward, by_id)
    model = Model(lang, nodes, edges, groups, desc, backward, rankdir, group_parent=group_parent)
    model.hidden_ops = hidden
    depth, longest, model.big = _layout_cost(model)
    if model.big:
        model.same_rank = []
        _add_ghosts(model, depth)
    if rankdir == "auto":
        # short graphs read left to right on a wide screen; long chains would
        # shrink to nothing there, so they run downwards and scroll instead
        model.rankdir = "LR" if longest <= 9 else "TB"
    return model


def _drawn_part(backward, by_id):
    """The backward pass restricted to what is drawn (a huge graph's last ops)."""
    from ..description import BackwardPass, BackwardStep

    steps = []
    for s in backward.steps:
        if s.node in by_id:
            sends = [x for x in s.sends if x.input in by_id]
            steps.append(BackwardStep(s.node, s.upstream, sends))
    return BackwardPass(backward.root, backward.seed, steps)


def _last_ops(desc):
    """(values to draw, ids of op results drawn without history, ops left out)."""
    values = desc.values
    ops = [v for v in values if v.kind == "op"]
    if len(ops) <= MAX_OPS:
        return values, set(), 0
    keep = {v.id: v for v in ops[-MAX_OPS:]}
    for rid in desc.outputs + ([desc.backward.root] if desc.backward is not None else []):
        keep[rid] = desc.by_id[rid]
    cut = set()
    for v in list(keep.values()):
        for pid in v.inputs:
            if pid not in keep:
                p = keep[pid] = desc.by_id[pid]
                if p.kind == "op":
                    cut.add(pid)
    order = {v.id: k for k, v in enumerate(values)}
    return sorted(keep.values(), key=lambda v: order[v.id]), cut, len(ops) - MAX_OPS


def _module_groups(desc, nodes):
    """The nn.Module groups as (label, [node ids]), and which group encloses which."""
    if not desc.modules:
        return [], {}
    index = {m.id: k for k, m in enumerate(desc.modules)}
    groups = [(m.label, []) for m in desc.modules]
    parent = {index[m.id]: index[m.parent] for m in desc.modules if m.parent is not None}
    for node in nodes:
        mid = node.value.module
        if mid is not None and mid in index:
            node.group = index[mid]
            groups[index[mid]][1].append(node.id)
    return groups, parent


_PLACEHOLDER = re.compile(r"(?<!\w)([ab])(?![^\Wᵀ²³])")


def substitute(text, names):
    """Put input names in place of the placeholders a, b of a formula or rule."""
    return _PLACEHOLDER.sub(lambda m: names.get(m.group(1), m.group(1)), text)


def _framework_op(value):
    """Whether an op value is drawn with its framework's name (not in our table)."""
    return value.primitive is None or value.primitive not in REGISTRY


def formula_of(value, input_names, lang):
    """What an op computes, with its inputs' names: our formula for a
    primitive of the table ("2 × v1"), else the framework's name ("addmm(b, x, v1)")."""
    if _framework_op(value):
        return f"{value.op}({', '.join(input_names)})"
    prim = REGISTRY[value.primitive]
    params = value.params
    text = substitute(prim.formula, dict(zip("ab", input_names)))
    if prim.name == "getitem":
        text = text.replace("[i]", "[" + _fmt_index(params.get("index")) + "]")
    elif prim.name in ("sum", "mean", "max") and params.get("axis") is not None:
        text += f" ({t('axis', lang)} {params['axis']})"
    elif prim.name in ("reshape", "broadcast_to") and params.get("shape") is not None:
        text = text[:-1] + ", " + fmt_shape(tuple(params["shape"])) + ")"
    return text


def _fmt_index(index):
    parts = index if isinstance(index, tuple) else (index,)
    out = []
    for p in parts:
        if isinstance(p, slice):
            out.append(
                ":".join("" if v is None else str(v) for v in (p.start, p.stop))
                + ("" if p.step is None else f":{p.step}")
            )
        elif p is Ellipsis:
            out.append("…")
        elif p is None:
            out.append("None")
        elif isinstance(p, np.ndarray):
            out.append(fmt_inline(p, max_entries=4))
        else:
            out.append(str(p))
    return ", ".join(out)


def _repeated_runs(nodes, by_id, lang, first=0, min_run=3):
    """Runs of the same op applied again and again (an unrolled loop) as
    groups, numbered from ``first`` (after the module groups)."""
    users = {}
    for n in nodes:
        for inp in n.inputs:
            users.setdefault(inp, []).append(n)

    def signature(n):
        v = n.value
        consts = tuple(
            (i, np.asarray(by_id[p].data).tobytes())
            for i, p in enumerate(v.inputs)
            if by_id[p].kind == "const"
        )
        return (v.op, v.primitive, repr(sorted(v.params.items())), consts)

    def chained_from(n):
        """The previous op of the run, when n continues one."""
        live = [p for p in n.inputs if by_id[p].kind != "const"]
        if len(live) != 1:
            return None
        prev = by_id[live[0]]
        if prev.kind != "op" or prev.group is not None or signature(prev) != signature(n):
            return None
        # side uses (a loop's `while b.norm() < ...` test) may branch off the run,
        # but it must not fork into two copies of itself
        same = [u for u in users.get(prev.id, ()) if signature(u) == signature(n)]
        return prev if len(same) == 1 else None

    groups = []
    run_of = {}
    for n in nodes:
        if n.kind != "op" or n.group is not None:  # already in a module's group
            continue
        prev = chained_from(n)
        if prev is not None and prev.id in run_of:
            run = run_of[prev.id]
            run.append(n)
        else:
            run = [n]
        run_of[n.id] = run
    seen = set()
    for n in nodes:
        run = run_of.get(n.id)
        if run is None or id(run) in seen or len(run) < min_run:
            continue
        seen.add(id(run))
        members = []
        index = first + len(groups)
        for op_node in run:
            op_node.group = index
            members.append(op_node.id)
            for p in op_node.inputs:
                c = by_id[p]
                if c.kind == "const" and len(users.get(p, ())) == 1 and c.group is None:
                    c.group = index
                    members.append(c.id)
        groups.append((t("repeated", lang, n=len(run)), members))
    return groups


def _layout_cost(model):
    """(rank of each node, longest path, whether dot's defaults would be slow here).

    dot adds one virtual node per rank an edge skips; a value reused by every
    op of a long chain makes tens of thousands of them, and the network
    simplex that places them then runs for seconds.  Estimate that count from
    longest-path ranks.
    """
    depth = {}
    for n in model.nodes:
        ins = [depth[p] for p in n.inputs]
        depth[n.id] = 1 + max(ins) if ins else 0
    span = 0
    for e in model.edges:
        span += max(0, depth[e.head] - depth[e.tail] - 1)
    longest = max((depth[n.id] for n in model.nodes), default=0)
    return depth, longest, span > 2000 or len(model.nodes) > 400


def _add_ghosts(model, depth):
    """Copies of inputs next to far-away uses, for big graphs.

    An input used by ops many ranks later (a weight reused along a long
    chain) would drag an edge across the whole picture; in a big graph a
    small dashed copy with its name sits next to each such use instead.

    An input first used deep in the graph (a later layer's weight) is kept
    beside that first use, on the rank of the op result it meets there:
    the cheap layout settings leave unconnected inputs on the first rank,
    one long row of them across the picture.
    """
    first_use = {}
    for e in model.edges:
        tail = model.by_id[e.tail]
        if e.kind == "data" and tail.kind in ("leaf", "const") and e.tail not in first_use:
            first_use[e.tail] = e.head
    anchor_depth = {}
    for leaf_id, head_id in first_use.items():
        head = model.by_id[head_id]
        if (
            depth[head_id] - depth[leaf_id] <= 3
            or model.by_id[leaf_id].group is not None
            or head.group is not None
        ):
            continue
        # the head's deepest input that is an op result sits one rank above it
        partner = max((model.by_id[p] for p in head.inputs), key=lambda n: depth[n.id])
        if partner.kind == "op" and partner.group is None:
            model.same_rank.append((leaf_id, partner.id))
            anchor_depth[leaf_id] = depth[partner.id]
    count = 0
    for e in model.edges:
        if e.kind != "data":
            continue
        tail = model.by_id[e.tail]
        if (
            tail.kind in ("leaf", "const")
            and depth[e.head] - anchor_depth.get(e.tail, depth[e.tail]) > 3
        ):
            ghost = Node(
                f"g{count}",
                tail.value,
                "ghost",
                tail.name,
                detached=tail.detached,
                from_backward=tail.from_backward,
            )
            ghost.copy_of = tail
            count += 1
            model.nodes.append(ghost)
            model.by_id[ghost.id] = ghost
            e.tail = ghost.id
