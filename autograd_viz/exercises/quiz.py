"""The "fill in the gradients" quiz: a small graph with its gradients hidden
(and, with ``ask_values=True``, its forward values too).

    from autograd_viz.exercises.quiz import GradientQuiz
    GradientQuiz(lang="vi")          # in a notebook: the diagram, one box per node, Check
    ch.manual_tracing.widget()       # (x + y)·z: values and gradients, the exercise's messages

The widget is thin (ipywidgets only): the graph, the right answers and the
hint for every node are computed in Python when the quiz is made.  Without a
kernel, a test sets ``quiz.boxes[name].value`` and calls ``quiz.check()`` (or
clicks through ``quiz.button._click_handlers``), then reads ``quiz.state()``.

The graph is shown by the step-through player (``quiz.player``), themed like
every other step-through; once every box is right it plays the solution: the
forward pass, then the backward pass with the chain rule at each step.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np
import traitlets

from ..render.backend import GraphvizNotFound
from ..render.frames.frame import Frame
from ..render.html import svg_img_html
from ..render.model import substitute
from ..render.style import FONT_CSS, font_style
from .messages import check_lang, msg, pick

RIGHT, WRONG, EMPTY = "right", "wrong", "unchecked"
BLANK = "empty"  # checked, but nothing was typed: asked to fill it in, not marked wrong
_GREEN, _RED, _GREY = "#1a7f37", "#cf222e", "#57606a"
FONT = font_style()  # an inline style declaration


def default_graph(rng):
    """x, y small integers; u = x·y, v = u + x, L = v·y.  Both inputs are used
    twice, so their gradients add two contributions."""
    from ..engine.tensor import tensor

    x = tensor(float(rng.integers(1, 5)), requires_grad=True, name="x")
    y = tensor(float(rng.integers(1, 5)), requires_grad=True, name="y")
    u = x * y
    v = u + x
    L = v * y
    u.name, v.name, L.name = "u", "v", "L"
    return [x, y, u, v], L


class GradientQuiz:
    """One quiz.  ``build(rng) -> (nodes, root)`` makes the computation (scalar
    tensors with ``.name`` set); the default is :func:`default_graph`.

    Attributes: ``nodes`` (names in run order, root last), ``answers``
    ({name: d root / d node}), ``boxes`` ({name: FloatText}), ``button``,
    ``feedback`` ({name: HTML}), ``widget`` (the VBox shown in Jupyter).

    ``ask_values=True`` hides the forward value of every op node (the drawing
    shows them not computed yet) and asks for it in ``value_boxes``
    ({name: FloatText}, feedback in ``value_feedback``).  ``explain(box,
    typed, lang)`` may give the sentence for a wrong box, where ``box`` is
    ``("value", name)`` or ``("grad", name)`` and ``typed`` holds every box's
    number by the same keys; None falls back to the quiz's own hint.
    """

    def __init__(
        self,
        build=None,
        *,
        seed=None,
        lang=None,
        tolerance=1e-6,
        ask_values=False,
        explain=None,
        title=None,
    ):
        self.lang = check_lang(lang)
        self.tolerance = tolerance
        self.ask_values = ask_values
        self.explain = explain
        self.title = title
        rng = np.random.default_rng(seed)
        nodes, root = (build or default_graph)(rng)
        nodes = [n for n in nodes if n is not root] + [root]
        seen = set()
        for n in nodes:
            if not n.name:
                raise ValueError("every node of a quiz needs a name (set t.name = 'u')")
            if n.name in seen:
                raise ValueError(
                    f"two quiz nodes are named {n.name!r}: give every node its "
                    f"own name (each name labels one answer box)"
                )
            seen.add(n.name)
            if np.ndim(n.data) != 0:
                raise ValueError(
                    f"quiz nodes must be scalars: {n.name!r} has shape "
                    f"{tuple(np.shape(n.data))} (sum or index it to one number)"
                )
        self.root_name = root.name
        self._graph = (root, nodes)  # kept for the solution's step-through
        self._solution = None
        self.nodes = [n.name for n in nodes]
        self.values = {n.name: float(np.asarray(n.data)) for n in nodes}
        self.rows = {n.name: self._describe(n) for n in nodes}
        self.asked_values = [n.name for n in nodes if ask_values and n.op is not None]
        # before any backward: no gradients; values of asked nodes not computed yet
        self._root, self._graph_nodes = root, nodes
        self.svg = _diagram_svg(root, nodes, self.lang, hide_ops=ask_values)
        self._stage = "values hidden" if ask_values else "values"
        # the pictures to come, drawn before solving (once the gradients are
        # computed, a drawing shows them): the values, shown when typed right
        self._pictures = {self._stage: self.svg}
        if ask_values and self.svg:
            self._pictures["values"] = _diagram_svg(root, nodes, self.lang)
        self.answers = self._solve(nodes, root)
        self.hints = {n.name: self._hint(n, nodes, root) for n in nodes}
        self._build_widgets()

    # -- the maths, done once ---------------------------------------------------
    def _solve(self, nodes, root):
        from ..engine.functional import gradients

        others = [n for n in nodes if n is not root]
        grads = gradients(root, others, retain_graph=True)
        answers = {
            n.name: float(np.asarray(getattr(g, "data", g))) if g is not None else 0.0
            for n, g in zip(others, grads)
        }
        answers[root.name] = 1.0
        return answers

    def _describe(self, node):
        if node.op is None:
            return f"{node.name} ({msg('quiz_leaf', self.lang)})"
        names = [p.name or _number(p) for p in node.inputs]
        return f"{node.name} = {substitute(node.op.formula, dict(zip('ab', names)))}"

    def _hint(self, node, nodes, root):
        """The chain rule for this node, with the names of the ops that use it."""
        r = self.root_name
        if node is root:
            return msg("quiz_root_hint", self.lang, root=r)
        terms = []
        for user in nodes:
            for position, parent in enumerate(user.inputs):
                if parent is node:
                    names = [p.name or _number(p) for p in user.inputs]
                    rule = substitute(user.op.rules[position], dict(zip("ab", names)))
                    terms.append(
                        f"d{r}/d{user.name} · ∂{user.name}/∂{node.name}"
                        f" = d{r}/d{user.name} · ({rule})"
                    )
        if len(terms) > 1:
            return msg(
                "quiz_sum_hint",
                self.lang,
                node=node.name,
                n=len(terms),
                terms=" + ".join(t.split(" = ", 1)[1] for t in terms),
            )
        return msg(
            "quiz_one_hint", self.lang, root=r, node=node.name, terms=terms[0] if terms else "0"
        )

    # -- the widget ------------------------------------------------------------
    def _build_widgets(self):
        import ipywidgets as w

        L = self.lang
        e = html.escape
        title = pick(self.title, L) or msg("quiz_title", L)
        intro = msg(
            "quiz_intro_values" if self.ask_values else "quiz_intro", L, root=self.root_name
        )
        # the font rule travels with the widget; each piece of our HTML also
        # names the font inline (ipywidgets' HTML boxes set their own)
        header = w.HTML(
            f"<style>{FONT_CSS}</style><h4 style='{FONT}'>{e(title)}</h4>"
            f"<p style='{FONT}'>{e(intro)}</p>"
        )
        self.player = None
        if self.svg:
            from ..render.widget import StepThrough

            # the question: the graph before its backward pass, one still frame
            self.player = StepThrough([_still(self.svg)], lang=L)
            picture = self.player
        else:
            picture = w.HTML(f"<i>{e(msg('quiz_draw_fallback', L))}</i>")
        self.picture = picture
        self.boxes, self.feedback, rows = {}, {}, []
        self.value_boxes, self.value_feedback = {}, {}

        def row(name, description, shown):
            # fixed-width label and box columns, so a long hint in the last
            # column wraps there instead of pushing the box out of line
            value = f"&nbsp; {e(msg('quiz_value', L))} = {self.values[name]:g}" if shown else ""
            label = w.HTML(
                f'<span style="font-size:14px;{FONT}"><b>{e(self.rows[name])}</b> {value}</span>',
                layout=w.Layout(width="260px", flex="0 0 260px"),
            )
            box = NumberBox(
                description=description,
                placeholder="?",
                layout=w.Layout(width="200px", flex="0 0 auto", align_self="flex-start"),
                style={"description_width": "70px"},
            )
            note = w.HTML("", layout=w.Layout(flex="1 1 auto"))
            rows.append(w.HBox([label, box, note], layout=w.Layout(align_items="flex-start")))
            return box, note

        if self.ask_values:
            # the forward pass first, then the backward pass: one box per row,
            # so the widget stays as narrow as the gradient quiz
            rows.append(w.HTML(f"<b style='{FONT}'>{e(msg('quiz_forward_part', L))}</b>"))
            for name in self.asked_values:
                self.value_boxes[name], self.value_feedback[name] = row(name, f"{name} =", False)
            rows.append(w.HTML(f"<b style='{FONT}'>{e(msg('quiz_backward_part', L))}</b>"))
        for name in self.nodes:
            self.boxes[name], self.feedback[name] = row(
                name, f"d{self.root_name}/d{name}", name not in self.asked_values
            )
        self.button = w.Button(description=msg("quiz_check", L), button_style="primary")
        self.button.on_click(lambda _button: self.check())
        self.summary = w.HTML("")
        self.widget = w.VBox([header, picture, *rows, w.HBox([self.button, self.summary])])
        self.widget.add_class("avz-quiz")
        self._state = {name: EMPTY for name in self.nodes}
        self._value_state = {name: EMPTY for name in self.asked_values}

    def check(self):
        """Mark every box right (green) or wrong (red, with its hint); an empty
        box is asked to be filled in (neither right nor wrong, no hint yet).
        Once the forward values are all right the drawing shows them, and
        once every gradient is right, the gradients too."""
        typed = {("grad", n): parse_number(b.value) for n, b in self.boxes.items()}
        typed.update({("value", n): parse_number(b.value) for n, b in self.value_boxes.items()})
        for name in self.asked_values:
            self._value_state[name] = self._mark(
                ("value", name),
                self.values[name],
                typed,
                self.value_boxes[name],
                self.value_feedback[name],
                self._value_hint(name),
            )
        for name in self.nodes:
            self._state[name] = self._mark(
                ("grad", name),
                self.answers[name],
                typed,
                self.boxes[name],
                self.feedback[name],
                self.hints[name],
            )
        marks = list(self._state.values()) + list(self._value_state.values())
        right = sum(s == RIGHT for s in marks)
        self.summary.value = html.escape(msg("quiz_score", self.lang, right=right, n=len(marks)))
        self._show_progress()
        if right == len(marks) and self.player is not None and len(self.player.frames) == 1:
            self.player.load(self.solution_frames())
        return self.state()

    def solution_frames(self):
        """The quiz's graph stepped through: values forward, then the chain rule back."""
        from ..render.frames import build_frames

        if self._solution is None:
            root, nodes = self._graph
            root.backward(retain_graph=True)  # the quiz's own tensors: nobody else reads them
            self._solution = build_frames(root, lang=self.lang, names={n.name: n for n in nodes})
        return self._solution

    def _mark(self, key, want, typed, box, note, hint):
        got = typed[key]
        if got is None:  # nothing typed: say so, and give nothing away
            box.layout.border = f"2px solid {_GREY}"
            text = "… " + msg("quiz_fill_in", self.lang)
            note.value = _note_html(_GREY, text)
            return BLANK
        if isinstance(got, str):  # typed, but not a number
            box.layout.border = f"2px solid {_RED}"
            text = "✗ " + msg("quiz_not_number", self.lang, text=got)
            note.value = _note_html(_RED, text)
            return WRONG
        ok = abs(got - want) <= self.tolerance * max(1.0, abs(want))
        colour = _GREEN if ok else _RED
        box.layout.border = f"2px solid {colour}"
        if ok:
            text = "✓ " + msg("quiz_right", self.lang)
        else:
            numbers = {k: v for k, v in typed.items() if isinstance(v, float)}
            why = self.explain(key, numbers, self.lang) if self.explain else None
            text = "✗ " + (why or hint)
        note.value = _note_html(colour, text)
        return RIGHT if ok else WRONG

    def _show_progress(self):
        """The drawing follows the student: the forward values appear once they
        are all typed right, the gradients once those are all right too."""
        if not self.svg:
            return
        values_done = all(s == RIGHT for s in self._value_state.values())
        grads_done = values_done and all(s == RIGHT for s in self._state.values())
        stage = "gradients" if grads_done else ("values" if values_done else "values hidden")
        if stage == self._stage:
            return
        svg = self._pictures.get(stage)
        if svg is None:  # the gradients: the graph now holds those _solve computed
            svg = self._pictures[stage] = _diagram_svg(self._root, self._graph_nodes, self.lang)
        if svg:
            self.svg = svg
            if self.player is not None and len(self.player.frames) == 1:
                self.player.load([_still(svg)])
        self._stage = stage

    def _value_hint(self, name):
        return msg("quiz_value_hint", self.lang, row=self.rows[name])

    def state(self):
        """{node name: "right" | "wrong" | "empty" | "unchecked"} for the gradient
        boxes ("empty": checked with nothing typed in it)."""
        return dict(self._state)

    def values_state(self):
        """The same for the value boxes (``ask_values=True``)."""
        return dict(self._value_state)

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs) or {}
        # what viewers that draw no widget show (an untrusted notebook, GitHub):
        # the question and its graph as a picture, and how to get the boxes
        e, L = html.escape, self.lang
        title = pick(self.title, L) or msg("quiz_title", L)
        intro = msg(
            "quiz_intro_values" if self.ask_values else "quiz_intro", L, root=self.root_name
        )
        picture = svg_img_html(self.svg, title) if self.svg else ""
        bundle["text/html"] = (
            f"<div class='avz-quiz' style='{FONT}'><h4>{e(title)}</h4><p>{e(intro)}</p>"
            f"{picture}<p><i>{e(msg('quiz_run_to_answer', L))}</i></p></div>"
        )
        return bundle

    def _ipython_display_(self):
        from IPython.display import display

        display(self._repr_mimebundle_(), raw=True)


