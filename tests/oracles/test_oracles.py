"""Every name a dialect provides, against its real framework: value, gradient
(reverse mode, and forward mode where the framework has it), shape, dtype and
printouts on random inputs in the function's domain."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from . import drivers
from .cases import CASES
from .compare import assert_same

pytestmark = pytest.mark.slow

PARAMS = [
    pytest.param(framework, case, id=f"{framework}:{case.id}")
    for framework, cases in CASES.items()
    for case in cases
]


@pytest.mark.parametrize("framework, case", PARAMS)
@settings(max_examples=12)
@given(data=st.data())
def test_same_as_the_real_framework(oracles, ours, framework, case, data):
    real_prelude, our_prelude = drivers.PRELUDES[framework]
    args = data.draw(case.args, label="args")
    diff = case.differentiated(args)
    fwd = case.fwd and framework != "mxnet"
    source = drivers.source(framework, case.fn, case.plain)
    real = oracles(framework).run(real_prelude, source, "run", (args, diff, fwd))
    mine = ours.run(our_prelude, source, "run", (args, diff, fwd))
    if not real["ok"]:
        assert not mine["ok"], f"the real framework raised {real['error']}; ours gave {mine}"
        return
    assert mine["ok"], f"ours raised {mine['error']}"
    assert_same(real["result"], mine["result"])
    assert mine["stdout"] == real["stdout"], "printed differently"
