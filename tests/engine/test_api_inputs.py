"""Embedding inputs that are easy to get subtly wrong."""

from __future__ import annotations

from pathlib import Path

from policy_sdk import Engine

ROOT = Path(__file__).resolve().parents[2]
COMPANY = ROOT / "examples" / "company.yaml"


def test_a_single_stop_string_is_one_stop_not_letters() -> None:
    engine = Engine()
    one = engine.plan_cancellation(COMPANY, "news-rec", as_of="2026-11-20")
    listed = engine.plan_cancellation(COMPANY, ["news-rec"], as_of="2026-11-20")
    assert one.to_dict() == listed.to_dict()


def test_default_pack_findings_do_not_name_the_install_location() -> None:
    report = Engine().evaluate(COMPANY, as_of="2026-11-20")
    origins = {f.origin for f in report.findings if not f.origin.startswith("plugin:")}
    assert origins == {"policies/algorithm_filing.policy"}


def test_an_unknown_calendar_year_names_the_rule_and_key() -> None:
    import pytest

    from policy_sdk import EvaluationError

    facts = {
        "organization": {"name": "x", "public_opinion": True},
        "algorithms": [{"id": "a", "uses_recommendation": True}],
        "platforms": [{"id": "p", "type": "app"}],
        "deployments": [{"algorithm": "a", "platform": "p", "status": "active",
                         "launched_on": "2026-12-28"}],
    }
    with pytest.raises(EvaluationError) as info:
        Engine().evaluate(facts, as_of="2026-12-30")
    (diag,) = info.value.diagnostics
    assert diag.code == "calendar-unknown-year"
    assert diag.help is not None
    assert diag.help.startswith(
        "needed for the deadline of rule `cn.algorithm_filing/filing_per_platform` for "
        "`a` on `p`: 10 working days after 2026-12-28; "
    )
    assert "calendar file" in diag.help
