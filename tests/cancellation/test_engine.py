"""Embedding: Engine.inventory / Engine.plan_cancellation delegate to this package."""

from __future__ import annotations

import json
import pickle

import pytest

from policy_sdk.cancellation import CancellationPlan, Inventory
from policy_sdk.facts.model import Facts

from .test_company import AD, VIDEO_OA


@pytest.fixture(scope="module")
def engine():  # type: ignore[no-untyped-def]
    from policy_sdk.engine.engine import Engine

    return Engine([])


def test_engine_plan_cancellation(engine, company: Facts) -> None:  # type: ignore[no-untyped-def]
    plan = engine.plan_cancellation(company, as_of="2026-11-20")
    assert isinstance(plan, CancellationPlan)
    assert plan.strategy == "batch"
    assert [k.filing for k in plan.kept] == [VIDEO_OA]
    assert [c.filing for c in plan.changes] == [AD]
    single = engine.plan_cancellation(company, as_of="2026-11-20", strategy="single")
    assert single.batches == ()
    # JSON-serialisable and picklable, for worker processes
    assert json.loads(plan.to_json())["applications"] == 5
    assert pickle.loads(pickle.dumps(plan)) == plan


def test_engine_plan_with_stop_on(engine, company: Facts) -> None:  # type: ignore[no-untyped-def]
    plan = engine.plan_cancellation(
        company, ["feed-rec@main-app"], on="2026-12-01", as_of="2026-11-20"
    )
    assert plan.singles[0].filing.stopped_on.isoformat() == "2026-12-01"


def test_engine_inventory(engine, company: Facts) -> None:  # type: ignore[no-untyped-def]
    inv = engine.inventory(company, as_of="2026-11-20")
    assert isinstance(inv, Inventory)
    assert inv.by_status == {"active": 11}
    assert pickle.loads(pickle.dumps(inv)) == inv
