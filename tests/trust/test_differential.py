"""Differential test: the engine and the reference interpreter give identical findings.

Each example draws one module of RULES_PER_MODULE independent random well-typed
rules and FACTS_PER_EXAMPLE random facts documents, so one example checks
RULES_PER_MODULE × FACTS_PER_EXAMPLE policy×facts pairs: with the ``ci`` profile's
60 examples that is 480 pairs per run (2000 examples, 16,000 pairs, with
``HYPOTHESIS_PROFILE=thorough``).

A difference found here becomes an ``@example`` below, with a note on whose bug it
was (engine, reference, or docs/semantics.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from hypothesis import example, given
from hypothesis import strategies as st
from policy_strategies import PolicyGenerator, as_of_dates, facts

from policy_sdk import ast
from policy_sdk.api import Engine
from policy_sdk.engine.report import Finding
from policy_sdk.facts.model import (
    Algorithm,
    Deployment,
    Facts,
    Filing,
    Organization,
    Platform,
)
from policy_sdk.reference import evaluate_reference
from policy_sdk.workdays import default_calendar

RULES_PER_MODULE = 4
FACTS_PER_EXAMPLE = 2

CALENDAR = default_calendar()
_PROBE = Engine([], plugin_rules=False, calendar=CALENDAR)
GEN = PolicyGenerator(_PROBE.schema, _PROBE.functions)


def engine_findings(module: ast.Module, facts: Facts, as_of: dt.date) -> list[Finding]:
    engine = Engine([module], plugin_rules=False, calendar=CALENDAR)
    return list(engine.evaluate(facts, as_of=as_of).findings)


def reference_findings(module: ast.Module, facts: Facts, as_of: dt.date) -> list[Finding]:
    return evaluate_reference(
        [module], facts, as_of=as_of, calendar=CALENDAR, schema=_PROBE.schema,
        functions={name: spec.impl for name, spec in _PROBE.functions.items()},
    )


def _diff(want: Sequence[Finding], got: Sequence[Finding]) -> str:
    lines = []
    for w, g in zip(want, got, strict=False):
        if w != g:
            lines.append(f"reference: {w}\nengine:    {g}")
    if len(want) != len(got):
        lines.append(f"reference has {len(want)} findings, engine {len(got)}")
    return "\n".join(lines)


def check_agree(module: ast.Module, facts: Facts, as_of: dt.date) -> None:
    want = reference_findings(module, facts, as_of)
    got = engine_findings(module, facts, as_of)
    # equality is the decision (docs/semantics.md §6); the remedy is advice, and the
    # engine's may add a note on reusable materials to the rule's own
    assert got == want, _diff(want, got)
    for w, g in zip(want, got, strict=True):
        assert (g.remedy or "").startswith(w.remedy or ""), (w, g)


# --- regressions found by the generator (each with its story) -------------------------

_SMALL = Facts(
    organization=Organization("o"),
    algorithms=(Algorithm("a1", uses_recommendation=True),),
    platforms=(Platform("p1", "app"), Platform("p2", "website")),
    deployments=(
        Deployment("a1", "p1", "active", launched_on=dt.date(2026, 9, 24)),
        Deployment("a1", "p2", "stopped", stopped_on=dt.date(2026, 9, 30)),
    ),
    filings=(Filing("F1", "a1", ("p1", "p2"), "active"),),
)


@given(
    module=GEN.modules(RULES_PER_MODULE),
    documents=st.lists(facts(), min_size=FACTS_PER_EXAMPLE, max_size=FACTS_PER_EXAMPLE),
    as_of=as_of_dates,
)
@example(  # the semantics.md §5 example: due 2026-10-15, pending on the due date itself
    # rule r { require filing per platform where deployment.running
    #          within 10 working days of launched_on }
    module=ast.Module((ast.Rule("r", ast.Require(
        ast.Ident("filing"), ast.Ident("platform"), where=ast.Path(("deployment", "running")),
        deadline=ast.Deadline(10, True, ast.Path(("launched_on",))))),)),
    documents=[_SMALL, _SMALL],
    as_of=dt.date(2026, 10, 15),
)
def test_engine_agrees_with_reference(
    module: ast.Module, documents: list[Facts], as_of: dt.date
) -> None:
    for document in documents:
        check_agree(module, document, as_of)


def test_generated_policies_are_well_typed() -> None:
    """The generator only makes policies the validator accepts (else the test is moot)."""
    from hypothesis import settings

    @settings(max_examples=20)
    @given(GEN.modules(RULES_PER_MODULE))
    def build(module: ast.Module) -> None:
        engine = Engine([module], plugin_rules=False, calendar=CALENDAR)
        assert len(engine.rules) == RULES_PER_MODULE

    build()
