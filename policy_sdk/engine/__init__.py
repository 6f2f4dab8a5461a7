"""The engine: compiled policies evaluated against facts (see ``docs/embedding.md``).

:class:`Engine` (the facade over the pipeline, :mod:`policy_sdk.api`) is importable from
here; the evaluator's entry is :mod:`policy_sdk.engine.engine`, findings and reports in
:mod:`policy_sdk.engine.report`, output formats in :mod:`policy_sdk.engine.reporters`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from policy_sdk.engine.report import STATUSES, Finding, Report, RuleInfo, Status

if TYPE_CHECKING:
    from policy_sdk.api import Engine

__all__ = ["STATUSES", "Engine", "Finding", "Report", "RuleInfo", "Status"]


def __getattr__(name: str) -> Any:
    if name == "Engine":
        from policy_sdk.api import Engine

        return Engine
    raise AttributeError(f"module 'policy_sdk.engine' has no attribute {name!r}")
