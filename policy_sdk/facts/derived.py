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
from itertools import repeat
from operator import attrgetter

import attrs

from policy_sdk.facts.model import RUNNING_STATUSES, Deployment, Facts, Filing

_ALGORITHM = attrgetter("algorithm")
_PLATFORM = attrgetter("platform")


@attrs.frozen
class FilingState:
    stopped_platforms: tuple[str, ...]
    running_platforms: tuple[str, ...]
    terminated: bool
    terminated_on: dt.date | None
    partially_stopped: bool
    first_stopped_on: dt.date | None


def deployment_index(facts: Facts) -> Mapping[tuple[str, str], Deployment]:
    """(algorithm, platform) -> deployment, built once per :class:`Facts` (the loader
    hands over the one it built while checking that keys are unique). Read-only."""
    found: Mapping[tuple[str, str], Deployment] | None = facts._derived.get("deployments")
    if found is None:
        deps = facts.deployments
        keys = zip(map(_ALGORITHM, deps), map(_PLATFORM, deps), strict=True)
        found = facts._derived["deployments"] = dict(zip(keys, deps, strict=True))
    return found


def filing_state(filing: Filing, deployments: Mapping[tuple[str, str], Deployment]) -> FilingState:
    # The lookups run at C speed (one map over the filing's keys): at 1M deployments
    # this is called for every filing of the facts.
    platforms = filing.platforms
    looked_up = map(deployments.get, zip(repeat(filing.algorithm), platforms))
    found = [(p, d) for p, d in zip(platforms, looked_up, strict=True) if d is not None]
    running = tuple(sorted([p for p, d in found if d.status in RUNNING_STATUSES]))
    stopped = [(p, d) for p, d in found if d.status == "stopped"]
    if not stopped:
        return FilingState((), running, False, None, False, None)
    stop_dates = [d.stopped_on for _, d in stopped]
    terminated = bool(platforms) and len(stopped) == len(set(platforms))
    known = [d for d in stop_dates if d is not None]
    terminated_on = max(known) if terminated and len(known) == len(stop_dates) else None
    return FilingState(
        stopped_platforms=tuple(sorted([p for p, _ in stopped])),
        running_platforms=running,
        terminated=terminated,
        terminated_on=terminated_on,
        partially_stopped=bool(running),
        first_stopped_on=min(known) if known else None,
    )
