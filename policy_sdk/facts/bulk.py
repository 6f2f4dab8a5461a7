"""The fast path: whole sections that are plainly well formed, accepted at C speed.

A large facts document is mostly deployments (then filings and records), and nearly
always correct. Each function here takes one section and either accepts *all* of its
rows, building exactly what the row checker (:mod:`policy_sdk.facts.check`) builds
for them, or returns None, and the row checker then checks that section row by row
and words every problem. Nothing here reports anything.

What is accepted (a subset of what the row checker accepts without a diagnostic):

* algorithms: every row a dict with only core keys; ``id`` plain text (not empty, no
  NUL or lone surrogate), each once; ``name`` absent or plain text; ``types`` absent or a
  list of distinct algorithm types; ``uses_recommendation`` true or false (true where
  types are listed).
* platforms: every row a dict with only core keys; ``id`` as for algorithms; ``type`` a
  platform type name or alias (text); ``name``/``host`` absent, one of the values the
  platform type closes them to, or else plain text; ``batch_cancellation`` and
  ``item_verification`` true, false or absent.
* deployments: every row a dict with only core keys; ``algorithm`` and ``platform``
  ids of listed entries; ``status`` one of the deployment statuses (or absent);
  ``launched_on``/``stopped_on`` absent or dates (or text of real dates); a stop date
  exactly on the stopped rows and never before the launch; no (algorithm, platform)
  twice. The algorithm -> platform -> deployment index is built on the way and handed
  to :class:`~policy_sdk.facts.model.Facts`.
* filings: every row a dict with only core keys and either ``platform`` on every row
  (a known platform id) or ``platforms`` on every row (a non-empty list of known,
  distinct platform ids); a number of the usual shape, each once; a known algorithm;
  ``status`` a filing status (or absent); ``filed_on`` a date (or its text);
  ``displayed`` true, false or absent.
* records: every row a dict with only core keys; a known kind other than ``filing``;
  ``algorithm``/``platform``/``filing`` absent or known; ``on`` a date (or its text).

``tests/facts/test_bulk_deployments.py`` checks with generated documents that each
function accepts only what the row checker accepts, and builds the same values.
"""

from __future__ import annotations

import datetime as dt
import re
from array import array
from collections import deque
from collections.abc import Collection, Iterable, Mapping, Sequence
from itertools import compress, count, repeat
from operator import attrgetter, itemgetter
from typing import Any, Final, TypeVar

import attrs

from policy_sdk.facts.ids import (
    Positions,
    deployment_ids,
    distinct,
    filing_rows,
    positions,
    row_of,
    rows_of,
)
from policy_sdk.facts.model import (
    ALGORITHM_TYPES,
    DEPLOYMENT_STATUSES,
    FILING_STATUSES,
    NO_EXTRA,
    Algorithm,
    Deployment,
    Filing,
    Platform,
    Record,
)
from policy_sdk.facts.rows import ById, Rows, Same, Singles, Through
from policy_sdk.facts.schema import CORE_SCHEMA, Attribute
from policy_sdk.facts.yaml12 import BAD_TEXT

__all__ = ["DEPLOYMENT_AT", "FILING_NUMBER", "PAIRS", "POSITIONS", "Positions", "algorithms",
           "build_rows", "deployments", "filings", "platforms", "positions", "records",
           "row_of", "rows_of", "usual_numbers"]

FILING_NUMBER: Final = re.compile(r"网信算备[0-9]{21}号")
"""The usual shape of a filing number. Another shape is a warning, never an error:
exports of the filing system differ."""

_DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_GET_ALGORITHM: Final = itemgetter("algorithm")
_GET_PLATFORM: Final = itemgetter("platform")
_GET_TYPE: Final = itemgetter("type")
_ID: Final = attrgetter("id")
T = TypeVar("T")
_STATUS_OF: Final = {s: s for s in DEPLOYMENT_STATUSES}
_FILING_STATUS_OF: Final = {s: s for s in FILING_STATUSES}


