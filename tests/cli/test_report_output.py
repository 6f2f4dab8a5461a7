"""Reports reach stdout whole or the command says it could not write them (issue 19).

`check` (and `inventory`, `plan-cancel`, `test`, `validate`) write through
``policy_sdk._io.write_stream``: bounded chunks, short writes completed, and a write
error is exit 2 with a message, never a silent cut.
"""

from __future__ import annotations

import errno
import io
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import click
import pytest

from policy_sdk._io import CHUNK

ROOT = Path(__file__).resolve().parents[2]
FACTS = str(ROOT / "examples" / "company.yaml")


class _Raw(io.RawIOBase):
    """A stdout that takes at most ``limit`` bytes per write and fails after ``fail_after``."""

    def __init__(self, limit: int, fail_after: int | None = None, err: int = errno.ENOSPC):
        self.data = bytearray()
        self.limit = limit
        self.fail_after = fail_after
        self.err = err
        self.largest = 0

    def writable(self) -> bool:
        return True

    def write(self, b: object) -> int:
        view = memoryview(b)  # type: ignore[arg-type]
        self.largest = max(self.largest, view.nbytes)
        if self.fail_after is not None and len(self.data) >= self.fail_after:
            raise OSError(self.err, os.strerror(self.err))
        n = min(self.limit, view.nbytes)
        self.data += view[:n].tobytes()
        return n


def _stdout(raw: _Raw) -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BufferedWriter(raw, buffer_size=64), encoding="utf-8")


def _run(command: click.Command, args: list[str], raw: _Raw,
         monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(sys, "stdout", _stdout(raw))
    try:
        command.main(args, standalone_mode=False)
    except SystemExit as done:
        code = done.code
    else:
        code = 0
    assert isinstance(code, int)
    return code


def _check() -> click.Command:
    from policy_sdk.cli.check import check

    return check


ARGS = ["--facts", FACTS, "--as-of", "2026-06-01", "--format", "json", "--all"]


def _expected(monkeypatch: pytest.MonkeyPatch) -> tuple[int, bytes]:
    raw = _Raw(limit=1 << 30)
    code = _run(_check(), ARGS, raw, monkeypatch)
    return code, bytes(raw.data)


def test_short_writes_still_give_the_whole_report(monkeypatch: pytest.MonkeyPatch) -> None:
    code, whole = _expected(monkeypatch)
    assert code in (0, 1)
    assert whole.endswith(b"}\n")
    assert len(whole) > 1000
    raw = _Raw(limit=7)  # every write accepts only 7 bytes
    assert _run(_check(), ARGS, raw, monkeypatch) == code
    assert bytes(raw.data) == whole
    assert raw.largest <= CHUNK


@pytest.mark.parametrize(
    ("err", "words"),
    [
        (errno.ENOSPC, "cannot write the output to stdout: No space left on device; "
                       "the output is incomplete"),
        (errno.EPIPE, "cannot write the output to stdout: the reader closed the pipe; "
                      "the output is incomplete"),
    ],
)
def test_a_write_error_is_exit_2_with_a_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], err: int, words: str
) -> None:
    raw = _Raw(limit=100, fail_after=300, err=err)
    assert _run(_check(), ARGS, raw, monkeypatch) == 2
    assert len(raw.data) == 300  # cut, and it says so
    assert f"error[write-failed]: {words}" in capsys.readouterr().err


def _inventory() -> click.Command:
    from policy_sdk.cli.inventory import inventory

    return inventory


def _plan_cancel() -> click.Command:
    from policy_sdk.cli.plan_cancel import plan_cancel

    return plan_cancel


@pytest.mark.parametrize("command", [_inventory, _plan_cancel])
@pytest.mark.parametrize("fmt", ["json", "text"])
def test_inventory_and_plan_cancel_reports(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    command: Callable[[], click.Command], fmt: str,
) -> None:
    args = ["--facts", FACTS, "--as-of", "2026-06-01", "--format", fmt]
    whole = _Raw(limit=1 << 30)
    assert _run(command(), args, whole, monkeypatch) == 0
    assert len(whole.data) > 200
    short = _Raw(limit=5)
    assert _run(command(), args, short, monkeypatch) == 0
    assert short.data == whole.data
    broken = _Raw(limit=5, fail_after=50, err=errno.EPIPE)
    assert _run(command(), args, broken, monkeypatch) == 2
    assert "the reader closed the pipe" in capsys.readouterr().err


def test_a_closed_pipe_in_a_real_process(tmp_path: Path) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody will read: the first write fails with EPIPE
    try:
        done = subprocess.run(
            [sys.executable, "-m", "policy_sdk.cli.main", "check", *ARGS],
            stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=120, check=False,
        )
    finally:
        os.close(write_end)
    assert done.returncode == 2, done.stderr
    assert "the reader closed the pipe; the output is incomplete" in done.stderr
    assert "Traceback" not in done.stderr
    assert "Exception ignored" not in done.stderr


def test_validate_and_test_reports(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from policy_sdk.cli.test import test as test_command
    from policy_sdk.cli.validate import validate

    pack = str(ROOT / "policies")
    for command, args in ((validate, [pack]), (test_command, [pack])):
        whole = _Raw(limit=1 << 30)
        assert _run(command, args, whole, monkeypatch) == 0
        assert len(whole.data) > 10
        short = _Raw(limit=3)
        assert _run(command, args, short, monkeypatch) == 0
        assert short.data == whole.data
        full = _Raw(limit=3, fail_after=6, err=errno.ENOSPC)
        assert _run(command, args, full, monkeypatch) == 2
        assert "cannot write the output to stdout: No space left on device" in (
            capsys.readouterr().err)
