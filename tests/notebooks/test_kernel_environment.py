"""A notebook's kernel runs in the tests' own environment, real PyTorch and
real JAX included.

`make test` and `make lab` run in .venv; the notebooks ask for the python3
kernelspec, which must start this same interpreter (not the machine's
python3, which may have other versions or nothing at all), and a notebook
that imports real torch and jax must find them there.
"""

from __future__ import annotations

import importlib.util
import os
import sys

import pytest
from jupyter_client.manager import start_new_kernel

pytestmark = pytest.mark.slow

PROBE = (
    "import sys, importlib.util\n"
    "import jax, jax.numpy as jnp\n"
    "print(sys.prefix, jax.__version__, float(jnp.arange(3.0).sum()))\n"
    "if importlib.util.find_spec('torch'):\n"
    "    import torch\n"
    "    print(torch.__version__, float(torch.arange(3.0).sum()))\n"
)


def run_in_kernel(code):
    manager, client = start_new_kernel(kernel_name="python3")
    try:
        msg_id = client.execute(code)
        out, error = [], None
        while True:
            msg = client.get_iopub_msg(timeout=120)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                out.append(content["text"])
            elif kind == "error":
                error = f"{content['ename']}: {content['evalue']}"
            elif kind == "status" and content["execution_state"] == "idle":
                break
        return "".join(out), error
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def test_the_python3_kernel_is_this_interpreter_with_real_jax_and_torch():
    out, error = run_in_kernel(PROBE)
    assert error is None, error
    lines = out.split("\n")
    prefix, jax_version, total = lines[0].split()
    assert os.path.realpath(prefix) == os.path.realpath(sys.prefix)
    import jax

    assert jax_version == jax.__version__ and float(total) == 3.0
    if importlib.util.find_spec("torch") is None:
        if os.environ.get("CI", "").strip().lower() in ("true", "1", "yes"):
            pytest.fail("CI=true but PyTorch is not installed (make install puts it in the venv)")
        pytest.skip("PyTorch is not installed here: the kernel ran real JAX only")
    import torch

    torch_version, torch_total = lines[1].split()
    assert torch_version == torch.__version__ and float(torch_total) == 3.0
