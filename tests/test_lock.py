"""The locks in requirements/ agree with pyproject.toml, with each other and
with the environment the tests run in; offline, in well under a second.

* Each lock compiled from pyproject.toml pins every requirement of the
  extras and groups its header names, at a version that satisfies it, and
  names no direct requirement pyproject.toml no longer has (so an edit of
  pyproject.toml without `make lock` fails here).
* Each lock says the platform it is for (Linux x86_64, CPython 3.11), and the
  Makefile's table of locks and the files in requirements/ match.
* PyTorch comes only as the CPU wheel from /opt/wheels, never as a CUDA
  build, and a package two locks of the tests' venv share has one version
  (a lock of an environment of its own, such as real MXNet's, may differ).
* In the venv `make install` made, every locked package is installed at its
  locked version and nothing outside the locks is (the plain-clone run of
  .ci/run goes through this).
"""

from __future__ import annotations

import re
import shlex
import sys
import sysconfig
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[1]
LOCKS = REPO / "requirements"
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
# the platform every lock is for, as the markers of a requirement see it
PLATFORM = dict(
    default_environment(),
    sys_platform="linux",
    platform_system="Linux",
    platform_machine="x86_64",
    os_name="posix",
    implementation_name="cpython",
    platform_python_implementation="CPython",
    python_version="3.11",
    python_full_version="3.11.7",
)


def lock_files():
    return sorted(LOCKS.glob("*.txt"))


def pins(path):
    """{canonical name: version} of a lock."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", line)
        if match:
            found[canonicalize_name(match[1])] = match[2]
    return found


def command(path):
    """The `uv pip compile` arguments a lock's header records."""
    text = path.read_text(encoding="utf-8")
    match = re.search(r"^#\s+uv pip compile (.+)$", text, re.M)
    assert match, f"{path.name}: no 'uv pip compile' command in its header: run make lock"
    return shlex.split(match[1])


def option_values(args, flag):
    return [args[i + 1] for i, a in enumerate(args) if a == flag]


def direct_requirements(args):
    """pyproject.toml's requirements that a lock made with ``args`` covers."""
    project = PYPROJECT["project"]
    reqs = list(project["dependencies"])
    for extra in option_values(args, "--extra"):
        assert extra in project["optional-dependencies"], f"no extra {extra!r} in pyproject.toml"
        reqs += project["optional-dependencies"][extra]
    for group in option_values(args, "--group"):
        assert group in PYPROJECT["dependency-groups"], f"no group {group!r} in pyproject.toml"
        reqs += PYPROJECT["dependency-groups"][group]
    return [r for r in map(Requirement, reqs) if not r.marker or r.marker.evaluate(PLATFORM)]


def via_pyproject(path):
    """Names the lock says it holds because pyproject.toml asks for them."""
    names, current = set(), None
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", line)
        if match:
            current = canonicalize_name(match[1])
        elif current and "(pyproject.toml)" in line:
            names.add(current)
    return names


FROM_PYPROJECT = [p for p in lock_files() if command(p)[0] == "pyproject.toml"]


def test_the_tests_lock_covers_the_test_and_notebooks_extras_and_the_dev_group():
    args = command(LOCKS / "test.txt")
    assert args[0] == "pyproject.toml"
    assert set(option_values(args, "--extra")) == {"test", "notebooks"}
    assert option_values(args, "--group") == ["dev"]


@pytest.mark.parametrize("path", FROM_PYPROJECT, ids=lambda p: p.name)
def test_a_lock_pins_what_pyproject_asks_for_and_nothing_it_dropped(path):
    args, pinned = command(path), pins(path)
    wanted = direct_requirements(args)
    wrong = []
    for req in wanted:
        version = pinned.get(canonicalize_name(req.name))
        if version is None:
            wrong.append(f"{req} is not in the lock")
        elif not req.specifier.contains(version, prereleases=True):
            wrong.append(f"{req} but the lock has {version}")
    stale = via_pyproject(path) - {canonicalize_name(r.name) for r in wanted}
    wrong += [f"{name} is locked for pyproject.toml, which no longer asks for it" for name in stale]
    assert not wrong, f"{path.name} disagrees with pyproject.toml (run make lock): " + "; ".join(
        wrong
    )


