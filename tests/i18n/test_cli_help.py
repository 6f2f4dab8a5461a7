"""`--help` in Chinese has no English sentence, for the main group and every command
(and subcommand); in English it has no Chinese outside quoted names and citations."""

from __future__ import annotations

from collections.abc import Iterator

import click
import pytest
from hypothesis import given
from hypothesis import strategies as st

from policy_sdk.cli._wrap import _CLOSING as CLOSING
from policy_sdk.cli._wrap import _TOKEN as TOKEN
from policy_sdk.cli._wrap import fill
from policy_sdk.cli.main import cli, main, use_language
from policy_sdk.errors import display_width

from .language_support import chinese_lines, english_sentences


def command_paths() -> list[tuple[str, ...]]:
    """Every command path: (), ("check",), …, ("pack", "path"), …"""
    paths: list[tuple[str, ...]] = []

    def walk(command: click.Command, ctx: click.Context, path: tuple[str, ...]) -> None:
        paths.append(path)
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                if sub is not None and not sub.hidden:
                    walk(sub, click.Context(sub, info_name=name, parent=ctx), (*path, name))

    walk(cli, click.Context(cli, info_name="policy-sdk"), ())
    return paths


PATHS = command_paths()


@pytest.fixture(autouse=True)
def _back_to_english() -> Iterator[None]:
    yield
    use_language("en")


def help_text(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
              *args: str) -> str:
    monkeypatch.setenv("COLUMNS", "80")
    assert main([*args, "--help"]) == 0
    return capsys.readouterr().out


def test_every_command_is_reached() -> None:
    assert {(), ("check",), ("pack", "path")} <= set(PATHS)


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "main")
def test_help_in_chinese_has_no_english_sentence(
    path: tuple[str, ...], capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = help_text(capsys, monkeypatch, "--lang", "zh", *path)
    assert "用法" in text
    assert english_sentences(text) == []


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "main")
def test_help_in_english_has_no_chinese(
    path: tuple[str, ...], capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = help_text(capsys, monkeypatch, *path, "--lang", "en")
    assert text.startswith("Usage:")
    assert chinese_lines(text) == []


def test_the_locale_chooses_chinese_help(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("POLICY_SDK_LANG", raising=False)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    text = help_text(capsys, monkeypatch, "check")
    assert english_sentences(text) == []
    assert "事实文件" in text


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "main")
def test_chinese_help_fits_the_terminal(
    path: tuple[str, ...], capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Chinese has no spaces to break at: the help is wrapped between characters, so
    no line is wider than the 80 columns asked for (a lone unbreakable word aside)."""
    text = help_text(capsys, monkeypatch, "--lang", "zh", *path)
    for line in text.splitlines():
        if line[-1:] in CLOSING:  # closing punctuation stays on its line (2 cells more)
            line = line[:-1]
        if display_width(line) > 80:
            assert len(line.split()) <= 2, line


@given(st.text(alphabet=st.sampled_from(list("中文备案，。（）`ab -[]")), max_size=120),
       st.integers(10, 60))
def test_wrapping_keeps_every_character_and_the_width(text: str, width: int) -> None:
    out = fill(text, width)
    assert "".join(out.split()) == "".join(text.split())
    for line in out.splitlines():
        tokens = TOKEN.findall(line.strip())
        if display_width(line) > width:  # only one token too wide, or punctuation kept
            assert len(tokens) <= 2 or tokens[-1][0] in CLOSING, (line, width)
