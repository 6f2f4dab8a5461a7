"""The loader's C part (policy_sdk/facts/_speedups.c) and its Python twins
(policy_sdk.facts.ids) give the same answers, refusals included; and the C part is
built (the test extras install the package with it).

The ids are drawn from a handful, so that the C part's own index of ids (a table of
at least 8 slots, one per hash) sees ids sharing a slot; rows are broken in every way
the passes must refuse."""

from __future__ import annotations

import os
import sys
from array import array
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policy_sdk.facts import ids, load_facts

try:
    from policy_sdk.facts import _speedups as compiled
except ImportError:  # not built: every test here fails saying how to build it (no skip)

    class _NotBuilt:
        def __getattr__(self, name: str) -> Any:
            if name.startswith("_"):  # what collecting asks of every module attribute
                raise AttributeError(name)
            pytest.fail("the loader's C part (policy_sdk/facts/_speedups.c) was not built: "
                        "install a C compiler and Python's headers (Debian: gcc "
                        "python3-dev), then install policy-sdk again (the install printed "
                        "why it could not build it)", pytrace=False)

    compiled = _NotBuilt()  # type: ignore[assignment]


class Text(str):
    """An id of another text type: both passes leave it to the row checks."""


_IDS = ["a", "b", "c", "app", "应用", "😀", "a\x00", "a" * 40, "b" * 40]
_id = st.sampled_from(_IDS)
_odd = st.sampled_from([None, 1, b"a", ["a"], Text("a"), Text("app")])


@st.composite
def _deployment(draw: st.DrawFn) -> Any:
    row: dict[str, Any] = {"algorithm": draw(_id), "platform": draw(_id)}
    kind = draw(st.sampled_from(["plain"] * 6 + ["extra", "odd", "missing", "not a dict"]))
    if kind == "extra":
        row["status"] = "active"
    elif kind == "odd":
        row[draw(st.sampled_from(["algorithm", "platform"]))] = draw(_odd)
    elif kind == "missing":
        del row[draw(st.sampled_from(["algorithm", "platform"]))]
    elif kind == "not a dict":
        return draw(st.sampled_from([None, [], ("a", "b"), "a"]))
    return row


_known = st.lists(_id, unique=True, max_size=6)


def _spelled(names: list[str]) -> dict[str, str]:
    # the ids as their entries spell them, each mapped to itself (as ById.canonical):
    # equal to the ids the rows give, not the same objects
    spelled = ["".join(list(name)) for name in names]
    return {name: name for name in spelled}


def _filings(pairs: list[tuple[Any, Any]]) -> tuple[list[Any], tuple[str, ...]]:
    """Filings naming each (algorithm, platform) of ``pairs``, and their algorithms."""
    return [{"platform": p} for _, p in pairs], tuple(a for a, _ in pairs)


def _c_rows(rows: list[Any], names: tuple[str, ...], pairs: Any) -> list[int] | None:
    where = array("q", [0]) * len(rows)
    if compiled.filing_rows(rows, names, pairs, where) is None:
        return None
    return list(where)


@given(rows=st.lists(_deployment(), max_size=12), algorithms=_known, platforms=_known,
       as_tuple=st.booleans())
def test_deployment_ids_agree(rows: list[Any], algorithms: list[str], platforms: list[str],
                              as_tuple: bool) -> None:
    algorithm_ids, platform_ids = _spelled(algorithms), _spelled(platforms)
    given_rows: Any = tuple(rows) if as_tuple else rows
    c = compiled.deployment_ids(given_rows, algorithm_ids, platform_ids)
    py = ids.deployment_ids_py(given_rows, algorithm_ids, platform_ids)
    if c is None:
        assert py is None
        return
    assert py is not None
    assert c[:3] == py[:3]
    # every id as its entry spells it: the very objects of the id tables
    assert all(a is algorithm_ids[a] for a in c[0])
    assert all(p is platform_ids[p] for p in c[1])
    assert [(a, p) for a, p in zip(c[0], c[1], strict=True)] == [
        (r["algorithm"], r["platform"]) for r in rows]
    # the same pairs: every (algorithm, platform) of the ids drawn finds the same row
    filings, names = _filings([(a, p) for a in _IDS for p in _IDS])
    assert _c_rows(filings, names, c[3]) == list(ids.filing_rows_py(filings, names, py[3]) or ())
    listed = {(r["algorithm"], r["platform"]): i for i, r in enumerate(rows)}
    assert _c_rows(filings, names, c[3]) == [
        listed.get((a, f["platform"]), -1) for a, f in zip(names, filings, strict=True)]


