"""The backpropagation section's exercises: bp.worked_example (the 2-2-1 ReLU
network by hand) and bp.mini_engine (the student's own scalar Value class).

The mini-engine check must pass a correct class and name each classic
mistake; the classes are in mini_engines.py (one broken class per mistake).
Every check runs the class for real, in the time-limited child process.
"""

from __future__ import annotations

import re
import sys

import mini_engines as engines
import numpy as np
import pytest
from failing import both
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_viz.exercises import backprop_chapter as bp
from autograd_viz.exercises import scalar_programs as sp
from autograd_viz.exercises.messages import LANGS

pytestmark = pytest.mark.usefixtures("clean_engine_state", "english_and_not_grading")


def test_titles_prompts_and_hints_in_both_languages():
    for ex in (bp.worked_example, bp.mini_engine, bp.mini_engine_numbers):
        for lang in LANGS:
            assert ex.title_in(lang) and ex.hint(lang) and ex.prompt[lang]
        assert ex.hint("en") != ex.hint("vi")
        assert ex.time_limit > 0
    assert "Value(c)" in bp.mini_engine.prompt["en"]  # says how constants come in
    assert "2 * v" in bp.mini_engine_numbers.prompt["en"]


# ------------------------------------------------------------------ the worked example


def by_hand():
    """Section 5.3's network worked in numpy from the written-out chain rule
    (an oracle independent of the engine the checker uses)."""
    x = np.array([1.0, 2.0])
    W1 = np.array([[1.0, -1.0], [0.0, 1.0]])
    W2 = np.array([[2.0, -1.0]])
    z = W1 @ x
    h = np.maximum(z, 0)
    o = W2 @ h
    dL_do = o - 0.0
    dW2 = np.outer(dL_do, h)
    dh = W2.T @ dL_do
    dz = dh * (z > 0)
    dW1 = np.outer(dz, x)
    return {"dW1": dW1, "dW2": dW2, "dh": dh, "dz": dz}


def test_the_expected_gradients_are_the_sections_numbers():
    right = by_hand()
    assert right["dW1"].tolist() == [[0, 0], [2, 4]] and right["dW2"].tolist() == [[0, -4]]
    assert right["dh"].tolist() == [-4, 2] and right["dz"].tolist() == [0, 2]
    engine = {k: v.numpy() for k, v in bp._worked_reference().items()}
    for key in right:
        np.testing.assert_allclose(engine[key], right[key])


def test_worked_example_passes_lists_arrays_tensors_and_column_vectors():
    import autograd_viz as av

    right = by_hand()
    assert bp.worked_example.check(right)
    assert bp.worked_example.check({k: v.tolist() for k, v in right.items()})
    assert bp.worked_example.check({k: av.tensor(v) for k, v in right.items()})
    assert bp.worked_example.check(
        {**right, "dh": right["dh"].reshape(2, 1), "dz": right["dz"].reshape(1, 2), "dW2": [0, -4]}
    )
    net = bp.worked_example.network()
    assert float(net["L"].data) == 2.0 and net["h"].name == "h"


@pytest.mark.parametrize(
    "change, en, vi",
    [
        (
            {"dz": [-4.0, 2.0]},
            r"• dz = \[-4, 2\]: that is dh itself: the relu node h = relu\(z\) "
            r"multiplies by its local derivative, 0 where z < 0",
            r"• dz = \[-4, 2\]: đó chính là dh",
        ),
        (
            {"dW1": [[0.0, 2.0], [0.0, 4.0]]},
            r"• dW1 = \[\[0, 2\], \[0, 4\]\]: transposed",
            r"bị chuyển vị",
        ),
        ({"dW1": [[-4.0, -8.0], [2.0, 4.0]]}, r"you used dh where dz belongs", r"bạn đã dùng dh"),
        (
            {"dW2": [[0.0, 4.0]]},
            r"• dW2 = \[\[0, 4\]\]: the numbers are right but the sign is "
            r"flipped: dL/do = o − y",
            r"dấu bị đảo",
        ),
        (
            {"dh": [-4.0, 1.0]},
            r"• dh = \[-4, 1\]: look at the matmul o = W2 h: it sends W2ᵀ · dL/do "
            r"to h",
            r"nó gửi W2ᵀ · dL/do về h",
        ),
        (
            {"dW2": [[0.0], [-4.0]]},
            r"• dW2: wrong shape: expected \(1, 2\), got \(2, 1\)",
            r"sai kích thước",
        ),
    ],
)
def test_worked_example_names_each_wrong_gradient(change, en, vi):
    result = both(bp.worked_example, {**by_hand(), **change}, en, vi)
    assert result.message.count("•") == 1


