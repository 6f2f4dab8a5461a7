"""The per-platform filing decision at C speed, over the facts' columns.

``require filing per platform`` (the rule most facts are judged by) asks, for each
applicable deployment, whether a live filing of its algorithm names its platform.
These functions answer it with ``map``/``zip``/``compress`` over the columns of
:class:`~policy_sdk.facts.rows.Rows` (no deployment or filing object is built) or,
for facts built by hand, over the entities' attributes. Each has a slow twin, written
as the definition reads, and ``tests/engine/test_columns.py`` checks that they agree.
"""

from __future__ import annotations

from array import array
from collections import deque
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from itertools import compress, count, repeat
from operator import itemgetter, not_, setitem
from typing import Any, Final

from policy_sdk.facts.bulk import DEPLOYMENT_AT, POSITIONS, Positions, positions, rows_of
from policy_sdk.facts.model import LIVE_FILING_STATUSES, Filing
from policy_sdk.facts.rows import Rows, Singles, column

__all__ = [
    "applicable_by_algorithm",
    "applicable_by_algorithm_slow",
    "deployment_columns",
    "deployment_keys",
    "deployment_positions",
    "filed_marks",
    "live_pairs",
    "live_pairs_slow",
    "unfiled",
    "unfiled_by_filings",
    "unfiled_by_filings_slow",
    "unfiled_slow",
]

_LIVE: Final = frozenset(LIVE_FILING_STATUSES)
_FIRST: Final = itemgetter(0)
_FOUND_ROW: Final = (-1).__ne__
_NONE: Final[dict[str, int]] = {}
#: 0 <-> 1, byte by byte
_FLIP: Final = bytes.maketrans(b"\x00\x01", b"\x01\x00")


def _one_each(named: Sequence[tuple[str, ...]]) -> Sequence[str] | None:
    """The platform of each filing, when every one names one platform (else None)."""
    if isinstance(named, Singles):
        return named.values
    if set(map(len, named)) <= {1}:
        return list(map(_FIRST, named))
    return None


def live_pairs(filings: Sequence[Filing], distinct: bool) -> dict[tuple[str, str], None]:
    """(algorithm, platform) for every platform a live filing names (``distinct``:
    only filings that name one platform, however often), as the keys of a dict: a
    dict of text tuples is one the cyclic collector stops tracking (a set it walks on
    every full collection)."""
    algorithms = column(filings, "algorithm")
    named: Sequence[tuple[str, ...]] = column(filings, "platforms")
    live = list(map(_LIVE.__contains__, column(filings, "status")))
    firsts = _one_each(named)
    if firsts is not None:  # every filing names one platform: all at C speed
        return dict.fromkeys(zip(compress(algorithms, live), compress(firsts, live),
                                 strict=True))
    out: dict[tuple[str, str], None] = {}
    for algorithm, platforms, ok in zip(algorithms, named, live, strict=True):
        if ok and (not distinct or len(set(platforms)) == 1):
            out.update(dict.fromkeys(zip(repeat(algorithm), platforms)))
    return out


def live_pairs_slow(filings: Sequence[Filing], distinct: bool) -> frozenset[tuple[str, str]]:
    """:func:`live_pairs`, filing by filing."""
    return frozenset(
        (f.algorithm, p) for f in filings if f.status in LIVE_FILING_STATUSES
        and (not distinct or len(set(f.platforms)) == 1) for p in f.platforms
    )


def unfiled(items: Sequence[Any], applicable: Sequence[int] | None,
            filed: Collection[tuple[str, str]]) -> list[int]:
    """Indexes (in ``applicable``, or all) of the deployments whose (algorithm,
    platform) is not in ``filed``, in order."""
    algorithms, platforms = column(items, "algorithm"), column(items, "platform")
    if applicable is None:
        keys = zip(algorithms, platforms, strict=True)  # one tuple, reused by zip
        return list(compress(count(), map(not_, map(filed.__contains__, keys))))
    keys = zip(map(algorithms.__getitem__, applicable),
               map(platforms.__getitem__, applicable), strict=True)
    return list(compress(applicable, map(not_, map(filed.__contains__, keys))))


def unfiled_slow(items: Sequence[Any], applicable: Sequence[int] | None,
                 filed: Collection[tuple[str, str]]) -> list[int]:
    """:func:`unfiled`, deployment by deployment."""
    indexes = range(len(items)) if applicable is None else applicable
    return [i for i in indexes if (items[i].algorithm, items[i].platform) not in filed]


def deployment_positions(items: Sequence[Any]) -> Positions | None:
    """Where each deployment of ``items`` is (:data:`~policy_sdk.facts.bulk.Positions`),
    or None when a pair is there twice (facts built by hand, not loaded). Kept with
    :class:`~policy_sdk.facts.rows.Rows` (until the loader's filings have read it);
    built anew for other sequences."""
    if isinstance(items, Rows):
        found: Positions | None = items.kept(POSITIONS)
        if found is not None:
            return found
    algorithms, platforms = column(items, "algorithm"), column(items, "platform")
    built = positions(algorithms, platforms, set(algorithms))
    if built is not None and isinstance(items, Rows):
        return items.keep(POSITIONS, built)  # type: ignore[no-any-return]
    return built


