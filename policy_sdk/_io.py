"""Writing what the tool produces without ever losing or cutting a user's data.

Two doors, used by every command and reporter that writes:

* :func:`atomic_write` — a file is written to a temporary file in the same folder,
  flushed and fsynced, then renamed over the target in one step. A full disk, a
  quota or a kill mid-write leaves the original intact. With ``expect_digest`` the
  target's current content is hashed again just before the rename, and the write is
  refused if someone changed the file meanwhile (``fmt`` uses it).
* :func:`write_stream` — text written to a stream (stdout) in bounded chunks. Every
  failure (a short write, ``EPIPE``, ``ENOSPC``) is an :class:`OutputError`, never a
  silent cut: a single multi-gigabyte ``write`` on an unbuffered stdout is cut at
  2 GiB by the kernel without an error.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from policy_sdk.errors import Diagnostic, OutputError

__all__ = ["CHUNK", "atomic_write", "digest", "write_stream"]

#: bytes written per ``write`` call to a stream
CHUNK = 1 << 20


def digest(data: bytes) -> str:
    """SHA-256 of ``data`` as hex (what ``expect_digest`` compares)."""
    return hashlib.sha256(data).hexdigest()


def _fail(code: str, message: str, path: str | None = None, help: str | None = None) -> OutputError:
    return OutputError([Diagnostic(code, message, file=path, help=help)])


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc)


def atomic_write(
    path: str | os.PathLike[str],
    data: str | bytes | Iterable[str] | Iterable[bytes],
    *,
    expect_digest: str | None = None,
) -> None:
    """Write ``data`` to ``path`` so that the file is either the old one or the new one.

    Text is encoded as UTF-8 (an iterable of text pieces, or of pieces already encoded,
    is written piece by piece, so a large report is never held twice). The new file
    keeps the old file's permission bits (a new file gets the bits ``open`` would give
    it). ``expect_digest``: the SHA-256 the file had when it was read; if it differs
    now, nothing is written and ``file-changed`` is raised.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        mode = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o666 & ~_umask()  # what open() would give a new file
    except OSError as exc:
        raise _fail("write-failed", f"cannot write `{target}`: {_why(exc)}", str(target)) from None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise _fail("write-failed", f"cannot write `{target}`: {_why(exc)}", str(target)) from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            if isinstance(data, bytes):
                out.write(data)
            elif isinstance(data, str):
                out.write(data.encode("utf-8", "backslashreplace"))
            else:
                for piece in data:
                    out.write(piece if isinstance(piece, bytes)
                              else piece.encode("utf-8", "backslashreplace"))
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, mode)  # the temporary file was made 0600
        if expect_digest is not None:
            try:
                now = digest(target.read_bytes())
            except OSError:
                now = ""
            if now != expect_digest:
                raise _fail(
                    "file-changed",
                    f"`{target}` changed while it was being processed; it was left as it is",
                    str(target),
                    help="run the command again on the new content",
                )
        os.replace(tmp, target)
    except OutputError:
        _remove(tmp)
        raise
    except OSError as exc:
        _remove(tmp)
        raise _fail("write-failed", f"cannot write `{target}`: {_why(exc)}; the file was "
                    "left as it was", str(target)) from None
    except BaseException:
        _remove(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename durable where the folder allows it
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _umask() -> int:
    """The process's umask, read without changing it where the system tells (Linux);
    elsewhere set and restored at once."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    current = os.umask(0o022)
    os.umask(current)
    return current


def _remove(tmp: Path) -> None:
    with contextlib.suppress(OSError):
        tmp.unlink()


def write_stream(
    stream: IO[str] | IO[bytes], data: str | Iterable[str] | Iterable[bytes], *,
    name: str = "stdout",
) -> None:
    """Write ``data`` to ``stream`` in chunks of at most :data:`CHUNK` bytes, then flush
    (pieces of text are encoded as UTF-8; pieces of bytes are taken as UTF-8 already).

    Writes to the binary buffer beneath a text stream where there is one, so the bytes
    written are counted: a short write is retried with the rest, a write that makes
    no progress, and any ``OSError`` (``EPIPE``, ``ENOSPC``, …), is an
    :class:`OutputError` naming ``name``.
    """
    raw: IO[bytes] | None = getattr(stream, "buffer", None)
    try:
        if raw is None and isinstance(stream, io.TextIOBase):
            text_stream: IO[str] = stream
            for piece in _pieces(data):
                if isinstance(piece, bytes):
                    piece = piece.decode("utf-8")
                for i in range(0, len(piece), CHUNK):
                    text_stream.write(piece[i : i + CHUNK])
            text_stream.flush()
            return
        if raw is None:
            raw = stream  # type: ignore[assignment]
        else:
            with contextlib.suppress(AttributeError, ValueError):
                stream.flush()  # what was written through the text layer goes first
        assert raw is not None
        for piece in _pieces(data):
            encoded = (piece if isinstance(piece, bytes)
                       else piece.encode("utf-8", "backslashreplace"))
            view = memoryview(encoded)
            while view:
                n = raw.write(view[:CHUNK])
                if n is None:  # a non-blocking stream that would block: treat as no progress
                    n = 0
                if n <= 0:
                    raise OSError(errno.EIO, "the output accepted no more data")
                view = view[n:]
        raw.flush()
    except OSError as exc:
        if exc.errno == errno.EPIPE:
            message = f"cannot write the output to {name}: the reader closed the pipe"
        else:
            message = f"cannot write the output to {name}: {_why(exc)}"
        raise _fail("write-failed", message + "; the output is incomplete") from None


def _pieces(data: str | Iterable[str] | Iterable[bytes]) -> Iterable[str | bytes]:
    if isinstance(data, str):
        yield data
    else:
        yield from data
