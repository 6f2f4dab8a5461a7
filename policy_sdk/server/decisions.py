"""The decision log: one JSON line per decision, appended to a file (rotated by size) or
written to standard output.

Several worker processes append to one file. Each line is written whole, on a file
opened for appending, while holding an exclusive ``flock`` on ``FILE.lock`` (a small
file kept next to the log), which also serializes rotation: ``FILE`` → ``FILE.1`` → … →
``FILE.N``, the oldest dropped. A worker whose file was rotated by another reopens it.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
import threading
from collections.abc import Mapping
from typing import Any

from policy_sdk.errors import Diagnostic
from policy_sdk.server.config import ServerError

__all__ = ["DecisionLog"]


class DecisionLog:
    """Appends decision records; ``path`` ``"-"`` is standard output."""

    def __init__(self, path: str, *, max_bytes: int, backups: int) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self.backups = max(0, backups)
        self._lock = threading.Lock()
        self._fd: int | None = None
        self._lock_fd: int | None = None
        if path != "-":
            self._fd = self._open()
            self._lock_fd = self._open(path + ".lock")

    def _open(self, path: str | None = None) -> int:
        try:
            return os.open(path or self.path,
                           os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o640)
        except OSError as exc:
            raise ServerError([Diagnostic("decision-log", f"cannot open the decision log "
                                          f"`{self.path}`: {exc.strerror or exc}",
                                          file=self.path)]) from None

    def write(self, record: dict[str, Any], raw: Mapping[str, str] | None = None) -> None:
        """Append ``record`` as one line (keys sorted, UTF-8, no ASCII escapes); ``raw``
        maps more keys to JSON text that is already written (one line, no newline),
        added after the sorted keys as it is."""
        text = json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        if raw:
            extra = "".join(f",{json.dumps(k)}:{v}" for k, v in raw.items())
            text = text[:-1] + extra + "}" if text != "{}" else "{" + extra[1:] + "}"
        line = (text + "\n").encode("utf-8")
        with self._lock:
            if self._fd is None:
                _write_all(sys.stdout.fileno(), line)
                return
            assert self._lock_fd is not None
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX)
            try:
                fd = self._current()  # another worker may have rotated it
                size = os.fstat(fd).st_size
                if size and size + len(line) > self.max_bytes:
                    self._rotate()
                    fd = self._current()
                _write_all(fd, line)
            finally:
                fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    def _names(self, fd: int) -> bool:
        """Whether the log's path still names the file ``fd`` is open on."""
        try:
            return os.path.samestat(os.fstat(fd), os.stat(self.path))
        except OSError:
            return False

    def _current(self) -> int:
        """The open log, reopened when the path now names another file (rotated)."""
        assert self._fd is not None
        if not self._names(self._fd):
            os.close(self._fd)
            self._fd = self._open()
        return self._fd

    def _rotate(self) -> None:
        if self.backups == 0:
            os.truncate(self.path, 0)
            return
        for i in range(self.backups - 1, 0, -1):
            older = f"{self.path}.{i}"
            if os.path.exists(older):
                os.replace(older, f"{self.path}.{i + 1}")
        os.replace(self.path, f"{self.path}.1")

    def close(self) -> None:
        with self._lock:
            for fd in (self._fd, self._lock_fd):
                if fd is not None:
                    os.close(fd)
            self._fd = self._lock_fd = None


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]
