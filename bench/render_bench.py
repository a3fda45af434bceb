"""Diagram speed: autograd_viz's renderer against torchviz and a micrograd-style draw_dot.

Run from the repository root:

    python bench/render_bench.py            # full run
    python bench/render_bench.py --quick    # smoke run, numbers meaningless

Cases (only the drawing is timed; every graph is built, and backward run, once
beforehand):

Our side starts each timed call with autograd_viz's layout cache emptied, so
it pays for the Graphviz layout as a first drawing does (case b also shows a
drawing served from the cache).

a. ``av.step_through`` of a scalar MLP(2, [4, 4, 1]) on one point (its graph
   has 103 values, counted below), every frame's SVG built, against ONE
   torchviz ``make_dot`` + SVG of the same network written with 0-d PyTorch
   tensors.  Target: <= 1x (every frame for the price of the reference's one picture).
a2. ``av.step_through(y, mode="forward", wrt=w)`` of the same 103-value MLP
   graph (forward mode seeded at the first weight), every frame's SVG built,
   against the same one torchviz ``make_dot`` + SVG.  Target: <= 3x.
b. ``av.draw`` + SVG of a scalar MLP(2, [8, 8, 8, 1]) on one point (about 509
   values) against torchviz ``make_dot`` + SVG of the same network.
   Target: <= 0.3x.
c. ``av.draw`` + SVG of a 200-op chain on a length-4 vector that reuses the
   same x in every op (``y*x, y-x, y*x, y+x``, repeated), after backward.
   Target: under 2 s (absolute).  For reference, a micrograd-style
   ``draw_dot`` (written here: micrograd ships no drawing code) + SVG of the
   same chain on one scalar.
d. ``av.step_through`` of a real PyTorch 2-16-16-1 MLP's loss on 100 points
   (``nn.Sequential`` of Linear/ReLU, MSE loss, ``backward(retain_graph=True)``),
   every frame's SVG built, against one torchviz ``make_dot`` + SVG of the
   same loss.  Target: <= 1.5x.  d2: the same run under ``av.capture``, whose
   layers are drawn as labelled groups (Graphviz clusters).
e. The capture's cost: the same MLP's forward pass and loss inside
   ``with av.capture(model):`` (entered once) against the same forward pass
   with no capture.  Target: <= 3x.  PyTorch runs on one thread in d and e:
   with more, waking its worker threads on a loaded machine costs
   milliseconds at random.
f. ``av.step_through`` of issue 20's 200-op chain (``y = av.sin(y) * x`` or
   ``y + x * 0.5`` in turn, on a length-4 x, then the sum and backward), every
   frame, and its ``.to_html`` page: target <= 1 s (absolute) with the layout
   already drawn; a second row pays for the Graphviz layout too.

The renderer is being written alongside this script: a case whose API
(``av.draw(y).svg``, ``av.step_through(y).frames[i].svg``) is missing prints
a "not available yet" row instead of failing.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from common import Row, arg_parser, finish, selected, time_pair  # noqa: E402

import autograd_viz as av  # noqa: E402

# ---------------------------------------------------------------- one network, three libraries


class ScalarMLP:
    """micrograd's MLP shape over any scalar type with * + and .relu().

    ``param(v)`` makes a trainable scalar, ``const(v)`` an input.  All three
    libraries get the same weights, so their graphs have the same shape.
    """

    def __init__(self, nin, nouts, param, seed=1337):
        rnd = random.Random(seed)
        sizes = [nin] + nouts
        self.layers = []
        for k in range(len(nouts)):
            neurons = []
            for _ in range(sizes[k + 1]):
                w = [param(rnd.uniform(-1, 1)) for _ in range(sizes[k])]
                neurons.append((w, param(0.0)))
            self.layers.append((neurons, k != len(nouts) - 1))

    def __call__(self, x):
        for neurons, nonlin in self.layers:
            out = []
            for w, b in neurons:
                act = b
                for wi, xi in zip(w, x):
                    act = act + wi * xi
                out.append(act.relu() if nonlin else act)
            x = out
        return x[0]

    def parameters(self):
        return [p for neurons, _ in self.layers for w, b in neurons for p in w + [b]]


def av_mlp(nin, nouts, point, with_params=False):
    model = ScalarMLP(nin, nouts, lambda v: av.tensor(v, requires_grad=True))
    out = model([av.tensor(float(v)) for v in point])
    out.backward()
    from autograd_viz.engine.graph import whole_graph

    if with_params:
        return out, len(whole_graph([out])), model.parameters()
    return out, len(whole_graph([out]))


def torch_mlp(nin, nouts, point):
    import torch

    model = ScalarMLP(
        nin, nouts, lambda v: torch.tensor(v, dtype=torch.float64, requires_grad=True)
    )
    out = model([torch.tensor(float(v), dtype=torch.float64) for v in point])
    out.backward()
    params = {f"p{i}": p for i, p in enumerate(model.parameters())}
    return out, params


# ---------------------------------------------------------------- micrograd-style drawing


def micrograd_draw_dot(root):
    """Our own take on micrograd's notebook drawing: one record per Value
    (data | grad), one small node per op, edges left to right."""
    from graphviz import Digraph

    nodes, edges, stack, seen = [], [], [root], {id(root)}
    while stack:
        v = stack.pop()
        nodes.append(v)
        for child in v._prev:
            edges.append((child, v))
            if id(child) not in seen:
                seen.add(id(child))
                stack.append(child)
    dot = Digraph(format="svg", graph_attr={"rankdir": "LR"})
    for v in nodes:
        uid = str(id(v))
        dot.node(uid, label=f"{{ data {v.data:.4f} | grad {v.grad:.4f} }}", shape="record")
        if v._op:
            dot.node(uid + v._op, label=v._op)
            dot.edge(uid + v._op, uid)
    for a, b in edges:
        dot.edge(str(id(a)), str(id(b)) + b._op)
    return dot


def svg_within(source, limit):
    """SVG from the ``dot`` program, stopped after ``limit`` seconds
    (raises subprocess.TimeoutExpired)."""
    proc = subprocess.run(
        ["dot", "-Tsvg"], input=source.encode(), capture_output=True, timeout=limit, check=True
    )
    return proc.stdout


# ---------------------------------------------------------------- availability


def renderer_missing(kind):
    """Why ``av.draw`` / ``av.step_through`` cannot be timed yet, or None."""
    fn = getattr(av, kind, None)
    if fn is None:
        return f"av.{kind} does not exist yet"
    try:
        x = av.tensor([1.0, 2.0], requires_grad=True, name="x")
        y = (x * x).sum()
        y.backward()
        obj = fn(y)
        if kind == "draw":
            svg = obj.svg
        else:
            svg = obj.frames[0].svg
        if "<svg" not in svg:
            return f"av.{kind}: .svg does not hold an SVG document"
    except Exception as e:  # noqa: BLE001 - any failure means "not ready", reported as such
        return f"av.{kind} failed: {type(e).__name__}: {e}"[:200]
    return None


def forget_layouts():
    """Empty autograd_viz's layout cache, so a timed call pays for laying the
    graph out, as drawing a graph for the first time does."""
    mod = sys.modules.get("autograd_viz.render.layout")
    cache = getattr(mod, "_CACHE", None)
    if cache is not None:
        cache.clear()


def reference_missing(*modules):
    for m in modules:
        try:
            __import__(m)
        except ImportError:
            return f"{m} not installed (pip install -e '.[bench]')"
    return None


def not_available(case, ref_name, target, why):
    return Row(
        case, None, ref_name, None, target, None, gc_on=True, note=f"not available yet: {why}"
    )


# ---------------------------------------------------------------- cases


def step_through_against_torchviz(
    args, quick, case, target, limit, drawn, ref_y, params, note, **options
):
    """One row: ``av.step_through(drawn, **options)`` with every frame's SVG built
    (layout cache emptied first) against one torchviz make_dot + SVG of ``ref_y``."""
    from torchviz import make_dot

    n_frames = []

    def ours():
        forget_layouts()
        st = av.step_through(drawn, **options)
        svgs = [f.svg for f in st.frames]
        n_frames[:] = [len(svgs)]

    def ref():
        make_dot(ref_y, params=params).pipe(format="svg")

    reps = args.repeats or (1 if quick else 9)
    timing = time_pair(ours, ref, repeats=reps, warmup=1, gc_on=True)
    o, r = timing
    return [
        Row(
            case,
            o,
            "torchviz make_dot+svg (once)",
            r,
            target,
            limit,
            gc_on=True,
            paired_ratio=timing.ratio,
            note=note.format(frames=n_frames[0]),
        )
    ]


def case_a(args, quick):
    case, target = "a step_through MLP(2,[4,4,1]) all frames", "<= 1x"
    why = renderer_missing("step_through") or reference_missing("torch", "torchviz")
    if why:
        return [not_available(case, "torchviz make_dot+svg", target, why)]
    point = [0.5, -1.2]
    y, n_values = av_mlp(2, [4, 4, 1], point)
    ty, params = torch_mlp(2, [4, 4, 1], point)
    note = (
        f"{n_values} values in our graph, {{frames}} frames; layout cache emptied before each call"
    )
    return step_through_against_torchviz(args, quick, case, target, 1.0, y, ty, params, note)


def case_a2(args, quick):
    case, target = "a2 step_through forward mode MLP(2,[4,4,1]) all frames", "<= 3x"
    why = renderer_missing("step_through") or reference_missing("torch", "torchviz")
    if why:
        return [not_available(case, "torchviz make_dot+svg", target, why)]
    point = [0.5, -1.2]
    y, n_values, params_av = av_mlp(2, [4, 4, 1], point, with_params=True)
    ty, params = torch_mlp(2, [4, 4, 1], point)
    note = (
        f"{n_values} values in our graph, {{frames}} frames (one per op), seeded at the "
        f"first weight; layout cache emptied before each call"
    )
    return step_through_against_torchviz(
        args, quick, case, target, 3.0, y, ty, params, note, mode="forward", wrt=params_av[0]
    )


def case_b(args, quick):
    nouts = [4, 4, 1] if quick else [8, 8, 8, 1]
    case, target = f"b draw MLP(2,{nouts}) + svg", "<= 0.3x"
    why = renderer_missing("draw") or reference_missing("torch", "torchviz")
    if why:
        return [not_available(case, "torchviz make_dot+svg", target, why)]
    from torchviz import make_dot

    point = [0.5, -1.2]
    y, n_values = av_mlp(2, nouts, point)
    ty, params = torch_mlp(2, nouts, point)

    def ours():
        forget_layouts()
        av.draw(y).svg

    def ours_warm():
        av.draw(y).svg

    def ref():
        make_dot(ty, params=params).pipe(format="svg")

    reps = args.repeats or (1 if quick else 9)
    timing = time_pair(ours, ref, repeats=reps, warmup=1, gc_on=True)
    o, r = timing
    warm = time_pair(ours_warm, ref, repeats=reps, warmup=1, gc_on=True)
    w, r2 = warm
    return [
        Row(
            case,
            o,
            "torchviz make_dot+svg",
            r,
            target,
            0.3,
            gc_on=True,
            paired_ratio=timing.ratio,
            note=f"{n_values} values in our graph; layout cache emptied before each call",
        ),
        Row(
            case.replace("b draw", "b draw again"),
            w,
            "torchviz make_dot+svg",
            r2,
            "",
            None,
            gc_on=True,
            paired_ratio=warm.ratio,
            note="the same graph drawn again: layout comes from the cache",
        ),
    ]


CHAIN_OPS = 200


def _chain(x, n_ops, mul, sub, add):
    y = x
    for k in range(n_ops):
        step = k % 4
        if step in (0, 2):
            y = mul(y, x)
        elif step == 1:
            y = sub(y, x)
        else:
            y = add(y, x)
    return y


def case_c(args, quick):
    n_ops = 20 if quick else CHAIN_OPS
    case, target = f"c draw {n_ops}-op chain len-4, same x", "< 2 s"
    rows = []
    why = renderer_missing("draw")
    reps = args.repeats or (1 if quick else 5)
    if why:
        rows.append(not_available(case, "-", target, why))
    else:
        x = av.tensor([0.3, -0.2, 0.5, 0.9], requires_grad=True, name="x")
        y = _chain(x, n_ops, lambda a, b: a * b, lambda a, b: a - b, lambda a, b: a + b)
        s = y.sum()
        s.backward()

        def ours():
            forget_layouts()
            av.draw(s).svg

        o, _ = time_pair(ours, None, repeats=reps, warmup=1, gc_on=True)
        rows.append(
            Row(
                case,
                o,
                "absolute",
                None,
                target,
                2.0,
                absolute=True,
                gc_on=True,
                note=f"{n_ops} ops + sum, x used in every op; drawn after backward; "
                f"layout cache emptied before each call",
            )
        )
    why = reference_missing("micrograd", "graphviz")
    if not why and shutil.which("dot") is None:
        why = "the Graphviz `dot` program is not installed"
    if why:
        rows.append(Row(f"c micrograd draw_dot {n_ops}-op chain", None, "info", note=why))
    else:
        from micrograd.engine import Value

        mx = Value(0.3)
        my = _chain(mx, n_ops, lambda a, b: a * b, lambda a, b: a - b, lambda a, b: a + b)
        my.backward()

        limit = 10 if quick else 60
        name = f"c micrograd draw_dot {n_ops}-op chain (scalar)"

        def micro():
            svg_within(micrograd_draw_dot(my).source, limit)

        try:
            micro()  # one try first: Graphviz may not finish this graph at all
        except subprocess.TimeoutExpired:
            rows.append(
                Row(
                    name,
                    None,
                    "info only",
                    gc_on=True,
                    note=f"Graphviz dot did not finish within {limit} s; stopped",
                )
            )
        else:
            m, _ = time_pair(micro, None, repeats=reps, warmup=0, gc_on=True)
            rows.append(
                Row(
                    name,
                    m,
                    "info only",
                    None,
                    "",
                    None,
                    gc_on=True,
                    note="micrograd's a - b is a + (-1 * b): its graph has more nodes",
                )
            )
    return rows


def _real_mlp(n_points):
    """A real PyTorch 2-16-16-1 MLP, data and MSE loss (one thread, fixed seed)."""
    import torch
    from torch import nn

    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 1)
    )
    X = torch.randn(n_points, 2)
    t = (X[:, :1] * X[:, 1:] > 0).float()

    def forward():
        return nn.functional.mse_loss(model(X), t)

    return model, forward


def case_d(args, quick):
    case, target = "d step_through real PyTorch MLP(2,[16,16,1]) loss, 100 points", "<= 1.5x"
    why = renderer_missing("step_through") or reference_missing("torch", "torchviz")
    if why:
        return [not_available(case, "torchviz make_dot+svg", target, why)]
    model, forward = _real_mlp(100)
    params = dict(model.named_parameters())
    rows = []
    # the graph as PyTorch keeps it (backward(retain_graph=True): PyTorch's own
    # backward is then run node by node for the frames), and the same code
    # under av.capture, whose module groups Graphviz lays out as clusters
    loss = forward()
    loss.backward(retain_graph=True)
    assert any(f.kind == "backward" for f in av.step_through(loss).frames)
    note = "{frames} frames; the live graph; layout cache emptied before each call"
    rows += step_through_against_torchviz(args, quick, case, target, 1.5, loss, loss, params, note)
    with av.capture(model):
        captured = forward()
        captured.backward()
    assert any(f.kind == "backward" for f in av.step_through(captured).frames)
    note = (
        "{frames} frames; under av.capture: 5 module groups, which Graphviz lays out as "
        "clusters; layout cache emptied before each call"
    )
    rows += step_through_against_torchviz(
        args,
        quick,
        case.replace("d step", "d2 step") + ", av.capture",
        target,
        1.5,
        captured,
        captured,
        params,
        note,
    )
    return rows


def case_e(args, quick):
    case, target = "e forward pass under av.capture, real PyTorch MLP(2,[16,16,1])", "<= 3x"
    why = reference_missing("torch")
    if why:
        return [not_available(case, "the same, no capture", target, why)]
    model, forward = _real_mlp(100)
    plain = forward()
    capture = av.capture(model)
    with capture:
        captured = forward()
    assert bool((captured == plain).all()), "the capture changed PyTorch's result"
    loops = 20 if quick else 200

    def ours():
        for _ in range(loops):
            forward()

    def ref():
        for _ in range(loops):
            forward()

    def ours_in_capture():
        with capture:
            ours()

    reps = args.repeats or (1 if quick else 9)
    timing = time_pair(ours_in_capture, ref, repeats=reps, warmup=1, gc_on=True)
    o, r = timing
    return [
        Row(
            case,
            o / loops,
            "the same, no capture",
            r / loops,
            target,
            3.0,
            gc_on=True,
            paired_ratio=timing.ratio,
            note=f"per forward pass (model(X) and the MSE loss, {loops} per repeat, the "
            f"capture entered once per repeat)",
        )
    ]


def _player_chain(n):
    """Issue 20's chain: n ops on a length-4 vector, then the sum and backward."""
    x = av.arange(4.0, requires_grad=True, name="x")
    y = x
    for i in range(n // 2):
        y = av.sin(y) * x if i % 2 else y + x * 0.5
    loss = y.sum()
    loss.backward()
    return loss


def case_f(args, quick):
    """The player of the 200-op chain built and exported (.to_html): every frame."""
    import tempfile

    n_ops = 20 if quick else 200
    reps = args.repeats or (1 if quick else 5)
    loss = _player_chain(n_ops)
    out = os.path.join(tempfile.mkdtemp(), "player.html")
    rows = []
    for cold in (False, True):

        def ours(cold=cold):
            if cold:
                forget_layouts()
            av.step_through(loss).to_html(out)

        av.step_through(loss)  # the layout once, for the warm row
        o, _ = time_pair(ours, None, repeats=reps, warmup=1, gc_on=True)
        size = os.path.getsize(out)
        rows.append(
            Row(
                f"f player {n_ops}-op chain built + to_html"
                + (", layout not cached" if cold else ""),
                o,
                "absolute",
                None,
                "" if cold else "<= 1 s",
                None if cold else 1.0,
                absolute=True,
                gc_on=True,
                note=f"{2 * (n_ops + 1)} frames, page {size / 1e6:.2f} MB"
                + ("; includes the Graphviz layout" if cold else "; layout drawn before"),
            )
        )
    return rows


CASES = {
    "a": case_a,
    "a2": case_a2,
    "b": case_b,
    "c": case_c,
    "d": case_d,
    "e": case_e,
    "f": case_f,
}


def main(argv=None):
    args = arg_parser(__doc__.split("\n\n")[0]).parse_args(argv)
    rows, crashed = [], False
    for key, case in CASES.items():
        if selected(args, key):
            try:
                rows.extend(case(args, args.quick))
            except Exception as e:  # noqa: BLE001 - report the case, finish the table
                crashed = True
                traceback.print_exc()
                rows.append(
                    Row(
                        f"{key} (crashed)",
                        None,
                        "-",
                        gc_on=True,
                        note=f"ERROR {type(e).__name__}: {e}"[:300],
                    )
                )
            print(f"case {key} done", file=sys.stderr, flush=True)
    status = finish("render benchmark (autograd_viz vs torchviz / micrograd-style)", rows, args)
    # a renderer that crashes on these graphs is a bug, not a slow result
    return 2 if crashed else status


if __name__ == "__main__":
    sys.exit(main())
