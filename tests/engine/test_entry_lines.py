"""A finding's facts location: the first line of each entry, read off the loaded facts
(``first_lines()``, fast) and worked out from every value's line (the slow twin)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import given

from policy_sdk.engine.wording import _entry_lines, entry_lines
from policy_sdk.facts import load_facts, load_facts_text
from policy_sdk.testing.strategies import facts_documents

ROOT = Path(__file__).resolve().parents[2]


@given(doc=facts_documents(max_filings=6))
def test_the_facts_first_lines_are_the_entries_first_lines(doc: dict[str, Any]) -> None:
    for style in (False, None):  # block style, and libyaml's choice (flow for short rows)
        text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False,
                              default_flow_style=style)
        locations = load_facts_text(text, "yaml").locations
        assert entry_lines(locations) == _entry_lines(dict(locations))


def test_the_example_company() -> None:
    locations = load_facts(ROOT / "examples" / "company.yaml").locations
    fast = entry_lines(locations)
    assert fast == _entry_lines(dict(locations))
    assert fast["deployments[0]"] > fast["platforms[0]"] > fast["algorithms[0]"]
