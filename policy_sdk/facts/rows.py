"""Entities kept as columns and built when read: the bulk path's result.

A large facts document is read into a million deployments, half a million filings …
Building them all as objects costs more than everything else the loader does, and
Python's cyclic garbage collector walks every one of them again and again while more
are built (plain lists of text and numbers it never walks). Most callers read only a
few: an evaluation reads the columns it needs, and a report the rows that violate.

:class:`Rows` is an immutable sequence of entities that holds one column per
attribute and builds an entity the first time it is read, always the same object for
the same row. It stands for the tuple of its entities: it compares and hashes equal to
it, slices into tuples and pickles as one. :class:`ById` is the mapping id -> entity
over such rows.

:func:`policy_sdk.facts.bulk.build_rows` builds all rows at once; the two are
property-tested to agree (``tests/facts/test_rows.py``).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator, KeysView, Mapping, Sequence
from itertools import repeat
from typing import Any, Final, Generic, TypeVar, overload

import attrs

from policy_sdk.facts.model import NO_EXTRA

__all__ = ["ById", "Rows", "Same", "Singles", "StandsForTuple", "Through", "by_id", "column"]

T = TypeVar("T")


class StandsForTuple:
    """A sequence that stands for the tuple of its items, whatever it keeps: it compares
    (to a tuple or another such sequence) and hashes as that tuple, adds to tuples,
    shows as it and pickles as one. ``_tuple()`` gives the tuple."""

    __slots__ = ()

    def _tuple(self) -> tuple[Any, ...]:
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        if isinstance(other, StandsForTuple | tuple):  # lengths first: nothing made
            return len(self) == len(other) and self._tuple() == tuple(other)  # type: ignore[arg-type]
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash(self._tuple())

    def __add__(self, other: object) -> tuple[Any, ...]:
        if isinstance(other, StandsForTuple | tuple):
            return self._tuple() + tuple(other)  # type: ignore[arg-type]
        return NotImplemented

    def __radd__(self, other: object) -> tuple[Any, ...]:
        if isinstance(other, tuple):
            return other + self._tuple()
        return NotImplemented

    def __repr__(self) -> str:
        return repr(self._tuple())

    def __reduce__(self) -> tuple[Any, ...]:
        return (tuple, (self._tuple(),))  # pickled as the tuple it stands for


class Rows(StandsForTuple, Sequence[T], Generic[T]):
    """The entities of class ``cls`` (a frozen, slotted attrs class whose last
    attribute is ``extra``) from ``columns``: one sequence of already validated values
    per attribute before ``extra``, in declaration order; ``extra`` is empty on every
    row."""

    __slots__ = ("__weakref__", "_all", "_built", "_by", "_cls", "_columns", "_kept",
                 "_lock", "_names", "_setters")

    def __init__(self, cls: type[T], columns: Sequence[Sequence[Any]]) -> None:
        names = tuple(f.name for f in attrs.fields(cls))  # type: ignore[arg-type]
        n = len(columns[0]) if columns else 0
        if names[-1:] != ("extra",) or len(columns) != len(names) - 1 \
                or any(len(c) != n for c in columns):
            raise ValueError("columns of different lengths, or not one per attribute")
        self._cls = cls
        self._names = names[:-1]
        # the slots' own setters (the class is frozen: its __setattr__ refuses)
        self._setters = tuple(cls.__dict__[name].__set__ for name in names)
        # tuples of text, dates and numbers: the cyclic collector stops tracking them
        # after its first look, where it would read a list's million items on every
        # full collection
        self._columns = tuple(c if c.__class__ in _KEPT_AS_GIVEN else tuple(c) for c in columns)
        self._built: dict[int, T] = {}
        # key -> (the ById last made, weakly: it refers to these rows, and a cycle would
        # keep a million rows alive until a full collection; the indexes it built)
        self._by: dict[str, tuple[weakref.ref[ById[T]], _Keyed]] = {}
        self._all: tuple[T, ...] | None = None
        self._kept: dict[str, Any] = {}
        self._lock = threading.Lock()

    def kept(self, name: str) -> Any:
        """The index ``name`` kept with these rows (:meth:`keep`), or None."""
        return self._kept.get(name)

    def keep(self, name: str, value: Any) -> Any:
        """Keep the index ``name``, built from these very rows (immutable, like them),
        and give back the one kept (the first, when threads race)."""
        return self._kept.setdefault(name, value)

    def forget(self, name: str) -> None:
        """Let the index ``name`` go (:meth:`keep`): its user has what it needed; it
        is built anew if asked for again."""
        self._kept.pop(name, None)

    def by(self, key: str, canonical: dict[str, str] | None = None) -> ById[T]:
        """The rows by their attribute ``key`` (unique: the loader checked); its indexes
        are built once; ``canonical``: the table key -> the row's key object, if already
        made. The same mapping while one is held (these rows keep it weakly)."""
        with self._lock:
            ref, keyed = self._by.get(key) or (None, _Keyed(canonical))
            found = ref() if ref is not None else None
            if found is None:
                found = ById(self.column(key), self, keyed=keyed)
                self._by[key] = (weakref.ref(found), keyed)
        return found

    def column(self, name: str) -> Sequence[Any]:
        """The values of attribute ``name``, row by row (read-only)."""
        return self._columns[self._names.index(name)]

    def __len__(self) -> int:
        return len(self._columns[0]) if self._columns else 0

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[T, ...]: ...

    def __getitem__(self, index: int | slice) -> T | tuple[T, ...]:
        if self._all is not None:
            return self._all[index]
        if isinstance(index, slice):
            return self.all()[index]
        n = len(self)
        i = index.__index__()
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError("index out of range")
        found = self._built.get(i)
        if found is None:
            if len(self._built) * 4 > n:  # a quarter read one by one: build the rest at once
                return self.all()[i]
            # setdefault is atomic: two threads reading the row get the same object
            found = self._built.setdefault(i, self._make(i))
            if self._all is not None:  # built all at once meanwhile
                return self._all[i]
        return found

    def _make(self, i: int) -> T:
        row: T = object.__new__(self._cls)
        for put, values in zip(self._setters, self._columns, strict=False):
            put(row, values[i])
        self._setters[-1](row, NO_EXTRA)
        return row

    def all(self) -> tuple[T, ...]:
        """Every entity, as a tuple (built once; rows read before keep their object)."""
        found = self._all
        if found is None:
            from policy_sdk.facts.bulk import build_rows

            with self._lock:
                found = self._all
                if found is None:
                    rows = build_rows(self._cls, self._columns)
                    for i, row in list(self._built.items()):
                        rows[i] = row
                    found = self._all = tuple(rows)
                    self._built = {}
        return found

    def __iter__(self) -> Iterator[T]:
        return iter(self.all())

    def __reversed__(self) -> Iterator[T]:
        return reversed(self.all())

    def __contains__(self, value: object) -> bool:
        return value in self.all()

    def _tuple(self) -> tuple[T, ...]:
        return self.all()


class Singles(Sequence[tuple[str]]):
    """A column of one-item tuples kept as the column of their items (the platforms of
    filings that name one platform each): ``(values[i],)`` is made when read."""

    __slots__ = ("values",)

    def __init__(self, values: Sequence[str]) -> None:
        self.values = values

    def __len__(self) -> int:
        return len(self.values)

    @overload
    def __getitem__(self, index: int) -> tuple[str]: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[tuple[str], ...]: ...

    def __getitem__(self, index: int | slice) -> tuple[str] | tuple[tuple[str], ...]:
        if isinstance(index, slice):
            return tuple(zip(self.values[index]))
        return (self.values[index],)

    def __iter__(self) -> Iterator[tuple[str]]:
        return zip(self.values)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence):
            return tuple(self) == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))


class Same(Sequence[T]):
    """A column of ``n`` times the same value (a key no row of a section has: every
    deployment ``active``, no filing dated): one value, not ``n`` references."""

    __slots__ = ("n", "value")

    def __init__(self, value: T, n: int) -> None:
        self.value = value
        self.n = n

    def __len__(self) -> int:
        return self.n

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[T, ...]: ...

    def __getitem__(self, index: int | slice) -> T | tuple[T, ...]:
        if isinstance(index, slice):
            return (self.value,) * len(range(self.n)[index])
        range(self.n)[index]  # IndexError out of range, TypeError for a non-index
        return self.value

    def __iter__(self) -> Iterator[T]:
        return repeat(self.value, self.n)

    def count(self, value: Any) -> int:
        return self.n if self.n and (value is self.value or value == self.value) else 0

    def __contains__(self, value: object) -> bool:
        return self.count(value) > 0

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence):
            return len(other) == self.n and all(v == self.value for v in other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))


class Through(StandsForTuple, Sequence[str]):
    """A column read through another: row ``i`` holds ``source[at[i]]``, or ``own[i]``
    where ``at[i]`` is -1 — the algorithm and platform ids of filings, read through the
    deployment each names (:data:`~policy_sdk.facts.bulk.DEPLOYMENT_AT`), so that no
    column of a filing's own ids is kept (nor walked by the cyclic collector). Made
    whole, as a tuple, the first time it is read whole."""

    __slots__ = ("_all", "_at", "_own", "_source")

    def __init__(self, source: Sequence[str], at: Sequence[int], own: Mapping[int, str],
                 ) -> None:
        self._source = source
        self._at = at
        self._own = own
        self._all: tuple[str, ...] | None = None

    def __len__(self) -> int:
        return len(self._at)

    def _tuple(self) -> tuple[str, ...]:
        found = self._all
        if found is None:
            source, own = self._source, self._own
            found = (tuple(map(source.__getitem__, self._at)) if not own else
                     tuple(source[k] if k >= 0 else own[i] for i, k in enumerate(self._at)))
            self._all = found
        return found

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[str, ...]: ...

    def __getitem__(self, index: int | slice) -> str | tuple[str, ...]:
        if isinstance(index, slice) or self._all is not None:
            return self._tuple()[index]
        k = self._at[index]
        return self._source[k] if k >= 0 else self._own[range(len(self._at))[index]]

    def __iter__(self) -> Iterator[str]:
        return iter(self._tuple())

    def count(self, value: Any) -> int:
        return self._tuple().count(value)

    def index(self, value: Any, start: int = 0, stop: int | None = None) -> int:
        return self._tuple().index(value, start, len(self) if stop is None else stop)

    def __contains__(self, value: object) -> bool:
        return value in self._tuple()


#: column classes a :class:`Rows` keeps as given (any other is copied into a tuple)
_KEPT_AS_GIVEN: Final = (tuple, Singles, Same, Through)


def column(rows: Sequence[Any], name: str) -> Sequence[Any]:
    """The values of attribute ``name`` of every entity of ``rows``: the column itself
    for :class:`Rows`, without building an entity; read entity by entity otherwise."""
    if isinstance(rows, Rows):
        return rows.column(name)
    return [getattr(r, name) for r in rows]


class ById(Mapping[str, T]):
    """id -> entity over :class:`Rows` (or a tuple), without building an entity to
    look one up. ``ids`` are the rows' keys, in order, each once. The index is built
    when first looked up (iterating needs none)."""

    __slots__ = ("__weakref__", "_ids", "_keyed", "rows")

    def __init__(self, ids: Sequence[str], rows: Sequence[T],
                 canonical: dict[str, str] | None = None, keyed: _Keyed | None = None,
                 ) -> None:
        keyed = keyed if keyed is not None else _Keyed(canonical)
        if len(ids) != len(rows) or (keyed.canonical is not None
                                     and len(keyed.canonical) != len(ids)):
            raise ValueError("as many ids as rows")
        self.rows = rows
        self._ids = ids
        self._keyed = keyed

    def _lookup(self) -> dict[str, int]:
        found = self._keyed.index
        if found is None:
            found = self._keyed.index = dict(zip(self._ids, range(len(self._ids)),
                                                 strict=True))
        return found

    def canonical(self) -> Mapping[str, str]:
        """id -> the id object of its row (built once)."""
        found = self._keyed.canonical
        if found is None:
            found = self._keyed.canonical = dict(zip(self._ids, self._ids, strict=True))
        return found

    def __getitem__(self, key: str) -> T:
        return self.rows[self._lookup()[key]]

    def __contains__(self, key: object) -> bool:
        keyed = self._keyed
        return key in (keyed.canonical if keyed.canonical is not None else self._lookup())

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def keys(self) -> Any:
        """The ids, in order (a view: membership through :meth:`__contains__`, no index
        built to list them)."""
        return _Ids(self)

    def values(self) -> Any:
        return self._all()  # every entity: built at once, not one by one

    def items(self) -> Any:
        return zip(self._ids, self._all(), strict=True)

    def _all(self) -> Sequence[T]:
        rows = self.rows
        return rows.all() if isinstance(rows, Rows) else rows


class _Keyed:
    """The indexes a :class:`ById` builds when first needed (id -> row, id -> the id
    object of its row), kept by its :class:`Rows` for the next one made over them."""

    __slots__ = ("canonical", "index")

    def __init__(self, canonical: dict[str, str] | None = None) -> None:
        self.canonical = canonical
        self.index: dict[str, int] | None = None


class _Ids(KeysView[str]):
    """The ids of a :class:`ById`, iterated at C speed."""

    def __init__(self, by: ById[Any]) -> None:
        super().__init__(by)
        self._by = by

    def __iter__(self) -> Iterator[str]:
        return iter(self._by)


def by_id(rows: Sequence[T], key: str = "id") -> Mapping[str, T]:
    """``rows`` by their attribute ``key``: a :class:`ById` over :class:`Rows` (no
    entity built until looked up; one per rows and key), a dict otherwise. Keys are
    unique (the loader checked)."""
    if isinstance(rows, Rows):
        return rows.by(key)
    return {getattr(r, key): r for r in rows}
