"""The cases of issue 11's "Why", each as the user met it: check, inventory and
plan-cancel now give one answer (docs/semantics.md §8)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from policy_sdk.cancellation.inventory import build_inventory
from policy_sdk.cancellation.model import CancellationPlan, Inventory
from policy_sdk.cancellation.planner import plan_cancellation
from policy_sdk.cancellation.strategies import BatchStrategy, SingleStrategy
from policy_sdk.engine.engine import Engine
from policy_sdk.engine.report import Finding
from policy_sdk.facts import Facts, load_facts
from policy_sdk.facts.lifecycle import lifecycle
from policy_sdk.plugins.specs import CancellationCapabilities, CancellationStrategy
from policy_sdk.workdays import default_calendar

ENGINE = Engine(plugin_rules=False)
CAPS = {"app": CancellationCapabilities(), "website": CancellationCapabilities(),
        "official_account": CancellationCapabilities()}
STRATEGIES: dict[str, CancellationStrategy] = {"batch": BatchStrategy(),
                                                "single": SingleStrategy()}
CHANGE = "cn.algorithm_filing/filing_change"
CANCEL = "cn.algorithm_filing/cancellation_on_termination"
N = "网信算备110108123456701250001号"
FILING_RULES = {CHANGE, CANCEL, "cn.algorithm_filing/filing_per_platform"}


def company(deployments: list[dict[str, Any]], filing: dict[str, Any],
            records: list[dict[str, Any]] = ()) -> Facts:  # type: ignore[assignment]
    return load_facts({
        "organization": {"name": "x", "public_opinion": True},
        "algorithms": [{"id": "rec", "types": ["personalized_push"],
                        "uses_recommendation": True}],
        "platforms": [{"id": "app", "type": "app"}, {"id": "web", "type": "website"},
                      {"id": "oa", "type": "official_account"}],
        "deployments": deployments,
        "filings": [{"number": N, "algorithm": "rec", "status": "active", "displayed": True,
                     **filing}],
        "records": list(records),
    })


def finding(facts: Facts, rule: str, as_of: dt.date) -> Finding:
    (found,) = [f for f in ENGINE.evaluate(facts, as_of=as_of).findings
                if f.rule == rule and f.filing == N]
    return found


def inventory(facts: Facts, as_of: dt.date) -> Inventory:
    return build_inventory(facts, capabilities=CAPS, calendar=default_calendar(), as_of=as_of)


def plan(facts: Facts, as_of: dt.date) -> CancellationPlan:
    return plan_cancellation(facts, capabilities=CAPS, strategies=STRATEGIES,
                             calendar=default_calendar(), on=None, as_of=as_of)


def test_a_recorded_change_is_done_for_every_command() -> None:
    facts = company(
        [{"algorithm": "rec", "platform": "app", "status": "active"},
         {"algorithm": "rec", "platform": "web", "status": "stopped",
          "stopped_on": "2026-03-02"}],
        {"platforms": ["app", "web"]},
        [{"kind": "filing_change", "filing": N, "on": "2026-03-10"}],
    )
    day = dt.date(2026, 11, 20)
    assert finding(facts, CHANGE, day).status == "satisfied"
    assert inventory(facts, day).changes_due == ()
    p = plan(facts, day)
    assert p.changes == ()
    assert [k.reason for k in p.kept] == [
        "`rec` still runs on `app`; the change removing `web` is recorded on 2026-03-10"
    ]


def test_a_second_stop_needs_a_change_of_its_own() -> None:
    facts = company(
        [{"algorithm": "rec", "platform": "app", "status": "active"},
         {"algorithm": "rec", "platform": "web", "status": "stopped",
          "stopped_on": "2026-03-02"},
         {"algorithm": "rec", "platform": "oa", "status": "stopped",
          "stopped_on": "2026-10-12"}],
        {"platforms": ["app", "web", "oa"]},
        [{"kind": "filing_change", "filing": N, "on": "2026-03-10"}],
    )
    day = dt.date(2026, 11, 20)
    f = finding(facts, CHANGE, day)
    assert (f.status, f.deadline) == ("violated", dt.date(2026, 10, 26))
    assert f.message == "a filing still names a platform where its algorithm has stopped"
    assert f.explanation[2:] == (
        f"filing `{N}` change_due = true (stopped: oa on 2026-10-12, web on 2026-03-02; "
        "running: app; change for the stop of 2026-03-02 recorded on 2026-03-10)",
        "the required condition does not hold: `not change_due`",
        "due 2026-10-26: 10 working days after change_due_on 2026-10-12; as of 2026-11-20 "
        "it is overdue",
    )
    (due,) = inventory(facts, day).changes_due
    assert (due.stopped_platforms, due.stopped_on, due.deadline, due.overdue) == (
        ("oa",), dt.date(2026, 10, 12), dt.date(2026, 10, 26), True)
    (change,) = plan(facts, day).changes
    assert change.reason == (
        "`rec` stopped on `oa` but still runs on `app`: change the filing on its own to "
        "remove the stopped platforms, do not cancel it (Art. 24 ¶2)"
    )
    assert change.deadline == dt.date(2026, 10, 26)
    # on the day of the second stop's change record, everything is done
    later = company(
        [{"algorithm": "rec", "platform": "app", "status": "active"},
         {"algorithm": "rec", "platform": "web", "status": "stopped",
          "stopped_on": "2026-03-02"},
         {"algorithm": "rec", "platform": "oa", "status": "stopped",
          "stopped_on": "2026-10-12"}],
        {"platforms": ["app", "web", "oa"]},
        [{"kind": "filing_change", "filing": N, "on": "2026-10-20"}],
    )
    assert finding(later, CHANGE, day).status == "satisfied"


def test_a_never_launched_platform_does_not_keep_a_filing_alive() -> None:
    facts = company(
        [{"algorithm": "rec", "platform": "app", "status": "stopped",
          "stopped_on": "2026-10-09"}],
        {"platforms": ["app", "oa"]},
    )
    day = dt.date(2026, 11, 20)
    f = finding(facts, CANCEL, day)
    assert (f.status, f.deadline) == ("violated", dt.date(2026, 11, 5))
    (due,) = inventory(facts, day).cancellation_due
    assert (due.filing, due.deadline, due.overdue) == (N, dt.date(2026, 11, 5), True)
    p = plan(facts, day)
    assert [s.filing.filing for s in p.singles] == [N]
    assert p.warnings == (
        f"filing `{N}` names `oa` where `rec` was never launched (an orphan platform: "
        "see the inventory)",
    )
    state = lifecycle(facts, day)[N]
    assert (state.terminated, state.terminated_on, state.never_launched) == (
        True, dt.date(2026, 10, 9), ("oa",))


def test_dates_after_the_as_of_day_have_not_happened() -> None:
    facts = company(
        [{"algorithm": "rec", "platform": "app", "status": "stopped",
          "launched_on": "2026-01-05", "stopped_on": "2026-10-09"},
         {"algorithm": "rec", "platform": "web", "status": "active",
          "launched_on": "2026-02-02"}],
        {"platforms": ["app"], "filed_on": "2026-01-10"},
    )
    day = dt.date(2025, 11, 20)
    def due(on: dt.date) -> list[Finding]:
        return [f for f in ENGINE.evaluate(facts, as_of=on).select(("violated", "pending"))
                if f.rule in FILING_RULES]

    assert due(day) == []
    state = lifecycle(facts, day)
    assert state.view.ignored == 4  # two launches, a stop, a filing
    assert state[N].status == "not_yet_filed"
    # in between: the App runs, the filing covers it; the web launch is still to come
    mid = dt.date(2026, 1, 20)
    assert due(mid) == []
    # a filing counts only from its filed_on: before it, the App is unfiled (pending)
    early = dt.date(2026, 1, 8)
    (f,) = due(early)
    assert (f.platform, f.status, f.deadline) == ("app", "pending", dt.date(2026, 1, 19))


def test_a_filing_shown_on_one_platform_only_names_the_other() -> None:
    facts = company(
        [{"algorithm": "rec", "platform": "app", "status": "active"},
         {"algorithm": "rec", "platform": "web", "status": "active"}],
        {"platforms": ["app", "web"], "displayed": False},
        [{"kind": "number_displayed", "filing": N, "platform": "app"}],
    )
    day = dt.date(2026, 11, 20)
    f = finding(facts, "cn.algorithm_filing/filing_number_displayed", day)
    assert f.status == "violated"
    assert f.explanation == (
        f"filing `{N}` status = active",
        f"filing `{N}` running_platforms = [app, web] (stopped: none; running: app, web)",
        f"filing `{N}` undisplayed_platforms = [web] (stopped: none; running: app, web)",
        "the required condition does not hold: `undisplayed_platforms == []`",
    )


def test_the_example_header_and_the_cancellation_doc_say_partial_offline_is_single() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    header = (root / "examples" / "company.yaml").read_text(encoding="utf-8")
    assert ("#   singles: video-rec's main-app, website and wx-mini filings: a partial offline "
            "(video-rec still runs\n#            on wx-oa), each on its own (seed 002)") in header
    doc = (root / "docs" / "cancellation.md").read_text(encoding="utf-8")
    assert "* **one batch**: the main-app and website filings of `news-rec`" in doc
    assert "`auto` compared `batch` (5 applications) with `single` (6)" in doc
