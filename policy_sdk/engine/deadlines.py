"""Deadlines as findings show them: working days left (the one count every format
shows) and the line saying how a due date was counted, provisional or not.

Split from :mod:`policy_sdk.engine.explain`; :mod:`policy_sdk.engine.wording` uses both
for every finding."""

from __future__ import annotations

import datetime as dt
import threading
from bisect import bisect_right
from collections.abc import Callable, Hashable
from typing import Any, Final

from policy_sdk.engine.compile import Getter
from policy_sdk.engine.context import Context
from policy_sdk.engine.daycount import kept
from policy_sdk.engine.kept_texts import BOUND, kept_table
from policy_sdk.engine.rules import CompiledRule
from policy_sdk.errors import EvaluationError
from policy_sdk.i18n import N_, _

__all__ = ["PROVISIONAL", "UNDECIDED", "DeadlineLine", "count_working_days_left",
           "deadline_words",
           "working_days_left"]


_UNKNOWN: Final = object()


def working_days_left(ctx: Context, due: dt.date) -> int | None:
    """:func:`count_working_days_left` as of ``ctx.as_of``, counted once per distinct
    due date and evaluation."""
    known = ctx.days_left
    found = known.get(due, _UNKNOWN)
    if found is not _UNKNOWN:
        return found  # type: ignore[return-value]
    calendar, as_of = ctx.calendar, ctx.as_of
    counted = ctx.counted
    if counted is not None:  # counted by an earlier evaluation with this calendar
        was = counted.get(("left", as_of, due), _UNKNOWN)
        if was is not _UNKNOWN:
            days: int | None = was
            known[due] = days
            return days
    left = known[due] = kept(calendar, ("left", as_of, due),
                             lambda: count_working_days_left(calendar, as_of, due))
    return left


def count_working_days_left(calendar: Any, as_of: dt.date, due: dt.date) -> int | None:
    """The one count of working days left every format shows (``working_days_left``):

    * ``due`` on or after ``as_of``: the working days after ``as_of`` up to and
      including ``due`` (0: due on ``as_of``, or before the next working day);
    * ``due`` before ``as_of`` (overdue): minus the working days after ``due`` up to and
      including ``as_of``, and at least 1 — negative exactly when overdue, so a
      deadline that passed over a weekend is ``-1``, never 0 ("due today").

    None when the calendar does not know a year in between."""
    try:
        if due >= as_of:
            return _workdays_between(calendar, as_of, due)
        return -max(1, _workdays_between(calendar, due, as_of))
    except EvaluationError:
        return None


#: id(calendar) -> (the calendar, year -> its working days' ordinals, sorted); calendars
#: are immutable, so a year is listed once per calendar and process
_WORKDAYS: dict[int, tuple[Any, dict[int, tuple[int, ...]]]] = {}
_WORKDAYS_LOCK = threading.Lock()


def _workdays_between(calendar: Any, after: dt.date, upto: dt.date) -> int:
    """Working days in (``after``, ``upto``]."""
    entry = _WORKDAYS.get(id(calendar))
    if entry is None or entry[0] is not calendar:
        with _WORKDAYS_LOCK:
            if len(_WORKDAYS) > 16:
                _WORKDAYS.clear()
            entry = _WORKDAYS[id(calendar)] = (calendar, {})
    years = entry[1]
    total = 0
    for year in range(after.year, upto.year + 1):
        table = years.get(year)
        if table is None:
            first, last = dt.date(year, 1, 1).toordinal(), dt.date(year, 12, 31).toordinal()
            table = years[year] = tuple(
                o for o in range(first, last + 1)
                if calendar.is_workday(dt.date.fromordinal(o)))
        total += bisect_right(table, upto.toordinal()) - bisect_right(table, after.toordinal())
    return total


#: added to the deadline line of a due day counted through a year the calendar does not
#: know (``Finding.provisional`` reads it)
PROVISIONAL: Final = N_(" (provisional: the calendar does not know that year, so it counts "
                         "Monday to Friday without the holidays whose dates move; see "
                         "docs/calendar.md)")


