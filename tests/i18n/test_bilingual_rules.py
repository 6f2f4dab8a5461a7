"""A rule gives its title, citation, remedy and interpretation in two languages:
``remedy "中文" en "English"``; ``en`` stays a name everywhere else."""

from __future__ import annotations

import pytest

from policy_sdk import ast
from policy_sdk.errors import PolicySyntaxError
from policy_sdk.syntax import format_source, parse_policy

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
