"""The deployments' positions, and the loader's two hottest passes over ids.

Loading a large document is mostly reading two ids per deployment and per filing,
checking that each is text and known, and finding each deployment's place. Each
pass here reads every row once:

* :func:`deployment_ids` (the deployments' ids as their entries spell them, and their
  (algorithm, platform) :data:`Pairs`, each once);
* :func:`filing_rows` (the deployment row each filing names, found in those pairs).

Each has a C implementation (``_speedups.c``, compiled by the build where a C
compiler is at hand) and a Python twin (:func:`deployment_ids_py`,
:func:`filing_rows_py`) that gives the same answers; the twin runs where the C part
is not built, or with ``POLICY_SDK_PURE=1`` in the environment when the module is
first imported. ``tests/facts/test_speedups.py`` checks with generated documents that
the two agree, refusals included. Neither reports anything: a refusal (None) hands
the whole section to the row checker, which words the problem.
"""

from __future__ import annotations

import os
from array import array
from collections import deque
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from itertools import count, repeat
from operator import is_not, itemgetter, setitem
from types import ModuleType
from typing import Any, Final

__all__ = ["COMPILED", "Pairs", "Positions", "deployment_ids", "deployment_ids_py",
           "distinct", "distinct_py", "filing_rows", "filing_rows_py", "positions",
           "row_of", "rows_of", "tables"]


def _compiled() -> ModuleType | None:
    if os.environ.get("POLICY_SDK_PURE") == "1":
        return None
    try:
        from policy_sdk.facts import _speedups
    except ImportError:  # not built: the build said why (hatch_build.py)
        return None
    return _speedups


_speedups: Final = _compiled()
COMPILED: Final = _speedups is not None
"""Whether the C part runs (else the Python twins)."""

Positions = dict[str, dict[str, int]]
"""algorithm -> platform -> the row of that deployment (:func:`row_of`, :func:`rows_of`)."""

_TEXT: Final = frozenset({str})
_DICT: Final = frozenset({dict})
_GET_ALGORITHM: Final = itemgetter("algorithm")
_GET_PLATFORM: Final = itemgetter("platform")
_NO_DEPLOYMENTS: Final[dict[str, int]] = {}


def tables(algorithms: Collection[str]) -> Positions:
    """An empty table per algorithm, for :func:`positions` and :func:`deployment_ids`.

    Made before the section's columns: each table is an object the cyclic collector
    counts, and a collection that runs while a column of a million rows is new walks
    the whole column (touching every id in it). Made first, the collections they cause
    find no such column; filling the tables then makes no object the collector counts."""
    return {a: {} for a in algorithms}


def positions(algs: Sequence[str], plats: Sequence[str], algorithms: Collection[str],
              seen: Positions | None = None) -> Positions | None:
    """Where each deployment is (:data:`Positions`), or None when an (algorithm,
    platform) pair is listed twice (``algs``: ids of ``algorithms``). Filled at C speed;
    the dicts hold text and numbers only, so the cyclic collector never walks them.
    ``seen``: the empty table of each algorithm, made beforehand (:func:`tables`)."""
    if seen is None:
        seen = tables(algorithms)
    deque(map(setitem, map(seen.__getitem__, algs), plats, count()), maxlen=0)
    if sum(map(len, seen.values())) != len(algs):
        return None  # fewer entries than rows: a pair seen twice
    return seen


def row_of(at: Positions, algorithm: str, platform: str) -> int | None:
    """The row of the deployment of (``algorithm``, ``platform``) in :func:`positions`
    ``at``, or None. The slow twin of :func:`rows_of`."""
    table = at.get(algorithm)
    return table.get(platform) if table is not None else None


def rows_of(at: Positions, algorithms: Iterable[str], platforms: Iterable[str],
            ) -> Iterator[int]:
    """The row of the deployment of each (algorithm, platform) in :func:`positions`
    ``at``, or -1 where there is none (at C speed). Two passes, not one chain: each
    walks one table at a time (measured faster)."""
    found = list(map(at.get, algorithms, repeat(_NO_DEPLOYMENTS)))
    return map(dict.get, found, platforms, repeat(-1))


Pairs = object
"""The deployments' (algorithm, platform) pairs as :func:`deployment_ids` hands them to
:func:`filing_rows`: the C part's own table, or (from the twin) :data:`Positions`."""

DeploymentIds = tuple[tuple[str, ...], tuple[str, ...], bool, Pairs]
#: what the twin gives: its pairs are the deployments' positions
TwinIds = tuple[tuple[str, ...], tuple[str, ...], bool, Positions]