def test_worked_example_says_to_fix_dz_before_dw1(monkeypatch):
    wrong = {**by_hand(), "dz": [1.0, 2.0], "dW1": [[1.0, 2.0], [2.0, 4.0]]}
    r = bp.worked_example.check(wrong)
    assert r.message.startswith("2 of 4 entries are not right yet: dW1, dz")
    assert "dW1 = dz · xᵀ is built from dz: fix dz first" in r.message
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    with pytest.raises(AssertionError, match="fix dz first"):
        bp.worked_example.check(wrong)


# ------------------------------------------------------------------ the programs


def test_programs_print_as_code_a_student_can_run():
    rng = np.random.default_rng(5)
    for make in (sp.basic, sp.reused, sp.diamond, sp.relu_negative, sp.numbers_mixed):
        prog = make(rng)
        space = {"Value": engines.Value}
        exec(prog.code(), space)
        result = sp.run_student(prog, engines.Value)
        assert space["L"].data == pytest.approx(result["data"][-1])
        assert space["L"].grad == 1.0
    chain = sp.long_chain(rng, 3000)
    assert chain.op_count == 3000 and "3000 operations" in chain.code()


@settings(max_examples=25)
@given(seed=st.integers(0, 2**32 - 1), numbers=st.booleans())
def test_random_programs_agree_with_finite_differences_and_the_reference_class(seed, numbers):
    prog = sp.random_program(np.random.default_rng(seed), numbers)
    engine = sp.run_engine(prog)
    student = sp.run_student(prog, engines.Value)
    np.testing.assert_allclose(student["data"], engine["data"], rtol=1e-12)
    np.testing.assert_allclose(student["grad"], engine["grad"], rtol=1e-9, atol=1e-12)
    # every node reaches L (the sinks were summed), and the leaves' gradients are
    # the slopes of L: central differences on the program's own float arithmetic
    assert prog.ancestors(prog.root) == set(range(len(prog.steps) - 1))
    for i, step in enumerate(prog.steps):
        if step.kind != "leaf":
            continue
        h = 1e-6
        plus, minus = (
            sp.Program(
                [
                    sp.Step("leaf", value=s.value + d) if j == i else s
                    for j, s in enumerate(prog.steps)
                ]
            ).values()[-1]
            for d in (h, -h)
        )
        numeric = (plus - minus) / (2 * h)
        assert engine["grad"][i] == pytest.approx(numeric, rel=1e-4, abs=1e-4)


def test_a_leaf_used_twice_is_split_into_its_contributions_by_detaching():
    prog = sp.reused(np.random.default_rng(1))  # L = a·a + a·b
    a, b = prog.steps[0].value, prog.steps[1].value
    uses = prog.uses()[0]
    parts = sorted(bp._through(prog, uses, k)[0] for k in uses)
    assert parts == pytest.approx(sorted([a, a, b]))
    assert sp.run_engine(prog)["grad"][0] == pytest.approx(2 * a + b)


# ------------------------------------------------------------------ the mini engine


def test_a_correct_value_class_passes_both_checks():
    result = bp.mini_engine.check(engines.Value)
    assert result, str(result)
    assert re.search(
        r"your engine agrees with autograd_viz, value and gradient of every node, "
        r"on 9 expressions: no value used twice; a value used twice; a diamond .*; "
        r"a long chain \(\d+ operations\); and 4 random ones",
        str(result),
    )
    assert "trên 9 biểu thức" in str(bp.mini_engine.check(engines.Value, lang="vi"))
    assert bp.mini_engine_numbers.check(engines.Value)
    assert bp.mini_engine.check(engines.ValuesOnly)  # Value(c) constants only


