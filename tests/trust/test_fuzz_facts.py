"""Fuzzing facts documents (YAML files, JSON files, in-memory mappings): every input
loads completely or raises FactsError, in bounded time — never another exception,
a hang or a half-loaded result. Attacks: a billion-laughs YAML, 10,000-level nesting,
invalid UTF-8, NUL bytes, YAML tags that construct objects, huge numbers."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from fuzz_support import mutated, time_limit
from hypothesis import given
from hypothesis import strategies as st

from policy_sdk.errors import FactsError
from policy_sdk.facts import load_facts
from policy_sdk.facts.model import Facts
from policy_sdk.testing.strategies import facts_documents

ROOT = Path(__file__).resolve().parents[2]
COMPANY = (ROOT / "examples" / "company.yaml").read_bytes()


def load_or_facts_error(source: Any) -> Facts | None:
    """Load ``source``; None when it raised the documented error. Anything else fails."""
    error: FactsError | None = None
    with time_limit():
        try:
            facts = load_facts(source)
        except FactsError as exc:
            error = exc
    if error is not None:
        assert error.diagnostics
        for d in error.diagnostics:
            assert d.code
            assert d.message
            d.render()
        return None
    assert isinstance(facts, Facts)
    return facts


def _file(tmp_path_factory: pytest.TempPathFactory, data: bytes, suffix: str) -> Path:
    path = tmp_path_factory.mktemp("facts") / f"fuzz{suffix}"
    path.write_bytes(data)
    return path


def test_company_loads() -> None:
    facts = load_or_facts_error(str(ROOT / "examples" / "company.yaml"))
    assert facts is not None
    assert len(facts.deployments) == 15


@given(data=mutated(COMPANY, max_edits=5))
def test_mutated_yaml_file(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    load_or_facts_error(_file(tmp_path_factory, data, ".yaml"))


@pytest.mark.parametrize("text", ["\x01organization: {name: x}\n",
                                  'organization: {name: "a\x07"}\n'])
def test_control_character_in_yaml(tmp_path: Path, text: str) -> None:
    path = tmp_path / "control.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_or_facts_error(path) is None


@given(doc=facts_documents(), data=st.data())
def test_mutated_json_file(
    tmp_path_factory: pytest.TempPathFactory, doc: dict[str, Any], data: st.DataObject
) -> None:
    text = json.dumps(doc, default=str, ensure_ascii=False).encode()
    valid = load_or_facts_error(_file(tmp_path_factory, text, ".json"))
    assert valid is not None  # the strategy's documents are valid
    load_or_facts_error(_file(tmp_path_factory, data.draw(mutated(text)), ".json"))


_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8),
    st.dates(), st.sampled_from(["app", "active", "stopped", "2026-02-30", "网信算备", "on"]),
)
_KEYS = st.sampled_from(["organization", "algorithms", "platforms", "deployments", "filings",
                         "records", "schema", "id", "type", "name", "algorithm", "platform",
                         "platforms", "status", "number", "kind", "on", "launched_on",
                         "stopped_on", "public_opinion", "types", "extra", "attributes"])
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=5),
    max_leaves=20,
)


@given(st.dictionaries(_KEYS, _VALUES, max_size=6))
def test_random_mappings(doc: dict[str, Any]) -> None:
    load_or_facts_error(doc)


@given(doc=facts_documents(), key=_KEYS, value=_VALUES, data=st.data())
def test_one_field_wrong(doc: dict[str, Any], key: str, value: Any, data: st.DataObject) -> None:
    """A valid document with one field of one entity replaced by anything."""
    sections = [s for s in ("algorithms", "platforms", "deployments", "filings", "records")
                if doc.get(s)]
    if sections:
        section = data.draw(st.sampled_from(sections))
        item = data.draw(st.sampled_from(doc[section]))
        item[key] = value
    else:
        doc[key] = value
    load_or_facts_error(doc)


# --- attacks ----------------------------------------------------------------------------


def test_billion_laughs_yaml(tmp_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 10) + "]")
    lines.append("organization: {name: *j}")
    path = tmp_path / "laughs.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert load_or_facts_error(path) is None
    # the same bomb in the records' extra attributes
    path.write_text("\n".join(lines[:-1]) + "\norganization: {name: x}\nrecords:\n"
                    "  - {kind: disclosure, note: *j}\n", encoding="utf-8")
    load_or_facts_error(path)


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_ten_thousand_levels_of_nesting(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"deep{suffix}"
    path.write_text('{"organization": ' + "[" * 10_000 + "]" * 10_000 + "}", encoding="utf-8")
    assert load_or_facts_error(path) is None
    path.write_text('{"organization": ' + '{"a": ' * 10_000 + "1" + "}" * 10_001,
                    encoding="utf-8")
    assert load_or_facts_error(path) is None


def test_deep_mapping_in_memory() -> None:
    doc: dict[str, Any] = {"name": "x"}
    for _ in range(10_000):
        doc = {"extra": doc}
    assert load_or_facts_error({"organization": doc}) is None


@pytest.mark.parametrize(
    "data",
    [b"organization: {name: \xff}\n", b"\xfe\xff\x00o", b"organization:\n  name: \xe4\xb8\n",
     b"organization: {name: a\x00b}\n", b"\x00", b'{"organization": {"name": "a\x00"}}'],
)
@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_invalid_utf8_and_nul(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"bad{suffix}"
    path.write_bytes(data)
    load_or_facts_error(path)


@pytest.mark.parametrize(
    "text",
    [
        "organization: !!python/object/apply:os.system ['echo pwned']\n",
        "organization: !!python/name:os.system\n",
        "organization: {name: x}\nalgorithms: !!set {a, b}\n",
        "organization: {name: !!binary aGVsbG8=}\n",
        "organization: {name: x}\n"
        "deployments: [{algorithm: a, platform: p, launched_on: 9999999999-01-01}]\n",
        "organization: {name: x}\nalgorithms: [{id: 1e999}]\n",
        "organization: {name: x}\n---\norganization: {name: y}\n",
        "<<: {organization: {name: x}}\n",
    ],
)
def test_hostile_yaml(tmp_path: Path, text: str) -> None:
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    load_or_facts_error(path)


def test_dates_in_memory_are_dates() -> None:
    facts = load_or_facts_error({
        "organization": {"name": "x"},
        "algorithms": [{"id": "a"}],
        "platforms": [{"id": "p", "type": "app"}],
        "deployments": [{"algorithm": "a", "platform": "p", "launched_on": dt.date(2026, 1, 5)}],
    })
    assert facts is not None
    assert facts.deployments[0].launched_on == dt.date(2026, 1, 5)


def test_nul_in_the_facts_path() -> None:
    assert load_or_facts_error("facts\x00.yaml") is None
