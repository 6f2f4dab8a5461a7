"""The hint for an undeclared attribute proposes the type its value has."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from policy_sdk.errors import FactsError
from policy_sdk.facts import load_facts


@pytest.mark.parametrize(
    ("value", "word"),
    [(True, "boolean"), (3, "number"), (dt.date(2026, 1, 2), "date"), (["a"], "list"),
     ("高", "string")],
)
def test_declare_hint_uses_the_value_type(value: Any, word: str) -> None:
    doc = {"organization": {"name": "x"}, "algorithms": [{"id": "a", "risk_level": value}]}
    with pytest.raises(FactsError) as info:
        load_facts(doc)
    (diag,) = info.value.diagnostics
    assert diag.path == "algorithms[0].risk_level"
    assert diag.help is not None
    assert diag.help.endswith(f"`algorithm: [{{name: risk_level, type: {word}}}]`")
