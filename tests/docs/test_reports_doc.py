"""docs/reports.md: the commands it shows run and write what it says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from policy_sdk.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "reports.md"


def test_the_commands_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = DOC.read_text(encoding="utf-8")
    block = re.findall(r"```sh\n(.*?)```", text, flags=re.S)[0]
    monkeypatch.chdir(ROOT)
    for line in block.strip().splitlines():
        args = line.split()[1:]
        out = args[args.index("-o") + 1]
        args[args.index("-o") + 1] = str(tmp_path / out)
        assert main(args) in (0, 1), line
        assert (tmp_path / out).stat().st_size > 0, line
    assert (ROOT / "docs" / "report-example.png").is_file()
    assert "(report-example.png)" in text
