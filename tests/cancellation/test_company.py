"""The example company: the plan and inventory its header comment promises."""

from __future__ import annotations

import datetime as dt

import pytest

from policy_sdk.cancellation.inventory import build_inventory
from policy_sdk.errors import FactsError, PluginError
from policy_sdk.facts.model import Facts
from policy_sdk.workdays import WorkdayCalendar

from ._support import AS_OF, CAPABILITIES, plan

N = "网信算备1101081234567{}号"
VIDEO_APP, VIDEO_WEB, VIDEO_MINI, VIDEO_OA = (N.format(f"0225000{i}") for i in (1, 2, 3, 4))
NEWS_APP, NEWS_WEB, NEWS_MINI = N.format("03240001"), N.format("03240002"), N.format("03250001")
AD = N.format("05250001")
FEED_APP, FEED_ALIPAY = N.format("01250001"), N.format("01250002")


def test_plan_for_already_stopped_deployments(company: Facts, calendar: WorkdayCalendar) -> None:
    p = plan(company, calendar)
    assert p.strategy == "batch"
    # video-rec still runs on wx-oa: its stopped filings are a partial offline, each
    # cancelled on its own (seed 002); only news-rec's app and website filings batch
    assert [b.numbers for b in p.batches] == [tuple(sorted([NEWS_APP, NEWS_WEB]))]
    assert p.batches[0].reason == (
        "every filing's algorithm has the type `personalized_push` (`news-rec`) and every "
        "platform (`main-app`, `website`) accepts batch cancellation"
    )
    assert [s.filing.filing for s in p.singles] == sorted(
        [VIDEO_APP, VIDEO_WEB, VIDEO_MINI, NEWS_MINI]
    )
    partial = (
        "`video-rec` still runs on `wx-oa`: a partial offline is cancelled on its own, so "
        "the regulator can be told when and why these platforms went offline"
    )
    reasons = {s.filing.filing: s.reason for s in p.singles}
    assert reasons[VIDEO_APP] == partial
    assert reasons[VIDEO_WEB] == partial
    assert reasons[VIDEO_MINI] == (
        partial + "; mini_program `wx-mini` demands item-by-item verification"
    )
    assert reasons[NEWS_MINI] == "mini_program `alipay-mini` demands item-by-item verification"
    assert [k.filing for k in p.kept] == [VIDEO_OA]
    assert p.kept[0].reason == "`video-rec` still runs on `wx-oa`"
    assert [c.filing for c in p.changes] == [AD]
    change = p.changes[0]
    assert change.remove == ("website",)
    assert change.keep == ("main-app",)
    assert change.deadline == dt.date(2026, 11, 16)
    assert change.overdue
    # deadlines: 20 working days after the stop, per item
    batch = p.batches[0]
    assert {f.deadline for f in batch.filings} == {dt.date(2026, 11, 5)}
    assert batch.overdue
    news_mini = next(s for s in p.singles if s.filing.filing == NEWS_MINI)
    assert news_mini.filing.deadline == dt.date(2026, 12, 8)
    assert not news_mini.filing.overdue
    assert p.deadline == dt.date(2026, 11, 5)
    assert set(p.overdue) == {VIDEO_APP, VIDEO_WEB, VIDEO_MINI, NEWS_APP, NEWS_WEB, AD}
    # feed-rec and search-rank are untouched
    touched = (
        set(p.cancelled_numbers()) | {k.filing for k in p.kept} | {c.filing for c in p.changes}
    )
    assert FEED_APP not in touched
    assert FEED_ALIPAY not in touched
    assert [(c.strategy, c.applications, c.eligible) for c in p.considered] == [
        ("batch", 5, True),
        ("single", 6, True),
    ]


def test_single_strategy_has_no_batches(company: Facts, calendar: WorkdayCalendar) -> None:
    p = plan(company, calendar, strategy="single")
    assert p.batches == ()
    assert len(p.singles) == 6
    assert p.strategy == "single"
    assert p.requested_strategy == "single"


def test_requested_stop_on_a_date(company: Facts, calendar: WorkdayCalendar) -> None:
    # stopping feed-rec on the App only: its App filing names only main-app -> cancel;
    # feed-rec still runs on wx-mini and wx-oa, so it goes alone, saying where it runs;
    # the alipay-mini filing is an orphan (never launched there): its own heading
    p = plan(company, calendar, ("feed-rec@main-app",), on=dt.date(2026, 12, 1))
    assert [s.filing.filing for s in p.singles] == [FEED_APP]
    assert p.singles[0].reason.startswith("`feed-rec` still runs on `wx-mini`, `wx-oa`: ")
    assert p.singles[0].filing.stopped_on == dt.date(2026, 12, 1)
    assert p.singles[0].filing.deadline == calendar.add_workdays(dt.date(2026, 12, 1), 20)
    assert p.kept == ()
    assert [o.filing for o in p.orphans] == [FEED_ALIPAY]
    assert p.orphans[0].reason == (
        "`feed-rec` was never launched on `alipay-mini`: the filing covers no service, so "
        "nothing stops there; launch it, or change or cancel the filing on its own (an "
        "orphan filing: see the inventory)"
    )
    assert [(s.algorithm, s.platform, s.source) for s in p.stops] == [
        ("feed-rec", "main-app", "request")
    ]