def deployment_ids(items: Sequence[Any], algorithm_ids: Mapping[str, str],
                   platform_ids: Mapping[str, str]) -> DeploymentIds | None:
    """Each deployment's algorithm and platform ids as their entries spell them (one
    string object per id, so that every later lookup compares ids by identity: kept as
    given, a file's million copies of its ids would stay in memory and each lookup
    compare text), whether every row has exactly two keys, and the deployments'
    :data:`Pairs` (for :func:`filing_rows`).

    ``algorithm_ids``/``platform_ids``: the ids as their entries spell them, each mapped
    to itself (:meth:`~policy_sdk.facts.rows.ById.canonical`). None where a row is not
    a dict, lacks ``algorithm`` or ``platform``, names one that is not text or not
    known, or repeats an (algorithm, platform) pair; or where an id table is not text
    each mapped to itself."""
    if _speedups is not None and algorithm_ids.__class__ is dict \
            and platform_ids.__class__ is dict and len(items) < _C_ROWS:
        return _speedups.deployment_ids(  # type: ignore[no-any-return]
            items, algorithm_ids, platform_ids)
    return deployment_ids_py(items, algorithm_ids, platform_ids)


def deployment_ids_py(items: Sequence[Any], algorithm_ids: Mapping[str, str],
                      platform_ids: Mapping[str, str]) -> TwinIds | None:
    """The Python twin of :func:`deployment_ids`: a pass per column at C speed (the
    ids as given are let go before the next column is read); its pairs are the
    deployments' :data:`Positions`."""
    if not (set(map(type, items)) <= _DICT and _itself(algorithm_ids)
            and _itself(platform_ids)):
        return None
    seen = tables(algorithm_ids)
    try:
        algs = _spelled(items, _GET_ALGORITHM, algorithm_ids)
        plats = _spelled(items, _GET_PLATFORM, platform_ids)
        if algs is None or plats is None or positions(algs, plats, (), seen) is None:
            return None
    except (KeyError, TypeError):
        return None
    return algs, plats, set(map(len, items)) <= {2}, seen


def _itself(table: Mapping[str, str]) -> bool:
    """Whether ``table`` maps text, each to itself (the ids as spelled)."""
    return set(map(type, table)) <= _TEXT and not any(map(is_not, table, table.values()))


def _spelled(items: Sequence[Any], get: Callable[[Any], Any],
             canonical: Mapping[str, str]) -> tuple[str, ...] | None:
    """The id ``get`` reads off each row, as its entry spells it; None where one is not
    text, KeyError where one is unknown."""
    named = list(map(get, items))
    if not set(map(type, named)) <= _TEXT:
        return None
    return tuple(map(canonical.__getitem__, named))  # a tuple: the column kept


def filing_rows(items: Sequence[Any], algorithms: Sequence[str], pairs: Pairs,
                ) -> array[int] | None:
    """The deployment row of each filing's (algorithm, platform) in ``pairs`` (the
    deployments', from :func:`deployment_ids`): ``algorithms`` are the algorithms the
    filings name, as given, and each filing's ``platform`` is read here; -1 where there
    is no such deployment (an unknown id included). None where a filing is not a dict,
    its ``platform`` is missing or not text, or an algorithm is not text."""
    if pairs.__class__ is dict:
        return filing_rows_py(items, algorithms, pairs)  # type: ignore[arg-type, unused-ignore]
    assert _speedups is not None  # C pairs come from the C part
    where = array("q", _ONE) * len(algorithms)  # one allocation, filled in place
    if _speedups.filing_rows(items, tuple(algorithms), pairs, where) is None:
        return None
    return where


def filing_rows_py(items: Sequence[Any], algorithms: Sequence[str], at: Positions,
                   ) -> array[int] | None:
    """The Python twin of :func:`filing_rows` (``at``: the twin's pairs): a few
    thousand filings at a time, so that each platform id is read, looked up and checked
    to be text while it is in the processor's cache (the filings are in no order, and
    each id read is a read from memory); no list of a number per filing is held at
    once."""
    if not set(map(type, algorithms)) <= _TEXT:
        return None
    where: array[int] = array("q")
    try:
        for start in range(0, len(algorithms), _FEW):
            some: list[Any] = list(map(dict.get, items[start:start + _FEW],
                                       repeat("platform")))
            if not set(map(type, some)) <= _TEXT:
                return None
            where.extend(list(rows_of(at, algorithms[start:start + _FEW], some)))
    except TypeError:  # a row that is not a dict
        return None
    return where


def distinct(texts: tuple[str, ...]) -> bool:
    """Whether no two of ``texts`` (text, each a ``str``) are equal: in C, a table of
    row numbers (a third of the memory of a set of them)."""
    if _speedups is not None and texts.__class__ is tuple:
        return _speedups.distinct(texts)  # type: ignore[no-any-return]
    return distinct_py(texts)


def distinct_py(texts: Sequence[str]) -> bool:
    """The Python twin of :func:`distinct`."""
    return len(set(texts)) == len(texts)


_ONE: Final = (0,)
#: the C part's pairs number rows in 24 bits: more deployments go to the twin
_C_ROWS: Final = 0xFFFFFF

#: filings looked up at a time (:func:`filing_rows_py`)
_FEW: Final = 4096
