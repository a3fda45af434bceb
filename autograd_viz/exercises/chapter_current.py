"""The current edition's exercises of the chapter "Automatic Differentiation",
named by topic (exercise numbers differ between editions).

    from autograd_viz.exercises import autograd_chapter as ch
    ch.manual_tracing, ch.detach_and_check, ch.tracking_off,
    ch.dependency_graph, ch.forward_and_reverse

They live here and are re-exported by :mod:`.autograd_chapter`.  Answers may
be written in any dialect (core, torch, tf, mxnet, jax): every check looks at
the ``av.Tensor`` underneath, never at one framework's class.  The inputs of
``tracking_off`` and ``dependency_graph`` already require a gradient (there
is something to turn off, and a graph to record); the others' do not yet.
"""

from __future__ import annotations

import numpy as np

from ..engine.graph import STATE, grad_of, whole_graph
from ..engine.tensor import Tensor
from . import graph_shape
from .core import Entries, Exercise, Failure, kind_of, plain, show
from .messages import msg
from .probe import (
    Recording,
    as_jax_array,
    every_dialect_recording,
    grad_mode,
    leaf_gradients,
    uses_jax,
)

__all__ = [
    "manual_tracing",
    "detach_and_check",
    "tracking_off",
    "dependency_graph",
    "forward_and_reverse",
    "tracing_graph",
    "f_dependency",
]


def _kinds(value):
    """What the student returned, described in both languages (the child
    process describes it; the parent picks the notebook's language)."""
    from .core import kind_of_answer

    return {lang: kind_of_answer(value, lang) for lang in ("en", "vi")}


def _close(a, b, rtol=1e-6, atol=1e-8):
    try:
        a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    if a.size != b.size:
        return False
    return bool(np.allclose(a.reshape(b.shape), b, rtol=rtol, atol=atol))


# ============================================================ manual tracing

TRACING_AT = {"x": -2.0, "y": 5.0, "z": -4.0}


def tracing_graph(rng=None):
    """f(x, y, z) = (x + y)·z at x = −2, y = 5, z = −4, with every node named
    (the quiz's ``build`` signature: ``rng`` is not used, the point is fixed)."""
    from ..engine.tensor import tensor

    x, y, z = (tensor(v, requires_grad=True, name=n) for n, v in TRACING_AT.items())
    q = x + y
    f = q * z
    q.name, f.name = "q", "f"
    return [x, y, z, q], f


def _tracing_reference():
    from ..engine.functional import gradients

    (x, y, z, q), f = tracing_graph()
    gx, gy, gz = gradients(f, [x, y, z])
    return {"q": q, "f": f, "df_dx": gx, "df_dy": gy, "df_dz": gz}


def _num(v):
    return f"{float(np.asarray(v)):g}"


def tracing_explain(name, got, expected, ctx):
    """Where to look for a wrong entry of ch.manual_tracing (also the quiz's
    feedback on the same graph)."""
    x, y, z = (_num(TRACING_AT[k]) for k in "xyz")
    q_right = _close(got.get("q"), expected["q"])
    if name == "q":
        return ctx.msg("mt_q", x=x, y=y)
    if name == "f":
        return ctx.msg("mt_f", z=z) if q_right else ctx.msg("mt_f_after_q")
    if name == "df_dz":
        return ctx.msg("mt_dz")
    if name in ("df_dx", "df_dy"):
        var = name[-1]
        value = got.get(name)
        if _close(value, 1.0):
            return ctx.msg("mt_forgot_upstream", var=var, z=z)
        if _close(value, -np.asarray(expected[name])):
            return ctx.msg("mt_sign", var=var)
        return ctx.msg("mt_dxy", var=var)
    return None


