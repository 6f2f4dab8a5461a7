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

from policy_sdk._gc import gc_paused
from policy_sdk.dates import read_date
from policy_sdk.engine.context import Context
from policy_sdk.engine.kept_texts import kept_for
from policy_sdk.engine.localized import rule_texts_in
from policy_sdk.engine.report import Report, RuleInfo
from policy_sdk.engine.rules import CompiledRule
from policy_sdk.engine.source import EngineFindings
from policy_sdk.errors import Diagnostic, EvaluationError
from policy_sdk.facts.model import Facts
from policy_sdk.facts.schema import Schema
from policy_sdk.i18n import get_language
from policy_sdk.plugins.specs import FunctionSpec
from policy_sdk.workdays import WorkdayCalendar

if TYPE_CHECKING:
    from policy_sdk.api import Engine
    from policy_sdk.pipeline import policy_files

__all__ = ["Engine", "evaluate_rules", "parse_as_of", "policy_files"]


def __getattr__(name: str) -> Any:
    # the facade and the path expansion live above the evaluator (policy_sdk.api,
    # policy_sdk.pipeline); still importable from here
    if name == "Engine":
        from policy_sdk.api import Engine

        return Engine
    if name == "policy_files":
        from policy_sdk.pipeline import policy_files

        return policy_files
    raise AttributeError(f"module 'policy_sdk.engine.engine' has no attribute {name!r}")


def parse_as_of(value: dt.date | str | None, *, what: str = "as-of date") -> dt.date:
    """A date from a date, an ISO ``YYYY-MM-DD`` text, or None: today *in China*
    (Asia/Shanghai, see :mod:`policy_sdk.clock`), not the host's local date."""
    if value is None:
        from policy_sdk.clock import today

        return today()
    day = read_date(value if isinstance(value, dt.date) else str(value))
    if day is None:
        raise EvaluationError(
            [Diagnostic("bad-date", f"`{value}` is not a date", help="write `YYYY-MM-DD`, "
                        f"e.g. `2026-11-20`, for the {what}")]
        )
    return day


def evaluate_rules(
    rules: Sequence[CompiledRule],
    facts: Facts,
    as_of: dt.date,
    calendar: WorkdayCalendar,
    functions: Mapping[str, FunctionSpec],
    schema: Schema,
    *,
    pause_gc: bool = False,
    meta: Mapping[str, Any] | None = None,
) -> Report:
    """Every rule on every scope key of ``facts`` as of ``as_of``.

    ``pause_gc`` lets the report pause the cyclic collector when it builds its findings
    later (the caller decides for the evaluation itself, see :mod:`policy_sdk._gc`).
    ``meta``: the report's provenance (:mod:`policy_sdk.provenance`).
    """
    infos = rule_infos(rules)
    impls = {name: spec.impl for name, spec in functions.items()}
    ctx = Context(facts, as_of, calendar, impls)
    # The rules allocate index lists and key tuples next to the (often millions of)
    # facts objects; a cyclic collection in between would walk all of them again
    # (up to 2 s at 1M deployments) and finds nothing: the rules make no cycles.
    with gc_paused():
        outcomes = tuple(rule.run(ctx) for rule in rules)
    return Report(as_of=as_of, rules=infos, source=EngineFindings(outcomes, ctx, schema),
                  meta=meta, pause_gc=pause_gc)


#: id(rules) -> (the rules, language -> their :func:`rule_infos`): an engine's compiled
#: rules are a tuple of frozen rules, so what a report says about them is made once
#: per language (dict operations only: safe between threads)
_INFOS: dict[int, tuple[tuple[CompiledRule, ...], dict[str, tuple[RuleInfo, ...]]]] = {}


def rule_infos(rules: Sequence[CompiledRule]) -> tuple[RuleInfo, ...]:
    """What a report says about ``rules`` (sorted by id, texts in the current language);
    kept for a tuple of rules (:func:`rule_infos_uncached` is the slow twin)."""
    language = get_language()
    if type(rules) is not tuple:  # a list may change: made anew
        return rule_infos_uncached(rules, language)
    return kept_for(_INFOS, rules, language, lambda: rule_infos_uncached(rules, language), 32)


def rule_infos_uncached(rules: Sequence[CompiledRule], language: str) -> tuple[RuleInfo, ...]:
    """:func:`rule_infos`, made anew in ``language``."""
    return tuple(
        RuleInfo(r.id, r.severity, *rule_texts_in(r.rule, r.id, language), r.origin, r.span)
        for r in sorted(rules, key=lambda r: r.id)
    )
