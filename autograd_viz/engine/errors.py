"""Exceptions that tell the user what went wrong and what to do about it.

Each subclasses the standard exception a Python user would expect
(``ValueError`` for shapes, ``RuntimeError`` for graph misuse, ``TypeError``
for dtypes), so ``except ValueError`` in user code keeps working.
"""


class ShapeError(ValueError):
    """Two shapes that do not fit together; the message names both."""


class BackwardError(RuntimeError):
    """backward() cannot run: freed graph, no gradient required, non-scalar output."""


class DtypeError(TypeError):
    """A dtype that cannot take part, e.g. an integer tensor asked for a gradient."""


class GradcheckError(AssertionError):
    """Analytic and numerical gradients disagree.

    ``index``, ``expected`` (finite differences) and ``got`` (backward) name
    the worst element."""

    def __init__(self, message, *, input_index=None, index=None, expected=None, got=None):
        super().__init__(message)
        self.input_index = input_index
        self.index = index
        self.expected = expected
        self.got = got
