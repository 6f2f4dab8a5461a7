"""Findings made all at once, column by column (``Selection.findings`` through
``FindingMaker.many`` and ``finding.build_findings``), are the findings their makers
make one by one (``FindingMaker.__call__``, the slow twin): every attribute, the
details worked out when read included, in the report's order."""

from __future__ import annotations

import copy
import datetime as dt
import pickle
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from policy_sdk.api import Engine
from policy_sdk.engine import source as source_module
from policy_sdk.engine.finding import STATUSES, Finding, build_findings, finding_order
from policy_sdk.engine.source import EngineFindings
from policy_sdk.testing.strategies import facts_documents
from policy_sdk.workdays import WorkdayCalendar, YearSchedule

ENGINE = Engine(plugin_rules=False,
                calendar=WorkdayCalendar([YearSchedule(2027), YearSchedule(2028)]))
NAMES = tuple(a.name for a in attrs.fields(Finding))


def slots(f: Finding) -> tuple[Any, ...]:
    """Every attribute as stored (details not worked out yet stay as they are)."""
    return tuple(Finding.__dict__[name].__get__(f) for name in NAMES)


def details(f: Finding) -> tuple[Any, ...]:
    return (f.remedy, f.explanation, f.facts_path, f.facts_line, f.working_days_left)


@given(doc=facts_documents(max_filings=8),
       wanted=st.sets(st.sampled_from([s for s in STATUSES if s != "waived"]), min_size=1),
       rows=st.booleans())
def test_findings_made_at_once_are_the_findings_made_one_by_one(
    doc: dict[str, Any], wanted: set[str], rows: bool
) -> None:
    if rows:  # the row checker's objects, not columns
        facts = ENGINE.load_facts(copy.deepcopy(doc))
        facts = attrs.evolve(facts, deployments=tuple(facts.deployments))
    else:
        facts = ENGINE.load_facts(copy.deepcopy(doc))
    report = ENGINE.evaluate(facts, as_of=dt.date(2026, 11, 20))
    source = report._source
    assert isinstance(source, EngineFindings)
    one_by_one = sorted(source.build(sorted(wanted)), key=finding_order)
    ranked, ranked_from = source_module._RANKED, source_module._RANKED_FROM
    orders = []
    try:  # each rule's findings ordered by their own key texts, and by the keys' ranks
        source_module._RANKED_FROM = 0  # however small the scope
        for share in (0, 10**9):
            source_module._RANKED = share
            orders.append([slots(f) for f in source.select(frozenset(wanted), None, None)])
    finally:
        source_module._RANKED, source_module._RANKED_FROM = ranked, ranked_from
    assert orders[0] == [slots(f) for f in one_by_one]
    assert orders[1] == orders[0]
    selection = source.select(frozenset(wanted), None, None)
    chunk = source_module._CHUNK
    try:
        source_module._CHUNK = 3  # several chunks, runs of a rule across them
        made = list(selection)
    finally:
        source_module._CHUNK = chunk
    unread = [slots(f) for f in one_by_one]
    assert [slots(f) for f in made] == unread
    assert [slots(f) for f in selection.findings()] == unread
    assert [slots(selection[i]) for i in range(len(selection))] == unread  # one by one
    assert [details(f) for f in made] == [details(f) for f in one_by_one]
    # as the tuple it stands for
    assert selection == tuple(one_by_one)
    assert selection[1:3] == tuple(one_by_one)[1:3]
    assert hash(selection) == hash(tuple(one_by_one))
    assert pickle.loads(pickle.dumps(selection)) == tuple(one_by_one)


def test_build_findings_fills_every_attribute_as_the_constructor_does() -> None:
    rows: list[tuple[Any, ...]] = [
        ("r", "violated", "mandatory", "a", "p", None, "m", "c", "fix", dt.date(2027, 1, 4),
         ("why",), "x.policy", None, "deployments[0]", 3, (), -2, None, 0, None),
        ("r", "pending", "advisory", None, None, "n", "m2", None, None, None, (), "",
         None, None, None, ("p", "q"), None, None, 5, None)]
    built = build_findings(2, zip(*rows, strict=True))
    assert [slots(f) for f in built] == [slots(Finding(*row)) for row in rows]
    assert built == [Finding(*row) for row in rows]


def test_build_findings_wants_a_column_per_attribute() -> None:
    with pytest.raises(ValueError, match="columns for"):
        build_findings(1, [["r"], ["violated"]])


def test_a_selection_read_once_keeps_none_of_its_findings() -> None:
    import gc
    import weakref

    doc = {"organization": {"name": "甲公司", "public_opinion": False},
           "algorithms": [{"id": f"a{i}", "uses_recommendation": True} for i in range(3)],
           "platforms": [{"id": "app", "type": "app"}],
           "deployments": [{"algorithm": f"a{i}", "platform": "app"} for i in range(3)]}
    report = ENGINE.evaluate(ENGINE.load_facts(doc), as_of=dt.date(2026, 11, 20))
    selection = report.violations()
    assert len(selection) >= 3
    seen = [weakref.ref(f) for f in selection]
    gc.collect()
    assert all(ref() is None for ref in seen)  # made as read, not kept
    assert report.violations() is selection  # the selection itself is kept
    assert report.violations() == tuple(selection)
