"""English help never breaks a word at a hyphen inside it (click's wrapping would split
`--no-default-pack` as `--no-` / `default-pack` at some widths: `serve --help` did at 80
columns); every other break stays click's."""

from __future__ import annotations

import click.formatting
import pytest

from policy_sdk.cli._wrap import _ORIGINAL, english_wrap_text, install

TEXT = ("a policy file, or a folder of *.policy files (repeatable), run together with the "
        "default policy pack (before 0.2 it replaced the pack: add --no-default-pack for "
        "that); dates are YYYY-MM-DD")


@pytest.mark.parametrize("width", range(20, 80))
def test_no_word_is_broken_at_a_hyphen(width: int) -> None:
    install(False)
    original = _ORIGINAL["wrap_text"]
    mine = english_wrap_text(TEXT, width)
    assert " ".join(mine.split()) == " ".join(TEXT.split())  # every word, in order
    for line in mine.splitlines():
        assert not line.endswith("-"), (width, line)
        assert len(line) <= width or " " not in line.strip(), (width, line)
    theirs = original(TEXT, width)
    if not any(line.endswith("-") for line in theirs.splitlines()):
        assert mine == theirs  # where click broke no word, the lines are click's


def test_installed_for_english_and_chinese_keeps_its_own() -> None:
    from policy_sdk.cli._wrap import wrap_text

    install(False)
    assert click.formatting.wrap_text is english_wrap_text
    install(True)
    assert click.formatting.wrap_text is wrap_text
    install(False)
