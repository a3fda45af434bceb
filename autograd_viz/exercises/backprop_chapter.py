"""Exercises of the section "Forward Propagation, Backward Propagation, and
Computational Graphs".

    from autograd_viz.exercises import backprop_chapter as bp
    bp.worked_example.check({"dW1": ..., "dW2": ..., "dh": ..., "dz": ...})
    bp.mini_engine.check(Value)          # your own scalar autograd class

``bp.mini_engine`` runs the student's ``Value`` class (``Value(data)``, ``+``,
``*``, ``.relu()``, ``.backward()``, ``.data``, ``.grad``) on expressions
built for it and on random ones, in the time-limited child process, and
compares every node's value and gradient with autograd_viz.  Constants come
in as ``Value(c)`` only; ``bp.mini_engine_numbers`` also mixes in raw Python
numbers (``2 * v``, ``v + 1``), which needs ``__radd__`` and ``__rmul__``.
When the gradients are wrong, the check looks for the signature of the
classic mistakes and names the one it finds.
"""

from __future__ import annotations

import sys

import numpy as np

from . import runner
from . import scalar_programs as sp
from .core import Entries, Exercise, Failure, inline, outcome_message
from .messages import msg

__all__ = ["worked_example", "mini_engine", "mini_engine_numbers", "network"]


# ============================================================ the worked example


def network():
    """The 2-2-1 ReLU network of the section at its fixed point, recorded:
    z = W1 x, h = relu(z), o = W2 h, L = ½ (o − y)², with x = [1, 2],
    W1 = [[1, −1], [0, 1]], W2 = [[2, −1]], y = 0.  Returns a dict of the
    named tensors (draw it with ``av.draw(bp.network()["L"])``)."""
    from ..engine.tensor import tensor

    x = tensor([1.0, 2.0], name="x")
    W1 = tensor([[1.0, -1.0], [0.0, 1.0]], requires_grad=True, name="W1")
    W2 = tensor([[2.0, -1.0]], requires_grad=True, name="W2")
    y = tensor(0.0, name="y")
    z = W1 @ x
    h = z.relu()
    o = W2 @ h
    L = 0.5 * ((o - y) ** 2).sum()
    for t, name in ((z, "z"), (h, "h"), (o, "o"), (L, "L")):
        t.name = name
    return {"x": x, "W1": W1, "W2": W2, "y": y, "z": z, "h": h, "o": o, "L": L}


def _worked_reference():
    from ..engine.functional import gradients

    n = network()
    dW1, dW2, dh, dz = gradients(n["L"], [n["W1"], n["W2"], n["h"], n["z"]])
    return {"dW1": dW1, "dW2": dW2, "dh": dh, "dz": dz}


