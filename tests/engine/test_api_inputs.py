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
