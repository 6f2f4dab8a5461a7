"""Run the ```python blocks of docs/embedding.md and compare with the output it shows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "embedding.md"


def _blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_python_blocks_run_and_print_what_the_doc_shows(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    first, second = _blocks("python")
    exec(compile(first, str(DOC), "exec"), {})
    (shown,) = _blocks("text")
    assert capsys.readouterr().out == shown
    exec(compile(second, str(DOC), "exec"), {})
    assert capsys.readouterr().out.strip() == "['acme.strict/distinct_filing']"


def test_the_table_names_real_methods() -> None:
    from policy_sdk import Engine, Report

    text = DOC.read_text(encoding="utf-8")
    for name in re.findall(r"`(?:engine|Engine)\.(\w+)", text):
        assert hasattr(Engine, name), name
    for name in re.findall(r"`Report\.(\w+)", text):
        assert hasattr(Report, name), name
