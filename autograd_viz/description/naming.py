"""Names from the user's code: the variables in the frame that called us."""

from __future__ import annotations

import inspect
import sys

from ..i18n import error


def user_frame():
    """The innermost frame not inside this package: where the user's variables live."""
    frame = sys._getframe(1)
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if not (module == "autograd_viz" or module.startswith("autograd_viz.")):
            return frame
        frame = frame.f_back
    return None


def frame_variables(frame):
    """(name, value) of the frame's locals, then its globals; private names left out."""
    if frame is None:
        return
    scopes = [frame.f_locals]
    if frame.f_globals is not frame.f_locals:
        scopes.append(frame.f_globals)
    for scope in scopes:
        for var, value in list(scope.items()):
            if not var.startswith("_"):
                yield var, value


def check_names(names, is_value):
    """``names`` ({"x": x} or {x: "x"}) as [(value, name)], or a TypeError that says how."""
    if not names:
        return []
    if not isinstance(names, dict):
        raise error(TypeError, "err_names_dict")
    out = []
    for key, value in names.items():
        if isinstance(key, str) and is_value(value):
            key, value = value, key
        if not is_value(key) or not isinstance(value, str):
            raise error(TypeError, "err_names_map")
        out.append((key, value))
    return out


def param_names(fn, count):
    """Names for ``count`` arguments of ``fn``: its parameters' names; for
    ``f(*args)`` (a wrapper such as ``grad(f)``) x, or x1, x2, ... like a textbook."""
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        params = []
    names = []
    for p in params:
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            names.append(p.name)
        elif p.kind == p.VAR_POSITIONAL:
            rest = count - len(names)
            names += (
                ["x"]
                if rest == 1 and "x" not in names
                else [f"x{i + 1}" for i in range(len(names), count)]
            )
            break
    names += [f"x{i + 1}" for i in range(len(names), count)]
    return names[:count]
