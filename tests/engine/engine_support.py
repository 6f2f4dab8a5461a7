"""Helpers for the engine tests: the example company's facts, small facts builders."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import yaml

from policy_sdk.facts.model import (
    Algorithm,
    Deployment,
    Facts,
    Filing,
    Organization,
    Platform,
    Record,
)

ROOT = Path(__file__).resolve().parents[2]
COMPANY = ROOT / "examples" / "company.yaml"
AS_OF = dt.date(2026, 11, 20)


def _dates(obj: dict[str, Any]) -> dict[str, Any]:
    for k in ("launched_on", "stopped_on", "filed_on", "on"):
        if isinstance(obj.get(k), str):
            obj[k] = dt.date.fromisoformat(obj[k])
    return obj


def _stand_in(path: Path) -> Facts:
    """A minimal reading of a facts file, used only until policy_sdk.facts.load_facts lands."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        doc: dict[str, Any] = json.loads(text, object_hook=_dates)
    else:
        doc = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    org = doc["organization"]

    def rest(d: dict[str, Any], core: tuple[str, ...]) -> dict[str, Any]:
        return {k: v for k, v in d.items() if k not in core}

    return Facts(
        organization=Organization(org["name"], org.get("role", "provider"),
                                  org.get("public_opinion", False)),
        algorithms=tuple(
            Algorithm(a["id"], a.get("name"), tuple(a.get("types", ())),
                      a.get("uses_recommendation", False))
            for a in doc.get("algorithms", ())
        ),
        platforms=tuple(
            Platform(p["id"], p["type"], p.get("name"), p.get("host"))
            for p in doc.get("platforms", ())
        ),
        deployments=tuple(
            Deployment(d["algorithm"], d["platform"], d.get("status", "active"),
                       d.get("launched_on"), d.get("stopped_on"))
            for d in doc.get("deployments", ())
        ),
        filings=tuple(
            Filing(f["number"], f["algorithm"],
                   tuple(f["platforms"]) if "platforms" in f else (f["platform"],),
                   f.get("status", "active"), f.get("filed_on"), f.get("displayed", False))
            for f in doc.get("filings", ())
        ),
        records=tuple(
            Record(r["kind"], r.get("algorithm"), r.get("platform"), r.get("filing"), r.get("on"))
            for r in doc.get("records", ())
        ),
        source=str(path),
    )


def load(path: Path = COMPANY) -> Facts:
    try:
        from policy_sdk.facts import load_facts  # type: ignore[attr-defined]
    except ImportError:
        return _stand_in(path)
    facts: Facts = load_facts(path)
    return facts


def org(public_opinion: bool = True) -> Organization:
    return Organization("测试公司", "provider", public_opinion)


def rec_alg(id_: str = "rec", uses: bool = True, types: tuple[str, ...] = ("personalized_push",)
            ) -> Algorithm:
    return Algorithm(id_, None, types, uses)


def facts(
    *,
    algorithms: tuple[Algorithm, ...] = (),
    platforms: tuple[Platform, ...] = (),
    deployments: tuple[Deployment, ...] = (),
    filings: tuple[Filing, ...] = (),
    records: tuple[Record, ...] = (),
    public_opinion: bool = True,
) -> Facts:
    return Facts(org(public_opinion), algorithms, platforms, deployments, filings, records)
