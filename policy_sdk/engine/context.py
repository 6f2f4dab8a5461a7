"""One evaluation's view of the facts: lookups and indexes, each built at most once.

A :class:`Context` belongs to one ``Engine.evaluate`` call (never shared between
threads). Every index is built lazily, the first time a rule asks for it, in one
pass over the facts, so the whole evaluation stays linear in the size of the facts.
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from policy_sdk import ast
from policy_sdk.engine import columns
from policy_sdk.engine.daycount import kept, kept_counts
from policy_sdk.errors import Diagnostic, EvaluationError
from policy_sdk.facts.lifecycle import FilingLifecycle, Lifecycle, facts_as_of, lifecycle
from policy_sdk.facts.lifecycle import deployments_by_algorithm as _by_algorithm
from policy_sdk.facts.model import (
    LIVE_FILING_STATUSES,
    RUNNING_STATUSES,
    Algorithm,
    Deployment,
    Facts,
    Filing,
    Platform,
    Record,
)
from policy_sdk.facts.rows import by_id
from policy_sdk.workdays import WorkdayCalendar

T = TypeVar("T")

#: record parts in key order
PARTS = ("algorithm", "platform", "filing")


class Context:
    """Per-evaluation lookups over one :class:`Facts`."""

    __slots__ = (
        "_cache",
        "_dues",
        "_view",
        "algorithms",
        "as_of",
        "calendar",
        "counted",
        "days_left",
        "facts",
        "functions",
        "given",
        "ignored",
        "organization",
        "platforms",
    )

    def __init__(
        self,
        facts: Facts,
        as_of: dt.date,
        calendar: WorkdayCalendar,
        functions: Mapping[str, Callable[..., Any]],
    ) -> None:
        #: the facts as given; ``facts`` is them as of ``as_of`` (later dates not yet
        #: happened: :func:`policy_sdk.facts.lifecycle.facts_as_of`)
        self.given = facts
        self._view = view = facts_as_of(facts, as_of)
        #: how many dates after ``as_of`` the view set aside
        self.ignored = view.ignored
        facts = view.facts
        self.facts = facts
        self.as_of = as_of
        self.calendar = calendar
        self.functions = functions
        self.organization = facts.organization
        # by id, without building an entity the loader kept as columns (facts.rows)
        self.algorithms: Mapping[str, Algorithm] = by_id(facts.algorithms)
        self.platforms: Mapping[str, Platform] = by_id(facts.platforms)
        self._cache: dict[object, Any] = {}
        #: (anchor, amount, working) -> the due day (:meth:`due`)
        self._dues: dict[tuple[dt.date, int, bool], dt.date] = {}
        #: due day -> working days left as of ``as_of`` (``deadlines.working_days_left``)
        self.days_left: dict[dt.date, int | None] = {}
        #: what earlier evaluations counted with this calendar (engine.daycount), or None
        self.counted = kept_counts(calendar)

    def memo(self, key: object, build: Callable[[], T]) -> T:
        try:
            value: T = self._cache[key]
        except KeyError:
            value = self._cache[key] = build()
        return value

    # -- scope items ------------------------------------------------------------

    def items(self, scope: str) -> Sequence[Any]:
        if scope in ("platform", "deployment"):
            return self.facts.deployments
        if scope == "filing":
            return self.facts.filings
        if scope == "algorithm":
            return self.facts.algorithms
        return (self.organization,)

    # -- computed attributes (docs/semantics.md §7) -----------------------------

    def deployments_by_algorithm(self) -> Mapping[str, Mapping[str, Deployment]]:
        return _by_algorithm(self.facts)

    def lifecycle(self) -> Lifecycle:
        """The filing lifecycle model as of the evaluation's day (built once)."""
        found: Lifecycle = self.memo(
            "lifecycle", lambda: lifecycle(self.given, self.as_of, self._view))
        return found

    def filing_states(self) -> Mapping[str, FilingLifecycle]:
        return self.lifecycle().filings

    def running_algorithms(self) -> frozenset[str]:
        return self.memo(
            "running_algorithms",
            lambda: frozenset(
                {d.algorithm for d in self.facts.deployments if d.status in RUNNING_STATUSES}
            ),
        )

    def filed_platforms(self) -> dict[str, tuple[str, ...]]:
        return self.memo(
            "filed_platforms",
            lambda: {a: tuple(sorted(ps)) for a, ps in self.live_platforms(False).items()},
        )

    # -- filings ------------------------------------------------------------------

    def live_filings(self) -> tuple[Filing, ...]:
        return self.memo(
            "live_filings",
            lambda: tuple(f for f in self.facts.filings if f.status in LIVE_FILING_STATUSES),
        )

    def live_platforms(self, distinct: bool) -> dict[str, frozenset[str]]:
        """algorithm -> the platforms a live filing of it names (``distinct``: naming
        only that one platform).

        One small set per algorithm rather than one (algorithm, platform) tuple per
        pair: the hot lookup makes no key tuple, and an evaluation leaves few objects
        behind for the cyclic collector to walk (at 1M deployments, 700k tuples cost
        0.4 s of collection).
        """

        def build() -> dict[str, frozenset[str]]:
            out: dict[str, set[str]] = {}
            for f in self.live_filings():
                if distinct:
                    if len(set(f.platforms)) == 1:
                        out.setdefault(f.algorithm, set()).add(f.platforms[0])
                else:
                    out.setdefault(f.algorithm, set()).update(f.platforms)
            return {a: frozenset(ps) for a, ps in out.items()}

        return self.memo(("live_platforms", distinct), build)

    def live_pairs(self, distinct: bool) -> dict[tuple[str, str], None]:
        """(algorithm, platform) of every platform a live filing names (``distinct``:
        of the filings naming one platform), from the filings' columns."""
        return self.memo(("live_pairs", distinct),
                         lambda: columns.live_pairs(self.facts.filings, distinct))

    def live_by_pair(self, distinct: bool) -> dict[tuple[str, str], list[Filing]]:
        def build() -> dict[tuple[str, str], list[Filing]]:
            out: dict[tuple[str, str], list[Filing]] = {}
            for f in self.live_filings():
                names = set(f.platforms)
                if distinct and len(names) != 1:
                    continue
                for p in sorted(names):
                    out.setdefault((f.algorithm, p), []).append(f)
            return out

        return self.memo(("live_by_pair", distinct), build)

    def live_by_algorithm(self) -> dict[str, list[Filing]]:
        def build() -> dict[str, list[Filing]]:
            out: dict[str, list[Filing]] = {}
            for f in self.live_filings():
                out.setdefault(f.algorithm, []).append(f)
            return out

        return self.memo("live_by_algorithm", build)

    def filings_by_algorithm(self) -> dict[str, list[Filing]]:
        def build() -> dict[str, list[Filing]]:
            out: dict[str, list[Filing]] = {}
            for f in self.facts.filings:
                out.setdefault(f.algorithm, []).append(f)
            return out

        return self.memo("filings_by_algorithm", build)

    # -- other records --------------------------------------------------------------

    def records_of(self, kind: str) -> list[Record]:
        def build() -> dict[str, list[Record]]:
            out: dict[str, list[Record]] = {}
            for r in self.facts.records:
                out.setdefault(r.kind, []).append(r)
            return out

        return self.memo("records_by_kind", build).get(kind, [])

    def record_index(
        self, kind: str, compared: tuple[str, ...]
    ) -> dict[tuple[str | None, ...], list[Record]]:
        """Records of ``kind`` by the ``compared`` parts they name (None: left out)."""

        def build() -> dict[tuple[str | None, ...], list[Record]]:
            out: dict[tuple[str | None, ...], list[Record]] = {}
            for r in self.records_of(kind):
                out.setdefault(tuple(getattr(r, p) for p in compared), []).append(r)
            return out

        return self.memo(("record_index", kind, compared), build)

    # -- deadlines -------------------------------------------------------------------

    def due(self, anchor: dt.date, amount: int, working: bool) -> dt.date:
        cache = self._dues
        key = (anchor, amount, working)
        found = cache.get(key)
        if found is None and working and self.counted is not None:
            # counted by an earlier evaluation (engine.daycount); a provisional count is
            # looked up through kept() below, which marks it
            known = self.counted.get(("due", anchor, amount))
            if known is not None and not known[1]:
                found = cache[key] = known[0]
        if found is None:  # a few thousand distinct anchors at most
            if working:
                # a year the calendar does not know is counted provisionally (Monday to
                # Friday without the fixed-date holidays) and the due day marked so;
                # counted once per calendar and process (engine.daycount)
                calendar = self.calendar
                found, provisional = kept(
                    calendar, ("due", anchor, amount),
                    lambda: provisional_due(calendar, anchor, amount))
                if provisional:
                    self.provisional_dues().add(found)
            else:
                found = add_calendar_days(anchor, amount)
            cache[key] = found
        return found

    def provisional_dues(self) -> set[dt.date]:
        """The due days counted through a year the calendar does not know."""
        found: set[dt.date] = self.memo("provisional_dues", set)
        return found


