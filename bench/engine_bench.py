"""Engine speed and memory: autograd_viz against micrograd, PyTorch, HIPS autograd, numpy.

Run from the repository root:

    python bench/engine_bench.py            # full run (a few minutes)
    python bench/engine_bench.py --quick    # smoke run, numbers meaningless
    python bench/engine_bench.py --only 2 --profile 2   # cProfile our side of case 2

Cases (targets are ratios ours / reference, measured in the same run):

1. Scalar graphs: micrograd's demo training step (MLP(2, [16, 16, 1]) on 100
   two-moons points, max-margin hinge loss + 1e-4 L2, backward) against the
   same network written with 0-d autograd_viz tensors.  Targets: <= 0.5x
   micrograd with the garbage collector on, <= 1.0x with it off.
2. Small vectors: a 200-op chain on length-4 vectors (50 blocks of
   ``y = tanh(y * w_k + sin(y))``, 4 ops each, then ``y.sum()``: 201 ops),
   forward + backward, cost per op.  References: PyTorch CPU (one thread,
   ``torch.set_num_threads(1)``), HIPS autograd, numpy with a hand-written
   backward.  Target: <= 0.6x PyTorch per op.
3. Large vectors: ``sum(sin(x) * x + exp(-x * x))`` on 1e6 float64 values,
   forward + backward, against numpy computing the value and the hand-derived
   gradient.  Target: <= 1.1x numpy.
4. Memory: 10,000 SGD steps of a small linear model under tracemalloc;
   traced memory (current and peak) after 1,000 and after 10,000 steps.
   Target: no growth.  Run with the collector on and off (growth with it off
   would mean the graph holds reference cycles).

5. Forward mode: ``av.jvp`` of case 2's chain (the W fixed, x the input,
   one tangent), per op, against HIPS autograd's ``make_jvp``.  Target:
   <= 0.5x.  ``torch.func.jvp`` and ``jax.jvp`` (eager, no jit) are timed
   beside it for information.

Every case first checks that ours and the reference compute the same
gradients (tangents for case 5), so a fast wrong answer cannot pass.
"""

from __future__ import annotations

import builtins
import cProfile
import gc
import io
import os
import pstats
import random
import sys
import time
import tracemalloc

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from common import GCClock, Row, arg_parser, finish, fmt_bytes, selected, time_pair  # noqa: E402

import autograd_viz as av  # noqa: E402

# ---------------------------------------------------------------- case 1: scalar MLP


def two_moons(n, seed=0, noise=0.1):
    """Two interleaving half circles, labels -1 / +1 (like sklearn's make_moons)."""
    rng = np.random.default_rng(seed)
    n_out = n // 2
    n_in = n - n_out
    t_out = np.linspace(0, np.pi, n_out)
    t_in = np.linspace(0, np.pi, n_in)
    X = np.concatenate(
        [
            np.stack([np.cos(t_out), np.sin(t_out)], 1),
            np.stack([1 - np.cos(t_in), 0.5 - np.sin(t_in)], 1),
        ]
    )
    X += rng.normal(scale=noise, size=X.shape)
    y = np.concatenate([-np.ones(n_out), np.ones(n_in)])
    return X, y


class AvNeuron:
    """A neuron as a student would write it with autograd_viz scalars."""

    def __init__(self, w, b, nonlin):
        self.w = [av.tensor(float(v), requires_grad=True) for v in w]
        self.b = av.tensor(b, requires_grad=True)
        self.nonlin = nonlin

    def __call__(self, x):
        act = builtins.sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act.relu() if self.nonlin else act

    def parameters(self):
        return self.w + [self.b]


class AvLayer:
    def __init__(self, neurons):
        self.neurons = neurons

    def __call__(self, x):
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self):
        return [p for n in self.neurons for p in n.parameters()]


class AvMLP:
    def __init__(self, layers):
        self.layers = layers

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]


