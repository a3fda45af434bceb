"""Random programs for the real-framework tests: a few steps, each one op
applied to earlier values (so values are reused, as gradients must add up)."""

from __future__ import annotations

from hypothesis import strategies as st


@st.composite
def steps(draw, unary, binary, max_steps):
    """[("u", name, i) | ("b", name, i, j)]: step k reads values 0 .. k+1 (the two inputs first)."""
    out = []
    for k in range(draw(st.integers(1, max_steps))):
        if draw(st.booleans()):
            out.append(("u", draw(st.sampled_from(sorted(unary))), draw(st.integers(0, k + 1))))
        else:
            op = draw(st.sampled_from(sorted(binary)))
            out.append(("b", op, draw(st.integers(0, k + 1)), draw(st.integers(0, k + 1))))
    return out
