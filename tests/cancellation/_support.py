"""Shared pieces of the cancellation tests: the example company, capabilities, calendar."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

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
