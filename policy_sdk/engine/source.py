"""An engine report's source of findings (:class:`~policy_sdk.engine.report.FindingSource`).

:class:`EngineFindings` counts from the rules' outcomes without making a finding, and
selects findings by status, severity and rule: it puts them in the report's order
(:func:`~policy_sdk.engine.finding.order_key` of their scope keys) before any is made,
then a :class:`~policy_sdk.engine.explain.FindingMaker` makes each one as the selection
is iterated — as a :class:`~policy_sdk.engine.finding.Finding`, or as a row of values
for the JSON writer.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from itertools import groupby, repeat
from operator import add, mul
from typing import Any, Final, cast, overload

from policy_sdk.engine.context import Context
from policy_sdk.engine.explain import FindingMaker
from policy_sdk.engine.finding import STATUSES, Finding, Status
from policy_sdk.engine.rules import Outcome
from policy_sdk.facts.rows import StandsForTuple
from policy_sdk.facts.schema import Schema

__all__ = ["EngineFindings", "Selection"]


class EngineFindings:
    """An engine report's findings (a :class:`~policy_sdk.engine.report.FindingSource`):
    exact counts from the rules' outcomes, and the findings of some statuses (of a
    severity, a rule) put in the report's order (:func:`order_key` of their keys)
    before any is made, then made as they are iterated."""

    __slots__ = ("_ctx", "_language", "_lock", "_makers", "_outcomes", "_schema")

    def __init__(self, outcomes: Sequence[Outcome], ctx: Context, schema: Schema) -> None:
        from policy_sdk.i18n import get_language

        #: the evaluation's language: the findings' texts are written in it when made
        self._language = get_language()
        self._outcomes = tuple(outcomes)
        self._ctx = ctx
        self._schema = schema
        self._makers: list[FindingMaker] | None = None
        self._lock = threading.Lock()

    def counts(self) -> dict[str, int]:
        total: dict[str, int] = {s: 0 for s in STATUSES}
        for outcome in self._outcomes:
            for status, n in outcome.counts().items():
                total[status] += n
        return total

    def count(self, statuses: frozenset[str], severity: str | None, rule: str | None) -> int:
        return sum(
            n for outcome in self._outcomes
            if (severity is None or outcome.rule.severity == severity)
            and (rule is None or outcome.rule.id == rule)
            for status, n in outcome.counts().items() if status in statuses)

    def makers(self) -> list[FindingMaker]:
        """One finding maker per outcome, made at most once."""
        makers = self._makers
        if makers is None:
            with self._lock:
                makers = self._makers
                if makers is None:
                    makers = self._makers = [
                        FindingMaker(o, self._ctx, self._schema, self._language)
                        for o in self._outcomes]
        return makers

    def select(self, statuses: frozenset[str], severity: str | None,
               rule: str | None) -> Selection:
        return Selection(self._outcomes, self.makers(), statuses, severity, rule,
                         self._ranks)

    def _ranks(self, maker: FindingMaker, items: Sequence[Any]) -> Sequence[int]:
        """:func:`key_ranks` of a scope's ``items`` (once per evaluation and items)."""
        # kept beside the items: while the entry lives, no other object has their id
        kept: tuple[Sequence[Any], Sequence[int]] = self._ctx.memo(
            ("key_ranks", id(items)), lambda: (items, key_ranks(maker, len(items))))
        return kept[1]

    def build(self, statuses: Sequence[str]) -> list[Finding]:
        """Findings of ``statuses``, rule by rule, unsorted (the slow twin of
        :meth:`select`: tests sort these by the report's key and compare)."""
        out: list[Finding] = []
        wanted = set(statuses)
        for outcome, make in zip(self._outcomes, self.makers(), strict=True):
            out.extend([make(i, s) for i, s in outcome.with_statuses(wanted)])  # type: ignore[arg-type]
        return out


