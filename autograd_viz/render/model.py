"""A recorded graph as a diagram model.

:func:`build_model` turns outputs (a Tensor, a list of them, or a tape) into a
:class:`Model`: one :class:`Node` per value with the words and numbers it
shows, the edges between them, runs of repeated ops, and the backward steps
when a backward pass has run.  The DOT text (dot_source) and the frames both
read the same model, so the diagram and the step-through can never disagree
about a label.

Node ids are ``n0, n1, ...`` in run order (``Tensor.seq``), never ``id()``,
so the same code gives the same drawing on every run.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field

import numpy as np

from ..engine import graph as _graph
from ..i18n import resolve as resolve_lang
from ..i18n import t
from .style import node_lines
from .values import fmt_inline, fmt_shape

MAX_OPS = 800  # bigger graphs show their last MAX_OPS ops (Graphviz cannot lay
# out thousands of ranks: it runs for minutes, then crashes)


# ---------------------------------------------------------------- the model


@dataclass
class Node:
    id: str  # "n0", "n1", ... in run order
    tensor: object = field(repr=False)
    kind: str  # "leaf", "const" or "op"
    name: str  # what the text calls it: "x", "v2", or a constant's value
    formula: str = ""  # op nodes: "2 × v1"
    detached: bool = False
    from_backward: bool = False
    group: int | None = None  # index into Model.groups for a run of repeated ops
    copy_of: Node | None = None  # ghosts: the node this is a copy of
    cut: bool = False  # an op result whose history is not drawn (huge graphs)
    asked: bool = False  # an inner value whose gradient the user asked for

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
    root: object = None  # the tensor the recorded backward pass started from
    steps: list = field(default_factory=list)  # graph.BackwardStep, in visiting order
    seed: object = None
    rankdir: str = "LR"
    big: bool = False  # use the cheap layout settings

    def __post_init__(self):
        self.by_tensor = {id(n.tensor): n for n in self.nodes if n.kind != "ghost"}
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

    hidden_ops = 0  # ops of a huge graph that are not drawn
    same_rank = ()  # (input id, op id) pairs drawn side by side (_add_ghosts)

    def node_of(self, tensor):
        return self.by_tensor[id(tensor)]

    @property
    def op_nodes(self):
        return [n for n in self.nodes if n.kind == "op"]

    @property
    def root_name(self):
        return self.node_of(self.root).name if self.root is not None else ""

    def final_grads(self):
        """{node id: gradient} after the whole backward pass (empty before one)."""
        grads = {}
        if self.root is not None:
            grads[self.node_of(self.root).id] = np.asarray(self.seed)
        for step in self.steps:
            for send in step.sends:
                grads[self.node_of(send.input).id] = send.total_after
        return grads

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
        return keys


def build_model(target, lang=None, names=None, caller=None, rankdir="auto"):
    """The diagram model of ``target`` (Tensor, list/tuple of Tensors, or a tape).

    ``names`` ({"x": tensor} or {tensor: "x"}) wins over ``tensor.name``, which
    wins over the variable names found in ``caller`` (a Python frame; by
    default the first frame outside this package).
    """
    from ..engine.tensor import Tensor

    lang = resolve_lang(lang)
    if rankdir not in ("auto", "LR", "TB", "RL", "BT"):
        raise ValueError(f"rankdir must be 'auto', 'LR', 'TB', 'RL' or 'BT', got {rankdir!r}")
    roots, trace_root, trace = _roots_of(target, Tensor)
    if trace_root is None:
        # show the most recent backward pass that reached what is drawn: one
        # started at a drawn root, or the last one if it ran through them
        trace = None
        candidates = [r for r in roots if r.trace is not None]
        last = _graph.last_trace() and _graph.last_trace().root()
        if last is not None and last.trace is not None and all(last is not r for r in roots):
            below = {id(n) for n in _graph.whole_graph([last])}
            if any(id(r) in below for r in roots):
                candidates.append(last)
        if candidates:
            trace_root = max(candidates, key=lambda r: r.trace.ran)
    all_roots = list(roots)
    if trace_root is not None and not any(r is trace_root for r in all_roots):
        all_roots.append(trace_root)
    tensors = _with_detach_sources(_graph.whole_graph(all_roots))
    if any(x.from_backward for x in tensors):
        first = _first_order_roots(tensors, all_roots, caller)
        if first:
            all_roots += first
            tensors = _with_detach_sources(_graph.whole_graph(all_roots))
    tensors, cut, hidden = _last_ops(tensors, all_roots)

    labels = _display_names(tensors, names, caller)
    nodes, edges = [], []
    by_tensor = {}
    for rank, tensor in enumerate(tensors):
        nid = f"n{rank}"
        if tensor.op is not None and id(tensor) not in cut:
            kind = "op"
        elif id(tensor) in labels or tensor.requires_grad or tensor.detached_from is not None:
            kind = "leaf"
        else:
            kind = "const"
        node = Node(
            nid,
            tensor,
            kind,
            "",
            detached=tensor.detached_from is not None,
            from_backward=bool(tensor.from_backward),
            cut=id(tensor) in cut,
        )
        nodes.append(node)
        by_tensor[id(tensor)] = node

    # names: given/inferred first, then constants by value, then v1, v2, ... for the rest
    taken = set(labels.values())
    counter = 0
    for node in nodes:
        tensor = node.tensor
        if id(tensor) in labels:
            node.name = labels[id(tensor)]
        elif node.kind == "const":
            node.name = fmt_inline(tensor.data, max_entries=4)
        else:
            counter += 1
            while f"v{counter}" in taken:
                counter += 1
            node.name = f"v{counter}"

    for node in nodes:
        tensor = node.tensor
        if node.kind == "op":
            for pos, inp in enumerate(tensor.inputs):
                edges.append(Edge(by_tensor[id(inp)].id, node.id, "data", pos))
            node.formula = _formula(tensor, [by_tensor[id(i)].name for i in tensor.inputs], lang)
        src = tensor.detached_from
        if src is not None and id(src) in by_tensor:
            edges.append(Edge(by_tensor[id(src)].id, node.id, "detach"))
    for k, e in enumerate(edges):
        e.id = f"e{k}"

    steps, seed = [], None
    if trace_root is not None:
        trace = trace if trace is not None else trace_root.trace
        steps = trace.steps(trace_root)
        seed = trace.seed
    asked = _asked_for(target, Tensor)
    for node in nodes:
        # a gradient kept on an inner value (retain_grad) or a tape asked about it
        node.asked = node.kind == "op" and (
            _graph.grad_of(node.tensor) is not None or id(node.tensor) in asked
        )
    groups = _repeated_runs(nodes, by_tensor, lang)
    if hidden:
        steps = [s for s in steps if id(s.node) in by_tensor]
        for s in steps:
            s.sends = [x for x in s.sends if id(x.input) in by_tensor]
    model = Model(lang, nodes, edges, groups, trace_root, steps, seed, rankdir)
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


def _last_ops(tensors, roots):
    """(tensors to draw, ids of op results drawn without history, ops left out)."""
    ops = [x for x in tensors if x.op is not None]
    if len(ops) <= MAX_OPS:
        return tensors, set(), 0
    keep = {id(x): x for x in ops[-MAX_OPS:]}
    for r in roots:
        keep[id(r)] = r
    cut = set()
    for x in list(keep.values()):
        for p in x.inputs:
            if id(p) not in keep:
                keep[id(p)] = p
                if p.op is not None:
                    cut.add(id(p))
    return sorted(keep.values(), key=lambda x: x.seq), cut, len(ops) - MAX_OPS


def _roots_of(target, Tensor):
    """(output tensors, tensor whose trace to show or None) for any drawable target."""
    if isinstance(target, Tensor):
        return [target], None, None
    if isinstance(target, (list, tuple)):
        if not target or not all(isinstance(x, Tensor) for x in target):
            raise TypeError(
                "draw a Tensor, a non-empty list of Tensors or a GradientTape; "
                "the list given holds something else"
            )
        return list(target), None, None
    recorded = getattr(target, "recorded", None)
    if recorded is not None:
        roots = [x for x in recorded if isinstance(x, Tensor)]
        last = getattr(target, "last_target", None)
        trace = getattr(target, "last_trace", None)
        trace_root = None
        if isinstance(last, Tensor):
            roots.append(last)
            trace = trace if trace is not None else last.trace
            if trace is not None and trace.root_seq == last.seq:
                trace_root = last
            else:
                trace = None
        if not roots:
            raise ValueError(
                "this tape has recorded nothing yet: compute something inside "
                "`with tf.GradientTape() as tape:` from a watched variable first"
            )
        return roots, trace_root, trace
    raise TypeError(
        f"cannot draw a {type(target).__name__}: pass a Tensor (e.g. the "
        f"output y), a list of Tensors, or a GradientTape"
    )


def _first_order_roots(tensors, roots, caller):
    """Higher order: a gradient recorded by a ``create_graph=True`` backward pass
    (``torch.autograd.grad(y, x, create_graph=True)``) does not lead back to
    the ``y`` it came from.  The user's variables that ran such a pass through
    the drawn inputs are drawn too, so the first-order part and the
    gradient's own graph appear side by side, told apart by colour."""
    from ..engine.tensor import Tensor

    if caller is None:
        caller = _user_frame()
    if caller is None:
        return []
    drawn = {id(x) for x in tensors}
    leaves = {id(x) for x in tensors if x.op is None}
    found = []
    for scope in (caller.f_locals, caller.f_globals):
        for value in list(scope.values()):
            trace = getattr(value, "trace", None) if isinstance(value, Tensor) else None
            if (
                trace is None
                or not trace.create_graph
                or id(value) in drawn
                or any(value is r for r in roots + found)
            ):
                continue
            if any(id(x) in leaves for x in _graph.whole_graph([value]) if x.op is None):
                found.append(value)
    return found


