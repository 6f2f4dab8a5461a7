"""The fast path: whole sections that are plainly well formed, accepted at C speed.

A large facts document is mostly deployments (then filings and records), and nearly
always correct. Each function here takes one section and either accepts *all* of its
rows, building exactly what the row checker (:mod:`policy_sdk.facts.check`) builds
for them, or returns None, and the row checker then checks that section row by row
and words every problem. Nothing here reports anything.

What is accepted (a subset of what the row checker accepts without a diagnostic):

* deployments: every row a dict with only core keys; ``algorithm`` and ``platform``
  ids of listed entries; ``status`` one of the deployment statuses (or absent);
  ``launched_on``/``stopped_on`` absent or dates (or text of real dates); a stop date
  exactly on the stopped rows and never before the launch; no (algorithm, platform)
  twice. The algorithm -> platform -> deployment index is built on the way and handed
  to :class:`~policy_sdk.facts.model.Facts`.
* filings: every row a dict with only core keys and ``platforms`` (not ``platform``);
  a number of the usual shape, each once; a non-empty list of known, distinct
  platform ids; a known algorithm; ``status`` a filing status (or absent); ``filed_on``
  a date (or its text); ``displayed`` true, false or absent.
* records: every row a dict with only core keys; a known kind other than ``filing``;
  ``algorithm``/``platform``/``filing`` absent or known; ``on`` a date (or its text).

``tests/facts/test_bulk_deployments.py`` checks with generated documents that each
function accepts only what the row checker accepts, and builds the same values.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from collections.abc import Collection, Mapping, Sequence
from itertools import compress, repeat
from operator import attrgetter, itemgetter, setitem
from typing import Any, Final

from policy_sdk.facts.model import (
    DEPLOYMENT_STATUSES,
    FILING_STATUSES,
    NO_EXTRA,
    Algorithm,
    Deployment,
    Filing,
    Platform,
    Record,
    build_deployments,
)
from policy_sdk.facts.schema import CORE_SCHEMA

__all__ = ["FILING_NUMBER", "deployments", "filings", "records"]

FILING_NUMBER: Final = re.compile(r"网信算备[0-9]{21}号")
"""The usual shape of a filing number. Another shape is a warning, never an error:
exports of the filing system differ."""

_DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_GET_ALGORITHM: Final = itemgetter("algorithm")
_GET_PLATFORM: Final = itemgetter("platform")
_ID: Final = attrgetter("id")
_STATUS_OF: Final = {s: s for s in DEPLOYMENT_STATUSES}
_FILING_STATUS_OF: Final = {s: s for s in FILING_STATUSES}


def _core(entity: str) -> frozenset[str]:
    return frozenset(n for n, a in CORE_SCHEMA.attributes.get(entity, {}).items()
                     if not a.computed)


_DEPLOYMENT_KEYS: Final = _core("deployment")
_FILING_KEYS: Final = _core("filing")
_RECORD_KEYS: Final = _core("record")


def day(value: Any, dates: dict[str, dt.date]) -> dt.date:
    """``value`` (a date, or the text of a real one) as a date; KeyError otherwise.
    ``dates`` caches text already read (shared with the row checker)."""
    if value.__class__ is dt.date:
        return value  # type: ignore[no-any-return, unused-ignore]
    found = dates.get(value) if value.__class__ is str else None
    if found is not None:
        return found
    if value.__class__ is str and len(value) == 10 and _DATE_TEXT.fullmatch(value):
        try:
            found = dates[value] = dt.date.fromisoformat(value)
        except ValueError:
            raise KeyError(value) from None
        return found
    raise KeyError(value)


def deployments(
    items: Sequence[Any], algorithms: Mapping[str, Algorithm],
    platforms: Mapping[str, Platform], dates: dict[str, dt.date],
) -> tuple[tuple[Deployment, ...], dict[str, dict[str, Deployment]]] | None:
    """All deployments and the algorithm -> platform -> deployment index, or None.

    Each property is checked for all rows in one pass of C calls (``map`` over dicts)
    and the deployments are built column by column.
    """
    n = len(items)
    try:
        # ids as the algorithm and platform entries spell them: one string object each
        algs: list[str] = list(map(_ID, map(algorithms.__getitem__,
                                            map(_GET_ALGORITHM, items))))
        plats: list[str] = list(map(_ID, map(platforms.__getitem__,
                                             map(_GET_PLATFORM, items))))
        statuses = list(map(_STATUS_OF.__getitem__,
                            map(dict.get, items, repeat("status"), repeat("active"))))
        launched = list(map(dict.get, items, repeat("launched_on")))
        stopped = list(map(dict.get, items, repeat("stopped_on")))
        keys = set().union(*items)
        days: dict[Any, dt.date | None] = {None: None}
        for value in {*launched, *stopped}:
            if value is not None:
                days[value] = day(value, dates)
    except (KeyError, TypeError):
        return None
    if not keys <= _DEPLOYMENT_KEYS:
        return None
    launched = list(map(days.__getitem__, launched))
    stopped = list(map(days.__getitem__, stopped))
    # a stop date exactly on the stopped rows, never before the launch
    # (dates are truthy, so `compress` keeps the rows that have one)
    with_stop = list(compress(zip(statuses, launched, stopped, strict=True), stopped))
    if len(with_stop) != statuses.count("stopped") or any(
        s != "stopped" or (lo is not None and so < lo) for s, lo, so in with_stop
    ):
        return None
    rows = build_deployments(algs, plats, statuses, launched, stopped)
    # algorithm -> platform -> deployment, filled at C speed; a key seen twice
    # leaves fewer entries than rows
    by_algorithm: dict[str, dict[str, Deployment]] = {a: {} for a in algorithms}
    deque(map(setitem, map(by_algorithm.__getitem__, algs), plats, rows), maxlen=0)
    if sum(map(len, by_algorithm.values())) != n:
        return None  # a duplicate: the row checker says which
    return tuple(rows), {a: on for a, on in by_algorithm.items() if on}


def filings(
    items: Sequence[Any], algorithms: Mapping[str, Algorithm],
    platforms: Mapping[str, Platform], dates: dict[str, dt.date],
) -> dict[str, Filing] | None:
    """All filings by number, or None."""
    out: dict[str, Filing] = {}
    alg_ids = {a: a for a in algorithms}
    plat_ids = {p: p for p in platforms}
    statuses = _FILING_STATUS_OF
    try:
        for raw in items:
            number = raw["number"]
            several = raw["platforms"]
            displayed = raw.get("displayed")
            if not (
                number.__class__ is str and number not in out
                and several.__class__ is list and several
                and (displayed is None or displayed.__class__ is bool)
                and raw.keys() <= _FILING_KEYS
                and FILING_NUMBER.fullmatch(number)
            ):
                return None
            named = tuple(map(plat_ids.__getitem__, several))
            if len(set(named)) != len(named):
                return None
            status = raw.get("status")
            filed_on = raw.get("filed_on")
            out[number] = Filing(
                number, alg_ids[raw["algorithm"]], named,
                "active" if status is None else statuses[status],
                None if filed_on is None else day(filed_on, dates),
                bool(displayed), NO_EXTRA,
            )
    except (KeyError, TypeError, AttributeError):
        return None
    return out


def records(
    items: Sequence[Any], algorithms: Mapping[str, Algorithm],
    platforms: Mapping[str, Platform], filings: Mapping[str, Filing],
    kinds: Collection[str], dates: dict[str, dt.date],
) -> tuple[Record, ...] | None:
    """All records, or None. ``kinds``: the obligation kinds a record may have."""
    out: list[Record] = []
    plain_kinds = {k: k for k in kinds}
    try:
        for raw in items:
            kind = plain_kinds[raw["kind"]]
            a, p, f, on = raw.get("algorithm"), raw.get("platform"), raw.get("filing"), \
                raw.get("on")
            if not (
                (a is None or (a.__class__ is str and a in algorithms))
                and (p is None or (p.__class__ is str and p in platforms))
                and (f is None or (f.__class__ is str and f in filings))
                and raw.keys() <= _RECORD_KEYS
            ):
                return None
            out.append(Record(kind, a, p, f, None if on is None else day(on, dates),
                              NO_EXTRA))
    except (KeyError, TypeError, AttributeError):
        return None
    return tuple(out)
