"""What the cancellation planner and the inventory return: frozen, JSON-ready values.

``to_dict()`` gives plain JSON types (dates as ``YYYY-MM-DD``); ``to_json()`` the text.
The JSON contracts are ``docs/plan.schema.json`` and ``docs/inventory.schema.json``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any, Protocol

import attrs

#: materials every cancellation application carries, batch or single (seed 002: "一套材料")
BASE_MATERIALS: tuple[str, ...] = (
    "注销申请 (cancellation application naming every filing number it covers)",
    "服务终止说明 (statement of the service termination: algorithm, platforms, stop dates)",
)


class WorkdayCounter(Protocol):
    """What the planner needs of a working-day calendar (``WorkdayCalendar`` has it)."""

    def add_workdays(self, start: dt.date, n: int) -> dt.date: ...


def _date(d: dt.date | None) -> str | None:
    return d.isoformat() if d is not None else None


def _dump(obj: Mapping[str, Any], indent: int | None) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=indent, sort_keys=False)


# --- plan ---------------------------------------------------------------------


@attrs.frozen
class PlannedFiling:
    """A filing the plan cancels."""

    filing: str
    algorithm: str
    algorithm_types: tuple[str, ...]
    platforms: tuple[str, ...]
    platform_types: tuple[str, ...]
    #: when the service ended on the last of its platforms (None if a stop date is unknown)
    stopped_on: dt.date | None
    #: 20 working days after ``stopped_on`` (Art. 24 ¶3)
    deadline: dt.date | None
    overdue: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "filing": self.filing,
            "algorithm": self.algorithm,
            "algorithm_types": list(self.algorithm_types),
            "platforms": list(self.platforms),
            "platform_types": list(self.platform_types),
            "stopped_on": _date(self.stopped_on),
            "deadline": _date(self.deadline),
            "overdue": self.overdue,
        }


@attrs.frozen
class PlannedBatch:
    """Several filings cancelled by one application with one set of materials."""

    filings: tuple[PlannedFiling, ...]  # sorted by filing number
    reason: str
    materials: tuple[str, ...]
    #: the earliest deadline of its filings: the one application must meet it
    deadline: dt.date | None
    overdue: bool

    @property
    def numbers(self) -> tuple[str, ...]:
        return tuple(f.filing for f in self.filings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "filings": [f.to_dict() for f in self.filings],
            "reason": self.reason,
            "materials": list(self.materials),
            "deadline": _date(self.deadline),
            "overdue": self.overdue,
        }


@attrs.frozen
class PlannedSingle:
    """One filing cancelled by its own application."""

    filing: PlannedFiling
    reason: str
    materials: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.filing.to_dict(),
            "reason": self.reason,
            "materials": list(self.materials),
        }


@attrs.frozen
class KeptFiling:
    """A filing that must not be cancelled: the algorithm still runs where it is filed."""

    filing: str
    algorithm: str
    platforms: tuple[str, ...]
    running_platforms: tuple[str, ...]
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "filing": self.filing,
            "algorithm": self.algorithm,
            "platforms": list(self.platforms),
            "running_platforms": list(self.running_platforms),
            "reason": self.reason,
        }


@attrs.frozen
class PlannedChange:
    """A filing naming stopped and running platforms: changed, not cancelled (Art. 24 ¶2)."""

    filing: str
    algorithm: str
    platforms: tuple[str, ...]
    #: the stopped platforms the change removes from the filing
    remove: tuple[str, ...]
    #: the platforms the filing keeps
    keep: tuple[str, ...]
    #: the earliest stop among the removed platforms
    stopped_on: dt.date | None
    #: 10 working days after ``stopped_on``
    deadline: dt.date | None
    overdue: bool
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "filing": self.filing,
            "algorithm": self.algorithm,
            "platforms": list(self.platforms),
            "remove": list(self.remove),
            "keep": list(self.keep),
            "stopped_on": _date(self.stopped_on),
            "deadline": _date(self.deadline),
            "overdue": self.overdue,
            "reason": self.reason,
        }


@attrs.frozen
class Stop:
    """One deployment the plan treats as stopped, and since when."""

    algorithm: str
    platform: str
    stopped_on: dt.date | None
    #: "request" (asked for now) or "facts" (already stopped in the facts)
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "algorithm": self.algorithm,
            "platform": self.platform,
            "stopped_on": _date(self.stopped_on),
            "source": self.source,
        }


@attrs.frozen
class StrategyResult:
    """How one strategy fared when ``auto`` compared them."""

    strategy: str
    applications: int
    #: False when the strategy proposed a batch that a platform would reject
    eligible: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "strategy": self.strategy,
            "applications": self.applications,
            "eligible": self.eligible,
        }


@attrs.frozen
class CancellationPlan:
    """Which filings to cancel (in batches or singly), change, or keep — and by when."""

    as_of: dt.date
    #: the strategy asked for ("auto", "batch", "single", or a plugin's)
    requested_strategy: str
    #: the strategy whose proposal the plan follows
    strategy: str
    stops: tuple[Stop, ...]
    batches: tuple[PlannedBatch, ...]
    singles: tuple[PlannedSingle, ...]
    kept: tuple[KeptFiling, ...]
    changes: tuple[PlannedChange, ...]
    #: the earliest cancellation deadline in the plan (each item carries its own)
    deadline: dt.date | None
    #: filing numbers whose cancellation or change deadline is before ``as_of``
    overdue: tuple[str, ...]
    warnings: tuple[str, ...]
    #: the strategies compared (only for ``auto``), sorted by name
    considered: tuple[StrategyResult, ...] = ()

    @property
    def applications(self) -> int:
        return len(self.batches) + len(self.singles)

    def cancelled_numbers(self) -> tuple[str, ...]:
        out = [n for b in self.batches for n in b.numbers]
        out += [s.filing.filing for s in self.singles]
        return tuple(sorted(out))

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "requested_strategy": self.requested_strategy,
            "strategy": self.strategy,
            "applications": self.applications,
            "deadline": _date(self.deadline),
            "overdue": list(self.overdue),
            "stops": [s.to_dict() for s in self.stops],
            "batches": [b.to_dict() for b in self.batches],
            "singles": [s.to_dict() for s in self.singles],
            "kept": [k.to_dict() for k in self.kept],
            "changes": [c.to_dict() for c in self.changes],
            "warnings": list(self.warnings),
            "considered": [c.to_dict() for c in self.considered],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        return _dump(self.to_dict(), indent)


# --- inventory ----------------------------------------------------------------


@attrs.frozen
class PlatformDeployment:
    """The deployment state of a filing's algorithm on one of its platforms."""

    platform: str
    platform_type: str
    #: "active", "paused", "stopped", or "none" (no deployment)
    state: str
    stopped_on: dt.date | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "platform": self.platform,
            "platform_type": self.platform_type,
            "state": self.state,
            "stopped_on": _date(self.stopped_on),
        }


