"""policy_sdk._io: atomic file writes and chunked stream writes never cut silently."""

from __future__ import annotations

import errno
import io
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from policy_sdk._io import CHUNK, atomic_write, digest, write_stream
from policy_sdk.errors import OutputError


def test_atomic_write_replaces_and_keeps_mode(tmp_path: Path) -> None:
    f = tmp_path / "a.policy"
    f.write_text("old")
    os.chmod(f, 0o640)
    atomic_write(f, "新的")
    assert f.read_text(encoding="utf-8") == "新的"
    assert f.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["a.policy"]


def test_atomic_write_refuses_a_changed_file(tmp_path: Path) -> None:
    f = tmp_path / "a.policy"
    f.write_text("first")
    seen = digest(f.read_bytes())
    f.write_text("first, edited meanwhile")
    with pytest.raises(OutputError) as err:
        atomic_write(f, "formatted", expect_digest=seen)
    assert err.value.code == "file-changed"
    assert f.read_text() == "first, edited meanwhile"
    assert [p.name for p in tmp_path.iterdir()] == ["a.policy"]


def test_atomic_write_interrupted_by_file_size_limit_keeps_original(tmp_path: Path) -> None:
    f = tmp_path / "big.policy"
    original = "x" * 8000
    f.write_text(original)
    code = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))\n"
        "from policy_sdk._io import atomic_write\n"
        "from policy_sdk.errors import OutputError\n"
        "try:\n"
        f"    atomic_write({str(f)!r}, 'y' * 9000)\n"
        "except OutputError as e:\n"
        "    print(e.code); sys.exit(2)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout.strip() == "write-failed"
    assert f.read_text() == original
    assert [p.name for p in tmp_path.iterdir()] == ["big.policy"]
    assert resource.RLIMIT_FSIZE  # the limit exists on this platform


class _ShortWriter(io.RawIOBase):
    """Accepts at most ``limit`` bytes per call, then fails after ``fail_after`` bytes."""

    def __init__(self, limit: int, fail_after: int | None = None, err: int = errno.ENOSPC):
        self.data = bytearray()
        self.limit = limit
        self.fail_after = fail_after
        self.err = err
        self.calls = 0

    def writable(self) -> bool:
        return True

    def write(self, b: object) -> int:
        self.calls += 1
        view = memoryview(b)  # type: ignore[arg-type]
        if self.fail_after is not None and len(self.data) >= self.fail_after:
            raise OSError(self.err, os.strerror(self.err))
        n = min(self.limit, len(view))
        self.data += view[:n]
        return n


def test_short_writes_are_completed() -> None:
    sink = _ShortWriter(limit=1000)
    text = "算法备案\n" * 3000
    write_stream(sink, text)  # type: ignore[arg-type]
    assert bytes(sink.data).decode("utf-8") == text


@pytest.mark.parametrize(("err", "words"), [(errno.ENOSPC, "No space"),
                                            (errno.EPIPE, "closed the pipe")])
def test_write_errors_are_output_errors(err: int, words: str) -> None:
    sink = _ShortWriter(limit=CHUNK, fail_after=10, err=err)
    with pytest.raises(OutputError) as caught:
        write_stream(sink, "x" * (3 * CHUNK))  # type: ignore[arg-type]
    assert words in caught.value.render()
    assert "incomplete" in caught.value.render()


def test_text_stream_receives_everything() -> None:
    out = io.StringIO()
    write_stream(out, ["a" * (CHUNK + 5), "备案"])
    assert out.getvalue() == "a" * (CHUNK + 5) + "备案"


def test_lone_surrogates_never_become_invalid_utf8(tmp_path: Path) -> None:
    sink = _ShortWriter(limit=CHUNK)
    write_stream(sink, "a\ud800b\udc80")  # type: ignore[arg-type]
    assert bytes(sink.data).decode("utf-8") == "a\\ud800b\\udc80"
    f = tmp_path / "r.json"
    atomic_write(f, "\ud800")
    assert f.read_bytes().decode("utf-8") == "\\ud800"


def test_a_new_file_gets_the_permissions_open_would_give(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        atomic_write(tmp_path / "new.json", "{}")
    finally:
        os.umask(old)
    assert (tmp_path / "new.json").stat().st_mode & 0o777 == 0o640
