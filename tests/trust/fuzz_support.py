"""Helpers for the fuzz tests: a hard time limit, and byte-level mutations."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

from hypothesis import strategies as st

TIME_LIMIT = 10.0
"""Seconds any single input may take before it counts as a hang (generous: the
machine is shared; a hang is minutes, not seconds)."""


class Hang(Exception):
    """An input took longer than the time limit."""


@contextlib.contextmanager
def time_limit(seconds: float = TIME_LIMIT) -> Iterator[None]:
    """Raise :class:`Hang` in this thread if the block runs longer than ``seconds``."""
    if threading.current_thread() is not threading.main_thread():  # pragma: no cover
        yield
        return

    def on_alarm(signum: int, frame: object) -> None:
        raise Hang(f"no result within {seconds} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


SNIPPETS = (
    b"(", b")", b"[", b"]", b"{", b"}", b'"', b"\\", b"\x00", b"\xff", b"\xe4\xb8",
    b"not ", b" and ", b" or ", b"\n", b"#", b"- ", b": ", b"&a ", b"*a",
    b"!!python/object/apply:os.system ", b"2026-02-30", b"1e999", b"null", b"~", b"\t",
)


HARDENING_SNIPPETS = (
    *SNIPPETS, b"\r", "\u202e".encode(), "\u2066".encode(), "\u0663".encode(), "\uff13".encode(),
    b'"\\ud800"', b'"\\udc80"', b"9" * 4400, b"010", b"1:30", b"0x10", b"\x1b[31m",
    b"0001-01-01..9999-12-31", b"9999-12-31", b"@", b"\\@",
)
"""The snippets plus the odd input of issue 19: lone CR, bidi controls, non-ASCII digits,
lone surrogate escapes, an integer beyond Python's 4,300-digit limit, YAML 1.1 numbers,
terminal escapes, huge date ranges."""


@st.composite
def mutated(
    draw: st.DrawFn, seed: bytes, max_edits: int = 4, snippets: tuple[bytes, ...] = SNIPPETS
) -> bytes:
    """``seed`` with a few random edits: delete, duplicate, replace or insert a span."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, max_edits))):
        if not data:
            data.extend(draw(st.binary(min_size=1, max_size=8)))
            continue
        i = draw(st.integers(0, len(data) - 1))
        j = min(len(data), i + draw(st.integers(0, 24)))
        op = draw(st.sampled_from(["delete", "duplicate", "replace", "insert", "byte"]))
        if op == "delete":
            del data[i:j]
        elif op == "duplicate":
            data[i:i] = data[i:j]
        elif op == "replace":
            data[i:j] = draw(st.binary(max_size=8))
        elif op == "insert":
            data[i:i] = draw(st.sampled_from(snippets))
        else:
            data[i] = draw(st.integers(0, 255))
    return bytes(data)