def _number(t):
    return f"{float(np.asarray(t.data)):g}"


def _note_html(colour, text):
    # the colour marks the note's edge; its text keeps the page's colour, so it
    # reads on light and dark themes (green or red text on dark grey did not)
    return (
        f'<span style="border-left:3px solid {colour};padding-left:6px;'
        f'display:inline-block;{FONT}">{html.escape(text)}</span>'
    )


def _still(svg):
    """One frame that only shows the graph (the question, before the solution plays)."""
    return Frame("forward", "", "", "", svg, "")


class NumberBox(widgets.Text):
    """A box for one number that can also be empty (a FloatText cannot: it
    shows 0, and an untouched box would be marked as the answer 0).  A number
    assigned in Python is kept as its text."""

    value = traitlets.CUnicode("", help="what is typed in the box").tag(sync=True)


def parse_number(text):
    """The number typed in a box; None when it is empty; the text itself when
    it is not a number.  Accepts −2 (a typographic minus) and 2,5 (a decimal
    comma, as Vietnamese writes it)."""
    typed = str(text).strip()
    if not typed:
        return None
    text = typed.replace("\u2212", "-").replace(" ", "")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return typed
    return value if np.isfinite(value) else typed


def _diagram_svg(root, nodes, lang, hide_ops=False):
    """The graph drawn by av.draw, or None (the table of rows then stands in).
    With ``hide_ops`` the op nodes are drawn not computed yet (no values):
    the picture of the forward pass before its first step."""
    try:
        from ..render.draw import draw

        diagram = draw(root, lang=lang, names={n.name: n for n in nodes})
        if not hide_ops:
            return diagram.svg
        from ..render.frames import Painter

        model = diagram.model
        painter = Painter(model, backend=diagram.backend, pending_legend=True)
        return painter.svg(computed={n.id for n in model.nodes if n.kind != "op"})
    except GraphvizNotFound:  # no Graphviz at all: the quiz still works as a table
        return None
