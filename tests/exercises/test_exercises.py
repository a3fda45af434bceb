"""Exercise checking: the Exercise spec, the time-limited runner, messages in
en/vi, grading mode, the chapter's five exercises and the quiz widget.

Every student answer below is a real function run through the real checker
(in the checks' time-limited child process); nothing is mocked.
"""

from __future__ import annotations

import html
import os
import re
import time

import numpy as np
import pytest

import autograd_viz as av
from autograd_viz import exercises
from autograd_viz.exercises import Exercise, runner
from autograd_viz.exercises import autograd_chapter as ch
from autograd_viz.exercises.messages import LANGS, MESSAGES

pytestmark = pytest.mark.usefixtures("clean_engine_state")


@pytest.fixture(autouse=True)
def english_and_not_grading(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    exercises.set_lang("en")
    yield
    exercises.set_lang("en")


def no_children_left():
    """True when no process that ran a student's code is left, not even a
    zombie: this process's only child is the checks' server, and the server
    has none (a stopped run's child was killed and reaped)."""
    server = runner.server_pid()
    return not (children_of(os.getpid()) - {server}) and not (server and children_of(server))


def children_of(pid):
    found = set()
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat") as stat:
                ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if ppid == pid:
            found.add(int(entry))
    return found


# a small instructor-made exercise: the gradient of y = 2·xᵀx is 4x
def grad_exercise(**kw):
    return Exercise(
        title={"en": "Gradient of 2xᵀx", "vi": "Gradient của 2xᵀx"},
        inputs=lambda rng: (rng.normal(size=int(rng.integers(2, 6))),),
        reference=lambda x: 4 * x,
        hints={"en": "y = 2·Σx², so dy/dx = ...", "vi": "y = 2·Σx², nên dy/dx = ..."},
        **kw,
    )


def good_grad(x):
    x.requires_grad_()
    y = 2 * av.dot(x, x)
    y.backward()
    return x.grad


# ------------------------------------------------------------------ the Exercise spec


def test_a_correct_function_passes_on_fresh_inputs():
    ex = grad_exercise()
    first, second = ex.check(good_grad), ex.check(good_grad)
    assert first and second
    assert first.passed is True
    assert "4 random cases" in str(first)


def test_inputs_are_fresh_so_a_hard_coded_answer_fails():
    ex = grad_exercise(cases=3)

    def inputs_of_one_check():
        seen = []
        Exercise(
            title="probe",
            inputs=ex.inputs,
            reference=lambda x: x,
            cases=3,
            call=lambda answer, x: x.numpy(),
            check=lambda got, expected, args, ctx: seen.append(got),
        ).check(lambda x: x)
        return seen

    first, second = inputs_of_one_check(), inputs_of_one_check()
    assert len(first) == len(second) == 3
    assert not any(a.shape == b.shape and np.allclose(a, b) for a, b in zip(first, second))
    # the right answer of one check, hard-coded, fails the next check
    hard = 4 * first[0]
    result = ex.check(lambda x: hard)
    assert not result
    assert "Case 1 of 3" in str(result)
    # and a value instead of a function is refused with its own message
    value = ex.check(hard)
    assert not value and "needs a function" in value.message


@pytest.mark.parametrize(
    "answer, pattern",
    [
        (lambda x: None, r"got None: the function returned nothing"),
        (lambda x: "forty-two", r"got str \('forty-two'\), which is not a number"),
        (lambda x: {"grad": 1}, r"got dict .* not a number"),
        (lambda x: x * np.nan, r"contains nan .* at 0"),
        (
            lambda x: av.tensor([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]),
            r"wrong shape: expected \(\d,\), got \(7,\)",
        ),
        (lambda x: (x, x), r"expected one value, got a tuple of 2 values"),
        (
            lambda x: 3 * x,
            r"wrong value at index \d( \(the first of \d wrong entries\))?: "
            r"expected .*, got .*tolerance",
        ),
    ],
)
def test_each_bad_answer_gets_its_own_message(answer, pattern):
    result = grad_exercise(cases=1).check(answer)
    assert not result
    assert re.search(pattern, result.message), result.message
    assert "Traceback" not in str(result)
    assert "Hint: y = 2·Σx²" in str(result)
    assert "input: x = [" in str(result) and "expected: [" in str(result)


def test_a_raising_function_reports_type_message_and_line_not_our_traceback():
    def broken(x):
        y = x @ av.ones((7, 7))  # shapes do not fit
        return y

    result = grad_exercise(cases=1).check(broken)
    assert not result
    assert result.message.startswith("your code raised ShapeError: matmul")
    assert "(line " in result.message and "x @ av.ones((7, 7))" in result.message
    for ours in ("Traceback", "runner.py", "core.py", 'File "'):
        assert ours not in str(result)


def test_a_function_that_never_returns_is_stopped_and_the_process_stays_usable():
    def forever(x):
        b = x * 0  # the chapter's loop with a = 0
        while b.norm() < 1000:
            b = b * 2
        return b

    ex = grad_exercise(cases=1, time_limit=1.0)
    start = time.monotonic()
    result = ex.check(forever)
    took = time.monotonic() - start
    assert not result
    assert "hit the time limit of 1 second and was stopped" in result.message
    assert "never ends" in result.message
    assert took < 5
    assert no_children_left()
    # the same process (the kernel) goes on working
    assert ex.check(good_grad)
    assert av.tensor(3.0) * 2 == 6


def test_even_a_loop_that_swallows_exceptions_is_stopped():
    def stubborn(x):
        while True:
            try:
                time.sleep(0.01)
            except BaseException:
                pass

    result = grad_exercise(cases=1, time_limit=0.5).check(stubborn)
    assert not result and "hit the time limit of 0.5 seconds" in result.message
    assert no_children_left()


def test_the_in_process_fallback_also_stops_an_endless_loop():
    def forever(x):
        while True:
            x = x + 0

    result = grad_exercise(cases=1, time_limit=0.5, isolate=False).check(forever)
    assert not result and "hit the time limit of 0.5 seconds" in result.message
    assert grad_exercise(cases=1, isolate=False).check(good_grad)


def test_what_the_student_printed_is_shown():
    def chatty(x):
        print("shape is", x.shape)
        return good_grad(x)

    result = grad_exercise(cases=1).check(chatty)
    assert result and "your code printed:\nshape is (" in str(result)


@pytest.mark.parametrize("isolate", [True, False])
def test_a_flood_of_printing_is_cut_to_a_few_kilobytes(isolate):
    flood = 10_000_000
    ex = Exercise(
        title="t",
        inputs=lambda rng: (rng.normal(size=2),),
        reference=lambda x: x,
        cases=1,
        isolate=isolate,
    )
    result = ex.check(lambda x: print("x" * flood))
    assert not result and "got None" in result.message
    kept = runner.PRINT_LIMIT
    assert result.printed.startswith("x" * kept)
    # what was cut is counted (the newline print adds counts too)
    assert result.printed.endswith(f"(… {flood + 1 - kept} more characters)")
    assert len(str(result)) < kept + 2000
    assert len(result._repr_html_()) < kept + 4000
    vi = ex.check(lambda x: print("x" * flood), lang="vi")
    assert vi.printed.endswith(f"(… còn {flood + 1 - kept} ký tự nữa)")


def test_the_chapter_exercise_of_the_review_prints_little():
    result = ch.ex1.check(lambda x: print("x" * 10_000_000))
    assert not result
    assert len(str(result)) < 10_000 and len(result._repr_html_()) < 20_000
    assert re.search(r"\(… \d+ more characters\)", str(result))


def test_printing_over_many_cases_is_capped_in_total():
    def chatty(x):
        print("y" * (runner.PRINT_LIMIT - 10))
        return good_grad(x)

    result = grad_exercise(cases=4).check(chatty)
    assert result, str(result)
    kept, note = result.printed.rsplit("\n", 1)
    assert len(kept) == runner.PRINT_LIMIT and set(kept) == {"y", "\n"}
    # four cases printed PRINT_LIMIT - 9 characters each (with the newline)
    dropped = 4 * (runner.PRINT_LIMIT - 9) - runner.PRINT_LIMIT
    assert note == f"(… {dropped} more characters)"


def test_the_student_code_cannot_change_the_kernel_state():
    def vandal(x):
        av.engine.graph.STATE.grad_enabled = False
        ch.ex1.f = None
        return good_grad(x)

    result = grad_exercise(cases=1).check(vandal)
    # the vandal ran, and switching gradients off broke its own backward pass ...
    assert not result
    assert result.message.startswith(
        "your code raised BackwardError: this value does not require a gradient"
    ), result.message
    # ... in the child only: the kernel's state is untouched and the next check passes
    assert av.engine.graph.STATE.grad_enabled is True and ch.ex1.f is ch.f1
    assert grad_exercise(cases=1).check(good_grad)


def test_value_exercises_take_values():
    ex = Exercise(title="2·xᵀx at x = arange(4)", reference=np.array([0.0, 4.0, 8.0, 12.0]))
    x = av.arange(4.0, requires_grad=True)
    (2 * av.dot(x, x)).backward()
    assert ex.check(x.grad)
    assert ex.check([0, 4, 8, 12])
    assert "wrong value at index 3" in ex.check([0, 4, 8, 11]).message
    assert "needs a value, not a function" in ex.check(lambda: x.grad).message
    assert "Did you forget `return`" in ex.check(None).message


def test_the_spec_refuses_bad_inputs_clearly():
    with pytest.raises(TypeError, match="inputs must be a function rng"):
        Exercise(title="t", inputs=[1, 2], reference=lambda x: x)


# ------------------------------------------------------------------ display


def test_result_shows_in_jupyter_green_or_red_and_escapes_text():
    ex = Exercise(
        title="<b>t</b>",
        inputs=lambda rng: (rng.normal(size=2),),
        reference=lambda x: x,
        hints="use <script>",
        cases=1,
    )
    bad = ex.check(lambda x: "<img src=x onerror=alert(1)>")
    page = bad._repr_html_()
    assert "#cf222e" in page and "✗" in page
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<b>t</b>" not in page and "&lt;b&gt;t&lt;/b&gt;" in page
    good = ex.check(lambda x: x)
    assert "#1a7f37" in good._repr_html_() and "✓" in good._repr_html_()
    assert repr(good).startswith("✓ <b>t</b>: Passed")


# ------------------------------------------------------------------ languages


def test_messages_exist_in_both_languages_with_the_same_fields():
    field = re.compile(r"{(\w+)")
    for key, texts in MESSAGES.items():
        assert set(texts) == set(LANGS), key
        assert set(field.findall(texts["en"])) == set(field.findall(texts["vi"])), key
        assert texts["en"] != texts["vi"] or key in {"quiz_one_hint"}, key


def _source_without(path, table):
    """A module's text without the assignment of ``table`` (the table's own keys)."""
    import ast

    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    for node in ast.parse(text).body:
        target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
        if isinstance(target, ast.Name) and target.id == table:
            lines[node.lineno - 1 : node.end_lineno] = []
    return "\n".join(lines)


def test_every_message_key_is_used_somewhere_in_the_package():
    from pathlib import Path

    from autograd_viz.i18n import TEXT

    package = Path(av.__file__).parent
    tables = {
        package / "i18n.py": ("TEXT", TEXT),
        package / "exercises" / "messages.py": ("MESSAGES", MESSAGES),
    }
    source = "\n".join(
        _source_without(p, tables[p][0]) if p in tables else p.read_text(encoding="utf-8")
        for p in sorted(package.rglob("*.py"))
    )
    # keys built at run time, like f"ex2_right_{which}"
    prefixes = re.findall(r"""f["']([a-z][a-z0-9_]*_)\{""", source)
    unused = [
        key
        for _, table in tables.values()
        for key in table
        if f'"{key}"' not in source
        and f"'{key}'" not in source
        and not any(key.startswith(p) for p in prefixes)
    ]
    assert not unused, f"keys no code looks up (delete them): {unused}"


def test_set_lang_and_the_per_check_override():
    ex = grad_exercise(cases=1)
    exercises.set_lang("vi")
    vi = ex.check(lambda x: None)
    assert vi.title == "Gradient của 2xᵀx" and "Chưa đạt" in str(vi)
    assert "nhận được None" in vi.message and "Gợi ý: y = 2·Σx², nên" in str(vi)
    assert ex.hint() == "y = 2·Σx², nên dy/dx = ..."
    en = ex.check(lambda x: None, lang="en")
    assert "got None" in en.message and "Hint:" in str(en)
    assert ex.hint("en").startswith("y = 2·Σx², so")
    assert "cả 4 trường hợp" in str(grad_exercise().check(good_grad))
    with pytest.raises(ValueError, match="lang must be one of"):
        exercises.set_lang("fr")
    with pytest.raises(ValueError, match="lang must be one of"):
        ex.check(good_grad, lang="de")


# ------------------------------------------------------------------ grading mode


def test_raise_on_fail_raises_assertion_error_with_the_same_message():
    ex = grad_exercise(cases=1)
    with pytest.raises(AssertionError) as info:
        ex.check(lambda x: 3 * x, raise_on_fail=True)
    assert "wrong value" in str(info.value) and "Hint:" in str(info.value)
    assert ex.check(good_grad, raise_on_fail=True)


def test_under_nbgrader_a_failure_raises(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    ex = grad_exercise(cases=1)
    with pytest.raises(AssertionError, match="got None"):
        ex.check(lambda x: None)
    assert ex.check(good_grad)
    assert not ex.check(lambda x: None, raise_on_fail=False)


# ------------------------------------------------------------------ 1. second derivative


def d2_by_gradients(x):
    x.requires_grad_()
    y = ch.ex1.f(x)
    (dy,) = av.gradients(y, [x], create_graph=True)
    dy.backward()
    return x.grad


def test_ex1_passes_with_create_graph_and_reports_the_second_graph():
    result = ch.ex1.check(d2_by_gradients)
    assert result, str(result)
    sizes = re.search(
        r"recorded (\d+) op nodes; .* recorded (\d+) more, so the second "
        r"backward walks (\d+) nodes \(([\d.]+)×",
        str(result),
    )
    fwd, bwd, total, ratio = int(sizes[1]), int(sizes[2]), int(sizes[3]), float(sizes[4])
    assert fwd == 3 and bwd > fwd and total == fwd + bwd and ratio > 1
    assert ch.ex1.check(lambda x: av.grad(av.grad(ch.ex1.f))(x))


def test_ex1_passes_in_the_torch_dialect():
    import autograd_viz.torch as torch

    def d2(x):
        x = torch.tensor(x, requires_grad=True)
        (g,) = torch.autograd.grad(ch.ex1.f(x), x, create_graph=True)
        g.backward()
        return x.grad

    assert ch.ex1.check(d2)


def test_ex1_fails_a_hand_written_formula_a_first_derivative_and_a_number():
    by_hand = ch.ex1.check(lambda x: x.exp() * (x * x + 4 * x + 2))
    assert not by_hand and "no backward pass was recorded" in by_hand.message

    def first_only(x):
        x.requires_grad_()
        (g,) = av.gradients(ch.ex1.f(x), [x], create_graph=True)
        return g

    first = ch.ex1.check(first_only)
    assert not first and first.message.startswith("wrong value")
    assert "needs a function" in ch.ex1.check(2.5).message


@pytest.mark.parametrize(
    "answer, kind, kind_vi",
    [
        (3.0, "a float", "một giá trị kiểu float"),
        (3, "an int", "một giá trị kiểu int"),
        (np.float64(2.0), "a float64", "một giá trị kiểu float64"),
        (np.ones(3), "a numpy array of shape (3,)", "một numpy array có kích thước (3,)"),
        ("d2", "a str", "một giá trị kiểu str"),
        ((1.0, 2.0), "a tuple of 2 values", "một bộ (tuple) gồm 2 giá trị"),
    ],
)
def test_a_value_instead_of_a_function_is_named_by_its_own_type(answer, kind, kind_vi):
    result = ch.ex1.check(answer)
    assert not result and result.message.endswith(f"got {kind}"), result.message
    assert "array of shape ()" not in result.message
    assert ch.ex1.check(answer, lang="vi").message.endswith(f"bạn đưa vào {kind_vi}")
    assert ch.ex2.check(answer).message.endswith(f"got {kind}")
    assert "create_graph=True" in ch.ex1.hint()


# ------------------------------------------------------------------ 2. backward twice


def caught(run):
    try:
        run()
    except Exception as e:
        return e
    raise AssertionError("no error")


def test_ex2_accepts_the_real_error_of_each_dialect():
    import autograd_viz.tf as tf
    import autograd_viz.torch as torch
    from autograd_viz.mxnet import autograd
    from autograd_viz.mxnet import np as mnp

    def core():
        x = av.arange(4.0, requires_grad=True)
        y = 2 * av.dot(x, x)
        y.backward()
        y.backward()

    def pytorch():
        x = torch.arange(4.0, requires_grad=True)
        y = 2 * torch.dot(x, x)
        y.backward()
        y.backward()

    def tensorflow():
        x = tf.Variable(tf.range(4, dtype=tf.float32))
        with tf.GradientTape() as t:
            y = 2 * tf.tensordot(x, x, axes=1)
        t.gradient(y, x)
        t.gradient(y, x)

    def mxnet():
        x = mnp.arange(4.0)
        x.attach_grad()
        with autograd.record():
            y = 2 * mnp.dot(x, x)
        y.backward()
        y.backward()

    for run in (core, pytorch, mxnet):
        result = ch.ex2.check(caught(run))
        assert result and "retain_graph=True" in str(result)
        assert ch.ex2.check(run)  # the function itself, run in a child
    tf_result = ch.ex2.check(caught(tensorflow))
    assert tf_result and "persistent=True" in str(tf_result)
    assert ch.ex2.check(tensorflow)


def test_ex2_rejects_wrong_claims():
    forged = ch.ex2.check(RuntimeError("you need retain_graph"))
    assert not forged and "not raised by a backward pass" in forged.message

    def raised_by_hand():
        raise RuntimeError("retain_graph")

    assert "not raised by a backward pass" in ch.ex2.check(caught(raised_by_hand)).message

    def no_error():
        x = av.arange(4.0, requires_grad=True)
        y = 2 * av.dot(x, x)
        y.backward(retain_graph=True)
        y.backward()
        return x.grad

    quiet = ch.ex2.check(no_error)
    assert not quiet and "ran without any error" in quiet.message

    wrong = ch.ex2.check(caught(lambda: av.arange(4).requires_grad_()))
    assert not wrong and "DtypeError" in wrong.message and "not the error" in wrong.message
    assert "pass the exception you caught" in ch.ex2.check("it breaks").message
    assert "hãy đưa vào ngoại lệ bạn bắt được" in ch.ex2.check("lỗi", lang="vi").message


# ------------------------------------------------------------------ 3. vector a


def chapter_f(a):
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c


def test_ex3_passes_the_chapter_f_in_core_torch_and_tf():
    import autograd_viz.tf as tf

    result = ch.ex3.check(chapter_f)
    assert result and "d / a" in str(result)

    def tf_f(a):
        b = a * 2
        while tf.norm(b) < 1000:
            b = b * 2
        if tf.reduce_sum(b) > 0:
            c = b
        else:
            c = 100 * b
        return c

    assert ch.ex3.check(tf_f)

    def with_own_gradient(a):
        import autograd_viz.torch as torch

        d = chapter_f(a)
        d.backward(gradient=torch.ones_like(d))
        return d, a.grad

    assert ch.ex3.check(with_own_gradient)


def test_ex3_inputs_are_vectors_and_matrices():
    shapes = []
    probe = Exercise(
        title="p",
        inputs=ch.ex3.inputs,
        reference=lambda a: a,
        cases=4,
        call=lambda answer, a: a.shape,
        check=lambda got, e, args, ctx: shapes.append(got),
    )
    probe.check(lambda a: a)
    assert [len(s) for s in shapes] == [1, 2, 1, 2]


def test_ex3_fails_scalar_only_code_a_reduced_result_a_detached_one_and_a_loop(monkeypatch):
    def scalar_if(a):
        b = a * 2
        while b.norm() < 1000:
            b = b * 2
        if b > 0:
            return b
        return 100 * b

    r = ch.ex3.check(scalar_if)
    assert not r and "raised ValueError: the truth value" in r.message
    assert "`if b > 0:`" in r.message

    r = ch.ex3.check(lambda a: chapter_f(a).sum())
    assert not r and "f(a) has shape ()" in r.message

    def detached(a):
        return chapter_f(a.detach())

    r = ch.ex3.check(detached)
    assert not r and "no gradient reached a" in r.message

    def wrong_gradient(a):
        d = chapter_f(a)
        return d, a * 0 + 1

    r = ch.ex3.check(wrong_gradient)
    assert not r and "not d / a" in r.message

    r = ch.ex3.check(lambda a: a * 2)
    assert not r and "differs from the chapter's f" in r.message

    monkeypatch.setattr(ch.ex3, "time_limit", 1.0)

    def never_grows(a):
        b = a * 2
        while b.norm() < 1000:
            b = b * 1
        return b

    r = ch.ex3.check(never_grows)
    assert not r and "hit the time limit of 1 second and was stopped" in r.message
    assert no_children_left()


# ------------------------------------------------------------------ 4. own control flow


def test_ex4_passes_a_function_with_data_dependent_control_flow():
    def mine(a):
        if a > 0:
            b = a * a
        else:
            b = -3 * a
        while b.abs() < 5:
            b = b * 3
        return b

    result = ch.ex4.check(mine)
    assert result, str(result)
    paths = int(re.search(r"took (\d+) different paths", str(result))[1])
    assert 1 <= paths <= 5
    assert ch.ex4.check(chapter_f)


def test_ex4_fails_no_control_flow_a_wrong_gradient_numpy_and_an_endless_loop(monkeypatch):
    r = ch.ex4.check(lambda a: a * 2 + 1)
    assert not r and "no `if`, `while`" in r.message

    # no source to read (made by exec): only the paths actually taken count
    space = {}
    exec("def straight(a):\n    return a * a + 1\n", space)
    r = ch.ex4.check(space["straight"])
    assert not r and "ran the same operations" in r.message
    # loop counts differ over the inputs' two decades of magnitude, so paths differ
    exec(
        "def branchy(a):\n    b = a\n    while b.abs() < 50:\n        b = b * 2\n    return b\n",
        space,
    )
    assert ch.ex4.check(space["branchy"])

    def half_detached(a):
        if a > 0:
            return a * a.detach()
        return -a * a.detach()

    r = ch.ex4.check(half_detached)
    assert not r and "disagrees with finite differences" in r.message
    assert re.search(r"finite differences give [-\d.e]+, backward gave [-\d.e]+", r.message)

    def via_numpy(a):
        return np.sin(float(a)) if a > 0 else 0.0

    r = ch.ex4.check(via_numpy)
    assert not r and "f(a) returned" in r.message

    def through_item(a):
        return av.tensor(a.item() ** 2) if a > 0 else a.detach()

    r = ch.ex4.check(through_item)
    assert not r and "does not depend on a through recorded operations" in r.message

    monkeypatch.setattr(ch.ex4, "time_limit", 1.0)

    def endless(a):
        while a.abs() > 0:
            a = a * 1
        return a

    r = ch.ex4.check(endless)
    assert not r and "hit the time limit of 1 second and was stopped" in r.message


# ------------------------------------------------------------------ 5. sin without cos


def sin_and_slope(x):
    x.requires_grad_()
    y = av.sin(x)
    y.backward(av.ones_like(y))
    return y.detach(), x.grad


def test_ex5_passes_backward_and_create_graph_and_the_tf_tape():
    assert ch.ex5.check(sin_and_slope)

    def with_create_graph(x):
        # the engine's own backward of sin records a cos: that one is allowed
        x.requires_grad_()
        y = av.sin(x)
        (g,) = av.gradients(y.sum(), [x], create_graph=True)
        return y, g

    assert ch.ex5.check(with_create_graph)

    import autograd_viz.tf as tf

    def tape(x):
        x = tf.Variable(x)
        with tf.GradientTape() as t:
            y = tf.sin(x)
        return y, t.gradient(y, x)

    assert ch.ex5.check(tape)


def test_ex5_catches_cos_in_the_graph_numpy_cos_and_math_cos():
    def recorded_cos(x):
        x.requires_grad_()
        return av.sin(x), av.cos(x)

    r = ch.ex5.check(recorded_cos)
    assert not r and "you used cos (a cos op in the graph of what you returned" in r.message

    r = ch.ex5.check(lambda x: (np.sin(x.numpy()), np.cos(x.numpy())))
    assert not r and "numpy.cos called 1×" in r.message

    import math

    r = ch.ex5.check(lambda x: (av.sin(x), [math.cos(v) for v in x.numpy()]))
    assert not r and re.search(r"math.cos called \d+×", r.message)
    r = ch.ex5.check(lambda x: (np.sin(x.numpy()), np.cos(x.numpy())), lang="vi")
    assert "bạn đã dùng cos" in r.message


def test_ex5_fails_a_derivative_written_by_hand_without_backward():
    r = ch.ex5.check(lambda x: (av.sin(x), av.sin(x + np.pi / 2)))
    assert not r and "not a gradient that a backward pass" in r.message

    def backward_of_something_else(x):
        # a backward pass ran, but the slope returned is not what it computed
        x.requires_grad_()
        (x * 3).sum().backward()
        return av.sin(x).detach(), av.sin(x + np.pi / 2).detach()

    r = ch.ex5.check(backward_of_something_else)
    assert not r and "wrote the derivative by hand" in r.message
    vi = ch.ex5.check(lambda x: (av.sin(x), av.sin(x + np.pi / 2)), lang="vi")
    assert "bạn đã tự viết đạo hàm bằng tay" in vi.message

    import autograd_viz.torch as torch

    def in_torch(x):
        x = torch.tensor(x.numpy(), requires_grad=True)
        y = torch.sin(x)
        y.sum().backward()
        return y.detach(), x.grad

    assert ch.ex5.check(in_torch)


def test_ex5_fails_a_single_value_and_a_wrong_derivative():
    r = ch.ex5.check(lambda x: av.sin(x))
    assert not r and "return a pair (f(x), df/dx)" in r.message

    def slope_of_something_else(x):
        x.requires_grad_()
        y = av.sin(x) * 2
        y.backward(av.ones_like(y))
        return av.sin(x).detach(), x.grad

    r = ch.ex5.check(slope_of_something_else)
    assert not r and r.message.startswith("df/dx is wrong: wrong value")


def test_ex5_plot_draws_both_curves():
    import matplotlib

    matplotlib.use("Agg")
    ax = ch.ex5.plot(sin_and_slope)
    f, df = (line.get_ydata() for line in ax.get_lines())
    x = ax.get_lines()[0].get_xdata()
    assert np.allclose(f, np.sin(x)) and np.allclose(df, np.cos(x))


def test_chapter_exercises_have_titles_prompts_and_hints_in_both_languages():
    for ex in (ch.ex1, ch.ex2, ch.ex3, ch.ex4, ch.ex5):
        for lang in LANGS:
            assert ex.title_in(lang) and ex.hint(lang)
        assert ex.hint("en") != ex.hint("vi")
        assert ex.title_in("en") != ex.title_in("vi")


def test_runner_reports_a_child_that_dies():
    out = runner.run(lambda: os._exit(3), (), 5)
    assert out.status == "crashed" and "exit code 3" in out.emessage
    out = runner.run(lambda: lambda: 1, (), 5)
    assert out.status == "unpicklable" and out.emessage == "function"


# ------------------------------------------------------------------ the quiz widget


def test_quiz_marks_right_and_wrong_nodes_with_hints():
    from autograd_viz.exercises.quiz import GradientQuiz

    q = GradientQuiz(seed=3)
    x, y = q.values["x"], q.values["y"]
    v = x * y + x
    # the expected gradients, by hand, for L = (x·y + x)·y
    assert q.answers == pytest.approx({"L": 1, "v": y, "u": y, "x": y * y + y, "y": v + x * y})
    assert set(q.boxes) == {"x", "y", "u", "v", "L"} and q.state()["x"] == "unchecked"
    q.boxes["L"].value = 1
    q.boxes["v"].value = y
    q.boxes["x"].value = y * y  # forgot the second use of x
    for handler in q.button._click_handlers.callbacks:
        handler(q.button)
    state = q.state()
    assert state["L"] == state["v"] == "right"
    assert state["x"] == "wrong"
    assert "#cf222e" in q.feedback["x"].value and "x is used 2 times" in q.feedback["x"].value
    assert "#1a7f37" in q.feedback["v"].value and "right" in q.feedback["v"].value
    assert q.boxes["x"].layout.border == "2px solid #cf222e"
    assert q.summary.value == "2 of 5 right"
    q.boxes["x"].value = y * y + y
    assert q.check()["x"] == "right"


def test_quiz_in_vietnamese_and_with_a_custom_graph():
    from autograd_viz.exercises.quiz import GradientQuiz

    def build(rng):
        a = av.tensor(2.0, requires_grad=True, name="a")
        s = av.sin(a)
        s.name = "s"
        return [a], s

    q = GradientQuiz(build, lang="vi")
    assert q.answers["a"] == pytest.approx(np.cos(2.0))
    assert q.button.description == "Kiểm tra"
    q.boxes["a"].value = "0,5"  # a decimal comma, as Vietnamese writes it
    q.boxes["s"].value = "2"
    q.check()
    assert q.state() == {"a": "wrong", "s": "wrong"}
    assert "cos(a)" in q.feedback["a"].value
    assert "ds/ds = 1" in q.feedback["s"].value and "thay đổi" in q.feedback["s"].value
    assert q.summary.value == "đúng 0/2"
    with pytest.raises(ValueError, match="needs a name"):
        GradientQuiz(lambda rng: ([], av.tensor(1.0, requires_grad=True) * 2))


def test_quiz_hints_of_a_division_name_the_inputs():
    from autograd_viz.exercises.quiz import GradientQuiz

    def build(rng):
        x = av.tensor(3.0, requires_grad=True, name="x")
        y = av.tensor(2.0, requires_grad=True, name="y")
        t = y.T
        L = x / t
        t.name, L.name = "t", "L"
        return [x, y, t], L

    q = GradientQuiz(build)
    assert q.answers == pytest.approx({"x": 0.5, "y": -0.75, "t": -0.75, "L": 1.0})
    assert q.rows["L"] == "L = x / t" and q.rows["t"] == "t = yᵀ"
    assert q.hints["t"] == "dL/dt = dL/dL · ∂L/∂t = dL/dL · (−x/t²)"
    assert q.hints["x"].endswith("(1/t)")
    for text in list(q.hints.values()) + list(q.rows.values()):
        assert not re.search(r"(?<!\w)[ab](?![^\Wᵀ²³])", text), text


def test_quiz_refuses_two_nodes_of_one_name_and_non_scalar_nodes():
    from autograd_viz.exercises.quiz import GradientQuiz

    def twins(rng):
        x = av.tensor(1.0, requires_grad=True, name="x")
        u = x * 2
        u.name = "x"
        return [x], u

    with pytest.raises(ValueError, match="two quiz nodes are named 'x'"):
        GradientQuiz(twins)

    def vector(rng):
        x = av.tensor([1.0, 2.0], requires_grad=True, name="x")
        s = (x * x).sum()
        s.name = "s"
        return [x], s

    with pytest.raises(ValueError, match=r"quiz nodes must be scalars: 'x' has shape \(2,\)"):
        GradientQuiz(vector)


def test_quiz_lets_a_real_drawing_bug_through(monkeypatch):
    # only a missing Graphviz is answered with the table; any other error is a bug to see
    import importlib

    draw_module = importlib.import_module("autograd_viz.render.draw")
    from autograd_viz.exercises.quiz import GradientQuiz
    from autograd_viz.render.backend import GraphvizNotFound

    def missing(*args, **kwargs):
        raise GraphvizNotFound("no dot")

    monkeypatch.setattr(draw_module, "draw", missing)
    q = GradientQuiz(seed=1)
    assert q.svg is None and "diagram not available" in q.widget.children[1].value

    def broken(*args, **kwargs):
        raise KeyError("a bug in the renderer")

    monkeypatch.setattr(draw_module, "draw", broken)
    with pytest.raises(KeyError, match="a bug in the renderer"):
        GradientQuiz(seed=1)


def test_quiz_shows_the_graph_without_gradients():
    from autograd_viz.exercises.quiz import GradientQuiz

    q = GradientQuiz(seed=0)
    if q.svg is None:  # no Graphviz at all: the fallback note stands in
        assert "diagram not available" in q.widget.children[1].value
    else:
        # the step-through player shows the question: one still frame of the graph
        assert q.widget.children[1] is q.player and len(q.player.frames) == 1
        assert q.player.frames[0].svg == q.svg
        for name in ("x", "y"):
            assert f">{name}" in q.svg
        for value in set(q.answers.values()) - set(q.values.values()) - {1.0}:
            assert f"grad {value:g}" not in q.svg


def test_quiz_plays_the_solution_once_every_box_is_right():
    from autograd_viz.exercises.quiz import GradientQuiz
    from autograd_viz.render.values import fmt_inline

    q = GradientQuiz(seed=4)
    for name, box in q.boxes.items():
        box.value = q.answers[name] + (1 if name == "x" else 0)
    q.check()
    assert len(q.player.frames) == 1, "a wrong box keeps the solution hidden"
    q.boxes["x"].value = q.answers["x"]
    q.check()
    frames = q.player.frames
    kinds = [f.kind for f in frames]
    assert kinds.count("forward") == 3 and kinds.count("backward") == 3  # u, v, L
    assert q.player.index == 0 and len(q.player.film["frames"]) == len(frames)
    # the last frame draws every gradient the quiz asked for, as the engine computed them
    last = frames[-1].svg
    for name in ("x", "y"):
        assert f"{fmt_inline(q.answers[name])}</text>" in last, (name, q.answers[name])


def test_ex3_and_ex4_describe_a_wrong_return_type_in_the_notebooks_language():
    # the description is made in the child process, which does not know the language
    vi3 = ch.ex3.check(lambda a: 3.0, lang="vi")
    assert not vi3 and "một giá trị kiểu float" in vi3.message and "a float" not in vi3.message
    vi4 = ch.ex4.check(lambda a: "x", lang="vi")
    assert not vi4 and "một giá trị kiểu str" in vi4.message
    en4 = ch.ex4.check(lambda a: "x", lang="en")
    assert not en4 and "returned a str" in en4.message


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_quiz_saved_output_shows_the_question_and_a_picture_to_untrusted_viewers(lang):
    """An unrun notebook draws no widget: its HTML fallback must still show the
    graph (an <img>, since inline <svg> is stripped) and say how to answer."""
    from autograd_viz.exercises.messages import msg
    from autograd_viz.exercises.quiz import GradientQuiz

    quiz = GradientQuiz(seed=1, lang=lang)
    page = quiz._repr_mimebundle_()["text/html"]
    assert "<svg" not in page and '<img src="data:image/svg+xml;base64,' in page
    assert html.escape(msg("quiz_run_to_answer", lang)) in page
    assert "application/vnd.jupyter.widget-view+json" in quiz._repr_mimebundle_()
