"""What a Vietnamese class reads is Vietnamese, with one word per idea.

The texts: every Vietnamese string of the package (each ``{"en": ..., "vi":
...}`` in its source: diagrams, panels, players, checker messages, hints,
exercise titles), what the renderer and the checkers compose from them for a
few graphs and answers, and the saved Vietnamese notebooks (markdown, code
comments and every output a cell shows).

* No English: every word of running text is Vietnamese, or one of the few
  kept in English (docs/glossary_vi.md, as the Vietnamese D2L keeps them), a
  name (of a framework, a function, a file format) or code (in backticks, an
  identifier, a formula); the framework's own error messages quoted in an
  output are listed below, each with its reason.  A word is English when it
  is written without Vietnamese letters and cannot be a Vietnamese syllable
  (or is one of the English words that can, such as "the").
* One word per idea: no text uses a form docs/glossary_vi.md rules out
  ("lượt truyền ngược" where the glossary has "lượt lan truyền ngược").
"""

from __future__ import annotations

import ast
import html
import re
import sys
import unicodedata
from functools import cache
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[2]
GLOSSARY = REPO / "docs" / "glossary_vi.md"

# ------------------------------------------------------------------ the glossary


@cache
def glossary():
    """([(english, use, [avoided regex, ...]), ...], {word kept in English})."""
    rows, kept, section = [], set(), None
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
        elif section is None and line.startswith("| ") and not line.startswith("| ---"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if cells[0] == "English":
                continue
            patterns = re.findall(r"`([^`]+)`", cells[2])
            rows.append((cells[0], cells[1], patterns))
        elif section and section.startswith("Giữ nguyên") and line.startswith("- "):
            kept.add(line[2:].strip().lower())
    return rows, kept


# ------------------------------------------------------------------ the texts


def _vi_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _vi_strings(v)
    elif isinstance(value, (tuple, list)):
        for v in value:
            yield from _vi_strings(v)


def package_texts():
    """Every Vietnamese string written in the package: the "vi" of each dict
    that has both "en" and "vi"."""
    for path in sorted((REPO / "autograd_viz").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Dict):
                continue
            keys = [k.value if isinstance(k, ast.Constant) else None for k in node.keys]
            if "vi" not in keys or "en" not in keys:
                continue
            value = node.values[keys.index("vi")]
            try:
                value = ast.literal_eval(value)
            except ValueError:
                continue  # built at run time: covered by the rendered texts
            for text in _vi_strings(value):
                yield f"{path.relative_to(REPO)}:{node.lineno}", text


def _strip_html(text):
    text = re.sub(r"<(style|script)\b.*?</\1>", " ", text, flags=re.S)
    text = re.sub(r"<img\b[^>]*>", " ", text)
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def defined_names(nb):
    """The names a notebook's code defines (variables, functions, parameters):
    code, wherever the text shows them (``∂loss/∂loss``)."""
    names = set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        source = "\n".join(
            "" if line.lstrip().startswith(("%", "!")) else line
            for line in cell.source.splitlines()
        )
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
    return frozenset(names)


def notebook_texts():
    for path in sorted((REPO / "notebooks" / "vi").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        code = defined_names(nb)
        for i, cell in enumerate(nb.cells):
            where = f"notebooks/vi/{path.name} cell {i}"
            if cell.cell_type == "markdown":
                yield f"{where} (markdown)", cell.source, code
                continue
            for line in cell.source.splitlines():
                if "#" in line and not line.lstrip().startswith("%"):
                    comment = line[line.index("#") + 1 :]
                    if not re.match(r"\s*(%%|!)", comment):
                        yield f"{where} (comment)", comment, code
            for out in cell.get("outputs", []):
                if out.output_type == "stream":
                    yield f"{where} (printed)", out.text, code
                elif out.output_type == "error":
                    yield f"{where} (error)", f"{out.ename}: {out.evalue}", code
                elif "data" in out:
                    # what a viewer shows: the richest kind (text/plain only
                    # when there is nothing else, as JupyterLab does)
                    data = out.data
                    if "text/html" in data:
                        yield f"{where} (output)", _strip_html(data["text/html"]), code
                    elif "image/svg+xml" in data:
                        yield f"{where} (diagram)", _strip_html(data["image/svg+xml"]), code
                    elif "text/plain" in data and not any(k.startswith("image/") for k in data):
                        yield f"{where} (output)", data["text/plain"], code


def rendered_texts():
    """What the renderer and the checkers compose in Vietnamese for a few
    graphs and answers: frame titles and panels, every word in the pictures,
    a result and the quiz."""
    import autograd_viz as av
    from autograd_viz.exercises import autograd_chapter as ch
    from autograd_viz.exercises import backprop_chapter as bp
    from autograd_viz.exercises.quiz import GradientQuiz

    x = av.tensor(2.0, requires_grad=True, name="x")
    y = av.tensor(3.0, requires_grad=True, name="y")
    L = (x * y + x) * y
    L.backward()
    w = av.tensor([1.0, -2.0, 0.5], requires_grad=True, name="w")
    v = av.tanh(w * 2.0).sum()
    frames = list(av.step_through(L, lang="vi").frames)
    frames += av.step_through(L, mode="forward", wrt=x, lang="vi").frames
    frames += av.compare_modes(
        lambda t: av.sin(t * av.tensor([1.0, 2.0, 3.0])), 0.5, lang="vi"
    ).frames
    frames += av.compare_modes(v, lang="vi").frames
    for k, f in enumerate(frames):
        yield f"frame {k} (title)", f.title
        yield f"frame {k} (panel)", f.text
        yield f"frame {k} (picture)", _strip_html(f.svg)
    yield "diagram", _strip_html(av.draw(L, lang="vi").svg)

    def slope(x):
        x.requires_grad_()
        s = av.sin(x)
        s.sum().backward()
        return s.detach(), x.grad * 2

    yield "ch.ex5 result", str(ch.ex5.check(slope, lang="vi"))
    yield "ch.ex3 hint", ch.ex3.hint("vi")

    sys.path.insert(0, str(REPO / "tests" / "exercises"))
    from mini_engines import AssignNotAdd  # "=" for "+=": a classic mistake, named

    yield "bp.mini_engine result", str(bp.mini_engine.check(AssignNotAdd, lang="vi"))
    quiz = GradientQuiz(seed=1, lang="vi")
    yield "quiz", _strip_html(quiz._repr_mimebundle_()["text/html"])
    quiz.check()
    for name, note in quiz.feedback.items():
        yield f"quiz feedback {name}", _strip_html(note.value)
    yield from error_texts()


def error_texts():
    """Errors as a student meets them with the session in Vietnamese: the
    engine's, each dialect's (ending with the framework's own sentence) and a
    drawing call's."""
    import autograd_viz as av
    import autograd_viz.jax as jax
    import autograd_viz.tf as tf
    import autograd_viz.torch as torch
    from autograd_viz.engine.lang import using_lang
    from autograd_viz.jax import numpy as jnp
    from autograd_viz.mxnet import np as mnp

    def twice(m):
        x = m.arange(3.0, requires_grad=True)
        y = (x * x).sum()
        y.backward()
        y.backward()

    def tape_twice():
        v = tf.Variable(tf.range(3.0))
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(v * v)
        tape.gradient(y, v)
        tape.gradient(y, v)

    cases = {
        "engine: backward twice": lambda: twice(av),
        "engine: shapes": lambda: av.tensor([1.0, 2.0]) + av.tensor([1.0, 2.0, 3.0]),
        "engine: gradcheck": lambda: av.gradcheck(lambda t: t.detach() * t, av.tensor([1.0])),
        "torch: backward twice": lambda: twice(torch),
        "torch: vector backward": lambda: (torch.ones(3, requires_grad=True) * 2).backward(),
        "tf: tape asked twice": tape_twice,
        "mxnet: nothing recorded": lambda: (mnp.arange(3.0) * 2).backward(),
        "jax: vector grad": lambda: jax.grad(jnp.sin)(jnp.arange(3.0)),
        "jax: x.grad": lambda: jnp.arange(3.0).grad,
        "draw: bad argument": lambda: av.draw(av.tensor(1.0), 2.0, 3.0),
    }
    with using_lang("vi"):
        for where, raise_it in cases.items():
            try:
                raise_it()
            except Exception as e:  # what the student reads
                yield f"error ({where})", f"{type(e).__name__}: {e}"
            else:
                raise AssertionError(f"{where}: no error")


@cache
def all_texts():
    """[(where, text, names its code defines)]."""
    plain = [(w, t, frozenset()) for w, t in [*package_texts(), *rendered_texts()]]
    return plain + list(notebook_texts())


# ------------------------------------------------------------------ prose


def prose(text):
    """The running text of ``text``: code, formulas, identifiers, numbers,
    format fields and quoted values set aside; white space collapsed."""
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = re.sub(r"`[^`\n]*`", " ", text)
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)
    text = re.sub(r"\$[^$\n]*\$", " ", text)
    text = re.sub(r"https?://\S+", " ", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<[^<>\n]+>", " ", text)  # HTML tags in markdown (<details>)
    text = re.sub(r"\{[\w.!:]*\}", " ", text)  # format fields
    text = re.sub(r"'[^'\n]{0,60}'", " ", text)  # quoted names and values
    text = re.sub(r"\b\w+(?:[._]\w+)+(?:\(\))?", " ", text)  # x.grad, np.sin, autograd_viz
    text = re.sub(r"(?<![\w.])\.\w+", " ", text)  # .data, .jacobians
    text = re.sub(r"\b\w+\([^()\n]*\)", " ", text)  # calls and formulas: sin(x), f(x, y)
    text = re.sub(r"\b\w+=\S*", " ", text)  # keyword arguments
    # an English term glossed in parentheses after its Vietnamese word, as
    # the Vietnamese D2L does: "lan truyền (broadcasting)"
    text = re.sub(r"\((\*?)[A-Za-z][A-Za-z -]{0,40}\1\)", " ", text)
    return " ".join(text.split())


_INITIAL = "(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|g|h|k|l|m|n|p|r|s|t|v|x)?"
_SYLLABLE = re.compile(f"^{_INITIAL}[aeiouy]{{1,3}}(ch|nh|ng|c|m|n|p|t)?$")
# English words that happen to be spelt like a Vietnamese syllable
_ENGLISH_SYLLABLES = {"the", "it", "at", "on", "be", "not", "but", "you", "can", "per"}


def _could_be_vietnamese(word):
    word = word.lower()
    return word not in _ENGLISH_SYLLABLES and bool(_SYLLABLE.match(word))


# Reviewed: names (of frameworks, tools, functions, formats) and code written
# bare in running text.  Vietnamese keeps them as they are.
# fmt: off
NAMES = {
    # frameworks, tools, people, formats, units
    "pytorch", "tensorflow", "mxnet", "jax", "numpy", "python", "jupyter", "jupyterlab",
    "colab", "nbgrader", "graphviz", "chromium", "google", "slides", "github", "hips",
    "micrograd", "autograd", "html", "svg", "png", "kib", "mib", "cpu", "gpu", "newton",
    "taylor", "jacobi", "hessian", "relu", "sigmoid", "softplus", "tanh", "sin", "cos",
    "exp", "log", "sqrt", "abs", "max", "min", "sum", "mean", "norm", "dot", "matmul",
    "jvp", "vjp", "jacfwd", "jacrev", "vmap", "jit", "grad", "d2l",
    # code written bare: keywords, types, methods and arguments the text names
    "none", "true", "false", "with", "while", "return", "import", "backward", "detach",
    "persistent", "dict", "tuple", "float", "int", "inf", "nan", "value", "torch", "tf",
    "np", "av", "ch", "bp", "lang", "assert", "traceback",
    # keys of the keyboard, as they are printed on it
    "space", "home", "end", "shift", "enter", "esc",
}
# fmt: on
# the framework's and Python's own messages, quoted as they are (a student
# searches for them), in outputs of the saved notebooks
QUOTED = [
    # Python's message when a recursive backward runs out of stack (bp.mini_engine)
    "maximum recursion depth exceeded while calling a Python object",
    "maximum recursion depth exceeded",
    # JupyterLab's menu item, as the (English) menu shows it
    "Run All Cells",
    # nbgrader's own names for its cell kinds and buttons, as its interface shows them
    "Create Assignment",
    "Autograded answer",
    "Solution",
    "Autograder tests",
    "autograded",
]


@cache
def framework_quotes():
    """{framework: [pattern, ...]}: the real frameworks' own sentences our
    Vietnamese errors end with, as ``(PyTorch: ...)``, one pattern per quote of
    the package's catalogues (its fields may hold anything), each reviewed
    where it is written."""
    from autograd_viz import _dialect_messages, i18n
    from autograd_viz.engine import messages

    catalogues = [messages.MESSAGES, i18n.MESSAGES]
    catalogues += [c for c in vars(_dialect_messages).values() if isinstance(c, messages.Catalogue)]
    patterns = {}
    for catalogue in catalogues:
        for key in catalogue.entries:
            entry, framework = catalogue.entry(key)
            if entry.get("quote") is None:
                continue
            parts = re.split(r"\{\w*\}", entry["quote"].replace("{{}}", "{}"))
            body = ".+".join(re.escape(p.replace("{{", "{").replace("}}", "}")) for p in parts)
            patterns.setdefault(framework, set()).add(re.compile(body, re.S))
    return patterns


def without_framework_quotes(text):
    """``text`` with each ``(Framework: sentence)`` whose sentence is one of the
    catalogues' quotes taken out; the quote ends at the parenthesis that
    balances its opening one (framework sentences have parentheses of their own)."""
    quotes = framework_quotes()
    out, start = [], 0
    for m in re.finditer(r"\((" + "|".join(map(re.escape, quotes)) + r"): ", text):
        if m.start() < start:
            continue
        depth, end = 1, m.end()
        while end < len(text) and depth:
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            end += 1
        inside = text[m.end() : end - 1]
        if not depth and any(p.fullmatch(inside) for p in quotes[m.group(1)]):
            out.append(text[start : m.start()])
            start = end
    return "".join(out) + text[start:]


# Vietnamese words borrowed whole, written as one word
LOANWORDS = {"logarit", "logic", "web", "online", "email"}
_DERIVATIVE_NAME = re.compile(r"^d[a-zA-Z]{1,2}$")  # dx, dh, dW: names of gradients


def english_words(text, code=frozenset()):
    """The English words of ``text``'s running text, in order (``code``: names
    the surrounding code defines, which the text may show bare)."""
    for quote in QUOTED:
        text = text.replace(quote, " ")
    text = without_framework_quotes(text)
    _, kept = glossary()
    found = []
    for word in re.findall(r"[^\W\d_]+", prose(text)):
        if len(word) < 2 or not word.isascii() or word in code:
            continue
        low = word.lower()
        if low in kept or low in NAMES or low in LOANWORDS or _DERIVATIVE_NAME.match(word):
            continue
        if re.search(r"[a-z][A-Z]", word):  # CamelCase: a class or product name
            continue
        if word.isupper() and len(word) <= 5:  # an acronym or a matrix name
            continue
        if not _could_be_vietnamese(word):
            found.append(word)
    return found


# ------------------------------------------------------------------ the tests


def test_the_glossary_is_read():
    rows, kept = glossary()
    assert len(rows) >= 15 and {"gradient", "tensor"} <= kept
    uses = " ".join(use for _, use, _ in rows)
    for term in ("lan truyền ngược", "đồ thị tính toán", "gradient", "quy tắc dây chuyền"):
        assert term in uses
    for _, _, patterns in rows:
        for p in patterns:
            re.compile(p)


def test_the_checker_finds_english_and_lets_vietnamese_code_and_names_pass():
    assert english_words("# dy has a history of its own") == ["has", "history", "of", "its", "own"]
    assert english_words("26 frames") == ["frames"]
    assert english_words("(sai số cho phép 1e-08 + 1e-06·|expected|)") == ["expected"]
    assert english_words("Quy tắc dây chuyền: 3 × 2 = 6, gradient của `x.grad` trong PyTorch") == []
    assert english_words("gọi y.backward(create_graph=True) rồi lấy x.grad") == []
    assert english_words("the norm is a single number") == ["the", "is", "single", "number"]
    # the framework's own sentence, quoted as a catalogue quotes it, is set aside
    quoted = "không giải phóng (PyTorch: Trying to backward (or freed). Saved values.) rồi"
    assert english_words(quoted) == []
    # (PyTorch's relayed errors, "{error}", take any sentence; TensorFlow's do not)
    assert english_words("không (TensorFlow: something nobody quoted)") == [
        "something",
        "nobody",
        "quoted",
    ]


@pytest.mark.slow
def test_no_english_in_what_a_vietnamese_class_reads():
    problems = []
    for where, text, code in all_texts():
        words = english_words(text, code)
        if words:
            problems.append(f"{where}: {' '.join(dict.fromkeys(words))}  ← {prose(text)[:100]!r}")
    assert not problems, f"{len(problems)} Vietnamese texts hold English:\n" + "\n".join(problems)


@pytest.mark.slow
def test_every_vietnamese_text_uses_the_glossarys_words():
    rows, _ = glossary()
    problems = []
    for where, text, _ in all_texts():
        body = prose(text).lower()
        for english, use, patterns in rows:
            for p in patterns:
                m = re.search(p, body)
                if m:
                    context = body[max(0, m.start() - 30) : m.end() + 30]
                    problems.append(
                        f"{where}: {m.group(0)!r} for {english!r}, use {use!r}: …{context}…"
                    )
    assert not problems, "\n".join(problems)

    # a number, a shape or a variable never counts as a word
    assert english_words("kích thước (3,) và 1e-08, x0 = [1, 2], 0.5") == []
