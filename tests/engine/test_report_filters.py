"""``Report.select`` / ``violations``: a filter the report cannot match is an error, not
an empty answer (a misspelt severity must not read as "no findings")."""

from __future__ import annotations

import datetime as dt

import pytest

from policy_sdk import Engine, EvaluationError
from policy_sdk.engine.report import Finding, Report

POLICY = """
policy acme "two rules" {
  rule per_platform "a filing for every platform" {
    require filing per platform where uses_recommendation and deployment.running
  }
  rule displayed "the filing number is displayed" {
    severity advisory
    ensure filing.displayed per filing where filing.live
  }
}
"""

FACTS = {
    "organization": {"name": "示例科技有限公司", "public_opinion": True},
    "algorithms": [{"id": "feed", "types": ["personalized_push"], "uses_recommendation": True}],
    "platforms": [{"id": "main-app", "type": "app"}, {"id": "web", "type": "website"}],
    "deployments": [
        {"algorithm": "feed", "platform": "main-app", "launched_on": "2025-05-20"},
        {"algorithm": "feed", "platform": "web", "launched_on": "2025-05-20"},
    ],
    "filings": [{"number": "网信算备110108123456701250001号", "algorithm": "feed",
                 "platform": "main-app", "status": "active", "displayed": False}],
}


@pytest.fixture(scope="module")
def report() -> Report:
    engine = Engine.from_source(POLICY, name="acme.policy", plugin_rules=False)
    return engine.evaluate(FACTS, as_of="2026-11-20")


def error_of(call: object) -> str:
    assert callable(call)
    with pytest.raises(EvaluationError) as info:
        call()
    return info.value.render()


def test_filters_that_match(report: Report) -> None:
    assert [f.rule for f in report.select(severity="advisory")] == ["acme/displayed"]
    assert [f.platform for f in report.violations(rule="acme/per_platform")] == ["web"]
    assert report.select(("satisfied",), rule="acme/displayed") == ()
    # a single status is one status, not a sequence of letters
    assert report.select("violated") == report.violations()
    assert len(report.violations()) == 2


def test_a_misspelt_severity_is_an_error(report: Report) -> None:
    assert error_of(lambda: report.select(severity="advisroy")) == (
        "error[unknown-severity]: unknown severity `advisroy`\n"
        "  help: did you mean `advisory`? (severities: `mandatory`, `advisory`)"
    )
    assert "unknown severity `Mandatory`" in error_of(
        lambda: report.violations(severity="Mandatory"))


def test_a_misspelt_status_is_an_error(report: Report) -> None:
    assert error_of(lambda: report.select(("violatd", "pending"))) == (
        "error[unknown-status]: unknown status `violatd`\n"
        "  help: did you mean `violated`? "
        "(statuses: `violated`, `pending`, `waived`, `satisfied`, `not_applicable`)"
    )
    assert "did you mean `not_applicable`?" in error_of(lambda: report.select("not applicable"))


def test_a_rule_the_report_does_not_have_is_an_error(report: Report) -> None:
    assert error_of(lambda: report.select(rule="per_platform")) == (
        "error[unknown-rule]: no rule of this report has the id `per_platform`\n"
        "  help: did you mean `acme/per_platform`? (rules: `acme/displayed`, `acme/per_platform`)"
    )
    assert error_of(lambda: report.violations(rule="cn.algorithm_filing/user_opt_out")) == (
        "error[unknown-rule]: no rule of this report has the id "
        "`cn.algorithm_filing/user_opt_out`\n"
        "  help: rules: `acme/displayed`, `acme/per_platform`"
    )


def test_every_bad_filter_is_reported_at_once(report: Report) -> None:
    text = error_of(lambda: report.select(("pendng",), severity="high", rule="x"))
    assert [line.split("]")[0] for line in text.splitlines() if line.startswith("error")] == [
        "error[unknown-rule", "error[unknown-severity", "error[unknown-status"]


def test_a_report_made_from_findings_checks_against_their_rules() -> None:
    finding = Finding("mine/r", "violated", "mandatory", "a", "p", None, "m")
    made = Report([finding], as_of=dt.date(2026, 11, 20))
    assert made.violations(rule="mine/r") == (finding,)
    assert "did you mean `mine/r`?" in error_of(lambda: made.select(rule="mine/rr"))
