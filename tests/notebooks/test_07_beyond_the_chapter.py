"""Notebook 07 (beyond the chapter) prints what the real frameworks print, and
its frames end on those numbers.

* Every code cell that is the framework's own code (not our drawing) runs on the
  real framework with the import line swapped, and prints exactly what the saved
  notebook printed, in both languages: real PyTorch and real JAX here, real
  TensorFlow and real MXNet in their own environments (tests/oracles/harness.py;
  skipped elsewhere saying how to enable them, a failure under CI=true).
* The training and the gradients also agree with an oracle of no framework:
  numpy with central finite differences.
* The last frame of the stepped-through training step ends on the gradient the
  framework printed; the custom rule's frame on 3x²; the hook is drawn.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))
sys.path.insert(0, str(REPO))
import build_notebooks as build  # noqa: E402
from test_real_frameworks import real_environment, run_cells  # noqa: E402

from tests.oracles import harness  # noqa: E402

NAME = "07_beyond_the_chapter"
FRAMEWORKS = ("pytorch", "tensorflow", "mxnet", "jax")
LANGS = ("en", "vi")
# the dialect's import, the real framework's, and the module the oracle imports
REAL = {
    "pytorch": ("torch", [("autograd_viz.torch", "torch")]),
    "tensorflow": ("tf", [("autograd_viz.tf", "tensorflow")]),
    "mxnet": ("mxnet", [("autograd_viz.mxnet", "mxnet")]),
    "jax": ("jax", [("autograd_viz.jax", "jax")]),
}
OURS = re.compile(r"\bav\.|\bsteps\b|^import autograd_viz as av$", re.M)
# runs each cell with exec, so it needs nothing beyond the framework (the
# TensorFlow and MXNet environments have no IPython)
RUNNER = r"""
import contextlib, io, json, sys
ns, out = {"__name__": "__main__"}, []
for source in json.load(sys.stdin):
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        exec(compile(source, "<cell>", "exec"), ns)
    out.append(buffer.getvalue())
json.dump(out, sys.stdout)
"""


def _saved(lang, framework):
    return nbformat.read(build.NOTEBOOKS / lang / f"{NAME}_{framework}.ipynb", as_version=4)


def _stdout(cell):
    return "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")


def _shown(cell):
    return "".join(
        o.get("data", {}).get("text/plain", "")
        for o in cell.outputs
        if o.get("output_type") in ("execute_result", "display_data")
    )


def _cell(nb, needle):
    return next(c for c in nb.cells if c.cell_type == "code" and needle in c.source)


def _python(framework):
    module = REAL[framework][0]
    if framework in ("tensorflow", "mxnet"):
        served = {"tensorflow": "tf", "mxnet": "mxnet"}[framework]
        python = harness.oracle_python(served)
        if not python.exists():
            harness.unavailable(served, f"{python} does not exist")
        return str(python)
    try:
        __import__(module)
    except ImportError as error:
        harness.unavailable(module, str(error))
    return sys.executable


@pytest.mark.slow
@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_07_prints_what_the_real_framework_prints(framework):
    python = _python(framework)
    target = next(t for t in build.plan([NAME]) if t.framework == framework and t.lang == "en")
    cells = []
    for i, cell in enumerate(target.notebook.cells):
        if cell.cell_type != "code" or OURS.search(cell.source):
            continue
        source = cell.source
        for ours, real in REAL[framework][1]:
            source = source.replace(ours, real)
        assert "autograd_viz" not in source, f"cell {i} needs autograd_viz:\n{cell.source}"
        cells.append((i, source))
    env = real_environment(TF_CPP_MIN_LOG_LEVEL="3")
    real = run_cells([s for _, s in cells], env, python=python, runner=RUNNER)
    printed = 0
    for lang in LANGS:
        saved = _saved(lang, framework)
        for (i, source), got in zip(cells, real):
            want = _stdout(saved.cells[i])
            printed += bool(want)
            assert want == got, (
                f"{lang}/{NAME}_{framework} cell {i}:\n{source}\n--- saved ---\n{want}"
                f"\n--- real {REAL[framework][0]} ---\n{got}"
            )
    assert printed >= 2 * 3, f"only {printed} printing cells compared"


NUMBER = re.compile(r"-?\d+\.?\d*(?:e-?\d+)?")


def _numbers(text):
    """The numbers of a printed tensor or array, its shape and dtype aside."""
    text = re.sub(r"shape=.*|dtype=\w+|requires_grad=\w+", "", text)
    return np.asarray([float(v) for v in NUMBER.findall(text)])


# the notebook's network, data and starting weights (X @ w + b convention)
X = np.array([[1.0, 2.0], [2.0, -1.0], [0.5, 0.5]])
Y = np.array([[1.0], [2.0], [0.0]])
START = [
    np.array([[0.5, 1.0], [-0.5, 0.5]]),
    np.array([0.0, -0.5]),
    np.array([[1.0], [-1.0]]),
    np.array([0.5]),
]


def _loss(w, b, v, c):
    return np.mean((np.maximum(X @ w + b, 0.0) @ v + c - Y) ** 2)


def _finite_differences(params, h=1e-6):
    """Central differences of the loss, away from ReLU's kink only."""
    grads = []
    for k, p in enumerate(params):
        g = np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            up = [q.copy() for q in params]
            down = [q.copy() for q in params]
            up[k][idx] += h
            down[k][idx] -= h
            g[idx] = (_loss(*up) - _loss(*down)) / (2 * h)
        grads.append(g)
    return grads


