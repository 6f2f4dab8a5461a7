"""Run policy test files: evaluate each case, compare findings, collect coverage.

The evaluator is injected (:data:`RuleSetFactory`): by default the real
:class:`policy_sdk.Engine`; :func:`reference_rule_set` runs the reference
interpreter instead. Coverage always comes from a traced reference run on the same
rules and facts.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import attrs

from policy_sdk import ast
from policy_sdk.engine.report import Finding
from policy_sdk.errors import Diagnostic, PolicySdkError, did_you_mean
from policy_sdk.facts.model import Facts
from policy_sdk.facts.schema import Schema
from policy_sdk.policytest.coverage import CoverageCollector, RuleCoverage
from policy_sdk.policytest.model import (
    Expectation,
    PolicyTestError,
    TestCase,
    TestFile,
    discover,
    load_test_file,
)
from policy_sdk.reference import evaluate_reference

if TYPE_CHECKING:
    from policy_sdk.api import Engine
    from policy_sdk.plugins.manager import Registry
    from policy_sdk.workdays import WorkdayCalendar


class RuleSet(Protocol):
    """What the runner needs of an engine loaded with one test file's rules."""

    def load_facts(self, document: Mapping[str, Any]) -> Facts: ...

    def evaluate(self, facts: Facts, as_of: dt.date) -> Sequence[Finding]: ...


@attrs.frozen
class Suite:
    """The rules one test file runs: parsed modules, their origins, the registry."""

    test_file: TestFile
    modules: tuple[ast.Module, ...]
    origins: tuple[str, ...]
    registry: Registry
    calendar: WorkdayCalendar
    #: how the registry was loaded (``plugins``, ``load_entrypoints``, ``disabled_plugins``),
    #: so an engine can load the same plugins
    plugin_options: Mapping[str, Any] = attrs.field(factory=dict)

    @property
    def rule_ids(self) -> list[str]:
        return [rule_id for m in self.modules for rule_id, _ in ast.rule_ids(m)]

    @property
    def functions(self) -> dict[str, Callable[..., Any]]:
        """The plugins' functions, by name."""
        return {name: spec.impl for name, spec in self.registry.functions.items()}

    @property
    def schema(self) -> Schema:
        """The schema the policies were checked against (as the engine's)."""
        from policy_sdk.pipeline import schema_for

        return schema_for(self.registry)


RuleSetFactory = Callable[[Suite], RuleSet]


# --- the two evaluators ----------------------------------------------------------------


@attrs.frozen
class _EngineRuleSet:
    engine: Engine

    def load_facts(self, document: Mapping[str, Any]) -> Facts:
        facts: Facts = self.engine.load_facts(document)
        return facts

    def evaluate(self, facts: Facts, as_of: dt.date) -> Sequence[Finding]:
        return tuple(self.engine.evaluate(facts, as_of=as_of).findings)


def engine_rule_set(suite: Suite) -> RuleSet:
    """The real engine, loaded with the suite's policy files (and plugin rules if asked)."""
    from policy_sdk.engine.engine import Engine

    engine = Engine(
        [str(p) for p in suite.test_file.policies],
        plugin_rules=suite.test_file.plugin_rules,
        calendar=suite.calendar,
        **suite.plugin_options,
    )
    return _EngineRuleSet(engine)


def _load_facts(suite: Suite, document: Mapping[str, Any]) -> Facts:
    from policy_sdk.facts import load_facts

    facts: Facts = load_facts(document, platform_types=suite.registry.platform_types)
    return facts


@attrs.frozen
class _ReferenceRuleSet:
    suite: Suite

    def load_facts(self, document: Mapping[str, Any]) -> Facts:
        return _load_facts(self.suite, document)

    def evaluate(self, facts: Facts, as_of: dt.date) -> Sequence[Finding]:
        return evaluate_reference(
            self.suite.modules, facts, as_of=as_of, calendar=self.suite.calendar,
            schema=self.suite.schema, functions=self.suite.functions,
            origins=self.suite.origins,
        )


