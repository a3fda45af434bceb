"""Notebook 06 (real PyTorch and real JAX) shows the frameworks' own numbers.

These read the saved notebooks, in both languages, as a student sees them:
every gradient, update and tangent printed from autograd_viz's frames must be
the number printed from PyTorch or JAX in the same cell, and the drawings must
show what the text says they show.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
NAME = "06_your_own_code.ipynb"


def _cells(lang):
    nb = nbformat.read(NOTEBOOKS / lang / NAME, as_version=4)
    return [c for c in nb.cells if c.cell_type == "code"]


def _stdout(cell):
    return "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")


def _shown(cell, mime):
    return "".join(
        o.get("data", {}).get(mime, "")
        for o in cell.outputs
        if o.get("output_type") in ("execute_result", "display_data")
    )


def _cell(lang, needle):
    """The first code cell whose source contains ``needle``."""
    return next(c for c in _cells(lang) if needle in c.source)


NUMBER = re.compile(r"-?\d+(?:\.\d*)?(?:e-?\d+)?")


def _numbers(text):
    """A printed list, tensor or array as numbers: '[0, 4.5]', '[[1, 2], [3, 4]]',
    'tensor([ 0., 4.])', JAX's '[ 0.  4.  8. 12.]'."""
    inner = re.search(r"\[.*\]", text.replace("\n", " ")).group(0)
    if "," not in inner:  # numpy's way: numbers apart by spaces
        return np.asarray([float(v) for v in NUMBER.findall(inner)])
    return np.asarray(ast.literal_eval(re.sub(r"(\d)\.(?=[,\]\s])", r"\1.0", inner)))


def _line_after(out, label):
    return next(line for line in out.splitlines() if line.startswith(label))[len(label) :]


LANGS = ("en", "vi")


@pytest.mark.parametrize("lang", LANGS)
def test_the_chapters_example_ends_on_pytorchs_gradient(lang):
    out = _stdout(_cell(lang, "for frame in steps.frames:\n    print(frame.title)"))
    summed = re.findall(r"= (\[[^\]]*\])\.\n", out)[-1]  # the last sum of contributions
    torch_grad = _numbers(_line_after(out, "x.grad from PyTorch:"))
    np.testing.assert_allclose(_numbers(summed), torch_grad)
    np.testing.assert_allclose(torch_grad, [0.0, 4.0, 8.0, 12.0])
    assert "PyTorch" in out  # the frames say whose numbers they are
    steps = _shown(_cell(lang, "steps = av.step_through(y, lang=LANG)"), "text/plain")
    assert re.search(r"4 (frames|khung hình)", steps), steps


@pytest.mark.parametrize("lang", LANGS)
def test_the_training_step_shown_is_the_one_pytorch_took(lang):
    losses = [float(v) for v in re.findall(r"loss = ([\d.]+)", _stdout(_cell(lang, "for step")))]
    assert len(losses) == 3 and losses[0] > losses[1] > losses[2]
    out = _stdout(_cell(lang, "print(steps.frames[-1].text)\nprint()"))
    update = re.compile(r"^\s+(\S+) ← \1 − ([\d.]+) × \w+ = (.+) − \2 × (.+) = (.+)$")
    rows = {m.group(1): m for m in map(update.match, out.splitlines()) if m}
    assert set(rows) == {"0.weight", "0.bias", "2.weight", "2.bias"}, out
    for name, m in rows.items():
        lr, before, grad, after = float(m.group(2)), *map(_numbers, m.group(3, 4, 5))
        assert lr == 0.1
        # what the frame shows is what PyTorch's optimizer left in the model
        now = _numbers(_line_after(out, f"{name} now"))
        np.testing.assert_allclose(after.ravel(), now, rtol=1e-3, atol=1e-4)
        np.testing.assert_allclose(after, before - lr * grad, rtol=1e-3, atol=1e-4)
    grad = _numbers(_line_after(out, "grad of 0.weight from PyTorch:"))
    np.testing.assert_allclose(
        _numbers(rows["0.weight"].group(4)).ravel(), grad, rtol=1e-3, atol=1e-5
    )
    steps = _shown(_cell(lang, 'rankdir="TB", lang=LANG)\nsteps'), "text/plain")
    assert re.search(r"13 (frames|khung hình)", steps), steps


@pytest.mark.parametrize("lang", LANGS)
def test_the_network_drawn_one_box_per_layer(lang):
    svg = _shown(_cell(lang, "depth=0"), "image/svg+xml")
    boxes = set(re.findall(r"v\d = (?:Linear|ReLU)\([^<)]*\)", svg))
    assert boxes == {
        "v1 = Linear(X, 0.weight, 0.bias)",
        "v2 = ReLU(v1)",
        "v3 = Linear(v2, 2.weight, 2.bias)",
    }, boxes
    assert "mse_loss(v3, target)" in svg
    assert _shown(_cell(lang, "depth=0"), "image/png")  # the picture for untrusted viewers


@pytest.mark.parametrize("lang", LANGS)
def test_the_jax_frames_end_on_jaxs_gradients(lang):
    out = _stdout(_cell(lang, "for frame in steps.frames[2:]"))
    summed = re.findall(r"= (\[[^\]]*\])\.\n", out)[-1]
    np.testing.assert_allclose(_numbers(summed), _numbers(_line_after(out, "jax.grad(f):")))
    assert "JAX" in out
    out = _stdout(_cell(lang, "def g(x):"))
    summed = re.findall(r"= (\[[^\]]*\])\.\n", out)[-1]
    np.testing.assert_allclose(
        _numbers(summed), _numbers(_line_after(out, "jax.grad(g):")), rtol=1e-3
    )
    assert "logaddexp" in out


@pytest.mark.parametrize("lang", LANGS)
def test_forward_mode_on_real_code_gives_the_frameworks_jvp(lang):
    out = _stdout(_cell(lang, "torch.func.jvp"))
    done = re.compile(r"^(?:ẏ|ḟ) = ([\d.]+) (?:is|là) ", re.M)  # "... is the derivative along"
    tangent = done.search(out).group(1)
    assert float(tangent) == float(re.search(r"tensor\(([\d.]+)\)", out).group(1)) == 24.0
    out = _stdout(_cell(lang, "jax.jvp"))
    tangent = done.search(out).group(1)
    assert float(tangent) == float(_line_after(out, "jax.jvp:")) == 24.0


@pytest.mark.parametrize(
    "lang, words",
    [
        ("en", ("freed", "av.capture()", "has no grad_fn")),
        ("vi", ("giải phóng", "av.capture()", "không có grad_fn")),
    ],
)
def test_what_cannot_be_drawn_says_why_in_the_notebooks_language(lang, words):
    out = _stdout(_cell(lang, "for target in (z, torch.arange(3.0)):"))
    for word in words:
        assert word in out, out