def _core(entity: str) -> frozenset[str]:
    return frozenset(n for n, a in CORE_SCHEMA.attributes.get(entity, {}).items()
                     if not a.computed)


_ALGORITHM_KEYS: Final = _core("algorithm")
_PLATFORM_KEYS: Final = _core("platform")
_DEPLOYMENT_KEYS: Final = _core("deployment")
_FILING_KEYS: Final = _core("filing")
_ONE_PLATFORM_FILING_KEYS: Final = (_FILING_KEYS - {"platforms"}) | {"platform"}
_RECORD_KEYS: Final = _core("record")
_PAIR_KEYS: Final = frozenset(("algorithm", "platform"))


def day(value: Any, dates: dict[str, dt.date]) -> dt.date:
    """``value`` (a date, or the text of a real one) as a date; KeyError otherwise.
    ``dates`` caches text already read (shared with the row checker)."""
    if value.__class__ is dt.date:
        return value  # type: ignore[no-any-return, unused-ignore]
    found = dates.get(value) if value.__class__ is str else None
    if found is not None:
        return found
    if value.__class__ is str and len(value) == 10:
        found = _READ_DAYS.get(value)  # read by an earlier load (a server's requests)
        if found is None:
            if not _DATE_TEXT.fullmatch(value):
                raise KeyError(value)
            try:
                found = dt.date.fromisoformat(value)
            except ValueError:
                raise KeyError(value) from None
            if len(_READ_DAYS) >= 4096:
                _READ_DAYS.clear()
            _READ_DAYS[value] = found
        dates[value] = found
        return found
    raise KeyError(value)


#: date texts read by any load (at most a few thousand), and their dates
_READ_DAYS: dict[str, dt.date] = {}
_NO_DAYS: Final[dict[Any, dt.date | None]] = {None: None}


def days_of(values: Iterable[Any], dates: dict[str, dt.date]) -> dict[Any, dt.date | None]:
    """Each distinct value of ``values`` -> its :func:`day` (None -> None); KeyError
    where one is not a date. Texts an earlier load read are found without a call each
    (a small company's hundred dates cost more in calls than in reading)."""
    wanted = set(values)
    wanted.discard(None)
    days = dict(_NO_DAYS)
    for value, found in zip(wanted, map(_READ_DAYS.get, wanted), strict=True):
        days[value] = found if found is not None and value.__class__ is str \
            else day(value, dates)
    return days


_GET_ID: Final = itemgetter("id")
_GET_NUMBER: Final = itemgetter("number")
_NONE_TYPE: Final = type(None)
_TEXT: Final = frozenset({str})
_DICT: Final = frozenset({dict})
_BOOL_OR_NONE: Final = frozenset({bool, _NONE_TYPE})
_BOOL: Final = frozenset({bool})
_ALGORITHM_TYPE_OF: Final = {t: t for t in ALGORITHM_TYPES}
_FILING_STATUS_OR_ACTIVE: Final[dict[str | None, str]] = {
    None: "active", **{s: s for s in FILING_STATUSES}}


def build_rows(cls: type[T], columns: Sequence[Sequence[Any]]) -> list[T]:
    """Instances of the frozen, slotted attrs class ``cls`` from ``columns`` of already
    validated values, one column per attribute in declaration order (the last,
    ``extra``, is left out: it is the shared empty mapping on every row).

    The same objects as ``cls(*row)`` row by row, built at C speed: each slot is filled
    for all rows in one pass over its descriptor. No validation happens here.
    """
    slots = _slots(cls)
    n = len(columns[0]) if columns else 0
    if len(columns) != len(slots) - 1 or any(len(c) != n for c in columns):
        raise ValueError("columns of different lengths, or not one per attribute")
    rows = list(map(object.__new__, repeat(cls, n)))
    for field, values in zip(slots, (*columns, repeat(NO_EXTRA, n)), strict=True):
        deque(map(field.__set__, rows, values), maxlen=0)
    return rows


_SLOTS: dict[type, tuple[Any, ...]] = {}


