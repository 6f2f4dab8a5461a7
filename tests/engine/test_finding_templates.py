"""A deployment rule's findings written from templates are the findings worded line by
line.

``FindingMaker.json_text`` writes the failing findings of a deployment rule whose
explanation lines declare their shape (``fact_lines.Shape``) from a template made once
per value of what the lines read besides the platform, cut at a placeholder for the
platform; ``json_text(…, templated=False)`` words each finding line by line (the slow
twin). Property-tested finding by finding on generated companies: several deployments
per algorithm sharing statuses and dates (templates reused), filings that are not live
or name the platform (lines and remedies that treat a platform apart), ids that quote,
escape, look like the placeholder's JSON text or like format fields, in Chinese and
English, as text and in UTF-8.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policy_sdk.engine import explain
from policy_sdk.engine.engine import Engine
from policy_sdk.engine.finding import STATUSES
from policy_sdk.engine.jsontext import FindingText
from policy_sdk.engine.source import EngineFindings
from policy_sdk.facts.model import FILING_STATUSES
from policy_sdk.i18n import use_language

_IDS = ["a", "alg-1", 'a "q"', "a{b}", "算法", "a\\b", "{platform}", "a\\u0000b",
        "\\u0000", "u0000\\", "x`y",
        # JSON text with the placeholder's own (`\u0000\ue000\u0001`) inside: not cut
        "\\u0000\ue000\x01"]
_TYPES = ["app", "website", "mini_program", "official_account"]
_KINDS = ["opt_out", "disclosure", "complaint_channel"]
_DAYS = [dt.date(2025, 1, 6), dt.date(2025, 6, 30), dt.date(2026, 11, 2)]


@st.composite
def companies(draw: st.DrawFn) -> dict[str, Any]:
    algorithms = draw(st.lists(st.sampled_from(_IDS), min_size=1, max_size=3, unique=True))
    platforms = draw(st.lists(st.sampled_from(_IDS), min_size=1, max_size=5, unique=True))
    pairs = draw(st.lists(st.tuples(st.sampled_from(algorithms), st.sampled_from(platforms)),
                          max_size=12, unique=True))
    deployments = []
    for a, p in pairs:
        status = draw(st.sampled_from(["active", "active", "paused", "stopped"]))
        launched = draw(st.sampled_from(_DAYS))
        dep = {"algorithm": a, "platform": p, "status": status,
               "launched_on": launched.isoformat()}
        if status == "stopped":
            dep["stopped_on"] = (launched + dt.timedelta(days=30)).isoformat()
        deployments.append(dep)
    return {
        "organization": {"name": "公司", "role": "provider", "public_opinion": True},
        "algorithms": [{"id": a, "types": ["personalized_push"],
                        "uses_recommendation": draw(st.booleans())} for a in algorithms],
        "platforms": [{"id": p, "type": (kind := draw(st.sampled_from(_TYPES)))}
                      | ({"host": "wechat"} if kind == "mini_program" and draw(st.booleans())
                         else {})
                      for p in platforms],
        "deployments": deployments,
        "filings": [
            {"number": f"网信算备11010800000000{i}号",
             "algorithm": draw(st.sampled_from(algorithms)),
             "platforms": draw(st.lists(st.sampled_from(platforms), min_size=1, max_size=2,
                                        unique=True)),
             "status": draw(st.sampled_from(FILING_STATUSES)), "filed_on": "2025-03-10",
             "displayed": True}
            for i in range(draw(st.integers(0, 3)))],
        "records": [{"kind": kind, "algorithm": draw(st.sampled_from(algorithms))}
                    for kind in draw(st.lists(st.sampled_from(_KINDS), max_size=2))],
    }


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def _source(engine: Engine, doc: dict[str, Any], as_of: dt.date) -> EngineFindings:
    source = engine.evaluate(doc, as_of=as_of)._source
    assert isinstance(source, EngineFindings)
    return source


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=companies(), as_of=st.sampled_from([dt.date(2025, 1, 10), dt.date(2026, 11, 20)]),
       language=st.sampled_from(["en", "zh"]), binary=st.booleans(),
       indent=st.sampled_from([None, 2]),
       bounds=st.sampled_from([(8192, 1024, 0), (1, 1, 0), (2, 3, 0), (8192, 1024, 2)]))
def test_templated_findings_are_the_worded_findings(
    engine: Engine, doc: dict[str, Any], as_of: dt.date, language: str, binary: bool,
    indent: int | None, bounds: tuple[int, int, int],
) -> None:
    """``bounds``: (templates held, findings before deciding whether they pay,
    findings worded before templates are set up) made small, so that templates are
    set up at once or after some findings, let go, and given up on."""
    with use_language(language):
        source = _source(engine, doc, as_of)
    writer = FindingText(indent)
    selection = source.select(frozenset(STATUSES), None, None)
    kept = explain._TEMPLATES_KEPT, explain._TEMPLATES_TRIAL, explain._TEMPLATES_AFTER
    explain._TEMPLATES_KEPT, explain._TEMPLATES_TRIAL, explain._TEMPLATES_AFTER = bounds
    try:
        for maker, indexes, statuses in selection.runs():
            worded = maker.json_text(writer, binary, templated=False)
            with use_language(maker.language):
                expected = list(map(worded, indexes, statuses))
                texts = maker.json_texts(writer, binary)
                half = len(indexes) // 2  # in two calls: what is kept between them
                assert [*texts(indexes[:half], statuses[:half]),
                        *texts(indexes[half:], statuses[half:])] == expected
                one = maker.json_text(writer, binary)
                assert list(map(one, indexes, statuses)) == expected
    finally:
        explain._TEMPLATES_KEPT, explain._TEMPLATES_TRIAL, explain._TEMPLATES_AFTER = kept


def test_the_default_packs_deployment_rules_are_templated(engine: Engine) -> None:
    """The rules of most findings take the template path (the test above compares it
    with its twin, so it must be taken)."""
    doc = {
        "organization": {"name": "公司", "role": "provider", "public_opinion": True},
        "algorithms": [{"id": "a", "types": ["personalized_push"],
                        "uses_recommendation": True}],
        "platforms": [{"id": "p", "type": "mini_program"}, {"id": "q", "type": "app"}],
        "deployments": [{"algorithm": "a", "platform": p, "status": "active",
                         "launched_on": "2025-01-06"} for p in ("p", "q")],
        "filings": [{"number": "网信算备110108000000001号", "algorithm": "a",
                     "platforms": ["q"], "status": "active", "filed_on": "2025-03-10",
                     "displayed": True}],
    }
    source = _source(engine, doc, dt.date(2026, 11, 20))
    writer = FindingText(2)
    after = explain._TEMPLATES_AFTER
    explain._TEMPLATES_AFTER = 0  # set up at once
    try:
        templated = {maker.rule_id for maker in source.makers() if maker.json_texts(
            writer).__qualname__.endswith("_templated.<locals>.many")}
    finally:
        explain._TEMPLATES_AFTER = after
    assert {"cn.algorithm_filing/filing_per_platform", "cn.algorithm_filing/disclosure",
            "cn.algorithm_filing/complaint_channel", "cn.algorithm_filing/user_opt_out",
            "platform.mini_program/host_declared"} <= templated