def test_stop_whole_algorithm(company: Facts, calendar: WorkdayCalendar) -> None:
    p = plan(company, calendar, ("video-rec",))
    # wx-oa stops now too: all four video-rec filings are cancelled, nothing kept
    assert sorted(p.cancelled_numbers()) == sorted([VIDEO_APP, VIDEO_WEB, VIDEO_MINI, VIDEO_OA])
    assert p.kept == ()
    assert [b.numbers for b in p.batches] == [tuple(sorted([VIDEO_APP, VIDEO_OA, VIDEO_WEB]))]


def test_stop_already_stopped_warns(company: Facts, calendar: WorkdayCalendar) -> None:
    p = plan(company, calendar, ("news-rec@website",))
    assert any("already stopped on 2026-10-09" in w for w in p.warnings)


@pytest.mark.parametrize(
    ("stop", "code", "hint"),
    [
        ("vidoe-rec", "unknown-algorithm", "`video-rec`"),
        ("video-rec@wx-mnii", "unknown-platform", "`wx-mini`"),
        ("video-rec@alipay-mini", "not-deployed", "`main-app`"),
        ("@main-app", "bad-stop", None),
    ],
)
def test_bad_stop_is_an_error(
    company: Facts, calendar: WorkdayCalendar, stop: str, code: str, hint: str | None
) -> None:
    with pytest.raises(FactsError) as info:
        plan(company, calendar, (stop,))
    d = info.value.diagnostics[0]
    assert d.code == code
    if hint:
        assert d.help is not None
        assert hint in d.help


def test_all_bad_stops_reported_together(company: Facts, calendar: WorkdayCalendar) -> None:
    with pytest.raises(FactsError) as info:
        plan(company, calendar, ("nope", "video-rec@nowhere"))
    assert len(info.value.diagnostics) == 2


def test_unknown_strategy(company: Facts, calendar: WorkdayCalendar) -> None:
    with pytest.raises(PluginError) as info:
        plan(company, calendar, strategy="batc")
    assert info.value.code == "unknown-strategy"
    assert "`batch`" in (info.value.diagnostics[0].help or "")


def test_pending_filing_warns_not_planned(company: Facts, calendar: WorkdayCalendar) -> None:
    import attrs

    filings = tuple(
        attrs.evolve(f, status="cancellation_pending") if f.number == NEWS_MINI else f
        for f in company.filings
    )
    p = plan(attrs.evolve(company, filings=filings), calendar)
    assert NEWS_MINI not in p.cancelled_numbers()
    assert any(NEWS_MINI in w and "pending" in w for w in p.warnings)


def test_platform_override_makes_mini_program_batchable(
    company: Facts, calendar: WorkdayCalendar
) -> None:
    import attrs

    platforms = tuple(
        attrs.evolve(p, batch_cancellation=True, item_verification=False)
        if p.id in ("wx-mini", "alipay-mini")
        else p
        for p in company.platforms
    )
    p = plan(attrs.evolve(company, platforms=platforms), calendar)
    assert p.batches[0].numbers == tuple(sorted([NEWS_APP, NEWS_MINI, NEWS_WEB]))
    # a partial offline stays single even where every platform accepts batch
    assert VIDEO_MINI in {s.filing.filing for s in p.singles}
    # and the other way round: the website refuses batch
    platforms = tuple(
        attrs.evolve(p, batch_cancellation=False) if p.id == "website" else p
        for p in company.platforms
    )
    p = plan(attrs.evolve(company, platforms=platforms), calendar)
    assert p.batches == ()
    web = next(s for s in p.singles if s.filing.filing == NEWS_WEB)
    assert web.reason == "website `website` does not accept batch cancellation (set in the facts)"


def test_plan_json_roundtrip(company: Facts, calendar: WorkdayCalendar) -> None:
    import json

    d = json.loads(plan(company, calendar).to_json())
    assert d["strategy"] == "batch"
    assert d["applications"] == 5
    assert d["orphans"] == []
    assert d["kept"][0]["reason"] == "`video-rec` still runs on `wx-oa`"


def test_inventory(company: Facts, calendar: WorkdayCalendar) -> None:
    inv = build_inventory(company, capabilities=CAPABILITIES, calendar=calendar, as_of=AS_OF)
    assert len(inv.filings) == 11
    assert inv.by_status == {"active": 11}
    assert inv.by_platform["main-app"] == 5
    assert inv.by_platform["wx-oa"] == 1
    assert inv.by_platform_type["mini_program"] == 3
    assert inv.by_algorithm_type["personalized_push"] == 10
    due = {d.filing: d for d in inv.cancellation_due}
    assert set(due) == {VIDEO_APP, VIDEO_WEB, VIDEO_MINI, NEWS_APP, NEWS_WEB, NEWS_MINI}
    assert due[NEWS_MINI].deadline == dt.date(2026, 12, 8)
    assert not due[NEWS_MINI].overdue
    assert due[VIDEO_APP].deadline == dt.date(2026, 11, 5)
    assert due[VIDEO_APP].overdue
    assert [c.filing for c in inv.changes_due] == [AD]
    assert {(u.algorithm, u.platform) for u in inv.unfiled} == {
        ("feed-rec", "wx-mini"),
        ("feed-rec", "wx-oa"),
        ("search-rank", "website"),
        ("route-dispatch", "main-app"),
    }
    assert [(o.filing, o.undeployed) for o in inv.orphans] == [(FEED_ALIPAY, ("alipay-mini",))]
    assert {s.platform for s in inv.special_platforms} == {"wx-mini", "alipay-mini"}
    states = {f.filing: f.deployment_state for f in inv.filings}
    assert states[VIDEO_OA] == "running"
    assert states[AD] == "partially_stopped"
    assert states[FEED_ALIPAY] == "not_deployed"
    assert states[NEWS_APP] == "stopped"
