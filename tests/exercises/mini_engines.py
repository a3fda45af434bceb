"""Scalar autograd engines a student might hand in: one clean reference
class, and one broken class per classic mistake (each a small subclass that
changes only what the mistake changes), for tests/exercises/test_backprop.py."""

from __future__ import annotations

from collections import deque


class Value:
    """The reference: every op adds (+=) upstream × local derivative into its
    inputs' .grad; backward() seeds 1 and walks a topological order built
    with an explicit stack, in reverse."""

    def __init__(self, data, _children=()):
        self.data = float(data)
        self.grad = 0.0
        self._prev = tuple(_children)
        self._back = lambda: None

    @staticmethod
    def _wrap(other):
        return other if isinstance(other, Value) else Value(other)

    def __add__(self, other):
        other = self._wrap(other)
        out = type(self)(self.data + other.data, (self, other))

        def back():
            self.grad += out.grad
            other.grad += out.grad

        out._back = back
        return out

    def __mul__(self, other):
        other = self._wrap(other)
        out = type(self)(self.data * other.data, (self, other))

        def back():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._back = back
        return out

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def relu(self):
        out = type(self)(self.data if self.data > 0 else 0.0, (self,))

        def back():
            self.grad += (1.0 if self.data > 0 else 0.0) * out.grad

        out._back = back
        return out

    def topological_order(self):
        order, seen, stack = [], set(), [(self, False)]
        while stack:
            node, finished = stack.pop()
            if finished:
                order.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((c, False) for c in node._prev if id(c) not in seen)
        return order

    def backward(self):
        self.grad = 1.0
        for node in reversed(self.topological_order()):
            node._back()


class AssignNotAdd(Value):
    """`=` instead of `+=`: a value used twice keeps the last contribution."""

    def __add__(self, other):
        other = self._wrap(other)
        out = type(self)(self.data + other.data, (self, other))

        def back():
            self.grad = out.grad
            other.grad = out.grad

        out._back = back
        return out

    def __mul__(self, other):
        other = self._wrap(other)
        out = type(self)(self.data * other.data, (self, other))

        def back():
            self.grad = other.data * out.grad
            other.grad = self.data * out.grad

        out._back = back
        return out


class DepthFirstOnce(Value):
    """No topological order: each node sends its gradient on when first
    reached (depth first, each node once), before its other uses report."""

    def backward(self):
        self.grad = 1.0
        seen, stack = set(), [self]
        while stack:
            node = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            node._back()
            stack.extend(node._prev)


class RecursiveNoMemory(Value):
    """No topological order, no memory of visited nodes: a node used twice
    sends its gradient on twice (once partial, once whole)."""

    def backward(self):
        self.grad = 1.0
        self._send()

    def _send(self):
        self._back()
        for child in self._prev:
            child._send()


class BreadthFirst(Value):
    """No topological order: nodes in breadth-first order from L (right for
    paths of equal length only)."""

    def backward(self):
        self.grad = 1.0
        seen, queue = {id(self)}, deque([self])
        while queue:
            node = queue.popleft()
            node._back()
            for child in node._prev:
                if id(child) not in seen:
                    seen.add(id(child))
                    queue.append(child)


class NoSeed(Value):
    """backward() forgets self.grad = 1: every gradient stays 0."""

    def backward(self):
        for node in reversed(self.topological_order()):
            node._back()


class WrongDirection(Value):
    """The topological order walked from the inputs to L instead of back."""

    def backward(self):
        self.grad = 1.0
        for node in self.topological_order():
            node._back()


class RecursiveTopo(Value):
    """Right, but the order is built by recursion: a long chain exceeds
    Python's recursion limit."""

    def topological_order(self):
        order, seen = [], set()

        def visit(node):
            if id(node) not in seen:
                seen.add(id(node))
                for child in node._prev:
                    visit(child)
                order.append(node)

        visit(self)
        return order


class ReluPassesEverything(Value):
    """relu's backward forgets the gate: gradient 1 even at negative inputs."""

    def relu(self):
        out = type(self)(self.data if self.data > 0 else 0.0, (self,))

        def back():
            self.grad += out.grad

        out._back = back
        return out


class ReluTimesValue(Value):
    """relu's backward multiplies by the output value instead of 1."""

    def relu(self):
        out = type(self)(self.data if self.data > 0 else 0.0, (self,))

        def back():
            self.grad += out.data * out.grad

        out._back = back
        return out


class ReluForwardWrong(Value):
    """relu's forward forgets to clip negative values."""

    def relu(self):
        out = type(self)(self.data, (self,))

        def back():
            self.grad += (1.0 if self.data > 0 else 0.0) * out.grad

        out._back = back
        return out


class NoRelu(Value):
    """No relu method at all."""

    relu = None


class ValuesOnly(Value):
    """Fine with Value(c) constants; plain numbers break it."""

    @staticmethod
    def _wrap(other):
        return other

    __radd__ = None
    __rmul__ = None
