"""Shared pieces of the cancellation tests: the example company, capabilities, calendar."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from policy_sdk.cancellation.model import CancellationPlan
from policy_sdk.cancellation.planner import plan_cancellation
from policy_sdk.cancellation.strategies import BatchStrategy, SingleStrategy
from policy_sdk.facts import Facts, load_facts
from policy_sdk.plugins.specs import CancellationCapabilities, CancellationStrategy

ROOT = Path(__file__).resolve().parents[2]
COMPANY = ROOT / "examples" / "company.yaml"

#: the first-party defaults (REGULATIONS.md: mini-programs verify item by item)
CAPABILITIES: Mapping[str, CancellationCapabilities] = {
    "app": CancellationCapabilities(),
    "website": CancellationCapabilities(),
    "official_account": CancellationCapabilities(),
    "mini_program": CancellationCapabilities(batch=False, item_verification=True),
}
STRATEGIES: Mapping[str, CancellationStrategy] = {
    "batch": BatchStrategy(),
    "single": SingleStrategy(),
}


def load_company() -> Facts:
    return load_facts(COMPANY)


AS_OF = dt.date(2026, 11, 20)


def plan(facts: Facts, calendar: Any, stops: tuple[str, ...] = (), **kw: Any) -> CancellationPlan:
    """``plan_cancellation`` with the tests' defaults: the first-party capabilities, the
    built-in strategies, no ``on`` date, ``as_of`` AS_OF; any of them can be given."""
    kw.setdefault("capabilities", CAPABILITIES)
    kw.setdefault("strategies", STRATEGIES)
    kw.setdefault("on", None)
    kw.setdefault("as_of", AS_OF)
    return plan_cancellation(facts, stops, calendar=calendar, **kw)
