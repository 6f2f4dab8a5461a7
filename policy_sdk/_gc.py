"""Pausing Python's cyclic garbage collector around allocation-heavy work, thread-safely.

Parsing a large policy file and loading a large facts file allocate millions of
objects and create no reference cycles; the collector would only re-scan them (a third
to a half of the time). :func:`gc_paused` pauses it for the duration of a block.

The pause is reference-counted under a lock: with several threads inside, the
collector comes back on when the last one leaves, and only if it was on when the first
one entered. (A naive ``isenabled()``/``disable()``/``enable()`` per call can leave it
off for good when two threads interleave.)
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_restore = False


@contextmanager
def gc_paused() -> Iterator[None]:
    global _depth, _restore
    with _lock:
        if _depth == 0:
            _restore = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _restore:
                gc.enable()
