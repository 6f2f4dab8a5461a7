"""An `ensure` finding says which condition was required."""

from __future__ import annotations

from pathlib import Path

from policy_sdk import Engine

COMPANY = Path(__file__).resolve().parents[2] / "examples" / "company.yaml"


def test_the_failed_condition_is_quoted() -> None:
    report = Engine().evaluate(COMPANY, as_of="2026-11-20")
    (shown,) = [f for f in report.violations()
                if f.rule == "cn.algorithm_filing/filing_number_displayed"]
    required = "the required condition does not hold: `undisplayed_platforms == []`"
    assert required in shown.explanation
    cancels = [f for f in report.violations()
               if f.rule == "cn.algorithm_filing/cancellation_on_termination"]
    assert cancels
    assert all("the required condition does not hold: `not live`" in f.explanation
               for f in cancels)
