"""Properties: generated documents load; any single corruption is reported at its path."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policy_sdk.errors import FactsError
from policy_sdk.facts import load_facts
from policy_sdk.testing.strategies import facts_documents, facts_models

from .facts_support import SPECS

TEXT = {"id", "algorithm", "platform", "number", "kind", "name", "host", "type"}
BOOLS = {"uses_recommendation", "public_opinion", "displayed", "batch_cancellation",
         "item_verification"}
DATES = {"launched_on", "stopped_on", "filed_on", "on"}
LISTS = {"types", "platforms"}
REFS = {("deployments", "algorithm"), ("deployments", "platform"), ("filings", "algorithm"),
        ("filings", "platform"), ("records", "algorithm"), ("records", "platform"),
        ("records", "filing")}
REQUIRED = {"organization": ("name",), "algorithms": ("id",), "platforms": ("id", "type"),
            "deployments": ("algorithm", "platform"), "filings": ("number", "algorithm"),
            "records": ("kind",)}


def corruptions(doc: dict[str, Any]) -> list[tuple[str, str, int | None, str, Any]]:
    """(kind, section, index, field, new value) for every field of ``doc``."""
    out: list[tuple[str, str, int | None, str, Any]] = []
    items: list[tuple[str, int | None, dict[str, Any]]] = [("organization", None,
                                                             doc["organization"])]
    for section in ("algorithms", "platforms", "deployments", "filings", "records"):
        items.extend((section, i, item) for i, item in enumerate(doc.get(section, [])))
    for section, i, item in items:
        for field in item:
            if field in TEXT or field == "status" or field == "role" or field == "filing":
                out.append(("type", section, i, field, 12345))
            elif field in BOOLS:
                out.append(("type", section, i, field, "maybe"))
            elif field in DATES:
                out.append(("type", section, i, field, "someday"))
            elif field in LISTS:
                out.append(("type", section, i, field, "not-a-list"))
            if (section, field) in REFS:
                out.append(("reference", section, i, field, "zz-unknown"))
        for field in REQUIRED[section]:
            out.append(("missing", section, i, field, None))
        if section == "filings":
            out.append(("missing", section, i, "platform" if "platform" in item else "platforms",
                        None))
    return out


@given(facts_models())
def test_generated_documents_load(facts: Any) -> None:
    assert facts.organization.name
    keys = [d.key for d in facts.deployments]
    assert len(keys) == len(set(keys))
    for d in facts.deployments:
        if d.stopped_on is not None:
            assert d.status == "stopped"
            assert d.launched_on is None or d.launched_on <= d.stopped_on


@given(facts_documents(), st.data())
def test_every_single_corruption_is_reported_at_its_path(doc: dict[str, Any],
                                                         data: st.DataObject) -> None:
    kind, section, i, field, value = data.draw(st.sampled_from(corruptions(doc)))
    bad = copy.deepcopy(doc)
    target = bad[section] if i is None else bad[section][i]
    if kind == "missing":
        del target[field]
    else:
        target[field] = value
    base = section if i is None else f"{section}[{i}]"
    expected = f"{base}.platforms" if section == "filings" and kind == "missing" and field in (
        "platform", "platforms") else f"{base}.{field}"
    with pytest.raises(FactsError) as info:
        load_facts(bad, platform_types=SPECS)
    paths = [d.path for d in info.value.diagnostics]
    assert expected in paths, (kind, expected, paths)


@given(facts_documents(max_algorithms=3, max_platforms=3))
def test_json_round_trip_loads_the_same(doc: dict[str, Any]) -> None:
    text = json.dumps(doc, default=str, ensure_ascii=False)
    assert load_facts(json.loads(text), platform_types=SPECS) == load_facts(doc,
                                                                           platform_types=SPECS)


@given(facts_documents(max_algorithms=3, max_platforms=3), st.randoms())
def test_result_does_not_depend_on_key_order(doc: dict[str, Any], rnd: Any) -> None:
    def shuffled(value: Any) -> Any:
        if isinstance(value, dict):
            keys = list(value)
            rnd.shuffle(keys)
            return {k: shuffled(value[k]) for k in keys}
        if isinstance(value, list):
            return [shuffled(v) for v in value]
        return value

    assert load_facts(shuffled(doc), platform_types=SPECS) == load_facts(doc,
                                                                         platform_types=SPECS)


def test_example_validates_against_the_json_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    import yaml

    from policy_sdk.facts import facts_json_schema

    schema = facts_json_schema(SPECS)
    jsonschema.Draft202012Validator.check_schema(schema)
    example = Path(__file__).resolve().parents[2] / "examples" / "company.yaml"
    doc = json.loads(json.dumps(yaml.safe_load(example.read_text(encoding="utf-8")), default=str))
    validator = jsonschema.Draft202012Validator(schema,
                                                format_checker=jsonschema.FormatChecker())
    assert list(validator.iter_errors(doc)) == []
    doc["deployments"][0]["status"] = "actve"
    doc["filings"][0]["platforms"] = ["main-app"]  # both platform and platforms
    bad = sorted(e.json_path for e in validator.iter_errors(doc))
    assert bad == ["$.deployments[0].status", "$.filings[0]"]


@given(facts_documents(max_algorithms=3, max_platforms=3))
def test_generated_documents_validate_against_the_json_schema(doc: dict[str, Any]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from policy_sdk.facts import facts_json_schema

    global _VALIDATOR
    if _VALIDATOR is None:
        _VALIDATOR = jsonschema.Draft202012Validator(facts_json_schema(SPECS))
    doc = json.loads(json.dumps(doc, default=str))
    assert list(_VALIDATOR.iter_errors(doc)) == []


_VALIDATOR: Any = None


_ANY_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5)
    | st.dates() | st.datetimes(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3) | st.integers(),
                                                                inner, max_size=3),
    max_leaves=5,
)


@given(facts_documents(max_algorithms=2, max_platforms=2), st.data())
def test_any_value_anywhere_loads_or_raises_facts_error(doc: dict[str, Any],
                                                        data: st.DataObject) -> None:
    sections = [k for k in doc if doc[k]]
    section = data.draw(st.sampled_from(sections))
    value = data.draw(_ANY_VALUE)
    target = doc[section]
    if isinstance(target, list):
        target = target[data.draw(st.integers(0, len(target) - 1))]
    key = data.draw(st.sampled_from([*target, "extra_key"]))
    target[key] = value
    diagnostics: tuple[Any, ...] = ()
    try:
        load_facts(doc, platform_types=SPECS)
    except FactsError as err:
        diagnostics = err.diagnostics
        assert diagnostics
    assert all(d.message and d.code for d in diagnostics)
