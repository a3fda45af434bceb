"""The five exercises at the end of the chapter "Automatic Differentiation".

    from autograd_viz.exercises import autograd_chapter as ch
    ch.ex1 ... ch.ex5      # the older edition's five, each with .check(answer) and .hint()
    ch.manual_tracing, ch.detach_and_check, ch.tracking_off, ch.dependency_graph,
    ch.forward_and_reverse   # the current edition's, named by topic

Every ``answer`` function receives its inputs as ``av.Tensor`` values that do
not require a gradient yet (call ``x.requires_grad_()`` or wrap them in your
framework's tensor, e.g. ``torch.tensor(x, requires_grad=True)``), except
ex3 and ex4, whose ``a`` already requires a gradient, as in the chapter.
"""

from __future__ import annotations

import ast
import inspect
import textwrap

import numpy as np

from ..engine import ops
from ..engine.graph import STATE, whole_graph
from ..engine.tensor import Tensor
from . import runner
from .core import (
    Exercise,
    Failure,
    blamed,
    kind_of,
    kind_of_answer,
    outcome_message,
    plain,
    show,
)
from .messages import msg
from .probe import Recording, leaf_gradients

__all__ = ["ex1", "ex2", "ex3", "ex4", "ex5", "chapter_f"]


# ============================================================ 1. second derivative


def f1(x):
    """The function of exercise 1: f(x) = x² · eˣ (works on any dialect's tensor)."""
    return x**2 * x.exp()


def _f1_second(x):
    x = np.asarray(x, dtype=np.float64)
    return np.exp(x) * (x * x + 4 * x + 2)


def _ex1_call(answer, x):
    with Recording() as nodes:
        out = answer(x)
    return {
        "value": plain(out),
        "forward": sum(1 for n in nodes if not n.from_backward),
        "backward": sum(1 for n in nodes if n.from_backward),
    }


def _ex1_check(got, expected, args, ctx):
    problem = ctx.compare(got["value"], expected)
    if problem:
        raise Failure(problem, {"got": show(got["value"])})
    if got["backward"] == 0:
        raise Failure(ctx.msg("ex1_no_create_graph"), {"got": show(got["value"])})
    if not getattr(ctx, "ex1_noted", False):
        ctx.ex1_noted = True
        fwd, bwd = max(got["forward"], 1), got["backward"]
        ctx.note(ctx.msg("ex1_sizes", fwd=fwd, bwd=bwd, total=fwd + bwd, ratio=(fwd + bwd) / fwd))
    return None


ex1 = Exercise(
    title={"en": "Exercise 1: the second derivative", "vi": "Bài 1: đạo hàm bậc hai"},
    prompt={
        "en": "Write d2(x) that returns f''(x) for f = ch.ex1.f (f(x) = x²·eˣ), computed by "
        "autograd: backward (or grad) with create_graph=True, then differentiate "
        "the first derivative again. x is a scalar tensor.",
        "vi": "Viết d2(x) trả về f''(x) với f = ch.ex1.f (f(x) = x²·eˣ), tính bằng vi phân "
        "tự động: backward (hoặc grad) với create_graph=True, rồi lấy đạo hàm của "
        "đạo hàm bậc nhất thêm lần nữa. x là một tensor vô hướng.",
    },
    inputs=lambda rng: (rng.uniform(-2.0, 2.0),),
    reference=_f1_second,
    call=_ex1_call,
    check=_ex1_check,
    cases=4,
    tolerance=1e-6,
    time_limit=10.0,
    arg_names=("x",),
    hints={
        "en": "x.requires_grad_(); y = ch.ex1.f(x); (dy,) = av.gradients(y, [x], "
        "create_graph=True) (torch: torch.autograd.grad); then dy.backward() and "
        "return x.grad. Or av.grad(av.grad(ch.ex1.f))(x).",
        "vi": "x.requires_grad_(); y = ch.ex1.f(x); (dy,) = av.gradients(y, [x], "
        "create_graph=True) (torch: torch.autograd.grad); rồi dy.backward() và "
        "trả về x.grad. Hoặc av.grad(av.grad(ch.ex1.f))(x).",
    },
)
ex1.f = f1


