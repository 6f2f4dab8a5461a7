"""The filing lifecycle: one model of every filing, computed once from the facts as of a day.

``check`` (through the default pack's computed attributes), ``inventory``,
``plan-cancel`` and the explanations all read this model, so they cannot disagree on
what is due. The words are defined in ``docs/semantics.md`` §7 and §8:

* **as of a day** (:func:`facts_as_of`): what is dated after the day has not happened
  yet. A deployment launched later is ``not_yet_launched``; one stopped later is still
  ``active``; a filing filed later is ``not_yet_filed``; a record dated later is left
  out. Positions are kept, so findings still point at the right line of the file.
* for a filing F of algorithm A naming platforms P, each p in P is **launched** (A has
  a deployment on p), **running** (that deployment is active or paused), **stopped**
  (it is stopped) or **never launched** (no deployment of A on p).
* the **stop events** of F: its stopped platforms grouped by stop day (an unknown day
  is one group of its own), in date order.
* F is **terminated** when some platform of P stopped and none runs: a platform where
  A was never launched does not keep a filing alive. ``terminated_on`` is the last
  stop (unknown if one stop day is). A live terminated filing is **due for
  cancellation** within 20 working days of ``terminated_on`` (Art. 24 ¶3); a filing
  ``cancellation_pending`` or ``cancelled`` is not.
* while F is not terminated, each stop event is a **due change** (Art. 24 ¶2, 10
  working days): it is satisfied only by a ``filing_change`` record matching the
  filing (§4.1: the parts a record names must equal the filing's) dated on or after
  the stop (for a stop of unknown day: any dated record). ``change_due_on`` is the
  earliest unsatisfied stop day: one record after the last stop satisfies them all,
  a record after the first stop only does not satisfy a later one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Final

import attrs

from policy_sdk.facts.model import (
    LIVE_FILING_STATUSES,
    RUNNING_STATUSES,
    Deployment,
    Facts,
    Filing,
    Record,
)
from policy_sdk.facts.rows import column

__all__ = [
    "CANCEL_WORKDAYS",
    "CHANGE_WORKDAYS",
    "NOT_YET_FILED",
    "NOT_YET_LAUNCHED",
    "AsOfView",
    "FilingLifecycle",
    "Lifecycle",
    "StopEvent",
    "facts_as_of",
    "filing_lifecycle",
    "lifecycle",
]

#: Art. 24 ¶3: cancel within 20 working days of terminating the service
CANCEL_WORKDAYS: Final = 20
#: Art. 24 ¶2: change the filing within 10 working days of a change in what it covers
CHANGE_WORKDAYS: Final = 10
#: the status, as of a day, of a deployment launched after that day
NOT_YET_LAUNCHED: Final = "not_yet_launched"
#: the status, as of a day, of a filing filed after that day
NOT_YET_FILED: Final = "not_yet_filed"
#: the record kind that satisfies a due change
CHANGE_KIND: Final = "filing_change"
#: the record kind that shows a filing number on one platform (Art. 26)
DISPLAY_KIND: Final = "number_displayed"


# --- as of a day -------------------------------------------------------------------------


@attrs.frozen
class AsOfView:
    """The facts as they stood on ``as_of``, and how many dates after it were set aside."""

    facts: Facts
    as_of: dt.date
    #: dates after ``as_of`` treated as not yet happened (launches, stops, filings, records)
    ignored: int


def _later(values: Iterable[dt.date | None], day: dt.date) -> int:
    return sum(map(day.__lt__, filter(None, values)))  # dates are true, None is not


def facts_as_of(facts: Facts, as_of: dt.date) -> AsOfView:
    """``facts`` as they stood on ``as_of`` (the same object when nothing is later)."""
    # not cached on the facts: a copy with other filings or records would share the
    # cache (the facts' derived indexes follow the deployments only); one pass is cheap
    deployments = facts.deployments  # read column by column: no entity built (facts.rows)
    launched = _later(column(deployments, "launched_on"), as_of)
    stopped = _later(column(deployments, "stopped_on"), as_of)
    filed = _later(column(facts.filings, "filed_on"), as_of)
    recorded = _later((r.on for r in facts.records), as_of)
    ignored = launched + stopped + filed + recorded
    if not ignored:
        return AsOfView(facts, as_of, 0)
    return AsOfView(_rewind(facts, as_of, bool(launched or stopped)), as_of, ignored)


def _rewind(facts: Facts, day: dt.date, deployments_too: bool) -> Facts:
    deployments: Sequence[Deployment] = facts.deployments
    if deployments_too:
        out: list[Deployment] = []
        for d in deployments:
            if d.launched_on is not None and d.launched_on > day:
                d = attrs.evolve(d, status=NOT_YET_LAUNCHED, stopped_on=None)
            elif d.stopped_on is not None and d.stopped_on > day:
                d = attrs.evolve(d, status="active", stopped_on=None)
            out.append(d)
        deployments = tuple(out)
    filings = tuple(
        attrs.evolve(f, status=NOT_YET_FILED)
        if f.filed_on is not None and f.filed_on > day else f
        for f in facts.filings
    )
    records = tuple(r for r in facts.records if r.on is None or r.on <= day)
    return attrs.evolve(facts, deployments=tuple(deployments), filings=filings, records=records)


# --- one filing -----------------------------------------------------------------------------


@attrs.frozen
class StopEvent:
    """The platforms of a filing that stopped on one day (``on`` None: day unknown)."""

    on: dt.date | None
    platforms: tuple[str, ...]
    #: the earliest matching ``filing_change`` record on or after the stop (None: none)
    changed_on: dt.date | None = None
    #: whether a matching change record satisfies it
    changed: bool = False


@attrs.frozen
class FilingLifecycle:
    """Where one filing stands as of a day (see the module's docstring)."""

    number: str
    algorithm: str
    status: str
    platforms: tuple[str, ...]  # P, sorted, distinct
    launched_platforms: tuple[str, ...]
    running_platforms: tuple[str, ...]
    stopped_platforms: tuple[str, ...]
    never_launched: tuple[str, ...]
    #: stop day of each stopped platform (None: unknown)
    stopped_on: Mapping[str, dt.date | None]
    stops: tuple[StopEvent, ...]
    terminated: bool
    terminated_on: dt.date | None
    #: the stop events that are due changes (empty once terminated)
    changes: tuple[StopEvent, ...]
    #: running platforms where the filing number is not shown (Art. 26)
    undisplayed_platforms: tuple[str, ...] = ()

    @property
    def live(self) -> bool:
        return self.status in LIVE_FILING_STATUSES

    @property
    def never_launched_platforms(self) -> tuple[str, ...]:
        return self.never_launched

    @property
    def partially_stopped(self) -> bool:
        return bool(self.stopped_platforms) and bool(self.running_platforms)

    @property
    def first_stopped_on(self) -> dt.date | None:
        known = [e.on for e in self.stops if e.on is not None]
        return min(known) if known else None

    @property
    def cancellation_due(self) -> bool:
        """Live and terminated: to be cancelled (a pending or cancelled filing is not)."""
        return self.terminated and self.live

    @property
    def open_changes(self) -> tuple[StopEvent, ...]:
        """The due changes no record satisfies (only for a live filing)."""
        if not self.live:
            return ()
        return tuple(e for e in self.changes if not e.changed)

    @property
    def change_due(self) -> bool:
        return bool(self.open_changes)

    @property
    def change_due_on(self) -> dt.date | None:
        """The earliest stop day of an unsatisfied change (None: none, or day unknown)."""
        known = [e.on for e in self.open_changes if e.on is not None]
        return min(known) if known else None

    @property
    def change_platforms(self) -> tuple[str, ...]:
        """The platforms the open changes remove."""
        return tuple(sorted({p for e in self.open_changes for p in e.platforms}))


def filing_lifecycle(
    filing: Filing,
    on_platform: Mapping[str, Deployment],
    change_records: Sequence[Record] = (),
    display_records: Sequence[Record] = (),
) -> FilingLifecycle:
    """The lifecycle of ``filing`` given its algorithm's deployments by platform and the
    ``filing_change`` and ``number_displayed`` records that match it (already as of the
    day)."""
    platforms = tuple(sorted(set(filing.platforms)))
    launched: list[str] = []
    running: list[str] = []
    stopped: dict[str, dt.date | None] = {}
    never: list[str] = []
    exists = filing.status != NOT_YET_FILED
    for p in platforms:
        d = on_platform.get(p)
        if d is None or d.status == NOT_YET_LAUNCHED or not exists:
            never.append(p)
            continue
        launched.append(p)
        if d.status in RUNNING_STATUSES:
            running.append(p)
        elif d.status == "stopped":
            stopped[p] = d.stopped_on
    groups: dict[dt.date | None, list[str]] = {}
    for p, day in stopped.items():
        groups.setdefault(day, []).append(p)
    record_days = sorted(r.on for r in change_records if r.on is not None)
    events = []
    for day in sorted(groups, key=lambda d: (d is None, d or dt.date.min)):
        if day is None:
            changed_on = record_days[0] if record_days else None
        else:
            changed_on = next((r for r in record_days if r >= day), None)
        events.append(StopEvent(day, tuple(sorted(groups[day])), changed_on,
                                changed_on is not None))
    terminated = bool(stopped) and not running
    days = list(stopped.values())
    terminated_on = (
        max(d for d in days if d is not None)
        if terminated and all(d is not None for d in days) else None
    )
    return FilingLifecycle(
        number=filing.number,
        algorithm=filing.algorithm,
        status=filing.status,
        platforms=platforms,
        launched_platforms=tuple(launched),
        running_platforms=tuple(running),
        stopped_platforms=tuple(sorted(stopped)),
        never_launched=tuple(never),
        stopped_on=dict(sorted(stopped.items())),
        stops=tuple(events),
        terminated=terminated,
        terminated_on=terminated_on,
        changes=() if terminated else tuple(events),
        undisplayed_platforms=_undisplayed(filing, tuple(running), display_records),
    )


def _undisplayed(
    filing: Filing, running: tuple[str, ...], records: Sequence[Record]
) -> tuple[str, ...]:
    """Art. 26: the running platforms where the number is not shown. ``displayed: true``
    shows it everywhere; a ``number_displayed`` record on a platform (or on none: every
    platform) shows it there."""
    if filing.displayed:
        return ()
    shown = {r.platform for r in records}
    if None in shown:
        return ()
    return tuple(p for p in running if p not in shown)


def _matches(r: Record, f: Filing) -> bool:
    """§4.1: every part the record names equals the filing's (a filing key has no
    platform part, so a platform the record names is not compared)."""
    return (r.algorithm is None or r.algorithm == f.algorithm) and (
        r.filing is None or r.filing == f.number
    )


# --- the whole company ------------------------------------------------------------------------


@attrs.frozen
class Lifecycle:
    """Every filing's lifecycle as of ``as_of``, by filing number."""

    as_of: dt.date
    view: AsOfView
    filings: Mapping[str, FilingLifecycle]
    #: the ``filing_change`` records (as of the day) matching each filing, by number
    change_records: Mapping[str, tuple[Record, ...]] = attrs.field(factory=dict, repr=False)

    @property
    def facts(self) -> Facts:
        """The facts as of the day (the view every command reads)."""
        return self.view.facts

    def __getitem__(self, number: str) -> FilingLifecycle:
        return self.filings[number]


def lifecycle(facts: Facts, as_of: dt.date, view: AsOfView | None = None) -> Lifecycle:
    """The lifecycle of every filing of ``facts`` as of ``as_of`` (an evaluation builds
    it once: :meth:`policy_sdk.engine.context.Context.lifecycle`); ``view``:
    ``facts_as_of(facts, as_of)``, if already made."""
    if view is None or view.as_of != as_of:
        view = facts_as_of(facts, as_of)
    current = view.facts
    by_algorithm = deployments_by_algorithm(current)
    named: dict[str, dict[str, list[Record]]] = {CHANGE_KIND: {}, DISPLAY_KIND: {}}
    unnamed: dict[str, list[Record]] = {CHANGE_KIND: [], DISPLAY_KIND: []}
    for r in current.records:  # by kind: those naming a filing (by number), the others
        if r.kind in unnamed:
            if r.filing is not None:
                named[r.kind].setdefault(r.filing, []).append(r)
            else:
                unnamed[r.kind].append(r)

    def matching(kind: str, f: Filing) -> tuple[Record, ...]:
        return tuple(r for r in (*named[kind].get(f.number, ()), *unnamed[kind])
                     if _matches(r, f))

    none: Mapping[str, Deployment] = {}
    out: dict[str, FilingLifecycle] = {}
    records: dict[str, tuple[Record, ...]] = {}
    for f in current.filings:
        deps = by_algorithm.get(f.algorithm, none)
        mine = matching(CHANGE_KIND, f)
        shown = matching(DISPLAY_KIND, f) if not f.displayed else ()
        out[f.number] = filing_lifecycle(f, deps, mine, shown)
        if mine:
            records[f.number] = mine
    return Lifecycle(as_of, view, out, records)


def deployments_by_algorithm(facts: Facts) -> Mapping[str, Mapping[str, Deployment]]:
    """algorithm -> platform -> deployment, built once per :class:`Facts` (the loader
    hands over the one it built while checking that keys are unique). Read-only.

    Nested rather than keyed by (algorithm, platform) tuples: a million key tuples
    cost more to build, and the cyclic garbage collector walks every one of them.
    """
    found: Mapping[str, Mapping[str, Deployment]] | None = facts.derived_index("by_algorithm")
    if found is None:
        out: dict[str, dict[str, Deployment]] = {}
        for d in facts.deployments:
            out.setdefault(d.algorithm, {})[d.platform] = d
        facts.keep_derived_index("by_algorithm", out)
        found = out
    return found
