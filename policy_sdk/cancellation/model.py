"""What the cancellation planner and the inventory return: frozen, JSON-ready values.

``to_dict()`` gives plain JSON types (dates as ``YYYY-MM-DD``); ``to_json()`` the text.
Both go through the shared converter (:mod:`policy_sdk._json`): a class's JSON object
is its fields in order, except where a shape at the end of this module says otherwise.
The JSON contracts are ``docs/plan.schema.json`` and ``docs/inventory.schema.json``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Protocol

import attrs

from policy_sdk import _json
from policy_sdk._json import JsonValue, register_shape

#: materials every cancellation application carries, batch or single (seed 002: "一套材料")
BASE_MATERIALS: tuple[str, ...] = (
    "注销申请 (cancellation application naming every filing number it covers)",
    "服务终止说明 (statement of the service termination: algorithm, platforms, stop dates)",
)


class WorkdayCounter(Protocol):
    """What the planner needs of a working-day calendar (``WorkdayCalendar`` has it)."""

    def add_workdays(self, start: dt.date, n: int) -> dt.date: ...


# --- plan ---------------------------------------------------------------------


@attrs.frozen
class PlannedFiling(JsonValue):
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
    #: the deadline was counted through a year the calendar does not know
    provisional: bool = False


@attrs.frozen
class PlannedBatch(JsonValue):
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


@attrs.frozen
class PlannedSingle(JsonValue):
    """One filing cancelled by its own application."""

    filing: PlannedFiling
    reason: str
    materials: tuple[str, ...]


@attrs.frozen
class KeptFiling(JsonValue):
    """A filing that must not be cancelled: the algorithm still runs where it is filed."""

    filing: str
    algorithm: str
    platforms: tuple[str, ...]
    running_platforms: tuple[str, ...]
    reason: str


@attrs.frozen
class OrphanPlanned(JsonValue):
    """A filing whose algorithm was never launched on any platform it names: nothing
    stops there, so the plan neither cancels nor keeps it; it is handled on its own."""

    filing: str
    algorithm: str
    platforms: tuple[str, ...]
    reason: str


@attrs.frozen
class PlannedChange(JsonValue):
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
    #: the deadline was counted through a year the calendar does not know
    provisional: bool = False


@attrs.frozen
class Stop(JsonValue):
    """One deployment the plan treats as stopped, and since when."""

    algorithm: str
    platform: str
    stopped_on: dt.date | None
    #: "request" (asked for now) or "facts" (already stopped in the facts)
    source: str


@attrs.frozen
class StrategyResult(JsonValue):
    """How one strategy fared when ``auto`` compared them."""

    strategy: str
    applications: int
    #: False when the strategy proposed a batch that a platform would reject
    eligible: bool


@attrs.frozen
class CancellationPlan(JsonValue):
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
    #: filings of a touched algorithm that was never launched where they name
    orphans: tuple[OrphanPlanned, ...] = ()

    @property
    def applications(self) -> int:
        return len(self.batches) + len(self.singles)

    def cancelled_numbers(self) -> tuple[str, ...]:
        out = [n for b in self.batches for n in b.numbers]
        out += [s.filing.filing for s in self.singles]
        return tuple(sorted(out))

    def to_json(self, *, indent: int | None = 2) -> str:
        return _json.to_json(self, indent)


# --- inventory ----------------------------------------------------------------


@attrs.frozen
class PlatformDeployment(JsonValue):
    """The deployment state of a filing's algorithm on one of its platforms."""

    platform: str
    platform_type: str
    #: "active", "paused", "stopped", "not_yet_launched" (launched after the as-of
    #: day), or "none" (no deployment)
    state: str
    stopped_on: dt.date | None


@attrs.frozen
class InventoryFiling(JsonValue):
    filing: str
    algorithm: str
    algorithm_name: str | None
    algorithm_types: tuple[str, ...]
    platforms: tuple[str, ...]
    platform_types: tuple[str, ...]
    #: a filing status, or "not_yet_filed" (filed after the as-of day: not live)
    status: str
    #: the summary of ``deployments``, whatever ``status`` says (a not-yet-filed
    #: filing's algorithm may run): "running" (runs on some platform, stopped on none),
    #: "partially_stopped", "stopped" (runs nowhere, stopped somewhere), "not_deployed"
    #: (launched on none of its platforms as of the day)
    deployment_state: str
    deployments: tuple[PlatformDeployment, ...]


@attrs.frozen
class DueItem(JsonValue):
    """A live filing whose deployment has stopped: cancellation (or change) due."""

    filing: str
    algorithm: str
    platforms: tuple[str, ...]
    stopped_platforms: tuple[str, ...]
    stopped_on: dt.date | None
    deadline: dt.date | None
    overdue: bool
    #: the deadline was counted through a year the calendar does not know
    provisional: bool = False


@attrs.frozen
class UnfiledDeployment(JsonValue):
    """A running deployment no live filing names."""

    algorithm: str
    platform: str
    platform_type: str
    status: str
    launched_on: dt.date | None
    uses_recommendation: bool


@attrs.frozen
class OrphanFiling(JsonValue):
    """A live filing naming platforms where its algorithm has no deployment."""

    filing: str
    algorithm: str
    platforms: tuple[str, ...]
    #: the named platforms without a deployment of the algorithm
    undeployed: tuple[str, ...]


@attrs.frozen
class PlatformRequirements(JsonValue):
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


@attrs.frozen
class Inventory(JsonValue):
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
    #: e.g. deadlines counted provisionally, dates after ``as_of`` set aside
    warnings: tuple[str, ...] = ()

    def to_json(self, *, indent: int | None = 2) -> str:
        return _json.to_json(self, indent)


# --- JSON shapes that are not just the fields in order ---------------------------

#: a plan's summary comes first; ``applications`` is computed
_PLAN_KEYS = (
    "as_of",
    "requested_strategy",
    "strategy",
    "applications",
    "deadline",
    "overdue",
    "stops",
    "batches",
    "singles",
    "kept",
    "changes",
    "orphans",
    "warnings",
    "considered",
)

#: ``accepts_batch`` is computed and stands after the flags it is computed from
_REQUIREMENTS_KEYS = (
    "platform",
    "platform_type",
    "batch",
    "item_verification",
    "accepts_batch",
    "required_materials",
    "overridden",
    "note",
)


def _plan_shape(plan: CancellationPlan, fields: dict[str, Any]) -> dict[str, Any]:
    fields["applications"] = plan.applications
    return {k: fields[k] for k in _PLAN_KEYS}


def _single_shape(single: PlannedSingle, fields: dict[str, Any]) -> dict[str, Any]:
    # the filing's keys at the top level, then why it goes alone and with what
    return {**fields["filing"], "reason": fields["reason"], "materials": fields["materials"]}


def _requirements_shape(req: PlatformRequirements, fields: dict[str, Any]) -> dict[str, Any]:
    fields["accepts_batch"] = req.accepts_batch
    return {k: fields[k] for k in _REQUIREMENTS_KEYS}


def _inventory_shape(inv: Inventory, fields: dict[str, Any]) -> dict[str, Any]:
    counts = {"filings": len(inv.filings)}
    for key in ("by_platform", "by_platform_type", "by_algorithm_type", "by_status"):
        counts[key] = fields.pop(key)
    as_of, filings = fields.pop("as_of"), fields.pop("filings")
    return {"as_of": as_of, "filings": filings, "counts": counts, **fields}


register_shape(CancellationPlan, _plan_shape)
register_shape(PlannedSingle, _single_shape)
register_shape(PlatformRequirements, _requirements_shape)
register_shape(Inventory, _inventory_shape)
