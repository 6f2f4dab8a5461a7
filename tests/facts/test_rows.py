"""Rows (entities kept as columns, built when read) stand for the tuple of the
entities built at once: the lazy twin of ``bulk.build_rows``."""

from __future__ import annotations

import datetime as dt
import gc
import pickle
import weakref
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policy_sdk.facts.bulk import POSITIONS, build_rows
from policy_sdk.facts.load import load_facts
from policy_sdk.facts.model import Deployment, Filing
from policy_sdk.facts.rows import ById, Rows, Singles, Through, by_id, column

_DEPLOYMENTS = st.lists(st.tuples(st.text(max_size=3), st.text(max_size=3),
                                  st.sampled_from(["active", "paused", "stopped"]),
                                  st.none() | st.dates(), st.none() | st.dates()), max_size=12)


def _columns(rows: list[tuple[object, ...]], width: int) -> list[list[object]]:
    return [list(c) for c in zip(*rows, strict=True)] if rows else [[] for _ in range(width)]


@given(rows=_DEPLOYMENTS, reads=st.lists(st.integers(-15, 15), max_size=8))
def test_rows_stand_for_the_tuple_built_at_once(
    rows: list[tuple[str, str, str, dt.date | None, dt.date | None]], reads: list[int]
) -> None:
    columns = _columns(list(rows), 5)
    lazy = Rows(Deployment, columns)
    eager = tuple(build_rows(Deployment, columns))
    assert eager == tuple(Deployment(*r) for r in rows)
    seen = {}
    for i in reads:  # some rows read one by one first, in any order
        if -len(rows) <= i < len(rows):
            seen[i % len(rows)] = lazy[i]
            assert lazy[i] == eager[i]
            assert lazy[i] is seen[i % len(rows)]
        else:
            with pytest.raises(IndexError):
                lazy[i]
    assert len(lazy) == len(eager)
    assert lazy == eager
    assert eager == lazy
    assert lazy != (*eager, Deployment("x", "y"))
    assert lazy[1:3] == eager[1:3]
    assert isinstance(lazy[1:3], tuple)
    assert list(lazy) == list(eager)
    assert list(reversed(lazy)) == list(reversed(eager))
    assert all(lazy[i] is r for i, r in seen.items())  # read before: the same object
    assert all(lazy[i] is r for i, r in enumerate(lazy))
    assert lazy + () == eager  # noqa: RUF005 (the operator is what is tested)
    assert () + lazy == eager  # noqa: RUF005
    assert pickle.loads(pickle.dumps(lazy)) == eager
    assert type(pickle.loads(pickle.dumps(lazy))) is tuple
    assert repr(lazy) == repr(eager)
    assert list(column(lazy, "platform")) == [d.platform for d in eager]
    assert column(eager, "status") == [d.status for d in eager]
    if rows:
        assert eager[0] in lazy
        assert lazy.index(eager[-1]) == eager.index(eager[-1])


def test_rows_refuse_ragged_columns() -> None:
    with pytest.raises(ValueError, match="different lengths"):
        Rows(Deployment, [["a"], ["p", "q"], ["active"], [None], [None]])
    with pytest.raises(ValueError, match="one per attribute"):
        Rows(Deployment, [["a"], ["p"]])


def test_by_id_looks_up_without_building_the_others() -> None:
    numbers = ["n1", "n2", "n3"]
    rows = Rows(Filing, [numbers, ["a"] * 3, [("p",)] * 3, ["active"] * 3, [None] * 3,
                         [False] * 3])
    by_number = ById(numbers, rows)
    assert by_number["n2"] == Filing("n2", "a", ("p",))
    assert "n3" in by_number
    assert "n4" not in by_number
    assert list(by_number) == numbers
    assert len(by_number) == 3
    assert by_number["n2"] is rows[1]
    assert dict(by_number) == {n: Filing(n, "a", ("p",)) for n in numbers}
    assert list(by_number.values()) == list(rows)
    assert list(by_number.items()) == list(zip(numbers, rows, strict=True))
    assert by_id(rows, "number") == by_number
    assert isinstance(by_id(rows, "number"), ById)
    assert by_id(tuple(rows), "number") == {n: rows[i] for i, n in enumerate(numbers)}
    canonical = by_number.canonical()
    assert canonical == {n: n for n in numbers}
    assert by_number.canonical() is canonical  # built once
    assert all(canonical[n] is numbers[i] for i, n in enumerate(numbers))
    assert rows.by("number") is rows.by("number")  # one per rows and key
    assert rows.by("number") == by_number
    with pytest.raises(ValueError, match="as many ids"):
        ById(numbers[:2], rows)


def test_a_column_of_single_platforms_reads_as_one_item_tuples() -> None:
    from policy_sdk.facts.rows import Singles

    column = Singles(("p", "q", "p"))
    assert len(column) == 3
    assert column[1] == ("q",)
    assert column[-1] == ("p",)
    assert column[0:2] == (("p",), ("q",))
    assert list(column) == [("p",), ("q",), ("p",)]
    assert column == (("p",), ("q",), ("p",))
    assert column != (("p",),)
    assert hash(column) == hash((("p",), ("q",), ("p",)))