manual_tracing = Entries(
    title={"en": "Tracing f = (x + y)·z by hand", "vi": "Lần theo f = (x + y)·z bằng tay"},
    prompt={
        "en": "For f(x, y, z) = (x + y)·z at x = −2, y = 5, z = −4, with q = x + y: "
        "compute the forward values q and f and the partial derivatives df/dx, "
        "df/dy, df/dz by hand, and pass them as a dict "
        '{"q": ..., "f": ..., "df_dx": ..., "df_dy": ..., "df_dz": ...}.',
        "vi": "Với f(x, y, z) = (x + y)·z tại x = −2, y = 5, z = −4, đặt q = x + y: hãy "
        "tự tính các giá trị xuôi q và f cùng các đạo hàm riêng df/dx, df/dy, df/dz, "
        "rồi đưa vào dưới dạng dict "
        '{"q": ..., "f": ..., "df_dx": ..., "df_dy": ..., "df_dz": ...}.',
    },
    reference=_tracing_reference,
    explain=tracing_explain,
    time_limit=5.0,
    hints={
        "en": "Forward: q = x + y, then f = q·z. Backward from df/df = 1: the × node "
        "sends z to q and q to z; the + node passes what q received to x and y "
        "unchanged (its local derivatives are 1).",
        "vi": "Xuôi: q = x + y, rồi f = q·z. Ngược từ df/df = 1: nút × gửi z về q và q về "
        "z; nút + chuyển nguyên những gì q nhận được về x và y (đạo hàm cục bộ "
        "của nó bằng 1).",
    },
)
manual_tracing.graph = tracing_graph


def _tracing_widget(lang=None):
    """The same exercise as a quiz: type the values and gradients into the
    boxes beside the drawn graph; wrong boxes get the exercise's messages."""
    from .quiz import GradientQuiz

    return GradientQuiz(
        tracing_graph, lang=lang, ask_values=True, explain=_quiz_explain, title=manual_tracing.title
    )


# quiz box -> entry of the exercise's dict
_QUIZ_ENTRIES = {
    ("value", "q"): "q",
    ("value", "f"): "f",
    ("grad", "x"): "df_dx",
    ("grad", "y"): "df_dy",
    ("grad", "z"): "df_dz",
}


def _quiz_explain(box, typed, lang):
    """The quiz's sentence for a wrong box: the exercise's own, for its entries."""
    from .core import Context

    entry = _QUIZ_ENTRIES.get(box)
    if entry is None:
        return None
    got = {
        _QUIZ_ENTRIES[b]: np.asarray(v, dtype=float)
        for b, v in typed.items()
        if b in _QUIZ_ENTRIES and v is not None
    }
    expected = {k: np.asarray(plain(v), dtype=float) for k, v in _tracing_reference().items()}
    return tracing_explain(entry, got, expected, Context(manual_tracing, lang))


manual_tracing.widget = _tracing_widget


# ============================================================ detach


def _detach_call(answer, x):
    from ..engine.errors import BackwardError

    with Recording() as nodes:
        try:
            out = answer(x)
        except BackwardError as e:
            if getattr(e, "message_key", None) != "freed_graph":
                raise
            # the second backward went through z's graph again: y is in it
            return {"error": "dc_freed", "text": str(e)}
    same = False
    if isinstance(out, (tuple, list)) and len(out) == 2:
        a, b = out
        same = a is b or (
            isinstance(a, Tensor)
            and isinstance(b, Tensor)
            and np.shares_memory(np.asarray(a.data), np.asarray(b.data))
        )
    return {
        "value": plain(tuple(out) if isinstance(out, list) else out),
        "same": same,
        "backward_grads": leaf_gradients(nodes),
    }


def _by_backward(value, got, ctx):
    return any(ctx.compare(value, g) is None for g in got["backward_grads"])


def _detach_check(got, expected, args, ctx):
    if "error" in got:
        return ctx.msg(got["error"])
    value = got["value"]
    if not isinstance(value, tuple) or len(value) != 2:
        raise Failure(ctx.msg("dc_pair", got=kind_of(value, ctx.lang)), {"got": show(value)})
    (x,) = args
    first, second = value
    u, two_x = x * x, 2 * x
    if got["same"]:
        return ctx.msg("dc_same")
    if ctx.compare(first, u) is not None:
        if ctx.compare(first, 3 * x * x) is None:
            return ctx.msg("dc_not_detached")
        problem = ctx.compare(first, u)
        raise Failure(
            ctx.msg("dc_first", detail=problem),
            {"expected": "u = x·x = " + show(u), "got": show(first)},
        )
    if second is None:
        return ctx.msg("dc_no_second")
    if ctx.compare(second, two_x) is not None:
        if ctx.compare(second, u + two_x) is None:
            return ctx.msg("dc_accumulated")
        if ctx.compare(second, np.zeros_like(x)) is None:
            return ctx.msg("dc_zero_second")
        raise Failure(
            ctx.msg("dc_second", detail=ctx.compare(second, two_x)),
            {"expected": "2x = " + show(two_x), "got": show(second)},
        )
    for part, name in ((first, "x.grad (u·x)"), (second, "x.grad (y)")):
        if not _by_backward(part, got, ctx):
            return ctx.msg("dc_by_hand", which=name)
    return None