def _asked_for(target, Tensor):
    """ids of the tensors a tape's last ``gradient`` call was asked about."""
    sources = getattr(target, "last_sources", None)
    if sources is None or isinstance(target, Tensor):
        return set()
    if isinstance(sources, Tensor):
        sources = [sources]
    return {id(s) for s in sources if isinstance(s, Tensor)}


def _with_detach_sources(tensors):
    """Add what detach() cut off, so the diagram can show where the cut is."""
    seen = {id(x): x for x in tensors}
    todo = [x.detached_from for x in tensors if x.detached_from is not None]
    while todo:
        src = todo.pop()
        if id(src) in seen:
            continue
        for x in _graph.whole_graph([src]):
            if id(x) not in seen:
                seen[id(x)] = x
                if x.detached_from is not None:
                    todo.append(x.detached_from)
    return sorted(seen.values(), key=lambda x: x.seq)


def _display_names(tensors, names, caller):
    """{id(tensor): name} from ``names``, then ``.name``, then the caller's variables."""
    from ..engine.tensor import Tensor

    wanted = {id(x) for x in tensors}
    found = {}
    if caller is None:
        caller = _user_frame()
    frame_vars = []
    if caller is not None:
        frame_vars = [caller.f_locals, caller.f_globals]
    for scope in frame_vars:
        for var, value in list(scope.items()):
            if (
                isinstance(value, Tensor)
                and id(value) in wanted
                and id(value) not in found
                and not var.startswith("_")
            ):
                found[id(value)] = var
    for x in tensors:
        if x.name:
            found[id(x)] = x.name
    if names:
        if not isinstance(names, dict):
            raise TypeError("names must be a dict such as {'x': x} or {x: 'x'}")
        for key, value in names.items():
            if isinstance(key, str) and isinstance(value, Tensor):
                key, value = value, key
            if not isinstance(key, Tensor) or not isinstance(value, str):
                raise TypeError("names must map names to tensors, e.g. names={'x': x}")
            found[id(key)] = value
    return found


