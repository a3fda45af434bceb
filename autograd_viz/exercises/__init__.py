"""Exercises a notebook can check, and a quiz widget.

    from autograd_viz import exercises
    exercises.set_lang("vi")                       # every message and hint in Vietnamese
    from autograd_viz.exercises import autograd_chapter as ch
    ch.ex3.check(f)                                # -> Result, truthy only on a pass
    ch.ex3.hint()
    ch.dependency_graph.check(f)                   # the current edition's, named by topic
    from autograd_viz.exercises import backprop_chapter as bp
    bp.mini_engine.check(Value)                    # the student's own scalar autograd class

Instructors write their own with :class:`Exercise` (see its docstring), or
:class:`Entries` for an answer that is a dict of values worked out by hand.
The quiz widget is :class:`autograd_viz.exercises.quiz.GradientQuiz`
(imported lazily: it needs ipywidgets); ``ch.manual_tracing.widget()`` is the
same quiz asking forward values too.
"""

from .core import Context, Entries, Exercise, Failure, NonNumeric, Result, compare, grading, plain
from .messages import get_lang, set_lang
from .runner import Outcome, run
from .runner import warm_up as _warm_up

__all__ = [
    "Exercise",
    "Entries",
    "Result",
    "Context",
    "Failure",
    "NonNumeric",
    "compare",
    "plain",
    "grading",
    "set_lang",
    "get_lang",
    "run",
    "Outcome",
    "GradientQuiz",
]


def __getattr__(name):
    if name == "GradientQuiz":
        from .quiz import GradientQuiz

        return GradientQuiz
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# the checks' server imports numpy and autograd_viz in the background while the
# notebook goes on, so the first check does not wait for it (see runner.py)
_warm_up()
