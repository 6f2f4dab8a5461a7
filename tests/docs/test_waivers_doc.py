"""docs/waivers.md: its waivers file reads, the command it shows runs on it, and the
output it quotes is the real one."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from policy_sdk.cli.main import main
from policy_sdk.waivers import load_waivers

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "waivers.md"


def _blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_the_example_runs_as_quoted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (yaml_block,) = _blocks("yaml")
    (tmp_path / "waivers.yaml").write_text(yaml_block, encoding="utf-8")
    (tmp_path / "examples").mkdir()
    shutil.copy(ROOT / "examples" / "company.yaml", tmp_path / "examples" / "company.yaml")
    waivers = load_waivers(tmp_path / "waivers.yaml")
    assert len(waivers.waivers) == 2
    assert len(waivers.severities) == 1
    monkeypatch.chdir(tmp_path)
    (command,) = _blocks("sh")
    assert command.startswith("policy-sdk check ")
    runner = CliRunner()
    with runner.isolation(input="", env={"NO_COLOR": "1", "COLUMNS": "200"}) as (out, _e, *_):
        code = main(["--lang", "en", *command.split()[1:]])
    assert code == 1
    printed = out.getvalue().decode("utf-8").splitlines()
    (quoted,) = _blocks("text")
    quoted_lines = quoted.splitlines()
    # a subsequence of the printed lines, in order (plugins may add findings between)
    at = 0
    for line in quoted_lines:
        at = printed.index(line, at) + 1
    assert printed[-1] == quoted_lines[-1]
