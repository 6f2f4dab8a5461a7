"""The report's JSON text, written finding by finding, is exactly the standard encoding.

``Report.to_json`` writes each finding through a template per rule (no dict per
finding); these tests pin it against independent slow paths: ``json.dumps`` of
``Report.to_dict()`` and of the findings' own ``Finding.to_dict()``, on a generated
mid-size company (YAML, so findings carry facts locations) and on hand-made findings
with awkward values.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from policy_sdk.engine.context import Context
from policy_sdk.engine.engine import Engine
from policy_sdk.engine.report import STATUSES, Finding, Report
from policy_sdk.engine.rules import Outcome
from policy_sdk.engine.source import EngineFindings
from policy_sdk.errors import Span
from policy_sdk.facts import load_facts
from policy_sdk.facts.model import Facts
from policy_sdk.facts.schema import Schema

ROOT = Path(__file__).resolve().parents[2]
AS_OF = "2026-11-20"
INDENTS = (None, -1, 0, 1, 2, 4)


def _generated(n: int) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from engine_bench import generate  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    doc: dict[str, Any] = generate(n)
    # some awkward text in the facts, and a stopped filing for the other rules
    doc["algorithms"][0]["id"] = 'alg "quoted" 100%'
    for entry in (*doc["deployments"], *doc["filings"], *doc["records"]):
        if entry.get("algorithm") == "alg0":
            entry["algorithm"] = doc["algorithms"][0]["id"]
    running = [d for d in doc["deployments"] if d["status"] != "stopped"]
    for i, dep in enumerate(running[::40]):  # launched lately: still pending
        dep["launched_on"] = f"2026-11-{10 + i % 10}"
    return doc


@pytest.fixture(scope="module")
def facts_file(tmp_path_factory: pytest.TempPathFactory) -> Facts:
    path = tmp_path_factory.mktemp("facts") / "company.yaml"
    path.write_text(yaml.safe_dump(_generated(1_000), allow_unicode=True), encoding="utf-8")
    return load_facts(path)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def _slow(report: Report, include_all: bool, severity: str | None, indent: int | None) -> str:
    return json.dumps(report.to_dict(include_all, severity=severity), ensure_ascii=False,
                      indent=indent)


def _from_findings(report: Report, include_all: bool, severity: str | None,
                   indent: int | None) -> str:
    """The report built from ``Finding.to_dict`` alone (no ``Report.to_dict``)."""
    statuses = STATUSES if include_all else ("violated", "pending")
    listed = [f for f in report.findings
              if f.status in statuses and (severity is None or f.severity == severity)]
    counts = dict(report.counts)
    doc: dict[str, Any] = {"as_of": report.as_of.isoformat()}
    if report.meta is not None:
        doc["meta"] = report.meta
    doc["summary"] = {**counts, "total": sum(counts.values()), "listed": len(listed)}
    doc["findings"] = [f.to_dict() for f in listed]
    return json.dumps(doc, ensure_ascii=False, indent=indent)


def test_generated_company_text_is_the_standard_encoding(
    engine: Engine, facts_file: Facts
) -> None:
    reference = engine.evaluate(facts_file, as_of=AS_OF)
    assert {f.status for f in reference.findings} == set(STATUSES)
    assert any(f.facts_path for f in reference.findings)  # YAML: facts locations written
    assert any("%" in line for f in reference.findings for line in f.explanation)
    for include_all in (False, True):
        for severity in (None, "mandatory", "advisory"):
            for indent in (None, 0, 2):
                fresh = engine.evaluate(facts_file, as_of=AS_OF)  # builds its own findings
                text = fresh.to_json(include_all, severity=severity, indent=indent)
                assert text == _slow(reference, include_all, severity, indent), (
                    include_all, severity, indent)
                if indent == 2:
                    assert text == _from_findings(reference, include_all, severity, indent)


def test_findings_asked_for_before_the_text(engine: Engine, facts_file: Facts) -> None:
    report = engine.evaluate(facts_file, as_of=AS_OF)
    violated = report.violations()
    assert violated
    text = report.to_json()
    assert text == _slow(report, False, None, 2)
    assert report.violations() is violated  # the text made no second set of findings
    listed = report.select()  # now the text is written from these Finding objects
    assert report.to_json() == text
    assert report.select() is listed


def _evaluated(engine: Engine, facts: Facts) -> tuple[tuple[Outcome, ...], Context, Schema]:
    """The rules' outcomes, as the engine evaluates them (for an independent source)."""
    day = dt.date.fromisoformat(AS_OF)
    ctx = Context(facts, day, engine.calendar,
                  {name: spec.impl for name, spec in engine.functions.items()})
    return tuple(rule.run(ctx) for rule in engine.rules), ctx, engine.schema


def _key(f: Finding) -> tuple[str, ...]:
    return (*f.sort_key(), f.status)


@pytest.mark.parametrize(
    "statuses", [("violated",), ("violated", "pending"), ("satisfied", "not_applicable"),
                 STATUSES])
