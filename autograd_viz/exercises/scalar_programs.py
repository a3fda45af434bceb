"""Small scalar computations (+, ×, relu) written once and run by several
engines: the student's ``Value`` class, and autograd_viz as the oracle.

A :class:`Program` is a list of steps; step *i* makes node *i*.  A step is a
leaf ``Value(number)`` or an op whose operands are earlier nodes (by index)
or, when raw numbers are allowed, plain Python numbers.  The last node is
the output ``L`` that ``backward()`` starts from.  The same program prints as
the code a student can paste to reproduce a failure (:meth:`Program.code`).

Running it under autograd_viz with some operand uses *detached* gives the
gradient that arrives through the other uses only: that is how the checker
recognises an engine that keeps one contribution (``=`` instead of ``+=``)
or walks the graph in the wrong order (a partial gradient).
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Step:
    kind: str  # "leaf", "add", "mul", "relu"
    args: tuple = ()  # node indices, or ("num", c) for a raw number
    value: float | None = None  # a leaf's number


@dataclass
class Program:
    steps: list
    label: str = ""  # the scenario's message key, e.g. "mini_case_diamond"
    # a long chain is shown as a few lines of code instead of all of it:
    # {"x": first value, "n": operations}, written out by code() in the student's language
    summary: dict | None = None
    names: list = field(default_factory=list)

    def __post_init__(self):
        if not self.names:
            self.names = _names(len(self.steps))

    @property
    def op_count(self):
        return sum(1 for s in self.steps if s.kind != "leaf")

    @property
    def root(self):
        return len(self.steps) - 1

    def uses(self):
        """{node: [(step, operand position), ...]} for every operand that is a node."""
        found = {}
        for i, step in enumerate(self.steps):
            for pos, a in enumerate(step.args):
                if not isinstance(a, tuple):
                    found.setdefault(a, []).append((i, pos))
        return found

    def line(self, i):
        """Node i as a line of code, e.g. ``c = a * b``."""
        step, name = self.steps[i], self.names[i]
        if step.kind == "leaf":
            return f"{name} = Value({step.value!r})"
        if step.kind == "relu":
            return f"{name} = {self._operand(step.args[0])}.relu()"
        symbol = {"add": "+", "mul": "*"}[step.kind]
        return f"{name} = {self._operand(step.args[0])} {symbol} {self._operand(step.args[1])}"

    def _operand(self, a):
        return repr(a[1]) if isinstance(a, tuple) else self.names[a]

    def code(self, limit=24, lang=None):
        """The program as code a student can paste (its comment in ``lang``)."""
        if self.summary is not None:
            from .messages import msg

            comment = msg("mini_chain_comment", lang, n=self.summary["n"])
            return f"x = Value({self.summary['x']!r})\nv = x\n# {comment}\nv.backward()"
        lines = [self.line(i) for i in range(len(self.steps))] + [f"{self.names[-1]}.backward()"]
        if len(lines) > limit:
            lines = lines[: limit - 2] + ["…", lines[-1]]
        return "\n".join(lines)

    def ancestors(self, i):
        """The nodes that node i is computed from (directly or not)."""
        seen, stack = set(), [i]
        while stack:
            for a in self.steps[stack.pop()].args:
                if not isinstance(a, tuple) and a not in seen:
                    seen.add(a)
                    stack.append(a)
        return seen

    def values(self):
        """Forward values computed with Python floats (used while generating)."""
        out = []
        for step in self.steps:
            out.append(_float_step(step, out))
        return out


def _float_step(step, out):
    def val(a):
        return a[1] if isinstance(a, tuple) else out[a]

    if step.kind == "leaf":
        return step.value
    if step.kind == "relu":
        return max(val(step.args[0]), 0.0)
    a, b = (val(x) for x in step.args)
    return a + b if step.kind == "add" else a * b


def _names(n):
    letters = [c for c in string.ascii_lowercase if c != "l"]
    names = [letters[i] if i < len(letters) else f"v{i}" for i in range(n)]
    if n:
        names[-1] = "L"
    return names


# ------------------------------------------------------------------ running


def run_student(program, Value):
    """Build the program with the student's class, call backward() on the
    output, and return every node's (data, grad) as floats."""
    nodes = []
    for step in program.steps:
        nodes.append(_student_step(step, nodes, Value))
    nodes[-1].backward()
    return {
        "data": [_number(n.data) for n in nodes],
        "grad": [_number(getattr(n, "grad", None)) for n in nodes],
    }