def _slots(cls: type) -> tuple[Any, ...]:
    found = _SLOTS.get(cls)
    if found is None:
        found = _SLOTS[cls] = tuple(cls.__dict__[f.name] for f in attrs.fields(cls))
        if attrs.fields(cls)[-1].name != "extra":
            raise TypeError(f"{cls.__name__} has no `extra` last")
    return found


def _canonical(by_id: Mapping[str, Any]) -> Mapping[str, str]:
    """id -> the id as its entry spells it (one string object per id, so later
    lookups compare by identity); built once per :class:`ById`."""
    if isinstance(by_id, ById):
        return by_id.canonical()
    return {k: k for k in by_id}


def _plain_texts(values: Collection[Any]) -> bool:
    """Whether every value is text the row checker reads without a word: a ``str``,
    not empty, without NUL or lone surrogates (one C-speed search over all of them)."""
    return (
        set(map(type, values)) <= _TEXT
        and "" not in values
        and BAD_TEXT.search("".join(values)) is None
    )


def _dict_rows(items: Sequence[Any]) -> bool:
    return set(map(type, items)) <= _DICT


def _ids(items: Sequence[Any]) -> tuple[list[str], dict[str, str]] | None:
    """The ``id`` of every row (plain text, each once) and the table id -> id that
    counted them (the rows' canonical ids: :meth:`ById.canonical`); or None."""
    ids: list[str] = list(map(_GET_ID, items))
    seen = dict(zip(ids, ids, strict=True))
    if len(seen) != len(ids) or not _plain_texts(ids):
        return None
    return ids, seen


def algorithms(items: Sequence[Any]) -> ById[Algorithm] | None:
    """All algorithms by id (as columns, built when read), or None."""
    if not _dict_rows(items):
        return None
    try:
        found = _ids(items)
        names = list(map(dict.get, items, repeat("name")))
        listed = list(map(dict.get, items, repeat("types")))
        recommends = list(map(dict.get, items, repeat("uses_recommendation")))
        if found is None or not set().union(*items) <= _ALGORITHM_KEYS:
            return None
        ids, seen = found
        kinds: list[tuple[str, ...]] = [()] * len(items)
        # rows that list types, if any (most list none: not walked one by one)
        for i in () if listed.count(None) == len(listed) else range(len(listed)):
            value = listed[i]
            if value is not None:
                if value.__class__ is not list and value.__class__ is not tuple:
                    return None
                if not set(map(type, value)) <= _TEXT:
                    return None
                kinds[i] = tuple(map(_ALGORITHM_TYPE_OF.__getitem__, value))
                if len(set(value)) != len(value):
                    return None
    except (KeyError, TypeError):
        return None
    given = [n for n in names if n is not None] if names.count(None) != len(names) else []
    # `uses_recommendation` on every row (left out, it is read off the types with a
    # warning), and true where the row lists types (false is a contradiction the
    # row checks warn about: policy_sdk.facts.applicability)
    if (not set(map(type, recommends)) <= _BOOL
            or not all(compress(recommends, kinds))
            or not (len(given) == 0 or _plain_texts(given))):
        return None
    return Rows(Algorithm, (ids, _compact(names), _compact(kinds, ()), recommends)).by(
        "id", canonical=seen)


