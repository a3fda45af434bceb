"""State an exercise once; check a student's answer on fresh random inputs.

An instructor writes::

    from autograd_viz.exercises import Exercise

    ex = Exercise(
        title={"en": "Gradient of 2·xᵀx", "vi": "Gradient của 2·xᵀx"},
        inputs=lambda rng: (rng.normal(size=4),),      # fresh every check
        reference=lambda x: 4 * x,                     # the right answer for those inputs
        tolerance=1e-6, time_limit=5,
        hints={"en": "y = 2·Σ x_i², so dy/dx_i = ...", "vi": "y = 2·Σ x_i², nên dy/dx_i = ..."},
    )

and a student writes ``ex.check(my_grad)`` where ``my_grad(x)`` returns the
gradient.  The result is truthy only on a pass, shows green or red in
Jupyter, and on a failure names the case, its input, the expected value and
what came back, plus the hint in the notebook's language
(:func:`set_lang`, or ``check(..., lang="vi")``).  Under nbgrader
(``NBGRADER_EXECUTION`` set) or with ``raise_on_fail=True`` a failure raises
``AssertionError`` with the same text, so an autograder test cell fails.

The student's function never runs in the kernel itself; see
:mod:`autograd_viz.exercises.runner` for why and how.
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass, field

import numpy as np

from ..engine.lang import using_lang
from ..render.style import font_style
from . import runner
from .messages import check_lang, msg, pick

# ------------------------------------------------------------------ plain values


@dataclass
class NonNumeric:
    """Stands in for a returned object that is not a number, array or tensor."""

    kind: str
    text: str


def plain(obj):
    """What the student returned, as picklable numpy data.

    Tensors (any dialect) and numbers become arrays, tuples stay tuples (a
    list of numbers becomes an array), None stays None, and anything else
    becomes :class:`NonNumeric` naming its type.
    """
    from ..engine.tensor import Tensor

    if obj is None:
        return None
    if isinstance(obj, Tensor):
        return np.array(obj.data)
    if isinstance(obj, (bool, int, float, np.number, np.bool_)):
        return np.asarray(obj)
    if isinstance(obj, np.ndarray):
        return _numeric_or_marker(obj)
    if isinstance(obj, (list, tuple)):
        parts = tuple(plain(o) for o in obj)
        if (
            isinstance(obj, list)
            and parts
            and all(isinstance(p, np.ndarray) and p.shape == parts[0].shape for p in parts)
        ):
            return _numeric_or_marker(np.array(parts))
        return parts
    return NonNumeric(type(obj).__name__, _short(repr(obj)))


def _numeric_or_marker(arr):
    if arr.dtype.kind in "biuf":
        return np.array(arr)
    return NonNumeric(f"an array of {arr.dtype}", _short(repr(arr)))


def _short(text, limit=60):
    return text if len(text) <= limit else text[: limit - 1] + "…"


def kind_of(value, lang):
    """A few words describing a plain value, for messages."""
    if value is None:
        return "None"
    if isinstance(value, NonNumeric):
        return value.kind
    if isinstance(value, tuple):
        return msg("tuple_of", lang, n=len(value))
    if callable(value):
        return msg("kind_a", lang, type="function")
    if isinstance(value, np.ndarray):
        return msg("kind_shaped", lang, type="numpy array", shape=value.shape)
    return type(value).__name__


def kind_of_answer(obj, lang):
    """What the student passed, by its own type ("a float", "a Tensor of shape
    (3,)"), before :func:`plain` turns numbers into arrays."""
    from ..engine.tensor import Tensor

    if obj is None:
        return "None"
    if isinstance(obj, tuple):
        return msg("tuple_of", lang, n=len(obj))
    name = {"ndarray": "numpy array"}.get(type(obj).__name__, type(obj).__name__)
    if isinstance(obj, (Tensor, np.ndarray)):
        return msg("kind_shaped", lang, type=name, shape=tuple(obj.shape))
    return msg("kind_an" if name[:1].lower() in "aeiou" else "kind_a", lang, type=name)


SHOW_THRESHOLD = 12  # longer arrays are shown cut short: their first and last entries
EDGE_ITEMS = 3
AROUND = 2  # entries shown on each side of a blamed one


def show(value, around=None, name=""):
    """A short printable form of a plain value (numbers to 4 digits).

    An array longer than :data:`SHOW_THRESHOLD` shows only its ends; with
    ``around`` (the index a message blames: :func:`blamed`) a
    second line shows the entries around that index, as a slice of ``name``
    (``x[7:12] = [...]``), so the entry the message names is on screen."""
    if isinstance(value, tuple):
        return "(" + ", ".join(show(v) for v in value) + ")"
    if isinstance(value, NonNumeric):
        return value.text
    if isinstance(value, np.ndarray) or np.isscalar(value):
        arr = np.asarray(value)
        if arr.dtype.kind in "biuf":
            text = _array_text(arr)
            window = _window(arr, around)
            if window is not None and arr.size > SHOW_THRESHOLD and not _on_show(arr, around):
                where, part = window
                text += f"\n{name}[{where}] = {_array_text(part)}"
            return text
    return _short(repr(value))


def _array_text(arr):
    return np.array2string(
        arr,
        precision=4,
        threshold=SHOW_THRESHOLD,
        edgeitems=EDGE_ITEMS,
        suppress_small=True,
        max_line_width=100,
    )


def _on_show(arr, index):
    """Whether entry ``index`` of a 1-d array is among the ends shown anyway."""
    if arr.ndim != 1:
        return False
    k = int(np.atleast_1d(index)[0])
    return k < EDGE_ITEMS or k >= arr.shape[0] - EDGE_ITEMS


def _window(arr, index):
    """(slice text, entries) of ``arr`` around ``index`` along its last axis,
    or None when ``index`` does not point into ``arr``."""
    if index is None or arr.ndim == 0:
        return None
    index = tuple(int(i) for i in np.atleast_1d(index))
    if len(index) != arr.ndim or any(not 0 <= i < n for i, n in zip(index, arr.shape)):
        return None
    *lead, k = index
    lo, hi = max(0, k - AROUND), min(arr.shape[-1], k + AROUND + 1)
    where = ", ".join([str(i) for i in lead] + [f"{lo}:{hi}"])
    return where, arr[(*lead, slice(lo, hi))]


class Mismatch(str):
    """A comparison's message that blames one entry: ``at`` (its index, a
    tuple; None for a 0-d value), so the entries around it can be shown."""

    at = None


def blamed(message):
    """The index a comparison's message blames (None if it blames no entry)."""
    return message.at if isinstance(message, Mismatch) else None


def _blaming(text, index):
    out = Mismatch(text)
    out.at = index
    return out


# ------------------------------------------------------------------ comparing


def compare(got, expected, *, rtol=1e-6, atol=1e-8, lang=None):
    """None when ``got`` matches ``expected`` (plain values), else the message.

    The order of the checks is the order a student debugs in: nothing came
    back, something that is not a number, the wrong structure or shape, nan,
    and only then a wrong number (with the index of the worst element).
    """
    lang = check_lang(lang)
    if got is None:
        return msg("none", lang)
    if isinstance(got, NonNumeric):
        return msg("non_numeric", lang, kind=got.kind, text=got.text)
    if isinstance(expected, tuple):
        if not isinstance(got, tuple) or len(got) != len(expected):
            return msg(
                "structure",
                lang,
                expected=msg("tuple_of", lang, n=len(expected)),
                got=kind_of(got, lang),
            )
        for g, e in zip(got, expected):
            problem = compare(g, e, rtol=rtol, atol=atol, lang=lang)
            if problem:
                return problem
        return None
    if isinstance(got, tuple):
        return msg("structure", lang, expected=msg("one_value", lang), got=kind_of(got, lang))
    rtol, atol = _precision_tolerance(np.asarray(got).dtype, rtol, atol)
    got = np.asarray(got, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    if got.shape != expected.shape and not (got.size == expected.size == 1):
        return msg("shape", lang, expected=expected.shape, got=got.shape)
    got = got.reshape(expected.shape)
    for test, key in ((np.isnan, "nan"), (np.isinf, "inf")):
        bad = test(got) & ~test(expected)
        if bad.any():
            return _blaming(msg(key, lang, where=_index_text(bad)), _first(bad))
    err = np.abs(got - expected) - (atol + rtol * np.abs(expected))
    err = np.where(np.isnan(err), 0.0, err)
    wrong = err > 0
    if wrong.any():
        # the first wrong entry, in the order a student reads the arrays
        first = _first(wrong)
        at = ""
        if err.ndim:
            index = first if len(first) != 1 else first[0]
            n = int(wrong.sum())
            at = (
                msg("at_index", lang, index=index)
                if n == 1
                else (msg("at_first_index", lang, index=index, n=n))
            )
        where = first or ()
        return _blaming(
            msg(
                "wrong_value",
                lang,
                at=at,
                expected=f"{expected[where]:.6g}",
                got=f"{got[where]:.6g}",
                tol=msg("tolerance", lang, atol=f"{atol:g}", rtol=f"{rtol:g}"),
            ),
            first,
        )
    return None


def _first(mask):
    """Index (a tuple) of the first true entry of ``mask``; None for a 0-d mask."""
    if mask.ndim == 0:
        return None
    return tuple(int(i) for i in np.argwhere(mask)[0])


# A float32 answer (TensorFlow's and JAX's default) cannot agree with a
# float64 reference to 1e-6 everywhere: a derivative with cancellation loses
# digits.  It is judged at its own precision instead.
_LOW_PRECISION = {4: (1e-4, 1e-5), 2: (1e-2, 1e-3)}  # itemsize -> (rtol, atol)


def _precision_tolerance(dtype, rtol, atol):
    if dtype.kind == "f" and dtype.itemsize in _LOW_PRECISION:
        low_rtol, low_atol = _LOW_PRECISION[dtype.itemsize]
        return max(rtol, low_rtol), max(atol, low_atol)
    return rtol, atol


def _index_text(mask):
    idx = np.argwhere(mask)
    if mask.ndim == 0:
        return "()"
    first = tuple(int(i) for i in idx[0])
    return str(first[0] if len(first) == 1 else first) + (
        f" (+{len(idx) - 1})" if len(idx) > 1 else ""
    )


# ------------------------------------------------------------------ results


@dataclass
class Result:
    """The verdict of one ``check``: truthy only on a pass.

    ``message`` is the one-line reason for a failure; ``case`` holds the
    failing case's ``inputs``, ``expected`` and ``got`` as text; ``notes``
    are remarks shown on a pass too (e.g. how big the second graph was).
    """

    passed: bool
    title: str
    lang: str
    message: str = ""
    case: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    hint: str | None = None
    printed: str = ""
    # HTML we made ourselves (e.g. two graphs side by side), shown in the
    # notebook under the message; never the student's text unescaped
    figure: str = ""

    def __bool__(self):
        return self.passed

    def _verdict(self):
        return msg("passed" if self.passed else "failed", self.lang)

    def __str__(self):
        mark = "✓" if self.passed else "✗"
        lines = [f"{mark} {self.title}: {self._verdict()}"]
        if self.message:
            lines.append(self.message)
        for label, key in (
            ("case", None),
            ("inputs", "input"),
            ("expected", "expected"),
            ("got", "got"),
        ):
            if label in self.case:
                # continuation lines (a program listing) stay under the first
                body = str(self.case[label]).replace("\n", "\n    ")
                name = body if key is None else f"  {msg(key, self.lang)}: {body}"
                lines.append(name)
        lines.extend(self.notes)
        if self.printed:
            lines.append(f"{msg('printed', self.lang)}:\n{self.printed.rstrip()}")
        if self.hint and not self.passed:
            lines.append(f"{msg('hint', self.lang)}: {self.hint}")
        if self.figure:
            lines.append(msg("figure_note", self.lang))
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self):
        e = html.escape
        # the verdict's colour is the border and a faint tint of it; every text
        # takes the page's own colour, so the box reads on JupyterLab Light and
        # Dark alike (a fixed pale background under the theme's white text did not)
        colour, tint, mark = (
            ("#1a7f37", "rgba(26, 127, 55, 0.12)", "✓")
            if self.passed
            else ("#cf222e", "rgba(207, 34, 46, 0.12)", "✗")
        )
        mono = font_style(mono=True)
        parts = [
            f'<div class="av-result" style="border-left:4px solid {colour};'
            f'background-color:{tint};padding:6px 10px;margin:4px 0;color:inherit;{font_style()}">',
            f"<b>{mark} {e(self.title)}: {e(self._verdict())}</b>",
        ]
        if self.message:
            parts.append(f'<div style="white-space:pre-line">{e(self.message)}</div>')
        rows = [
            (msg(k, self.lang), self.case[c])
            for c, k in (("inputs", "input"), ("expected", "expected"), ("got", "got"))
            if c in self.case
        ]
        if rows:
            parts.append(
                f"<div><i>{e(self.case.get('case', ''))}</i></div>"
                '<table style="border-collapse:collapse">'
                + "".join(
                    f'<tr><td style="padding-right:8px;vertical-align:top">{e(a)}</td>'
                    # pre-wrap: arrays keep their lines, a long message (an error
                    # the student's code raised) wraps inside the box
                    f'<td style="text-align:left"><pre class="avz-mono" '
                    f'style="margin:0;white-space:pre-wrap;overflow-wrap:anywhere;{mono}">'
                    f"{e(b)}</pre></td></tr>"
                    for a, b in rows
                )
                + "</table>"
            )
        for note in self.notes:
            parts.append(f'<div style="font-style:italic">{e(note)}</div>')
        if self.printed:
            parts.append(
                f"<div>{e(msg('printed', self.lang))}:</div>"
                f'<pre class="avz-mono" style="margin:0;{mono}">{e(self.printed)}</pre>'
            )
        if self.hint and not self.passed:
            parts.append(f"<div><b>{e(msg('hint', self.lang))}:</b> {e(self.hint)}</div>")
        if self.figure:
            parts.append(f'<div style="margin-top:6px">{self.figure}</div>')
        parts.append("</div>")
        return "".join(parts)


def grading():
    """True when running under nbgrader's autograder (it sets NBGRADER_EXECUTION)."""
    return bool(os.environ.get("NBGRADER_EXECUTION"))


# ------------------------------------------------------------------ the exercise


class Failure(Exception):
    """Raised inside a check to stop at the first problem (never leaves check())."""

    def __init__(self, message, case=None, figure="", at=None):
        super().__init__(message)
        self.message = message
        self.case = case or {}
        self.figure = figure
        # the entry the message blames (Mismatch.index): the inputs are shown around it too
        self.at = blamed(message) if at is None else at


class Context:
    """What a custom ``check`` function gets: the language, the tolerance, a
    ready-made ``compare`` and ``note`` for remarks shown with the result."""

    def __init__(self, exercise, lang):
        self.exercise = exercise
        self.lang = lang
        self.rtol = exercise.tolerance
        self.atol = exercise.atol
        self.notes = []
        self.printed = []
        self.printed_chars = 0
        self.printed_dropped = 0
        self.cases_run = 0

    def msg(self, key, **fields):
        return msg(key, self.lang, **fields)

    def compare(self, got, expected, *, rtol=None, atol=None):
        return compare(
            got,
            expected,
            rtol=self.rtol if rtol is None else rtol,
            atol=self.atol if atol is None else atol,
            lang=self.lang,
        )

    def note(self, text):
        self.notes.append(text)

    def run(self, task, args=()):
        """Run ``task(*args)`` (code that calls the student's) under the time
        limit; return its value or raise :class:`Failure` saying what went wrong."""
        ex = self.exercise
        outcome = runner.run(
            task, args, ex.time_limit, isolate=ex.isolate, memory_limit=ex.memory_limit
        )
        self.add_printed(outcome)
        if outcome.ok:
            return outcome.value
        raise Failure(outcome_message(outcome, self.exercise.time_limit, self.lang))

    def add_printed(self, outcome):
        """Keep what one run printed, up to runner.PRINT_LIMIT characters over
        the whole check (each case prints again); count the rest."""
        text = outcome.printed or ""
        kept = text[: max(runner.PRINT_LIMIT - self.printed_chars, 0)]
        if kept:
            self.printed.append(kept)
            self.printed_chars += len(kept)
        self.printed_dropped += outcome.printed_dropped + len(text) - len(kept)

    def printed_text(self):
        """What the student's code printed, with a note on what was cut."""
        text = "".join(self.printed)
        if self.printed_dropped:
            text = text.rstrip("\n") + "\n" + self.msg("printed_more", n=self.printed_dropped)
        return text


def outcome_message(outcome, time_limit, lang):
    """The student-facing sentence for a run that did not return."""
    if outcome.status == "timeout":
        return msg("timeout", lang, limit=time_limit)
    if outcome.status == "raised":
        text = msg("raised", lang, etype=outcome.etype, emsg=outcome.emessage)
        if outcome.where:
            text += " " + msg("where", lang, line=outcome.where[0], code=outcome.where[1])
        return text
    if outcome.status == "memory":
        return msg("memory", lang, memory=outcome.extra["memory_limit"])
    if outcome.status == "unpicklable":
        return msg("unpicklable", lang, kind=outcome.emessage)
    return msg("crashed", lang, how=outcome.emessage)


def _default_call(answer, *args):
    return plain(answer(*args))


class Exercise:
    """One exercise, stated once.

    Parameters
    ----------
    title : str or {"en": ..., "vi": ...}
        Shown on every result.
    reference : callable or value
        With ``inputs``: ``reference(*args)`` returns the expected value for
        those arguments (numpy in, numpy out; a tuple for several values).
        Without ``inputs``: the expected value itself (the answer is then a
        value, not a function).
    inputs : callable, or list of callables
        ``inputs(rng)`` draws one case's arguments (a tuple) from a numpy
        ``Generator`` seeded afresh from the OS at every check, so a
        hard-coded answer fails.  With a list, case i uses ``inputs[i % len]``
        (e.g. one draws vectors, one matrices).
    cases : int
        How many random cases each check runs (it stops at the first failure).
    call : callable, optional
        ``call(answer, *args)`` runs in the time-limited child process and
        returns plain (picklable) data; default: ``plain(answer(*args))``.
        Arguments reach it as ``av.Tensor`` (no gradient) when
        ``as_tensors`` is true, else as numpy.  Use it to look at more than
        the return value, e.g. the graph the student recorded.
    check : callable, optional
        ``check(got, expected, args, ctx)`` returns None for a pass or the
        failure message; ``ctx`` (:class:`Context`) has ``compare``, ``msg``,
        ``note``, ``lang`` and the tolerances.  Default: ``ctx.compare``.
    tolerance, atol : float
        Relative and absolute tolerance of the default comparison.
    time_limit : float
        Seconds each case may run before it is stopped.
    memory_limit : int, optional
        Bytes each case may allocate before it is stopped (default
        ``runner.MEMORY_LIMIT``, 1 GiB; enforced on Linux).
    hints : str or {"en": ..., "vi": ...}
        Shown with a failure, and by :meth:`hint`.
    prompt : str or {"en": ..., "vi": ...}
        The task, shown by ``repr(exercise)``.
    arg_names : tuple of str
        How the inputs are labelled in a failure report.
    isolate : bool, optional
        Force (True) or forbid (False) the child process; default: a child
        where the OS has fork.
    call_gets_lang : bool
        Pass ``lang=`` (the check's language) to ``call`` too, for a call that
        draws or words something in the child process.
    """

    def __init__(
        self,
        title,
        *,
        reference=None,
        inputs=None,
        cases=4,
        call=None,
        check=None,
        tolerance=1e-6,
        atol=1e-8,
        time_limit=5.0,
        memory_limit=None,
        hints=None,
        prompt=None,
        arg_names=None,
        as_tensors=True,
        isolate=None,
        call_gets_lang=False,
    ):
        if inputs is not None and not callable(inputs):
            inputs = list(inputs)
            if not inputs or not all(callable(g) for g in inputs):
                raise TypeError(
                    "inputs must be a function rng -> tuple of arguments, "
                    "or a list of such functions"
                )
        self.title = title
        self.reference = reference
        self.inputs = [inputs] if callable(inputs) else inputs
        self.cases = int(cases)
        self.call = call or _default_call
        self._check = check
        self.tolerance = float(tolerance)
        self.atol = float(atol)
        self.time_limit = float(time_limit)
        self.memory_limit = None if memory_limit is None else int(memory_limit)
        self.hints = hints
        self.prompt = prompt
        self.arg_names = arg_names
        self.as_tensors = as_tensors
        self.isolate = isolate
        self.call_gets_lang = call_gets_lang

    # -- what the student calls -------------------------------------------
    def check(self, answer, *, lang=None, raise_on_fail=None):
        """Check ``answer`` and return a :class:`Result` (truthy only on a pass).

        ``lang`` overrides the notebook-wide :func:`set_lang` for this call.
        A failure raises ``AssertionError`` (same text) when
        ``raise_on_fail`` is true, or when it is None and the notebook runs
        under nbgrader's autograder.
        """
        lang = check_lang(lang)
        ctx = Context(self, lang)
        try:
            # the student's code runs in the check's language, so an error it
            # raises reads like the message around it
            with using_lang(lang):
                self._evaluate(answer, ctx)
            if ctx.cases_run:
                ctx.notes.insert(
                    0,
                    msg(
                        "cases_passed" if self.reference is not None else "cases_passed_checks",
                        lang,
                        n=ctx.cases_run,
                    ),
                )
            result = Result(True, self.title_in(lang), lang, notes=ctx.notes)
        except Failure as f:
            result = Result(
                False,
                self.title_in(lang),
                lang,
                message=f.message,
                case=f.case,
                notes=ctx.notes,
                hint=pick(self.hints, lang),
                figure=f.figure,
            )
        result.printed = ctx.printed_text()
        if not result.passed and (raise_on_fail or (raise_on_fail is None and grading())):
            raise AssertionError(str(result))
        return result

    def hint(self, lang=None):
        """The hint, in ``lang`` or the notebook's language."""
        lang = check_lang(lang)
        return pick(self.hints, lang) or msg("no_hint", lang)

    def title_in(self, lang):
        return pick(self.title, lang)

    def __repr__(self):
        lang = check_lang(None)
        text = self.title_in(lang)
        if self.prompt:
            text += "\n" + pick(self.prompt, lang)
        return text

    # -- the work ------------------------------------------------------------
    def _evaluate(self, answer, ctx):
        """Raise :class:`Failure` at the first problem; return on a pass."""
        lang = ctx.lang
        if answer is None:
            raise Failure(msg("answer_none", lang))
        if self.inputs is None:
            if callable(answer):
                raise Failure(msg("need_value", lang))
            expected = self.reference() if callable(self.reference) else self.reference
            got = plain(answer)
            problem = self._judge(got, expected, (), ctx)
            if problem:
                at = blamed(problem)
                raise Failure(
                    problem,
                    {"expected": show(plain(expected), around=at), "got": show(got, around=at)},
                )
            return
        if not callable(answer):
            raise Failure(msg("need_function", lang, kind=kind_of_answer(answer, lang)))
        rng = np.random.default_rng()
        for i in range(self.cases):
            args = tuple(self.inputs[i % len(self.inputs)](rng))
            expected = None if self.reference is None else self.reference(*args)
            case = {
                "case": msg("case_of", lang, i=i + 1, n=self.cases),
                "inputs": self._show_args(args),
            }
            if expected is not None:
                case["expected"] = show(plain(expected))
            try:
                got = ctx.run(_CallInChild(self, answer, lang), args)
                case["got"] = show(got) if not isinstance(got, dict) else case.get("got")
                problem = self._judge(got, expected, args, ctx)
            except Failure as f:
                if f.at is not None:
                    case["inputs"] = self._show_args(args, around=f.at)
                raise Failure(f.message, {**case, **f.case}, f.figure, f.at) from None
            if problem:
                if case.get("got") is None:
                    case.pop("got", None)
                at = blamed(problem)
                if at is not None:  # show the entries around the one the message names
                    case["inputs"] = self._show_args(args, around=at)
                    if expected is not None:
                        case["expected"] = show(plain(expected), around=at)
                    if "got" in case:
                        case["got"] = show(got, around=at)
                raise Failure(problem, case)
        ctx.cases_run = self.cases

    def _judge(self, got, expected, args, ctx):
        if self._check is not None:
            return self._check(got, expected, args, ctx)
        return ctx.compare(got, expected)

    def _show_args(self, args, around=None):
        """``x = [...]``, one per argument; with ``around``, an argument of the
        blamed entry's shape also shows the entries around it (an elementwise
        function's wrong entry comes from the input entry at the same place)."""
        names = self.arg_names or (
            ("x",) if len(args) == 1 else tuple(f"x{i + 1}" for i in range(len(args)))
        )
        return ", ".join(f"{n} = {show(plain(a), around, n)}" for n, a in zip(names, args))


class _CallInChild:
    """The task the runner executes: turn the arguments into tensors, then
    call the exercise's ``call`` with the student's answer."""

    def __init__(self, exercise, answer, lang=None):
        self.exercise, self.answer, self.lang = exercise, answer, lang

    def __call__(self, *args):
        if self.exercise.as_tensors:
            from ..engine.tensor import tensor

            args = tuple(tensor(np.asarray(a, dtype=np.float64)) for a in args)
        if self.exercise.call_gets_lang:
            return self.exercise.call(self.answer, *args, lang=self.lang)
        return self.exercise.call(self.answer, *args)


class Entries(Exercise):
    """An exercise answered with a dict of named values computed by hand, e.g.
    ``{"q": 3, "f": -12, "df_dx": -4}``; every wrong entry is named.

    ``reference()`` returns the expected dict (its order is the order entries
    are reported in).  ``explain(name, got, expected, ctx)`` returns the
    sentence that says where to look for a wrong entry (``got`` and
    ``expected`` are the whole dicts, as numpy values), or None.  ``shapes``
    maps an entry to extra shapes accepted for it (a vector given as a
    column, say); any other shape is wrong.  ``reveal`` shows the expected
    values in a failure (off: the point is to find them by hand).
    """

    def __init__(self, title, *, reference, explain=None, shapes=None, reveal=False, **kw):
        super().__init__(title, reference=reference, **kw)
        self.explain = explain
        self.shapes = shapes or {}
        self.reveal = reveal

    def _evaluate(self, answer, ctx):
        lang = ctx.lang
        if answer is None:
            raise Failure(msg("answer_none", lang))
        expected = {k: np.asarray(plain(v), dtype=np.float64) for k, v in self.reference().items()}
        keys = ", ".join(expected)
        if callable(answer) or not isinstance(answer, dict):
            raise Failure(
                msg("entries_need_dict", lang, keys=keys, kind=kind_of_answer(answer, lang))
            )
        unknown = [str(k) for k in answer if k not in expected]
        if unknown:
            raise Failure(msg("entries_unknown", lang, names=", ".join(unknown), keys=keys))
        missing = [k for k in expected if k not in answer]
        if missing:
            raise Failure(msg("entries_missing", lang, names=", ".join(missing), keys=keys))
        got = {k: plain(answer[k]) for k in expected}
        lines, wrong = [], []
        for name, want in expected.items():
            value = got[name]
            if (
                isinstance(value, np.ndarray)
                and value.shape != want.shape
                and value.shape in self.shapes.get(name, ())
            ):
                value = got[name] = value.reshape(want.shape)
            problem = ctx.compare(value, want)
            if problem is None:
                continue
            if not self.reveal and _same_numeric_shape(value, want):
                problem = msg("entry_not_right", lang, got=show(value))
            wrong.append(name)
            why = self.explain(name, got, expected, ctx) if self.explain else None
            lines.append(
                f"• {name} = {inline(value)}: {why}"
                if why and _same_numeric_shape(value, want)
                else f"• {name}: {problem}"
            )
        if wrong:
            case = {"got": "; ".join(f"{k} = {inline(v)}" for k, v in got.items())}
            if self.reveal:
                case["expected"] = "; ".join(f"{k} = {inline(v)}" for k, v in expected.items())
            head = msg(
                "entries_wrong", lang, n=len(wrong), total=len(expected), names=", ".join(wrong)
            )
            raise Failure("\n".join([head] + lines), case)
        ctx.note(msg("entries_right", lang, n=len(expected)))


def inline(value):
    """A short one-line form: 7, [-4, 2], [[0, 0], [2, 4]]."""
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf" and value.size <= 12:
        text = np.array2string(
            value, separator=", ", formatter={"float_kind": lambda v: f"{v + 0.0:.6g}"}
        )
        return " ".join(text.split())
    return " ".join(show(value).split())


def _same_numeric_shape(value, want):
    """True when ``value`` is numbers in ``want``'s shape (only the numbers are wrong)."""
    if not isinstance(value, np.ndarray):
        return False
    finite = np.isfinite(value).all() if value.dtype.kind == "f" else True
    return finite and (value.shape == want.shape or value.size == want.size == 1)
