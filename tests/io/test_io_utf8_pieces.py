"""Pieces already in UTF-8 (the JSON report of `check`, written in UTF-8 as it is made)
are written as they are, beside pieces of text, by both doors of ``policy_sdk._io``."""

from __future__ import annotations

import io
from pathlib import Path

from policy_sdk._io import CHUNK, atomic_write, write_stream


class _Binary(io.RawIOBase):
    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, b: object) -> int:
        view = memoryview(b)  # type: ignore[arg-type]
        self.data += view
        return len(view)


def test_bytes_pieces_reach_a_stream_unchanged() -> None:
    sink = _Binary()
    pieces: list[bytes] = ["备案".encode(), b"a" * (CHUNK + 3), b"\\ud800"]
    write_stream(sink, pieces)  # type: ignore[arg-type]
    assert bytes(sink.data) == b"".join(pieces)
    text = io.StringIO()  # a text stream without a buffer: decoded again
    write_stream(text, pieces)
    assert text.getvalue() == "备案" + "a" * (CHUNK + 3) + "\\ud800"


def test_bytes_pieces_reach_a_file_unchanged(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    atomic_write(target, iter([b"{", "\"算法\": 1}\n".encode()]))
    assert target.read_text(encoding="utf-8") == "{\"算法\": 1}\n"