def test_a_class_defined_without_a_source_file_works_in_the_child():
    # like a class typed into a notebook cell: it exists only in this process,
    # and reaches the checker's child by value (cloudpickle), since no module has it
    space = {}
    exec(
        "class Value:\n"
        "    def __init__(self, data, prev=()):\n"
        "        self.data, self.grad, self._prev, self._back = data, 0.0, prev, None\n"
        "    def _op(self, data, prev, rule):\n"
        "        out = Value(data, prev)\n"
        "        def back():\n"
        "            for p, d in zip(prev, rule):\n"
        "                p.grad += d * out.grad\n"
        "        out._back = back\n"
        "        return out\n"
        "    def __add__(self, o):\n"
        "        return self._op(self.data + o.data, (self, o), (1.0, 1.0))\n"
        "    def __mul__(self, o):\n"
        "        return self._op(self.data * o.data, (self, o), (o.data, self.data))\n"
        "    def relu(self):\n"
        "        return self._op(max(self.data, 0.0), (self,), (float(self.data > 0),))\n"
        "    def backward(self):\n"
        "        order, seen, stack = [], set(), [(self, 0)]\n"
        "        while stack:\n"
        "            n, done = stack.pop()\n"
        "            if done:\n"
        "                order.append(n)\n"
        "            elif id(n) not in seen:\n"
        "                seen.add(id(n))\n"
        "                stack.append((n, 1))\n"
        "                stack += [(p, 0) for p in n._prev]\n"
        "        self.grad = 1.0\n"
        "        for n in reversed(order):\n"
        "            if n._back:\n"
        "                n._back()\n",
        space,
    )
    assert bp.mini_engine.check(space["Value"])


MISTAKES = [
    (
        engines.AssignNotAdd,
        "a value used twice",
        r"a is used 3 times but its gradient holds one contribution only: `=` instead of `\+=`",
        r"chỉ giữ một phần đóng góp: dùng `=` thay cho `\+=`",
    ),
    (
        engines.DepthFirstOnce,
        "a diamond",
        r"is used 2 times, and what lies below it got the "
        r"wrong gradient: only a part of it, because \w+ "
        r"passed its gradient on before all its uses",
        r"các nút phía dưới nó nhận sai gradient: chỉ một phần của nó",
    ),
    (
        engines.RecursiveNoMemory,
        "a diamond",
        r"got the wrong gradient: too much, because \w+ "
        r"passed its gradient on more than once",
        r"quá nhiều, vì \w+ đã chuyển gradient đi nhiều lần",
    ),
    (
        engines.BreadthFirst,
        "a diamond",
        r"only a part of it.*reverse topological order",
        r"chỉ một phần của nó.*thứ tự tô-pô ngược",
    ),
    (
        engines.NoSeed,
        "no value used twice",
        r"every gradient is 0, L.grad too: backward\(\) never "
        r"set the seed",
        r"chưa đặt giá trị khởi đầu",
    ),
    (
        engines.WrongDirection,
        "no value used twice",
        r"only the inputs of the last operation "
        r"received gradients",
        r"chỉ các đầu vào của phép toán cuối",
    ),
    (
        engines.RecursiveTopo,
        "a long chain",
        r"your backward is recursive, and a chain of \d+ "
        r"operations is deeper than Python's recursion limit",
        r"backward của bạn dùng đệ quy",
    ),
    (
        engines.ReluPassesEverything,
        "relu at a negative input",
        r"relu let the gradient through where its input was negative",
        r"relu vẫn cho gradient",
    ),
    (
        engines.ReluTimesValue,
        "relu at a negative input",
        r"relu multiplied the gradient by its output value",
        r"relu đã nhân gradient",
    ),
    (
        engines.ReluForwardWrong,
        "relu at a negative input",
        r"the forward value of `\w = \w\.relu\(\)` is wrong: expected 0, got -",
        r"giá trị xuôi của `\w = \w\.relu\(\)` sai",
    ),
]