def _user_frame():
    """The innermost frame not inside this package: where the user's variables live."""
    frame = sys._getframe(1)
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if not (module == "autograd_viz" or module.startswith("autograd_viz.")):
            return frame
        frame = frame.f_back
    return None


_PLACEHOLDER = re.compile(r"(?<!\w)([ab])(?![^\Wᵀ²³])")


def substitute(text, names):
    """Put input names in place of the placeholders a, b of a formula or rule."""
    return _PLACEHOLDER.sub(lambda m: names.get(m.group(1), m.group(1)), text)


def _formula(tensor, input_names, lang):
    prim = tensor.op
    params = tensor.params
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


def _repeated_runs(nodes, by_tensor, lang, min_run=3):
    """Runs of the same op applied again and again (an unrolled loop) as groups."""
    users = {}
    for n in nodes:
        for inp in n.tensor.inputs:
            users.setdefault(id(inp), []).append(n)

    def signature(n):
        x = n.tensor
        consts = tuple(
            (i, np.asarray(p.data).tobytes())
            for i, p in enumerate(x.inputs)
            if by_tensor[id(p)].kind == "const"
        )
        return (x.op.name, repr(sorted(x.params.items())), consts)

    def chained_from(n):
        """The previous op of the run, when n continues one."""
        live = [p for p in n.tensor.inputs if by_tensor[id(p)].kind != "const"]
        if len(live) != 1:
            return None
        prev = by_tensor[id(live[0])]
        if prev.kind != "op" or signature(prev) != signature(n):
            return None
        # side uses (a loop's `while b.norm() < ...` test) may branch off the run,
        # but it must not fork into two copies of itself
        same = [u for u in users.get(id(prev.tensor), ()) if signature(u) == signature(n)]
        return prev if len(same) == 1 else None

    groups = []
    run_of = {}
    for n in nodes:
        if n.kind != "op":
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
        for op_node in run:
            op_node.group = len(groups)
            members.append(op_node.id)
            for p in op_node.tensor.inputs:
                c = by_tensor[id(p)]
                if c.kind == "const" and len(users.get(id(p), ())) == 1:
                    c.group = len(groups)
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
        ins = [] if n.kind != "op" else [depth[model.node_of(p).id] for p in n.tensor.inputs]
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
        partner = max((model.node_of(p) for p in head.tensor.inputs), key=lambda n: depth[n.id])
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
                tail.tensor,
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