# ============================================================ 2. backward twice


def _run_no_args(fn):
    return plain(fn())


class _BackwardTwice(Exercise):
    """The answer is an exception (what the student caught) or a function of
    no arguments that runs backward twice; the right error is the engine's
    freed-graph error (naming retain_graph) or TF's one-shot tape error."""

    def _evaluate(self, answer, ctx):
        lang = ctx.lang
        if answer is None:
            raise Failure(msg("answer_none", lang))
        if isinstance(answer, BaseException):
            etype, emessage, _, from_engine, mro = runner.describe_exception(answer, lang)
        elif callable(answer):
            outcome = runner.run(
                _run_no_args,
                (answer,),
                self.time_limit,
                isolate=self.isolate,
                memory_limit=self.memory_limit,
            )
            ctx.add_printed(outcome)
            if outcome.ok:
                raise Failure(msg("ex2_no_error", lang), {"got": show(outcome.value)})
            if outcome.status != "raised":
                raise Failure(outcome_message(outcome, self.time_limit, lang))
            etype, emessage, from_engine, mro = (
                outcome.etype,
                outcome.emessage,
                outcome.from_engine,
                outcome.exc_mro,
            )
        else:
            raise Failure(msg("ex2_how", lang, kind=kind_of_answer(answer, lang)))
        case = {"got": f"{etype}: {emessage}"}
        text = emessage.lower()
        which = None
        if "RuntimeError" in mro:
            if "retain_graph" in text:
                which = "torch"
            elif "persistent" in text:
                which = "tf"
        if which is None:
            raise Failure(msg("ex2_wrong_error", lang, etype=etype, emsg=emessage), case)
        if not from_engine:
            raise Failure(msg("ex2_forged", lang, etype=etype), case)
        ctx.note(msg(f"ex2_right_{which}", lang))


ex2 = _BackwardTwice(
    title={"en": "Exercise 2: backward twice", "vi": "Bài 2: lan truyền ngược hai lần"},
    prompt={
        "en": "Run backward, then immediately run it again. Pass the exception you get "
        "(or a function of no arguments that does it) to ch.ex2.check.",
        "vi": "Chạy backward, rồi chạy lại ngay lập tức. Đưa ngoại lệ nhận được (hoặc một "
        "hàm không đối số làm việc đó) vào ch.ex2.check.",
    },
    time_limit=10.0,
    hints={
        "en": "`try: y.backward()` a second time, `except RuntimeError as e: ch.ex2.check(e)`. "
        "Read the message: what was freed, and which argument keeps it?",
        "vi": "`try:` gọi `y.backward()` lần thứ hai, `except RuntimeError as e: ch.ex2.check(e)`. "
        "Đọc thông báo lỗi: cái gì đã bị giải phóng, và đối số nào giữ nó lại?",
    },
)


# ============================================================ 3. control flow, vector a


def chapter_f(a):
    """The chapter's control-flow function, in numpy (the reference for ex3)."""
    b = np.asarray(a, dtype=np.float64) * 2
    while np.linalg.norm(b) < 1000:
        b = b * 2
    return b if b.sum() > 0 else 100 * b


def _kinds(value):
    """What the student returned, described in every language: the check
    runs in a child process that does not know the notebook's language."""
    return {lang: kind_of_answer(value, lang) for lang in ("en", "vi")}


def _ex3_call(answer, a):
    from ..engine.functional import gradients

    a.requires_grad_()
    out = answer(a)
    d, g, own = out, None, False
    if isinstance(out, tuple) and len(out) == 2:
        d, g, own = out[0], out[1], True
    if not isinstance(d, Tensor):
        # the child does not know the notebook's language: describe it in both
        return {"error": "ex3_not_tensor", "kind": _kinds(d), "d": plain(d)}
    if not own and d.requires_grad:
        (g,) = gradients(d.sum(), [a])
    return {"d": plain(d), "grad": None if g is None else plain(g), "a": plain(a)}


