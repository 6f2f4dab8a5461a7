"""`policy-sdk check` on the example company speaks one language: in Chinese no English
sentence (identifiers, file names and codes aside), in English no Chinese outside quoted
names and citations. JSON keeps its English identifiers in both."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from policy_sdk.cli.main import main, use_language

from .language_support import chinese_lines, english_sentences

ROOT = Path(__file__).resolve().parents[2]
COMPANY = str(ROOT / "examples" / "company.yaml")


@pytest.fixture(autouse=True)
def _back_to_english() -> Iterator[None]:
    yield
    use_language("en")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["check", "--facts", COMPANY, "--as-of", "2026-11-20", *args])
    out, err = capsys.readouterr()
    return code, out, err


def own_lines(text: str) -> str:
    """The lines the text report makes itself: headings, each finding's first line, the
    labels of its basis and remedy, the summary."""
    keep = []
    for line in text.splitlines():
        if line.startswith("      - ") or not line.strip():
            continue
        if line.startswith("      "):
            label = line.replace("：", ":").partition(":")
            if label[1]:  # a label, not the rule's own text
                keep.append(label[0])
        else:
            keep.append(line)
    return "\n".join(keep)


def test_the_text_report_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(capsys, "--lang", "zh", "--all")
    assert code == 1
    assert english_sentences(own_lines(out)) == []
    assert "违反 11 项，待办 2 项，满足 61 项，不适用 113 项（截至 2026-11-20）" in out
    assert "\n平台 main-app\n" in out
    assert "  违反           cn.algorithm_filing/filing_change  ad-delivery 备案 " in out
    assert "      依据：《" in out


def test_the_text_report_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(capsys, "--lang", "en", "--all")
    assert code == 1
    assert chinese_lines(own_lines(out)) == []
    assert "11 violated, 2 pending, 61 satisfied, 113 not applicable (as of 2026-11-20)" in out


def test_json_keeps_english_identifiers_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    _code, zh, _err = run(capsys, "--lang", "zh", "--format", "json")
    _code, en, _err = run(capsys, "--lang", "en", "--format", "json")
    zh_doc, en_doc = json.loads(zh), json.loads(en)
    assert zh_doc.keys() == en_doc.keys()
    assert [(f["rule"], f["status"]) for f in zh_doc["findings"]] == [
        (f["rule"], f["status"]) for f in en_doc["findings"]]
