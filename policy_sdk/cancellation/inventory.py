"""The filing inventory: take stock before deciding how to cancel (seed 002: 先盘点，再决策).

How many filings, on which platforms and platform types, of which algorithm types, in
which status; which are due for cancellation or change; which deployments have no
filing and which filings no deployment; which platforms have special cancellation
requirements.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping

from policy_sdk.cancellation._common import (
    check_filing_platforms,
    deadline,
    later_warning,
    platform_requirements,
    provisional_warning,
)
from policy_sdk.cancellation.model import (
    DueItem,
    Inventory,
    InventoryFiling,
    OrphanFiling,
    PlatformDeployment,
    UnfiledDeployment,
    WorkdayCounter,
)
from policy_sdk.facts.derived import deployment_index
from policy_sdk.facts.lifecycle import CANCEL_WORKDAYS, CHANGE_WORKDAYS, lifecycle
from policy_sdk.facts.model import RUNNING_STATUSES, Facts
from policy_sdk.plugins.specs import CancellationCapabilities


def _counts(items: Iterable[str], keys: Iterable[str] = ()) -> dict[str, int]:
    c = Counter(items)
    for k in keys:
        c.setdefault(k, 0)
    return {k: c[k] for k in sorted(c)}


def deployment_state(deployments: Iterable[PlatformDeployment]) -> str:
    """A filing's ``deployment_state``: the summary of its ``deployments`` entries.

    Read off the entries themselves, for every filing: a filing filed after the as-of
    day (``not_yet_filed``) has no lifecycle state yet (the lifecycle treats its
    platforms as never launched, so it is due nothing), but its algorithm may well run
    on its platforms, and the inventory says so. For a filing that exists this is the
    lifecycle's own reading (terminated, partially stopped, running), which a property
    test checks."""
    states = [d.state for d in deployments]
    running = any(s in RUNNING_STATUSES for s in states)
    stopped = "stopped" in states
    if stopped:
        return "partially_stopped" if running else "stopped"
    return "running" if running else "not_deployed"


def build_inventory(
    facts: Facts,
    *,
    capabilities: Mapping[str, CancellationCapabilities],
    calendar: WorkdayCounter,
    as_of: dt.date,
) -> Inventory:
    """The inventory of ``facts`` on ``as_of`` (deadlines count working days).

    Raises :class:`~policy_sdk.errors.FactsError` for a platform of a type
    ``capabilities`` does not know, :class:`~policy_sdk.errors.EvaluationError` when a
    deadline falls in a year the calendar does not know.
    """
    reqs = platform_requirements(facts, capabilities)
    check_filing_platforms(facts, reqs)
    life = lifecycle(facts, as_of)  # the one model `check` and `plan-cancel` read too
    facts = life.facts  # as of the day: later launches, stops, filings not yet happened
    deployments = deployment_index(facts)
    algorithms = {a.id: a for a in facts.algorithms}
    filings = sorted(facts.filings, key=lambda f: f.number)

    rows: list[InventoryFiling] = []
    cancel_due: list[DueItem] = []
    change_due: list[DueItem] = []
    orphans: list[OrphanFiling] = []
    provisional: set[int] = set()
    for f in filings:
        alg = algorithms.get(f.algorithm)
        state_of = life[f.number]
        platforms = state_of.platforms
        per_platform = []
        for p in platforms:
            dep = deployments.get((f.algorithm, p))
            per_platform.append(
                PlatformDeployment(
                    platform=p,
                    platform_type=reqs[p].platform_type,
                    state=dep.status if dep is not None else "none",
                    stopped_on=dep.stopped_on if dep is not None else None,
                )
            )
        rows.append(
            InventoryFiling(
                filing=f.number,
                algorithm=f.algorithm,
                algorithm_name=alg.name if alg is not None else None,
                algorithm_types=tuple(sorted(set(alg.types))) if alg is not None else (),
                platforms=platforms,
                platform_types=tuple(sorted({reqs[p].platform_type for p in platforms})),
                status=f.status,
                deployment_state=deployment_state(per_platform),
                deployments=tuple(per_platform),
            )
        )
        if not f.live:
            continue
        if state_of.never_launched:
            orphans.append(
                OrphanFiling(f.number, f.algorithm, platforms, state_of.never_launched)
            )
        if state_of.cancellation_due:
            start = state_of.terminated_on
            due, overdue, guess = deadline(calendar, start, CANCEL_WORKDAYS, as_of)
            cancel_due.append(DueItem(f.number, f.algorithm, platforms,
                                      state_of.stopped_platforms, start, due, overdue, guess))
            if guess and due is not None:
                provisional.add(due.year)
        elif state_of.change_due:
            start = state_of.change_due_on
            due, overdue, guess = deadline(calendar, start, CHANGE_WORKDAYS, as_of)
            change_due.append(DueItem(f.number, f.algorithm, platforms,
                                      state_of.change_platforms, start, due, overdue, guess))
            if guess and due is not None:
                provisional.add(due.year)

    filed = {(f.algorithm, p) for f in facts.filings if f.live for p in f.platforms}
    unfiled = [
        UnfiledDeployment(
            algorithm=d.algorithm,
            platform=d.platform,
            platform_type=reqs[d.platform].platform_type if d.platform in reqs else "",
            status=d.status,
            launched_on=d.launched_on,
            uses_recommendation=(
                algorithms[d.algorithm].uses_recommendation if d.algorithm in algorithms else False
            ),
        )
        for d in sorted(facts.deployments, key=lambda d: d.key)
        if d.running and d.key not in filed
    ]
    return Inventory(
        as_of=as_of,
        filings=tuple(rows),
        by_platform=_counts(
            (p for r in rows for p in r.platforms), (p.id for p in facts.platforms)
        ),
        by_platform_type=_counts(
            (t for r in rows for t in r.platform_types), (p.type for p in facts.platforms)
        ),
        by_algorithm_type=_counts(t for r in rows for t in r.algorithm_types),
        by_status=_counts(r.status for r in rows),
        cancellation_due=tuple(cancel_due),
        changes_due=tuple(change_due),
        unfiled=tuple(unfiled),
        orphans=tuple(orphans),
        special_platforms=tuple(r for _, r in sorted(reqs.items()) if r.special),
        warnings=tuple(provisional_warning(provisional) + later_warning(life.view.ignored)),
    )

