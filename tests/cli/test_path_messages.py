"""A facts path that is a folder or has no file type is named plainly (exit 2), on every
command that reads facts."""

from __future__ import annotations

from pathlib import Path

import pytest

from policy_sdk.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
COMPANY = ROOT / "examples" / "company.yaml"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    return code, out.err


FACTS_COMMANDS = [
    ["check"],
    ["validate"],
    ["inventory"],
    ["plan-cancel"],
]


@pytest.mark.parametrize("command", FACTS_COMMANDS)
def test_a_folder_as_facts_says_it_is_a_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: list[str]
) -> None:
    code, err = run(capsys, *command, "--facts", str(tmp_path))
    assert code == 2
    assert (f"{tmp_path}: error[format]: `{tmp_path}` is a folder; --facts takes one facts "
            "file (.yaml, .yml or .json)") in err.splitlines()
    assert "``" not in err


def test_the_root_folder_as_facts(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(capsys, "check", "--facts", "/")
    assert code == 2
    assert err.splitlines()[0] == (
        "/: error[format]: `/` is a folder; --facts takes one facts file (.yaml, .yml or .json)")


@pytest.mark.parametrize("command", FACTS_COMMANDS)
def test_a_facts_file_without_a_suffix_is_named(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)  # `validate` checks the policies of the current folder
    plain = tmp_path / "company"
    plain.write_bytes(COMPANY.read_bytes())
    code, err = run(capsys, *command, "--facts", str(plain))
    assert code == 2
    assert err.splitlines()[:2] == [
        f"{plain}: error[format]: facts file `{plain}` has no file type",
        "  help: facts files end in `.yaml`, `.yml` or `.json`",
    ]


def test_an_unknown_suffix_is_still_named(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    toml = tmp_path / "company.toml"
    toml.write_text("x", encoding="utf-8")
    code, err = run(capsys, "check", "--facts", str(toml))
    assert code == 2
    assert f"{toml}: error[format]: unknown facts file type `.toml`" in err.splitlines()


# --- click's own path checks, worded like every other option error -----------------


def last_line(err: str) -> str:
    return err.strip().splitlines()[-1]


@pytest.mark.parametrize("command", [["check"], ["inventory"], ["plan-cancel"]])
def test_a_folder_as_calendar_names_the_option(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: list[str]
) -> None:
    code, err = run(capsys, *command, "--facts", str(COMPANY), "--calendar", str(tmp_path))
    assert code == 2
    assert last_line(err) == (
        f"Error: option `--calendar`: `{tmp_path}` is a folder; expected a file")


def test_a_folder_as_the_test_calendar_names_the_option(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, err = run(capsys, "test", str(ROOT / "policies"), "--calendar", str(tmp_path))
    assert code == 2
    assert last_line(err) == (
        f"Error: option `--calendar`: `{tmp_path}` is a folder; expected a file")


def test_a_folder_as_schema_output_names_the_option(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, err = run(capsys, "schema", "-o", str(tmp_path))
    assert code == 2
    assert last_line(err) == (
        f"Error: option `--output`: `{tmp_path}` is a folder; expected a file")


def test_fmt_on_a_missing_path_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "nope.policy"
    code, err = run(capsys, "fmt", str(missing))
    assert code == 2
    assert last_line(err) == f"Error: no file or folder `{missing}`"


def test_fmt_on_an_unreadable_path_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    locked = tmp_path / "locked.policy"
    locked.write_text("", encoding="utf-8")
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode, **kw: False if str(p) == str(locked)
        else real_access(p, mode, **kw))
    code, err = run(capsys, "fmt", str(locked))
    assert code == 2
    assert last_line(err) == f"Error: cannot read `{locked}`: permission denied"


def test_a_nul_in_a_path_option_names_the_option(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(capsys, "inventory", "--facts", "a\x00b.yaml")
    assert code == 2
    assert last_line(err) == (
        "Error: option `--facts`: `a\\0b.yaml` is not a valid file name (it contains a NUL byte)")