def _student_step(step, nodes, Value):
    if step.kind == "leaf":
        return Value(step.value)
    if step.kind == "relu":
        return nodes[step.args[0]].relu()
    a, b = (x[1] if isinstance(x, tuple) else nodes[x] for x in step.args)
    return a + b if step.kind == "add" else a * b


def _number(v):
    if v is None:
        return float("nan")
    try:
        return float(v)
    except (TypeError, ValueError):
        return float("nan")


def run_engine(program, detach=frozenset(), relu=None):
    """The same program in autograd_viz: every node's value and d L / d node.

    ``detach`` holds (step, operand position) pairs whose operand is used
    detached (its gradient stops there); ``relu`` replaces the relu op (a
    function of a Tensor), to compute what a wrong relu rule would give."""
    from ..engine.functional import gradients
    from ..engine.tensor import tensor

    nodes = []
    for i, step in enumerate(program.steps):
        if step.kind == "leaf":
            nodes.append(tensor(float(step.value), requires_grad=True))
            continue
        args = []
        for pos, a in enumerate(step.args):
            x = a[1] if isinstance(a, tuple) else nodes[a]
            if (i, pos) in detach:
                x = x.detach()
            args.append(x)
        if step.kind == "relu":
            nodes.append((relu or (lambda t: t.relu()))(args[0]))
        elif step.kind == "add":
            nodes.append(args[0] + args[1])
        else:
            nodes.append(args[0] * args[1])
    root = nodes[-1]
    grads = gradients(root, nodes) if root.requires_grad else [None] * len(nodes)
    return {
        "data": [float(n.data) for n in nodes],
        "grad": [0.0 if g is None else float(g.data) for g in grads],
    }


# relu with a wrong derivative, for recognising the mistake (values stay relu's)
def relu_passing_everything(t):
    """relu's value with derivative 1 everywhere (the gate forgotten)."""
    return t + (t.relu() - t).detach()


def relu_times_value(t):
    """relu's value with derivative relu(t) (the value used as the derivative)."""
    r = t.relu().detach()
    return r + r * (t - t.detach())


# ------------------------------------------------------------------ programs


def _leaf(v):
    return Step("leaf", value=float(np.round(v, 4)))


def _away_from_zero(rng, low=0.5, high=2.0, sign=None):
    s = sign if sign is not None else rng.choice([-1.0, 1.0])
    return float(s * rng.uniform(low, high))


def basic(rng):
    """L = a·b + c: nothing used twice."""
    steps = [_leaf(_away_from_zero(rng)) for _ in range(3)]
    steps += [Step("mul", (0, 1)), Step("add", (3, 2))]
    return Program(steps, "mini_case_basic")


def reused(rng):
    """L = a·a + a·b: a is used three times (twice by one ×)."""
    steps = [_leaf(_away_from_zero(rng)) for _ in range(2)]
    steps += [Step("mul", (0, 0)), Step("mul", (0, 1)), Step("add", (2, 3))]
    return Program(steps, "mini_case_reused")


def diamond(rng):
    """a = x·w reaches L along two paths of different lengths:
    L = (a·u) · ((a + v)·k).  A walk that is not topological sends on a's
    gradient before both paths have delivered theirs."""
    steps = [_leaf(_away_from_zero(rng)) for _ in range(5)]  # x w u v k
    steps += [
        Step("mul", (0, 1)),  # 5: a = x·w
        Step("mul", (5, 2)),  # 6: b = a·u
        Step("add", (5, 3)),  # 7: c = a + v
        Step("mul", (7, 4)),  # 8: d = c·k
        Step("mul", (6, 8)),
    ]  # 9: L = b·d
    return Program(steps, "mini_case_diamond")


