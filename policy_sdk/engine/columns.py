"""The per-platform filing decision at C speed, over the facts' columns.

``require filing per platform`` (the rule most facts are judged by) asks, for each
applicable deployment, whether a live filing of its algorithm names its platform.
These functions answer it with ``map``/``zip``/``compress`` over the columns of
:class:`~policy_sdk.facts.rows.Rows` (no deployment or filing object is built) or,
for facts built by hand, over the entities' attributes. Each has a slow twin, written
as the definition reads, and ``tests/engine/test_columns.py`` checks that they agree.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from itertools import compress, count, repeat
from operator import itemgetter, not_
from typing import Any, Final

from policy_sdk.facts.model import LIVE_FILING_STATUSES, Filing
from policy_sdk.facts.rows import Rows, column

__all__ = [
    "applicable_by_algorithm",
    "applicable_by_algorithm_slow",
    "deployment_keys",
    "live_pairs",
    "live_pairs_slow",
    "unfiled",
    "unfiled_slow",
]

_LIVE: Final = frozenset(LIVE_FILING_STATUSES)
_FIRST: Final = itemgetter(0)


def live_pairs(filings: Sequence[Filing], distinct: bool) -> dict[tuple[str, str], None]:
    """(algorithm, platform) for every platform a live filing names (``distinct``:
    only filings that name one platform, however often), as the keys of a dict: a
    dict of text tuples is one the cyclic collector stops tracking (a set it walks on
    every full collection)."""
    algorithms = column(filings, "algorithm")
    named: Sequence[tuple[str, ...]] = column(filings, "platforms")
    live = list(map(_LIVE.__contains__, column(filings, "status")))
    if set(map(len, named)) <= {1}:  # every filing names one platform: all at C speed
        return dict.fromkeys(zip(compress(algorithms, live),
                                 map(_FIRST, compress(named, live)), strict=True))
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


def applicable_by_algorithm(items: Sequence[Any],
                            holds: Mapping[str, bool] | Callable[[str], bool]) -> list[int]:
    """Indexes of the deployments whose algorithm ``holds`` (a table or a function)."""
    get = holds.__getitem__ if isinstance(holds, Mapping) else holds
    return list(compress(count(), map(get, column(items, "algorithm"))))


def applicable_by_algorithm_slow(items: Sequence[Any],
                                 holds: Mapping[str, bool] | Callable[[str], bool]) -> list[int]:
    """:func:`applicable_by_algorithm`, deployment by deployment."""
    get = holds.__getitem__ if isinstance(holds, Mapping) else holds
    return [i for i, x in enumerate(items) if get(x.algorithm)]


def deployment_keys(items: Sequence[Any]) -> Callable[[int], tuple[str, str, None]] | None:
    """``index -> (algorithm, platform, None)`` read off the columns of
    :class:`~policy_sdk.facts.rows.Rows` (no deployment built), or None for other
    sequences. The slow twin is reading the deployment: ``(d.algorithm, d.platform,
    None)``."""
    if not isinstance(items, Rows):
        return None
    algorithms, platforms = items.column("algorithm"), items.column("platform")
    return lambda i: (algorithms[i], platforms[i], None)
