"""The README's quick start is a promise: keep it and `.ci/run` in step."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _quick_start_lines() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None, "the quick start has no sh code block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_quick_start_has_exactly_two_command_lines() -> None:
    lines = _quick_start_lines()
    assert len(lines) == 2
    assert "policy-sdk check" in lines[0]
    assert ".[test]" in lines[1]


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert _quick_start_lines()[1] in ci
    assert any(line.startswith("ruff check") for line in ci)
    assert "mypy --strict policy_sdk tests" in ci  # the tests are type-checked too


def test_readme_policy_examples_parse() -> None:
    import textwrap

    from policy_sdk.syntax import parse_policy

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^( *)```policy\n(.*?)^\1```", text, re.S | re.M)
    assert len(blocks) >= 2
    for _, block in blocks:
        module = parse_policy(textwrap.dedent(block), "README.md")
        assert module.items, block
