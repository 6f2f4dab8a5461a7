"""Shared pieces of the cancellation tests: the example company, capabilities, calendar."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from policy_sdk.cancellation.strategies import BatchStrategy, SingleStrategy
from policy_sdk.facts.model import Algorithm, Deployment, Facts, Filing, Organization, Platform
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


def _facts_from_yaml(path: Path) -> Facts:
    """A small stand-in for the facts loader, enough for the example file."""
    doc: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))

    def filing(f: dict[str, Any]) -> Filing:
        platforms = f.get("platforms") or [f["platform"]]
        return Filing(
            number=f["number"],
            algorithm=f["algorithm"],
            platforms=tuple(platforms),
            status=f.get("status", "active"),
            filed_on=f.get("filed_on"),
            displayed=f.get("displayed", False),
        )

    return Facts(
        organization=Organization(name=doc["organization"]["name"]),
        algorithms=tuple(
            Algorithm(
                id=a["id"],
                name=a.get("name"),
                types=tuple(a.get("types", ())),
                uses_recommendation=a.get("uses_recommendation", False),
            )
            for a in doc["algorithms"]
        ),
        platforms=tuple(
            Platform(
                id=p["id"],
                type=p["type"],
                name=p.get("name"),
                host=p.get("host"),
                batch_cancellation=p.get("batch_cancellation"),
                item_verification=p.get("item_verification"),
            )
            for p in doc["platforms"]
        ),
        deployments=tuple(
            Deployment(
                algorithm=d["algorithm"],
                platform=d["platform"],
                status=d.get("status", "active"),
                launched_on=d.get("launched_on"),
                stopped_on=d.get("stopped_on"),
            )
            for d in doc["deployments"]
        ),
        filings=tuple(filing(f) for f in doc["filings"]),
        source=str(path),
    )


def load_company() -> Facts:
    try:
        from policy_sdk.facts import load_facts  # type: ignore[attr-defined]
    except ImportError:
        return _facts_from_yaml(COMPANY)
    facts: Facts = load_facts(COMPANY)
    return facts


AS_OF = dt.date(2026, 11, 20)
