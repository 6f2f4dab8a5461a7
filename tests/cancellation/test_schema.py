"""The JSON forms of plans and inventories follow their documented JSON Schemas."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from hypothesis import given

from policy_sdk.cancellation.inventory import build_inventory
from policy_sdk.facts.model import Facts
from policy_sdk.workdays import WorkdayCalendar

from ._support import AS_OF, CAPABILITIES, ROOT, plan
from .test_properties import CALENDAR, requests, run

PLAN_SCHEMA = json.loads((ROOT / "docs" / "plan.schema.json").read_text(encoding="utf-8"))
INVENTORY_SCHEMA = json.loads((ROOT / "docs" / "inventory.schema.json").read_text(encoding="utf-8"))


V = jsonschema.Draft202012Validator
VALIDATORS = {id(s): V(s, format_checker=V.FORMAT_CHECKER) for s in (PLAN_SCHEMA, INVENTORY_SCHEMA)}


def validate(doc: Any, schema: Any) -> None:
    VALIDATORS[id(schema)].validate(doc)


def test_schemas_are_valid_json_schemas() -> None:
    V.check_schema(PLAN_SCHEMA)
    V.check_schema(INVENTORY_SCHEMA)


def test_company_plan_matches_schema(company: Facts, calendar: WorkdayCalendar) -> None:
    for strategy in ("auto", "batch", "single"):
        validate(json.loads(plan(company, calendar, strategy=strategy).to_json()), PLAN_SCHEMA)


def test_company_inventory_matches_schema(company: Facts, calendar: WorkdayCalendar) -> None:
    inv = build_inventory(company, capabilities=CAPABILITIES, calendar=calendar, as_of=AS_OF)
    validate(json.loads(inv.to_json()), INVENTORY_SCHEMA)


def test_schema_rejects_a_wrong_plan(company: Facts, calendar: WorkdayCalendar) -> None:
    doc = json.loads(plan(company, calendar).to_json())
    doc["batches"][0]["filings"] = doc["batches"][0]["filings"][:1]  # a batch of one
    with pytest.raises(jsonschema.ValidationError):
        validate(doc, PLAN_SCHEMA)
    doc = json.loads(plan(company, calendar).to_json())
    doc["kept"][0]["why"] = "extra"
    with pytest.raises(jsonschema.ValidationError):
        validate(doc, PLAN_SCHEMA)


@given(requests())
def test_generated_plans_and_inventories_match_schema(req: Any) -> None:
    facts, stops, kw = req
    validate(json.loads(run(facts, stops, kw).to_json()), PLAN_SCHEMA)
    inv = build_inventory(facts, capabilities=CAPABILITIES, calendar=CALENDAR, as_of=kw["as_of"])
    validate(json.loads(inv.to_json()), INVENTORY_SCHEMA)
