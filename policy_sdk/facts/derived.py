"""Attributes computed from the facts (``computed=True`` in the schema).

Definitions (the same words are in ``docs/semantics.md``). For a filing F of
algorithm A naming platforms P, let dep(p) be the deployment of A on p:

* ``stopped_platforms``: p in P with dep(p) present and ``stopped``;
* ``running_platforms``: p in P with dep(p) present and ``active`` or ``paused``;
* ``terminated``: P is not empty and every p in P is stopped (service terminated);
* ``terminated_on``: when terminated, the latest ``stopped_on`` (None if any is unknown);
* ``partially_stopped``: some p stopped and some p running;
* ``first_stopped_on``: the earliest known ``stopped_on`` among stopped p.

All lists are sorted, so derived values do not depend on input order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import attrs

from policy_sdk.facts.model import Deployment, Facts, Filing


@attrs.frozen
class FilingState:
    stopped_platforms: tuple[str, ...]
    running_platforms: tuple[str, ...]
    terminated: bool
    terminated_on: dt.date | None
    partially_stopped: bool
    first_stopped_on: dt.date | None


def deployment_index(facts: Facts) -> dict[tuple[str, str], Deployment]:
    return {d.key: d for d in facts.deployments}


def filing_state(filing: Filing, deployments: Mapping[tuple[str, str], Deployment]) -> FilingState:
    stopped: list[str] = []
    running: list[str] = []
    stop_dates: list[dt.date | None] = []
    for p in filing.platforms:
        dep = deployments.get((filing.algorithm, p))
        if dep is None:
            continue
        if dep.status == "stopped":
            stopped.append(p)
            stop_dates.append(dep.stopped_on)
        elif dep.running:
            running.append(p)
    terminated = bool(filing.platforms) and len(stopped) == len(set(filing.platforms))
    known = [d for d in stop_dates if d is not None]
    terminated_on = max(known) if terminated and len(known) == len(stop_dates) else None
    return FilingState(
        stopped_platforms=tuple(sorted(stopped)),
        running_platforms=tuple(sorted(running)),
        terminated=terminated,
        terminated_on=terminated_on,
        partially_stopped=bool(stopped) and bool(running),
        first_stopped_on=min(known) if known else None,
    )
