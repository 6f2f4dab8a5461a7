"""`check`, `inventory` and `plan-cancel` agree item by item on what is due, by when, and
whether it is overdue: they read one filing lifecycle model (docs/semantics.md §8)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from policy_sdk.cancellation.inventory import build_inventory
from policy_sdk.cancellation.planner import plan_cancellation
from policy_sdk.cancellation.strategies import BatchStrategy, SingleStrategy
from policy_sdk.engine.engine import Engine
from policy_sdk.facts import Facts, load_facts
from policy_sdk.facts.model import (
    FILING_STATUSES,
    Algorithm,
    Deployment,
    Filing,
    Organization,
    Platform,
    Record,
)
from policy_sdk.plugins.specs import CancellationCapabilities, CancellationStrategy
from policy_sdk.testing.strategies import facts_models
from policy_sdk.workdays import WorkdayCalendar, YearSchedule

# the strategies draw dates up to 2027; deadlines may run into 2028
CALENDAR = WorkdayCalendar([YearSchedule(2027), YearSchedule(2028)])
ENGINE = Engine(plugin_rules=False, calendar=CALENDAR)
CAPABILITIES = {
    "app": CancellationCapabilities(),
    "website": CancellationCapabilities(),
    "official_account": CancellationCapabilities(),
    "mini_program": CancellationCapabilities(batch=False, item_verification=True),
}
STRATEGIES: dict[str, CancellationStrategy] = {"batch": BatchStrategy(),
                                                "single": SingleStrategy()}
CANCEL = "cn.algorithm_filing/cancellation_on_termination"
CHANGE = "cn.algorithm_filing/filing_change"
COMPANY = Path(__file__).resolve().parents[2] / "examples" / "company.yaml"

Item = tuple[str, dt.date | None, bool]  # filing, deadline, overdue


def from_check(facts: Facts, as_of: dt.date) -> tuple[set[Item], set[Item]]:
    report = ENGINE.evaluate(facts, as_of=as_of)
    due = report.select(("violated", "pending"))

    def items(rule: str) -> set[Item]:
        return {(f.filing or "", f.deadline, f.status == "violated") for f in due if f.rule == rule}

    return items(CANCEL), items(CHANGE)


def from_inventory(facts: Facts, as_of: dt.date) -> tuple[set[Item], set[Item]]:
    inv = build_inventory(facts, capabilities=CAPABILITIES, calendar=CALENDAR, as_of=as_of)
    return (
        {(d.filing, d.deadline, d.overdue) for d in inv.cancellation_due},
        {(d.filing, d.deadline, d.overdue) for d in inv.changes_due},
    )


def from_plan(facts: Facts, as_of: dt.date) -> tuple[set[Item], set[Item]]:
    plan = plan_cancellation(facts, capabilities=CAPABILITIES, strategies=STRATEGIES,
                             calendar=CALENDAR, on=None, as_of=as_of)
    cancelled = [f for b in plan.batches for f in b.filings] + [s.filing for s in plan.singles]
    return (
        {(f.filing, f.deadline, f.overdue) for f in cancelled},
        {(c.filing, c.deadline, c.overdue) for c in plan.changes},
    )


DAYS = st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
PLATFORMS = ("app", "web", "oa", "mini")
TYPES = {"app": "app", "web": "website", "oa": "official_account", "mini": "mini_program"}


@st.composite
def lifecycles(draw: st.DrawFn) -> Facts:
    """Companies dense in stops, filings naming several platforms and change records."""
    algorithms = ("a", "b")
    deployments = []
    for a in algorithms:
        for p in draw(st.lists(st.sampled_from(PLATFORMS), unique=True)):
            launched = draw(st.one_of(st.none(), DAYS))
            status = draw(st.sampled_from(["active", "paused", "stopped", "stopped"]))
            stopped = None
            if status == "stopped" and draw(st.integers(0, 5)) > 0:
                stopped = draw(DAYS if launched is None
                               else st.dates(launched, dt.date(2026, 12, 31)))
            deployments.append(Deployment(a, p, status, launched, stopped))
    filings = tuple(
        Filing(
            number=f"f{i}",
            algorithm=draw(st.sampled_from(algorithms)),
            platforms=tuple(draw(st.lists(st.sampled_from(PLATFORMS), min_size=1, max_size=3,
                                          unique=True))),
            status=draw(st.sampled_from(["active", "active", "submitted", *FILING_STATUSES])),
            filed_on=draw(st.one_of(st.none(), DAYS)),
        )
        for i in range(draw(st.integers(0, 5)))
    )
    records = tuple(
        Record(
            "filing_change",
            algorithm=draw(st.one_of(st.none(), st.sampled_from(algorithms))),
            filing=draw(st.one_of(st.none(), st.sampled_from([f.number for f in filings])))
            if filings else None,
            on=draw(st.one_of(st.none(), DAYS)),
        )
        for _ in range(draw(st.integers(0, 3)))
    )
    return Facts(
        organization=Organization("x", public_opinion=True),
        algorithms=tuple(Algorithm(a, types=("personalized_push",), uses_recommendation=True)
                         for a in algorithms),
        platforms=tuple(Platform(p, TYPES[p]) for p in PLATFORMS),
        deployments=tuple(deployments),
        filings=filings,
        records=records,
    )


@given(st.one_of(lifecycles(), lifecycles(), facts_models()), st.data())
def test_check_inventory_and_plan_agree_on_every_due_item(
    facts: Facts, data: st.DataObject
) -> None:
    stops = sorted({d.stopped_on for d in facts.deployments if d.stopped_on is not None})
    near: bool = data.draw(st.booleans())
    if stops and near:  # near a stop: pending items as well as overdue
        as_of = data.draw(st.sampled_from(stops)) + dt.timedelta(data.draw(st.integers(0, 40)))
    else:
        as_of = data.draw(st.dates(dt.date(2026, 2, 1), dt.date(2027, 1, 31)))
    check = from_check(facts, as_of)
    assert from_inventory(facts, as_of) == check
    assert from_plan(facts, as_of) == check


def test_they_agree_on_the_example_company() -> None:
    facts = load_facts(COMPANY)
    for day in (dt.date(2026, 10, 1), dt.date(2026, 11, 5), dt.date(2026, 11, 20)):
        check = from_check(facts, day)
        assert from_inventory(facts, day) == check
        assert from_plan(facts, day) == check
    cancel, change = from_check(facts, dt.date(2026, 11, 20))
    assert len(cancel) == 6
    assert {overdue for _, _, overdue in cancel} == {True, False}
    assert len(change) == 1
