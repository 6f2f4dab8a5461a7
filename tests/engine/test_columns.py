"""The column-wise filing decision (policy_sdk.engine.columns) agrees with its slow
twins, on facts loaded by the bulk path (columns) and by the row checks (objects)."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from policy_sdk.engine import columns
from policy_sdk.facts.check import check_document
from policy_sdk.facts.load import default_platform_types
from policy_sdk.facts.read import Locator
from policy_sdk.facts.rows import Rows
from policy_sdk.testing.strategies import facts_documents


def _both(doc: dict[str, Any]) -> tuple[Any, Any]:
    specs = default_platform_types()
    return (check_document(copy.deepcopy(doc), specs, Locator(None)),
            check_document(copy.deepcopy(doc), specs, Locator(None), use_bulk=False))


@given(doc=facts_documents(max_filings=8), one_platform=st.booleans(), data=st.data())
def test_the_column_decision_agrees_with_the_slow_twins(
    doc: dict[str, Any], one_platform: bool, data: st.DataObject
) -> None:
    if one_platform:  # the filing system's export: one platform per filing
        for f in doc.get("filings") or []:
            f["platform"] = (f.pop("platforms", None) or [f.get("platform")])[0]
    fast, slow = _both(doc)
    assert fast == slow
    n = len(slow.deployments)
    applicable = data.draw(st.none() | st.lists(st.integers(0, max(0, n - 1)), unique=True)
                           .map(sorted), label="applicable") if n else None
    holds = {a.id: data.draw(st.booleans(), label=a.id) for a in slow.algorithms}
    for distinct in (False, True):
        want = columns.live_pairs_slow(slow.filings, distinct)
        assert set(columns.live_pairs(fast.filings, distinct)) == want
        assert set(columns.live_pairs(slow.filings, distinct)) == want
        expected = columns.unfiled_slow(slow.deployments, applicable, want)
        assert columns.unfiled(fast.deployments, applicable, want) == expected
        assert columns.unfiled(slow.deployments, applicable, want) == expected
        # the decision through each filing's deployment row (kept by the loader, or
        # looked up when evaluated), and the twin it must agree with
        assert columns.unfiled_by_filings_slow(slow.deployments, applicable, slow.filings,
                                               distinct) == expected
        assert columns.unfiled_by_filings(fast.deployments, applicable, fast.filings,
                                          distinct) == expected
        assert columns.unfiled_by_filings(slow.deployments, applicable, slow.filings,
                                          distinct) == expected
        # the filings' rows looked up anew (as for facts copied with other deployments)
        assert columns.unfiled_by_filings(fast.deployments, applicable,
                                          tuple(fast.filings), distinct) == expected
    keys = columns.deployment_keys(fast.deployments)
    if isinstance(fast.deployments, Rows):
        assert keys is not None
        assert [keys(i) for i in range(n)] == [(d.algorithm, d.platform, None)
                                               for d in slow.deployments]
    assert columns.deployment_keys(slow.deployments) is None
    expected = columns.applicable_by_algorithm_slow(slow.deployments, holds)
    assert list(columns.applicable_by_algorithm(fast.deployments, holds)) == expected
    assert list(columns.applicable_by_algorithm(slow.deployments, holds.__getitem__)) == expected


def test_a_clean_document_is_decided_on_its_columns() -> None:
    doc = {
        "organization": {"name": "甲公司"},
        "algorithms": [{"id": "rec", "uses_recommendation": True}, {"id": "ads"}],
        "platforms": [{"id": "app", "type": "app"}, {"id": "web", "type": "website"}],
        "deployments": [{"algorithm": a, "platform": p} for a in ("rec", "ads")
                        for p in ("app", "web")],
        "filings": [{"number": "网信算备110108000000001250001号", "algorithm": "rec",
                     "platform": "app"},
                    {"number": "网信算备110108000000002250001号", "algorithm": "ads",
                     "platform": "web", "status": "rejected"}],
    }
    fast, slow = _both(doc)
    assert fast == slow
    assert isinstance(fast.deployments, Rows)
    assert isinstance(fast.filings, Rows)
    filed = columns.live_pairs(fast.filings, True)
    assert set(filed) == {("rec", "app")}
    assert columns.unfiled(fast.deployments, None, filed) == [1, 2, 3]
    assert columns.unfiled(fast.deployments, [0, 1], filed) == [1]
    assert list(columns.applicable_by_algorithm(fast.deployments, {"rec": True, "ads": False})) \
        == [0, 1]


def test_facts_built_by_hand_with_a_pair_twice_are_decided_pair_by_pair() -> None:
    from policy_sdk.facts.model import Deployment, Filing

    twice = (Deployment("a", "p"), Deployment("a", "p"), Deployment("a", "q"))
    filed = (Filing("网信算备110108000000000000001号", "a", ("p",)),)
    assert columns.deployment_positions(twice) is None
    assert columns.unfiled_by_filings(twice, None, filed, False) == [2]
    assert columns.unfiled_by_filings_slow(twice, None, filed, False) == [2]


WHERE_POLICIES = (
    "require filing per platform where uses_recommendation",
    "require filing per platform where not uses_recommendation",
    "require filing per platform where platform.batch_cancellation",
    "require filing per platform where algorithm.name == \"推荐\"",
)


@given(doc=facts_documents(max_filings=6), policy=st.sampled_from(WHERE_POLICIES))
def test_a_condition_on_the_algorithm_is_worked_out_from_its_table(
    doc: dict[str, Any], policy: str
) -> None:
    """rules._table reads a condition that is an attribute as it stands off the
    attribute's own table; its slow twin asks the condition id by id."""
    import datetime as dt

    import attrs

    from policy_sdk.api import Engine
    from policy_sdk.engine import rules

    engine = Engine.from_source(policy, plugin_rules=False)
    loaded = engine.load_facts(copy.deepcopy(doc))
    as_dicts = attrs.evolve(loaded, algorithms=tuple(loaded.algorithms),
                            platforms=tuple(loaded.platforms))
    want = None
    fast = rules._table
    slow = rules._table_slow
    asked: list[str] = []

    def counted(getter: Any, entities: Any, field: str) -> Any:
        asked.append(field)
        return slow(getter, entities, field)

    rules._table_slow = counted
    try:  # a condition that is the attribute itself never asks id by id
        engine.evaluate(loaded, as_of=dt.date(2026, 11, 20))
    finally:
        rules._table_slow = slow
    plain = policy.endswith(("where uses_recommendation", "platform.batch_cancellation"))
    assert (asked == []) == plain
    for facts in (loaded, as_dicts):
        for table in (fast, lambda ctx, part, entities, field: None if part is None
                      else rules._table_slow(part.make(ctx), entities, field)):
            rules._table = table
            try:
                got = [(f.rule, f.status, f.algorithm, f.platform) for f in
                       engine.evaluate(facts, as_of=dt.date(2026, 11, 20)).findings]
            finally:
                rules._table = fast
            assert want is None or got == want
            want = got
