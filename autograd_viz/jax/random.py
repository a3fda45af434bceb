"""``jax.random`` of the JAX dialect: explicit keys, no hidden state.

As in JAX, every draw takes a key and the same key always gives the same
numbers; ``split`` makes new, independent keys.  ``random.key(seed)`` is a
typed key (it prints ``dtype=key<fry>``), ``random.PRNGKey(seed)`` the older
raw form, a uint32 array of two words; both work everywhere.  The key words
of a fresh key are JAX's; the numbers drawn from a key come from numpy's
generator, so they are not JAX's bit for bit (shapes, dtypes and the
determinism are).
"""

from __future__ import annotations

import numbers

import numpy as np

from .. import scope as _scope
from .._dialect_messages import JAX
from . import _array
from ._array import Array, canonical, constant

# a different stream for each use of a key, so split keys and draws are unrelated
_SPLIT, _BITS, _FOLD = 1, 2, 3


class KeyDType:
    """The dtype of a typed key array: prints as ``key<fry>``, like JAX's threefry keys."""

    name = "key<fry>"

    def __repr__(self):
        return "key<fry>"

    __str__ = __repr__

    def __eq__(self, other):
        return isinstance(other, KeyDType)

    def __hash__(self):
        return hash(KeyDType)


class KeyArray:
    """Typed PRNG keys (from ``random.key``): an array of keys of any shape."""

    dtype = KeyDType()

    def __init__(self, words):
        self._words = np.asarray(words, dtype=np.uint32)

    @property
    def shape(self):
        return self._words.shape[:-1]

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def size(self):
        return int(np.prod(self.shape, dtype=np.int64))

    def __len__(self):
        if not self.shape:
            raise JAX.error(TypeError, "key_len")
        return self.shape[0]

    def __getitem__(self, index):
        if not self.shape:
            raise JAX.error(IndexError, "key_index")
        return KeyArray(self._words[index])

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __repr__(self):
        return f"Array({self.shape}, dtype=key<fry>) overlaying:\n{self._words}"

    __str__ = __repr__

    def __eq__(self, other):
        if isinstance(other, KeyArray):
            return constant(np.all(self._words == other._words, axis=-1))
        return NotImplemented

    __hash__ = None


def _seed_words(seed, who):
    if isinstance(seed, Array):
        if seed.dtype.kind not in "iu" or seed.shape != ():
            raise JAX.error(TypeError, "seed_array", who=who, seed=repr(seed))
        seed = int(seed.item())
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise JAX.error(TypeError, "seed_int", seed=repr(seed), type=type(seed).__name__, who=who)
    # without x64 JAX keeps the low 32 bits of the seed, in the second word
    return np.array([0, int(seed) & 0xFFFFFFFF], dtype=np.uint32)


def key(seed, *, impl=None):
    """A typed key from an integer seed: ``Array((), dtype=key<fry>) overlaying: [0 seed]``."""
    return KeyArray(_seed_words(seed, "random.key"))


def PRNGKey(seed, *, impl=None):
    """A raw key from an integer seed: a uint32 array of two words, ``[0, seed]``."""
    return constant(_seed_words(seed, "random.PRNGKey"))


def key_data(keys):
    """The uint32 words under a typed key (a raw key is returned as it is)."""
    return constant(_words(keys, "random.key_data", single=False))


def wrap_key_data(words, *, impl=None):
    return KeyArray(np.asarray(_array.as_numpy(words), dtype=np.uint32))


def _words(k, who, single=True):
    """The two uint32 words of key ``k``, a typed key or a raw uint32 key."""
    if isinstance(k, KeyArray):
        words = k._words
    elif (
        isinstance(k, (Array, np.ndarray))
        and np.asarray(_array.as_numpy(k)).dtype == np.uint32
        and np.shape(k)[-1:] == (2,)
    ):
        words = np.asarray(_array.as_numpy(k))
    else:
        raise JAX.error(TypeError, "need_key", who=who, got=_short(k))
    if single and words.shape != (2,):
        raise JAX.error(TypeError, "single_key", who=who, name=_name(who), shape=words.shape[:-1])
    return words


def _name(who):
    """ "random.normal" as JAX's messages name it: "normal"."""
    return who.rpartition(".")[2]


def _short(value):
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _generator(words, stream):
    return np.random.default_rng([stream, int(words[0]), int(words[1])])


def _same_kind(k, words):
    return KeyArray(words) if isinstance(k, KeyArray) else constant(words)


def split(key, num=2):
    """``num`` new keys from ``key`` (a key array of shape ``(num,)``)."""
    if isinstance(num, tuple):
        shape = num
    else:
        shape = (int(num),)
    words = _words(key, "random.split")
    new = _generator(words, _SPLIT).integers(0, 2**32, size=shape + (2,), dtype=np.uint32)
    return _same_kind(key, new)


def fold_in(key, data):
    """A new key from ``key`` and an integer, e.g. a step number."""
    words = _words(key, "random.fold_in")
    rng = np.random.default_rng([_FOLD, int(words[0]), int(words[1]), int(data) & 0xFFFFFFFF])
    return _same_kind(key, rng.integers(0, 2**32, size=(2,), dtype=np.uint32))


def _shape(shape, who):
    if shape is None:
        return ()
    if isinstance(shape, numbers.Integral):
        return (int(shape),)
    try:
        return tuple(int(n) for n in shape)
    except TypeError:
        raise JAX.error(TypeError, "shape_ints", who=who, shape=repr(shape)) from None


def _float_dtype(dtype, who):
    dtype = canonical(_array._dtype(dtype))
    if dtype.kind != "f":
        # JAX's normal also draws complex numbers, its uniform does not
        kinds = "float or complex" if who == "random.normal" else "float"
        raise JAX.error(
            TypeError, "float_dtype", who=who, name=_name(who), kinds=kinds, dtype=dtype
        )
    return dtype


def normal(key, shape=(), dtype=np.float32):
    """Standard normal samples of ``shape``: the same key gives the same numbers."""
    dtype = _float_dtype(dtype, "random.normal")
    rng = _generator(_words(key, "random.normal"), _BITS)
    return constant(rng.standard_normal(_shape(shape, "random.normal")).astype(dtype))


def uniform(key, shape=(), dtype=np.float32, minval=0.0, maxval=1.0):
    """Samples uniform in [minval, maxval) of ``shape``."""
    dtype = _float_dtype(dtype, "random.uniform")
    rng = _generator(_words(key, "random.uniform"), _BITS)
    lo = np.asarray(_array.as_numpy(minval), dtype=np.float64)
    hi = np.asarray(_array.as_numpy(maxval), dtype=np.float64)
    u = rng.random(_shape(shape, "random.uniform"))
    return constant(np.minimum(lo + (hi - lo) * u, np.nextafter(hi, lo)).astype(dtype))


def randint(key, shape, minval, maxval, dtype=np.int32):
    rng = _generator(_words(key, "random.randint"), _BITS)
    data = rng.integers(int(minval), int(maxval), size=_shape(shape, "random.randint"))
    return constant(data.astype(canonical(_array._dtype(dtype))))


def bernoulli(key, p=0.5, shape=None):
    rng = _generator(_words(key, "random.bernoulli"), _BITS)
    p = np.asarray(_array.as_numpy(p), dtype=np.float64)
    shape = p.shape if shape is None else _shape(shape, "random.bernoulli")
    return constant(rng.random(shape) < p)


# the names built in autograd_viz/more, and the error for the rest
_scope.complete(globals(), "jax", "jax.random")
