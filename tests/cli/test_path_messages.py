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
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: list[str]
) -> None:
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
