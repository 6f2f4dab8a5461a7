"""Invariants of evaluation, on facts drawn by policy_sdk.testing.strategies."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import TypeVar

import attrs
from hypothesis import given
from hypothesis import strategies as st

from policy_sdk.engine.engine import Engine
from policy_sdk.engine.report import Finding, Report
from policy_sdk.facts.model import Facts, Filing
from policy_sdk.syntax import parse_policy
from policy_sdk.testing.strategies import facts_models
from policy_sdk.workdays import WorkdayCalendar, YearSchedule

T = TypeVar("T")

# the strategies draw dates up to 2027; deadlines may run into 2028
CALENDAR = WorkdayCalendar([YearSchedule(2027), YearSchedule(2028)])
ENGINE = Engine(plugin_rules=False, calendar=CALENDAR)
EXTRA = parse_policy(
    "require distinct filing per platform where deployment.running\n"
    "ensure displayed or not live per filing\n",
    file="extra.policy",
)
PACK = [m for m, _ in ENGINE.modules]
AS_OF = dt.date(2026, 11, 20)
FPP = "cn.algorithm_filing/filing_per_platform"


def decisions(report: Report) -> list[tuple[Finding, tuple[str, ...]]]:
    return [(f, f.explanation) for f in report.findings]


def violations(report: Report) -> set[tuple[str, str | None, str | None, str | None]]:
    return {(f.rule, f.algorithm, f.platform, f.filing) for f in report.violations()}


def shuffled(facts: Facts, seed: int) -> Facts:
    rnd = random.Random(seed)

    def mix(items: Sequence[T]) -> tuple[T, ...]:
        out = list(items)
        rnd.shuffle(out)
        return tuple(out)

    return attrs.evolve(
        facts,
        algorithms=mix(facts.algorithms),
        platforms=mix(facts.platforms),
        deployments=mix(facts.deployments),
        filings=mix(facts.filings),
        records=mix(facts.records),
        locations={},
    )


@given(facts_models(), st.integers(0, 2**32))
def test_findings_do_not_depend_on_the_order_of_facts(facts: Facts, seed: int) -> None:
    base = ENGINE.evaluate(attrs.evolve(facts, locations={}), as_of=AS_OF)
    assert decisions(ENGINE.evaluate(shuffled(facts, seed), as_of=AS_OF)) == decisions(base)


@given(facts_models())
def test_findings_do_not_depend_on_the_order_of_policy_files(facts: Facts) -> None:
    one = Engine([*PACK, EXTRA], plugin_rules=False, calendar=CALENDAR)
    two = Engine([EXTRA, *reversed(PACK)], plugin_rules=False, calendar=CALENDAR)
    assert decisions(one.evaluate(facts, as_of=AS_OF)) == \
        decisions(two.evaluate(facts, as_of=AS_OF))


@given(facts_models(), st.data())
def test_adding_a_matching_active_filing_never_adds_a_violation(
    facts: Facts, data: st.DataObject
) -> None:
    running = [d for d in facts.deployments if d.running]
    if not running:
        return
    dep = data.draw(st.sampled_from(running))
    new = Filing("网信算备999999999999999999999号", dep.algorithm, (dep.platform,), "active",
                 dt.date(2026, 1, 1), displayed=True)
    before = violations(ENGINE.evaluate(facts, as_of=AS_OF))
    after = violations(ENGINE.evaluate(attrs.evolve(facts, filings=(*facts.filings, new)),
                                       as_of=AS_OF))
    assert after <= before
    assert (FPP, dep.algorithm, dep.platform, None) not in after


@given(facts_models(), st.data())
def test_removing_a_deployment_never_adds_a_violation_to_another_deployment(
    facts: Facts, data: st.DataObject
) -> None:
    if not facts.deployments:
        return
    gone = data.draw(st.sampled_from(facts.deployments))
    rest = tuple(d for d in facts.deployments if d is not gone)
    before = violations(ENGINE.evaluate(facts, as_of=AS_OF))
    after = violations(ENGINE.evaluate(attrs.evolve(facts, deployments=rest), as_of=AS_OF))
    per_deployment = {v for v in after if v[2] is not None}
    assert per_deployment <= before


@given(facts_models())
def test_every_unfiled_running_recommendation_deployment_is_reported(facts: Facts) -> None:
    report = ENGINE.evaluate(facts, as_of=AS_OF)
    reported = {(f.algorithm, f.platform) for f in report.select(("violated", "pending"))
                if f.rule == FPP}
    uses = {a.id for a in facts.algorithms if a.uses_recommendation}

    def happened(day: dt.date | None) -> bool:  # dates after the as-of day have not
        return day is None or day <= AS_OF

    filed = {(f.algorithm, p) for f in facts.filings if f.live and happened(f.filed_on)
             for p in f.platforms}
    running = {
        d.key for d in facts.deployments
        if happened(d.launched_on) and (d.running or not happened(d.stopped_on))
    }
    expected = {
        (d.algorithm, d.platform) for d in facts.deployments
        if facts.organization.public_opinion and d.algorithm in uses and d.key in running
        and (d.algorithm, d.platform) not in filed
    }
    assert reported == expected


@given(facts_models())
def test_counts_agree_with_findings(facts: Facts) -> None:
    report = ENGINE.evaluate(facts, as_of=AS_OF)
    tally = {s: 0 for s in ("violated", "pending", "waived", "satisfied", "not_applicable")}
    for f in report.findings:
        tally[f.status] += 1
    assert tally == dict(report.counts)
    n = len(facts.deployments)
    assert len([f for f in report.findings if f.rule == FPP]) == n


@given(facts_models())
def test_severity_counts_agree_with_findings(facts: Facts) -> None:
    """The summary line's split, counted from the rules' outcomes without making a
    finding, is the tally of the findings by status and severity (its slow twin)."""
    fast = ENGINE.evaluate(facts, as_of=AS_OF).severity_counts()
    report = ENGINE.evaluate(facts, as_of=AS_OF)
    slow: dict[str, dict[str, int]] = {s: {"mandatory": 0, "advisory": 0}
                                       for s in report.counts}
    for f in report.findings:
        slow[f.status][f.severity] += 1
    assert fast == slow
    assert report.severity_counts() == slow  # the same once the findings are made


@given(facts_models(), st.sampled_from(["violated", "pending"]))
def test_waivers_move_and_keep_every_finding(facts: Facts, status: str) -> None:
    """A waiver of every rule in force: no violated or pending finding is left, each
    one is waived instead, and nothing else changes; expired: nothing is waived and
    one `waivers/expired` finding per waiver is added."""
    from policy_sdk.waivers import Waivers, parse_waivers

    report = ENGINE.evaluate(facts, as_of=AS_OF)
    ids = sorted({r.id for r in report.rules})

    def waivers(expires: str) -> Waivers:
        return parse_waivers({"waivers": [
            {"rule": r, "reason": "r", "owner": "o", "expires": expires} for r in ids]})

    waived = report.with_waivers(waivers("2026-11-20"))
    assert waived.counts["violated"] == waived.counts["pending"] == 0
    assert waived.counts["waived"] == report.counts["violated"] + report.counts["pending"]
    assert not waived.failed
    assert [(f.rule, f.algorithm, f.platform, f.filing) for f in waived.findings] == [
        (f.rule, f.algorithm, f.platform, f.filing) for f in report.findings]
    expired = report.with_waivers(waivers("2026-11-19"))
    assert expired.counts["waived"] == 0
    assert expired.counts[status] == report.counts[status] + (
        len(ids) if status == "violated" else 0)
    assert len(expired.select("violated", rule="waivers/expired")) == len(ids)
