"""A report's findings in :func:`order_key` order, whichever way a rule's findings are
sorted: by a text joining their key's parts or by ranks of the scope's keys (large
selections). The slow twin is ``sorted`` by ``order_key``."""

from __future__ import annotations

from typing import Any
from unittest import mock

from hypothesis import given
from hypothesis import strategies as st

from policy_sdk import Engine
from policy_sdk.engine import source
from policy_sdk.engine.finding import STATUSES, order_key
from policy_sdk.testing.strategies import facts_documents

_ENGINE = Engine()
_ALWAYS_RANKED = 10**9  # every selection at least 1/_RANKED of its scope
_NEVER_RANKED = 0


@given(doc=facts_documents(max_algorithms=4, max_platforms=4, max_filings=8),
       ranked=st.booleans(), statuses=st.sets(st.sampled_from(sorted(STATUSES)), min_size=1))
def test_findings_are_in_order_key_order_either_way_they_are_sorted(
    doc: dict[str, Any], ranked: bool, statuses: set[str]
) -> None:
    with mock.patch.object(source, "_RANKED", _ALWAYS_RANKED if ranked else _NEVER_RANKED), \
            mock.patch.object(source, "_RANKED_FROM", 0):
        report = _ENGINE.evaluate(doc, as_of="2026-11-20")
        chosen = list(report.select(statuses=sorted(statuses)))
    assert chosen == sorted(chosen, key=lambda f: order_key(
        f.rule, f.algorithm, f.platform, f.filing, f.status))
    # the same findings as the report's own, in the same order either way
    assert chosen == [f for f in report.findings if f.status in statuses]


def test_ids_that_share_a_beginning_sort_as_texts_part_by_part() -> None:
    """("a", "b-2") before ("a-2", "b"): the algorithm decides first, then the platform —
    what a key joined without a separator that sorts first would get wrong."""
    doc = {
        "organization": {"name": "o", "public_opinion": True},
        "algorithms": [{"id": a, "uses_recommendation": True} for a in ("a-2", "a", "a\u00e9")],
        "platforms": [{"id": p, "type": "app"} for p in ("b", "b-2", "b\t")],
        "deployments": [{"algorithm": a, "platform": p} for a in ("a-2", "a", "a\u00e9")
                        for p in ("b-2", "b", "b\t")],
    }
    for ranked in (_ALWAYS_RANKED, _NEVER_RANKED):
        with mock.patch.object(source, "_RANKED", ranked), \
                mock.patch.object(source, "_RANKED_FROM", 0):
            report = _ENGINE.evaluate(doc, as_of="2026-11-20")
            pairs = [(f.algorithm, f.platform) for f in report.violations()
                     if f.rule.endswith("filing_per_platform")]
        assert pairs == sorted(pairs)
        assert pairs[:3] == [("a", "b"), ("a", "b\t"), ("a", "b-2")]
