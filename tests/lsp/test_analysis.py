"""The language server's answers as plain data (policy_sdk.lsp.analysis)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policy_sdk.lsp import analysis
from policy_sdk.lsp.analysis import LanguageContext, completions, hover, load_context

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def context() -> LanguageContext:
    return load_context()


def labels(text: str, context: LanguageContext, line: int | None = None,
           column: int | None = None) -> set[str]:
    lines = text.split("\n")
    line = len(lines) - 1 if line is None else line
    column = len(lines[line]) if column is None else column
    return {c.label for c in completions(text, line, column, context)}


def test_after_require_the_obligation_kinds(context: LanguageContext) -> None:
    got = labels("require ", context)
    assert {"filing", "filing_change", "security_assessment"} <= got
    assert "distinct" in got
    assert "policy" not in got


def test_after_per_the_scopes(context: LanguageContext) -> None:
    assert labels("require filing per ", context) == {
        "organization", "algorithm", "platform", "deployment", "filing"}


def test_after_a_number_the_deadline_words(context: LanguageContext) -> None:
    assert labels("require filing per platform within 10 ", context) == {
        "working", "days", "day"}


def test_inside_a_type_comparison_the_platform_types(context: LanguageContext) -> None:
    got = labels('require filing per platform where platform.type == "', context)
    assert {"app", "mini_program", "official_account", "website"} <= got


def test_after_an_entity_dot_only_its_attributes(context: LanguageContext) -> None:
    got = labels("ensure filing.", context)
    assert {"number", "status", "terminated", "platforms"} <= got
    assert "host" not in got


def test_in_a_rule_block_metadata_and_statements(context: LanguageContext) -> None:
    got = labels('rule a "t" {', context)
    assert {"severity", "citation", "require", "ensure"} <= got


def test_severity_values(context: LanguageContext) -> None:
    assert labels("rule a {\n  severity ", context) == {"mandatory", "advisory"}


def test_hover_on_an_attribute_names_its_type_and_origin(context: LanguageContext) -> None:
    text = 'require filing per platform where platform.host == "wechat"'
    found = hover(text, "x.policy", 0, text.index("host"), context, analysis.WorkspaceIndex())
    assert found is not None
    assert "**platform.host**: `string`" in found
    assert "wechat" in found


def test_hover_on_a_kind(context: LanguageContext) -> None:
    text = "require security_assessment per algorithm"
    found = hover(text, "x.policy", 0, 10, context, analysis.WorkspaceIndex())
    assert found == "**security_assessment**: an obligation kind (a record kind in the facts)"


def test_a_broken_facts_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    facts = tmp_path / "f.yaml"
    facts.write_text("organization: {name: x\n", encoding="utf-8")
    got = load_context(str(facts))
    [problem] = got.problems
    assert (problem.code, problem.file) == ("malformed", str(facts))
    assert got.schema.get("platform", "host") is not None


def test_fix_offset_keeps_the_head_of_a_dotted_name() -> None:
    assert analysis.fix_offset("platform.hots", "host") == len("platform.")
    assert analysis.fix_offset("requir", "require") == 0
    assert analysis.fix_offset("platform.hots", "platform.host") == 0


def test_the_vscode_extension_ships_the_same_grammar_and_the_documented_settings() -> None:
    shipped = ROOT / "editors" / "vscode" / "syntaxes" / "policy.tmLanguage.json"
    assert shipped.read_bytes() == (ROOT / "editors" / "policy.tmLanguage.json").read_bytes()
    package = json.loads((ROOT / "editors" / "vscode" / "package.json").read_text())
    settings = set(package["contributes"]["configuration"]["properties"])
    assert settings == {"policy-sdk.command", "policy-sdk.facts"}
    doc = (ROOT / "docs" / "editors.md").read_text(encoding="utf-8")
    for name in settings | {"`facts`", "`plugins`"}:
        assert name.strip("`") in doc
