"""Python's garbage collector paused while a picture is built.

Building a step-through makes tens of thousands of short-lived containers
(snippets' pieces, frames, the player's data).  With the collector running,
each few hundred of them start a collection that walks every young object,
and the containers alive at that moment are promoted to older generations,
which brings on full collections: in a kernel holding PyTorch and numpy
(hundreds of thousands of objects) one full collection costs more than the
whole build.  Paused, the temporaries die by reference count as usual and the
collector resumes, where it was, when the build ends.

Only our own code runs inside (never a user's function), the pause lasts one
build, and a collector that was already off stays off.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def paused():
    """Run the block with the garbage collector off, then as it was."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # another thread pausing at the same time saw it off and leaves it
        # alone; the first to pause turns it back on
        if was_on:
            gc.enable()
