"""Embedding inputs that are easy to get subtly wrong."""

from __future__ import annotations

import datetime as dt
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


def test_an_unknown_calendar_year_gives_a_provisional_deadline() -> None:
    facts = {
        "organization": {"name": "x", "public_opinion": True},
        "algorithms": [{"id": "a", "uses_recommendation": True}],
        "platforms": [{"id": "p", "type": "app"}],
        "deployments": [{"algorithm": "a", "platform": "p", "status": "active",
                         "launched_on": "2026-12-28"}],
    }
    report = Engine().evaluate(facts, as_of="2026-12-30")
    (f,) = [f for f in report.select(("pending",))
            if f.rule == "cn.algorithm_filing/filing_per_platform"]
    # Dec 29-31 (3), Jan 1 off (fixed date), Jan 4-8 (8), Jan 11, 12
    assert (f.deadline, f.provisional) == (dt.date(2027, 1, 12), True)
    assert f.explanation[-1] == (
        "due 2027-01-12: 10 working days after launched_on 2026-12-28; as of 2026-12-30 it "
        "is still pending (provisional: the calendar does not know that year, so it counts "
        "Monday to Friday without the holidays whose dates move; see docs/calendar.md)"
    )
