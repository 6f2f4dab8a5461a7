"""examples/company.yaml: the default pack reports exactly what the file's header says."""

from __future__ import annotations

import datetime as dt

import pytest

from policy_sdk.engine.engine import Engine
from policy_sdk.engine.report import Report

from .engine_support import AS_OF, load

D = dt.date
P = "cn.algorithm_filing/"
N = "网信算备1101081234567"

EXPECTED = {
    # filing_per_platform: feed-rec filed on the App only; search-rank just launched on the website
    (P + "filing_per_platform", "violated", "feed-rec", "wx-mini", None, D(2026, 3, 16)),
    (P + "filing_per_platform", "violated", "feed-rec", "wx-oa", None, D(2026, 4, 29)),
    (P + "filing_per_platform", "pending", "search-rank", "website", None, D(2026, 11, 26)),
    # cancellation_on_termination: stopped 2026-10-09 (due 11-05) and 2026-11-10 (due 12-08)
    (P + "cancellation_on_termination", "violated", "video-rec", None, N + "02250001号",
     D(2026, 11, 5)),
    (P + "cancellation_on_termination", "violated", "video-rec", None, N + "02250002号",
     D(2026, 11, 5)),
    (P + "cancellation_on_termination", "violated", "video-rec", None, N + "02250003号",
     D(2026, 11, 5)),
    (P + "cancellation_on_termination", "violated", "news-rec", None, N + "03240001号",
     D(2026, 11, 5)),
    (P + "cancellation_on_termination", "violated", "news-rec", None, N + "03240002号",
     D(2026, 11, 5)),
    (P + "cancellation_on_termination", "pending", "news-rec", None, N + "03250001号",
     D(2026, 12, 8)),
    # filing_change: the ad-delivery filing (website stopped 2026-11-02, due 11-16)
    (P + "filing_change", "violated", "ad-delivery", None, N + "05250001号", D(2026, 11, 16)),
    # filing_number_displayed: feed-rec's App filing shows no number
    (P + "filing_number_displayed", "violated", "feed-rec", None, N + "01250001号", None),
    # user_opt_out (advisory): search-rank has no opt-out
    (P + "user_opt_out", "violated", "search-rank", "main-app", None, None),
    (P + "user_opt_out", "violated", "search-rank", "website", None, None),
}


@pytest.fixture(scope="module")
def report() -> Report:
    return Engine().evaluate(load(), as_of=AS_OF)


def test_exactly_the_expected_findings(report: Report) -> None:
    got = {
        (f.rule, f.status, f.algorithm, f.platform, f.filing, f.deadline) for f in report.select()
    }
    assert got == EXPECTED
    assert report.counts["violated"] == 11
    assert report.counts["pending"] == 2


def test_user_opt_out_is_advisory_and_the_rest_mandatory(report: Report) -> None:
    for f in report.select():
        expected = "advisory" if f.rule.endswith("user_opt_out") else "mandatory"
        assert f.severity == expected
    assert report.failed


def test_route_dispatch_has_nothing_applying(report: Report) -> None:
    mine = [
        f for f in report.findings if f.algorithm == "route-dispatch" and f.rule.startswith(P)
    ]
    assert mine
    assert {f.status for f in mine} == {"not_applicable"}


def test_feed_rec_filed_on_app_only(report: Report) -> None:
    """Filed on its App, not on its mini-program and official account."""
    by_platform = {
        f.platform: f for f in report.findings
        if f.rule == P + "filing_per_platform" and f.algorithm == "feed-rec"
    }
    assert by_platform["main-app"].status == "satisfied"
    assert by_platform["wx-mini"].status == "violated"
    assert by_platform["wx-oa"].status == "violated"
    mini = by_platform["wx-mini"]
    text = "\n".join(mini.explanation)
    assert "algorithm `feed-rec` uses_recommendation = true" in text
    assert "deployment of `feed-rec` on `wx-mini` running = true (status = active)" in text
    assert "no live filing of `feed-rec` names platform `wx-mini`" in text
    assert "live filings of `feed-rec` name: alipay-mini, main-app" in text
    assert "due 2026-03-16" in text
    # seed 000: the App filing's core materials are reusable
    assert mini.remedy is not None
    assert "self-assessment report" in mini.remedy
    assert "`main-app`" in mini.remedy
    assert "usage scenario" in mini.remedy
    assert mini.citation == "《互联网信息服务算法推荐管理规定》第二十四条第一款"


def test_no_reuse_note_without_an_existing_filing(report: Report) -> None:
    (pending,) = [f for f in report.select() if f.rule == P + "filing_per_platform"
                  and f.status == "pending"]
    # search-rank holds a filing on main-app, so the note applies there too
    assert pending.remedy is not None
    assert "`main-app`" in pending.remedy


def test_json_lists_violated_and_pending_and_counts_all(report: Report) -> None:
    doc = report.to_dict()
    assert len(doc["findings"]) == 13
    assert doc["summary"]["total"] == sum(report.counts.values())
    everything = report.to_dict(include_all=True)
    assert len(everything["findings"]) == doc["summary"]["total"]
