"""docs/language.md cannot rot: its policy examples parse, are fmt-stable, and its
error sample and limits are what the parser really says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from policy_sdk.errors import PolicySyntaxError
from policy_sdk.syntax import (
    MAX_DIAGNOSTICS,
    MAX_NESTING,
    MAX_SOURCE_BYTES,
    format_source,
    parse_policy,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "language.md"
TEXT = DOC.read_text(encoding="utf-8")
BLOCKS = re.findall(r"```policy\n(.*?)```", TEXT, flags=re.S)


def test_the_doc_has_examples_of_every_construct() -> None:
    assert len(BLOCKS) >= 10
    joined = "\n".join(BLOCKS)
    for word in (
        "require",
        "distinct",
        "forbid",
        "ensure",
        "within",
        "working",
        "policy",
        "rule",
        "severity",
        "citation",
        "remedy",
        "interpretation",
        " not ",
        " in ",
        "not in",
        " or ",
        "(",
        "[",
        "#",
        "2022-03-01",
        "true",
        "1.5",
        "host_is(",
    ):
        assert word in joined, word


@pytest.mark.parametrize("block", BLOCKS, ids=[b.splitlines()[0][:40] for b in BLOCKS])
def test_policy_blocks_parse_and_are_formatted(block: str) -> None:
    module = parse_policy(block, str(DOC))
    assert module.items or module.comments
    assert format_source(block) == block


def test_the_error_sample_is_what_the_parser_prints() -> None:
    sample = re.search(r"```text\n(.*?)```", TEXT, flags=re.S)
    assert sample is not None
    source = (
        "require filing per platform\n"
        "require filing per platform wher uses_recommendation\n"
        "require filing per platfrom\n"
    )
    with pytest.raises(PolicySyntaxError) as info:
        parse_policy(source, "rules.policy")
    assert info.value.render() + "\n" == sample.group(1)


def test_the_limits_table_matches_the_code() -> None:
    assert MAX_SOURCE_BYTES == 16 * 2**20
    assert "16 MiB" in TEXT
    assert f"| {MAX_NESTING} (`MAX_NESTING`)" in TEXT
    assert f"| {MAX_DIAGNOSTICS} (`MAX_DIAGNOSTICS`)" in TEXT
