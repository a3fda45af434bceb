"""Exercises a notebook can check, and a quiz widget.

    from autograd_viz import exercises
    exercises.set_lang("vi")                       # every message and hint in Vietnamese
    from autograd_viz.exercises import autograd_chapter as ch
    ch.ex3.check(f)                                # -> Result, truthy only on a pass
    ch.ex3.hint()

Instructors write their own with :class:`Exercise` (see its docstring).  The
quiz widget is :class:`autograd_viz.exercises.quiz.GradientQuiz` (imported
lazily: it needs ipywidgets).
"""

from .core import Context, Exercise, Failure, NonNumeric, Result, compare, grading, plain
from .messages import get_lang, set_lang
from .runner import Outcome, run

__all__ = ["Exercise", "Result", "Context", "Failure", "NonNumeric", "compare", "plain",
           "grading", "set_lang", "get_lang", "run", "Outcome", "GradientQuiz"]


def __getattr__(name):
    if name == "GradientQuiz":
        from .quiz import GradientQuiz
        return GradientQuiz
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
