"""Chinese working days (工作日), for deadlines such as "within 10 working days".

A working day is a day that is neither a weekend day nor a statutory holiday, plus
the adjusted working days (调休) that the State Council's yearly notice puts on
weekends. The schedule comes from the `chinese-calendar` package. For a year it does
not know, :meth:`WorkdayCalendar.add_workdays` raises an
:class:`~policy_sdk.errors.EvaluationError` (code ``calendar-unknown-year``), unless
asked for a *provisional* count (``provisional=True``, what ``check``, ``inventory``
and ``plan-cancel`` do): then the year counts Monday to Friday without the fixed-date
statutory holidays (:data:`FIXED_HOLIDAYS`), and the deadline is marked provisional.
Until the package catches up, a user supplies that year's notice as a calendar file
(:meth:`WorkdayCalendar.from_file`, format in ``docs/calendar.md``); a supplied year
replaces the package's schedule for that year.

Counting starts the day *after* the event: ``add_workdays(start, n)`` is the n-th
working day after ``start`` (``docs/semantics.md`` §5).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from policy_sdk.errors import Diagnostic, EvaluationError, FactsError, did_you_mean

__all__ = [
    "FIXED_HOLIDAYS",
    "WorkdayCalendar",
    "YearSchedule",
    "default_calendar",
    "provisional_table",
    "workdays_after",
]

#: the statutory holidays with a fixed date (《全国年节及纪念日放假办法》 as revised in
#: 2024, in force 2025: New Year's Day, Labour Day 1–2 May, National Day 1–3 October);
#: the provisional count of an unknown year leaves them out (month, day)
FIXED_HOLIDAYS: tuple[tuple[int, int], ...] = ((1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3))

_FILE_KEYS = ("year", "holidays", "workdays", "notice")
_RANGE = re.compile(r"^\s*([0-9]{4}-[0-9]{2}-[0-9]{2})\s*\.\.\s*([0-9]{4}-[0-9]{2}-[0-9]{2})\s*$")


@attrs.frozen
class YearSchedule:
    """One year's schedule as the State Council's notice sets it.

    ``holidays``: days off (statutory holidays and the weekdays given off around them);
    ``workdays``: adjusted working days (调休), usually weekend days marked 上班. Every
    other day is a working day from Monday to Friday and a day off on the weekend.
    """

    year: int
    holidays: tuple[dt.date, ...] = ()
    workdays: tuple[dt.date, ...] = ()
    #: where it came from: the notice's title or the calendar file
    source: str | None = None

    def is_workday(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5


class WorkdayCalendar:
    """Working days: the `chinese-calendar` package, supplemented by user schedules.

    Immutable after construction (the internal per-year tables are a cache of pure
    values), so a calendar may be shared between threads; it pickles by its
    supplements.
    """

    __slots__ = ("_supplements", "_tables", "_years")

    def __init__(self, supplements: Sequence[YearSchedule] = ()) -> None:
        by_year: dict[int, YearSchedule] = {}
        for schedule in supplements:  # a later schedule for the same year wins
            by_year[schedule.year] = schedule
        self._supplements: Mapping[int, YearSchedule] = dict(sorted(by_year.items()))
        #: year -> sorted ordinals of its working days (filled lazily)
        self._tables: dict[int, tuple[int, ...]] = {}
        #: year -> whether it is known (filled lazily)
        self._years: dict[int, bool] = {}

    # -- construction ---------------------------------------------------------

    @classmethod
    def from_file(
        cls, path: str | os.PathLike[str], *, base: WorkdayCalendar | None = None
    ) -> WorkdayCalendar:
        """A calendar supplemented by the year schedules in the YAML/JSON file at ``path``.

        ``base``: a calendar whose supplements come first (the file's years win).
        Raises :class:`~policy_sdk.errors.FactsError` naming the file and the data path
        of every problem.
        """
        schedules = load_calendar_file(path)
        earlier = base.supplements if base is not None else ()
        return cls((*earlier, *schedules))

    @property
    def supplements(self) -> tuple[YearSchedule, ...]:
        return tuple(self._supplements.values())

    def __reduce__(self) -> tuple[type[WorkdayCalendar], tuple[tuple[YearSchedule, ...]]]:
        return (WorkdayCalendar, (self.supplements,))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WorkdayCalendar) and self.supplements == other.supplements

    def __hash__(self) -> int:
        return hash(self.supplements)

    def __repr__(self) -> str:
        years = ", ".join(str(y) for y in self._supplements)
        return f"WorkdayCalendar(supplemented years: {years or 'none'})"

    # -- queries --------------------------------------------------------------

    def is_workday(self, day: dt.date) -> bool:
        """Whether ``day`` is a working day; EvaluationError for a year nobody knows."""
        table = self._table(day.year, day)
        ordinal = day.toordinal()
        i = bisect_right(table, ordinal)
        return i > 0 and table[i - 1] == ordinal

    def add_workdays(self, start: dt.date, n: int, *, provisional: bool = False) -> dt.date:
        """The ``n``-th working day after ``start`` (``n == 0``: ``start`` itself).

        ``provisional``: count a year nobody knows by :func:`provisional_table` instead
        of raising ``calendar-unknown-year`` (see :meth:`known` for whether it did)."""
        if n < 0:
            raise EvaluationError(
                [Diagnostic("calendar-negative", f"cannot count `{n}` working days")]
            )
        if n == 0:
            return start
        year = start.year
        table = self._table(year, start, provisional)
        index = bisect_right(table, start.toordinal())
        remaining = n
        while index + remaining > len(table):
            remaining -= len(table) - index
            year += 1
            if year > dt.MAXYEAR:
                raise EvaluationError([Diagnostic(
                    "deadline-out-of-range",
                    f"the {n}th working day after `{start.isoformat()}` falls after "
                    "9999-12-31, the last day that can be counted",
                    help="check the deadline's number of days and the date it counts from",
                )])
            table = self._table(year, dt.date(year, 1, 1), provisional)
            index = 0
        return dt.date.fromordinal(table[index + remaining - 1])

    def known(self, year: int) -> bool:
        """Whether this calendar knows ``year``'s schedule."""
        found = self._years.get(year)
        if found is None:
            try:
                self._table(year, dt.date(year, 1, 1))
                found = True
            except EvaluationError:
                found = False
            self._years[year] = found
        return found

    def provisional_years(self, start: dt.date, due: dt.date) -> tuple[int, ...]:
        """The years from ``start`` to ``due`` this calendar does not know: a deadline
        counted through them with ``provisional=True`` is provisional."""
        return tuple(y for y in range(start.year, due.year + 1) if not self.known(y))

    # -- internals ------------------------------------------------------------

    def _table(self, year: int, needed_for: dt.date, provisional: bool = False) -> tuple[int, ...]:
        table = self._tables.get(year)
        if table is None:
            try:
                table = self._build(year, needed_for)
            except EvaluationError:
                if not provisional:
                    raise
                return provisional_table(year)
            self._tables[year] = table  # idempotent: racing threads store equal values
        return table

    def _build(self, year: int, needed_for: dt.date) -> tuple[int, ...]:
        supplement = self._supplements.get(year)
        if supplement is not None:
            is_workday = supplement.is_workday
        else:
            package = _package_table(year)
            if package is None:
                raise EvaluationError(
                    [
                        Diagnostic(
                            "calendar-unknown-year",
                            f"no working-day calendar for {year} (needed for `{needed_for}`): "
                            "the `chinese-calendar` package does not know that year's "
                            "holiday schedule",
                            help=f"supply the State Council's holiday notice for {year} as a "
                            "calendar file (`--calendar FILE`; see docs/calendar.md)",
                        )
                    ]
                )
            return package
        first = dt.date(year, 1, 1).toordinal()
        last = dt.date(year, 12, 31).toordinal()
        return tuple(
            o for o in range(first, last + 1) if is_workday(dt.date.fromordinal(o))
        )


@functools.cache
def _package_table(year: int) -> tuple[int, ...] | None:
    import chinese_calendar  # type: ignore[import-untyped]

    first = dt.date(year, 1, 1).toordinal()
    last = dt.date(year, 12, 31).toordinal()
    out: list[int] = []
    try:
        for o in range(first, last + 1):
            if chinese_calendar.is_workday(dt.date.fromordinal(o)):
                out.append(o)
    except NotImplementedError:
        return None
    return tuple(out)


@functools.cache
def provisional_table(year: int) -> tuple[int, ...]:
    """The working days (ordinals) of a year nobody knows, counted provisionally: Monday
    to Friday, without the fixed-date statutory holidays (:data:`FIXED_HOLIDAYS`).

    The State Council's notice also gives days off around the holidays whose dates
    move (Spring Festival, Qingming, Dragon Boat, Mid-Autumn) and makes some weekend
    days working days (调休); ``docs/calendar.md`` says how far that can move a
    deadline."""
    first = dt.date(year, 1, 1).toordinal()
    last = dt.date(year, 12, 31).toordinal()
    out = []
    for o in range(first, last + 1):
        day = dt.date.fromordinal(o)
        if day.weekday() < 5 and (day.month, day.day) not in FIXED_HOLIDAYS:
            out.append(o)
    return tuple(out)


def workdays_after(counter: Any, start: dt.date, n: int) -> tuple[dt.date, bool]:
    """The ``n``-th working day after ``start`` by ``counter`` and whether it is
    provisional: a :class:`WorkdayCalendar` counts a year it does not know
    provisionally; any other counter (``add_workdays(start, n)``) counts as it does."""
    if isinstance(counter, WorkdayCalendar):
        due = counter.add_workdays(start, n, provisional=True)
        return due, bool(counter.provisional_years(start, due))
    return counter.add_workdays(start, n), False


@functools.cache
def default_calendar() -> WorkdayCalendar:
    """The package's calendar with no supplements (shared, cached)."""
    return WorkdayCalendar()


# --- calendar files ------------------------------------------------------------


MAX_CALENDAR_BYTES = 4 * 1024 * 1024
"""Largest calendar file accepted (a year's notice is well under 1 KiB)."""


def load_calendar_file(path: str | os.PathLike[str]) -> tuple[YearSchedule, ...]:
    """Read year schedules from a YAML or JSON calendar file (see ``docs/calendar.md``).

    Read as facts files are (``policy_sdk._documents``): YAML 1.2, duplicate keys are
    errors, alias, size and nesting limits, no NUL or lone surrogate in text.
    """
    from policy_sdk._documents import read_document

    def error(diagnostics: list[Diagnostic]) -> FactsError:
        return FactsError(diagnostics)

    data = read_document(path, what="calendar file", error=error, max_bytes=MAX_CALENDAR_BYTES)
    return parse_calendar(data, file=os.fspath(path))


def parse_calendar(data: object, *, file: str | None = None) -> tuple[YearSchedule, ...]:
    """Year schedules from a loaded calendar document (a mapping or a list of them)."""
    problems: list[Diagnostic] = []

    def problem(path: str, message: str, help: str | None = None) -> None:
        problems.append(Diagnostic("calendar-file", message, path=path, file=file, help=help))

    if isinstance(data, Mapping) and "years" in data and "year" not in data:
        entries, prefix = data["years"], "years"
    else:
        entries, prefix = data, ""
    if isinstance(entries, Mapping):
        items: list[tuple[str, object]] = [(prefix, entries)]
    elif isinstance(entries, list):
        items = [(f"{prefix}[{i}]", e) for i, e in enumerate(entries)]
    else:
        problem(prefix or "<root>", "a calendar file holds a year schedule or a list of them",
                "write `year: 2027`, `holidays: [...]`, `workdays: [...]`")
        raise FactsError(problems)

    schedules: list[YearSchedule] = []
    seen: dict[int, str] = {}
    for where, entry in items:
        if not isinstance(entry, Mapping):
            problem(where or "<root>", "a year schedule must be a mapping with `year`, "
                    "`holidays` and `workdays`")
            continue
        for key in entry:
            if key not in _FILE_KEYS:
                problem(_join(where, str(key)), f"unknown key `{key}`",
                        did_you_mean(str(key), _FILE_KEYS))
        year = entry.get("year")
        if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 9999:
            problem(_join(where, "year"), f"`{year}` is not a year" if year is not None
                    else "missing `year`")
            continue
        if year in seen:
            problem(_join(where, "year"), f"year `{year}` appears twice (also at `{seen[year]}`)")
            continue
        seen[year] = _join(where, "year")
        days: dict[str, tuple[dt.date, ...]] = {}
        for field in ("holidays", "workdays"):
            days[field] = _dates(entry.get(field, []), year, _join(where, field), problem)
        both = sorted(set(days["holidays"]) & set(days["workdays"]))
        for day in both:
            problem(_join(where, "workdays"), f"`{day}` is both a holiday and a working day")
        notice = entry.get("notice")
        if notice is not None and not isinstance(notice, str):
            problem(_join(where, "notice"), "`notice` must be text (the notice's title)")
            notice = None
        schedules.append(
            YearSchedule(year, days["holidays"], days["workdays"], notice or file)
        )
    if problems:
        raise FactsError(problems)
    return tuple(schedules)


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _dates(
    value: object,
    year: int,
    where: str,
    problem: Any,
) -> tuple[dt.date, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        problem(where, "expected a list of dates (`2027-01-01`) or ranges "
                "(`2027-02-05..2027-02-11`)")
        return ()
    out: set[dt.date] = set()
    for i, item in enumerate(value):
        path = f"{where}[{i}]"
        got = _date_or_range(item)
        if got is None:
            problem(path, f"`{item}` is not a date (`2027-01-01`) or a range "
                    "(`2027-02-05..2027-02-11`)")
            continue
        for day in got:
            if day.year != year:
                problem(path, f"`{day}` is not in {year}")
                break
            out.add(day)
    return tuple(sorted(out))


def _date_or_range(item: object) -> Iterable[dt.date] | None:
    if isinstance(item, dt.datetime):
        return None
    if isinstance(item, dt.date):
        return (item,)
    if not isinstance(item, str):
        return None
    match = _RANGE.match(item)
    try:
        if match:
            first = dt.date.fromisoformat(match.group(1))
            last = dt.date.fromisoformat(match.group(2))
            if last < first:
                return None
            if last.year != first.year:  # a range stays in its year: never expand centuries
                return (first, last)  # the caller names the day outside the year
            return [dt.date.fromordinal(o) for o in range(first.toordinal(), last.toordinal() + 1)]
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", item.strip()):
            return (dt.date.fromisoformat(item.strip()),)
    except ValueError:
        return None
    return None
