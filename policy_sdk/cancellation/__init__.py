"""Filing inventory and cancellation planning (注销): take stock first, then decide.

* :func:`build_inventory` — every filing, its platforms and types, status and
  deployment state; counts; what is due for cancellation or change; deployments with
  no filing and filings with no deployment; platforms with special requirements.
* :func:`plan_cancellation` — which filings a stop entails cancelling (in batches or
  one by one, chosen by the strategies plugins contribute), changing, or keeping.

Embedders usually call ``Engine.inventory`` / ``Engine.plan_cancellation``, which
fill in the platform types' capabilities, the strategies and the calendar. See
``docs/cancellation.md``.
"""

from __future__ import annotations

from policy_sdk.cancellation.inventory import build_inventory
from policy_sdk.cancellation.model import (
    BASE_MATERIALS,
    CancellationPlan,
    DueItem,
    Inventory,
    InventoryFiling,
    KeptFiling,
    OrphanFiling,
    OrphanPlanned,
    PlannedBatch,
    PlannedChange,
    PlannedFiling,
    PlannedSingle,
    PlatformDeployment,
    PlatformRequirements,
    Stop,
    StrategyResult,
    UnfiledDeployment,
)
from policy_sdk.cancellation.planner import AUTO, PlanInvariantError, plan_cancellation
from policy_sdk.cancellation.strategies import BatchStrategy, SingleStrategy

__all__ = [
    "AUTO",
    "BASE_MATERIALS",
    "BatchStrategy",
    "CancellationPlan",
    "DueItem",
    "Inventory",
    "InventoryFiling",
    "KeptFiling",
    "OrphanFiling",
    "OrphanPlanned",
    "PlanInvariantError",
    "PlannedBatch",
    "PlannedChange",
    "PlannedFiling",
    "PlannedSingle",
    "PlatformDeployment",
    "PlatformRequirements",
    "SingleStrategy",
    "Stop",
    "StrategyResult",
    "UnfiledDeployment",
    "build_inventory",
    "plan_cancellation",
]