#: added after PROVISIONAL when the official calendar could still change the status
UNDECIDED: Final = N_("; so close to the as-of date that the official calendar may decide "
                      "otherwise: undecided until the notice is supplied")


def deadline_words(rule: CompiledRule) -> tuple[str, str, str, tuple[str, str]]:
    """What a rule's deadline lines say, in the current language: the amount ("10
    working days"), the anchor's name, the line for a null anchor, and the line's
    wording while pending and once overdue."""
    deadline = rule.deadline
    assert deadline is not None
    amount = (_("{amount} working days") if deadline.working else _("{amount} days")
              ).format(amount=deadline.amount)
    anchor = deadline.node.anchor.dotted
    null = _("{anchor} is null, so the {amount} cannot be counted").format(
        anchor=anchor, amount=amount)
    return amount, anchor, null, (
        _("due {due}: {amount} after {anchor} {start}; as of {as_of} it is still pending"),
        _("due {due}: {amount} after {anchor} {start}; as of {as_of} it is overdue"),
    )


class DeadlineLine:
    """``(item, due, status) -> line``: how the due date was counted (cached per anchor)."""

    __slots__ = ("_amount", "_anchor", "_anchor_name", "_as_of", "_by_start", "_calendar",
                 "_null", "_provisional", "_render", "_words")

    def __init__(self, rule: CompiledRule, ctx: Context, anchor: Getter,
                 render: Callable[[object], str],
                 words: tuple[str, str, str, tuple[str, str]] | None = None) -> None:
        """``anchor`` reads the start date from an item; ``render`` writes a value;
        ``words``: :func:`deadline_words` of the rule, if already made."""
        self._amount, self._anchor_name, self._null, self._words = (
            deadline_words(rule) if words is None else words)
        self._anchor = anchor
        self._render = render
        self._as_of = ctx.as_of.isoformat()
        # lines not counted provisionally are a function of these texts and the start,
        # due day and status: kept between reports (engine.kept_texts)
        self._by_start: dict[Hashable, str] = kept_table(
            ("deadline", *self._words, self._amount, self._anchor_name, self._as_of, render))
        self._provisional = ctx.provisional_dues()
        self._calendar = ctx.calendar

    @property
    def anchor(self) -> Getter:
        """``(item, None) -> the start date`` the line reads (with ``due`` and the
        status, all it reads)."""
        return self._anchor

    def __call__(self, item: Any, due: dt.date | None, status: str) -> str:
        if due is None:
            return self._null
        start = self._anchor(item, None)
        if due in self._provisional or type(start) is not dt.date or type(due) is not dt.date:
            return self.line(start, due, status)  # not kept (see __init__)
        key = (start, due, status)
        line = self._by_start.get(key)
        if line is None:
            line = self.line(start, due, status)
            if len(self._by_start) < BOUND:
                self._by_start[key] = line
        return line

    def line(self, start: object, due: dt.date, status: str) -> str:
        """The line for a finding with ``status`` due on ``due``, counted from ``start``,
        made anew (:meth:`__call__` keeps it)."""
        return self._words[status != "pending"].format(
            due=due.isoformat(), amount=self._amount, anchor=self._anchor_name,
            start=self._render(start), as_of=self._as_of,
        ) + (self._provisional_note(due, status) if due in self._provisional else "")

    def _provisional_note(self, due: dt.date, status: str) -> str:
        """PROVISIONAL, and whether the official calendar could still change the status:
        it may end the count up to 2 working days earlier (adjusted working days) or up
        to 6 later (weekdays off around moving holidays; docs/calendar.md)."""
        as_of = dt.date.fromisoformat(self._as_of)
        calendar = self._calendar
        if status == "pending":
            close = calendar.add_workdays(as_of, 2, provisional=True) >= due
        else:
            close = calendar.add_workdays(due, 6, provisional=True) >= as_of
        return _(PROVISIONAL) + (_(UNDECIDED) if close else "")
