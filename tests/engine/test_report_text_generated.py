"""The JSON report of any facts is the standard encoding of its findings.

The engine writes its findings' JSON text run by run, rule by rule
(``FindingMaker.json_text``: what a rule's findings share written once, each finding
one join, no Finding object), as text or straight in UTF-8 (``iter_json_utf8``, what
``check --format json`` writes); its slow twin is ``json.dumps`` of the report built
from ``Finding.to_dict`` of the same evaluation's findings. Property-tested on generated
companies (awkward ids, every deployment and filing status, deadlines or none, YAML
files whose findings carry facts locations, Chinese and English evaluations).
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policy_sdk.engine.engine import Engine
from policy_sdk.engine.report import STATUSES, Report
from policy_sdk.engine.reporters import iter_json, render_json
from policy_sdk.facts.model import DEPLOYMENT_STATUSES, FILING_STATUSES
from policy_sdk.i18n import use_language

_IDS = ["a", "alg-1", 'a "q"', "a{b}", "算法", "a\\b", "p%s", "x y", "{platform}"]
_TYPES = ["app", "website", "mini_program", "official_account"]
_KINDS = ["security_assessment", "opt_out", "disclosure", "complaint_channel"]
_day = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2026, 12, 31))


@st.composite
def companies(draw: st.DrawFn) -> dict[str, Any]:
    algorithms = draw(st.lists(st.sampled_from(_IDS), min_size=1, max_size=3, unique=True))
    platforms = draw(st.lists(st.sampled_from(_IDS), min_size=1, max_size=3, unique=True))
    doc: dict[str, Any] = {
        "organization": {"name": "公司", "role": "provider",
                         "public_opinion": draw(st.booleans())},
        "algorithms": [{"id": a, "types": ["personalized_push"],
                        "uses_recommendation": draw(st.booleans())} for a in algorithms],
        "platforms": [{"id": p, "type": (kind := draw(st.sampled_from(_TYPES)))}
                      | ({"host": "wechat"} if kind == "mini_program" and draw(st.booleans())
                         else {})
                      for p in platforms],
    }
    pairs = draw(st.lists(st.tuples(st.sampled_from(algorithms), st.sampled_from(platforms)),
                          max_size=6, unique=True))
    deployments = []
    for a, p in pairs:
        status = draw(st.sampled_from(DEPLOYMENT_STATUSES))
        launched = draw(_day)
        dep = {"algorithm": a, "platform": p, "status": status,
               "launched_on": launched.isoformat()}
        if status == "stopped":
            dep["stopped_on"] = (launched + dt.timedelta(days=draw(st.integers(0, 90)))
                                 ).isoformat()
        deployments.append(dep)
    doc["deployments"] = deployments
    doc["filings"] = [
        {"number": f"网信算备11010800000000{i}号", "algorithm": draw(st.sampled_from(algorithms)),
         "platforms": draw(st.lists(st.sampled_from(platforms), min_size=1, max_size=2,
                                    unique=True)),
         "status": draw(st.sampled_from(FILING_STATUSES)), "filed_on": "2025-03-10",
         "displayed": draw(st.booleans())}
        for i in range(draw(st.integers(0, 3)))]
    doc["records"] = [{"kind": kind} | ({"algorithm": draw(st.sampled_from(algorithms))}
                                        if kind != "disclosure" else {})
                      for kind in draw(st.lists(st.sampled_from(_KINDS), max_size=3))]
    return doc


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def _slow(report: Report, include_all: bool, indent: int | None) -> str:
    """The report from ``Finding.to_dict`` of its Finding objects, by ``json.dumps``."""
    listed = [f for f in report.findings
              if include_all or f.status in ("violated", "pending", "waived")]
    counts = dict(report.counts)
    doc: dict[str, Any] = {"as_of": report.as_of.isoformat()}
    if report.meta is not None:
        doc["meta"] = dict(report.meta)
    doc["summary"] = {**{s: counts[s] for s in STATUSES}, "total": sum(counts.values()),
                      "listed": len(listed)}
    doc["findings"] = [f.to_dict() for f in listed]
    if report.warnings:
        doc["warnings"] = [{"code": w.code, "message": w.message, "path": w.path,
                            "help": w.help} for w in report.warnings]
    return json.dumps(doc, ensure_ascii=False, indent=indent)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=companies(), as_of=_day, as_file=st.booleans(), language=st.sampled_from(["en", "zh"]),
       include_all=st.booleans(), indent=st.sampled_from([None, 2]))
def test_the_fast_text_is_the_standard_encoding(
    engine: Engine, doc: dict[str, Any], as_of: dt.date, as_file: bool, language: str,
    include_all: bool, indent: int | None,
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        facts: Any = doc
        if as_file:  # a YAML file: findings carry facts locations
            path = Path(tmp) / "company.yaml"
            path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
            facts = engine.load_facts(path)
        with use_language(language):  # written later, in English: in the evaluation's
            fast = engine.evaluate(facts, as_of=as_of)
            slow = engine.evaluate(facts, as_of=as_of)
            streamed = engine.evaluate(facts, as_of=as_of)
            encoded = engine.evaluate(facts, as_of=as_of)
        expected = _slow(slow, include_all, indent)
        assert fast.to_json(include_all, indent=indent) == expected
        assert b"".join(encoded.iter_json_utf8(include_all, indent=indent)) == (
            expected.encode("utf-8"))
        if indent == 2:
            assert "".join(iter_json(streamed, include_all=include_all)) == expected + "\n"
            assert render_json(fast, include_all=include_all) == expected + "\n"