def test_findings_as_the_engine_builds_and_sorts_them(
    engine: Engine, facts_file: Facts, statuses: tuple[str, ...]
) -> None:
    """The report orders and makes findings itself (sorted first, then made); the
    engine's own ``build`` sorted by the report's key is the independent reference."""
    report = engine.evaluate(facts_file, as_of=AS_OF)
    source = EngineFindings(*_evaluated(engine, facts_file))
    reference = sorted(source.build(statuses), key=_key)
    assert reference
    assert [f.to_dict() for f in report.select(statuses)] == [f.to_dict() for f in reference]
    assert [f.platforms for f in report.select(statuses)] == [f.platforms for f in reference]
    for severity in ("mandatory", "advisory"):
        fresh = engine.evaluate(facts_file, as_of=AS_OF)
        assert fresh.select(statuses, severity=severity) == tuple(
            f for f in reference if f.severity == severity)
    rule = reference[-1].rule
    fresh = engine.evaluate(facts_file, as_of=AS_OF)
    assert fresh.select(statuses, rule=rule) == tuple(f for f in reference if f.rule == rule)
    if set(statuses) in ({"violated", "pending"}, set(STATUSES)):
        doc = {
            "as_of": AS_OF,
            "meta": report.meta,
            "summary": {**report.counts, "total": sum(report.counts.values()),
                        "listed": len(reference)},
            "findings": [f.to_dict() for f in reference],
        }
        fresh = engine.evaluate(facts_file, as_of=AS_OF)
        assert fresh.to_json(len(statuses) == 4) == json.dumps(doc, ensure_ascii=False,
                                                                indent=2)


def _finding(**changes: Any) -> Finding:
    values: dict[str, Any] = {
        "rule": "p/r", "status": "violated", "severity": "mandatory", "algorithm": "a",
        "platform": "p", "filing": None, "message": "m", "citation": None,
        "remedy": None, "deadline": None, "explanation": (), "origin": "o",
        "span": None, "facts_path": None, "facts_line": None,
    }
    values.update(changes)
    return Finding(**values)


AWKWARD = [
    _finding(),
    _finding(message='100% "sure" \\ {braces} %s %(x)s', citation="《条》\n第一款",
             remedy="\x00\x1f\x7f\u2028", explanation=("one", "two % three", ""),
             span=Span("policies/x.policy", 3, 5, 3, 9), facts_path="deployments[0]",
             facts_line=7, deadline=dt.date(2026, 1, 2)),
    _finding(rule="p/s", status="pending", severity="advisory", algorithm=None,
             platform=None, filing="网信算备1号", facts_path="filings[1]", facts_line=None,
             deadline=dt.datetime(2026, 1, 2, 3, 4)),
    _finding(rule="p/s", status="satisfied", severity="advisory", origin="plugin:x",
             span=Span("plugin:x", 1, 1, 1, 2)),
    # the same rule with other constants: its own template
    _finding(rule="p/s", status="pending", severity="advisory", message="other",
             span=Span("b", 1, 1, 1, 2), explanation=("x",)),
    _finding(rule="p/s", status="pending", severity="advisory", message="other",
             span=Span("c", 2, 1, 1, 2), explanation=("y",)),
]


@pytest.mark.parametrize("indent", INDENTS)
def test_hand_made_findings(indent: int | None) -> None:
    report = Report(AWKWARD, as_of=dt.date(2026, 11, 20))
    for include_all in (False, True):
        assert report.to_json(include_all, indent=indent) == _slow(report, include_all, None,
                                                                   indent)


@pytest.mark.parametrize(
    "odd",
    [
        _finding(facts_path="x", facts_line=True),  # json writes `true`
        _finding(facts_path="x", facts_line=1.5),
        _finding(explanation=("a", 3)),
        _finding(algorithm=7),
        _finding(message=None),
        _finding(span=Span("f", 1.0, 2, 3, 4)),  # type: ignore[arg-type]
        _finding(deadline="2026-01-02"),  # not a date: json.dumps would fail too
    ],
)
def test_unusual_values_take_the_standard_path(odd: Finding) -> None:
    report = Report([odd, _finding(rule="q/r")], as_of=dt.date(2026, 11, 20))
    for indent in INDENTS:
        try:
            expected = _slow(report, False, None, indent)
        except (AttributeError, TypeError) as exc:
            with pytest.raises(type(exc)):
                report.to_json(indent=indent)
        else:
            assert report.to_json(indent=indent) == expected


_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=8) | st.sampled_from(
    ["%", "%s", '"', "\\", "\n", "{}", "算法"])
_findings = st.builds(
    _finding,
    rule=st.sampled_from(["p/a", "p/b", "q/%"]),
    status=st.sampled_from(STATUSES),
    severity=st.sampled_from(["mandatory", "advisory"]),
    algorithm=st.none() | _text,
    platform=st.none() | _text,
    filing=st.none() | _text,
    message=_text,
    citation=st.none() | _text,
    remedy=st.none() | _text,
    deadline=st.none() | st.dates(),
    explanation=st.lists(_text, max_size=3).map(tuple),
    origin=_text,
    span=st.none() | st.builds(Span, _text, st.integers(1, 99), st.integers(1, 99),
                               st.just(1), st.just(1)),
    facts_path=st.none() | _text,
    facts_line=st.none() | st.integers(1, 10**6),
)


@given(findings=st.lists(_findings, max_size=6), indent=st.sampled_from(INDENTS),
       include_all=st.booleans())
def test_any_findings(findings: list[Finding], indent: int | None, include_all: bool) -> None:
    report = Report(findings, as_of=dt.date(2026, 11, 20))
    assert report.to_json(include_all, indent=indent) == _slow(report, include_all, None,
                                                               indent)


def test_reporters_write_the_standard_encoding(engine: Engine, facts_file: Facts) -> None:
    from policy_sdk.engine.reporters import render_json, render_sarif

    report = engine.evaluate(facts_file, as_of=AS_OF)
    for include_all in (False, True):
        text = render_json(engine.evaluate(facts_file, as_of=AS_OF), include_all=include_all)
        assert text == _slow(report, include_all, None, 2) + "\n"
        sarif = render_sarif(report, include_all=include_all, facts_file="facts.yaml")
        assert sarif == json.dumps(json.loads(sarif), ensure_ascii=False, indent=2) + "\n"
        assert len(json.loads(sarif)["runs"][0]["results"]) == len(
            json.loads(text)["findings"])