def reference_rule_set(suite: Suite) -> RuleSet:
    """The reference interpreter over the suite's modules."""
    return _ReferenceRuleSet(suite)


# --- results ----------------------------------------------------------------------------


@attrs.frozen
class CaseResult:
    file: Path
    case: TestCase
    #: the diff lines when it failed (empty when it passed)
    diff: tuple[str, ...] = ()
    error: PolicySdkError | None = None

    @property
    def passed(self) -> bool:
        return not self.diff and self.error is None

    @property
    def title(self) -> str:
        where = f"{self.file}:{self.case.line}" if self.case.line else str(self.file)
        return f"{where}: {self.case.name} (as of {self.case.as_of})"


@attrs.frozen
class RunResult:
    files: tuple[Path, ...]
    results: tuple[CaseResult, ...]
    #: problems that stopped a whole file (bad test file, policy that does not parse …)
    errors: tuple[tuple[Path, PolicySdkError], ...]
    coverage: tuple[RuleCoverage, ...]

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.results)

    @property
    def failed(self) -> int:
        return sum(1 for r in self.results if r.diff and r.error is None)

    @property
    def broken(self) -> bool:
        """Bad input somewhere (exit status 2)."""
        return bool(self.errors) or any(r.error is not None for r in self.results)

    @property
    def exit_code(self) -> int:
        if self.broken:
            return 2
        return 1 if self.failed else 0


# --- running ----------------------------------------------------------------------------


def _default_calendar() -> WorkdayCalendar:
    from policy_sdk.workdays import default_calendar

    return default_calendar()


def build_suite(
    test_file: TestFile, *, registry: Registry | None = None,
    calendar: WorkdayCalendar | None = None,
    plugin_options: Mapping[str, Any] | None = None,
) -> Suite:
    """Parse the test file's policies (and its plugins' rules, if it asks for them).

    ``plugin_options`` (``plugins``, ``load_entrypoints``, ``disabled_plugins``) say
    which plugins to load, as for :class:`policy_sdk.Engine`; default: the installed ones.
    """
    from policy_sdk import pipeline

    options = dict(plugin_options or {})
    if registry is None:
        registry = pipeline.load_registry(
            options.get("plugins", ()),
            load_entrypoints=options.get("load_entrypoints", True),
            disabled=options.get("disabled_plugins", ()),
        )
    # the same loading as the engine's and `validate`'s: the same answer for odd paths
    policy_set = pipeline.load_policy_set(list(test_file.policies), registry,
                                          plugin_rules=test_file.plugin_rules)
    loaded = policy_set.all_modules
    modules = [m.module for m in loaded]
    origins = [m.origin for m in loaded]
    return Suite(test_file, tuple(modules), tuple(origins), registry,
                 calendar if calendar is not None else _default_calendar(), options)


def _check_rule_ids(suite: Suite) -> None:
    known = suite.rule_ids
    problems = [
        Diagnostic(
            "policy-test-unknown-rule",
            f"no rule `{e.rule}` in the policies this file tests",
            path=e.path + ".rule",
            file=str(suite.test_file.path),
            help=did_you_mean(e.rule, known),
        )
        for case in suite.test_file.cases
        for e in case.expectations
        if e.rule not in known
    ]
    if problems:
        raise PolicyTestError(problems)


def key_text(finding: Finding) -> str:
    """How a finding's key is written in test files: ``alg@plat``, a filing number, an id."""
    if finding.filing is not None:
        return finding.filing
    if finding.platform is not None:
        return f"{finding.algorithm}@{finding.platform}"
    if finding.algorithm is not None:
        return finding.algorithm
    return "the organization"


def _state(finding: Finding, with_deadline: bool) -> str:
    if with_deadline or finding.deadline is not None:
        due = f" (due {finding.deadline})" if finding.deadline else " (no due date)"
        return finding.status + due
    return finding.status


