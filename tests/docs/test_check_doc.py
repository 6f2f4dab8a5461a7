"""docs/check.md: the command it shows runs, and the output it quotes is the real one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from policy_sdk.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "check.md"


def _blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_the_quoted_output_is_what_check_prints(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    command = _blocks("sh")[0].strip()
    assert command.startswith("policy-sdk check ")
    runner = CliRunner()
    with runner.isolation(input="", env={"NO_COLOR": "1", "COLUMNS": "200"}) as (out, _err, *_):
        code = main(command.split()[1:])
    assert code == 0
    printed = out.getvalue().decode("utf-8")
    quoted = _blocks("text")[0].splitlines()
    # every quoted line that is not elided (…) stands in the output as it is
    for line in quoted:
        if "…" not in line and not line.startswith("11 violated"):
            assert line in printed.splitlines(), line
    # the summary: the counts that do not depend on which plugins are installed
    summary = next(line for line in quoted if line.startswith("11 violated"))
    assert re.search(r"^11 violated \(9 mandatory, 2 advisory\), 2 pending \(2 mandatory, "
                     r"0 advisory\), \d+ satisfied, \d+ not applicable "
                     r"\(as of 2026-11-20\)$", printed, re.M), summary
