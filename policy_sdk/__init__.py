"""policy-sdk: China's algorithm-filing compliance as code.

The embedding API is small::

    from policy_sdk import Engine, load_facts

    engine = Engine()                       # default policy pack + installed plugins
    report = engine.evaluate(load_facts("facts.yaml"), as_of="2026-11-20")
    print(report.to_json())

Every error on bad input is a :class:`PolicySdkError`.
"""

from __future__ import annotations

from policy_sdk.errors import (
    Diagnostic,
    EvaluationError,
    FactsError,
    PluginError,
    PolicySdkError,
    PolicySyntaxError,
    Span,
    ValidationError,
)

__version__ = "0.1.0"

__all__ = [
    "Diagnostic",
    "EvaluationError",
    "FactsError",
    "PluginError",
    "PolicySdkError",
    "PolicySyntaxError",
    "Span",
    "ValidationError",
    "__version__",
]
