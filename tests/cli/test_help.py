"""`--help` as a new user reads it: what the tool is for in one line, every command
listed in full, every option explained (lowercase) with its default, no jargon."""

from __future__ import annotations

import re

import click
import pytest

from policy_sdk.cli.main import COMMANDS, cli, main

NAMES = sorted(COMMANDS)


def help_text(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
              *args: str) -> str:
    monkeypatch.setenv("COLUMNS", "80")
    assert main([*args, "--help"]) == 0
    return capsys.readouterr().out


def command(name: str) -> click.Command:
    found = cli.get_command(click.Context(cli), name)
    assert found is not None, name
    return found


def test_the_main_help_says_what_the_tool_is_for_in_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = help_text(capsys, monkeypatch).splitlines()
    assert lines[0] == "Usage: policy-sdk [OPTIONS] COMMAND [ARGS]..."
    assert lines[2] == (
        "  Check a company's algorithm filings against 《算法推荐管理规定》.")
    assert lines[3] == ""


def test_the_command_list_is_not_cut_short(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    listing = help_text(capsys, monkeypatch).split("Commands:\n", 1)[1].splitlines()
    assert [line.split()[0] for line in listing] == NAMES
    for line in listing:
        assert not line.endswith("..."), line
        assert len(line) <= 80, line


@pytest.mark.parametrize("name", NAMES)
def test_every_option_is_explained_with_its_default(name: str) -> None:
    for param in command(name).params:
        if not isinstance(param, click.Option) or param.name == "help":
            continue
        assert param.help, (name, param.opts)
        assert param.help[0] == param.help[0].lower(), (name, param.opts, param.help)
        takes_value = not (param.is_flag or param.multiple or param.required)
        if takes_value or param.secondary_opts:  # a value, or an on/off pair
            assert param.show_default or "default" in param.help, (name, param.opts)


@pytest.mark.parametrize("name", NAMES)
def test_the_help_speaks_to_compliance_people(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    text = help_text(capsys, monkeypatch, name)
    assert not re.search(r"\b(TEXT|INTEGER|FLOAT|BOOLEAN)\b", text), text  # python types
    assert "pytest" not in text
    assert "entry points" not in text


@pytest.mark.parametrize("name", ["check", "validate", "inventory", "plan-cancel"])
def test_facts_is_one_file_on_every_command(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    assert "--facts FILE" in help_text(capsys, monkeypatch, name)


def test_exit_statuses_are_told(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "Exit status:" in help_text(capsys, monkeypatch, "check")
    assert "Exit status:" in help_text(capsys, monkeypatch, "fmt")
    assert "Exit status:" in help_text(capsys, monkeypatch, "validate")


def display_width(line: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


@pytest.mark.parametrize("args", [[], *([name] for name in NAMES)])
def test_the_help_fits_80_columns_without_broken_words(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    for line in help_text(capsys, monkeypatch, *args).splitlines():
        assert display_width(line) <= 80, line  # Chinese characters take two columns
        assert not re.search(r"\w-$", line), line  # `YYYY-MM-` / `built-` split over lines
