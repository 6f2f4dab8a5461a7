"""Run the ```python blocks of docs/cancellation.md, and check what it promises."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "cancellation.md"


def _blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_python_blocks_run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    blocks = _blocks("python")
    assert len(blocks) == 2
    namespace: dict[str, object] = {}
    for block in blocks:  # later blocks use the names of earlier ones
        exec(compile(block, str(DOC), "exec"), namespace)
    out = capsys.readouterr().out
    assert "网信算备110108123456701250002号" in out
    assert "feed-rec 2026-12-29" in out


def test_linked_schemas_exist_and_are_json() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name in re.findall(r"\]\(([\w.]+\.schema\.json)\)", text):
        assert json.loads((DOC.parent / name).read_text(encoding="utf-8"))["$schema"]
    assert "plan.schema.json" in text
    assert "inventory.schema.json" in text


def test_documented_example_company_dates() -> None:
    text = DOC.read_text(encoding="utf-8")
    for date in ("2026-11-05", "2026-12-08", "2026-11-16"):
        assert date in text
