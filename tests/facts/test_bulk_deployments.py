"""The loader's bulk path (policy_sdk.facts.bulk) accepts only what the row checker
(policy_sdk.facts.check) accepts without a diagnostic, and builds the same values."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from policy_sdk.errors import FactsError
from policy_sdk.facts import bulk, load_facts
from policy_sdk.facts.check import Checker, check_document
from policy_sdk.facts.derived import deployments_by_algorithm
from policy_sdk.facts.load import default_platform_types
from policy_sdk.facts.model import Algorithm, Deployment, build_deployments
from policy_sdk.facts.read import Locator
from policy_sdk.testing.strategies import facts_documents


def _loader() -> Checker:
    return Checker(default_platform_types(), Locator(None))


def _prepared(doc: dict[str, Any]) -> tuple[Checker, Any, Any, list[Any]]:
    loader = _loader()
    algorithms = loader.algorithms(doc.get("algorithms") or [])
    platforms = loader.platforms(doc.get("platforms") or [])
    return loader, algorithms, platforms, list(doc.get("deployments") or [])


# one change to one row that the bulk path must notice (and leave to the row path)
_BREAKS: list[tuple[str, Any]] = [
    ("algorithm", "no-such-algorithm"),
    ("platform", None),
    ("status", "stoped"),
    ("status", None),
    ("launched_on", "2025-02-30"),
    ("launched_on", "2025/01/01"),
    ("launched_on", 20250101),
    ("stopped_on", "2025-01-01"),
    ("color", "blue"),
]


@given(doc=facts_documents(), data=st.data())
def test_bulk_path_agrees_with_the_row_path(doc: dict[str, Any], data: st.DataObject) -> None:
    loader, algorithms, platforms, items = _prepared(doc)
    if data.draw(st.booleans(), label="break one row") and items:
        i = data.draw(st.integers(0, len(items) - 1), label="row")
        key, value = data.draw(st.sampled_from(_BREAKS), label="change")
        items[i] = {**items[i], key: value}
        if data.draw(st.booleans(), label="duplicate a row"):
            items.append(copy.deepcopy(items[0]))
    before = len(loader.errors) + len(loader.warnings)
    found = bulk.deployments(items, algorithms, platforms, loader.dates)
    assert len(loader.errors) + len(loader.warnings) == before  # the bulk path never reports

    rows_loader, algorithms, platforms, _ = _prepared(doc)
    rows = rows_loader.deployment_rows(items, algorithms, platforms)
    clean = len(rows_loader.errors) + len(rows_loader.warnings) == before
    if found is not None:
        assert clean, "the bulk path accepted rows the row path has something to say about"
        assert [found[i] for i in range(len(found))] == list(rows)  # row by row, when read
        assert found == rows  # all at once
        assert all(found[i] is d for i, d in enumerate(found))  # one object per row
    elif clean and all(
        isinstance(r, dict) and r.keys() <= {"algorithm", "platform", "status", "launched_on",
                                               "stopped_on"}
        and all(v is not None for v in r.values())
        for r in items
    ):
        pytest.fail("the bulk path gave up on plainly well-formed rows")


def test_a_clean_file_takes_the_bulk_path_and_keeps_its_index() -> None:
    doc = {
        "organization": {"name": "甲公司"},
        "algorithms": [{"id": "rec", "uses_recommendation": True}],
        "platforms": [{"id": "app", "type": "app"}, {"id": "web", "type": "website"}],
        "deployments": [
            {"algorithm": "rec", "platform": "app", "launched_on": "2025-01-02"},
            {"algorithm": "rec", "platform": "web", "status": "stopped",
             "launched_on": "2025-01-02", "stopped_on": "2025-03-04"},
        ],
    }
    facts = load_facts(doc)
    assert facts.deployments == (
        Deployment("rec", "app", "active", dt.date(2025, 1, 2)),
        Deployment("rec", "web", "stopped", dt.date(2025, 1, 2), dt.date(2025, 3, 4)),
    )
    index = deployments_by_algorithm(facts)
    assert index is facts.derived_index("by_algorithm")  # handed over by the loader
    assert index == {"rec": {"app": facts.deployments[0], "web": facts.deployments[1]}}
    # a changed copy does not inherit an index that no longer fits
    changed = attrs.evolve(facts, deployments=facts.deployments[:1])
    assert deployments_by_algorithm(changed) == {"rec": {"app": facts.deployments[0]}}


def test_a_duplicate_is_still_reported_with_both_places() -> None:
    row = {"algorithm": "rec", "platform": "app"}
    doc = {
        "organization": {"name": "甲公司"},
        "algorithms": [{"id": "rec"}],
        "platforms": [{"id": "app", "type": "app"}],
        "deployments": [row, dict(row)],
    }
    with pytest.raises(FactsError) as caught:
        load_facts(doc)
    assert "`rec` on `app` is listed twice (also deployments[0])" in str(caught.value)


@given(st.lists(st.tuples(st.text(max_size=3), st.text(max_size=3),
                          st.sampled_from(["active", "paused", "stopped"]),
                          st.none() | st.dates(), st.none() | st.dates()), max_size=20))
def test_build_deployments_equals_building_row_by_row(
    rows: list[tuple[str, str, str, dt.date | None, dt.date | None]],
) -> None:
    columns = [list(c) for c in zip(*rows, strict=True)] if rows else [[], [], [], [], []]
    built = build_deployments(*columns)
    assert built == [Deployment(*r) for r in rows]
    assert all(d.extra == {} for d in built)


def test_build_deployments_refuses_ragged_columns() -> None:
    with pytest.raises(ValueError, match="different lengths"):
        build_deployments(["a"], ["p", "q"], ["active"], [None], [None])


def test_stop_dates_on_the_wrong_rows_are_noticed_even_when_the_counts_agree() -> None:
    # one active row with a stop date, one stopped row without: as many stop dates as
    # stopped rows, but on the wrong ones
    doc = {
        "organization": {"name": "甲公司"},
        "algorithms": [{"id": "rec"}],
        "platforms": [{"id": "app", "type": "app"}, {"id": "web", "type": "website"}],
        "deployments": [
            {"algorithm": "rec", "platform": "app", "stopped_on": "2025-03-04"},
            {"algorithm": "rec", "platform": "web", "status": "stopped"},
        ],
    }
    loader, algorithms, platforms, items = _prepared(doc)
    assert bulk.deployments(items, algorithms, platforms, loader.dates) is None
    with pytest.raises(FactsError) as caught:
        load_facts(doc)
    assert "`stopped_on` is set but the status is `active`" in str(caught.value)


# --- every fast path of the loader against the row-by-row checks ----------------------

_ROW_BREAKS: dict[str, list[tuple[str, Any]]] = {
    "algorithms": [
        ("id", ""),
        ("id", 5),
        ("id", None),
        ("id", "a\x00b"),
        ("name", ""),
        ("name", 7),
        ("types", ["personalized_push", "personalized_push"]),
        ("types", ["personalised_push"]),
        ("types", "personalized_push"),
        ("types", [3]),
        ("uses_recommendation", "true"),
        ("uses_recommendation", 1),
        ("color", "blue"),
    ],
    "platforms": [
        ("id", ""),
        ("id", ["app"]),
        ("type", "APP"),
        ("type", "weixin_mini"),
        ("type", 3),
        ("type", None),
        ("host", 5),
        ("host", ""),
        ("host", "\ud800"),
        ("name", ""),
        ("name", ["x"]),
        ("batch_cancellation", "yes"),
        ("item_verification", 0),
        ("color", "blue"),
    ],
    "deployments": _BREAKS,
    "filings": [
        ("platforms", ["nowhere"]),
        ("platforms", ["app", "app"]),
        ("platforms", "app"),
        ("platforms", []),
        ("platform", "x"),
        ("status", "actve"),
        ("displayed", "yes"),
        ("filed_on", "2025-13-01"),
        ("number", "备案123"),
        ("number", ""),
        ("number", "网信算备000000000000000000001号\n网信算备000000000000000000002号"),
        ("number", 110108000000001250001),
        ("color", "blue"),
        ("algorithm", None),
        ("algorithm", 3),
        ("displayed", 1),
    ],
    "records": [
        ("kind", "filing"),
        ("kind", "opt_outt"),
        ("algorithm", "nope"),
        ("platform", "nowhere"),
        ("filing", "网信算备000000000000000000000号"),
        ("on", "yesterday"),
        ("color", "blue"),
    ],
}


def _load(doc: dict[str, Any], fast: bool) -> Any:
    try:
        facts = check_document(copy.deepcopy(doc), default_platform_types(), Locator(None),
                               use_bulk=fast)
    except FactsError as exc:
        return [(d.code, d.message, d.path, d.level) for d in exc.diagnostics]
    return facts, [(d.code, d.message, d.path) for d in facts.warnings]


@given(doc=facts_documents(max_filings=4, max_records=4), data=st.data())
def test_the_fast_paths_load_what_the_row_checks_load(
    doc: dict[str, Any], data: st.DataObject
) -> None:
    # one platform named as `platform: id` on every filing that names one (the
    # export's shape), or as the generator drew it
    if data.draw(st.booleans(), label="filings with `platform`"):
        for row in doc.get("filings") or []:
            if len(row.get("platforms", ())) == 1:
                row["platform"] = row.pop("platforms")[0]
    # dates as a JSON file spells them, so the date cache is exercised too
    for section in ("deployments", "filings", "records"):
        for row in doc.get(section) or []:
            for key, value in list(row.items()):
                if isinstance(value, dt.date) and data.draw(st.booleans(), label="as text"):
                    row[key] = value.isoformat()
    for section, breaks in _ROW_BREAKS.items():
        rows = doc.get(section) or []
        if rows and data.draw(st.booleans(), label=f"break a row of {section}"):
            i = data.draw(st.integers(0, len(rows) - 1), label="row")
            key, value = data.draw(st.sampled_from(breaks), label="change")
            rows[i] = {**rows[i], key: value}
        if rows and data.draw(st.integers(0, 4), label=f"repeat a row of {section}") == 0:
            rows.append(copy.deepcopy(rows[-1]))
    assert _load(doc, fast=True) == _load(doc, fast=False)


_BASE: dict[str, Any] = {
    "organization": {"name": "甲公司", "public_opinion": True},
    "algorithms": [{"id": "rec", "uses_recommendation": True},
                   {"id": "ads", "uses_recommendation": False}],
    "platforms": [{"id": "app", "type": "app"}, {"id": "web", "type": "website"}],
    "deployments": [
        {"algorithm": "rec", "platform": "app", "launched_on": "2025-01-02"},
        {"algorithm": "rec", "platform": "web", "status": "stopped",
         "launched_on": "2025-01-02", "stopped_on": "2025-03-04"},
        {"algorithm": "ads", "platform": "app", "status": "paused"},
    ],
    "filings": [
        {"number": "网信算备110108000000001250001号", "algorithm": "rec",
         "platforms": ["app", "web"], "filed_on": "2025-01-10", "displayed": True},
        {"number": "网信算备110108000000002250001号", "algorithm": "ads",
         "platforms": ["app"], "status": "submitted"},
    ],
    "records": [
        {"kind": "opt_out", "algorithm": "rec", "on": "2025-02-01"},
        {"kind": "security_assessment", "algorithm": "rec",
         "filing": "网信算备110108000000001250001号"},
        {"kind": "disclosure"},
    ],
}


@pytest.mark.parametrize(
    ("section", "row", "key", "value"),
    [
        (section, row, key, value)
        for section, breaks in _ROW_BREAKS.items()
        for key, value in breaks
        for row in (0, 1)
    ],
)
def test_each_kind_of_problem_is_left_to_the_row_checks(
    section: str, row: int, key: str, value: Any
) -> None:
    doc = copy.deepcopy(_BASE)
    doc[section][row] = {**doc[section][row], key: value}
    fast, slow = _load(doc, fast=True), _load(doc, fast=False)
    assert fast == slow
    if (section, key, value) != ("deployments", "status", None):  # null status: active
        assert isinstance(fast, list) or fast[1], "the change should draw an error or a warning"


def test_the_base_document_is_clean_and_loads_the_same_both_ways() -> None:
    fast = _load(_BASE, fast=True)
    assert fast == _load(_BASE, fast=False)
    assert not isinstance(fast, list)
    assert fast[1] == []
    repeated = copy.deepcopy(_BASE)
    for section in ("filings", "records"):
        repeated[section].append(copy.deepcopy(repeated[section][0]))
    assert _load(repeated, fast=True) == _load(repeated, fast=False)


@given(doc=facts_documents(max_filings=6), one_platform=st.booleans())
def test_the_fast_paths_take_plainly_well_formed_sections(
    doc: dict[str, Any], one_platform: bool
) -> None:
    # not vacuous: a clean generated document takes every fast path, and each builds
    # what the row checks build
    filings = doc.get("filings") or []
    if one_platform:
        filings = [{**{k: v for k, v in f.items() if k != "platforms"},
                    "platform": (f.get("platforms") or [f.get("platform")])[0]}
                   for f in filings]
    elif any("platform" in f for f in filings) and any("platforms" in f for f in filings):
        filings = [{**{k: v for k, v in f.items() if k != "platform"},
                    "platforms": f.get("platforms") or [f["platform"]]} for f in filings]
    slow = _loader()
    for row in doc["algorithms"]:  # as the row checks read it, without a warning
        row["uses_recommendation"] = bool(row.get("types")) or row["uses_recommendation"]
    algorithms = bulk.algorithms(doc["algorithms"])
    assert algorithms is not None
    assert dict(algorithms) == slow.algorithm_rows(doc["algorithms"])
    assert not slow.warnings
    loader = _loader()
    platforms = bulk.platforms(doc["platforms"], loader.types, loader.type_attrs)
    assert platforms is not None
    assert dict(platforms) == slow.platform_rows(doc["platforms"])
    found = bulk.filings(filings, algorithms, platforms, loader.dates)
    assert found is not None
    assert dict(found) == slow.filing_rows(filings, algorithms, platforms)
    assert not slow.errors


@given(st.lists(st.tuples(st.text(min_size=1, max_size=3), st.none() | st.text(max_size=3),
                          st.booleans()), max_size=20))
def test_build_rows_equals_building_row_by_row(rows: list[tuple[str, str | None, bool]]) -> None:
    columns = [list(c) for c in zip(*rows, strict=True)] if rows else [[], [], []]
    built = bulk.build_rows(Algorithm, (columns[0], columns[1], [()] * len(rows), columns[2]))
    assert built == [Algorithm(i, n, (), r) for i, n, r in rows]
    with pytest.raises(ValueError, match="different lengths"):
        bulk.build_rows(Algorithm, (["a"], [None], [()], [True, False]))


@pytest.mark.parametrize(("ptype", "host", "accepted"), [
    ("mini_program", "wechat", True), ("mini_program", "weixin", False),
    ("app", "weixin", True), ("app", "", False),
])
def test_a_host_the_platform_type_closes_is_checked_by_type(
    ptype: str, host: str, accepted: bool
) -> None:
    loader = _loader()
    items = [{"id": "p", "type": ptype, "host": host}]
    found = bulk.platforms(items, loader.types, loader.type_attrs)
    assert (found is not None) == accepted
    rows = loader.platform_rows(items)
    assert (not loader.errors) == accepted
    if found is not None:
        assert dict(found) == rows


@given(pairs=st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.sampled_from(["p", "q"])),
                      max_size=12), grouped=st.booleans())
def test_the_duplicate_pair_check_agrees_with_a_set_of_pairs(
    pairs: list[tuple[str, str]], grouped: bool
) -> None:
    if grouped:  # each algorithm's rows together
        pairs.sort(key=lambda pair: pair[0])
    algs = [a for a, _ in pairs]
    plats = [p for _, p in pairs]
    unique = len(set(pairs)) == len(pairs)
    known: dict[str, Any] = dict.fromkeys("abc")
    found = bulk.positions(algs, plats, known)
    assert (found is not None) == unique
    if found is not None:  # each pair names its own row, one at a time or all at once
        rows = {pair: i for i, pair in enumerate(pairs)}
        assert {(a, p): bulk.row_of(found, a, p) for a, ps in found.items() for p in ps} \
            == rows
        asked = [(a, p) for a in "abcd" for p in "pqr"]
        assert [bulk.row_of(found, a, p) for a, p in asked] == [rows.get(pair) for pair in asked]
        many = bulk.rows_of(found, [a for a, _ in asked], [p for _, p in asked])
        assert [i if i >= 0 else None for i in many] == [rows.get(pair) for pair in asked]
    # equal ids that are not the same objects give the same answer
    copies = ["".join(list(a)) for a in algs]
    assert (bulk.positions(copies, plats, known) is not None) == unique


@given(numbers=st.lists(st.one_of(
    st.from_regex(r"网信算备[0-9]{21}号", fullmatch=True),
    st.text(alphabet="网信算备号0123456789٣ \n", min_size=24, max_size=28),
    st.sampled_from(["网信算备11010800000000000000１号", "网信算备110108000000000000000号\n",
                     "信网算备110108000000000000000号", "网信算备110108000000000000000"]),
), max_size=6))
def test_the_number_check_is_the_usual_shape_of_each(numbers: list[str]) -> None:
    want = all(bulk.FILING_NUMBER.fullmatch(n) for n in numbers)
    assert bulk.usual_numbers(numbers) == want


@given(text=st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True))
def test_a_date_text_reads_the_same_on_every_load(text: str) -> None:
    import datetime as dt

    try:
        want: dt.date | None = dt.date.fromisoformat(text)
    except ValueError:
        want = None
    for _ in range(2):  # the second load finds it among the dates read before
        dates: dict[str, dt.date] = {}
        if want is None:
            with pytest.raises(KeyError):
                bulk.day(text, dates)
        else:
            assert bulk.day(text, dates) == want
            assert dates == {text: want}


class _Text(str):
    """Text of another type (an embedder's own string class): the row checks refuse it."""

    __slots__ = ()


@pytest.mark.parametrize(("section", "key"), [
    ("deployments", "algorithm"), ("deployments", "platform"),
    ("filings", "algorithm"), ("filings", "platform")])
def test_an_id_of_another_text_type_is_left_to_the_row_checks(section: str, key: str) -> None:
    doc = copy.deepcopy(_BASE)
    for filing in doc["filings"]:  # one platform each: looked up through the deployments
        filing["platform"] = filing.pop("platforms")[0]
    doc[section][0] = {**doc[section][0], key: _Text(doc[section][0][key])}
    assert type(doc[section][0][key]) is _Text
    fast, slow = _load(doc, fast=True), _load(doc, fast=False)
    assert fast == slow
    assert isinstance(fast, list)  # refused, in the row checks' words


class _Day(str):
    """A date's text of another text type: never read as a date."""


@given(st.lists(st.one_of(
    st.none(), st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31)),
    st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31)).map(str),
    st.sampled_from(["2025-02-30", "2025/01/01", "", "2025-1-1"]),
    st.sampled_from([_Day("2025-01-01")])), max_size=8), st.booleans())
def test_days_of_is_day_of_each(values: list[Any], read_before: bool) -> None:
    # the fast path (texts read by an earlier load) and day(), one value at a time
    if read_before:  # the texts that are dates read by an earlier load
        for v in values:
            if v.__class__ is str:
                _is_day(v)
    try:
        found: dict[Any, Any] | None = bulk.days_of(values, {})
    except KeyError:
        found = None
    expected: dict[Any, Any] | None = {None: None}
    for v in values:
        if v is not None and expected is not None:
            try:
                expected[v] = bulk.day(v, {})
            except KeyError:
                expected = None
    assert found == expected
    if found is not None:
        assert all(v.__class__ is not _Day for v in found)


def _is_day(value: str) -> bool:
    try:
        bulk.day(value, {})
    except KeyError:
        return False
    return True
