"""The stated scope of each dialect, its coverage table, and the error for a
name a dialect does not provide."""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import autograd_viz as av
from autograd_viz import scope

from . import drivers
from .cases import CASES

ROOT = Path(__file__).resolve().parents[2]
PAIRS = [(fw, e) for fw in scope.FRAMEWORKS for e in scope.load(fw).entries]

# how the cases spell a framework's names, and the scope's full spelling
_SPELLED = {
    "mxnet": [("np.", "mxnet.np."), ("npx.", "mxnet.npx."), ("autograd.", "mxnet.autograd.")],
    "jax": [("jnp.", "jax.numpy.")],
}


def canonical(framework, name):
    for short, full in _SPELLED.get(framework, ()):
        if name.startswith(short):
            return full + name[len(short) :]
    return name


def test_the_committed_coverage_table_is_current():
    run = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "coverage_table.py"), "--check"],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT), "PATH": ""},
    )
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize("framework", scope.FRAMEWORKS)
def test_what_to_use_is_stated_exactly_for_the_names_not_provided(framework):
    """[instead] says what to use for each in-scope name the dialect lacks,
    and for no name it has: the data cannot claim what the dialect does not do."""
    for entry, ok in scope.coverage(framework):
        if ok:
            assert entry.instead is None, f"{entry.name} is provided: drop it from [instead]"
        else:
            assert entry.instead, f"{entry.name} is not provided: say in [instead] what to use"


TABLES = {
    "torch": "autograd_viz.torch",
    "tf": "autograd_viz.tf",
    "mxnet": "autograd_viz.mxnet",
    "jax": "autograd_viz.jax._primitives",
}


@pytest.mark.parametrize("framework", scope.FRAMEWORKS)
def test_what_to_use_instead_of_a_name_is_said_once_in_the_scope(framework):
    """A dialect's PRIMITIVES table says how it spells each primitive; where
    it spells one not at all, its reason is about the primitive (one the
    framework has no name for).  What to use instead of a name of the
    framework is the scope's to say ([instead]), so no reason names one."""
    from autograd_viz._dialect import NotProvided

    table = importlib.import_module(TABLES[framework]).PRIMITIVES
    names = {e.name for e in scope.load(framework).entries}
    for prim, entry in table.items():
        if not isinstance(entry, NotProvided):
            continue
        words = set(re.findall(r"[\w.]+", entry.reason))
        named = sorted(w for w in words if canonical(framework, w) in names)
        assert not named, (
            f"{framework} PRIMITIVES[{prim!r}] speaks of {named}: what to use instead of a "
            f"name in the scope belongs in autograd_viz/scope/{framework}.toml ([instead])"
        )


@pytest.mark.parametrize("framework", scope.FRAMEWORKS)
def test_every_provided_name_is_checked_against_the_real_framework(framework):
    covered = {canonical(framework, n) for case in CASES[framework] for n in case.covers}
    unknown = covered - {e.name for e in scope.load(framework).entries}
    assert not unknown, f"cases cover names the scope does not list: {sorted(unknown)}"
    unchecked = [e.name for e, ok in scope.coverage(framework) if ok and e.name not in covered]
    assert not unchecked, f"provided but no oracle case in tests/oracles/cases.py: {unchecked}"


@pytest.mark.parametrize("lang", ["en", "vi"])
@pytest.mark.parametrize(
    "framework, entry",
    [(fw, e) for fw, e in PAIRS if e.probe is None and "(" not in e.name],
    ids=lambda v: getattr(v, "name", v),
)
def test_a_name_not_provided_raises_an_error_saying_what_to_use(framework, entry, lang):
    if scope.provided(framework, entry):
        return
    av.set_lang(lang)
    try:
        with pytest.raises(AttributeError) as raised:
            _lookup(framework, entry.name)
    finally:
        av.set_lang("en")
    assert isinstance(raised.value, scope.NotProvidedError)
    text = str(raised.value)
    assert entry.name in text and entry.instead in text
    assert ("does not provide" if lang == "en" else "chưa cung cấp") in text


@pytest.mark.parametrize(
    "framework, name, use",
    [
        ("tf", "tf.keras.layers.Dense", "Keras is outside"),
        ("mxnet", "mxnet.gluon", "Gluon is outside"),
        ("torch", "torch.fft", "real PyTorch"),
        ("jax", "jax.numpy.fft", "real JAX"),
    ],
)
def test_a_name_outside_the_scope_says_so_and_what_to_use(framework, name, use):
    with pytest.raises(scope.NotProvidedError, match="outside the") as raised:
        _lookup(framework, name)
    assert use in str(raised.value) and ".".join(name.split(".")[:2]) in str(raised.value)


def _lookup(framework, name):
    parts = name.split(".")
    root = {
        "torch": "autograd_viz.torch",
        "tf": "autograd_viz.tf",
        "mxnet": "autograd_viz.mxnet",
        "jax": "autograd_viz.jax",
    }[framework]
    obj = __import__(root, fromlist=["_"])
    for part in parts[1:]:
        if isinstance(obj, type) and issubclass(obj, av.Tensor):
            obj = obj._plain(np.zeros(1, np.float32))  # a method: looked up on a value
        obj = getattr(obj, part)
    return obj


EXISTS = """
import inspect, re

def run(names, probes):
    missing = []
    for name in names:
        m = re.match(r"^([\\w.]+)\\((\\w+)=\\)$", name)
        path = (m.group(1) if m else name).split(".")
        obj = ROOT
        try:
            for part in path[1:]:
                obj = getattr(obj, part)
            if m and m.group(2) not in inspect.signature(obj).parameters:
                missing.append(name)
        except Exception:
            missing.append(name)
    for name, line in probes:
        try:
            exec(line, dict(globals()))
        except Exception as e:
            missing.append(f"{name}: {type(e).__name__}: {e}")
    return missing
"""
ROOTS = {
    "torch": "ROOT = torch",
    "tf": "ROOT = tf",
    "jax": "ROOT = jax",
    "mxnet": "import mxnet as ROOT",
}


@pytest.mark.slow
@pytest.mark.parametrize("framework", scope.FRAMEWORKS)
def test_every_scope_name_is_the_real_frameworks_own(oracles, framework):
    """The scope lists only names the real framework has (a probe line runs there too)."""
    s = scope.load(framework)
    names = [e.name for e in s.entries if e.probe is None]
    probes = [(e.name, e.probe) for e in s.entries if e.probe is not None]
    real_prelude = drivers.PRELUDES[framework][0]
    answer = oracles(framework).run(
        real_prelude, ROOTS[framework] + "\n" + EXISTS, "run", (names, probes)
    )
    assert answer["ok"], answer
    assert answer["result"] == [], f"not in real {s.title}: {answer['result']}"