def compare(case: TestCase, findings: Sequence[Finding]) -> list[str]:
    """The diff of expected vs actual findings (empty when the case passes)."""
    diff: list[str] = []
    selected: set[int] = set()
    for e in case.expectations:
        matches = [
            (i, f) for i, f in enumerate(findings) if f.rule == e.rule and e.target.selects(f)
        ]
        selected.update(i for i, _ in matches)
        if not matches:
            keys = sorted({key_text(f) for f in findings if f.rule == e.rule})
            diff.append(f"{e.rule} for {e.target}")
            diff.append(f"  - expected: {_expected_state(e)}")
            diff.append("  + actual:   no such finding"
                        + (f" (the rule has findings for {', '.join(keys)})" if keys else
                           " (the rule has no findings in this case)"))
            continue
        for _, f in matches:
            if f.status != e.status or (e.check_deadline and f.deadline != e.deadline):
                diff.append(f"{e.rule} for {key_text(f)}")
                diff.append(f"  - expected: {_expected_state(e)}")
                diff.append(f"  + actual:   {_state(f, e.check_deadline)}")
    if case.no_other_violations:
        for i, f in enumerate(findings):
            if f.status == "violated" and i not in selected:
                diff.append(f"{f.rule} for {key_text(f)}")
                diff.append("  - expected: no other violations")
                diff.append(f"  + actual:   {_state(f, False)}: {f.message}")
    return diff


def _expected_state(e: Expectation) -> str:
    if e.check_deadline:
        return e.status + (f" (due {e.deadline})" if e.deadline else " (no due date)")
    return e.status


def run_file(
    test_file: TestFile,
    *,
    factory: RuleSetFactory = engine_rule_set,
    coverage: CoverageCollector | None = None,
    registry: Registry | None = None,
    calendar: WorkdayCalendar | None = None,
    plugin_options: Mapping[str, Any] | None = None,
) -> list[CaseResult]:
    """Run every case of one (already loaded) test file."""
    suite = build_suite(test_file, registry=registry, calendar=calendar,
                        plugin_options=plugin_options)
    _check_rule_ids(suite)
    rule_set = factory(suite)
    if coverage is not None:
        for module, origin in zip(suite.modules, suite.origins, strict=True):
            coverage.add_rules(module, origin)
    results = []
    for case in test_file.cases:
        try:
            facts = rule_set.load_facts(case.facts)
            findings = list(rule_set.evaluate(facts, case.as_of))
        except PolicySdkError as exc:
            results.append(CaseResult(test_file.path, case, error=exc))
            continue
        if coverage is not None:
            traced = evaluate_reference(
                suite.modules, facts, as_of=case.as_of, calendar=suite.calendar,
                schema=suite.schema, functions=suite.functions, trace=coverage,
            )
            for f in traced:
                coverage.had_finding(f.rule)
        results.append(CaseResult(test_file.path, case, diff=tuple(compare(case, findings))))
    return results


def run(
    paths: Sequence[str | os.PathLike[str]],
    *,
    factory: RuleSetFactory = engine_rule_set,
    registry: Registry | None = None,
    calendar: WorkdayCalendar | None = None,
    with_coverage: bool = True,
    plugin_options: Mapping[str, Any] | None = None,
) -> RunResult:
    """Discover and run the test files under ``paths``.

    ``factory`` makes the evaluator for each file (default: the engine); ``registry``,
    ``calendar`` and ``plugin_options`` default to the installed plugins and the
    built-in working-day calendar.
    """
    files = discover(list(paths))
    if not files:
        raise PolicyTestError(
            [Diagnostic("policy-test-none",
                        "no policy tests found (test files are named `*.tests.yaml`) in "
                        + ", ".join(f"`{p}`" for p in paths))]
        )
    collector = CoverageCollector() if with_coverage else None
    results: list[CaseResult] = []
    errors: list[tuple[Path, PolicySdkError]] = []
    for f in files:
        try:
            test_file = load_test_file(f)
            results.extend(run_file(test_file, factory=factory, coverage=collector,
                                    registry=registry, calendar=calendar,
                                    plugin_options=plugin_options))
        except PolicySdkError as exc:
            errors.append((f, exc))
    return RunResult(
        files=tuple(files),
        results=tuple(results),
        errors=tuple(errors),
        coverage=tuple(collector.report()) if collector is not None else (),
    )
