"""The shape of a recorded graph, compared with a formula's.

Two graphs count as the same formula when they apply the same operations to
the same things, whatever the spelling: ``x * x`` and ``x ** 2`` are both a
square, ``1 / x`` and ``x ** -1`` both a reciprocal, and the inputs of ``+``
and ``×`` may come in either order.  A graph becomes a nested tuple (its
*canonical tree*) in which those spellings coincide; two trees are compared
with ``==``, and :func:`formula` turns one back into text a student reads.
"""

from __future__ import annotations

import html
from collections import Counter

import numpy as np

VARIABLE = ("x",)
OUTSIDE = ("outside",)  # a constant array where a traced value belongs
_COMMUTATIVE = {"add", "mul"}
# ops that change neither value nor meaning of a scalar formula
_TRANSPARENT = {"cast", "reshape"}


def canonical(root, sort=True, computed=()):
    """The canonical tree of ``root``'s recorded graph.  Leaves that require a
    gradient are the variable ``x``; other leaves are constants (a number, or
    :data:`OUTSIDE` for an array that is not one repeated number, or for a
    number equal to one of ``computed``: the values the formula's own ops take
    at this x, which a constant only has when it was computed outside the
    framework).  With ``sort=False`` the inputs of + and × keep the student's
    order (for text)."""
    memo = {}
    computed = [float(v) for v in computed]

    def _constant(data):
        found = _constant_of(data)
        # whole numbers are literals (the 2 of x ** 2), never a computed value
        if (
            found[0] == "const"
            and not found[1].is_integer()
            and any(abs(found[1] - v) <= 1e-6 * max(1.0, abs(v)) for v in computed)
        ):
            return OUTSIDE
        return found

    def walk(t):
        key = id(t)
        if key in memo:
            return memo[key]
        if t.is_leaf:
            out = VARIABLE if t.requires_grad else _constant(t.data)
        else:
            out = _node(t.op.name, [walk(p) for p in t.inputs], sort)
        memo[key] = out
        return out

    return walk(root)


def _constant_of(data):
    arr = np.asarray(data, dtype=np.float64)
    if arr.size and np.all(arr == arr.flat[0]):
        return ("const", float(np.round(arr.flat[0], 12)))
    return OUTSIDE


def _node(op, kids, sort=True):
    if op in _TRANSPARENT:
        return kids[0]
    if op == "mul" and kids[0] == kids[1]:
        return ("square", kids[0])
    if op == "pow" and kids[1] == ("const", 2.0):
        return ("square", kids[0])
    if op == "pow" and kids[1] == ("const", -1.0):
        return ("recip", kids[0])
    if op == "div" and kids[0] == ("const", 1.0):
        return ("recip", kids[1])
    if op in _COMMUTATIVE and sort:
        kids = sorted(kids, key=repr)
    return (op, *kids)


def operations(tree):
    """How often each operation occurs in a canonical tree."""
    counts = Counter()
    stack = [tree]
    while stack:
        node = stack.pop()
        if node[0] in ("x", "const", "outside"):
            continue
        counts[node[0]] += 1
        stack.extend(node[1:])
    return counts


def contains(tree, leaf):
    stack = [tree]
    while stack:
        node = stack.pop()
        if node == leaf:
            return True
        if node[0] not in ("x", "const", "outside"):
            stack.extend(node[1:])
    return False


_INFIX = {"add": " + ", "sub": " − ", "mul": "·", "div": " / ", "pow": "^"}
_PREC = {"add": 1, "sub": 1, "mul": 2, "div": 2, "neg": 3, "recip": 2, "pow": 4, "square": 4}


def formula(tree, outside_text="(numbers)"):
    """The canonical tree as a formula, e.g. ``log(x²)·sin(x) + 1/x``."""
    kind = tree[0]
    if kind == "x":
        return "x"
    if kind == "const":
        return f"{tree[1]:g}"
    if kind == "outside":
        return outside_text
    kids = tree[1:]
    prec = _PREC.get(kind, 5)

    def sub(t, strict=False):
        text = formula(t, outside_text)
        inner = _PREC.get(t[0], 5)
        return f"({text})" if inner < prec or (strict and inner == prec) else text

    if kind == "square":
        return sub(kids[0], strict=True) + "²"
    if kind == "recip":
        return "1/" + sub(kids[0], strict=True)
    if kind == "neg":
        return "−" + sub(kids[0], strict=True)
    if kind in _INFIX and len(kids) == 2:
        strict_right = kind in ("sub", "div", "pow")
        return sub(kids[0]) + _INFIX[kind] + sub(kids[1], strict=strict_right)
    return f"{kind}(" + ", ".join(formula(k, outside_text) for k in kids) + ")"


# how an operation of a canonical tree is named to a student
OP_TEXT = {
    "en": {
        "square": "x² (x*x or x**2)",
        "recip": "1/x (1/x or x**-1)",
        "add": "+",
        "sub": "−",
        "mul": "×",
        "div": "/",
        "pow": "a power (**)",
        "neg": "unary −",
    },
    "vi": {
        "square": "x² (x*x hoặc x**2)",
        "recip": "1/x (1/x hoặc x**-1)",
        "add": "+",
        "sub": "−",
        "mul": "×",
        "div": "/",
        "pow": "một lũy thừa (**)",
        "neg": "dấu − một ngôi",
    },
}


def describe_ops(counts, lang="en"):
    names = OP_TEXT[lang]
    return ", ".join(
        (names.get(op, op) + (f" ×{n}" if n > 1 else "")) for op, n in sorted(counts.items())
    )


def side_by_side(left_svg, left_title, right_svg, right_title):
    """Two drawn graphs next to each other, as one HTML fragment (titles escaped)."""
    from ..render.html import svg_img_html
    from ..render.style import font_style

    def panel(svg, title):
        # an <img> rather than inline <svg>: a saved notebook that is not
        # trusted strips inline SVG (and <style>) but keeps images; each
        # drawing shrinks to its half of the width
        return (
            f'<div style="flex:1 1 0;min-width:420px">'
            f'<div style="font-weight:bold;margin-bottom:4px">{html.escape(title)}</div>'
            f"{svg_img_html(svg, title)}</div>"
        )

    return (
        '<div class="av-graphs" style="display:flex;gap:16px;flex-wrap:wrap;'
        f'align-items:flex-start;{font_style()}">{panel(left_svg, left_title)}'
        f"{panel(right_svg, right_title)}</div>"
    )