@attrs.frozen
class InventoryFiling:
    filing: str
    algorithm: str
    algorithm_name: str | None
    algorithm_types: tuple[str, ...]
    platforms: tuple[str, ...]
    platform_types: tuple[str, ...]
    status: str
    #: "running" (runs on some platform, stopped on none), "partially_stopped",
    #: "stopped" (runs nowhere, stopped somewhere), "not_deployed" (no deployment at all)
    deployment_state: str
    deployments: tuple[PlatformDeployment, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "filing": self.filing,
            "algorithm": self.algorithm,
            "algorithm_name": self.algorithm_name,
            "algorithm_types": list(self.algorithm_types),
            "platforms": list(self.platforms),
            "platform_types": list(self.platform_types),
            "status": self.status,
            "deployment_state": self.deployment_state,
            "deployments": [d.to_dict() for d in self.deployments],
        }


@attrs.frozen
class DueItem:
    """A live filing whose deployment has stopped: cancellation (or change) due."""

    filing: str
    algorithm: str
    platforms: tuple[str, ...]
    stopped_platforms: tuple[str, ...]
    stopped_on: dt.date | None
    deadline: dt.date | None
    overdue: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "filing": self.filing,
            "algorithm": self.algorithm,
            "platforms": list(self.platforms),
            "stopped_platforms": list(self.stopped_platforms),
            "stopped_on": _date(self.stopped_on),
            "deadline": _date(self.deadline),
            "overdue": self.overdue,
        }


@attrs.frozen
class UnfiledDeployment:
    """A running deployment no live filing names."""

    algorithm: str
    platform: str
    platform_type: str
    status: str
    launched_on: dt.date | None
    uses_recommendation: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "algorithm": self.algorithm,
            "platform": self.platform,
            "platform_type": self.platform_type,
            "status": self.status,
            "launched_on": _date(self.launched_on),
            "uses_recommendation": self.uses_recommendation,
        }


@attrs.frozen
class OrphanFiling:
    """A live filing naming platforms where its algorithm has no deployment."""

    filing: str
    algorithm: str
    platforms: tuple[str, ...]
    #: the named platforms without a deployment of the algorithm
    undeployed: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "filing": self.filing,
            "algorithm": self.algorithm,
            "platforms": list(self.platforms),
            "undeployed": list(self.undeployed),
        }


@attrs.frozen
class PlatformRequirements:
    """A platform's cancellation capabilities, with per-platform overrides applied."""

    platform: str
    platform_type: str
    batch: bool
    item_verification: bool
    required_materials: tuple[str, ...]
    #: True when a facts override (``batch_cancellation``/``item_verification``) applies
    overridden: bool
    note: str

    @property
    def accepts_batch(self) -> bool:
        return self.batch and not self.item_verification

    @property
    def special(self) -> bool:
        return not self.accepts_batch or bool(self.required_materials)

    def to_dict(self) -> dict[str, Any]:
        return {
            "platform": self.platform,
            "platform_type": self.platform_type,
            "batch": self.batch,
            "item_verification": self.item_verification,
            "accepts_batch": self.accepts_batch,
            "required_materials": list(self.required_materials),
            "overridden": self.overridden,
            "note": self.note,
        }


@attrs.frozen
class Inventory:
    """Every filing, where it stands, and what is due: take stock before deciding."""

    as_of: dt.date
    filings: tuple[InventoryFiling, ...]
    by_platform: Mapping[str, int]
    by_platform_type: Mapping[str, int]
    by_algorithm_type: Mapping[str, int]
    by_status: Mapping[str, int]
    cancellation_due: tuple[DueItem, ...]
    changes_due: tuple[DueItem, ...]
    unfiled: tuple[UnfiledDeployment, ...]
    orphans: tuple[OrphanFiling, ...]
    #: platforms with special cancellation requirements (no batch, item-by-item
    #: verification, or extra materials)
    special_platforms: tuple[PlatformRequirements, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "filings": [f.to_dict() for f in self.filings],
            "counts": {
                "filings": len(self.filings),
                "by_platform": dict(self.by_platform),
                "by_platform_type": dict(self.by_platform_type),
                "by_algorithm_type": dict(self.by_algorithm_type),
                "by_status": dict(self.by_status),
            },
            "cancellation_due": [d.to_dict() for d in self.cancellation_due],
            "changes_due": [d.to_dict() for d in self.changes_due],
            "unfiled": [u.to_dict() for u in self.unfiled],
            "orphans": [o.to_dict() for o in self.orphans],
            "special_platforms": [p.to_dict() for p in self.special_platforms],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        return _dump(self.to_dict(), indent)
