"""Policy tests: cases with inline facts and expected findings, kept beside policies.

``policy-sdk test PATH...`` runs them (see ``docs/testing-policies.md``)::

    from policy_sdk.policytest import run, render

    result = run(["policies/"])
    print(render(result))
"""

from policy_sdk.policytest.coverage import CoverageCollector, RuleCoverage, render_expr
from policy_sdk.policytest.model import (
    Expectation,
    PolicyTestError,
    Target,
    TestCase,
    TestFile,
    discover,
    load_test_file,
)
from policy_sdk.policytest.output import render
from policy_sdk.policytest.runner import (
    CaseResult,
    RuleSet,
    RuleSetFactory,
    RunResult,
    Suite,
    engine_rule_set,
    reference_rule_set,
    run,
    run_file,
)

__all__ = [
    "CaseResult",
    "CoverageCollector",
    "Expectation",
    "PolicyTestError",
    "RuleCoverage",
    "RuleSet",
    "RuleSetFactory",
    "RunResult",
    "Suite",
    "Target",
    "TestCase",
    "TestFile",
    "discover",
    "engine_rule_set",
    "load_test_file",
    "reference_rule_set",
    "render",
    "render_expr",
    "run",
    "run_file",
]