#: id(condition) -> (the condition, its number); equal conditions -> one number
_CONDITION_BY_ID: dict[int, tuple[object, int]] = {}
_CONDITION_NUMBERS: dict[object, int] = {}
_CONDITION_LOCK = threading.Lock()
_NEXT_NUMBER = itertools.count()


def condition_key(condition: ast.Expr | None) -> int:
    """A number for a rule's condition (a syntax tree), the same for equal conditions
    with literals of the same types (``1``, ``1.0`` and ``true`` are equal Python values,
    not the same condition): a key under which rules with the same condition share what
    it decided in one evaluation (:meth:`Context.memo`), without hashing the tree on
    every evaluation. Numbers are never reused, so letting the tables go only loses
    sharing."""
    found = _CONDITION_BY_ID.get(id(condition))
    if found is not None and found[0] is condition:
        return found[1]
    typed = (condition, () if condition is None else tuple(
        type(node.value) for node in ast.walk_expr(condition) if isinstance(node, ast.Literal)))
    with _CONDITION_LOCK:
        if len(_CONDITION_NUMBERS) > 4096 or len(_CONDITION_BY_ID) > 4096:
            _CONDITION_NUMBERS.clear()
            _CONDITION_BY_ID.clear()
        number = _CONDITION_NUMBERS.get(typed)
        if number is None:
            number = _CONDITION_NUMBERS[typed] = next(_NEXT_NUMBER)
        _CONDITION_BY_ID[id(condition)] = (condition, number)
    return number


def provisional_due(calendar: WorkdayCalendar, anchor: dt.date, amount: int
                    ) -> tuple[dt.date, bool]:
    """(the ``amount``-th working day after ``anchor``, counted provisionally through a
    year the calendar does not know; whether it was)."""
    found = calendar.add_workdays(anchor, amount, provisional=True)
    return found, bool(calendar.provisional_years(anchor, found))


def add_calendar_days(anchor: dt.date, amount: int) -> dt.date:
    """``anchor + amount`` days; past 9999-12-31 a worded EvaluationError (not OverflowError)."""
    try:
        return anchor + dt.timedelta(days=amount)
    except OverflowError:
        raise EvaluationError([Diagnostic(
            "deadline-out-of-range",
            f"a deadline of {amount} calendar days from `{anchor.isoformat()}` falls after "
            "9999-12-31, the last day that can be counted",
            help="check the deadline's number of days and the date it counts from",
        )]) from None