@given(deployments=st.lists(st.tuples(_id, _id), max_size=12, unique=True),
       algorithms=_known, platforms=_known, filings=st.lists(_deployment(), max_size=12))
def test_filing_rows_agree(deployments: list[tuple[str, str]], algorithms: list[str],
                           platforms: list[str], filings: list[Any]) -> None:
    algorithm_ids, platform_ids = _spelled(algorithms), _spelled(platforms)
    known = [{"algorithm": a, "platform": p} for a, p in deployments
             if a in algorithm_ids and p in platform_ids]
    c = compiled.deployment_ids(known, algorithm_ids, platform_ids)
    py = ids.deployment_ids_py(known, algorithm_ids, platform_ids)
    assert c is not None
    assert py is not None
    # the algorithm each filing names, as given (text; other types are refused first)
    names = tuple(_algorithm_of(r) for r in filings)
    found = _c_rows(filings, names, c[3])
    twin = ids.filing_rows_py(filings, names, py[3])
    if found is None:
        assert twin is None
        return
    assert twin is not None
    assert found == list(twin)
    # and what they say: row_of, one filing at a time
    assert found == [
        -1 if (r := ids.row_of(py[3], a, row["platform"])) is None else r
        for a, row in zip(names, filings, strict=True)]


def _algorithm_of(row: Any) -> str:
    named = row.get("algorithm") if isinstance(row, dict) else None
    return named if named.__class__ is str else "x"


def test_an_algorithm_of_another_text_type_is_refused_by_both() -> None:
    rows = [{"platform": "p"}]
    known = {"a": "a"}, {"p": "p"}
    c = compiled.deployment_ids([{"algorithm": "a", "platform": "p"}], *known)
    py = ids.deployment_ids_py([{"algorithm": "a", "platform": "p"}], *known)
    assert c is not None
    assert py is not None
    assert _c_rows(rows, (Text("a"),), c[3]) is None
    assert ids.filing_rows_py(rows, (Text("a"),), py[3]) is None
    assert _c_rows(rows, ("a",), c[3]) == [0]


def test_id_tables_the_index_cannot_take_are_refused_not_misread() -> None:
    # the C part's index takes exact text, each id mapped to itself; a table otherwise
    # is refused (the row checker then takes the section), never answered wrongly
    rows = [{"algorithm": "a", "platform": "p"}]
    tables: list[tuple[dict[str, str], dict[str, str]]] = [
        ({Text("a"): "a"}, {"p": "p"}), ({"a": "a"}, {"p": "p" * 2})]
    for algorithm_ids, platform_ids in tables:
        assert compiled.deployment_ids(rows, algorithm_ids, platform_ids) is None
        assert ids.deployment_ids_py(rows, algorithm_ids, platform_ids) is None


class _Asked:
    """A key of another type that hashes as `algorithm` and `platform` do and counts the
    times it is compared: a lookup would ask it (and could run any code)."""

    asked = 0

    def __init__(self, like: str) -> None:
        self.like = like

    def __hash__(self) -> int:
        return hash(self.like)

    def __eq__(self, other: object) -> bool:
        _Asked.asked += 1
        return False


