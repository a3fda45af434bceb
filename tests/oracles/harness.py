"""The real frameworks, as oracles: each answers the same snippet of framework
code as our dialect does.

PyTorch and JAX run in this process, as the other tests run them.  TensorFlow
and MXNet each run in a process of their own (server.py), started once per
test session with the python of their own virtual environment: a started
TensorFlow is not fork-safe, MXNet 1.9 needs numpy < 1.24, and TensorFlow's
pins would fight JAX's.  ``make oracles`` makes those environments from
their locks (``make env-tf-oracle``: ``.venv-tf-oracle`` beside the
repository's files, synced from requirements/tf-oracle.txt); ``$AV_ORACLES``
names another folder that holds them.

Under CI=true an oracle that cannot start fails the test; elsewhere the test is
skipped, saying how to enable it.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import tempfile
from pathlib import Path

import pytest

from . import wire

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
# the oracles in their own environments: the module each must import
SERVED = {"tf": "tensorflow", "mxnet": "mxnet"}
IN_PROCESS = {"torch": "torch", "jax": "jax"}
TIMEOUT = 300  # seconds for one answer (TensorFlow's first import is the slow one)


def in_ci():
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def oracle_python(framework):
    """The python of ``framework``'s environment (``make env-tf-oracle``)."""
    folder = Path(os.environ.get("AV_ORACLES") or REPO)
    return folder / f".venv-{framework}-oracle" / "bin" / "python"


def unavailable(framework, reason):
    """Fail under CI (its oracles must run), skip elsewhere saying how to enable it."""
    if framework in SERVED:
        how = (
            f"run `make oracles` (it makes {oracle_python(framework).parents[1]}, a virtual "
            f"environment with real {SERVED[framework]}), or point AV_ORACLES at a folder "
            f"that has one"
        )
    else:
        how = f"install {IN_PROCESS[framework]} (pip install -e '.[test]')"
    message = f"real {framework} oracle unavailable: {reason}"
    if in_ci():
        pytest.fail(f"CI=true but the {message}; CI must run every oracle ({how})")
    pytest.skip(f"{message}: the comparison with the real framework did not run; to enable: {how}")


class LocalOracle:
    """A framework imported into this process (real PyTorch, real JAX, or ours)."""

    def __init__(self, name):
        self.name = name
        self._runner = wire.Runner()

    def run(self, prelude, source, call="run", args=()):
        answer = self._runner.run(prelude, source, call, list(args))
        if answer["ok"]:  # as a served answer would come back: tensors as numpy arrays
            answer["result"] = wire.decode(json.loads(json.dumps(answer["result"])))
        return answer

    def close(self):
        pass


class ServedOracle:
    """A framework in its own process, speaking wire.py's protocol over pipes."""

    def __init__(self, name, python):
        self.name = name
        self._log = tempfile.TemporaryFile(mode="w+")
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONDONTWRITEBYTECODE="1")
        env.pop("PYTHONPATH", None)  # the oracle must not import our packages
        self._proc = subprocess.Popen(
            [str(python), str(HERE / "server.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
            env=env,
            cwd=tempfile.gettempdir(),
        )
        ready = self._read()
        if not ready.get("ready"):
            raise RuntimeError(f"the {name} oracle did not start: {ready}")

    def _read(self):
        ready, _, _ = select.select([self._proc.stdout], [], [], TIMEOUT)
        line = self._proc.stdout.readline() if ready else ""
        if not line:
            self._proc.kill()
            self._log.seek(0)
            tail = self._log.read()[-3000:]
            raise RuntimeError(
                f"the {self.name} oracle process gave no answer (exit code "
                f"{self._proc.poll()}); its stderr ends with:\n{tail}"
            )
        return json.loads(line)

    def run(self, prelude, source, call="run", args=()):
        request = {
            "prelude": prelude,
            "source": source,
            "call": call,
            "args": [wire.encode(a) for a in args],
        }
        self._proc.stdin.write(json.dumps(request) + "\n")
        self._proc.stdin.flush()
        answer = self._read()
        if answer["ok"]:
            answer["result"] = wire.decode(answer["result"])
        return answer

    def close(self):
        if self._proc.poll() is None:
            self._proc.stdin.close()
            try:
                self._proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._proc.kill()
        self._log.close()


def start(framework):
    """The real ``framework`` as an oracle, or a failure/skip saying why it is missing."""
    if framework in IN_PROCESS:
        module = IN_PROCESS[framework]
        try:
            __import__(module)
        except ImportError as error:
            unavailable(framework, f"{module} cannot be imported ({error})")
        return LocalOracle(framework)
    python = oracle_python(framework)
    if not python.exists():
        unavailable(framework, f"{python} does not exist")
    try:
        return ServedOracle(framework, python)
    except RuntimeError as error:
        unavailable(framework, str(error))
