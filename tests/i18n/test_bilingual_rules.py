"""A rule gives its title, citation, remedy and interpretation in two languages:
``remedy "中文" en "English"``; ``en`` stays a name everywhere else."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from policy_sdk import ast
from policy_sdk.cli.main import main, use_language
from policy_sdk.errors import PolicySyntaxError
from policy_sdk.syntax import format_source, parse_policy

ROOT = Path(__file__).resolve().parents[2]

SOURCE = '''policy house "自有规则" en "house rules" {
  rule en "中文标题" en "English title" {
    citation "《规定》第一条" en "Art. 1"
    remedy "中文整改" en "English remedy"
    interpretation "只有中文"
    require en per platform where en == "en"
  }
}
'''


def test_both_texts_reach_the_ast() -> None:
    (policy,) = parse_policy(SOURCE).items
    assert isinstance(policy, ast.Policy)
    assert (policy.title, policy.title_en) == ("自有规则", "house rules")
    (rule,) = policy.rules
    assert (rule.name, rule.title, rule.title_en) == ("en", "中文标题", "English title")
    assert (rule.citation, rule.citation_en) == ("《规定》第一条", "Art. 1")
    assert (rule.remedy, rule.remedy_en) == ("中文整改", "English remedy")
    assert (rule.interpretation, rule.interpretation_en) == ("只有中文", None)
    assert isinstance(rule.statement, ast.Require)
    assert rule.statement.kind == ast.Ident("en")


def test_the_formatter_keeps_both_texts() -> None:
    assert format_source(SOURCE) == SOURCE


def test_a_title_line_with_english_moves_into_the_header() -> None:
    text = 'rule r {\n  title "标题" en "title"\n  require filing per platform\n}\n'
    assert format_source(text) == (
        'rule r "标题" en "title" {\n  require filing per platform\n}\n')


@pytest.mark.parametrize("text", [
    'rule r "t" en { require filing per platform }',          # `en` without its text
    'rule r en "t" { require filing per platform }',          # `en` without a first text
    'rule r { remedy "a" en "b" en "c" require filing per platform }',
    'rule r { severity advisory en "x" require filing per platform }',
])
def test_misplaced_en_is_a_syntax_error(text: str) -> None:
    with pytest.raises(PolicySyntaxError):
        parse_policy(text)


HOUSE = '''rule opt_out "未提供关闭选项" en "no opt-out switch" {
  remedy "提供关闭选项" en "offer a switch"
  require opt_out per platform where uses_recommendation and deployment.running
}

rule plain "只有中文" {
  remedy "只有中文的整改措施"
  require opt_out per platform where uses_recommendation and deployment.running
}
'''


@pytest.fixture
def _english_after() -> Iterator[None]:
    yield
    use_language("en")


@pytest.mark.usefixtures("_english_after")
@pytest.mark.parametrize(("lang", "message", "remedy"), [
    ("zh", "未提供关闭选项", "提供关闭选项"),
    ("en", "no opt-out switch", "offer a switch"),
])
def test_findings_carry_the_texts_of_the_language(
    lang: str, message: str, remedy: str, capsys: pytest.CaptureFixture[str], tmp_path: Path,
) -> None:
    policy = tmp_path / "house.policy"
    policy.write_text(HOUSE, encoding="utf-8")
    main(["--lang", lang, "check", "--facts", str(ROOT / "examples" / "company.yaml"),
          "--as-of", "2026-11-20", "--policy", str(policy), "--no-plugin-rules",
          "--format", "json", "--all"])
    doc = json.loads(capsys.readouterr().out)
    by_rule: dict[str, set[tuple[str, str | None]]] = {}
    for f in doc["findings"]:
        by_rule.setdefault(f["rule"], set()).add((f["message"], f.get("remedy")))
    assert {m for m, _r in by_rule["opt_out"]} == {message}
    assert remedy in {r for _m, r in by_rule["opt_out"]}
    # a text without `en` is shown in both languages
    assert {m for m, _r in by_rule["plain"]} == {"只有中文"}


def test_a_report_keeps_the_language_it_was_evaluated_in() -> None:
    """Findings are made lazily; one read in another language (another thread or
    request) still speaks the evaluation's."""
    from policy_sdk import i18n
    from policy_sdk.api import Engine

    engine = Engine()
    with i18n.use_language("zh"):
        report = engine.evaluate(engine.load_facts(str(ROOT / "examples" / "company.yaml")),
                                 as_of="2026-11-20")
    with i18n.use_language("en"):
        findings = report.select(("violated",))
        text = "\n".join(f.message + "\n" + "\n".join(f.explanation) for f in findings)
    assert "备案" in text
    assert "the required condition" not in text
