"""The deployments' positions, and the loader's two hottest passes over ids.

Loading a large document is mostly reading two ids per deployment and per filing,
checking that each is text and known, and finding each deployment's place. Each
pass here reads every row once:

* :func:`deployment_ids` (the deployments' ids as their entries spell them, and their
  :data:`Positions`);
* :func:`filing_rows` (the deployment row each filing names).

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
from operator import itemgetter, setitem
from types import ModuleType
from typing import Any, Final

__all__ = ["COMPILED", "Positions", "deployment_ids", "deployment_ids_py", "filing_rows",
           "filing_rows_py", "positions", "row_of", "rows_of", "tables"]


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


DeploymentIds = tuple[tuple[str, ...], tuple[str, ...], bool]


def deployment_ids(items: Sequence[Any], algorithm_ids: Mapping[str, str],
                   platform_ids: Mapping[str, str], seen: Positions) -> DeploymentIds | None:
    """Each deployment's algorithm and platform ids as their entries spell them (one
    string object per id, so that every later lookup compares ids by identity: kept as
    given, a file's million copies of its ids would stay in memory and each lookup
    compare text), and whether every row has exactly two keys; ``seen`` (the empty
    :func:`tables`) filled as the deployments' :data:`Positions` on the way.

    None where a row is not a dict, lacks ``algorithm`` or ``platform``, names one that
    is not text or not known (``algorithm_ids``/``platform_ids``: id -> the id as its
    entry spells it), or repeats an (algorithm, platform) pair."""
    if _speedups is not None and algorithm_ids.__class__ is dict \
            and platform_ids.__class__ is dict and seen.__class__ is dict:
        return _speedups.deployment_ids(  # type: ignore[no-any-return]
            items, algorithm_ids, platform_ids, seen)
    return deployment_ids_py(items, algorithm_ids, platform_ids, seen)


def deployment_ids_py(items: Sequence[Any], algorithm_ids: Mapping[str, str],
                      platform_ids: Mapping[str, str], seen: Positions,
                      ) -> DeploymentIds | None:
    """The Python twin of :func:`deployment_ids`: a pass per column at C speed (the
    ids as given are let go before the next column is read)."""
    if not set(map(type, items)) <= _DICT:
        return None
    try:
        algs = _spelled(items, _GET_ALGORITHM, algorithm_ids)
        plats = _spelled(items, _GET_PLATFORM, platform_ids)
        if algs is None or plats is None or positions(algs, plats, (), seen) is None:
            return None
    except (KeyError, TypeError):
        return None
    return algs, plats, set(map(len, items)) <= {2}


def _spelled(items: Sequence[Any], get: Callable[[Any], Any],
             canonical: Mapping[str, str]) -> tuple[str, ...] | None:
    """The id ``get`` reads off each row, as its entry spells it; None where one is not
    text, KeyError where one is unknown."""
    named = list(map(get, items))
    if not set(map(type, named)) <= _TEXT:
        return None
    return tuple(map(canonical.__getitem__, named))  # a tuple: the column kept


def filing_rows(items: Sequence[Any], algorithms: Sequence[str],
                platform_ids: Mapping[str, str], at: Positions) -> array[int] | None:
    """The deployment row (in ``at``, the deployments' :data:`Positions`) of each
    filing's (algorithm, platform): ``algorithms`` are the algorithms the filings name,
    as given, and each filing's ``platform`` is read here (``platform_ids``: id -> the
    id as its entry spells it); -1 where there is no such deployment. None where a
    filing is not a dict, its ``platform`` is missing or not text, or an algorithm is
    not text."""
    if _speedups is not None and at.__class__ is dict and algorithms.__class__ is tuple \
            and platform_ids.__class__ is dict:
        found = _speedups.filing_rows(items, algorithms, platform_ids, at)
        if found is None:
            return None
        where: array[int] = array("q")
        where.frombytes(found)
        return where
    return filing_rows_py(items, algorithms, platform_ids, at)


def filing_rows_py(items: Sequence[Any], algorithms: Sequence[str],
                   platform_ids: Mapping[str, str], at: Positions) -> array[int] | None:
    """The Python twin of :func:`filing_rows`: a few thousand filings at a time, so
    that each platform id is read, looked up and checked to be text while it is in the
    processor's cache (the filings are in no order, and each id read is a read from
    memory); no list of a number per filing is held at once. ``platform_ids`` is not
    needed: the tables' keys are known platforms, so an unknown one is in none."""
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


#: filings looked up at a time (:func:`filing_rows_py`)
_FEW: Final = 4096