def _ex3_check(got, expected, args, ctx):
    if "error" in got:
        raise Failure(
            ctx.msg("ex3_not_tensor", kind=got["kind"][ctx.lang]), {"got": show(got["d"])}
        )
    d, a = got["d"], got["a"]
    if not isinstance(d, np.ndarray) or d.shape != a.shape:
        raise Failure(ctx.msg("ex3_shape", ashape=a.shape, dshape=np.shape(d)), {"got": show(d)})
    problem = ctx.compare(d, expected)
    if problem:
        raise Failure(ctx.msg("ex3_value", detail=problem), {"got": show(d)})
    if got["grad"] is None:
        return ctx.msg("ex3_no_grad")
    problem = ctx.compare(got["grad"], d / a)
    if problem:
        raise Failure(
            ctx.msg("ex3_grad", detail=problem),
            {"expected": "d / a = " + show(d / a), "got": show(got["grad"])},
        )
    if not getattr(ctx, "ex3_noted", False):
        ctx.ex3_noted = True
        ctx.note(ctx.msg("ex3_note"))
    return None


ex3 = Exercise(
    title={
        "en": "Exercise 3: control flow with a vector or matrix a",
        "vi": "Bài 3: luồng điều khiển với a là vector hoặc ma trận",
    },
    prompt={
        "en": "Pass the chapter's f (adapted if needed) so that it works when a is a random "
        "vector or matrix. The check computes d = f(a) and the gradient of sum(d), "
        "or uses yours if f returns (d, gradient).",
        "vi": "Đưa vào hàm f của chương (sửa nếu cần) sao cho nó chạy được khi a là vector "
        "hoặc ma trận ngẫu nhiên. Bài kiểm tra tính d = f(a) và gradient của sum(d), "
        "hoặc dùng gradient của bạn nếu f trả về (d, gradient).",
    },
    inputs=[
        lambda rng: (rng.normal(size=int(rng.integers(2, 6))),),
        lambda rng: (rng.normal(size=(int(rng.integers(2, 4)), int(rng.integers(2, 4)))),),
    ],
    reference=chapter_f,
    call=_ex3_call,
    check=_ex3_check,
    cases=4,
    tolerance=1e-6,
    time_limit=5.0,
    arg_names=("a",),
    hints={
        "en": "A vector has no single truth value: branch on a number made from it "
        "(b.norm(), b.sum()). d is no longer a scalar, so backward needs "
        "gradient=ones_like(d) (or d.sum().backward()); then compare a.grad with d / a.",
        "vi": "Một vector không có một giá trị đúng/sai duy nhất: hãy rẽ nhánh theo một số "
        "tính từ nó (b.norm(), b.sum()). d không còn là vô hướng, nên backward cần "
        "gradient=ones_like(d) (hoặc d.sum().backward()); rồi so sánh a.grad với d / a.",
    },
)


# ============================================================ 4. your own control flow


def _ex4_call(answer, a):
    from ..engine.errors import GradcheckError
    from ..engine.functional import gradcheck

    x = a.detach().requires_grad_()
    with Recording() as nodes:
        out = answer(x)
    if not isinstance(out, Tensor):
        return {"error": "ex4_not_tensor", "kind": _kinds(out), "value": plain(out)}
    if not out.requires_grad:
        return {"error": "ex4_detached", "value": plain(out)}
    path = tuple(n.op.name for n in nodes if not n.from_backward)
    try:
        gradcheck(answer, a)
    except GradcheckError as e:
        return {"gradcheck": str(e), "path": path, "value": plain(out)}
    return {"path": path, "value": plain(out)}


def _ex4_check(got, expected, args, ctx):
    if "error" in got:
        key = got["error"]
        kind = got.get("kind", {}).get(ctx.lang, "")
        raise Failure(ctx.msg(key, kind=kind), {"got": show(got["value"])})
    ctx.paths.add(got["path"])
    if "gradcheck" in got:
        raise Failure(ctx.msg("ex4_gradcheck", detail=got["gradcheck"]))
    return None