def port_micrograd_mlp(mg_model):
    """The same network over av tensors, starting from micrograd's weights."""
    return AvMLP(
        [
            AvLayer(
                [
                    AvNeuron([float(w.data) for w in n.w], float(n.b.data), n.nonlin)
                    for n in layer.neurons
                ]
            )
            for layer in mg_model.layers
        ]
    )


def make_scalar_mlp_case(n_points):
    from micrograd.engine import Value
    from micrograd.nn import MLP

    X, y = two_moons(n_points, seed=0)
    X, y = X.tolist(), y.tolist()
    random.seed(1337)
    mg_model = MLP(2, [16, 16, 1])
    av_model = port_micrograd_mlp(mg_model)
    mg_params = mg_model.parameters()
    av_params = av_model.parameters()
    alpha = 1e-4

    def micrograd_step():
        inputs = [list(map(Value, row)) for row in X]
        scores = list(map(mg_model, inputs))
        losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = alpha * sum(p * p for p in mg_params)
        total = data_loss + reg_loss
        mg_model.zero_grad()
        total.backward()
        return total

    def av_step():
        inputs = [[av.tensor(v) for v in row] for row in X]
        scores = list(map(av_model, inputs))
        losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
        data_loss = builtins.sum(losses) * (1.0 / len(losses))
        reg_loss = alpha * builtins.sum(p * p for p in av_params)
        total = data_loss + reg_loss
        for p in av_params:
            p.grad = None
        total.backward()
        return total

    # same loss, same gradients, or the comparison means nothing
    mg_total, av_total = micrograd_step(), av_step()
    assert np.isclose(mg_total.data, float(av_total)), (mg_total.data, float(av_total))
    mg_g = np.array([p.grad for p in mg_params])
    av_g = np.array([float(p.grad) for p in av_params])
    assert np.allclose(mg_g, av_g, rtol=1e-9, atol=1e-12), "gradients differ from micrograd"
    n_values = _count_micrograd_values(mg_total)
    return micrograd_step, av_step, n_values


def _count_micrograd_values(root):
    seen, stack = {id(root)}, [root]
    while stack:
        v = stack.pop()
        for c in v._prev:
            if id(c) not in seen:
                seen.add(id(c))
                stack.append(c)
    return len(seen)


def _missing(module):
    try:
        __import__(module)
    except ImportError:
        return f"{module} not installed (pip install -e '.[bench]')"
    return None


