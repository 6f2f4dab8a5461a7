"""The evaluator's entry: compiled rules run over facts into a :class:`Report`.

::

    report = evaluate_rules(rules, facts, as_of, calendar, functions, schema)

The rules come from :func:`policy_sdk.pipeline.compile_policy_set`; the facade that
wires the stages together for embedders is :class:`policy_sdk.Engine` (defined in
:mod:`policy_sdk.api`, and still importable from here). This module imports nothing
from the parser, the plugin manager, the facts loader or the cancellation planner.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from policy_sdk._gc import gc_pause_allowed, gc_paused
from policy_sdk.engine.context import Context
from policy_sdk.engine.localized import rule_texts
from policy_sdk.engine.report import STATUSES, Finding, Report, RuleInfo
from policy_sdk.engine.rules import CompiledRule, Outcome
from policy_sdk.errors import Diagnostic, EvaluationError
from policy_sdk.facts.model import Facts
from policy_sdk.facts.schema import Schema
from policy_sdk.plugins.specs import FunctionSpec
from policy_sdk.workdays import WorkdayCalendar

if TYPE_CHECKING:
    from policy_sdk.api import Engine
    from policy_sdk.engine.explain import FindingMaker

__all__ = ["Engine", "evaluate_rules", "parse_as_of"]


def __getattr__(name: str) -> Any:
    # the facade lives above the evaluator (policy_sdk.api); kept importable from here
    if name == "Engine":
        from policy_sdk.api import Engine

        return Engine
    raise AttributeError(f"module 'policy_sdk.engine.engine' has no attribute {name!r}")


def parse_as_of(value: dt.date | str | None, *, what: str = "as-of date") -> dt.date:
    """A date from a date, an ISO ``YYYY-MM-DD`` text, or None: today *in China*
    (Asia/Shanghai, see :mod:`policy_sdk.clock`), not the host's local date."""
    if value is None:
        from policy_sdk.clock import today

        return today()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise EvaluationError(
            [Diagnostic("bad-date", f"`{value}` is not a date", help="write `YYYY-MM-DD`, "
                        f"e.g. `2026-11-20`, for the {what}")]
        ) from None


def evaluate_rules(
    rules: Sequence[CompiledRule],
    facts: Facts,
    as_of: dt.date,
    calendar: WorkdayCalendar,
    functions: Mapping[str, FunctionSpec],
    schema: Schema,
    *,
    pause_gc: bool = False,
) -> Report:
    """Every rule on every scope key of ``facts`` as of ``as_of``.

    ``pause_gc`` lets the report pause the cyclic collector when it builds its findings
    later (the caller decides for the evaluation itself, see :mod:`policy_sdk._gc`).
    """
    impls = {name: spec.impl for name, spec in functions.items()}
    ctx = Context(facts, as_of, calendar, impls)
    # The rules allocate index lists and key tuples next to the (often millions of)
    # facts objects; a cyclic collection in between would walk all of them again
    # (up to 2 s at 1M deployments) and finds nothing: the rules make no cycles.
    with gc_paused():
        outcomes = tuple(rule.run(ctx) for rule in rules)
    infos = tuple(
        RuleInfo(r.id, r.severity, *rule_texts(r.rule, r.id), r.origin, r.span)
        for r in sorted(rules, key=lambda r: r.id)
    )
    return Report(as_of=as_of, rules=infos, lazy=_Lazy(outcomes, ctx, schema, pause_gc))


class _Lazy:
    """Builds an engine report's findings on demand."""

    def __init__(self, outcomes: tuple[Outcome, ...], ctx: Context, schema: Schema,
                 pause_gc: bool = False) -> None:
        self.outcomes = outcomes
        self.ctx = ctx
        self.schema = schema
        self.pause_gc = pause_gc
        self._makers: list[FindingMaker] | None = None

    def counts(self) -> dict[str, int]:
        total: dict[str, int] = {s: 0 for s in STATUSES}
        for outcome in self.outcomes:
            for status, n in outcome.counts().items():
                total[status] += n
        return total

    def makers(self) -> list[FindingMaker]:
        """One finding maker per outcome, made at most once per report."""
        if self._makers is None:
            from policy_sdk.engine.explain import FindingMaker

            self._makers = [FindingMaker(o, self.ctx, self.schema) for o in self.outcomes]
        return self._makers

    def build(self, statuses: tuple[str, ...]) -> list[Finding]:
        """Findings of ``statuses`` (unsorted: the report sorts them)."""
        # many small objects, no cycles: nothing for the collector (where allowed)
        with gc_pause_allowed(self.pause_gc), gc_paused():
            return self._build(set(statuses))

    def _build(self, wanted: set[str]) -> list[Finding]:
        out: list[Finding] = []
        for outcome, make in zip(self.outcomes, self.makers(), strict=True):
            pairs = outcome.with_statuses(wanted)
            out.extend([make(i, s) for i, s in pairs])  # type: ignore[arg-type]
        return out
