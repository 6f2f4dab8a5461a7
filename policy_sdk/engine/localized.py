"""A rule's own texts in the current language.

A rule may give its title, citation, remedy and interpretation in two languages
(``remedy "中文" en "English"``, docs/language.md): the first text is shown in Chinese,
the ``en`` one in English, and a text without ``en`` in both. The engine compiles a rule
once and may evaluate it in either language (a server answers each request in its own),
so the texts are picked when findings are made, not when the rule is compiled.
"""

from __future__ import annotations

from typing import NamedTuple

from policy_sdk import ast
from policy_sdk.i18n import get_language

__all__ = ["RuleTexts", "rule_texts", "rule_texts_in"]


class RuleTexts(NamedTuple):
    message: str
    citation: str | None
    remedy: str | None
    interpretation: str | None


def rule_texts(rule: ast.Rule, rule_id: str) -> RuleTexts:
    """The texts of ``rule`` (whose id is ``rule_id``: the message when it has no title)
    in the current language."""
    return rule_texts_in(rule, rule_id, get_language())


def rule_texts_in(rule: ast.Rule, rule_id: str, language: str) -> RuleTexts:
    """:func:`rule_texts` in ``language`` (``zh`` or ``en``), whatever the current one."""
    if language != "en":
        return RuleTexts(rule.title or rule_id, rule.citation, rule.remedy, rule.interpretation)
    return RuleTexts(
        rule.title_en or rule.title or rule_id,
        rule.citation_en or rule.citation,
        rule.remedy_en or rule.remedy,
        rule.interpretation_en or rule.interpretation,
    )
