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


@pytest.mark.parametrize("extra", [(), ("--all",)], ids=["default", "all"])
def test_a_chinese_locale_prints_no_english_sentence(
    extra: tuple[str, ...], capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The done-when of issue 15: `LANG=zh_CN.UTF-8 policy-sdk check --facts
    examples/company.yaml --as-of 2026-11-20`, every line (ids, file names, codes aside)."""
    for name in ("POLICY_SDK_LANG", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    code, out, err = run(capsys, *extra)
    assert code == 1
    assert "违反 11 项" in out
    assert english_sentences(out) == []
    assert english_sentences(err) == []


@pytest.mark.parametrize("extra", [(), ("--all",)], ids=["default", "all"])
def test_english_prints_no_chinese_but_citations(
    extra: tuple[str, ...], capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")  # --lang wins over the locale
    code, out, err = run(capsys, "--lang", "en", *extra)
    assert code == 1
    not_citations = [line for line in out.splitlines()
                     if not line.startswith("      basis: ")]
    assert chinese_lines("\n".join(not_citations)) == []
    assert chinese_lines(err) == []


def test_json_follows_the_language_in_its_texts_only(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _code, zh, _err = run(capsys, "--lang", "zh", "--format", "json", "--all")
    _code, en, _err = run(capsys, "--lang", "en", "--format", "json", "--all")
    zh_doc, en_doc = json.loads(zh), json.loads(en)
    zh_text = "\n".join(f["message"] + "\n" + (f.get("remedy") or "") + "\n"
                        + "\n".join(f["explanation"]) for f in zh_doc["findings"])
    en_text = "\n".join(f["message"] + "\n" + (f.get("remedy") or "") + "\n"
                        + "\n".join(f["explanation"]) for f in en_doc["findings"])
    assert english_sentences(zh_text) == []
    assert chinese_lines(en_text) == []


def test_json_keeps_english_identifiers_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    _code, zh, _err = run(capsys, "--lang", "zh", "--format", "json")
    _code, en, _err = run(capsys, "--lang", "en", "--format", "json")
    zh_doc, en_doc = json.loads(zh), json.loads(en)
    assert zh_doc.keys() == en_doc.keys()
    assert [(f["rule"], f["status"]) for f in zh_doc["findings"]] == [
        (f["rule"], f["status"]) for f in en_doc["findings"]]