def relu_negative(rng):
    """relu at a negative input (must send 0 back) and at a positive one."""
    a = _away_from_zero(rng, sign=1.0)
    b = _away_from_zero(rng, sign=-1.0)  # a·b < 0
    c, d = (_away_from_zero(rng, sign=1.0) for _ in range(2))
    e = _away_from_zero(rng)
    steps = [_leaf(v) for v in (a, b, c, d, e)]
    steps += [
        Step("mul", (0, 1)),  # 5: p = a·b < 0
        Step("relu", (5,)),  # 6: relu(p) = 0
        Step("add", (2, 3)),  # 7: s = c + d > 0
        Step("relu", (7,)),  # 8: relu(s) = s
        Step("add", (6, 8)),  # 9
        Step("mul", (9, 4)),
    ]  # 10: L
    return Program(steps, "mini_case_relu")


def long_chain(rng, n_ops):
    """x, then n_ops operations alternating v·k and v + k with fresh leaves k
    (a relu now and then, on positive values): deeper than Python's
    recursion limit, so a recursive backward fails here."""
    steps = [_leaf(rng.uniform(0.5, 1.5))]
    v = 0
    for i in range(n_ops):
        if i % 10 == 9:
            steps.append(Step("relu", (v,)))
        else:
            k = rng.uniform(0.995, 1.005) if i % 2 == 0 else rng.uniform(0.0, 0.01)
            steps.append(_leaf(k))
            steps.append(Step("mul" if i % 2 == 0 else "add", (v, len(steps) - 1)))
        v = len(steps) - 1
    summary = {"x": steps[0].value, "n": n_ops}
    return Program(steps, "mini_case_chain", summary=summary)


def numbers_mixed(rng):
    """Raw Python numbers on either side: 2 * a + a * 3 + 1."""
    steps = [_leaf(_away_from_zero(rng))]
    steps += [
        Step("mul", (("num", 2.0), 0)),
        Step("mul", (0, ("num", 3.0))),
        Step("add", (1, 2)),
        Step("add", (3, ("num", 1.0))),
    ]
    return Program(steps, "mini_case_numbers")


def random_program(rng, numbers=False):
    """A random expression: 3-5 leaves, 6-12 ops reusing earlier nodes, and
    every node that nothing used yet summed into L, so all of them count."""
    steps = [_leaf(_away_from_zero(rng, 0.3, 2.0)) for _ in range(int(rng.integers(3, 6)))]
    values = [s.value for s in steps]
    for _ in range(int(rng.integers(6, 13))):
        kind = rng.choice(["add", "mul", "mul", "relu"])
        recent = max(0, len(steps) - 4)

        def pick(recent=recent):
            # mostly one of the last few values, so chains grow; sometimes any value
            if rng.random() < 0.6:
                return int(rng.integers(recent, len(steps)))
            return int(rng.integers(0, len(steps)))

        if kind == "relu":
            # never relu at exactly 0 (relu of a relu that was cut): its
            # derivative there is a convention, not something to grade
            choices = [i for i in range(len(steps)) if abs(values[i]) > 1e-6]
            a = choices[int(rng.integers(len(choices)))]
            step = Step("relu", (a,))
        else:
            args = [pick(), pick()]
            if numbers and rng.random() < 0.3:
                args[int(rng.integers(2))] = ("num", float(rng.choice([2.0, -1.0, 0.5, 3.0])))
            step = Step(kind, tuple(args))
        steps.append(step)
        values.append(_float_step(step, values))
    used = {a for s in steps for a in s.args if not isinstance(a, tuple)}
    sinks = [i for i in range(len(steps)) if i not in used]
    acc = sinks[0]
    for s in sinks[1:]:  # sinks ascend, so the last sum is the last node: L
        steps.append(Step("add", (acc, s)))
        acc = len(steps) - 1
    return Program(steps, "mini_case_random")