def case_scalar_mlp(args, quick):
    n = 10 if quick else 100
    repeats = args.repeats or (1 if quick else 8)
    why = _missing("micrograd")
    if why:
        return [
            Row(
                f"1 scalar MLP step ({n} pts)",
                None,
                "micrograd",
                target="<= 0.5x",
                gc_on=True,
                note=f"not run: {why}",
            )
        ], None
    mg_step, av_step, n_values = make_scalar_mlp_case(n)
    rows = []
    for gc_on, limit in ((True, 0.5), (False, 1.0)):
        clock = GCClock()
        timing = time_pair(
            av_step,
            mg_step,
            repeats=repeats,
            warmup=1,
            gc_on=gc_on,
            gc_clock=clock,
            own_garbage=True,
        )
        ours, ref = timing
        runs = 4 * max(1, repeats // 4) if gc_on else repeats
        note = (
            (
                f"MLP(2,[16,16,1]), graph of {n_values} micrograd Values; gradients checked "
                f"equal; our step spent {clock.seconds / runs * 1e3:.0f} ms/step in the "
                f"collector ({[round(c / runs, 1) for c in clock.collections]} collections "
                f"of gen 0/1/2 per step)"
            )
            if gc_on
            else ""
        )
        rows.append(
            Row(
                f"1 scalar MLP step ({n} pts)",
                ours,
                "micrograd",
                ref,
                f"<= {limit}x",
                limit,
                gc_on=gc_on,
                note=note,
                paired_ratio=timing.ratio,
            )
        )
    return rows, av_step


# ---------------------------------------------------------------- case 2: small vectors

CHAIN_BLOCKS = 50  # 4 ops per block + the final sum = 201 ops
CHAIN_OPS = 4 * CHAIN_BLOCKS + 1


def make_chain_case(blocks):
    rng = np.random.default_rng(2)
    x0 = rng.uniform(-1, 1, 4)
    W0 = [rng.uniform(-1.5, 1.5, 4) for _ in range(blocks)]

    # autograd_viz
    ax = av.tensor(x0, requires_grad=True)
    aW = [av.tensor(w, requires_grad=True) for w in W0]
    a_leaves = [ax] + aW

    def av_chain():
        for t in a_leaves:
            t.grad = None
        y = ax
        for w in aW:
            y = av.tanh(y * w + av.sin(y))
        y.sum().backward()

    refs, results = {}, {}

    # PyTorch
    if not _missing("torch"):
        import torch

        torch.set_num_threads(1)
        tx = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
        tW = [torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in W0]
        t_leaves = [tx] + tW

        def torch_chain():
            for t in t_leaves:
                t.grad = None
            y = tx
            for w in tW:
                y = torch.tanh(y * w + torch.sin(y))
            y.sum().backward()

        refs["PyTorch CPU 1 thread"] = torch_chain
        results["PyTorch CPU 1 thread"] = lambda: (tx.grad.numpy(), [w.grad.numpy() for w in tW])

    # HIPS autograd
    if not _missing("autograd"):
        import autograd
        import autograd.numpy as anp

        def hips_f(params):
            y = params[0]
            for w in params[1:]:
                y = anp.tanh(y * w + anp.sin(y))
            return anp.sum(y)

        hips_grad = autograd.grad(hips_f)
        h_params = [x0] + W0
        hips_out = []

        def hips_chain():
            hips_out[:] = [hips_grad(h_params)]

        refs["HIPS autograd"] = hips_chain
        results["HIPS autograd"] = lambda: (hips_out[0][0], hips_out[0][1:])

    # numpy, backward by hand
    np_out = []

    def numpy_chain():
        y = x0
        saved = []
        for w in W0:
            out = np.tanh(y * w + np.sin(y))
            saved.append((y, w, out))
            y = out
        _ = np.sum(y)
        g = np.ones_like(y)
        gW = [None] * len(W0)
        for k in range(len(W0) - 1, -1, -1):
            y_in, w, out = saved[k]
            g_pre = g * (1 - out * out)
            gW[k] = g_pre * y_in
            g = g_pre * w + g_pre * np.cos(y_in)
        np_out[:] = [g, gW]

    refs["numpy hand backward"] = numpy_chain
    results["autograd_viz"] = lambda: (ax.grad.numpy(), [w.grad.numpy() for w in aW])
    av_chain()
    for f in refs.values():
        f()
    ref_gx, ref_gW = np_out[0], np_out[1]
    for name, result in results.items():
        gx, gW = result()
        assert np.allclose(gx, ref_gx) and all(np.allclose(a, b) for a, b in zip(gW, ref_gW)), (
            f"{name}: chain gradients differ from the hand-written backward"
        )
    return av_chain, refs


def case_small_vectors(args, quick):
    blocks = 5 if quick else CHAIN_BLOCKS
    n_ops = 4 * blocks + 1
    repeats = args.repeats or (3 if quick else 31)
    ours_fn, refs = make_chain_case(blocks)
    rows = []
    if "PyTorch CPU 1 thread" not in refs:
        rows.append(
            Row(
                f"2 chain len-4, per op ({n_ops} ops)",
                None,
                "PyTorch CPU 1 thread",
                target="<= 0.6x",
                gc_on=True,
                note=f"not run: {_missing('torch')}",
            )
        )
    for ref_name, ref_fn in refs.items():
        target = ref_name.startswith("PyTorch")
        timing = time_pair(ours_fn, ref_fn, repeats=repeats, warmup=3, gc_on=True)
        ours, ref = timing
        rows.append(
            Row(
                f"2 chain len-4, per op ({n_ops} ops)",
                ours / n_ops,
                ref_name,
                ref / n_ops,
                "<= 0.6x" if target else "",
                0.6 if target else None,
                gc_on=True,
                paired_ratio=timing.ratio,
                note=(
                    "torch.set_num_threads(1); forward + backward, time / ops; "
                    "gradients checked against the hand backward"
                    if target
                    else ""
                ),
            )
        )
    return rows, ours_fn


# ---------------------------------------------------------------- case 3: large vectors


def make_large_case(n):
    rng = np.random.default_rng(3)
    x0 = rng.standard_normal(n)
    ax = av.tensor(x0, requires_grad=True)

    def av_large():
        ax.grad = None
        f = (av.sin(ax) * ax + av.exp(-ax * ax)).sum()
        f.backward()
        return f

    np_out = []

    def numpy_large():
        s = np.sin(x0)
        e = np.exp(-x0 * x0)
        f = np.sum(s * x0 + e)
        g = np.cos(x0) * x0 + s - 2 * x0 * e
        np_out[:] = [f, g]

    f = av_large()
    numpy_large()
    assert np.isclose(float(f), np_out[0]) and np.allclose(ax.grad.numpy(), np_out[1])
    return av_large, numpy_large


def case_large_vectors(args, quick):
    n = 10_000 if quick else 1_000_000
    repeats = args.repeats or (3 if quick else 25)
    ours_fn, ref_fn = make_large_case(n)
    timing = time_pair(ours_fn, ref_fn, repeats=repeats, warmup=2, gc_on=True)
    ours, ref = timing
    row = Row(
        f"3 sum(sin(x)x+exp(-x²)) n={n:.0e}",
        ours,
        "numpy hand gradient",
        ref,
        "<= 1.1x",
        1.1,
        gc_on=True,
        note="float64; value and gradient checked equal",
        paired_ratio=timing.ratio,
    )
    return [row], ours_fn


# ---------------------------------------------------------------- case 4: memory


def case_memory(args, quick):
    first, total = (100, 1000) if quick else (1000, 10_000)
    rows = []
    for gc_on in (True, False):
        rows.extend(_memory_run(first, total, gc_on))
        print(f"case 4 gc {'on' if gc_on else 'off'} done", file=sys.stderr, flush=True)
    return rows, None


def _memory_run(first, total, gc_on):
    rng = np.random.default_rng(4)
    X = av.tensor(rng.standard_normal((32, 3)))
    y = av.tensor(rng.standard_normal(32))
    w = av.zeros(3, requires_grad=True)
    b = av.zeros((), requires_grad=True)
    lr = 0.05

    def step():
        loss = ((X @ w + b - y) ** 2).mean()
        loss.backward()
        w.data -= lr * w.grad.data
        b.data = b.data - lr * b.grad.data
        w.grad.zero_()
        b.grad.zero_()

    was = gc.isenabled()
    gc.collect()
    gc.enable() if gc_on else gc.disable()
    # let caches and the first .grad arrays settle, and the interpreter's free
    # lists refill after that collection emptied them: this loop takes about
    # 5,000 steps to fill them (+101 KiB traced if tracing starts earlier, all
    # of it handed back by the next full collection: no leak)
    for _ in range(20 if first < 1000 else 5000):
        step()
    tracemalloc.start()
    try:
        t0 = time.perf_counter()
        for _ in range(first):
            step()
        cur1, peak1 = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        half = total // 2
        for _ in range(half - first):
            step()
        cur_half, _ = tracemalloc.get_traced_memory()
        for _ in range(total - half):
            step()
        cur2, peak2 = tracemalloc.get_traced_memory()
        elapsed = time.perf_counter() - t0
    finally:
        tracemalloc.stop()
        gc.enable() if was else gc.disable()
        gc.collect()
    # "no growth": a leak of even 8 bytes a step would add 72 KB over 9,000 steps
    slack = 16 * 1024
    grew_cur = cur2 - cur1
    grew_peak = peak2 - peak1
    gc_text = "on" if gc_on else "off"
    return [
        _MemRow(
            f"4 memory current @{first}/@{total} steps",
            cur2,
            f"@{first}",
            cur1,
            f"growth <= {fmt_bytes(slack)}",
            None,
            gc_on=gc_on,
            unit="bytes",
            extra={"ok": grew_cur <= slack},
            note=f"{total} SGD steps in {elapsed:.1f} s under tracemalloc (gc {gc_text}); "
            f"current grew {grew_cur:+d} B, peak grew {grew_peak:+d} B",
        ),
        _MemRow(
            f"4 memory peak    @{first}/@{total} steps",
            peak2,
            f"@{first}",
            peak1,
            f"growth <= {fmt_bytes(slack)}",
            None,
            gc_on=gc_on,
            unit="bytes",
            extra={"ok": grew_peak <= slack},
        ),
        # the second half alone: a one-off allocation early on (a cache filling)
        # shows above but not here; a per-step leak shows in both
        _MemRow(
            f"4 memory current @{half}/@{total} steps",
            cur2,
            f"@{half}",
            cur_half,
            f"growth <= {fmt_bytes(slack)}",
            None,
            gc_on=gc_on,
            unit="bytes",
            extra={"ok": cur2 - cur_half <= slack},
        ),
    ]


class _MemRow(Row):
    @property
    def result(self):
        return "PASS" if self.extra.get("ok") else "FAIL"


# ---------------------------------------------------------------- case 5: forward mode


def make_jvp_case(blocks):
    """jvp of case 2's chain in x (the W fixed), one tangent: ours and the references."""
    rng = np.random.default_rng(5)
    x0 = rng.uniform(-1, 1, 4)
    v0 = rng.uniform(-1, 1, 4)
    W0 = [rng.uniform(-1.5, 1.5, 4) for _ in range(blocks)]

    aW = [av.tensor(w) for w in W0]
    ax, av_v = av.tensor(x0), av.tensor(v0)

    def av_f(y):
        for w in aW:
            y = av.tanh(y * w + av.sin(y))
        return y.sum()

    av_out = []

    def av_jvp():
        av_out[:] = [av.jvp(av_f, (ax,), (av_v,))[1]]

    refs, results = {}, {}
    results["autograd_viz"] = lambda: float(av_out[0])

    if not _missing("autograd"):
        import autograd
        import autograd.numpy as anp

        def hips_f(y):
            for w in W0:
                y = anp.tanh(y * w + anp.sin(y))
            return anp.sum(y)

        hips_jvp = autograd.make_jvp(hips_f)
        hips_out = []

        def hips():
            hips_out[:] = [hips_jvp(x0)(v0)[1]]

        refs["HIPS autograd make_jvp"] = hips
        results["HIPS autograd make_jvp"] = lambda: float(hips_out[0])

    if not _missing("torch"):
        import torch
        import torch.func

        torch.set_num_threads(1)
        tW = [torch.tensor(w, dtype=torch.float64) for w in W0]
        tx, tv = torch.tensor(x0), torch.tensor(v0)

        def torch_f(y):
            for w in tW:
                y = torch.tanh(y * w + torch.sin(y))
            return y.sum()

        torch_out = []

        def torch_jvp():
            torch_out[:] = [torch.func.jvp(torch_f, (tx,), (tv,))[1]]

        refs["torch.func.jvp"] = torch_jvp
        results["torch.func.jvp"] = lambda: float(torch_out[0])

    if not _missing("jax"):
        import jax

        jax.config.update("jax_enable_x64", True)
        import jax.numpy as jnp

        jW = [jnp.asarray(w) for w in W0]
        jx, jv = jnp.asarray(x0), jnp.asarray(v0)

        def jax_f(y):
            for w in jW:
                y = jnp.tanh(y * w + jnp.sin(y))
            return jnp.sum(y)

        jax_out = []

        def jax_jvp():
            out = jax.jvp(jax_f, (jx,), (jv,))[1]
            out.block_until_ready()
            jax_out[:] = [out]

        refs["jax.jvp (eager)"] = jax_jvp
        results["jax.jvp (eager)"] = lambda: float(jax_out[0])

    # the tangent by hand: forward-mode chain rule through each block
    y, t = x0, v0
    for w in W0:
        pre = y * w + np.sin(y)
        t = (1 - np.tanh(pre) ** 2) * (t * w + np.cos(y) * t)
        y = np.tanh(pre)
    expected = float(np.sum(t))
    av_jvp()
    for f in refs.values():
        f()
    for name, result in results.items():
        assert np.isclose(result(), expected, rtol=1e-9, atol=1e-12), (
            f"{name}: jvp of the chain {result()} differs from the hand-written {expected}"
        )
    return av_jvp, refs


def case_forward_mode(args, quick):
    blocks = 5 if quick else CHAIN_BLOCKS
    n_ops = 4 * blocks + 1
    repeats = args.repeats or (3 if quick else 31)
    ours_fn, refs = make_jvp_case(blocks)
    case = f"5 jvp chain len-4, per op ({n_ops} ops)"
    rows = []
    if "HIPS autograd make_jvp" not in refs:
        rows.append(
            Row(
                case,
                None,
                "HIPS autograd make_jvp",
                target="<= 0.5x",
                gc_on=True,
                note=f"not run: {_missing('autograd')}",
            )
        )
    for ref_name, ref_fn in refs.items():
        target = ref_name.startswith("HIPS")
        timing = time_pair(ours_fn, ref_fn, repeats=repeats, warmup=3, gc_on=True)
        ours, ref = timing
        rows.append(
            Row(
                case,
                ours / n_ops,
                ref_name,
                ref / n_ops,
                "<= 0.5x" if target else "",
                0.5 if target else None,
                gc_on=True,
                paired_ratio=timing.ratio,
                note=(
                    "one tangent for x, W fixed; av.jvp against make_jvp(f)(x)(v); "
                    "tangents checked against a hand-written forward-mode chain rule"
                    if target
                    else ""
                ),
            )
        )
    return rows, ours_fn


# ---------------------------------------------------------------- main

CASES = {
    "1": case_scalar_mlp,
    "2": case_small_vectors,
    "3": case_large_vectors,
    "4": case_memory,
    "5": case_forward_mode,
}


def profile(fn, calls, top=30):
    """cProfile ``calls`` runs of our side, collector off (its cost is reported
    separately by the timing rows), and print where the time goes."""
    prof = cProfile.Profile()
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    try:
        prof.enable()
        for _ in range(calls):
            fn()
        prof.disable()
    finally:
        gc.enable() if was else gc.disable()
        gc.collect()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    print(out.getvalue())
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    print(out.getvalue())


def main(argv=None):
    parser = arg_parser(__doc__.split("\n\n")[0])
    parser.add_argument(
        "--profile",
        default=None,
        metavar="CASE",
        help="after timing, cProfile our side of this case (1, 2, 3 or 5)",
    )
    args = parser.parse_args(argv)
    rows, ours_fns = [], {}
    for key, case in CASES.items():
        if selected(args, key):
            case_rows, ours_fn = case(args, args.quick)
            rows.extend(case_rows)
            ours_fns[key] = ours_fn
            print(f"case {key} done", file=sys.stderr, flush=True)
    status = finish("engine benchmark (autograd_viz vs references)", rows, args)
    if args.profile:
        fn = ours_fns.get(args.profile)
        if fn is None:
            print(f"--profile {args.profile}: run that case too (see --only)")
        else:
            print(f"\n== cProfile of our side, case {args.profile} ==")
            profile(fn, 1 if args.profile == "1" else 20)
    return status


if __name__ == "__main__":
    sys.exit(main())
