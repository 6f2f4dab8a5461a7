"""Attributes computed from the facts (``computed=True`` in the schema).

The filing attributes come from the one filing lifecycle model,
:mod:`policy_sdk.facts.lifecycle` (``docs/semantics.md`` §7–§8); this module keeps
the indexes and the names earlier code imported.
"""

from __future__ import annotations

from collections.abc import Mapping

from policy_sdk.facts.lifecycle import FilingLifecycle, deployments_by_algorithm, filing_lifecycle
from policy_sdk.facts.model import Deployment, Facts, Filing

#: the state of one filing (the lifecycle model's per-filing answer)
FilingState = FilingLifecycle

__all__ = [
    "FilingState",
    "deployment_index",
    "deployments_by_algorithm",
    "filing_state",
    "filing_state_on",
]


def deployment_index(facts: Facts) -> dict[tuple[str, str], Deployment]:
    """(algorithm, platform) -> deployment (a new dict)."""
    return {d.key: d for d in facts.deployments}


def filing_state(filing: Filing, deployments: Mapping[tuple[str, str], Deployment]) -> FilingState:
    """The lifecycle of ``filing`` given deployments by (algorithm, platform), without
    change records (use :func:`policy_sdk.facts.lifecycle.lifecycle` for the whole model)."""
    a = filing.algorithm
    on = {p: d for p in filing.platforms if (d := deployments.get((a, p))) is not None}
    return filing_lifecycle(filing, on)


def filing_state_on(filing: Filing, on_platform: Mapping[str, Deployment]) -> FilingState:
    """The lifecycle of ``filing`` given its algorithm's deployments by platform."""
    return filing_lifecycle(filing, on_platform)