def _vector(rng):
    return (rng.uniform(-2.0, 2.0, size=int(rng.integers(3, 7))),)


detach_and_check = Exercise(
    title={"en": "Detaching: u = y.detach()", "vi": "Tách khỏi đồ thị: u = y.detach()"},
    prompt={
        "en": "Write f(x) in your framework: y = x·x, u = y detached, z = u·x. Return "
        "(the gradient of sum(z) with respect to x, the gradient of sum(y) with "
        "respect to x), both computed by backward passes.",
        "vi": "Viết f(x) bằng framework của bạn: y = x·x, u = y đã tách khỏi đồ thị, "
        "z = u·x. Trả về (gradient của sum(z) theo x, gradient của sum(y) theo x), "
        "cả hai tính bằng lượt lan truyền ngược.",
    },
    inputs=_vector,
    reference=None,
    call=_detach_call,
    check=_detach_check,
    cases=3,
    time_limit=5.0,
    arg_names=("x",),
    hints={
        "en": "`x.requires_grad_(); y = x * x; u = y.detach(); z = u * x; "
        "z.sum().backward(); first = x.grad.detach()` (a copy: the next backward "
        "changes x.grad); x.grad.zero_(); y.sum().backward(); return `first`, x.grad. "
        "TF: tf.stop_gradient and a persistent tape; MXNet: y.detach() inside "
        "autograd.record(); JAX: jax.lax.stop_gradient and jax.grad.",
        "vi": "`x.requires_grad_(); y = x * x; u = y.detach(); z = u * x; "
        "z.sum().backward(); first = x.grad.detach()` (một bản sao: lượt lan truyền "
        "ngược sau sẽ đổi x.grad); x.grad.zero_(); y.sum().backward(); trả về `first`, "
        "x.grad. TF: tf.stop_gradient và một cuộn băng `persistent`; MXNet: y.detach() "
        "trong autograd.record(); JAX: jax.lax.stop_gradient và jax.grad.",
    },
)


# ============================================================ tracking off


def _tracking_input(rng):
    return (rng.normal(size=int(rng.integers(3, 7))),)


def _tracking_call(answer, x):
    # what "tracking is on" means in the student's framework: a tensor that
    # requires a gradient; in JAX nothing is tracked outside a transform
    x = as_jax_array(x, traced=False) if uses_jax(answer) else x.requires_grad_()
    before = grad_mode()
    with Recording() as nodes:
        out = answer(x)
    after = grad_mode()
    info = {
        "value": plain(out),
        "recorded": len(nodes),
        "left_off": [k for k in before if before[k] != after[k]],
    }
    if not isinstance(out, Tensor):
        info["error"] = "tr_to_numpy" if isinstance(plain(out), np.ndarray) else "tr_not_tensor"
        info["kind"] = _kinds(out)
        return info
    info["tracked"] = bool(out.requires_grad or out.op is not None)
    info["detached"] = out.detached_from is not None
    return info


def _tracking_check(got, expected, args, ctx):
    if "error" in got:
        raise Failure(
            ctx.msg(got["error"], kind=got["kind"][ctx.lang]), {"got": show(got["value"])}
        )
    if got["tracked"]:
        raise Failure(ctx.msg("tr_tracked"), {"got": show(got["value"])})
    if got["recorded"]:
        return ctx.msg("tr_recorded_then_cut", n=got["recorded"])
    if got["left_off"]:
        return ctx.msg("tr_left_off")
    problem = ctx.compare(got["value"], expected)
    if problem:
        raise Failure(ctx.msg("tr_value", detail=problem), {"got": show(got["value"])})
    return None


