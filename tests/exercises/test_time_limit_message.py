"""An exercise stopped by its time limit says so, with the limit, in both languages."""

from __future__ import annotations

import pytest

from autograd_viz.exercises import Exercise
from autograd_viz.exercises.messages import msg, seconds


def _endless_exercise(limit, lang):
    return Exercise(
        title={"en": "Endless", "vi": "Vô tận"},
        inputs=lambda rng: (rng.normal(size=3),),
        reference=lambda x: x,
        cases=1,
        time_limit=limit,
    )


def _forever(x):
    while True:
        x = x + 0


@pytest.mark.parametrize(
    "lang, limit, words",
    [
        ("en", 0.5, "hit the time limit of 0.5 seconds"),
        ("vi", 0.5, "chạy quá giới hạn thời gian 0.5 giây"),
    ],
)
def test_a_stopped_check_names_the_time_limit_and_its_seconds(lang, limit, words):
    result = _endless_exercise(limit, lang).check(_forever, lang=lang)
    assert not result
    assert words in result.message


def test_seconds_are_spelled_out():
    assert [seconds(v, "en") for v in (1, 1.0, 5, 0.5, 10.0)] == [
        "1 second",
        "1 second",
        "5 seconds",
        "0.5 seconds",
        "10 seconds",
    ]
    assert seconds(5, "vi") == "5 giây"
    assert msg("timeout", "en", limit=1).startswith("your code hit the time limit of 1 second ")
