"""Pausing Python's cyclic garbage collector around allocation-heavy work — by choice.

Parsing a large policy file, loading a large facts file, evaluating and writing a large
report allocate millions of objects and create no reference cycles; the collector would
only re-scan them (a third to a half of the time). :func:`gc_paused` pauses it for the
duration of a block.

``gc.disable()`` is process-wide: it stops collection in every thread of the process,
the host's included. So :func:`gc_paused` pauses only where pausing was chosen:

* the command line owns its process: its ``main`` runs inside :func:`gc_pause_allowed`;
* an embedder opts in per engine (``Engine(..., pause_gc=True)``) or per block
  (``with gc_pause_allowed(): ...``, a context variable: it covers the current thread
  or task only, and the calls made inside the block).

Elsewhere :func:`gc_paused` does nothing and the host's collector runs as configured.

The pause itself is reference-counted under a lock: with several threads inside, the
collector comes back on when the last one leaves, and only if it was on when the first
one entered. (A naive ``isenabled()``/``disable()``/``enable()`` per call can leave it
off for good when two threads interleave.)
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["gc_pause_allowed", "gc_pause_is_allowed", "gc_paused"]

_lock = threading.Lock()
_depth = 0
_restore = False
_allowed: ContextVar[bool] = ContextVar("policy_sdk_gc_pause_allowed", default=False)


@contextmanager
def gc_pause_allowed(on: bool = True) -> Iterator[None]:
    """Within this block (this thread or task), :func:`gc_paused` may pause the collector.

    The pause is still process-wide while it lasts: opt in where the host has no other
    threads that allocate much, or does not mind their collection waiting.

    ``on=False`` leaves the current choice as it is (handy for an optional opt-in).
    """
    if not on:
        yield
        return
    token = _allowed.set(True)
    try:
        yield
    finally:
        _allowed.reset(token)


def gc_pause_is_allowed() -> bool:
    """Whether :func:`gc_paused` would pause the collector here."""
    return _allowed.get()


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic collector for this block, where pausing was allowed."""
    global _depth, _restore
    if not (_allowed.get()):
        yield
        return
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