tracking_off = Exercise(
    title={"en": "Computing with tracking turned off", "vi": "Tính toán khi tắt ghi đồ thị"},
    prompt={
        "en": "x arrives with requires_grad=True. Return y = 2·dot(x, x) computed with "
        "tracking turned off, so y carries no gradient information: torch.no_grad() "
        "(or av.no_grad()), outside any tf.GradientTape (or in tape.stop_recording()), "
        "MXNet outside autograd.record() (or in autograd.pause()), JAX a plain call.",
        "vi": "x được đưa vào với requires_grad=True. Trả về y = 2·dot(x, x) tính khi đã "
        "tắt ghi đồ thị, để y không mang thông tin gradient nào: torch.no_grad() "
        "(hoặc av.no_grad()), ngoài mọi tf.GradientTape (hoặc trong "
        "tape.stop_recording()), MXNet ngoài autograd.record() (hoặc trong "
        "autograd.pause()), JAX gọi hàm bình thường.",
    },
    inputs=_tracking_input,
    reference=lambda x: 2 * np.dot(x, x),
    call=_tracking_call,
    check=_tracking_check,
    cases=3,
    time_limit=5.0,
    arg_names=("x",),
    hints={
        "en": "PyTorch: `with torch.no_grad(): y = 2 * torch.dot(x, x)`. TensorFlow: "
        "x = tf.constant(x) and compute with no tape open. MXNet: x = np.array(x), "
        "then compute outside autograd.record() or inside autograd.pause(). JAX: "
        "x = jnp.array(x); y = 2 * jnp.dot(x, x). Do not compute first and detach "
        "afterwards: then the graph was recorded.",
        "vi": "PyTorch: `with torch.no_grad(): y = 2 * torch.dot(x, x)`. TensorFlow: "
        "x = tf.constant(x) rồi tính khi không có cuộn băng nào mở. MXNet: x = np.array(x), "
        "rồi tính ngoài autograd.record() hoặc trong autograd.pause(). JAX: "
        "x = jnp.array(x); y = 2 * jnp.dot(x, x). Đừng tính trước rồi mới tách: khi "
        "đó đồ thị đã được ghi lại.",
    },
)


# ============================================================ dependency graph


def f_dependency(x):
    """f(x) = log(x²)·sin(x) + 1/x, with the methods every dialect's tensor has."""
    return (x**2).log() * x.sin() + 1 / x


def _f_value(x):
    x = np.asarray(x, dtype=np.float64)
    return np.log(x * x) * np.sin(x) + 1 / x


def _f_slope(x):
    x = np.asarray(x, dtype=np.float64)
    return 2 / x * np.sin(x) + np.log(x * x) * np.cos(x) - 1 / (x * x)


def _nonzero_scalar(rng):
    return (float(rng.choice([-1.0, 1.0]) * rng.uniform(0.4, 3.0)),)


def _expected_root(value):
    from ..engine.tensor import tensor

    x = tensor(value, requires_grad=True, name="x")
    return x, f_dependency(x)


def _drawings(out, leaf, value, lang):
    """The student's graph and the formula's, side by side (HTML), or ""."""
    from ..render.backend import GraphvizNotFound
    from ..render.draw import draw

    x, want = _expected_root(value)
    try:
        mine = draw(out, lang=lang, names={"x": leaf, "f": out}).svg
        theirs = draw(want, lang=lang, names={"x": x, "f": want}).svg
    except GraphvizNotFound:
        return ""
    return graph_shape.side_by_side(mine, msg("dg_yours", lang), theirs, msg("dg_formula", lang))


def _dependency_call(answer, x, lang=None):
    from ..engine.functional import gradients

    value = float(x.data)
    # JAX records a function only under a transform: give it the traced
    # stand-in jax.grad would; every other dialect records a tensor that
    # requires a gradient
    x = as_jax_array(x, traced=True) if uses_jax(answer) else x.requires_grad_()
    x.name = "x"
    with every_dialect_recording():
        out = answer(x)
    if not isinstance(out, Tensor):
        return {"error": "dg_outside", "kind": _kinds(out), "value": plain(out)}
    if out.op is None or not out.requires_grad:
        return {"error": "dg_no_graph", "value": plain(out)}
    leaves = [n for n in whole_graph([out]) if n.is_leaf and n.requires_grad]
    info = {"value": plain(out), "leaves": len(leaves)}
    if len(leaves) != 1:
        return info
    (leaf,) = leaves
    formula_root = _expected_root(value)[1]
    inner = [n.data for n in whole_graph([formula_root]) if n.op is not None]
    mine = graph_shape.canonical(out, computed=inner)
    want = graph_shape.canonical(formula_root)
    info["same_shape"] = mine == want
    if mine != want:
        info["formula"] = graph_shape.formula(
            graph_shape.canonical(out, sort=False, computed=inner)
        )
        info["missing"] = dict(graph_shape.operations(want) - graph_shape.operations(mine))
        info["extra"] = dict(graph_shape.operations(mine) - graph_shape.operations(want))
        info["outside"] = graph_shape.contains(mine, graph_shape.OUTSIDE)
        info["figure"] = _drawings(out, leaf, value, lang)
    if out.size == 1:  # else the value check below reports the shape
        (g,) = gradients(out, [leaf], retain_graph=True)
        info["slope"] = plain(g)
    return info