class Selection(StandsForTuple, Sequence[Finding]):
    """Findings of some statuses (and severity, and rule), sorted, made as read.

    Sorted as parallel lists (a key text per finding, no tuple): a large selection
    adds no container per finding for the cyclic collector to walk. The key joins
    :func:`order_key`'s parts with NUL, which orders as the tuple does (NUL sorts first
    and is no character of facts text); a large selection is sorted by ranks of its
    scope's keys worked out once; ties keep the outcomes' order (a stable sort).

    It stands for the tuple of its findings (compares and hashes equal to it, slices
    into tuples, pickles as one) but keeps none of them: iterating makes them a
    hundred at a time, rule by rule and column by column
    (:meth:`FindingMaker.many`), and reading one makes it anew (an equal finding each
    time). A million findings read once and let go cost no memory, and leave nothing
    for the cyclic collector to walk again and again. :meth:`rows` makes one row at a
    time for the JSON writer.
    """

    __slots__ = ("_indexes", "_makers", "_order", "_statuses")

    def __init__(self, outcomes: Sequence[Outcome], makers: Sequence[FindingMaker],
                 statuses: frozenset[str], severity: str | None, rule: str | None,
                 ranks: Callable[[FindingMaker, Sequence[Any]], Sequence[int]] | None = None,
                 ) -> None:
        self._makers: list[FindingMaker] = []
        self._indexes: list[int] = []
        self._statuses: list[Status] = []
        self._order: list[int] = []
        wanted = set(statuses)
        chosen = [
            (outcome, maker) for outcome, maker in zip(outcomes, makers, strict=True)
            if (severity is None or maker.severity == severity)
            and (rule is None or outcome.rule.id == rule)]
        # the order's first part is the rule: rule by rule (rule ids are unique), each
        # rule's findings sorted by the rest of order_key
        for outcome, maker in sorted(chosen, key=lambda pair: pair[0].rule.id):
            indexes, found = outcome.selected(wanted)
            if not indexes:
                continue
            start = len(self._indexes)
            self._order.extend(map(start.__add__, _rule_order(
                maker, indexes, found, outcome.items,
                ranks if ranks is not None and len(outcome.items) >= _RANKED_FROM
                and len(indexes) * _RANKED >= len(outcome.items) else None)))
            self._indexes.extend(indexes)
            self._statuses.extend(cast("list[Status]", found))
            self._makers.extend([maker] * len(indexes))

    def __len__(self) -> int:
        return len(self._order)

    @overload
    def __getitem__(self, index: int) -> Finding: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Finding, ...]: ...

    def __getitem__(self, index: int | slice) -> Finding | tuple[Finding, ...]:
        if isinstance(index, slice):
            return tuple(self._made(self._order[index]))
        k = self._order[index]
        return self._makers[k](self._indexes[k], self._statuses[k])

    def __iter__(self) -> Iterator[Finding]:
        order = self._order
        for start in range(0, len(order), _CHUNK):
            yield from self._made(order[start:start + _CHUNK])

    def _made(self, ks: Sequence[int]) -> list[Finding]:
        """The findings at ``ks`` (positions in the lists), made run by run of one rule
        (:meth:`FindingMaker.many`; its slow twin is making each with its maker)."""
        made: list[Finding] = []
        indexes, statuses = self._indexes, self._statuses
        for maker, run in groupby(ks, self._makers.__getitem__):
            at = list(run)
            made.extend(maker.many(list(map(indexes.__getitem__, at)),
                                   list(map(statuses.__getitem__, at))))
        return made

    def findings(self) -> list[Finding]:
        """Every finding of the selection, in order, made at once."""
        return self._made(self._order)

    def rows(self) -> Iterator[tuple[Any, ...]]:
        makers, indexes, statuses = self._makers, self._indexes, self._statuses
        for k in self._order:
            yield makers[k].row(indexes[k], statuses[k])

    def runs(self) -> Iterator[tuple[FindingMaker, list[int], list[Status]]]:
        """The selection in order as runs of findings made by one maker: (the maker,
        the findings' indexes, their statuses) — for writers that make a run at once."""
        indexes, statuses = self._indexes.__getitem__, self._statuses.__getitem__
        for maker, run in groupby(self._order, self._makers.__getitem__):
            at = list(run)
            yield maker, list(map(indexes, at)), list(map(statuses, at))

    def _tuple(self) -> tuple[Finding, ...]:
        return tuple(self)


#: findings made at a time while a selection is iterated: fewer than the collector's
#: allocation threshold (700), so a reader that lets each go leaves no batch alive to be
#: promoted to the old generation (4,096 at a time cost three full collections at 1M
#: deployments, each walking every object of the process)
_CHUNK = 128


#: a rule's findings are ordered by the ranks of their scope keys (worked out once
#: for all items of the scope) when they are at least 1/_RANKED of its items; else by
#: the texts of their own keys
_RANKED = 4
#: … and their scope has at least this many items (a small scope's findings sort their
#: own few key texts faster than the whole scope's keys are ranked: measured with
#: ``benchmarks/api_bench.py --only small``)
_RANKED_FROM = 1024
#: the statuses' codes in text order (the last part of order_key)
_STATUS_CODE: Final[dict[str, int]] = {s: i for i, s in enumerate(sorted(STATUSES))}


def _rule_order(maker: FindingMaker, indexes: Sequence[int], found: Sequence[str],
                items: Sequence[Any],
                ranks: Callable[[FindingMaker, Sequence[Any]], Sequence[int]] | None,
                ) -> list[int]:
    """Positions 0..n-1 of one rule's findings (``indexes`` with statuses ``found``) in
    :func:`order_key` order (the rule aside); ties keep their order (a stable sort)."""
    n = len(indexes)
    if ranks is not None:  # one number per finding: the key's rank, then the status
        rank = ranks(maker, items)
        keyed = list(map(add, map(mul, map(rank.__getitem__, indexes), repeat(8)),
                         map(_STATUS_CODE.__getitem__, found)))
        return sorted(range(n), key=keyed.__getitem__)
    columns = maker.key_columns(indexes)
    # order_key's parts joined: (algorithm or "", platform or "", filing or "", status)
    # (one sort of one text per finding: measured faster than a stable sort per part)
    keys = list(map("\x00".join, zip(*map(_texts, columns), found, strict=True)))
    if sum(map(str.count, keys, repeat("\x00"))) != 3 * n:  # a NUL in an id: by tuples
        parts = list(zip(*map(_texts, columns), found, strict=True))
        return sorted(range(n), key=parts.__getitem__)
    return sorted(range(n), key=keys.__getitem__)


def key_ranks(maker: FindingMaker, n: int) -> list[int]:
    """For each of a scope's ``n`` items, a number that orders the items as their
    :func:`order_key` parts (algorithm, platform, filing; a missing part first) do:
    each part's rank among the part's texts, combined."""
    combined: list[int] = [0] * n
    for column in maker.key_columns(range(n)):
        texts = _texts(column)
        rank = {text: i for i, text in enumerate(sorted(set(texts)))}
        width = len(rank)
        combined = list(map(add, map(mul, combined, repeat(width)),
                            map(rank.__getitem__, texts)))
    return combined


def _texts(column: Sequence[str | None]) -> Sequence[str]:
    """``column`` with None read as the empty text (:func:`order_key`)."""
    if None not in column:
        return cast("Sequence[str]", column)
    return [x or "" for x in column]
