"""How a command prints its report: through :func:`policy_sdk._io.write_stream`.

The report goes to stdout in bounded chunks, so a multi-gigabyte report is never cut
by the kernel's 2 GiB limit on one write; a short write is completed, and a write
error (``EPIPE``, ``ENOSPC``, …) is a message on stderr and exit status 2 — never a
silent cut with the command's ordinary status.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Callable, Iterable
from typing import NoReturn

import click

from policy_sdk._io import write_stream
from policy_sdk.errors import OutputError

__all__ = ["captured", "emit"]


def emit(text: str | Iterable[str], *, nl: bool = True) -> None:
    """Write ``text`` (and a final newline unless it ends with one) to stdout.

    On a write error the message is printed on stderr and the command exits 2.
    """
    out = sys.stdout
    pieces: Iterable[str] = [text] if isinstance(text, str) else text
    try:
        write_stream(out, _ending(pieces) if nl else pieces)
    except OutputError as err:
        _failed(err)


def _ending(pieces: Iterable[str]) -> Iterable[str]:
    last = ""
    for piece in pieces:
        if piece:
            last = piece
        yield piece
    if not last.endswith("\n"):
        yield "\n"


def _failed(err: OutputError) -> NoReturn:
    click.echo(err.render(), err=True)
    real = sys.__stdout__
    if real is not None and sys.stdout is real:
        # whatever is left in stdout's buffer cannot be written either: point the
        # descriptor at /dev/null so the interpreter's last flush does not fail again
        with contextlib.suppress(OSError, ValueError, AttributeError, io.UnsupportedOperation):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, real.fileno())
            os.close(devnull)
    sys.exit(2)


class _Capture(io.StringIO):
    """Text a rich console prints, kept; it is a terminal when stdout is one (colour)."""

    def __init__(self, terminal: bool) -> None:
        super().__init__()
        self._terminal = terminal

    def isatty(self) -> bool:
        return self._terminal


def captured(render: Callable[[], None]) -> str:
    """What ``render()`` prints to stdout (rich tables), to be written with :func:`emit`."""
    try:
        terminal = sys.stdout.isatty()
    except (ValueError, AttributeError):
        terminal = False
    buffer = _Capture(terminal)
    with contextlib.redirect_stdout(buffer):
        render()
    return buffer.getvalue()
