"""docs/cancellation.md names every state the inventory writes, as its JSON Schema
admits them: the per-platform deployment states, the summary `deployment_state`, and
the `not_yet_filed` status of a filing filed after `--as-of`."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

from policy_sdk.cancellation.inventory import deployment_state
from policy_sdk.cancellation.model import PlatformDeployment
from policy_sdk.facts.lifecycle import NOT_YET_FILED, NOT_YET_LAUNCHED
from policy_sdk.facts.model import DEPLOYMENT_STATUSES, FILING_STATUSES

DOCS = Path(__file__).resolve().parents[2] / "docs"
SCHEMA = json.loads((DOCS / "inventory.schema.json").read_text(encoding="utf-8"))
FILING = SCHEMA["$defs"]["filing"]["properties"]
STATES = SCHEMA["$defs"]["deployment"]["properties"]["state"]["enum"]


def _filings_row() -> str:
    text = (DOCS / "cancellation.md").read_text(encoding="utf-8")
    rows: list[str] = re.findall(r"^\| `filings` \|.*$", text, flags=re.M)
    (row,) = rows
    return row


def test_schema_admits_what_the_inventory_writes() -> None:
    assert set(STATES) == {*DEPLOYMENT_STATUSES, NOT_YET_LAUNCHED, "none"}
    assert set(FILING["status"]["enum"]) == {*FILING_STATUSES, NOT_YET_FILED}
    made = {
        deployment_state([PlatformDeployment(f"p{i}", "app", s, None)
                          for i, s in enumerate(combo)])
        for n in range(4) for combo in itertools.product(STATES, repeat=n)
    }
    assert made == set(FILING["deployment_state"]["enum"])


def test_the_doc_names_every_state() -> None:
    row = _filings_row()
    for value in (*STATES, *FILING["deployment_state"]["enum"], NOT_YET_FILED):
        assert f"`{value}`" in row, value
