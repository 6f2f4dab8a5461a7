"""``examples/company.json`` is the JSON twin of ``examples/company.yaml``: the same facts,
the same findings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from policy_sdk.cli.main import main
from policy_sdk.facts import load_facts

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
YAML, JSON = EXAMPLES / "company.yaml", EXAMPLES / "company.json"


def test_both_load_to_equal_facts() -> None:
    from_yaml, from_json = load_facts(YAML), load_facts(JSON)
    assert from_json == from_yaml
    assert len(from_json.deployments) == 15
    assert from_json.source is not None
    assert from_json.source.endswith("company.json")


def check(capsys: pytest.CaptureFixture[str], facts_file: Path) -> dict[str, Any]:
    code = main(["check", "--facts", str(facts_file), "--as-of", "2026-11-20", "--format", "json",
                 "--all"])
    doc: dict[str, Any] = json.loads(capsys.readouterr().out)
    assert code == 1  # mandatory rules are violated in this company
    for finding in doc["findings"]:
        finding.pop("facts_location", None)  # a line in one file or the other
    facts = doc["meta"].pop("facts")  # one file or the other
    assert facts["file"] == str(facts_file)
    assert len(facts["sha256"]) == 64
    return doc


def test_check_gives_the_same_findings(capsys: pytest.CaptureFixture[str]) -> None:
    from_yaml, from_json = check(capsys, YAML), check(capsys, JSON)
    assert from_json == from_yaml
    assert from_json["summary"]["violated"] == 11
    assert from_json["summary"]["pending"] == 2
