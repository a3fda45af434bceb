"""The engine: the primitive table, Tensor, the recorded graph and the
backward pass, forward mode, and the function transforms.

It imports nothing from the dialects or the renderer; they read it.
"""