def has_control_flow(fn):
    """True/False when the source of ``fn`` has (no) if/while/conditional
    expression; None when the source cannot be read."""
    try:
        source = textwrap.dedent(inspect.getsource(fn))
        tree = ast.parse(source)
    except (OSError, TypeError, SyntaxError):
        return None
    return any(isinstance(node, (ast.If, ast.While, ast.IfExp)) for node in ast.walk(tree))


class _OwnControlFlow(Exercise):
    def _evaluate(self, answer, ctx):
        ctx.paths = set()
        super()._evaluate(answer, ctx)
        found = has_control_flow(answer)
        if found is None:
            ctx.note(ctx.msg("ex4_no_source"))
        # evidence of control flow: in the source, or in the paths actually taken
        # (helpers called by the function may hold the branches); with no
        # readable source, only paths that really differ count
        if not found and len(ctx.paths) < 2:
            raise Failure(ctx.msg("ex4_no_control_flow" if found is False else "ex4_one_path"))
        ctx.note(ctx.msg("ex4_paths", n=self.cases, k=len(ctx.paths)))


def _ex4_input(rng):
    # magnitudes over two decades, so loops like the chapter's run different counts
    return (rng.normal() * 10 ** rng.uniform(-1, 1),)


ex4 = _OwnControlFlow(
    title={"en": "Exercise 4: your own control flow", "vi": "Bài 4: luồng điều khiển của bạn"},
    prompt={
        "en": "Write your own function f(a) of a scalar tensor a with `if`/`while` that "
        "depend on a's value. The check runs it on fresh random a and compares its "
        "gradient with finite differences (av.gradcheck).",
        "vi": "Viết hàm f(a) của riêng bạn với a là tensor vô hướng, có `if`/`while` phụ "
        "thuộc vào giá trị của a. Bài kiểm tra chạy hàm với a ngẫu nhiên mới và so "
        "sánh gradient với sai phân hữu hạn (av.gradcheck).",
    },
    inputs=_ex4_input,
    call=_ex4_call,
    check=_ex4_check,
    cases=5,
    time_limit=5.0,
    arg_names=("a",),
    hints={
        "en": "Keep every step a tensor operation on a (no .item(), float() or numpy in the "
        "computed value); use comparisons like `if a > 0:` or `while b.abs() < 10:` "
        "only to choose which operations run. Make sure every loop ends for any a.",
        "vi": "Giữ mọi bước là phép toán tensor trên a (không dùng .item(), float() hay numpy "
        "trong giá trị tính ra); chỉ dùng so sánh như `if a > 0:` hay "
        "`while b.abs() < 10:` để chọn phép toán nào chạy. Bảo đảm mọi vòng lặp đều "
        "dừng với mọi a.",
    },
)


# ============================================================ 5. sin without cos


def _ex5_call(answer, x):
    import math

    counts = {}

    def counting(name, fn, skip_in_backward=False):
        def wrapper(*args, **kwargs):
            if not (skip_in_backward and STATE.in_backward):
                counts[name] = counts.get(name, 0) + 1
            return fn(*args, **kwargs)

        return wrapper

    # the engine's own cos (a create_graph backward of sin may use it: not the student's)
    saved = [(ops.cos, "forward", ops.cos.forward), (np, "cos", np.cos), (math, "cos", math.cos)]
    ops.cos.forward = counting("autograd_viz cos", ops.cos.forward, skip_in_backward=True)
    np.cos = counting("numpy.cos", np.cos)
    math.cos = counting("math.cos", math.cos)
    try:
        with Recording() as nodes:
            out = answer(x)
    finally:
        for owner, attr, value in saved:
            setattr(owner, attr, value)
    in_graph = False
    if isinstance(out, (tuple, list)):
        roots = [o for o in out if isinstance(o, Tensor)]
        in_graph = any(
            n.op is not None and n.op.name == "cos" and not n.from_backward
            for n in whole_graph(roots)
        )
    value = plain(out)
    if (
        isinstance(value, np.ndarray)
        and value.ndim >= 1
        and value.shape[0] == 2
        and not isinstance(out, Tensor)
    ):
        value = (value[0], value[1])  # a list [f, df] of equal-length arrays
    return {
        "value": value,
        "cos_in_graph": in_graph,
        "cos_calls": counts,
        "backward_grads": leaf_gradients(nodes),
    }