def platforms(
    items: Sequence[Any], types: Mapping[str, str],
    type_attrs: Mapping[str, Mapping[str, Attribute]],
) -> ById[Platform] | None:
    """All platforms by id (as columns, built when read), or None. ``types``: platform
    type names and aliases -> the canonical name; ``type_attrs``: canonical name -> the
    attributes it declares (some close the values of ``name`` or ``host``)."""
    if not _dict_rows(items):
        return None
    try:
        found = _ids(items)
        given_types = list(map(_GET_TYPE, items))
        if found is None or not set(map(type, given_types)) <= _TEXT:
            return None
        ids, seen = found
        canonical = list(map(types.__getitem__, given_types))
        columns: list[list[Any]] = [
            list(map(dict.get, items, repeat(key)))
            for key in ("name", "host", "batch_cancellation", "item_verification")
        ]
        if not set().union(*items) <= _PLATFORM_KEYS:
            return None
        for key, values in zip(("name", "host"), columns[:2], strict=True):
            if values.count(None) == len(values):
                continue
            closed = {t: a[key].enum for t, a in type_attrs.items()
                      if key in a and a[key].enum}
            if not closed:
                given = [v for v in values if v is not None]
                if not _plain_texts(given):
                    return None
                continue
            for ptype, value in set(zip(canonical, values, strict=True)):
                if value is None:
                    continue
                enum = closed.get(ptype)
                if not (value in enum if enum is not None and value.__class__ is str
                        else enum is None and _plain_texts((value,))):
                    return None
    except (KeyError, TypeError):
        return None
    for flags in columns[2:]:
        if not set(map(type, flags)) <= _BOOL_OR_NONE:
            return None
    return Rows(Platform, (ids, canonical, *map(_compact, columns))).by("id", canonical=seen)


def _compact(column: Sequence[Any], value: Any = None) -> Sequence[Any]:
    """``column``, or one :class:`~policy_sdk.facts.rows.Same` ``value`` where every
    row has it (a key no row of the section gives)."""
    n = len(column)
    return Same(value, n) if column.count(value) == n else column


POSITIONS: Final = "positions"
"""The name :func:`positions` of the deployments are kept under on their
:class:`~policy_sdk.facts.rows.Rows` (:meth:`~policy_sdk.facts.rows.Rows.kept`)."""

PAIRS: Final = "pairs"
"""The name the deployments' :data:`~policy_sdk.facts.ids.Pairs` are kept under on
their :class:`~policy_sdk.facts.rows.Rows` until the filings have read them
(:func:`filings`)."""


def deployments(
    items: Sequence[Any], algorithms: Mapping[str, Algorithm],
    platforms: Mapping[str, Platform], dates: dict[str, dt.date],
) -> Rows[Deployment] | None:
    """All deployments (as columns, built when read), or None.

    Each property is checked for all rows in one pass of C calls (``map`` over dicts).
    """
    n = len(items)
    try:
        found = deployment_ids(items, _canonical(algorithms), _canonical(platforms))
        if found is None:
            return None  # the row checker says why (a duplicate pair, an unknown id, ...)
        algs, plats, two_keys, pairs = found
        # two keys in every row, both read: no other key (no need to list them all)
        keys = _PAIR_KEYS if two_keys else set().union(*items)
        if not keys <= _DEPLOYMENT_KEYS:
            return None
        # a key no row has is not read row by row
        # (one value, not n references: facts.rows.Same)
        statuses: Sequence[str] = (
            tuple(map(_STATUS_OF.__getitem__,
                      map(dict.get, items, repeat("status"), repeat("active"))))
            if "status" in keys else Same("active", n))
        launched: Sequence[Any] = (tuple(map(dict.get, items, repeat("launched_on")))
                                   if "launched_on" in keys else Same(None, n))
        stopped: Sequence[Any] = (tuple(map(dict.get, items, repeat("stopped_on")))
                                  if "stopped_on" in keys else Same(None, n))
        days = (days_of((*launched, *stopped), dates)
                if "launched_on" in keys or "stopped_on" in keys else _NO_DAYS)
    except (KeyError, TypeError):
        return None
    if launched.count(None) != n:
        launched = tuple(map(days.__getitem__, launched))
    if stopped.count(None) != n:
        stopped = tuple(map(days.__getitem__, stopped))
    # a stop date exactly on the stopped rows, never before the launch
    # (dates are truthy, so `compress` keeps the rows that have one)
    with_stop = (list(compress(zip(statuses, launched, stopped, strict=True), stopped))
                 if stopped.__class__ is not Same else [])
    if len(with_stop) != statuses.count("stopped") or any(
        s != "stopped" or (lo is not None and so < lo) for s, lo, so in with_stop
    ):
        return None
    rows = Rows(Deployment, (algs, plats, statuses, launched, stopped))
    rows.keep(PAIRS, pairs)
    if pairs.__class__ is dict:  # the twin's pairs are the positions themselves
        rows.keep(POSITIONS, pairs)
    return rows