@pytest.mark.parametrize("broken, case, en, vi", MISTAKES, ids=[m[0].__name__ for m in MISTAKES])
def test_each_classic_mistake_is_named_where_it_shows(broken, case, en, vi):
    result = both(bp.mini_engine, broken, en, vi)
    assert case in bp.mini_engine.check(broken).case["case"]
    assert ".backward()" in result.case["inputs"]  # the program to reproduce it
    assert "Gợi ý" in str(result)


def test_the_recursion_failure_points_at_the_students_line():
    r = bp.mini_engine.check(engines.RecursiveTopo)
    # the deepest frame of the student's own code, not the checker's
    assert "RecursionError" in r.message and "(line " in r.message
    assert "if id(node) not in seen:" in r.message
    assert f"recursion limit ({sys.getrecursionlimit()})" in r.message


def test_missing_methods_a_non_class_and_plain_numbers():
    both(bp.mini_engine, engines.NoRelu, r"your class has no relu", r"lớp của bạn chưa có relu")
    both(
        bp.mini_engine,
        engines.Value(1.0),
        r"pass your Value class itself .*; got Value",
        r"hãy đưa vào chính lớp Value",
    )
    both(
        bp.mini_engine_numbers,
        engines.ValuesOnly,
        r"your class has no __radd__, __rmul__: "
        r"this check also puts plain numbers on the left",
        r"số thường ở bên trái",
    )

    class NumbersUnwrapped(engines.ValuesOnly):
        def __radd__(self, other):
            return self + other

        def __rmul__(self, other):
            return self * other

    r = both(
        bp.mini_engine_numbers,
        NumbersUnwrapped,
        r"this case mixes plain numbers into the expressions .* raised AttributeError",
        r"trường hợp này trộn số thường",
    )
    assert "2.0 * a" in r.case["inputs"]


def test_a_backward_that_never_ends_is_stopped(monkeypatch):
    class Endless(engines.Value):
        def backward(self):
            while True:
                pass

    monkeypatch.setattr(bp.mini_engine, "time_limit", 1.0)
    r = bp.mini_engine.check(Endless)
    assert not r and "hit the time limit of 1 second" in r.message and "exponential" in r.message


def test_grad_left_as_none_and_a_seed_that_is_not_one():
    class NoneGrad(engines.Value):
        def __init__(self, data, _children=()):
            super().__init__(data, _children)
            if not _children:
                self.grad = None

        def backward(self):
            self.grad = 1.0

    both(
        bp.mini_engine,
        NoneGrad,
        r"a.grad is not a number after backward \(None\?\)",
        r"không phải là số sau backward",
    )

    class SeedTwo(engines.Value):
        def backward(self):
            super().backward()
            self.grad = 2.0

    both(
        bp.mini_engine,
        SeedTwo,
        r"L.grad is 2 after backward; it should be 1",
        r"L.grad bằng 2 sau backward",
    )


def test_under_nbgrader_a_broken_engine_raises(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    with pytest.raises(AssertionError, match="`=` instead of `\\+=`"):
        bp.mini_engine.check(engines.AssignNotAdd)
    assert bp.mini_engine.check(engines.Value)


@settings(max_examples=25)
@given(seed=st.integers(0, 2**32 - 1), numbers=st.booleans())
def test_the_judge_passes_the_reference_and_names_a_missing_seed_on_any_program(seed, numbers):
    from autograd_viz.exercises.core import Context

    prog = sp.random_program(np.random.default_rng(seed), numbers)
    want = sp.run_engine(prog)
    for lang in LANGS:
        ctx = Context(bp.mini_engine, lang)
        assert bp.judge(prog, sp.run_student(prog, engines.Value), want, ctx) is None
        problem = bp.judge(prog, sp.run_student(prog, engines.NoSeed), want, ctx)
        assert problem == ctx.msg("mini_no_seed", root="L")
    # a relu that lets everything through is caught where a negative input's relu matters
    negative_relu = [
        i
        for i, s in enumerate(prog.steps)
        if s.kind == "relu" and prog.values()[s.args[0]] < 0 and want["grad"][i] != 0
    ]
    if negative_relu:
        problem = bp.judge(
            prog,
            sp.run_student(prog, engines.ReluPassesEverything),
            want,
            Context(bp.mini_engine, "en"),
        )
        assert problem is not None