def _backprop(w, b, v, c):
    """The loss's gradient by hand, with relu'(0) = 0 as every framework's relu
    has it (the starting weights put one hidden unit exactly at the kink)."""
    z = X @ w + b
    hidden = np.maximum(z, 0.0)
    dout = 2 * (hidden @ v + c - Y) / len(Y)
    dz = (dout @ v.T) * (z > 0)
    return [X.T @ dz, dz.sum(0), hidden.T @ dout, dout.sum(0)]


def test_07_hand_written_backprop_is_the_finite_differences_away_from_the_kink():
    rng = np.random.default_rng(0)
    for _ in range(20):
        params = [p + rng.normal(0, 0.3, p.shape) for p in START]
        z = X @ params[0] + params[1]
        if np.abs(z).min() < 1e-3:
            continue
        for a, f in zip(_backprop(*params), _finite_differences(params)):
            np.testing.assert_allclose(a, f, atol=1e-6)


def test_07_numbers_agree_with_numpy_by_hand():
    params, losses = [p.copy() for p in START], []
    for _ in range(3):
        losses.append(_loss(*params))
        params = [p - 0.1 * g for p, g in zip(params, _backprop(*params))]
    first_layer = _backprop(*params)[0]
    for lang in LANGS:
        for framework in FRAMEWORKS:
            nb = _saved(lang, framework)
            where = f"{lang}/{framework}"
            shown = [float(v) for v in re.findall(r"loss = ([\d.]+)", _stdout(_cell(nb, "step")))]
            np.testing.assert_allclose(shown, losses, atol=6e-5, err_msg=where)
            printed = _numbers(_stdout(_cell(nb, SECTION2[framework])))
            # PyTorch's nn.Linear keeps the weight as out × in: the transpose of w
            want = first_layer.T if framework == "pytorch" else first_layer
            tol = 6e-5 if framework == "pytorch" else 1e-6  # torch prints 4 decimals
            np.testing.assert_allclose(printed, want.ravel(), atol=tol, err_msg=where)
            # the custom rule's gradient is the derivative of x³, 3x²
            if framework != "mxnet":
                x = np.array([1.0, -2.0, 0.5])
                fd = ((x + 1e-6) ** 3 - (x - 1e-6) ** 3) / 2e-6
                rule = _cell(nb, "cube" if framework != "pytorch" else "Cube.apply")
                np.testing.assert_allclose(_numbers(_stdout(rule)), fd, rtol=1e-6, err_msg=where)


# the cell of section 2 that prints the first layer's weight gradient
SECTION2 = {
    "pytorch": "print(model[0].weight.grad)",
    "tensorflow": "print(grads[0])",
    "mxnet": "print(w.grad)",
    "jax": "print(grads[0])",
}
CHAIN = {"en": "Chain rule gives ", "vi": "Quy tắc dây chuyền cho "}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_07_frames_end_on_the_frameworks_gradient(lang, framework):
    nb = _saved(lang, framework)
    printed = _numbers(_stdout(_cell(nb, SECTION2[framework])))
    last = _shown(_cell(nb, "display(steps.frames[-1])"))  # the first such cell
    assert CHAIN[lang] in last, last
    framed = _numbers(last.split(CHAIN[lang])[-1])
    np.testing.assert_allclose(framed, printed, atol=6e-5)
    player = _shown(_cell(nb, "steps = av.step_through"))
    assert re.search(r"(\d+) (frames|khung hình)", player), player


@pytest.mark.parametrize("lang", LANGS)
def test_07_custom_rules_and_the_hook_are_drawn(lang):
    rules = {"pytorch": "Cube.backward", "tensorflow": "grad(upstream)", "jax": "cube_bwd"}
    for framework, rule in rules.items():
        nb = _saved(lang, framework)
        shows = [c for c in nb.cells if "display(steps.frames[-1])" in c.source]
        frame = _shown(shows[-1])  # section 4's
        assert rule in frame, frame
        np.testing.assert_allclose(_numbers(frame.split(CHAIN[lang])[-1]), [3.0, 12.0, 0.75])
    hook = _cell(_saved(lang, "pytorch"), "steps = av.step_through(loss, lang=LANG)")
    html = "".join(o.get("data", {}).get("text/html", "") for o in hook.outputs)
    assert "h′ = hook(h)" in html, "the hook is not drawn as a step of its own"
    assert re.search(r"8 (frames|khung hình)", _shown(hook))