def filings(
    items: Sequence[Any], algorithms: Mapping[str, Algorithm],
    platforms: Mapping[str, Platform], dates: dict[str, dt.date],
    deployments: Sequence[Deployment] | None = None,
) -> ById[Filing] | None:
    """All filings by number (as columns, built when read), or None.

    Column by column, as the deployments: every property is checked for all rows in
    one pass of C calls. With ``deployments`` loaded here (:func:`deployments`), each
    filing naming one platform looks up the deployment of its (algorithm, platform)
    once: that checks and spells its ids, and the row found is kept with the filings
    (:data:`DEPLOYMENT_AT`) for the per-platform decision. The deployments' pairs
    (:data:`PAIRS`) are let go here, whatever the filings are."""
    try:
        return _filings(items, algorithms, platforms, dates, deployments)
    finally:
        if isinstance(deployments, Rows):
            deployments.forget(PAIRS)


def _filings(
    items: Sequence[Any], algorithms: Mapping[str, Algorithm],
    platforms: Mapping[str, Platform], dates: dict[str, dt.date],
    deployments: Sequence[Deployment] | None,
) -> ById[Filing] | None:
    if not _dict_rows(items):
        return None
    n = len(items)
    try:
        numbers: tuple[str, ...] = tuple(map(_GET_NUMBER, items))
        if not set(map(type, numbers)) <= _TEXT:
            return None
        named_algs = tuple(map(_GET_ALGORITHM, items))
        if not set(map(type, named_algs)) <= _TEXT:
            return None
        keys = set().union(*items)
        nothing: Sequence[Any] = Same(None, n)

        def read(key: str) -> Sequence[Any]:  # a key no row has is not read row by row
            return tuple(map(dict.get, items, repeat(key))) if key in keys else nothing

        several = read("platforms")
        statuses: Sequence[str] = (  # not kept as read: one column of a number per row
            tuple(map(_FILING_STATUS_OR_ACTIVE.__getitem__,
                      map(dict.get, items, repeat("status"))))
            if "status" in keys else Same("active", n))
        filed, shown = read("filed_on"), read("displayed")
        at: array[int] | None = None
        if several.count(None) == n:  # `platform: id` on every row (read as looked up)
            if not keys <= _ONE_PLATFORM_FILING_KEYS:
                return None
            algs, plats, at = _one_platform(named_algs, items, algorithms, platforms,
                                            deployments)
            named: Sequence[tuple[str, ...]] = Singles(plats)
        elif "platform" not in keys:  # `platforms: [ids]` on every row
            if not keys <= _FILING_KEYS:
                return None
            algs = tuple(map(_canonical(algorithms).__getitem__, named_algs))
            plat_ids = _canonical(platforms)
            named = []
            for value in several:
                if value.__class__ is not list or not value \
                        or not set(map(type, value)) <= _TEXT:
                    return None
                one = tuple(map(plat_ids.__getitem__, value))
                if len(set(one)) != len(one):
                    return None
                named.append(one)
        else:
            return None
        days = days_of(filed, dates) if "filed_on" in keys else _NO_DAYS
    except (KeyError, TypeError):
        return None
    # each number once (checked after the lookups: the deployments' pairs are let go)
    if not distinct(numbers):
        return None
    # every number of the usual shape
    if (shown is not nothing and not set(map(type, shown)) <= _BOOL_OR_NONE) \
            or not usual_numbers(numbers):
        return None
    if filed.count(None) != n:
        filed = tuple(map(days.__getitem__, filed))
    rows = Rows(Filing, (numbers, algs, named, statuses, filed,
                         tuple(map(bool, shown)) if shown is not nothing else Same(False, n)))
    if at is not None:
        rows.keep(DEPLOYMENT_AT, (deployments, at))
        # the deployments' positions were kept for this (and for a decision over
        # these filings, which reads `at` now): let them go before evaluation needs
        # the memory (columns.deployment_positions builds them again if asked)
        if isinstance(deployments, Rows):
            deployments.forget(POSITIONS)
    return rows.by("number")


