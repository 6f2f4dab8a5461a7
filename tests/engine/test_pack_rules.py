"""Each rule of the default pack: where it applies, what satisfies it, what violates it."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from policy_sdk.engine.engine import Engine
from policy_sdk.facts.model import Algorithm, Deployment, Facts, Filing, Platform, Record

from .engine_support import facts, rec_alg

D = dt.date
AS_OF = D(2026, 11, 20)
P = "cn.algorithm_filing/"
PLATFORMS = (Platform("app", "app"), Platform("web", "website"))
ENGINE = Engine(load_entrypoints=False, plugin_rules=False)
GEN = Algorithm("gen", None, ("generation_synthesis",), False)


def base(**kw: object) -> Facts:
    defaults: dict[str, object] = dict(
        algorithms=(rec_alg(),),
        platforms=PLATFORMS,
        deployments=(Deployment("rec", "app", "active", D(2025, 1, 1)),),
        filings=(Filing("F1", "rec", ("app",), "active", D(2025, 1, 5), True),),
        records=(Record("security_assessment", algorithm="rec"), Record("disclosure"),
                 Record("opt_out"), Record("complaint_channel")),
    )
    defaults.update(kw)
    return facts(**defaults)  # type: ignore[arg-type]


def statuses(f: Facts, rule: str) -> list[str]:
    report = ENGINE.evaluate(f, as_of=AS_OF)
    return [x.status for x in report.findings if x.rule == P + rule]


def test_the_baseline_company_is_clean() -> None:
    report = ENGINE.evaluate(base(), as_of=AS_OF)
    assert report.counts["violated"] == 0
    assert report.counts["pending"] == 0
    assert len({f.rule for f in report.findings}) == 13


def test_every_rule_has_citation_and_remedy() -> None:
    for rule in ENGINE.rules:
        assert rule.citation, rule.id
        assert rule.remedy, rule.id
        assert rule.rule.interpretation or rule.id.endswith(
            ("security_assessment", "no_filing_in_marketing")), rule.id


@pytest.mark.parametrize(
    ("rule", "change", "expected"),
    [
        # filing_per_platform
        ("filing_per_platform", {"filings": ()}, ["violated"]),
        ("filing_per_platform", {"public_opinion": False, "filings": ()}, ["not_applicable"]),
        ("filing_per_platform", {"algorithms": (rec_alg(uses=False),), "filings": ()},
         ["not_applicable"]),
        # filing_number_displayed
        ("filing_number_displayed",
         {"filings": (Filing("F1", "rec", ("app",), "active", None, False),)}, ["violated"]),
        ("filing_number_displayed",
         {"filings": (Filing("F1", "rec", ("app",), "submitted", None, False),)},
         ["not_applicable"]),
        # security_assessment
        ("security_assessment", {"records": ()}, ["violated"]),
        ("security_assessment", {"records": (), "public_opinion": False}, ["not_applicable"]),
        # disclosure / opt-out / complaint channel (advisory)
        ("disclosure", {"records": (Record("opt_out"),)}, ["violated"]),
        ("user_opt_out", {"records": (Record("opt_out", algorithm="other"),)}, ["violated"]),
        ("user_opt_out", {"records": (Record("opt_out", algorithm="rec", platform="app"),)},
         ["satisfied"]),
        ("complaint_channel", {"records": ()}, ["violated"]),
        # synthetic content labels and the model filing
        ("synthetic_content_label",
         {"algorithms": (rec_alg(), GEN),
          "deployments": (Deployment("gen", "app", "active", D(2025, 1, 1)),)},
         ["violated"]),
        ("synthetic_content_label",
         {"algorithms": (rec_alg(), GEN),
          "deployments": (Deployment("gen", "app", "active", D(2025, 1, 1)),),
          "records": (Record("content_label", algorithm="gen"),)},
         ["satisfied"]),
        ("genai_model_filing",
         {"algorithms": (rec_alg(), GEN),
          "deployments": (Deployment("gen", "app", "active", D(2025, 1, 1)),)},
         ["violated", "not_applicable"]),
        ("genai_model_filing",
         {"algorithms": (rec_alg(), GEN),
          "deployments": (Deployment("gen", "app", "stopped", D(2025, 1, 1), D(2025, 2, 1)),)},
         ["not_applicable", "not_applicable"]),
        # marketing
        ("no_filing_in_marketing", {"records": (Record("marketing_claim"),)}, ["violated"]),
        ("no_filing_in_marketing", {}, ["satisfied"]),
    ],
)
def test_rule(rule: str, change: dict[str, object], expected: list[str]) -> None:
    assert statuses(base(**change), rule) == expected


def test_advisory_rules() -> None:
    severities = {r.id.split("/")[1]: r.severity for r in ENGINE.rules}
    assert {k for k, v in severities.items() if v == "advisory"} == {
        "disclosure", "user_opt_out", "complaint_channel", "no_filing_in_marketing"}


def test_cancellation_and_change_rules_ignore_running_filings() -> None:
    f = base()
    assert statuses(f, "cancellation_on_termination") == ["not_applicable"]
    assert statuses(f, "filing_change") == ["not_applicable"]
    stopped = attrs.evolve(f, deployments=(Deployment("rec", "app", "stopped", D(2025, 1, 1),
                                                      D(2026, 1, 5)),))
    assert statuses(stopped, "cancellation_on_termination") == ["violated"]
    assert statuses(stopped, "filing_number_displayed") == ["not_applicable"]
    assert statuses(stopped, "filing_per_platform") == ["not_applicable"]
