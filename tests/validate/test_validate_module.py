"""Static validation: each error kind at its span, with its wording and did-you-mean."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from policy_sdk.errors import Diagnostic, ValidationError
from policy_sdk.facts import build_schema, load_facts
from policy_sdk.facts.load import platform_type_specs
from policy_sdk.facts.schema import Schema
from policy_sdk.plugins.specs import FunctionSpec
from policy_sdk.syntax import parse_policy
from policy_sdk.validate import check_module, validate_module

SPECS = platform_type_specs(("app", "mini_program", "official_account", "website"))
SCHEMA = build_schema(SPECS)
FUNCTIONS: Mapping[str, FunctionSpec] = {
    "days_between": FunctionSpec("days_between", ("date", "date"), "number",
                                 lambda a, b: (b - a).days),
    "starts_with": FunctionSpec("starts_with", ("string", "string"), "boolean",
                                lambda a, b: a.startswith(b)),
}


def diags(src: str, schema: Schema = SCHEMA) -> list[Diagnostic]:
    return validate_module(parse_policy(src, "t.policy"), schema, FUNCTIONS, source=src)


def one(src: str, schema: Schema = SCHEMA) -> Diagnostic:
    found = diags(src, schema)
    assert len(found) == 1, [d.render() for d in found]
    return found[0]


def at(d: Diagnostic) -> tuple[int, int, int]:
    assert d.span is not None
    return (d.span.line, d.span.column, d.span.end_column)


def test_valid_policy_has_no_diagnostics() -> None:
    src = ('rule r { require filing per platform where uses_recommendation and '
           'deployment.status in ["active", "paused"] and platform.type == "app" '
           'and launched_on >= 2026-01-01 and days_between(launched_on, 2026-12-31) > 3 '
           'within 10 working days of launched_on }\n'
           'require filing_change per filing where live and partially_stopped '
           'with on >= first_stopped_on\n'
           'ensure not live per filing where terminated within 20 working days of terminated_on\n'
           'require distinct filing per platform where "personalized_push" in types\n')
    assert diags(src) == []


def test_misspelled_attribute() -> None:
    d = one("require filing per platform where uses_recomendation\n")
    assert (d.code, d.message, d.help) == ("unknown-name", "unknown name `uses_recomendation`",
                                           "did you mean `uses_recommendation`?")
    assert at(d) == (1, 35, 53)
    assert d.source_line == "require filing per platform where uses_recomendation"
    assert "^^^^^^^^^^^^^^^^^^" in d.render()


def test_misspelled_entity_and_attribute_of_entity() -> None:
    d = one("require filing per platform where deploymnt.running\n")
    assert d.help == "did you mean `deployment`?"
    d = one("require filing per platform where platform.tpye == \"app\"\n")
    assert (d.code, d.message, d.help) == (
        "unknown-attribute", "`platform` has no attribute `tpye`", "did you mean `type`?")


def test_name_out_of_scope() -> None:
    d = one("require security_assessment per algorithm where launched_on > 2026-01-01\n")
    assert d.code == "unknown-name"


def test_ambiguous_name() -> None:
    d = one("require filing per platform where running\n")
    assert d.code == "ambiguous-name"
    assert d.message == ("`running` is ambiguous here: it could be `deployment.running` or "
                         "`algorithm.running`")


def test_unknown_kind_and_declared_kinds() -> None:
    d = one("require security_assesment per algorithm\n")
    assert (d.code, d.message, d.help) == ("unknown-kind",
                                           "unknown obligation kind `security_assesment`",
                                           "did you mean `security_assessment`?")
    assert at(d) == (1, 9, 27)
    facts = load_facts({"organization": {"name": "x"}, "schema": {"kinds": ["youth_mode"]}},
                       platform_types=SPECS)
    assert diags("require youth_mode per platform\n", build_schema(SPECS, facts)) == []


def test_date_compared_with_string() -> None:
    d = one('require filing per platform where launched_on > "2026-01-01"\n')
    assert d.code == "type-mismatch"
    assert d.message == ('cannot compare a date with text: `launched_on` is a date and '
                         '`"2026-01-01"` is text')
    assert d.help == "write the date without quotes: 2026-01-01"


def test_enum_literal_outside_its_values() -> None:
    d = one('require filing per platform where deployment.status == "actve"\n')
    assert (d.code, d.help) == ("unknown-value", "did you mean `active`?")
    assert d.message == ('`"actve"` is never a value of `deployment.status`; it is one of '
                         '`active`, `paused`, `stopped`')
    assert at(d) == (1, 56, 63)
    d = one('require filing per platform where "personalised_push" in types\n')
    assert d.help == "did you mean `personalized_push`?"
    d = one('require filing per platform where platform.type == "mini_progam"\n')
    assert d.help == "did you mean `mini_program`?"


def test_in_needs_a_list() -> None:
    d = one('require filing per platform where platform.type in "app"\n')
    assert (d.code, d.message) == ("in-needs-list",
                                   '`in` needs a list on the right, but `"app"` is text')
    d = one("require filing per platform where launched_on in [\"a\"]\n")
    assert d.code == "type-mismatch"


def test_condition_must_be_boolean() -> None:
    d = one("require filing per platform where launched_on\n")
    assert (d.code, d.message) == ("not-a-condition",
                                   "a `where` condition must be true or false, but `launched_on` "
                                   "is a date")


def test_deadline_anchor_must_be_a_date() -> None:
    d = one("require filing per platform within 10 working days of platform.name\n")
    assert (d.code, d.message) == ("deadline-anchor",
                                   "a deadline counts from a date, but `platform.name` is text")


def test_functions() -> None:
    d = one("require filing per platform where starts_wth(platform.name, \"a\")\n")
    assert (d.code, d.help) == ("unknown-function", "did you mean `starts_with`?")
    d = one("require filing per platform where starts_with(platform.name)\n")
    assert (d.code, d.message) == ("arity", "`starts_with` takes 2 arguments, not 1")
    d = one("require filing per platform where starts_with(launched_on, \"a\")\n")
    assert d.message == "argument 1 of `starts_with` must be text, but `launched_on` is a date"


def test_duplicate_rule_ids() -> None:
    src = ("rule a { require filing per platform }\n"
           "rule a { require opt_out per platform }\n")
    d = one(src)
    assert (d.code, d.message) == ("duplicate-rule", "duplicate rule id `a` (first at line 1)")
    assert at(d)[0] == 2


def test_distinct_and_with_placement() -> None:
    d = one("require distinct opt_out per platform\n")
    assert d.code == "distinct"
    d = one("require distinct filing per algorithm\n")
    assert d.code == "distinct"
    d = one("forbid per filing where terminated with live\n")
    assert (d.code, d.message) == ("with-without-kind", "`with` examines records, so it needs a "
                                   "kind: `forbid KIND per …`")


def test_with_binds_the_record() -> None:
    assert diags("require security_assessment per algorithm with on >= 2025-01-01\n") == []
    assert diags("require filing per platform with filing.status == \"active\"\n") == []
    d = one("require opt_out per platform with opt_out.onn > 2025-01-01\n")
    assert (d.code, d.message, d.help) == ("unknown-attribute", "`opt_out` has no attribute `onn`",
                                           "did you mean `on`?")


def test_warnings_for_parts_that_cannot_matter() -> None:
    found = diags("require filing per platform where deployment.platform == null\n"
                  "ensure displayed per filing where filed_on < null\n"
                  "require filing per platform where false\n")
    assert [(d.level, d.code) for d in found] == [
        ("warning", "never-null"), ("warning", "null-order"), ("warning", "never-applies")]
    assert found[0].message == "`deployment.platform` is never null, so this is always false"


def test_all_errors_of_a_module_sorted() -> None:
    found = diags('rule b { require opt_outt per platform where launched_on > "x" }\n'
                  "require filing per platform where uses_recomendation\n")
    assert [at(d)[:2] for d in found] == [(1, 18), (1, 46), (2, 35)]


def test_check_module_raises_or_returns_warnings() -> None:
    with pytest.raises(ValidationError) as info:
        check_module(parse_policy("require filing per platform where x\n"), SCHEMA, FUNCTIONS)
    assert info.value.code == "unknown-name"
    warnings = check_module(parse_policy("require filing per platform where false\n"), SCHEMA,
                            FUNCTIONS)
    assert [w.code for w in warnings] == ["never-applies"]


def test_source_line_is_read_from_the_file(tmp_path: object) -> None:
    from pathlib import Path

    p = Path(str(tmp_path)) / "p.policy"
    p.write_text("require filing per platform where uses_recomendation\n", encoding="utf-8")
    from policy_sdk.syntax import parse_file

    (d,) = validate_module(parse_file(p), SCHEMA, FUNCTIONS)
    assert d.source_line == "require filing per platform where uses_recomendation"
