"""Errors in the user's language: every catalogue complete in English and
Vietnamese, no error worded outside a catalogue, and a representative error of
the engine and of each dialect raised under ``set_lang("vi")`` that reads
Vietnamese and ends with the real framework's own sentence (produced by the
real PyTorch and JAX where they are installed), with its type unchanged."""

from __future__ import annotations

import ast
import importlib.util
import re
import string
from pathlib import Path

import numpy as np
import pytest

import autograd_viz as av
from autograd_viz import i18n
from autograd_viz._dialect_messages import DIALECT, JAX, MXNET, TF, TORCH
from autograd_viz.engine.lang import using_lang
from autograd_viz.engine.messages import MESSAGES, in_language

PACKAGE = Path(av.__file__).resolve().parent
TESTS = Path(__file__).resolve().parents[1]

CATALOGUES = {
    "engine": MESSAGES,
    "dialects": DIALECT,
    "torch": TORCH,
    "tf": TF,
    "mxnet": MXNET,
    "jax": JAX,
    "drawing": i18n.MESSAGES,
}


def _vi_text_checks():
    """tests/notebooks/test_vietnamese_text.py: its English-word finder and glossary."""
    path = TESTS / "notebooks" / "test_vietnamese_text.py"
    spec = importlib.util.spec_from_file_location("_vi_text", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


VI = _vi_text_checks()


def _fields(template):
    return {name for _, name, _, _ in string.Formatter().parse(template or "") if name}


def _sample(entry):
    """A value for every field the entry's templates use (code-like, no words)."""
    names = set().union(*(_fields(entry.get(k)) for k in ("en", "vi", "quote"))) - {"quote"}
    return {name: "x" for name in names}


@pytest.fixture
def vietnamese():
    before = av.get_lang()
    av.set_lang("vi")
    yield
    av.set_lang(before)


# ------------------------------------------------------------------ the catalogues


@pytest.mark.parametrize("name", CATALOGUES)
def test_every_message_has_both_languages_showing_the_same_values(name):
    catalogue = CATALOGUES[name]
    for key, own in catalogue.entries.items():
        entry, framework = catalogue.entry(key)
        en, vi, quote = entry["en"], entry["vi"], entry.get("quote")
        assert en.strip() and vi.strip(), key
        if "en" not in own:  # only the framework's sentence, on words said elsewhere
            assert set(own) <= {"quote", "framework", "as"} and "quote" in own, key
            assert own.get("as", key) in (
                catalogue.entries if "as" in own else catalogue.parent.keys()
            )
        if quote is None:
            assert "{quote}" not in en, f"{name}.{key}: English places a quote it lacks"
            assert _fields(en) == _fields(vi), f"{name}.{key}"
            continue
        assert framework, f"{name}.{key}: a quote must name whose sentence it is"
        assert "{quote}" not in vi, f"{name}.{key}: Vietnamese gets the quote at its end"
        # the framework's own English: no Vietnamese letter, and no invented words
        assert quote.isascii(), f"{name}.{key}: {quote!r}"
        # what either language shows, the other shows too (in our words or in the quote)
        en_shows = _fields(en) - {"quote"} | (_fields(quote) if "{quote}" in en else set())
        vi_shows = _fields(vi) | _fields(quote)
        assert en_shows <= vi_shows, f"{name}.{key}: Vietnamese leaves out {en_shows - vi_shows}"
        if en != "{quote}":  # (English that is the quote alone leaves our context to vi)
            assert _fields(vi) <= _fields(en) | _fields(quote), f"{name}.{key}"


@pytest.mark.parametrize("name", CATALOGUES)
def test_the_vietnamese_of_every_message_holds_no_english_but_the_quote(name):
    catalogue = CATALOGUES[name]
    problems = []
    for key in catalogue.entries:
        entry, framework = catalogue.entry(key)
        text = catalogue.text(key, "vi", **_sample(entry))
        quote = entry.get("quote")
        if quote is not None:
            tail = f" ({framework}: {quote.format(**_sample(entry))})"
            assert text.endswith(tail), f"{name}.{key}: {text!r}"
            text = text[: -len(tail)]
        words = VI.english_words(text)
        if words:
            problems.append(f"{name}.{key}: {words} in {text!r}")
        rows, _ = VI.glossary()
        for english, use, patterns in rows:
            for p in patterns:
                if re.search(p, VI.prose(text).lower()):
                    problems.append(f"{name}.{key}: {p!r} for {english!r}, use {use!r}")
    assert not problems, "\n".join(problems)


def test_english_reads_the_framework_sentence_first_where_it_did():
    torch_entry, _ = TORCH.entry("backward_nonscalar")
    text = TORCH.text("backward_nonscalar", "en", shape=(3,))
    assert text.startswith(torch_entry["quote"] + ". This tensor has shape (3,)")
    # and a quote-only override leaves the English as the engine words it
    assert TORCH.text("freed_graph", "en") == MESSAGES.text("freed_graph", "en")


def _source_without_catalogues():
    """The package's code with the catalogues' own tables taken out."""
    parts = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for node in ast.parse(text).body:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
                func = node.value.func
                if isinstance(func, ast.Name) and func.id == "Catalogue":
                    lines[node.lineno - 1 : node.end_lineno] = [""] * (
                        node.end_lineno - node.lineno + 1
                    )
        parts.append("\n".join(lines))
    return "\n".join(parts)


def test_every_message_key_is_said_somewhere():
    source = _source_without_catalogues()
    prefixes = re.findall(r"""f["']([a-z][a-z0-9_]*_)\{""", source)  # f"what_{kind}"
    unused = [
        f"{name}.{key}"
        for name, catalogue in CATALOGUES.items()
        for key in catalogue.entries
        if f'"{key}"' not in source and not any(key.startswith(p) for p in prefixes)
    ]
    assert not unused, f"keys nothing says (delete them): {unused}"


# ------------------------------------------------------------------ no words outside a catalogue

# Errors worded in place, each for a reason: they speak to whoever extends the
# package (a primitive declared wrong, a dialect's table), or are Python's or
# a library's own words, or say one thing in both languages.
REVIEWED = {
    ("engine/ops.py", "one rule text per input"): "declaring a primitive",
    ("engine/ops.py", "forward mode needs the op"): "declaring a primitive",
    ("engine/ops.py", "declared twice"): "declaring a primitive",
    ("engine/tensor.py", "declares function="): "declaring a primitive",
    ("engine/lang.py", "lang must be one of"): "said in both languages: which is unknown",
    ("_dialect.py", "Provided(...) needs"): "a dialect's table of names",
    ("_dialect.py", "NotProvided(...) needs"): "a dialect's table of names",
    ("_dialect.py", "has no attribute"): "Python's words, for dunders copy and pickle probe",
    ("description/graph.py", "cannot run another backward"): "every producer implements it",
    ("description/graph.py", "cannot run forward mode"): "every producer implements it",
}

CHECKED = ("engine", "torch.py", "tf.py", "mxnet.py", "_dialect.py", "jax", "description")
CHECKED += ("frameworks", "render", "tabs.py", "i18n.py")


def _worded_raises(path):
    """(line, text) of each exception made in ``path`` from a written sentence."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func.attr if isinstance(node.func, ast.Attribute) else node.func
        name = func if isinstance(func, str) else getattr(func, "id", "")
        if not (name.endswith(("Error", "Exception", "Exceeded", "NotFound")) or name == "warn"):
            continue
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            text = first.value
        elif isinstance(first, (ast.JoinedStr, ast.BinOp)):
            text = ast.unparse(first)
        else:
            continue
        if " " in text:
            yield node.lineno, text


def test_no_error_is_worded_outside_a_catalogue():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel.split("/")[0] not in CHECKED:
            continue
        for line, text in _worded_raises(path):
            if not any(rel == f and part in text for f, part in REVIEWED):
                found.append(f"{rel}:{line}: {text[:90]}")
    assert not found, "errors worded outside a catalogue (give them a key):\n" + "\n".join(found)


def test_the_check_for_worded_errors_finds_one(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f(x):\n"
        "    raise ValueError(f'x must be positive, got {x}')\n"
        "def g():\n"
        "    raise MESSAGES.error(ValueError, 'positive', x=1)\n"
    )
    assert [line for line, _ in _worded_raises(sample)] == [2]


# ------------------------------------------------------------------ raised under set_lang("vi")


def _raised(fn):
    with pytest.raises(Exception) as info:
        fn()
    return info.value


def _vietnamese_with_quote(exc, framework, sentence):
    """The message is Vietnamese, then "(framework: sentence)" verbatim at its end."""
    text = str(exc)
    tail = f" ({framework}: {sentence})"
    assert text.endswith(tail), text
    assert VI.english_words(text[: -len(tail)]) == [], text


def _real_torch_message(fn):
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError) as info:
        fn(torch)
    return str(info.value)


def _backward_twice(torch):
    x = torch.arange(3.0, requires_grad=True)
    y = (x * x).sum()
    y.backward()
    y.backward()


def test_the_engines_freed_graph_error_in_vietnamese(vietnamese):
    err = _raised(lambda: _backward_twice(av))
    assert isinstance(err, av.BackwardError) and isinstance(err, RuntimeError)
    assert err.message_key == "freed_graph"
    text = str(err)
    assert "retain_graph=True" in text and "giải phóng" in text and "lan truyền ngược" in text
    assert VI.english_words(text) == []  # our own words: no framework to quote


def test_pytorch_errors_in_vietnamese_end_with_pytorchs_own_sentence(vietnamese):
    import autograd_viz.torch as torch

    # a second backward: PyTorch's first sentence, as real PyTorch says it
    real = _real_torch_message(_backward_twice)
    first = real[: real.index(").") + 2]
    err = _raised(lambda: _backward_twice(torch))
    assert isinstance(err, RuntimeError)
    _vietnamese_with_quote(err, "PyTorch", first)
    assert "retain_graph=True" in str(err)

    # torch.autograd.grad of something that needs no gradient
    def no_grad(t):
        x = t.arange(3.0, requires_grad=True)
        t.autograd.grad(t.arange(3.0).sum(), [x])

    err = _raised(lambda: no_grad(torch))
    assert type(err) is RuntimeError
    _vietnamese_with_quote(err, "PyTorch", _real_torch_message(no_grad))

    # backward on a vector without gradient=
    def vector(t):
        (t.arange(3.0, requires_grad=True) * 2).backward()

    err = _raised(lambda: vector(torch))
    _vietnamese_with_quote(err, "PyTorch", _real_torch_message(vector))
    assert "gradient=" in str(err) and "(3,)" in str(err)


def test_tensorflow_errors_in_vietnamese_end_with_tensorflows_own_sentence(vietnamese):
    import autograd_viz.tf as tf

    x = tf.Variable(tf.range(3.0))
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(x * x)
    tape.gradient(y, x)
    err = _raised(lambda: tape.gradient(y, x))
    assert type(err) is RuntimeError
    # TensorFlow's words (tensorflow/python/eager/backprop.py, GradientTape.gradient)
    sentence = (
        "A non-persistent GradientTape can only be used to compute one set of gradients "
        "(or jacobians)"
    )
    _vietnamese_with_quote(err, "TensorFlow", sentence)
    assert "persistent=True" in str(err) and "cuộn băng" in str(err)


def test_mxnet_errors_in_vietnamese_end_with_mxnets_own_sentence(vietnamese):
    from autograd_viz.mxnet import np, npx

    npx.set_np()
    err = _raised(lambda: (np.arange(3.0) * 2).backward())
    assert isinstance(err, av.BackwardError)
    # MXNet's words (src/imperative/imperative.cc, Imperative::Backward)
    sentence = "Cannot differentiate node because it is not in a computational graph."
    _vietnamese_with_quote(err, "MXNet", sentence)
    assert "attach_grad()" in str(err) and "autograd.record()" in str(err)


def test_jax_errors_in_vietnamese_end_with_jaxs_own_sentence(vietnamese):
    real_jax = pytest.importorskip("jax")
    import autograd_viz.jax as jax
    from autograd_viz.jax import numpy as jnp

    with pytest.raises(TypeError) as real:
        real_jax.grad(real_jax.numpy.sin)(real_jax.numpy.arange(3.0))
    err = _raised(lambda: jax.grad(jnp.sin)(jnp.arange(3.0)))
    assert type(err) is TypeError
    _vietnamese_with_quote(err, "JAX", str(real.value))
    assert "(3,)" in str(err) and "jax.jacrev(f)" in str(err)

    def assign(x):
        x[0] = 1.0

    with pytest.raises(TypeError) as real:
        assign(real_jax.numpy.arange(3.0))
    err = _raised(lambda: assign(jnp.arange(3.0)))
    entry, _ = JAX.entry("immutable")
    assert str(real.value).startswith(entry["quote"])
    _vietnamese_with_quote(err, "JAX", entry["quote"])
    assert "x.at[0].set(1.0)" in str(err)


def test_the_drawing_calls_speak_the_callers_language():
    x = av.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError) as info:
        av.draw(x * 2, x, lang="vi")
    assert "đối số" in str(info.value) and VI.english_words(str(info.value)) == []
    # a function drawn with lang="vi" whose own code fails: the engine speaks Vietnamese
    with pytest.raises(av.ShapeError) as info:
        av.draw(lambda a: a + av.tensor([1.0, 2.0, 3.0]), np.ones(2), lang="vi")
    assert "lan truyền (broadcast)" in str(info.value)
    assert av.get_lang() == "en"


# ------------------------------------------------------------------ the session stays usable


@pytest.mark.usefixtures("clean_engine_state")
def test_switching_language_leaves_the_session_usable():
    import autograd_viz.torch as torch

    av.set_lang("vi")
    try:
        x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = (x * x).sum()
        y.backward(retain_graph=True)
        with pytest.raises(RuntimeError):
            (x * 2).backward()
        with pytest.raises(RuntimeError):
            with torch.autograd.forward_ad.dual_level():
                torch.autograd.forward_ad.make_dual(torch.ones(2), torch.ones(3))
        y.backward()  # still works after the errors, and accumulates
        assert np.allclose(x.grad.numpy(), 4 * x.detach().numpy())
        vi = str(_raised(lambda: _backward_twice(av)))
    finally:
        av.set_lang("en")
    en = str(_raised(lambda: _backward_twice(av)))
    assert en.startswith("the graph behind this value") and vi != en
    # an error raised in Vietnamese can be worded again in English, and back
    err = _raised(lambda: _backward_twice(av))
    assert in_language(err, "vi") == vi and in_language(err, "en") == en
    # a block in another language gives the session's language back, error or not
    with pytest.raises(av.ShapeError), using_lang("vi"):
        av.tensor([1.0, 2.0]) + av.tensor([1.0, 2.0, 3.0])
    assert av.get_lang() == "en"


def _cases():
    """Errors a student meets, one or two per layer: (name, a call that raises)."""
    import autograd_viz.jax as jax
    import autograd_viz.tf as tf
    import autograd_viz.torch as torch
    from autograd_viz.jax import numpy as jnp
    from autograd_viz.mxnet import autograd
    from autograd_viz.mxnet import np as mnp

    def tape_stop():
        with tf.GradientTape().stop_recording():
            pass

    return {
        "engine item": lambda: av.arange(3.0).item(),
        "engine int grad": lambda: av.arange(3).requires_grad_(),
        "engine matmul": lambda: av.ones(2, 3) @ av.ones(2, 3),
        "engine jvp": lambda: av.jvp(av.sin, (av.ones(2),), (av.ones(3),)),
        "torch cat": lambda: torch.cat([torch.ones(2, 3), torch.ones(2, 4)]),
        "torch dual": lambda: torch.autograd.forward_ad.make_dual(torch.ones(2), torch.ones(2)),
        "tf stop_recording": tape_stop,
        "mxnet head_grads": lambda: autograd.backward([mnp.ones(2)], [mnp.ones(2)] * 2),
        "jax vmap": lambda: jax.vmap(lambda a, b: a)(jnp.ones(3), jnp.ones(2)),
        "jax random key": lambda: jax.random.normal(3, (2,)),
        "drawing rankdir": lambda: av.draw(av.ones(2, requires_grad=True) * 2, rankdir="up"),
    }


@pytest.mark.parametrize("case", list(_cases()))
def test_an_error_keeps_its_type_in_either_language(case):
    raise_it = _cases()[case]
    with using_lang("en"):
        en = _raised(raise_it)
    with using_lang("vi"):
        vi = _raised(raise_it)
    assert type(en) is type(vi), case
    assert str(en) != str(vi) and en.message_key == vi.message_key, case
    assert VI.english_words(VI.without_framework_quotes(str(vi))) == [], str(vi)