def _dependency_check(got, expected, args, ctx):
    if "error" in got:
        kind = got.get("kind", {}).get(ctx.lang, "")
        raise Failure(ctx.msg(got["error"], kind=kind), {"got": show(got["value"])})
    if got["leaves"] != 1:
        return ctx.msg("dg_leaves", n=got["leaves"])
    if not got["same_shape"]:
        if got["outside"]:
            text = ctx.msg("dg_outside_part")
        elif not got["missing"] and not got["extra"]:
            text = ctx.msg("dg_rewired")
        else:
            parts = [
                ctx.msg(key, ops=graph_shape.describe_ops(got[which], ctx.lang))
                for key, which in (("dg_missing", "missing"), ("dg_extra", "extra"))
                if got[which]
            ]
            text = "; ".join(parts)
        formula = graph_shape.formula(graph_shape.canonical(_expected_root(args[0])[1], sort=False))
        raise Failure(
            ctx.msg("dg_shape", detail=text, mine=got["formula"], formula=formula),
            {"got": show(got["value"])},
            figure=got.get("figure", ""),
        )
    problem = ctx.compare(got["value"], expected)
    if problem:
        raise Failure(ctx.msg("dg_value", detail=problem), {"got": show(got["value"])})
    (x,) = args
    problem = ctx.compare(got["slope"], _f_slope(x))
    if problem:
        raise Failure(
            ctx.msg("dg_slope", detail=problem),
            {"expected": show(_f_slope(x)), "got": show(got["slope"])},
        )
    return None


dependency_graph = Exercise(
    title={
        "en": "The dependency graph of log(x²)·sin(x) + 1/x",
        "vi": "Đồ thị phụ thuộc của log(x²)·sin(x) + 1/x",
    },
    prompt={
        "en": "Write f(x) = log(x²)·sin(x) + 1/x with your framework's operations and "
        "pass the function (x arrives with requires_grad=True; a TensorFlow tape and "
        "MXNet's record() are open). The check records its graph, compares it with the "
        "formula's (x² may be x*x or x**2), and checks df/dx on random x ≠ 0. "
        "Draw it with av.draw(f(x)).",
        "vi": "Viết f(x) = log(x²)·sin(x) + 1/x bằng các phép toán của framework của bạn "
        "và đưa hàm vào (x được đưa vào với requires_grad=True; một cuộn băng TensorFlow và "
        "record() của MXNet đang mở). Bài kiểm tra ghi lại đồ thị của nó, so sánh với "
        "đồ thị của "
        "công thức (x² có thể là x*x hoặc x**2), và kiểm tra df/dx với x ≠ 0 ngẫu "
        "nhiên. Vẽ nó bằng av.draw(f(x)).",
    },
    inputs=_nonzero_scalar,
    reference=_f_value,
    call=_dependency_call,
    check=_dependency_check,
    call_gets_lang=True,
    cases=4,
    time_limit=10.0,
    arg_names=("x",),
    hints={
        "en": "torch: torch.log(x ** 2) * torch.sin(x) + 1 / x; tf: tf.math.log(x * x) * "
        "tf.sin(x) + 1 / x; MXNet: np.log(x ** 2) * np.sin(x) + 1 / x (from "
        "autograd_viz.mxnet); JAX: jnp.log(x ** 2) * jnp.sin(x) + 1 / x. Keep every "
        "step a tensor operation on x: no float(), .item() or numpy.",
        "vi": "torch: torch.log(x ** 2) * torch.sin(x) + 1 / x; tf: tf.math.log(x * x) * "
        "tf.sin(x) + 1 / x; MXNet: np.log(x ** 2) * np.sin(x) + 1 / x (từ "
        "autograd_viz.mxnet); JAX: jnp.log(x ** 2) * jnp.sin(x) + 1 / x. Giữ mọi "
        "bước là phép toán tensor trên x: không float(), .item() hay numpy.",
    },
)
dependency_graph.f = f_dependency


# ============================================================ forward and reverse


