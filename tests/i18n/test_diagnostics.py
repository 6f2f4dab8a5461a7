"""Errors speak the chosen language: a policy typo (a syntax error, an unknown scope, an
unknown name) in Chinese has no English sentence, and in English no Chinese."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from policy_sdk.cli.main import main, use_language

from .language_support import chinese_lines, english_sentences

ROOT = Path(__file__).resolve().parents[2]
COMPANY = str(ROOT / "examples" / "company.yaml")

POLICY_TYPOS = {
    "syntax": "rule q {\n  requre filing per platform\n}\n",
    "scope": 'rule r "t" {\n  require filing per platfrom\n}\n',
    "name": "require filing per platform where uses_recomendation\n",
    "severity": "rule r {\n  severity advisry\n  require filing per platform\n}\n",
    "unclosed": "rule r {\n  require filing per platform where (uses_recommendation\n",
    "value": 'require filing per platform where deployment.status == "actve"\n',
    "full-width": "require filing per platform where uses_recommendation：\n",
}


@pytest.fixture(autouse=True)
def _back_to_english() -> Iterator[None]:
    yield
    use_language("en")


def check_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str,
                 *args: str) -> str:
    policy = tmp_path / "typo.policy"
    policy.write_text(text, encoding="utf-8")
    code = main(["check", "--facts", COMPANY, "--policy", str(policy), *args])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    return err


def without_source(err: str) -> str:
    """The diagnostics without the quoted source lines (``  2 | …``) and their carets:
    those are the user's own text."""
    return "\n".join(line for line in err.splitlines()
                     if not re.match(r"\s+(\d+ \||\^)", line))


@pytest.mark.parametrize("typo", sorted(POLICY_TYPOS))
def test_a_policy_typo_in_chinese(typo: str, capsys: pytest.CaptureFixture[str],
                                  tmp_path: Path) -> None:
    err = check_errors(capsys, tmp_path, POLICY_TYPOS[typo], "--lang", "zh")
    assert "错误[" in err
    assert english_sentences(without_source(err)) == []


@pytest.mark.parametrize("typo", sorted(POLICY_TYPOS))
def test_a_policy_typo_in_english(typo: str, capsys: pytest.CaptureFixture[str],
                                  tmp_path: Path) -> None:
    err = check_errors(capsys, tmp_path, POLICY_TYPOS[typo], "--lang", "en")
    assert "error[" in err
    assert chinese_lines(without_source(err)) == []


def test_did_you_mean_in_both_languages(capsys: pytest.CaptureFixture[str],
                                        tmp_path: Path) -> None:
    zh = check_errors(capsys, tmp_path, POLICY_TYPOS["scope"], "--lang", "zh")
    en = check_errors(capsys, tmp_path, POLICY_TYPOS["scope"], "--lang", "en")
    assert "提示：是不是 `platform`？" in zh
    assert "help: did you mean `platform`?" in en


#: facts typos: (what to replace in the example company, by what)
FACTS_TYPOS = {
    "unknown-key": ("platform: main-app", "platfrom: main-app"),
    "enum": ("status: active, launched_on: 2025-05-20", "status: activ, launched_on: 2025-05-20"),
    "reference": ("feed-rec, platform: main-app", "feed-rec, platform: mainapp"),
    "date": ("launched_on: 2025-05-20", "launched_on: 2025-02-30"),
    "section": ("organization:", "organisation:"),
}


def facts_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path, typo: str,
                 *args: str) -> str:
    old, new = FACTS_TYPOS[typo]
    text = Path(COMPANY).read_text(encoding="utf-8")
    assert old in text, typo
    facts = tmp_path / "company.yaml"
    facts.write_text(text.replace(old, new, 1), encoding="utf-8")
    code = main(["check", "--facts", str(facts), "--as-of", "2026-11-20", *args])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    return err


@pytest.mark.parametrize("typo", sorted(FACTS_TYPOS))
def test_a_facts_typo_in_chinese(typo: str, capsys: pytest.CaptureFixture[str],
                                 tmp_path: Path) -> None:
    err = facts_errors(capsys, tmp_path, typo, "--lang", "zh")
    assert "错误[" in err
    assert english_sentences(without_source(err)) == []


@pytest.mark.parametrize("typo", sorted(FACTS_TYPOS))
def test_a_facts_typo_in_english(typo: str, capsys: pytest.CaptureFixture[str],
                                 tmp_path: Path) -> None:
    err = facts_errors(capsys, tmp_path, typo, "--lang", "en")
    assert "error[" in err
    assert chinese_lines(without_source(err)) == []


def test_a_missing_file_in_both_languages(capsys: pytest.CaptureFixture[str],
                                          tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.yaml")
    assert main(["--lang", "zh", "check", "--facts", missing]) == 2
    zh = capsys.readouterr().err
    assert main(["--lang", "en", "check", "--facts", missing]) == 2
    en = capsys.readouterr().err
    assert "无法读取" in zh
    assert "文件或文件夹不存在" in zh
    assert "cannot read" in en


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_facts_warnings_speak_the_language(lang: str, capsys: pytest.CaptureFixture[str],
                                           tmp_path: Path) -> None:
    text = Path(COMPANY).read_text(encoding="utf-8")
    facts = tmp_path / "company.yaml"
    facts.write_text("\n".join(line for line in text.splitlines()
                               if "public_opinion" not in line), encoding="utf-8")
    main(["--lang", lang, "check", "--facts", str(facts), "--as-of", "2026-11-20"])
    err = without_source(capsys.readouterr().err)
    assert "missing-public-opinion" in err
    if lang == "zh":
        assert english_sentences(err) == []
    else:
        assert chinese_lines(err) == []