def test_a_rows_keys_are_compared_as_text_and_no_other_key_is_asked() -> None:
    deployments: list[Any] = [{_Asked("algorithm"): 1, _Asked("platform"): 2,
                               "algorithm": "a", "platform": "p"}]
    filings: list[Any] = [{_Asked("platform"): 1, "platform": "p"}]
    _Asked.asked = 0  # (making the dicts asked them)
    found = compiled.deployment_ids(deployments, {"a": "a"}, {"p": "p"})
    assert found is not None
    assert found[2] is False  # not two keys: the caller then reads the rows' keys
    assert _c_rows(filings, ("a",), found[3]) == [0]
    assert _Asked.asked == 0


@given(st.lists(_id | st.text(max_size=3), max_size=30))
def test_distinct_agrees(texts: list[str]) -> None:
    assert compiled.distinct(tuple(texts)) is ids.distinct_py(texts)
    # and what both say, text by text
    assert ids.distinct_py(texts) is not any(
        texts[i] == texts[j] for i in range(len(texts)) for j in range(i))


def test_distinct_refuses_other_types() -> None:
    with pytest.raises(TypeError):
        compiled.distinct(("a", Text("b")))


def test_the_compiled_part_runs_unless_asked_not_to() -> None:
    # the suite runs on an install built with a C compiler (the test extras' install);
    # POLICY_SDK_PURE=1 runs the Python twins instead
    assert ids.COMPILED is (os.environ.get("POLICY_SDK_PURE") != "1")


def _document(n: int) -> dict[str, Any]:
    algorithms = [{"id": f"alg-{i}", "uses_recommendation": i % 3 != 0} for i in range(n)]
    platforms = [{"id": f"p-{i}", "type": "app"} for i in range(n + 3)]
    deployments = [{"algorithm": f"alg-{i}", "platform": f"p-{(i * 7 + k) % (n + 3)}"}
                   for i in range(n) for k in range(3)]
    filings = [{"number": f"网信算备{i:021d}号", "algorithm": d["algorithm"],
                "platform": d["platform"]} for i, d in enumerate(deployments[::2])]
    filings.append({"number": f"网信算备{len(filings):021d}号", "algorithm": "alg-0",
                    "platform": f"p-{n + 2}"})  # a filing of no deployment
    return {"organization": {"name": "x"}, "algorithms": algorithms,
            "platforms": platforms, "deployments": deployments, "filings": filings}


@pytest.mark.parametrize("n", [1, 5, 40, 300])
def test_a_whole_load_is_the_same_either_way(n: int, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = _document(n)
    with_c = load_facts(doc)
    monkeypatch.setattr(ids, "_speedups", None)
    twin = load_facts(doc)
    assert with_c == twin
    assert list(with_c.deployments) == list(twin.deployments)
    assert list(with_c.filings) == list(twin.filings)


def test_the_c_part_keeps_no_reference_once_done() -> None:
    # references counted before and after: the ids, the rows, the id tables and the
    # columns made are all let go with the pairs (a leak or an extra release shows here)
    a, p, q = "".join(["alg", "-1"]), "".join(["plat", "-1"]), "".join(["plat", "-2"])
    algorithm_ids, platform_ids = {a: a}, {p: p, q: q}
    rows = [{"algorithm": a, "platform": p}, {"algorithm": a, "platform": q}]
    filings = [{"platform": p}, {"platform": "none"}]
    watched = (a, p, q, algorithm_ids, platform_ids, rows[0], filings[0])
    before = [sys.getrefcount(x) for x in watched]
    for _ in range(3):
        found = compiled.deployment_ids(rows, algorithm_ids, platform_ids)
        assert found is not None
        assert _c_rows(filings, (a, a), found[3]) == [0, -1]
        assert compiled.distinct((a, p, q)) is True
        del found
    assert compiled.deployment_ids(rows * 2, algorithm_ids, platform_ids) is None  # refused
    assert [sys.getrefcount(x) for x in watched] == before
