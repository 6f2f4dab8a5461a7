"""Helpers for the engine tests: the example company's facts, small facts builders."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from policy_sdk.facts import load_facts
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


def load(path: Path = COMPANY) -> Facts:
    return load_facts(path)


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
