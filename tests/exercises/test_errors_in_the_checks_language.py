"""Engine errors inside exercise checks read like the check around them: the
student's code runs in the check's language, an error caught earlier in
another language is worded again, and the checks tell errors apart by their
key, not by their English."""

from __future__ import annotations

import pytest

import autograd_viz as av
from autograd_viz.exercises import autograd_chapter as ch
from autograd_viz.exercises.messages import msg

pytestmark = pytest.mark.usefixtures("clean_engine_state", "english_and_not_grading")


def _raised(fn):
    with pytest.raises(Exception) as info:
        fn()
    return info.value


def _backward_twice():
    x = av.arange(3.0, requires_grad=True)
    y = (x * x).sum()
    y.backward()
    y.backward()


def test_an_exercise_checked_in_vietnamese_shows_the_students_error_in_vietnamese():
    def wrong():  # not the second-backward error: the check shows what it got
        return av.tensor([1.0, 2.0]) + av.tensor([1.0, 2.0, 3.0])

    result = ch.ex2.check(wrong, lang="vi")
    assert not result and "không lan truyền (broadcast) được" in str(result)
    assert "do not broadcast" not in str(result) and av.get_lang() == "en"

    # an error caught in English, checked in Vietnamese, is shown in Vietnamese
    err = _raised(_backward_twice)
    result = ch.ex2.check(err, lang="vi")
    assert result and "retain_graph=True" in str(result)

    def caught():
        try:
            wrong()
        except av.ShapeError as e:
            return e

    result = ch.ex2.check(caught(), lang="vi")
    assert "không lan truyền (broadcast) được" in str(result)


def test_the_detach_exercise_names_a_freed_graph_in_vietnamese_too():
    def undetached(x):  # y kept in z's graph: the second backward finds it freed
        x.requires_grad_()
        y = x * x
        z = y * x
        z.sum().backward()
        g = x.grad
        y.sum().backward()
        return g, x.grad

    for lang in ("en", "vi"):
        result = ch.detach_and_check.check(undetached, lang=lang)
        assert not result
        assert msg("dc_freed", lang) in str(result)
