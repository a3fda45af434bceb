"""The hand-tracing widget (ch.manual_tracing.widget()) as a student uses it.

* An empty box is not an answer of 0: checking asks for it to be filled in,
  marks it neither right nor wrong, and gives nothing away (no hint, no formula).
* The drawing follows the student: the op nodes are grey (not computed) until
  the forward values are typed right; then it shows them; once every gradient
  is right too, it shows the gradients.  The numbers are those of the
  arithmetic of f = (x + y)·z at x = −2, y = 5, z = −4, done here by hand.
* What a box accepts: a typographic minus, a decimal comma; anything else that
  is not a number is named as such.
"""

from __future__ import annotations

import re

import pytest

from autograd_viz.exercises import autograd_chapter as ch
from autograd_viz.exercises.quiz import parse_number

X, Y, Z = -2.0, 5.0, -4.0
Q = X + Y  # 3
F = Q * Z  # -12
GRADS = {"x": Z, "y": Z, "z": Q, "q": Z, "f": 1.0}  # df/d(node), by the chain rule


def _labels(svg):
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def _click(quiz):
    for handler in quiz.button._click_handlers.callbacks:
        handler(quiz.button)


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_an_empty_box_asks_to_be_filled_in_and_gives_nothing_away(lang):
    quiz = ch.manual_tracing.widget(lang=lang)
    quiz.value_boxes["q"].value = Q  # one box filled, the rest left empty
    _click(quiz)
    assert quiz.values_state() == {"q": "right", "f": "empty"}
    assert set(quiz.state().values()) == {"empty"}
    fill = {"en": "fill this in", "vi": "hãy điền ô này"}[lang]
    notes = [quiz.value_feedback["f"].value] + [quiz.feedback[n].value for n in quiz.nodes]
    for note in notes:
        assert fill in note and "✗" not in note and "#cf222e" not in note, note
        assert "=" not in re.sub(r"<[^>]*>", "", note), f"a formula is given away: {note}"
    for name in quiz.nodes:
        assert quiz.hints[name] not in quiz.feedback[name].value
    assert quiz.boxes["x"].layout.border != "2px solid #cf222e"
    assert quiz.summary.value == {"en": "1 of 7 right", "vi": "đúng 1/7"}[lang]


def _shown(quiz):
    """What the quiz's player shows: its one still frame while the question is open."""
    assert len(quiz.player.frames) == 1
    return _labels(quiz.player.frames[0].svg)


def test_the_drawing_shows_the_values_once_they_are_right_then_the_gradients():
    quiz = ch.manual_tracing.widget()
    before = _shown(quiz)
    assert f"{F:g}" not in before and f"{Q:g}" not in before
    assert "grey: not computed yet" in before
    # one value wrong: still grey
    quiz.value_boxes["q"].value = Q
    quiz.value_boxes["f"].value = -F
    _click(quiz)
    assert "grey: not computed yet" in _shown(quiz)
    # both right: the values are drawn, no box is grey any more, no gradient yet
    quiz.value_boxes["f"].value = F
    _click(quiz)
    shown = _shown(quiz)
    assert f"{Q:g}" in shown and f"{F:g}" in shown
    assert "grey: not computed yet" not in shown
    assert not any(s.startswith("grad") for s in shown)
    # every gradient right: the gradients are drawn, with the chain rule's numbers
    for name, g in GRADS.items():
        quiz.boxes[name].value = g
    _click(quiz)
    assert set(quiz.state().values()) == {"right"}
    # the player now plays the solution; its last frame holds every gradient
    grads = [s for s in _labels(quiz.player.frames[-1].svg) if s.startswith("grad")]
    assert sorted(grads) == sorted(f"grad: {g:g}" for g in GRADS.values())


@pytest.mark.parametrize(
    "typed, number",
    [("-2", -2.0), ("\u22122", -2.0), (" 2,5 ", 2.5), ("1e-3", 1e-3), ("", None), ("  ", None)],
)
def test_what_a_box_accepts(typed, number):
    assert parse_number(typed) == number


@pytest.mark.parametrize("typed", ["abc", "2,5,1", "nan", "inf", "1..2"])
def test_a_box_that_is_not_a_number_is_named(typed):
    assert parse_number(typed) == typed.strip()
    quiz = ch.manual_tracing.widget()
    quiz.boxes["x"].value = typed
    _click(quiz)
    assert quiz.state()["x"] == "wrong"
    assert "is not a number" in quiz.feedback["x"].value