DEPLOYMENT_AT: Final = "deployment_at"
"""The name the filings' deployment rows are kept under on their
:class:`~policy_sdk.facts.rows.Rows`: ``(deployments, at)``, ``at[i]`` the row in
``deployments`` of the (algorithm, platform) filing ``i`` names, or -1 (none)."""


def _one_platform(
    names: Sequence[str], items: Sequence[dict[str, Any]],
    algorithms: Mapping[str, Algorithm], platforms: Mapping[str, Platform],
    deployments: Sequence[Deployment] | None,
) -> tuple[Sequence[str], Sequence[str], array[int] | None]:
    """The algorithm and platform ids of filings naming one platform each (``names``:
    their algorithms as given, all text; ``items``: the filings, whose ``platform`` is
    read here), as the entries spell them, and the deployment row each names (-1: none;
    None: ``deployments`` not loaded here). KeyError for an unknown id, TypeError for a
    platform that is not text.

    With the deployments' pairs (:data:`PAIRS`), one lookup per filing finds the
    deployment of its (algorithm, platform): then both ids are known, and are read
    through that deployment when asked for (:class:`~policy_sdk.facts.rows.Through`):
    no column of the filings' own ids is kept."""
    pairs = deployments.kept(PAIRS) if isinstance(deployments, Rows) else None
    if pairs is None or not isinstance(deployments, Rows) or not deployments:
        single: tuple[Any, ...] = tuple(map(dict.get, items, repeat("platform")))
        if not set(map(type, single)) <= _TEXT:
            raise TypeError("not text")
        return (tuple(map(_canonical(algorithms).__getitem__, names)),
                tuple(map(_canonical(platforms).__getitem__, single)), None)
    where = filing_rows(items, names, pairs)
    deployments.forget(PAIRS)  # read: let go at once (see _filings)
    if where is None:
        raise TypeError("not text")
    own_algorithms: dict[int, str] = {}
    own_platforms: dict[int, str] = {}
    if -1 in where:  # filings of no deployment: their ids looked up one by one
        algorithm_ids, platform_ids = _canonical(algorithms), _canonical(platforms)
        for i in compress(count(), map((-1).__eq__, where)):
            # KeyError for an unknown id: the row checker words it
            own_algorithms[i] = algorithm_ids[names[i]]
            own_platforms[i] = platform_ids[items[i]["platform"]]
    return (Through(deployments.column("algorithm"), where, own_algorithms),
            Through(deployments.column("platform"), where, own_platforms), where)


_HEAD: Final = "网信算备"
_TAIL: Final = "号"


def usual_numbers(numbers: Sequence[str]) -> bool:
    """Whether every text of ``numbers`` has the usual shape of a filing number
    (:data:`FILING_NUMBER`: 网信算备, 21 ASCII digits, 号): checked place by place over
    many at once (the slow twin is ``FILING_NUMBER.fullmatch`` of each)."""
    return all(_usual(numbers[i:i + _AT_ONCE]) for i in range(0, len(numbers), _AT_ONCE))


#: filing numbers checked at once (a text of 27 characters each, 3.5 MB at most)
_AT_ONCE: Final = 65536


def _usual(numbers: Sequence[str]) -> bool:
    """:func:`usual_numbers` of a few. Joined by line breaks, n such numbers are exactly
    a text of 27n - 1 characters with a line break at every 27th place and the number's
    characters at the others: no line break elsewhere, so each piece between two line
    breaks is one number of 26 characters."""
    n = len(numbers)
    joined = "\n".join(numbers)
    if len(joined) != 27 * n - 1 or joined[26::27] != "\n" * (n - 1):
        return False
    for place, char in enumerate(_HEAD):
        if joined[place::27] != char * n:
            return False
    if joined[25::27] != _TAIL * n:
        return False
    for place in range(4, 25):
        digits = joined[place::27]
        if not (digits.isascii() and digits.isdigit()):
            return False
    return True


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
