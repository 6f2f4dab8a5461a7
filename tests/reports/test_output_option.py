"""``-o/--output FILE`` writes what stdout would get, whole, with the usual permissions."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from .reports_support import AS_OF, COMPANY, run_cli

BASE = ["--facts", str(COMPANY), "--as-of", AS_OF]


@pytest.mark.parametrize(("command", "fmt"), [
    ("check", "json"), ("check", "sarif"), ("check", "text"),
    ("inventory", "json"), ("inventory", "text"), ("plan-cancel", "json"),
    ("plan-cancel", "text"),
])
def test_output_file_has_what_stdout_gets(tmp_path: Path, command: str, fmt: str) -> None:
    path = tmp_path / "out"
    code, out, err = run_cli([command, *BASE, "--format", fmt])
    code_o, out_o, err_o = run_cli([command, *BASE, "--format", fmt, "-o", str(path)])
    assert (code_o, out_o, err_o) == (code, "", err)
    written = path.read_text(encoding="utf-8")
    assert written == out
    assert "\x1b[" not in written  # no colour in a file unless asked for
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask


def test_an_unwritable_output_is_exit_2_and_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "missing-folder" / "report.html"
    code, out, err = run_cli(["check", *BASE, "--format", "html", "-o", str(target)])
    assert code == 2
    assert out == ""
    assert "cannot write" in err
    assert "Traceback" not in err
    assert not target.parent.exists()


def test_an_existing_file_is_replaced_whole(tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    path.write_text("old", encoding="utf-8")
    path.chmod(0o640)
    code, _, err = run_cli(["check", *BASE, "--format", "html", "-o", str(path)])
    assert code == 1, err
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temporary left


@pytest.mark.parametrize(("fmt", "package"), [("html", "jinja2"), ("xlsx", "openpyxl")])
def test_without_the_reports_extra_the_command_says_so(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str, package: str) -> None:
    import sys

    monkeypatch.setitem(sys.modules, package, None)  # import fails as if not installed
    target = tmp_path / f"report.{fmt}"
    code, out, err = run_cli(["check", *BASE, "--format", fmt, "-o", str(target)])
    assert code == 2
    assert out == ""
    assert f"the `{fmt}` format needs the `{package}` package" in err
    assert 'pip install "policy-sdk[reports]"' in err
    assert not target.exists()