def _sweeps():
    counts = getattr(STATE, "sweeps", None)
    return None if counts is None else dict(counts)


def _shares(a, b):
    """Whether two returned values are one tensor, or views of one array."""
    if a is b:
        return True
    if isinstance(a, Tensor) and isinstance(b, Tensor):
        return bool(np.shares_memory(np.asarray(a.data), np.asarray(b.data)))
    return False


def _modes_call(answer, x):
    before = _sweeps()
    if before is None:
        return {"error": "fr_no_forward_mode"}
    with Recording() as nodes:
        out = answer(x)
    after = _sweeps()
    same = False
    if isinstance(out, (tuple, list)) and len(out) == 2:
        a, b = out
        # the reverse-mode answer lives in a leaf's .grad: d_forward must not be it
        grads = [grad_of(n) for n in whole_graph(nodes) + [x] if n.is_leaf]
        grads = [g for g in grads if g is not None]
        same = any(_shares(a, other) for other in [b] + grads)
    return {
        "value": plain(tuple(out) if isinstance(out, list) else out),
        "same": same,
        "forward": after["forward"] - before["forward"],
        "reverse": after["reverse"] - before["reverse"],
    }


def _modes_check(got, expected, args, ctx):
    if "error" in got:
        raise Failure(ctx.msg(got["error"]))
    value = got["value"]
    if not isinstance(value, tuple) or len(value) != 2:
        raise Failure(ctx.msg("fr_pair", got=kind_of(value, ctx.lang)), {"got": show(value)})
    for part, which in zip(value, ("d_forward", "d_reverse")):
        problem = ctx.compare(part, expected)
        if problem:
            raise Failure(ctx.msg("fr_wrong", which=which, detail=problem), {"got": show(part)})
    fwd, rev = got["forward"], got["reverse"]
    if fwd == 0 and rev == 0:
        return ctx.msg("fr_no_pass")
    if fwd == 0:
        return ctx.msg("fr_reverse_twice", rev=rev)
    if rev == 0:
        return ctx.msg("fr_forward_twice", fwd=fwd)
    if got["same"]:  # both passes ran, but one result came back twice
        return ctx.msg("fr_same_object", fwd=fwd, rev=rev)
    if not getattr(ctx, "fr_noted", False):
        ctx.fr_noted = True
        ctx.note(ctx.msg("fr_counts", fwd=fwd, rev=rev))
    return None


forward_and_reverse = Exercise(
    title={
        "en": "df/dx by forward mode and by reverse mode",
        "vi": "df/dx bằng chế độ xuôi và chế độ ngược",
    },
    prompt={
        "en": "For f(x) = log(x²)·sin(x) + 1/x (ch.forward_and_reverse.f) write "
        "g(x) -> (d_forward, d_reverse): df/dx once by forward mode (av.jvp, "
        "torch.func.jvp or torch.autograd.forward_ad, tf.autodiff.ForwardAccumulator, "
        "jax.jvp) and once by reverse mode (backward, tape.gradient, jax.grad).",
        "vi": "Với f(x) = log(x²)·sin(x) + 1/x (ch.forward_and_reverse.f) hãy viết "
        "g(x) -> (d_forward, d_reverse): df/dx một lần bằng chế độ xuôi (av.jvp, "
        "torch.func.jvp hoặc torch.autograd.forward_ad, "
        "tf.autodiff.ForwardAccumulator, jax.jvp) và một lần bằng chế độ ngược "
        "(backward, tape.gradient, jax.grad).",
    },
    inputs=_nonzero_scalar,
    reference=_f_slope,
    call=_modes_call,
    check=_modes_check,
    cases=3,
    time_limit=10.0,
    arg_names=("x",),
    hints={
        "en": "Forward: _, d_fwd = av.jvp(f, (x,), (av.ones_like(x),)) pushes the tangent "
        "1 from x to f in one sweep. Reverse: x.requires_grad_(); f(x).backward(); "
        "d_rev = x.grad. Return (d_fwd, d_rev).",
        "vi": "Xuôi: _, d_fwd = av.jvp(f, (x,), (av.ones_like(x),)) đẩy tiếp tuyến 1 từ x "
        "tới f trong một lượt. Ngược: x.requires_grad_(); f(x).backward(); "
        "d_rev = x.grad. Trả về (d_fwd, d_rev).",
    },
)
forward_and_reverse.f = f_dependency
