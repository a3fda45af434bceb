"""Hypothesis strategies for engine tests: shapes, values inside each op's
domain, axes for reductions, indices for getitem, operand shapes for matmul.

Values are kept away from the places where central differences lie (kinks of
relu/abs, ties of max, zero denominators, log/sqrt near 0), so a failing
check means a wrong derivative, not a bad test point.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

MAX_DIMS = 3
MAX_SIDE = 3


def shapes(min_dims=0, max_dims=MAX_DIMS, min_side=1, max_side=MAX_SIDE):
    """Array shapes, 0-d (a scalar) included by default."""
    return hnp.array_shapes(
        min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side
    )


def floats(lo, hi):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False, allow_subnormal=False)


def away_from_zero(lo=0.1, hi=2.0):
    """Floats with lo <= |x| <= hi, either sign."""
    return st.one_of(floats(lo, hi), floats(-hi, -lo))


def arrays(shape, elements):
    return hnp.arrays(np.float64, shape, elements=elements)


def values(shape, lo=-2.0, hi=2.0):
    return arrays(shape, floats(lo, hi))


def nonzero_values(shape, lo=0.1, hi=2.0):
    return arrays(shape, away_from_zero(lo, hi))


@st.composite
def distinct_values(draw, shape, gap=0.25):
    """Values whose pairwise distance is at least ``gap`` (no ties for max,
    even after a finite-difference step)."""
    n = int(np.prod(shape)) if shape else 1
    order = draw(st.permutations(range(n)))
    jitter = draw(arrays((n,), floats(0.0, 0.1)))
    offset = draw(floats(-1.0, 1.0))
    flat = np.asarray(order, dtype=np.float64) * gap * 1.5 + jitter + offset - n * gap * 0.75
    return flat.reshape(shape)


def broadcast_pair():
    """Two shapes that broadcast together (0-d, size-1 axes, missing axes)."""
    return hnp.mutually_broadcastable_shapes(
        num_shapes=2, min_dims=0, max_dims=MAX_DIMS, min_side=1, max_side=MAX_SIDE
    ).map(lambda bs: bs.input_shapes)


def shape_broadcasting_to(shape):
    """A shape that np.broadcast_to(x, shape) accepts: same or fewer axes,
    each either matching or 1."""
    return hnp.broadcastable_shapes(
        shape, min_dims=0, max_dims=len(shape), min_side=1, max_side=MAX_SIDE
    ).filter(lambda s: np.broadcast_shapes(s, shape) == tuple(shape))


@st.composite
def axes_for(draw, ndim):
    """An ``axis`` argument for a reduction over ``ndim`` axes: None, an int
    (possibly negative), or a tuple of distinct axes (possibly empty)."""
    choices = [st.none(), st.just(())]
    if ndim:
        choices.append(st.integers(-ndim, ndim - 1))
        choices.append(
            st.lists(st.integers(0, ndim - 1), unique=True, max_size=ndim).flatmap(
                lambda ax: st.tuples(*[st.sampled_from([a, a - ndim]) for a in ax])
            )
        )
    return draw(st.one_of(*choices))


@st.composite
def reshape_targets(draw, shape):
    """A shape with the same number of elements, sometimes spelled with -1."""
    size = int(np.prod(shape)) if shape else 1
    divisors = [d for d in range(1, size + 1) if size % d == 0]
    options = [(size,), (-1,), (1, size), (size, 1)]
    options += [(d, size // d) for d in divisors]
    options += [(d, -1) for d in divisors]
    options += [(1, d, size // d) for d in divisors]
    if size == 1:
        options += [(), (1, 1, 1)]
    return draw(st.sampled_from(options))


@st.composite
def transpose_axes(draw, ndim):
    """None or a permutation of the axes, some written as negative numbers."""
    if draw(st.booleans()):
        return None
    perm = draw(st.permutations(range(ndim)))
    return tuple(draw(st.sampled_from([a, a - ndim])) if ndim else a for a in perm)


@st.composite
def indices_for(draw, shape):
    """An index into an array of ``shape``: basic (ints, slices, Ellipsis,
    None), integer arrays (repeats allowed), a boolean mask, or a mix."""
    kind = draw(st.sampled_from(["basic", "int_array", "mask", "mixed"]))
    if kind == "basic" or not shape:
        if not shape and kind == "mask":
            return np.array(draw(st.booleans()))
        return draw(hnp.basic_indices(shape, min_dims=0, allow_newaxis=True, allow_ellipsis=True))
    if kind == "int_array":
        return draw(hnp.integer_array_indices(shape, result_shape=shapes(min_dims=1, max_dims=2)))
    if kind == "mask":
        # a mask over the leading axes (all of them or just the first)
        n = draw(st.integers(1, len(shape)))
        return draw(hnp.arrays(np.bool_, shape[:n]))
    # an integer array on the first axis and a slice on the next
    idx = draw(
        hnp.arrays(
            np.intp,
            draw(shapes(min_dims=1, max_dims=1)),
            elements=st.integers(-shape[0], shape[0] - 1),
        )
    )
    rest = tuple(
        draw(st.sampled_from([slice(None), slice(None, None, -1), slice(1, None)]))
        for _ in shape[1:2]
    )
    return (idx,) + rest


@st.composite
def matmul_shapes(draw):
    """Operand shapes for matmul: 1-d and 2-d operands and batched ones whose
    batch axes broadcast."""
    n, k, m = (draw(st.integers(1, MAX_SIDE)) for _ in range(3))
    batch_a, batch_b = draw(
        hnp.mutually_broadcastable_shapes(
            num_shapes=2, min_dims=0, max_dims=2, min_side=1, max_side=2
        )
    ).input_shapes
    a_is_vector = draw(st.booleans())
    b_is_vector = draw(st.booleans())
    a = (k,) if a_is_vector else batch_a + (n, k)
    b = (k,) if b_is_vector else batch_b + (k, m)
    return a, b