def test_a_column_of_one_value_reads_as_that_many() -> None:
    from policy_sdk.facts.rows import Same

    column = Same(None, 3)
    assert len(column) == 3
    assert column[0] is None
    assert column[-3] is None
    for bad in (3, -4):
        with pytest.raises(IndexError):
            column[bad]
    assert column[1:] == (None, None)
    assert list(column) == [None, None, None]
    assert column.count(None) == 3
    assert column.count("active") == 0
    assert None in column
    assert "x" not in column
    assert column == (None, None, None)
    assert column != (None, None)
    assert column != (None, None, 0)
    assert hash(column) == hash((None, None, None))
    assert Same("active", 0).count("active") == 0


def _document(n: int) -> dict[str, Any]:
    return {
        "organization": {"name": "o"},
        "algorithms": [{"id": f"a{i}", "uses_recommendation": True} for i in range(n)],
        "platforms": [{"id": f"p{i}", "type": "app"} for i in range(n)],
        "deployments": [{"algorithm": f"a{i}", "platform": f"p{j}"}
                        for i in range(n) for j in range(n)],
        "filings": [{"number": f"网信算备{i:021d}号", "algorithm": f"a{i}", "platform": f"p{i}"}
                    for i in range(n)],
    }


def test_loaded_facts_are_let_go_without_the_cyclic_collector() -> None:
    """Nothing the bulk path builds refers back to itself: facts a host lets go are
    freed at once, not when a full collection comes (a million rows would stay)."""
    gc.collect()
    gc.disable()
    try:
        facts = load_facts(_document(4))
        sections = [facts.algorithms, facts.platforms, facts.deployments, facts.filings]
        assert all(isinstance(rows, Rows) for rows in sections)
        assert by_id(facts.platforms)["p2"].id == "p2"  # indexes built and kept
        assert by_id(facts.filings, "number")[f"网信算备{1:021d}号"].algorithm == "a1"
        gone = [weakref.ref(rows) for rows in sections]
        del facts, sections
        assert [ref() for ref in gone] == [None] * 4
    finally:
        gc.enable()


def test_a_mapping_by_id_made_again_reuses_the_index_of_the_last() -> None:
    rows = Rows(Filing, [["n1", "n2"], ["a"] * 2, [("p",)] * 2, ["active"] * 2, [None] * 2,
                         [False] * 2])
    first = rows.by("number")
    assert first["n2"] is rows[1]
    index = first._keyed.index
    assert index == {"n1": 0, "n2": 1}
    del first  # held weakly by the rows: gone
    again = rows.by("number")
    assert again._keyed.index is index


def test_the_deployments_positions_are_let_go_once_the_filings_have_read_them() -> None:
    facts = load_facts(_document(3))
    deployments = facts.deployments
    assert isinstance(deployments, Rows)
    assert deployments.kept(POSITIONS) is None  # the filings looked their rows up
    from policy_sdk.engine import columns

    unfiled = columns.unfiled_by_filings(deployments, None, tuple(facts.filings),
                                         False)  # a tuple: built again, and kept
    assert unfiled == [i for i, d in enumerate(deployments) if d.algorithm[1:] != d.platform[1:]]
    assert deployments.kept(POSITIONS) is not None
    assert unfiled == columns.unfiled_by_filings(deployments, None, facts.filings, False)


@given(source=st.lists(st.text(max_size=2), min_size=1, max_size=6),
       picks=st.lists(st.integers(-1, 5), max_size=10),
       reads=st.lists(st.integers(-12, 12), max_size=6), whole_first=st.booleans())
def test_a_column_read_through_another_stands_for_the_tuple_it_reads(
    source: list[str], picks: list[int], reads: list[int], whole_first: bool
) -> None:
    at = [k if k < len(source) else -1 for k in picks]
    own = {i: f"own{i}" for i, k in enumerate(at) if k < 0}
    expected = tuple(source[k] if k >= 0 else own[i] for i, k in enumerate(at))
    column = Through(tuple(source), at, own)
    if whole_first:  # made whole first, or read row by row before
        assert tuple(column) == expected
    for i in reads:  # row by row, negative indexes too; out of range as a tuple is
        if -len(expected) <= i < len(expected):
            assert column[i] == expected[i]
        else:
            with pytest.raises(IndexError):
                column[i]
    assert len(column) == len(expected)
    assert column == expected
    assert column[1:3] == expected[1:3]
    assert list(column) == list(expected)
    assert [column.count(v) for v in source] == [expected.count(v) for v in source]
    assert all(v in column for v in expected)
    assert pickle.loads(pickle.dumps(column)) == expected


def test_the_filings_ids_are_read_through_their_deployments_as_the_entries_spell_them() -> None:
    document = _document(3)
    document["filings"] = [
        *document["filings"],
        {"number": f"网信算备{9:021d}号", "algorithm": "a0", "platform": "p2",
         "status": "cancelled"},  # a pair deployed
    ]
    document["deployments"] = [d for d in document["deployments"]
                               if (d["algorithm"], d["platform"]) != ("a1", "p1")]
    facts = load_facts(document)
    filings = facts.filings
    assert isinstance(filings, Rows)
    platforms = filings.column("platforms")
    assert isinstance(platforms, Singles)
    assert isinstance(platforms.values, Through)
    assert [(f.algorithm, f.platforms) for f in filings] == [
        ("a0", ("p0",)), ("a1", ("p1",)), ("a2", ("p2",)), ("a0", ("p2",))]
    by_platform = {p.id: p.id for p in facts.platforms}
    assert all(f.platforms[0] is by_platform[f.platforms[0]] for f in filings)
