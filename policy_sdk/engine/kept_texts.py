"""Texts of findings kept between reports: a function of the values they are keyed by.

A report words its findings with texts made once per algorithm (the note on reusable
materials of a missing filing, the text around a platform's name in a line) or per
deadline (the line saying how a due day was counted). Each is a function of a few
values — the translated template, the algorithm and its filed platforms, the start
and due days, the as-of day — so a report on the same or a similar company (an
embedder evaluating a company per request) finds it already made.

A table belongs to an *owner* key holding every template text and fixed value the
texts are made from; an entry's key holds the rest. The slow twin is making the text
again (what a report does with emptied tables: property-tested in
``tests/engine/test_setup_caches.py``). Dict operations only: safe between threads
(racing threads store equal texts); bounded (callers add no entry to a table of
``BOUND`` entries; a full table, or all of them past ``_OWNERS`` tables, is let go when
next asked for, and filled again).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

__all__ = ["BOUND", "kept_for", "kept_table"]

T = TypeVar("T")

#: owner -> key -> text
_KEPT: dict[Hashable, dict[Hashable, Any]] = {}
#: entries kept per table (a caller adds none past it), and tables kept: at most
#: 32 × 2,048 texts (a few megabytes: a deadline line is ~150 characters, the note on
#: reusable materials ~700, and one table per rule, language and as-of day)
BOUND = 2048
_OWNERS = 32


def kept_table(owner: Hashable) -> dict[Hashable, Any]:
    """The table of texts made from ``owner``'s templates and values (empty at first)."""
    table = _KEPT.get(owner)
    if table is None:
        if len(_KEPT) >= _OWNERS:
            _KEPT.clear()
        table = _KEPT.setdefault(owner, {})
    elif len(table) >= BOUND:
        table.clear()
    return table


def kept_for(table: dict[int, tuple[Any, dict[str, T]]], owner: object, language: str,
             make: Callable[[], T], bound: int) -> T:
    """``make()`` kept in ``table`` for the object ``owner`` (by identity, while that
    very object is the one kept under its id) and ``language``; the table is let go
    past ``bound`` owners. Dict operations only: racing threads store equal values."""
    entry = table.get(id(owner))
    if entry is None or entry[0] is not owner:
        if len(table) > bound:
            table.clear()
        entry = table[id(owner)] = (owner, {})
    found = entry[1].get(language)
    if found is None:
        found = entry[1][language] = make()
    return found
