"""Run the ```python blocks of docs/calendar.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "calendar.md"


def _blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_python_blocks_run(capsys: pytest.CaptureFixture[str]) -> None:
    blocks = _blocks("python")
    assert blocks
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), {})
    assert "2027-01-18" in capsys.readouterr().out


def test_yaml_example_is_a_valid_calendar(tmp_path: Path) -> None:
    from policy_sdk.workdays import WorkdayCalendar

    (block,) = _blocks("yaml")
    path = tmp_path / "c.yaml"
    path.write_text(block, encoding="utf-8")
    cal = WorkdayCalendar.from_file(path)
    assert [s.year for s in cal.supplements] == [2027]
    assert cal.supplements[0].holidays[-1].isoformat() == "2027-02-11"