def filed_marks(items: Sequence[Any], filings: Sequence[Filing],
                distinct: bool) -> bytearray | None:
    """One byte per deployment of ``items``: 1 where a live filing of its algorithm
    names its platform (``distinct``: a filing naming that platform alone), else 0;
    None when a pair is there twice (no :func:`deployment_positions`).

    Each live filing looks up the deployment it names: no (algorithm, platform) key is
    built for either side. Filings loaded with these deployments were looked up while
    loading (:data:`~policy_sdk.facts.bulk.DEPLOYMENT_AT`)."""
    marks = bytearray(len(items))
    live = list(map(_LIVE.__contains__, column(filings, "status")))
    kept = filings.kept(DEPLOYMENT_AT) if isinstance(filings, Rows) else None
    if kept is not None and kept[0] is items:  # the loader looked each filing's row up
        rows: Iterable[int] = filter(_FOUND_ROW, compress(kept[1], live))
        deque(map(setitem, repeat(marks), rows, repeat(1)), maxlen=0)
        return marks
    at = deployment_positions(items)
    if at is None:
        return None
    algorithms = column(filings, "algorithm")
    named: Sequence[tuple[str, ...]] = column(filings, "platforms")
    firsts = _one_each(named)
    if firsts is not None:  # every filing names one platform: all at C speed
        found = rows_of(at, compress(algorithms, live), compress(firsts, live))
        deque(map(setitem, repeat(marks), filter(_FOUND_ROW, found), repeat(1)), maxlen=0)
        return marks
    for algorithm, platforms, ok in zip(algorithms, named, live, strict=True):
        if ok and (not distinct or len(set(platforms)) == 1):
            on = at.get(algorithm, _NONE)  # bulk.row_of, inline
            for p in platforms:
                i = on.get(p)
                if i is not None:
                    marks[i] = 1
    return marks


def unfiled_by_filings(items: Sequence[Any], applicable: Sequence[int] | None,
                       filings: Sequence[Filing], distinct: bool,
                       marks_of: Callable[[], bytearray | None] | None = None) -> list[int]:
    """Indexes (in ``applicable``, or all) of the deployments no live filing covers
    (:func:`filed_marks`, or ``marks_of()``: the same, kept by the caller for other
    rules of one evaluation), in order: :func:`unfiled` of :func:`live_pairs`."""
    marks = filed_marks(items, filings, distinct) if marks_of is None else marks_of()
    if marks is None:  # a pair twice: look each deployment up in the filed pairs
        return unfiled(items, applicable, live_pairs(filings, distinct))
    if applicable is None:
        return list(compress(count(), marks.translate(_FLIP)))
    return list(compress(applicable, map(not_, map(marks.__getitem__, applicable))))


def unfiled_by_filings_slow(items: Sequence[Any], applicable: Sequence[int] | None,
                            filings: Sequence[Filing], distinct: bool) -> list[int]:
    """:func:`unfiled_by_filings`, deployment by deployment."""
    return unfiled_slow(items, applicable, live_pairs_slow(filings, distinct))


def applicable_by_algorithm(items: Sequence[Any],
                            holds: Mapping[str, bool] | Callable[[str], bool]) -> Sequence[int]:
    """Indexes of the deployments whose algorithm ``holds`` (a table or a function), as
    an array of machine integers (no number object kept per deployment)."""
    get = holds.__getitem__ if isinstance(holds, Mapping) else holds
    return array("q", compress(count(), map(get, column(items, "algorithm"))))


def applicable_by_algorithm_slow(items: Sequence[Any],
                                 holds: Mapping[str, bool] | Callable[[str], bool]) -> list[int]:
    """:func:`applicable_by_algorithm`, deployment by deployment."""
    get = holds.__getitem__ if isinstance(holds, Mapping) else holds
    return [i for i, x in enumerate(items) if get(x.algorithm)]


def deployment_columns(items: Sequence[Any]) -> tuple[Sequence[str], Sequence[str]] | None:
    """The algorithm and platform columns of :class:`~policy_sdk.facts.rows.Rows` of
    deployments (no deployment built), or None for other sequences."""
    if not isinstance(items, Rows):
        return None
    return items.column("algorithm"), items.column("platform")


def deployment_keys(items: Sequence[Any]) -> Callable[[int], tuple[str, str, None]] | None:
    """``index -> (algorithm, platform, None)`` read off the columns of
    :class:`~policy_sdk.facts.rows.Rows` (no deployment built), or None for other
    sequences. The slow twin is reading the deployment: ``(d.algorithm, d.platform,
    None)``."""
    found = deployment_columns(items)
    if found is None:
        return None
    algorithms, platforms = found
    return lambda i: (algorithms[i], platforms[i], None)
