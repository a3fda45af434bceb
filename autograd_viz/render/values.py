"""How numbers, arrays and user text read on a diagram: compact numbers,
small vectors in full, big ones summarised, and text escaped for DOT and HTML."""

from __future__ import annotations

import math

import numpy as np

from ..i18n import t

SMALL_ENTRIES = 6  # vectors up to this many entries show every value


# ---------------------------------------------------------------- numbers


def fmt_number(x):
    """A compact number: 4 significant digits, no trailing '.0', no '-0'."""
    if isinstance(x, (bool, np.bool_)):
        return "True" if x else "False"
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0:
        return "0"
    s = format(x, ".4g")
    if "e" in s:
        mant, exp = s.split("e")
        s = f"{mant}e{int(exp)}"
    return s


def _fmt_flat(values):
    return ", ".join(fmt_number(v) for v in values)


def fmt_array(a, max_entries=SMALL_ENTRIES):
    """A value on one line: '3', '[0, 1, 2]', '[[1, 2], [3, 4]]' (small ones only)."""
    a = np.asarray(a)
    if a.ndim == 0:
        return fmt_number(a.item())
    if a.size > max_entries:
        return None
    if a.ndim == 1:
        return "[" + _fmt_flat(a) + "]"
    return "[" + ", ".join(fmt_array(row, max_entries) for row in a) + "]"


def fmt_shape(shape):
    return "×".join(str(n) for n in shape) if shape else "()"


def value_lines(a, lang, prefix, max_entries=SMALL_ENTRIES):
    """Lines describing an array: all of it when small, else shape, first entries, range."""
    a = np.asarray(a)
    small = fmt_array(a, max_entries)
    if small is not None:
        if a.ndim == 2 and a.shape[0] > 1:
            # a matrix reads as its rows, one line each: the box is as wide as a
            # row, not as all of them (a layer's weights stay readable)
            rows = [fmt_array(r, max_entries) for r in a]
            middle = [f" {r}," for r in rows[1:-1]]
            return [f"{prefix}[{rows[0]},", *middle, f" {rows[-1]}]"]
        return [f"{prefix}{small}"]
    flat = a.ravel()
    head = _fmt_flat(flat[:3])
    return [
        f"{prefix}[{head}, …] ({t('shape', lang)} {fmt_shape(a.shape)})",
        f"{t('min', lang)} {fmt_number(flat.min())}, {t('max', lang)} {fmt_number(flat.max())}",
    ]


def fmt_inline(a, max_entries=8):
    """One line for the explanation panel: the value, or a summary for big arrays."""
    a = np.asarray(a)
    small = fmt_array(a, max_entries)
    if small is not None:
        return small
    flat = a.ravel()
    return f"[{_fmt_flat(flat[:4])}, …] ({fmt_shape(a.shape)})"


# ---------------------------------------------------------------- escaping


def esc_html(text):
    """Escape text for HTML-like DOT labels, SVG and HTML."""
    return (
        str(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def esc_dot_string(text):
    """Escape text for a double-quoted DOT string."""
    return str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
