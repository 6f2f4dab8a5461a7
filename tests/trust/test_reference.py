"""The reference interpreter on its own: the examples of docs/semantics.md, and its
re-derived computed attributes (§7) against policy_sdk.facts.derived."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from policy_strategies import facts

from policy_sdk import ast
from policy_sdk.facts.derived import deployment_index, filing_state
from policy_sdk.facts.model import Algorithm, Deployment, Facts, Filing, Organization, Platform
from policy_sdk.facts.schema import CORE_SCHEMA
from policy_sdk.reference import TraceEvent, evaluate_reference
from policy_sdk.reference.interpreter import _computed
from policy_sdk.workdays import default_calendar

CALENDAR = default_calendar()


def _rule(statement: ast.Statement) -> ast.Module:
    return ast.Module((ast.Rule("r", statement, title="t"),))


def test_section_5_example_due_date_and_pending_on_the_due_day() -> None:
    """§5: launched 2026-09-24, 10 working days → due 2026-10-15; pending while as_of <= due."""
    module = _rule(ast.Require(ast.Ident("filing"), ast.Ident("platform"),
                               deadline=ast.Deadline(10, True, ast.Path(("launched_on",)))))
    f = Facts(Organization("o"), (Algorithm("a"),), (Platform("p", "app"),),
              (Deployment("a", "p", launched_on=dt.date(2026, 9, 24)),))
    on_due = evaluate_reference([module], f, as_of=dt.date(2026, 10, 15), calendar=CALENDAR)
    after = evaluate_reference([module], f, as_of=dt.date(2026, 10, 16), calendar=CALENDAR)
    assert [(x.status, x.deadline) for x in on_due] == [("pending", dt.date(2026, 10, 15))]
    assert [(x.status, x.deadline) for x in after] == [("violated", dt.date(2026, 10, 15))]


def test_section_4_1_filing_is_per_platform_and_distinct() -> None:
    f = Facts(Organization("o"), (Algorithm("a"),), (Platform("p", "app"), Platform("q", "app")),
              (Deployment("a", "p"), Deployment("a", "q")),
              (Filing("F", "a", ("p", "q")), Filing("G", "a", ("q",), status="rejected")))
    plain = _rule(ast.Require(ast.Ident("filing"), ast.Ident("platform")))
    distinct = _rule(ast.Require(ast.Ident("filing"), ast.Ident("platform"), distinct=True))
    assert [x.status for x in evaluate_reference([plain], f, as_of=dt.date(2026, 1, 5),
                                                 calendar=CALENDAR)] == ["satisfied", "satisfied"]
    assert [x.status for x in evaluate_reference([distinct], f, as_of=dt.date(2026, 1, 5),
                                                 calendar=CALENDAR)] == ["violated", "violated"]


def test_trace_reports_short_circuit() -> None:
    where = ast.BoolOp("and", (ast.Literal(False), ast.Path(("deployment", "running"))))
    module = _rule(ast.Forbid(None, ast.Ident("platform"), where=where))
    f = Facts(Organization("o"), (Algorithm("a"),), (Platform("p", "app"),),
              (Deployment("a", "p"),))
    events: list[TraceEvent] = []
    out = evaluate_reference([module], f, as_of=dt.date(2026, 1, 5), calendar=CALENDAR,
                             trace=events.append)
    assert [x.status for x in out] == ["satisfied"]
    points = {(e.point, e.outcome) for e in events}
    assert (("where", 0), False) in points
    assert not any(e.point == ("where", 1) for e in events)  # never evaluated


@given(facts())
def test_computed_filing_attributes_match_the_derived_module(document: Facts) -> None:
    index = deployment_index(document)
    for filing in document.filings:
        state = filing_state(filing, index)
        for name in ("stopped_platforms", "running_platforms", "terminated", "terminated_on",
                     "partially_stopped", "first_stopped_on"):
            assert CORE_SCHEMA.get("filing", name) is not None
            assert _computed(filing, name, document) == getattr(state, name), name
