"""Small graphs that several renderer tests draw.

Each builder runs its backward pass and returns the tensors, so the test
binds them to its own variables: diagrams take unnamed tensors' names from
the caller's frame, which is the test, not this module.
"""

import autograd_viz as av


def first_example():
    """The chapter's first example, y = 2 xᵀx, after y.backward()."""
    x = av.arange(4.0, requires_grad=True)
    y = 2 * av.dot(x, x)
    y.backward()
    return x, y


def detach_example():
    """The chapter's detach example after z.sum().backward(): (x, y, u, z)."""
    x = av.arange(4.0, requires_grad=True)
    y = x * x
    u = y.detach()
    z = u * x
    z.sum().backward()
    return x, y, u, z


def neuron():
    """One tanh neuron with a loss that uses w1 and o twice (accumulation),
    after backward: (loss, {name: parameter}, o)."""
    x1, x2 = av.tensor(2.0, name="x1"), av.tensor(0.0, name="x2")
    w1 = av.tensor(-3.0, requires_grad=True, name="w1")
    w2 = av.tensor(1.0, requires_grad=True, name="w2")
    b = av.tensor(6.88, requires_grad=True, name="b")
    o = av.tanh(x1 * w1 + x2 * w2 + b)
    loss = (o - 1) ** 2 + o * w1
    loss.backward()
    return loss, {"w1": w1, "w2": w2, "b": b}, o


def doubling_loop(a):
    """Python control flow that the recorded graph unrolls: double a scalar
    until its size passes 100, then keep it positive.  Each pass records one
    mul, so the diagram has a run of equal ops to group; d/da = ±2**passes."""
    b = a * 2
    while abs(float(b)) < 100:
        b = b * 2
    return b if float(b) > 0 else -b
