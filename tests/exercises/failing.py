"""Shared by the exercise tests: a wrong answer must fail in both languages."""

import re


def both(exercise, answer, en, vi):
    """Check in both languages; each must fail and its message match its pattern."""
    for lang, pattern in (("en", en), ("vi", vi)):
        result = exercise.check(answer, lang=lang)
        assert not result, f"{lang}: passed unexpectedly"
        assert re.search(pattern, result.message), f"{lang}: {result.message}"
    return result