def _ex5_check(got, expected, args, ctx):
    value = got["value"]
    if not isinstance(value, tuple) or len(value) != 2:
        raise Failure(ctx.msg("ex5_pair", got=kind_of(value, ctx.lang)), {"got": show(value)})
    (x,) = args
    for part, want, key in ((value[0], np.sin(x), "ex5_f"), (value[1], np.cos(x), "ex5_df")):
        problem = ctx.compare(part, want)
        if problem:
            at = blamed(problem)  # the entry it blames, shown with its neighbours
            raise Failure(
                ctx.msg(key, detail=problem),
                {"expected": show(want, around=at), "got": show(part, around=at)},
                at=at,
            )
    used = []
    if got["cos_in_graph"]:
        used.append(ctx.msg("ex5_cos_graph"))
    used += [ctx.msg("ex5_cos_calls", name=name, n=n) for name, n in got["cos_calls"].items()]
    if used:
        return ctx.msg("ex5_cos", where="; ".join(used))
    if not any(ctx.compare(value[1], g) is None for g in got["backward_grads"]):
        raise Failure(ctx.msg("ex5_no_backward"), {"got": show(value[1])})
    return None


def _ex5_input(rng):
    return (np.sort(rng.uniform(-2 * np.pi, 2 * np.pi, size=int(rng.integers(5, 30)))),)


ex5 = Exercise(
    title={
        "en": "Exercise 5: sin and its derivative without cos",
        "vi": "Bài 5: sin và đạo hàm của nó mà không dùng cos",
    },
    prompt={
        "en": "Write sin_and_slope(x) for a vector x returning (f(x), df/dx) with "
        "f = sin, the derivative computed by autograd (not with cos). Plot both.",
        "vi": "Viết sin_and_slope(x) cho vector x, trả về (f(x), df/dx) với f = sin, đạo "
        "hàm tính bằng vi phân tự động (không dùng cos). Vẽ cả hai.",
    },
    inputs=_ex5_input,
    reference=None,
    call=_ex5_call,
    check=_ex5_check,
    cases=3,
    tolerance=1e-6,
    time_limit=5.0,
    arg_names=("x",),
    hints={
        "en": "x.requires_grad_(); y = av.sin(x); y.backward(av.ones_like(y)) (or "
        "y.sum().backward()); return y.detach(), x.grad.",
        "vi": "x.requires_grad_(); y = av.sin(x); y.backward(av.ones_like(y)) (hoặc "
        "y.sum().backward()); trả về y.detach(), x.grad.",
    },
)


def plot(answer, lang=None, ax=None):
    """Plot f(x) = sin(x) and the student's df/dx on [-2π, 2π] (matplotlib)."""
    import matplotlib.pyplot as plt

    from ..engine.tensor import tensor

    x = np.linspace(-2 * np.pi, 2 * np.pi, 200)
    f, df = (np.asarray(plain(v), dtype=float) for v in answer(tensor(x)))
    ax = ax or plt.figure(figsize=(6, 3)).gca()
    ax.plot(x, f, label="f(x) = sin(x)")
    ax.plot(x, df, label="df/dx")
    ax.legend()
    ax.set_xlabel("x")
    return ax


ex5.plot = plot


# ============================================================ the current edition
# named by topic; they live in chapter_current.py (one module per edition)
from .chapter_current import (  # noqa: E402
    dependency_graph,
    detach_and_check,
    forward_and_reverse,
    manual_tracing,
    tracking_off,
)

__all__ += [
    "manual_tracing",
    "detach_and_check",
    "tracking_off",
    "dependency_graph",
    "forward_and_reverse",
]
