"""The session's language, "en" or "vi": the one setting every message reads.

It sits at the bottom of the package, in the engine, because the engine's own
errors are worded in it; the renderer's words (autograd_viz/i18n.py) and the
exercises' messages read the same setting, so ``av.set_lang("vi")`` once at
the top of a notebook switches errors, diagrams, step-throughs, exercise
messages and the quiz together.
"""

from __future__ import annotations

from contextlib import contextmanager

LANGS = ("en", "vi")

_current = "en"


def check_lang(lang):
    if lang not in LANGS:
        # said in both languages: the one asking speaks one of them, we cannot know which
        raise ValueError(
            f"lang must be one of {', '.join(map(repr, LANGS))}, got {lang!r} "
            f"(lang phải là một trong {', '.join(map(repr, LANGS))})"
        )
    return lang


def set_lang(lang):
    """Use ``lang`` ("en" or "vi") wherever no ``lang=`` is passed."""
    global _current
    _current = check_lang(lang)


def get_lang():
    return _current


def resolve(lang):
    """``lang`` checked, or the session's language when it is None."""
    return _current if lang is None else check_lang(lang)


@contextmanager
def using_lang(lang):
    """Within the block the session speaks ``lang`` (None: leave it as it is),
    so errors raised there read like the messages around them (an exercise
    check in ``lang="vi"`` that runs a student's code)."""
    global _current
    before = _current
    _current = resolve(lang)
    try:
        yield _current
    finally:
        _current = before
