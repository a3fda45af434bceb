"""Pytrees, as JAX calls them: tuples, lists and dicts of arrays (and None).

The function transforms flatten their arguments and results into lists of
leaves, differentiate those, and rebuild the same structure around the
answers, so ``av.grad(loss)(params)`` and ``jax.grad(loss)(params)`` work
for a dict of parameters.
"""

from __future__ import annotations

from .messages import MESSAGES


def flatten(tree):
    """(leaves, rebuild): ``rebuild(new_leaves)`` puts them back in ``tree``'s shape."""
    if isinstance(tree, (tuple, list)):
        parts = [flatten(child) for child in tree]
        leaves = [leaf for part, _ in parts for leaf in part]

        def rebuild(values):
            children, start = [], 0
            for part, rebuild_child in parts:
                children.append(rebuild_child(values[start : start + len(part)]))
                start += len(part)
            if isinstance(tree, tuple) and hasattr(tree, "_fields"):  # a namedtuple
                return type(tree)(*children)
            return type(tree)(children)

        return leaves, rebuild
    if isinstance(tree, dict):
        keys = sorted(tree)  # JAX orders a dict's leaves by key
        leaves, rebuild_values = flatten([tree[k] for k in keys])
        return leaves, lambda values: type(tree)(zip(keys, rebuild_values(values)))
    if tree is None:
        return [], lambda values: None
    return [tree], lambda values: values[0]


def structure(tree):
    """The shape of a tree as text, leaves as ``*``: ``(*, [*, *])``, ``{'b': *}``."""
    if isinstance(tree, tuple):
        inner = ", ".join(structure(c) for c in tree)
        return f"({inner},)" if len(tree) == 1 else f"({inner})"
    if isinstance(tree, list):
        return "[" + ", ".join(structure(c) for c in tree) + "]"
    if isinstance(tree, dict):
        return "{" + ", ".join(f"{k!r}: {structure(tree[k])}" for k in sorted(tree)) + "}"
    return "None" if tree is None else "*"


def tree_map(f, tree, *rest):
    """``f`` applied leaf by leaf (to matching leaves of ``rest`` too)."""
    leaves, rebuild = flatten(tree)
    others = [flatten(r)[0] for r in rest]
    for r, other in zip(rest, others):
        if len(other) != len(leaves):
            raise MESSAGES.error(ValueError, "tree_differ", a=structure(tree), b=structure(r))
    return rebuild([f(*args) for args in zip(leaves, *others)])


def tree_leaves(tree):
    return flatten(tree)[0]


def tree_structure(tree):
    return structure(tree)
