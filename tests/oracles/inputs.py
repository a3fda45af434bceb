"""Random inputs in each function's domain (hypothesis), as tuples of numpy arrays."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

F32, F64 = np.dtype(np.float32), np.dtype(np.float64)


def arr(shape, lo=-3.0, hi=3.0, dtype=F32):
    width = 32 if np.dtype(dtype) == F32 else 64
    if width == 32:  # bounds a float32 can hold, as hypothesis asks
        lo, hi = float(np.float32(lo)), float(np.float32(hi))
    elements = st.floats(lo, hi, width=width, allow_subnormal=False)
    return hnp.arrays(dtype, shape, elements=elements)


# a few shapes, not every one: real JAX compiles each primitive once per shape
# (a fifth of a second each here), so the values vary freely and the shapes
# come from a palette that still has 0-d, 1-sized and broadcasting cases
PALETTE = [(), (1,), (3,), (2, 3), (3, 1), (1, 2, 3)]
SIDES = (1, 3)


def shapes(min_dims=0, max_dims=3, min_side=1):
    return st.sampled_from(
        [s for s in PALETTE if min_dims <= len(s) <= max_dims and min(s, default=9) >= min_side]
    )


def same(n=1, lo=-3.0, hi=3.0, dtype=F32, min_dims=0, max_dims=3, min_side=1):
    """``n`` arrays of one shape."""
    return shapes(min_dims, max_dims, min_side).flatmap(
        lambda s: st.tuples(*[arr(s, lo, hi, dtype) for _ in range(n)])
    )


def broadcasting(lo=-3.0, hi=3.0, dtype=F32):
    """Two arrays whose shapes broadcast together."""
    pairs = [((2, 3), (2, 3)), ((2, 3), (3,)), ((3, 1), (1, 2)), ((), (3,)), ((1, 3), ())]
    return st.sampled_from(pairs).flatmap(
        lambda s: st.tuples(*[arr(shape, lo, hi, dtype) for shape in s])
    )


def sized(*dims, lo=-3.0, hi=3.0, dtype=F32):
    """Arrays whose shapes are spelled with letters: sized("nk", "km") for a
    matrix product; each letter takes one size from SIDES."""
    letters = sorted(set("".join(dims)))

    def build(sizes):
        size = dict(zip(letters, sizes))
        return st.tuples(*[arr(tuple(size[c] for c in d), lo, hi, dtype) for d in dims])

    return st.tuples(*[st.sampled_from(SIDES) for _ in letters]).flatmap(build)


def ints(shape_dims="n", lo=0, hi=3):
    return sized(shape_dims).flatmap(
        lambda t: st.tuples(hnp.arrays(np.int64, t[0].shape, elements=st.integers(lo, hi)))
    )


NONE = st.just(())
