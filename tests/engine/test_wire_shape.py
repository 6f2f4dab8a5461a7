"""One wire shape: the finding's fields are declared once (``FINDING_FIELDS``), and
``Finding.to_dict``, the fast writer and ``docs/report.schema.json`` follow it; engine
findings work out their details only when read; the report streams its JSON."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import pickle
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from policy_sdk.engine import report as report_module
from policy_sdk.engine.context import Context
from policy_sdk.engine.deadlines import working_days_left
from policy_sdk.engine.engine import Engine
from policy_sdk.engine.finding import (
    FINDING_FIELDS,
    UNREAD,
    Finding,
    finding_schema,
    order_key,
    urgency_key,
)
from policy_sdk.engine.report import STATUSES, Report
from policy_sdk.engine.reporters import iter_json, render_json, render_sarif
from policy_sdk.facts.model import Facts, Organization
from policy_sdk.workdays import default_calendar

from .engine_support import AS_OF, COMPANY, ROOT, load

SCHEMA = ROOT / "docs" / "report.schema.json"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def test_the_schema_file_states_the_declared_fields() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["$defs"]["finding"] == finding_schema(), (
        "docs/report.schema.json's $defs.finding differs from FINDING_FIELDS: write "
        "policy_sdk.engine.finding.finding_schema() there")


def test_every_finding_attribute_is_on_the_wire() -> None:
    read = {name for field in FINDING_FIELDS for name in field.reads}
    attributes = {a.alias for a in attrs.fields(Finding)} - {"source", "index"}
    assert attributes == read
    names = [f.name for f in FINDING_FIELDS]
    assert len(names) == len(set(names))


def test_to_dict_follows_the_declaration(engine: Engine) -> None:
    report = engine.evaluate(COMPANY, as_of=AS_OF)
    order = [f.name for f in FINDING_FIELDS]
    for f in report.findings:
        keys = list(f.to_dict())
        assert keys == [k for k in order if k in keys]
        assert {f.name for f in FINDING_FIELDS if not f.optional} <= set(keys)


def test_report_with_meta_validates(engine: Engine) -> None:
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    report = engine.evaluate(COMPANY, as_of=AS_OF)
    doc = json.loads(report.to_json(True))
    jsonschema.validate(doc, schema)
    meta = doc["meta"]
    assert meta["facts"] == {"file": str(COMPANY),
                             "sha256": hashlib.sha256(COMPANY.read_bytes()).hexdigest()}
    assert meta["as_of"] == AS_OF.isoformat()
    assert meta["organization"] == load().organization.name
    assert meta["policies"]["pack"] == "default"
    assert meta["policies"]["files"] == ["policies/algorithm_filing.policy"]
    assert "core" in [p["name"] for p in meta["plugins"]]
    # facts given in memory: no file; the same rules: the same digest
    document = json.loads((ROOT / "examples" / "company.json").read_text(encoding="utf-8"))
    from_memory = json.loads(engine.evaluate(document, as_of=AS_OF).to_json())["meta"]
    assert from_memory["facts"] is None
    assert from_memory["policies"]["sha256"] == meta["policies"]["sha256"]
    other = Engine.from_source("require filing per platform", load_entrypoints=False)
    theirs = json.loads(other.evaluate(load(), as_of=AS_OF).to_json())["meta"]["policies"]
    assert theirs["pack"] is None
    assert theirs["sha256"] != meta["policies"]["sha256"]
    # a report made from findings alone says nothing it does not know
    assert "meta" not in json.loads(Report(report.findings, as_of=report.as_of).to_json())


def test_sarif_carries_the_provenance(engine: Engine) -> None:
    report = engine.evaluate(COMPANY, as_of=AS_OF)
    run = json.loads(render_sarif(report, facts_file=str(COMPANY)))["runs"][0]
    assert run["properties"]["meta"] == report.meta
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is True
    per_filing = [r for r in run["results"] if r["properties"]["filing"]]
    assert per_filing
    assert all(r["properties"]["platforms"] for r in per_filing)


def test_working_days_left(engine: Engine) -> None:
    report = engine.evaluate(COMPANY, as_of=AS_OF)
    seen = set()
    for f in report.findings:
        left = f.working_days_left
        if f.deadline is None:
            assert left is None
        elif f.status == "violated":  # overdue: minus the working days since
            assert left is not None
            assert left < 0
            seen.add("overdue")
        elif f.status == "pending":
            assert left is not None
            assert left >= 0
            seen.add("pending")
    assert seen == {"overdue", "pending"}
    # counted on the calendar: 2026-11-20 is a Friday; a deadline on the next Thursday
    # leaves 4 working days (Mon, Tue, Wed, Thu)
    pending = [f for f in report.findings if f.status == "pending"]
    for f in pending:
        assert f.deadline is not None
        weekdays = [f.deadline - dt.timedelta(days=i) for i in range((f.deadline - AS_OF).days)]
        assert f.working_days_left == sum(1 for d in weekdays if d.weekday() < 5), f


def test_details_are_worked_out_when_read(engine: Engine) -> None:
    report = engine.evaluate(COMPANY, as_of=AS_OF)
    violated = report.violations()
    assert violated
    assert all(f._explanation is UNREAD for f in violated)
    assert report.counts["violated"] == len(violated)
    first = violated[0]
    assert first.explanation  # worked out now, with its siblings
    assert first._remedy is not UNREAD
    assert first._facts_path is not UNREAD
    assert all(f._explanation is UNREAD for f in violated[1:])
    # a pickled finding carries its details, not the evaluation behind them
    copy = pickle.loads(pickle.dumps(violated[1]))
    assert copy.to_dict() == violated[1].to_dict()
    assert copy._source is None
    # evolve keeps a detail it is given and works out the others
    changed = attrs.evolve(violated[2], remedy="mine")
    assert changed.remedy == "mine"
    assert changed.explanation == violated[2].explanation


def test_iter_json_is_to_json_in_pieces(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report_module, "_PIECES_PER_CHUNK", 50)
    for include_all in (False, True):
        whole = engine.evaluate(COMPANY, as_of=AS_OF).to_json(include_all)
        pieces = list(engine.evaluate(COMPANY, as_of=AS_OF).iter_json(include_all))
        assert len(pieces) > 3
        assert "".join(pieces) == whole
        report = engine.evaluate(COMPANY, as_of=AS_OF)
        assert "".join(iter_json(report, include_all=include_all)) == render_json(
            report, include_all=include_all) == whole + "\n"
    # streamed findings are not kept: asked for later, they are made then
    report = engine.evaluate(COMPANY, as_of=AS_OF)
    "".join(report.iter_json())
    assert report.select() == engine.evaluate(COMPANY, as_of=AS_OF).select()


def test_orders(engine: Engine) -> None:
    report = engine.evaluate(COMPANY, as_of=AS_OF)
    findings = report.findings
    assert list(findings) == sorted(
        findings, key=lambda f: order_key(f.rule, f.algorithm, f.platform, f.filing, f.status))
    urgent = report.by_urgency(STATUSES)
    assert sorted(urgent, key=urgency_key) == urgent
    overdue = [f for f in urgent if f.status == "violated" and f.deadline is not None]
    assert urgent[: len(overdue)] == overdue
    assert [f.deadline for f in overdue] == sorted(f.deadline for f in overdue if f.deadline)
    pending = [f for f in urgent if f.status == "pending"]
    assert [f.deadline for f in pending] == sorted(f.deadline for f in pending if f.deadline)


def _slow(values: dict[str, Any]) -> str:
    return json.dumps(values, ensure_ascii=False, indent=2)


def test_hand_made_platforms_and_days_left() -> None:
    f = Finding("p/r", "pending", "mandatory", "a", None, "F1", "m", deadline=dt.date(2026, 1, 5),
                platforms=("x", "y"), working_days_left=3)
    report = Report([f], as_of=dt.date(2026, 1, 1))
    assert report.to_json() == _slow(report.to_dict())
    assert json.loads(report.to_json())["findings"][0]["platforms"] == ["x", "y"]
    assert json.loads(report.to_json())["findings"][0]["working_days_left"] == 3


@given(as_of=st.dates(dt.date(2024, 1, 1), dt.date(2026, 12, 31)),
       due=st.dates(dt.date(2024, 1, 1), dt.date(2026, 12, 31)))
def test_working_days_left_counts_the_calendar_day_by_day(as_of: dt.date, due: dt.date) -> None:
    """The per-year tables (the fast path) against a day-by-day count (its slow twin)."""
    calendar = default_calendar()
    ctx = Context(Facts(Organization("o")), as_of, calendar, {})
    left = working_days_left(ctx, due)
    if due >= as_of:
        days = [as_of + dt.timedelta(days=i) for i in range(1, (due - as_of).days + 1)]
        assert left == sum(1 for d in days if calendar.is_workday(d))
    else:
        days = [due + dt.timedelta(days=i) for i in range(1, (as_of - due).days + 1)]
        assert left == -max(1, sum(1 for d in days if calendar.is_workday(d)))
