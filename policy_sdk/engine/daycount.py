"""Day counts of a calendar kept between evaluations.

A :class:`~policy_sdk.workdays.WorkdayCalendar` is immutable once built, so what it
counts — the due day ``amount`` working days after an anchor, the working days left
between an as-of date and a due day — is the same in every evaluation that asks. An
engine evaluates with one calendar, so a report of a company whose deployments launched
on a few hundred days counts each of them once per process, not once per report.

Only a calendar of exactly that class is kept by (another class may change); the slow
twin is counting again (``make()``), property-tested in
``tests/engine/test_setup_caches.py``. Dict operations only: safe between threads (two
threads racing store equal values).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from policy_sdk.workdays import WorkdayCalendar

__all__ = ["kept", "kept_counts"]

T = TypeVar("T")

#: id(calendar) -> (the calendar, key -> count); the calendar held so its id is not reused
_KEPT: dict[int, tuple[WorkdayCalendar, dict[Hashable, Any]]] = {}
#: counts kept per calendar (then they are let go and counted again as asked)
_BOUND = 8192


def kept(calendar: object, key: Hashable, make: Callable[[], T]) -> T:
    """``make()``, which counts ``key`` with ``calendar``, kept for the next evaluation
    with the same calendar. An exception ``make`` raises is raised again each time."""
    if type(calendar) is not WorkdayCalendar:
        return make()
    entry = _KEPT.get(id(calendar))
    if entry is None or entry[0] is not calendar:
        if len(_KEPT) > 16:
            _KEPT.clear()
        entry = _KEPT[id(calendar)] = (calendar, {})
    counts = entry[1]
    try:
        found: T = counts[key]
    except KeyError:
        found = make()
        if len(counts) >= _BOUND:
            counts.clear()
        counts[key] = found
    return found


def kept_counts(calendar: object) -> dict[Hashable, Any] | None:
    """The counts :func:`kept` keeps for ``calendar`` (None: it keeps none for it), for
    a caller that looks many up: ``kept_counts(c).get(key)``, where present, is what
    ``kept(c, key, make)`` gives."""
    if type(calendar) is not WorkdayCalendar:
        return None
    entry = _KEPT.get(id(calendar))
    return entry[1] if entry is not None and entry[0] is calendar else None
