"""The planner's invariants, as properties over generated inventories and requests."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import attrs
from hypothesis import given
from hypothesis import strategies as st

from policy_sdk.cancellation.model import CancellationPlan
from policy_sdk.cancellation.strategies import BatchStrategy
from policy_sdk.facts.model import (
    ALGORITHM_TYPES,
    DEPLOYMENT_STATUSES,
    FILING_STATUSES,
    Algorithm,
    Deployment,
    Facts,
    Filing,
    Organization,
    Platform,
)
from policy_sdk.plugins.specs import CancellationCandidate
from policy_sdk.testing.strategies import facts_models as loaded_facts_models

from ._support import CAPABILITIES
from ._support import plan as plan_with_defaults


class WeekdayCalendar:
    """Monday to Friday, every year known: the invariants do not depend on holidays, and
    generated facts reach years the real calendar does not know yet."""

    def add_workdays(self, start: dt.date, n: int) -> dt.date:
        day = start
        while n > 0:
            day += dt.timedelta(days=1)
            n -= day.weekday() < 5
        return day


CALENDAR = WeekdayCalendar()
DATES = st.dates(dt.date(2022, 3, 1), dt.date(2027, 12, 31))
OPT_BOOL = st.sampled_from([None, True, False])


@st.composite
def facts_models(draw: st.DrawFn) -> Facts:
    n_plat = draw(st.integers(1, 5))
    platforms = tuple(
        Platform(
            id=f"p{i}",
            type=draw(st.sampled_from(sorted(CAPABILITIES))),
            batch_cancellation=draw(OPT_BOOL),
            item_verification=draw(OPT_BOOL),
        )
        for i in range(n_plat)
    )
    n_alg = draw(st.integers(1, 4))
    algorithms = tuple(
        Algorithm(
            id=f"a{i}",
            types=tuple(draw(st.sets(st.sampled_from(ALGORITHM_TYPES), max_size=2))),
        )
        for i in range(n_alg)
    )
    pairs = [(a.id, p.id) for a in algorithms for p in platforms]
    deployed = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=len(pairs)))
    deployments = []
    for a, p in deployed:
        status = draw(st.sampled_from(DEPLOYMENT_STATUSES))
        stopped_on = draw(st.one_of(st.none(), DATES)) if status == "stopped" else None
        deployments.append(Deployment(a, p, status=status, stopped_on=stopped_on))
    n_fil = draw(st.integers(0, 8))
    filings = tuple(
        Filing(
            number=f"f{i:02d}",
            algorithm=draw(st.sampled_from([a.id for a in algorithms])),
            platforms=tuple(
                draw(
                    st.lists(
                        st.sampled_from([p.id for p in platforms]),
                        min_size=1,
                        max_size=3,
                        unique=True,
                    )
                )
            ),
            status=draw(st.sampled_from(FILING_STATUSES)),
        )
        for i in range(n_fil)
    )
    return Facts(
        organization=Organization(name="x"),
        algorithms=algorithms,
        platforms=platforms,
        deployments=tuple(deployments),
        filings=filings,
    )


@st.composite
def requests(draw: st.DrawFn) -> tuple[Facts, tuple[str, ...], dict[str, Any]]:
    # our own models (overrides and stop dates often) and the facts loader's documents
    facts = draw(st.one_of(facts_models(), loaded_facts_models()))
    stops: list[str] = []
    if draw(st.booleans()) and facts.deployments:
        chosen = draw(st.lists(st.sampled_from(facts.deployments), min_size=1, max_size=4))
        for d in chosen:
            stops.append(d.algorithm if draw(st.booleans()) else f"{d.algorithm}@{d.platform}")
    # the facts as they stand on as_of: every date in them has happened (dates after
    # the as-of day are the lifecycle tests' business), and a stop is never before a launch
    dates = [d for dep in facts.deployments for d in (dep.launched_on, dep.stopped_on)]
    dates += [f.filed_on for f in facts.filings] + [r.on for r in facts.records]
    latest = max((d for d in dates if d is not None), default=dt.date(2022, 3, 1))
    on = draw(st.one_of(st.none(), DATES))
    touched = {s.split("@")[0] for s in stops}
    launches = [d.launched_on for d in facts.deployments
                if d.algorithm in touched and d.launched_on is not None]
    as_of = max(draw(DATES), latest)
    if launches:
        on = max(on or as_of, *launches)
    kw = {
        "on": on,
        "as_of": as_of,
        "strategy": draw(st.sampled_from(["auto", "batch", "single"])),
    }
    return facts, tuple(stops), kw


def run(facts: Facts, stops: tuple[str, ...], kw: dict[str, Any]) -> CancellationPlan:
    return plan_with_defaults(facts, CALENDAR, stops, **kw)


def refuses(facts: Facts, platform: str) -> bool:
    p = next(p for p in facts.platforms if p.id == platform)
    caps = CAPABILITIES[p.type]
    batch = caps.batch if p.batch_cancellation is None else p.batch_cancellation
    verify = caps.item_verification if p.item_verification is None else p.item_verification
    return verify or not batch


def stopped_after(facts: Facts, stops: tuple[str, ...]) -> set[tuple[str, str]]:
    """Deployments stopped once the request is applied (an independent reading)."""
    out = {d.key for d in facts.deployments if d.status == "stopped"}
    for s in stops:
        alg, _, plat = s.partition("@")
        deps = [d for d in facts.deployments if d.algorithm == alg]
        if plat:
            out.add((alg, plat))
        else:
            running = [d for d in deps if d.running]
            out |= {d.key for d in (running or deps)}
    return out


@given(requests())
def test_every_touched_live_filing_placed_exactly_once(req: Any) -> None:
    facts, stops, kw = req
    plan = run(facts, stops, kw)
    touched = {s.split("@")[0] for s in stops} or {
        d.algorithm for d in facts.deployments if d.status == "stopped"
    }
    live = sorted(f.number for f in facts.filings if f.live and f.algorithm in touched)
    placed = [
        *plan.cancelled_numbers(),
        *(c.filing for c in plan.changes),
        *(k.filing for k in plan.kept),
        *(o.filing for o in plan.orphans),
    ]
    assert sorted(placed) == live


@given(requests())
def test_no_filing_of_a_running_deployment_is_cancelled(req: Any) -> None:
    facts, stops, kw = req
    plan = run(facts, stops, kw)
    stopped = stopped_after(facts, stops)
    running = {d.key for d in facts.deployments if d.running} - stopped
    filings = {f.number: f for f in facts.filings}
    for number in plan.cancelled_numbers():
        f = filings[number]
        assert not any((f.algorithm, p) in running for p in f.platforms)
        assert any((f.algorithm, p) in stopped for p in f.platforms)
    for change in plan.changes:
        f = filings[change.filing]
        assert all((f.algorithm, p) in stopped for p in change.remove)
        assert any((f.algorithm, p) in running for p in change.keep)


@given(requests())
def test_no_batch_holds_a_refusing_platform(req: Any) -> None:
    facts, stops, kw = req
    plan = run(facts, stops, kw)
    for b in plan.batches:
        assert len(b.filings) >= 2
        for m in b.filings:
            assert not any(refuses(facts, p) for p in m.platforms)
    for s in plan.singles:
        if any(refuses(facts, p) for p in s.filing.platforms):
            assert "verification" in s.reason or "does not accept batch" in s.reason


@given(requests())
def test_single_strategy_yields_no_batches(req: Any) -> None:
    facts, stops, kw = req
    plan = run(facts, stops, {**kw, "strategy": "single"})
    assert plan.batches == ()
    assert plan.strategy == "single"


@given(requests())
def test_auto_picks_fewest_applications(req: Any) -> None:
    facts, stops, kw = req
    auto = run(facts, stops, {**kw, "strategy": "auto"})
    others = [run(facts, stops, {**kw, "strategy": s}) for s in ("batch", "single")]
    assert auto.applications == min(p.applications for p in others)
    chosen = next(p for p in others if p.strategy == auto.strategy)
    assert chosen.batches == auto.batches
    assert chosen.singles == auto.singles


@given(requests(), st.randoms(use_true_random=False))
def test_plan_is_independent_of_input_order(req: Any, rnd: random.Random) -> None:
    facts, stops, kw = req

    def shuffled(xs: tuple[Any, ...]) -> tuple[Any, ...]:
        out = list(xs)
        rnd.shuffle(out)
        return tuple(out)

    other = attrs.evolve(
        facts,
        algorithms=shuffled(facts.algorithms),
        platforms=shuffled(facts.platforms),
        deployments=shuffled(facts.deployments),
        filings=tuple(
            attrs.evolve(f, platforms=shuffled(f.platforms)) for f in shuffled(facts.filings)
        ),
    )
    assert run(other, shuffled(stops), kw) == run(facts, stops, kw)


candidate = st.builds(
    CancellationCandidate,
    filing=st.text("abc", min_size=1, max_size=4),
    algorithm=st.sampled_from(["x", "y"]),
    algorithm_types=st.lists(st.sampled_from(ALGORITHM_TYPES), max_size=2, unique=True).map(tuple),
    platforms=st.just(("p",)),
    platform_types=st.just(("app",)),
    accepts_batch=st.booleans(),
    refusal=st.none(),
    stopped_on=st.none(),
    deadline=st.none(),
)


@given(st.lists(candidate, unique_by=lambda c: c.filing, max_size=10), st.randoms())
def test_batch_strategy_contract(cands: list[CancellationCandidate], rnd: random.Random) -> None:
    proposal = BatchStrategy().propose(cands)
    placed = [n for b in proposal.batches for n in b.filings] + [s.filing for s in proposal.singles]
    assert sorted(placed) == sorted(c.filing for c in cands)
    by = {c.filing: c for c in cands}
    for b in proposal.batches:
        members = [by[n] for n in b.filings]
        assert all(m.accepts_batch for m in members)
        # every member has a type all the others have, and the reason names only those
        shared = set.intersection(*(set(m.algorithm_types) for m in members))
        assert shared
        named = {t for t in ALGORITHM_TYPES if f"`{t}`" in b.reason}
        assert named == shared
    shuffled = list(cands)
    rnd.shuffle(shuffled)
    assert BatchStrategy().propose(shuffled) == proposal
