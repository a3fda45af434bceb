"""Names of each framework built outside the dialect's own module.

``autograd_viz.more.<name>`` (``torch``, ``tf``, ``mxnet``, ``jax``, and
``jax_numpy`` for ``jax.numpy``) has an ``extend(namespace)`` that the dialect's
last line (``scope.complete``) calls with the dialect module's globals: it adds
what it builds, written with the dialect's own functions and the engine's
primitives (no derivative of its own).
"""