@pytest.mark.parametrize("path", lock_files(), ids=lambda p: p.name)
def test_each_lock_says_its_platform(path):
    args = command(path)
    assert option_values(args, "--python-version") == ["3.11"]
    assert option_values(args, "--python-platform") == ["x86_64-manylinux_2_36"]
    assert option_values(args, "-o") == [f"requirements/{path.name}"]


def test_the_makefile_table_and_the_lock_files_match():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    table = re.search(r"^define LOCKS\n(.*?)^endef", makefile, re.M | re.S)[1]
    rows = [line.split(None, 1) for line in table.splitlines() if line.strip()]
    assert {f"{name}.txt" for name, _ in rows} == {p.name for p in lock_files()}
    for name, inputs in rows:
        recorded = command(LOCKS / f"{name}.txt")
        # the header holds the table's inputs, then the common flags
        assert recorded[: len(shlex.split(inputs))] == shlex.split(inputs), name
        for arg in shlex.split(inputs):
            if arg.endswith((".in", ".txt", ".toml")):
                assert (REPO / arg).exists(), f"{name}: {arg} does not exist"


def test_pytorch_is_only_ever_the_cpu_wheel_from_opt_wheels():
    cuda = re.compile(r"^(nvidia-|triton|cuda-)")
    for path in lock_files():
        names = pins(path)
        assert not [n for n in names if cuda.match(n)], f"{path.name} pulls a CUDA build"
        if "torch" in names:
            assert names["torch"] == "2.13.0+cpu", path.name
            assert "--find-links /opt/wheels" in path.read_text(encoding="utf-8"), path.name
    assert "torch" not in pins(LOCKS / "test.txt"), "the tests' lock must install without it"


def shares_the_tests_versions(path):
    """Whether a lock is installed with the tests' own (``-c test.txt``, on its
    command line or in its .in file): the locks of ``.venv``.  A lock of an
    environment of its own (``make env-NAME``: real TensorFlow, real MXNet)
    keeps whatever versions its framework needs."""
    if path.name == "test.txt":
        return True
    args = command(path)
    texts = [" ".join(args)] + [
        (REPO / a).read_text(encoding="utf-8") for a in args if a.endswith(".in")
    ]
    return any(re.search(r"-c\s+(requirements/)?test\.txt", t) for t in texts)


def test_a_package_in_two_locks_has_one_version():
    seen = {}
    for path in filter(shares_the_tests_versions, lock_files()):
        for name, version in pins(path).items():
            seen.setdefault(name, {})[path.name] = version
    split = {n: v for n, v in seen.items() if len(set(v.values())) > 1}
    assert not split, f"locked at different versions: {split}"


def test_this_environment_is_the_locked_one():
    record = Path(sys.prefix) / "autograd_viz-locks.txt"
    if not record.exists():
        pytest.skip(
            f"not the venv `make install` made ({sys.prefix}): nothing to compare with the locks"
        )
    synced = [REPO / line for line in record.read_text().split() if line]
    assert LOCKS / "test.txt" in synced
    wanted = {}
    for path in synced:
        wanted.update(pins(path))
    # only the venv's own site-packages: once something has imported setuptools,
    # sys.path also holds its vendored copies (packaging, platformdirs, ...)
    site = sorted({sysconfig.get_paths()[key] for key in ("purelib", "platlib")})
    installed = {
        canonicalize_name(d.metadata["Name"]): d.version for d in metadata.distributions(path=site)
    }
    wrong = [
        f"{name} {installed.get(name, 'missing')} (locked: {version})"
        for name, version in wanted.items()
        if installed.get(name) != version
    ]
    assert not wrong, "the venv is not what the locks say (run make install): " + ", ".join(wrong)
    every_lock = {name for path in lock_files() for name in pins(path)}
    # the venv's own pip and setuptools, and this checkout
    extra = set(installed) - every_lock - {"pip", "setuptools", "autograd-viz"}
    assert not extra, f"installed but in no lock: {sorted(extra)}"