def _close(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.size == b.size and np.allclose(a.reshape(b.shape), b, rtol=1e-6, atol=1e-8)


def _worked_explain(name, got, expected, ctx):
    values = {
        k: np.asarray(v.data if hasattr(v, "data") else v, dtype=float)
        for k, v in network().items()
    }
    g = got.get(name)
    if g is not None and _close(g, -np.asarray(expected[name])):
        return ctx.msg("we_sign")
    if name == "dW2":
        return ctx.msg("we_dW2")
    if name == "dh":
        return ctx.msg("we_dh")
    if name == "dz":
        if g is not None and _close(g, expected["dh"]):
            return ctx.msg("we_dz_no_gate", z=inline(values["z"]))
        return ctx.msg("we_dz")
    if name == "dW1":
        if g is not None and _close(g, np.asarray(expected["dW1"]).T):
            return ctx.msg("we_dW1_transposed")
        if g is not None and _close(g, np.outer(expected["dh"], values["x"])):
            return ctx.msg("we_dW1_dh")
        if not _close(got.get("dz", np.nan), expected["dz"]):
            return ctx.msg("we_dW1_after_dz")
        return ctx.msg("we_dW1")
    return None


_VECTOR_SHAPES = {(2, 1), (1, 2)}
worked_example = Entries(
    title={
        "en": "Backpropagation by hand: the 2-2-1 ReLU network",
        "vi": "Lan truyền ngược bằng tay: mạng ReLU 2-2-1",
    },
    prompt={
        "en": "z = W1 x, h = relu(z), o = W2 h, L = ½(o − y)² at x = [1, 2], "
        "W1 = [[1, −1], [0, 1]], W2 = [[2, −1]], y = 0. Compute dL/dW1, dL/dW2, "
        "dL/dh and dL/dz by hand and pass "
        '{"dW1": ..., "dW2": ..., "dh": ..., "dz": ...} (each in the shape of its '
        "variable).",
        "vi": "z = W1 x, h = relu(z), o = W2 h, L = ½(o − y)² tại x = [1, 2], "
        "W1 = [[1, −1], [0, 1]], W2 = [[2, −1]], y = 0. Hãy tự tính dL/dW1, dL/dW2, "
        "dL/dh và dL/dz rồi đưa vào "
        '{"dW1": ..., "dW2": ..., "dh": ..., "dz": ...} (mỗi gradient có kích thước '
        "của biến tương ứng).",
    },
    reference=_worked_reference,
    explain=_worked_explain,
    time_limit=5.0,
    shapes={"dh": _VECTOR_SHAPES, "dz": _VECTOR_SHAPES, "dW2": {(2,)}},
    hints={
        "en": "Forward first: z, h, o, L. Then backward: dL/do = o − y; dW2 = dL/do · hᵀ; "
        "dh = W2ᵀ · dL/do; dz = dh ⊙ relu'(z) (1 where z > 0, else 0); "
        "dW1 = dz · xᵀ.",
        "vi": "Tính xuôi trước: z, h, o, L. Rồi tính ngược: dL/do = o − y; "
        "dW2 = dL/do · hᵀ; dh = W2ᵀ · dL/do; dz = dh ⊙ relu'(z) (1 khi z > 0, "
        "ngược lại 0); dW1 = dz · xᵀ.",
    },
)
worked_example.network = network


# ============================================================ your own engine

_NEEDED = ("__add__", "__mul__", "relu", "backward")
_NEEDED_NUMBERS = ("__radd__", "__rmul__")


def _chain_length():
    # deeper than the recursion limit of the process the student's code runs
    # in (a kernel may have raised it), so a recursive walk cannot get through
    return int(min(max(3000, 1.5 * sys.getrecursionlimit()), 60000))


class MiniEngine(Exercise):
    """The check of a student's scalar autograd class (see the module docstring).

    ``raw_numbers``: also mix plain Python numbers into the expressions.
    ``randoms``: how many random expressions follow the built-in cases.
    """

    def __init__(self, title, *, raw_numbers=False, randoms=4, **kw):
        super().__init__(title, **kw)
        self.raw_numbers = raw_numbers
        self.randoms = randoms

    def programs(self, rng):
        progs = [sp.basic(rng), sp.reused(rng), sp.diamond(rng), sp.relu_negative(rng)]
        if self.raw_numbers:
            progs.append(sp.numbers_mixed(rng))
        progs.append(sp.long_chain(rng, _chain_length()))
        progs += [sp.random_program(rng, self.raw_numbers) for _ in range(self.randoms)]
        return progs

    def _evaluate(self, answer, ctx):
        lang = ctx.lang
        if answer is None:
            raise Failure(msg("answer_none", lang))
        if not isinstance(answer, type):
            raise Failure(msg("mini_need_class", lang, kind=type(answer).__name__))
        needed = _NEEDED + (_NEEDED_NUMBERS if self.raw_numbers else ())
        missing = [m for m in needed if not callable(getattr(answer, m, None))]
        if missing:
            key = "mini_missing_numbers" if set(missing) <= set(_NEEDED_NUMBERS) else "mini_missing"
            raise Failure(msg(key, lang, names=", ".join(missing)))
        programs = self.programs(np.random.default_rng())
        for i, prog in enumerate(programs):
            label = msg(prog.label, lang, n=prog.op_count)
            case = {
                "case": msg("case_of", lang, i=i + 1, n=len(programs)) + f": {label}",
                "inputs": prog.code(lang=lang),
            }
            outcome = runner.run(
                sp.run_student,
                (prog, answer),
                self.time_limit,
                isolate=self.isolate,
                memory_limit=self.memory_limit,
            )
            ctx.add_printed(outcome)
            if not outcome.ok:
                raise Failure(self._run_problem(outcome, prog, ctx), case)
            problem = judge(prog, outcome.value, sp.run_engine(prog), ctx)
            if problem:
                raise Failure(problem, case)
        labels = [
            msg(p.label, lang, n=p.op_count) for p in programs if p.label != "mini_case_random"
        ]
        ctx.note(
            msg(
                "mini_passed",
                lang,
                n=len(programs),
                cases="; ".join(labels),
                randoms=len(programs) - len(labels),
            )
        )

    def _run_problem(self, outcome, prog, ctx):
        text = outcome_message(outcome, self.time_limit, ctx.lang)
        if outcome.status == "raised" and outcome.etype == "RecursionError":
            return (
                ctx.msg("mini_recursion", n=prog.op_count, limit=sys.getrecursionlimit())
                + " "
                + text
            )
        if outcome.status == "crashed" and prog.label == "mini_case_chain":
            return ctx.msg("mini_crash_chain", n=prog.op_count) + " " + text
        uses_numbers = any(isinstance(a, tuple) for s in prog.steps for a in s.args)
        if (
            outcome.status == "raised"
            and uses_numbers
            and outcome.etype in ("TypeError", "AttributeError")
        ):
            return ctx.msg("mini_numbers") + " " + text
        if outcome.status == "timeout":
            return text + " " + ctx.msg("mini_timeout")
        return text


def judge(prog, got, want, ctx):
    """None when the student's values and gradients match autograd_viz's,
    else the message, naming a classic mistake when its signature fits."""
    names = prog.names
    data, wdata = np.asarray(got["data"]), np.asarray(want["data"])
    for i in range(len(data)):
        if not _near(data[i], wdata[i]):
            return ctx.msg(
                "mini_forward", line=prog.line(i), expected=_num(wdata[i]), got=_num(data[i])
            )
    grad, wgrad = np.asarray(got["grad"]), np.asarray(want["grad"])
    wrong = [i for i in range(len(grad)) if not _near(grad[i], wgrad[i])]
    if not wrong:
        return None
    root = prog.root
    if np.isnan(grad[wrong]).any():
        i = next(i for i in wrong if np.isnan(grad[i]))
        return ctx.msg("mini_grad_nan", name=names[i])
    others = [i for i in range(len(grad)) if i != root]
    if grad[root] == 0 and all(grad[i] == 0 for i in others):
        return ctx.msg("mini_no_seed", root=names[root])
    direct = {a for a in prog.steps[root].args if not isinstance(a, tuple)}
    if (
        _near(grad[root], 1.0)
        and all(_near(grad[i], wgrad[i]) for i in direct)
        and all(grad[i] == 0 for i in others if i not in direct)
        and any(wgrad[i] != 0 for i in others if i not in direct)
    ):
        return ctx.msg("mini_stuck", root=names[root])
    if not _near(grad[root], 1.0):
        return ctx.msg("mini_seed_value", root=names[root], got=_num(grad[root]))
    if any(s.kind == "relu" for s in prog.steps):
        for variant, key in (
            (sp.relu_passing_everything, "mini_relu_pass"),
            (sp.relu_times_value, "mini_relu_value"),
        ):
            if _all_near(grad, sp.run_engine(prog, relu=variant)["grad"]):
                return ctx.msg(key)
    uses = prog.uses()
    for i in wrong:
        mine = uses.get(i, [])
        if len(mine) >= 2 and any(_near(grad[i], _through(prog, mine, k)[i]) for k in mine):
            return ctx.msg("mini_assign", name=names[i], n=len(mine))
    for m, mine in uses.items():
        if len(mine) < 2 or prog.steps[m].kind == "leaf":
            continue
        below = prog.ancestors(m)
        if not set(wrong) <= below:
            continue
        for k in mine:
            part = _through(prog, mine, k)
            for how, seen in (("mini_topo_partial", part), ("mini_topo_twice", wgrad + part)):
                if all(_near(grad[i], seen[i]) for i in wrong):
                    return ctx.msg(
                        "mini_topo", name=names[m], n=len(mine), how=ctx.msg(how, name=names[m])
                    )
    i = max(wrong)  # the wrong gradient nearest L: where to start looking
    return ctx.msg(
        "mini_wrong_grad",
        name=names[i],
        line=_users(prog, i),
        expected=_num(wgrad[i]),
        got=_num(grad[i]),
    )


def _through(prog, uses_of_node, k):
    """Every node's gradient when only use ``k`` of a node passes gradient back."""
    return np.asarray(
        sp.run_engine(prog, detach=frozenset(u for u in uses_of_node if u != k))["grad"]
    )


def _users(prog, i):
    lines = [prog.line(s) for s in sorted({s for s, _ in prog.uses().get(i, [])})]
    return "; ".join(lines) if lines else prog.line(i)


def _num(v):
    return f"{v + 0.0:.6g}"  # + 0.0: no "-0"


def _near(a, b):
    return bool(np.isfinite(a) and abs(a - b) <= 1e-6 * max(1.0, abs(b)))


def _all_near(a, b):
    return all(_near(x, y) for x, y in zip(a, b))


_MINI_HINTS = {
    "en": "Each op makes its output Value with a small function that adds (+=) "
    "upstream × local derivative to each input's .grad. backward() sets "
    "self.grad = 1, builds a topological order with a loop and an explicit stack "
    "(not recursion: chains are long), and calls those functions in reverse order. "
    "relu's local derivative is 1 where the input is > 0, else 0.",
    "vi": "Mỗi phép toán tạo Value đầu ra kèm một hàm nhỏ cộng dồn (+=) gradient phía trên "
    "× đạo hàm cục bộ vào .grad của từng đầu vào. backward() đặt self.grad = 1, dựng "
    "thứ tự tô-pô bằng vòng lặp và một ngăn xếp tường minh (không đệ quy: chuỗi có thể "
    "rất dài), rồi gọi các hàm đó theo thứ tự ngược lại. Đạo hàm cục bộ của relu bằng 1 "
    "khi đầu vào > 0, ngược lại bằng 0.",
}

mini_engine = MiniEngine(
    title={
        "en": "Your own autograd engine: a scalar Value class",
        "vi": "Lõi vi phân tự động của riêng bạn: lớp Value vô hướng",
    },
    prompt={
        "en": "Write a class Value with Value(data), +, *, .relu(), .backward(), .data "
        "and .grad, and pass the class itself: bp.mini_engine.check(Value). It is "
        "run on a value used twice, a diamond, relu at negative inputs, a chain of "
        "thousands of operations and random expressions, against autograd_viz. "
        "Constants come in as Value(c) (no raw numbers needed).",
        "vi": "Viết lớp Value với Value(data), +, *, .relu(), .backward(), .data và .grad, "
        "rồi đưa chính lớp đó vào: bp.mini_engine.check(Value). Nó được chạy với một "
        "giá trị dùng hai lần, một hình thoi, relu tại đầu vào âm, một chuỗi hàng "
        "nghìn phép toán và các biểu thức ngẫu nhiên, so với autograd_viz. Hằng số "
        "được đưa vào dưới dạng Value(c) (không cần số thường).",
    },
    time_limit=10.0,
    hints=_MINI_HINTS,
)

mini_engine_numbers = MiniEngine(
    title={
        "en": "Your own autograd engine, with plain numbers mixed in",
        "vi": "Lõi vi phân tự động của riêng bạn, có trộn số thường",
    },
    prompt={
        "en": "As bp.mini_engine, and the expressions also use plain Python numbers on "
        "either side (2 * v, v + 1): your class needs __radd__ and __rmul__ and "
        "must wrap numbers in Value.",
        "vi": "Như bp.mini_engine, và các biểu thức còn dùng số Python thường ở cả hai phía "
        "(2 * v, v + 1): lớp của bạn cần __radd__ và __rmul__ và phải gói số vào "
        "Value.",
    },
    raw_numbers=True,
    time_limit=10.0,
    hints=_MINI_HINTS,
)
