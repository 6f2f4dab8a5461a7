"""policy-sdk: China's algorithm-filing compliance as code.

The embedding API is small::

    from policy_sdk import Engine, load_facts

    engine = Engine()                       # default policy pack + installed plugins
    report = engine.evaluate(load_facts("facts.yaml"), as_of="2026-11-20")
    print(report.to_json())

Every error on bad input is a :class:`PolicySdkError`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from policy_sdk.errors import (
    Diagnostic,
    EvaluationError,
    FactsError,
    OutputError,
    PluginError,
    PolicySdkError,
    PolicySyntaxError,
    Span,
    ValidationError,
)

__version__ = "0.1.0"

if TYPE_CHECKING:
    from policy_sdk._gc import gc_pause_allowed
    from policy_sdk.api import Engine
    from policy_sdk.engine.report import Finding, Report, RuleInfo
    from policy_sdk.facts.load import load_facts
    from policy_sdk.facts.model import Facts
    from policy_sdk.facts.text import load_facts_text
    from policy_sdk.workdays import WorkdayCalendar

#: public name -> module it lives in; imported on first use so that
#: ``import policy_sdk`` stays cheap and has no side effects
_LAZY = {
    "Engine": "policy_sdk.api",
    "gc_pause_allowed": "policy_sdk._gc",
    "Report": "policy_sdk.engine.report",
    "Finding": "policy_sdk.engine.report",
    "RuleInfo": "policy_sdk.engine.report",
    "Facts": "policy_sdk.facts.model",
    "load_facts": "policy_sdk.facts.load",
    "load_facts_text": "policy_sdk.facts.text",
    "WorkdayCalendar": "policy_sdk.workdays",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'policy_sdk' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "Diagnostic",
    "Engine",
    "EvaluationError",
    "Facts",
    "FactsError",
    "Finding",
    "OutputError",
    "PluginError",
    "PolicySdkError",
    "PolicySyntaxError",
    "Report",
    "RuleInfo",
    "Span",
    "ValidationError",
    "WorkdayCalendar",
    "__version__",
    "gc_pause_allowed",
    "load_facts",
    "load_facts_text",
]
