"""A key that should not be there is pointed at in the YAML file, not its value."""

from __future__ import annotations

from pathlib import Path

import pytest

from policy_sdk.errors import FactsError
from policy_sdk.facts import load_facts

TEXT = """\
organization:
  name: 甲公司
  "颜色": 红
algoritms: []
platforms:
  - id: web
    type: website
    contact:
      email: a@example.cn
    running: true
"""


def _diagnostics(tmp_path: Path) -> dict[str, tuple[int, int, int]]:
    path = tmp_path / "facts.yaml"
    path.write_text(TEXT, encoding="utf-8")
    with pytest.raises(FactsError) as caught:
        load_facts(path)
    out = {}
    for d in caught.value.diagnostics:
        assert d.span is not None, d
        out[d.path or ""] = (d.span.line, d.span.column, d.span.end_column)
    return out


def test_the_caret_is_under_the_key(tmp_path: Path) -> None:
    places = _diagnostics(tmp_path)
    assert places["organization.颜色"] == (3, 4, 6)  # inside the quotes
    assert places["algoritms"] == (4, 1, 10)  # an unknown section
    assert places["platforms[0].contact"] == (8, 5, 12)  # a block value starts below its key
    assert places["platforms[0].running"] == (10, 5, 12)  # computed: cannot be set


def test_a_nested_mapping_is_not_offered_a_declaration(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text(TEXT, encoding="utf-8")
    with pytest.raises(FactsError) as caught:
        load_facts(path)
    (contact,) = [d for d in caught.value.diagnostics if d.path == "platforms[0].contact"]
    assert contact.help == ("an attribute of your own holds text, a number, true or false, a "
                            "date or a list; not a nested mapping")
