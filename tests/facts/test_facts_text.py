"""`load_facts_text`: facts from JSON/YAML text read exactly like a facts file."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policy_sdk.engine.engine import Engine
from policy_sdk.errors import Diagnostic, FactsError
from policy_sdk.facts import load_facts, load_facts_text

ROOT = Path(__file__).resolve().parents[2]
COMPANY_YAML = (ROOT / "examples" / "company.yaml").read_text(encoding="utf-8")
COMPANY_JSON = (ROOT / "examples" / "company.json").read_text(encoding="utf-8")


def _diagnostics(call: object) -> list[Diagnostic] | str:
    try:
        facts = call()  # type: ignore[operator]
    except FactsError as exc:
        return list(exc.errors)
    return repr(sorted(facts.locations.items())) + repr(facts.warnings)


def only(text: str | bytes, fmt: str = "json") -> Diagnostic:
    with pytest.raises(FactsError) as info:
        load_facts_text(text, fmt, name="<request>")
    assert len(info.value.errors) == 1, info.value.errors
    return info.value.errors[0]


def test_duplicate_json_key_is_named() -> None:
    d = only('{"organization": {"name": "a", "name": "b"}}')
    assert d.message == "malformed JSON: duplicate key `name`"
    assert d.file == "<request>"


def test_duplicate_yaml_key_has_its_line() -> None:
    d = only("organization:\n  name: a\n  name: b\n", "yaml")
    assert (d.code, d.message, d.path) == ("duplicate-key", "duplicate key `name`",
                                           "organization.name")
    assert d.span is not None
    assert (d.span.file, d.span.line) == ("<request>", 3)


def test_bytes_must_be_utf8() -> None:
    d = only(b'{"organization": {"name": "\xff"}}')
    assert d.code == "encoding"
    assert "byte 27 (line 1)" in d.message


def test_nul_and_unknown_format_and_empty() -> None:
    assert only('{"a": "\x00"}').code == "nul"
    assert only("{}", "toml").message == "unknown facts format `toml`"
    assert only("", "yaml").code == "empty"
    assert only("# only a comment\n", "yaml").code == "empty"


def test_bom_is_dropped() -> None:
    plain = load_facts_text(COMPANY_JSON, "json")
    for text in ("\ufeff" + COMPANY_JSON, ("\ufeff" + COMPANY_JSON).encode("utf-8")):
        assert load_facts_text(text, "json") == plain


@pytest.mark.parametrize(("text", "fmt", "name"), [
    (COMPANY_YAML, "yaml", "examples/company.yaml"),
    (COMPANY_JSON, "json", "examples/company.json"),
])
def test_report_equals_the_file_report(text: str, fmt: str, name: str) -> None:
    engine = Engine()
    from_text = engine.evaluate(load_facts_text(text, fmt, name=name), as_of="2026-11-20")
    from_file = engine.evaluate(ROOT / name, as_of="2026-11-20")
    text_doc = json.loads(from_text.to_json(include_all=True))
    file_doc = json.loads(from_file.to_json(include_all=True))
    # the provenance names the facts as given: the name, and the file beside the path
    assert text_doc["meta"].pop("facts")["file"] == name
    assert file_doc["meta"].pop("facts")["file"] == str(ROOT / name)
    assert text_doc == file_doc


_LINES = COMPANY_YAML.splitlines(keepends=True)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, len(_LINES) - 1), max_size=4),
       st.lists(st.tuples(st.integers(0, len(_LINES) - 1), st.integers(0, 60),
                          st.sampled_from([":", " ", "x", "\t", "  name: dup\n", "- "])),
                max_size=3))
def test_text_and_file_agree(dropped: list[int], inserts: list[tuple[int, int, str]]) -> None:
    """The file loader is the slow twin: whatever the (broken) document, the text entry
    point reports the same diagnostics, spans and warnings for the same name."""
    lines = [line for i, line in enumerate(_LINES) if i not in set(dropped)]
    for at, col, piece in inserts:
        if lines:
            i = at % len(lines)
            lines[i] = lines[i][:col] + piece + lines[i][col:]
    text = "".join(lines)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "facts.yaml"
        path.write_text(text, encoding="utf-8")
        from_file = _diagnostics(lambda: load_facts(path))
        from_text = _diagnostics(lambda: load_facts_text(text, "yaml", name=str(path)))
    assert from_text == from_file
