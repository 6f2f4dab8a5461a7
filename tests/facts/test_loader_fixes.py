"""What a new user met in the loader, and the strict reader other files use."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs
import pytest

from policy_sdk.errors import Diagnostic, FactsError, ValidationError
from policy_sdk.facts import Deployment, Facts, Organization, load_facts, load_facts_text
from policy_sdk.facts.derived import deployments_by_algorithm
from policy_sdk.facts.read import read_document

from .facts_support import SPECS, doc, errors, only

_HEAD = "organization: {name: 甲公司}\nalgorithms: [{id: rec}]\n"


def _text_errors(text: str, format: str = "yaml") -> list[Diagnostic]:
    with pytest.raises(FactsError) as caught:
        load_facts_text(text, format, platform_types=SPECS)
    return list(caught.value.diagnostics)


def _one(text: str, format: str = "yaml") -> Diagnostic:
    found = _text_errors(text, format)
    assert len(found) == 1, [d.render() for d in found]
    return found[0]


def test_a_merge_key_gives_way_to_a_key_written_in_the_mapping() -> None:
    text = _HEAD + (
        "platforms: [{id: p, type: app}, {id: q, type: website}]\n"
        "deployments:\n"
        "  - &d {algorithm: rec, platform: p, status: active}\n"
        "  - {<<: *d, platform: q}\n"
        "  - {platform: q, <<: *d, status: paused, algorithm: rec}\n"
    )
    with pytest.raises(FactsError) as caught:  # rows 1 and 2 are the same deployment
        load_facts_text(text, "yaml", platform_types=SPECS)
    (d,) = caught.value.diagnostics
    assert d.message == "`rec` on `q` is listed twice (also deployments[1])"
    facts = load_facts_text(text.rsplit("  - {platform", 1)[0], "yaml", platform_types=SPECS)
    assert facts.deployments[1] == Deployment("rec", "q", "active")


def test_a_key_written_twice_beside_a_merge_is_still_a_duplicate() -> None:
    text = _HEAD + ("platforms: [{id: p, type: app}]\n"
                    "deployments:\n  - &d {algorithm: rec, platform: p}\n"
                    "  - {<<: *d, platform: p, platform: p}\n")
    d = next(x for x in _text_errors(text) if x.code == "duplicate-key")
    assert d.message == "duplicate key `platform`"
    assert d.span is not None
    assert d.span.line == 6


def test_letter_case_and_usual_other_names_get_a_did_you_mean() -> None:
    d = doc()
    d["platforms"][0]["type"] = "APP"
    assert only(d).help == "did you mean `app`?"
    for host in ("微信", "weixin"):
        d = doc()
        d["platforms"][1]["host"] = host
        assert only(d).help == "did you mean `wechat`?"
    d = doc()
    d["deployments"][0]["status"] = "Active"
    assert only(d).help == "did you mean `active`?"


def test_an_unknown_platform_id_lists_the_known_ones() -> None:
    d = doc()
    d["deployments"][0]["platform"] = "zzz"
    e = only(d)
    assert e.message == "unknown platform `zzz`"
    assert e.help == ("it must be the `id` of an entry under `platforms:`: `main-app`, "
                      "`wx-mini`")


def test_a_quoted_boolean_is_explained() -> None:
    d = doc()
    d["algorithms"][0]["uses_recommendation"] = "true"
    e = only(d)
    assert e.message == "expected true or false, got `true`"
    assert e.help == ("`true` is in quotes, so it is text, not a boolean; write true "
                      "without quotes")


def test_tabs_and_bad_indentation_are_worded_with_help() -> None:
    d = _one("organization:\n\tname: x\n")
    assert d.message == "malformed YAML: a tab character where YAML expects spaces"
    assert d.help == "indent with spaces; YAML does not allow tabs for indentation"
    assert d.span is not None
    assert d.span.line == 2
    d = _one("organization:\n  name: x\n role: provider\n")
    assert d.message == "malformed YAML: this line is not indented like the lines around it"
    assert d.help is not None
    assert d.help.startswith("the keys of one mapping start")
    assert "block end" not in d.render()


def test_a_duplicate_json_key_names_its_line_and_path() -> None:
    text = ('{"organization": {"name": "甲"},\n "algorithms": [{"id": "rec"}],\n'
            ' "platforms": [{"id": "app", "type": "app"}],\n'
            ' "deployments": [{"algorithm": "rec",\n   "platform": "app", "platform": "app"}]}')
    d = _one(text, "json")
    assert d.message == "malformed JSON: duplicate key `platform`"
    assert d.path == "deployments[0].platform"
    assert d.span is not None
    assert (d.span.line, d.span.column) == (5, 23)


def test_a_json_trailing_comma_gets_a_hint() -> None:
    d = _one('{"organization": {"name": "甲"}, "algorithms": [{"id": "a"},]}', "json")
    assert d.message.startswith("malformed JSON: ")
    assert d.help == "remove the comma before `]`: JSON allows no comma after the last item"


def test_nul_is_refused_but_a_backslash_before_u0000_is_text() -> None:
    text = json.dumps({"organization": {"name": "C:\\u0000dir"}})
    assert "\\\\u0000" in text
    assert load_facts_text(text, platform_types=SPECS).organization.name == "C:\\u0000dir"
    d = _one('{"organization": {"name": "a\\u0000b"}}', "json")
    assert (d.code, d.path) == ("nul", "organization.name")
    d = _one('organization: {name: "a\\0b"}\n')
    assert d.code == "nul"


def test_lone_surrogates_are_refused_in_words() -> None:
    d = _one('{"organization": {"name": "\\udc80"}}', "json")
    assert d.code == "surrogate"
    assert d.message == "text holds a lone surrogate `\\udc80`, which is not a character"
    assert d.path == "organization.name"
    d = _one('organization: {name: "\\ud800"}\n')
    assert d.message.startswith("malformed YAML: an escape that is not a character")
    for text, format in (("organization: {name: \ud800}\n", "yaml"),
                         ('{"organization": {"name": "\udc80"}}', "json")):
        d = _one(text, format)  # the raw character, in a string handed over
        assert d.code == "surrogate"
        assert d.message.startswith("text holds a lone surrogate `\\ud")
    # a pair is one character, and fine
    facts = load_facts_text('{"organization": {"name": "\\ud83d\\ude00"}}', "json",
                            platform_types=SPECS)
    assert facts.organization.name == "\U0001f600"


def test_a_mapping_handed_in_is_held_to_the_same_text_rules() -> None:
    d = doc()
    d["organization"]["name"] = "a\x00b"
    d["algorithms"][0]["name"] = "\udc80"
    found = {e.path: e.code for e in errors(d)}
    assert found == {"organization.name": "nul", "algorithms[0].name": "surrogate"}


@pytest.mark.parametrize("format", ["json", "yaml"])
def test_a_number_too_long_to_read_is_a_worded_error(format: str) -> None:
    big = "9" * 5000
    text = (f'{{"organization": {{"name": "x", "n": {big}}}}}' if format == "json"
            else f"organization: {{name: x, n: {big}}}\n")
    d = _one(text, format)
    assert (d.code, d.message) == ("too-large", "a number has more than 4300 digits")


def test_load_facts_text_reports_like_a_file(tmp_path: Path) -> None:
    text = _HEAD + "algorithms: []\n"
    d = _one(text)
    assert d.message == "duplicate key `algorithms`"
    assert d.span is not None
    assert (d.span.file, d.span.line) == ("<request>", 3)
    facts = load_facts_text(_HEAD.encode(), "yaml", name="body.yaml", platform_types=SPECS)
    assert facts.source == "body.yaml"
    assert facts.locations["algorithms[0].id"] == 2
    path = tmp_path / "f.yaml"
    path.write_text(_HEAD, encoding="utf-8")
    assert load_facts(path, platform_types=SPECS) == facts
    with pytest.raises(FactsError) as caught:
        load_facts_text("{}", "toml")
    assert caught.value.diagnostics[0].code == "format"


def test_an_odd_path_is_a_facts_error_naming_it() -> None:
    for name in ("x" * 300 + ".json", "x" * 300):
        (d,) = errors(name)
        assert d.code in ("io", "format")
        assert name in d.message


def test_read_document_raises_the_error_class_asked_for() -> None:
    with pytest.raises(ValidationError) as caught:
        read_document(b"a: 1\na: 2\n", "cal.yaml", "yaml", error=ValidationError)
    assert caught.value.diagnostics[0].message == "duplicate key `a`"
    document, locator = read_document("when: 2026-01-02\nn: 010\n", "x.yaml", "yaml")
    assert document == {"when": __import__("datetime").date(2026, 1, 2), "n": 10}
    assert locator.lines() == {"when": 1, "n": 2}


def test_indexes_reach_facts_through_the_constructor_and_do_not_outlive_a_change() -> None:
    rows = (Deployment("a", "p"), Deployment("a", "q"))
    index = {"a": {"p": rows[0], "q": rows[1]}}
    facts = Facts(Organization("x"), deployments=rows, derived={"by_algorithm": index})
    assert deployments_by_algorithm(facts) is index
    same = attrs.evolve(facts, kinds=("k",))
    assert deployments_by_algorithm(same) is index
    fewer = attrs.evolve(facts, deployments=rows[:1])
    assert deployments_by_algorithm(fewer) == {"a": {"p": rows[0]}}
    assert deployments_by_algorithm(facts) is index


def test_positions_of_a_yaml_text_are_found_when_asked_and_pickle_as_a_mapping() -> None:
    import pickle

    from policy_sdk.facts.yaml_lines import read_lines

    text = "organization:\n  name: 甲\nalgorithms:\n- id: rec\nplatforms:\n- id: p\n  type: app\n"
    assert read_lines(text) is not None  # the fast path: positions found later
    facts = load_facts_text(text, "yaml", platform_types=SPECS)
    assert dict(facts.locations) == {"organization": 2, "organization.name": 2,
                                     "algorithms": 4, "algorithms[0]": 4,
                                     "algorithms[0].id": 4, "platforms": 6,
                                     "platforms[0]": 6, "platforms[0].id": 6,
                                     "platforms[0].type": 7}
    again = pickle.loads(pickle.dumps(facts))
    assert again == facts
    assert again.locations == dict(facts.locations)


@pytest.mark.parametrize("where", [
    ("deployments", 0, "platform"), ("deployments", 0, "algorithm"),
    ("filings", 0, "platform"), ("filings", 1, "platforms"), ("records", 0, "platform")])
def test_a_reference_holding_a_nul_is_refused_for_the_character(
    where: tuple[str, int, str]
) -> None:
    """A mapping handed in (no file reader to catch it first): an id with a NUL is no
    unknown id ("there are none" when its own entry was refused) but the character."""
    section, row, key = where
    doc: dict[str, Any] = {
        "organization": {"name": "o"},
        "algorithms": [{"id": "rec", "uses_recommendation": True}],
        "platforms": [{"id": "app", "type": "app"}],
        "deployments": [{"algorithm": "rec", "platform": "app"}],
        "filings": [{"number": "网信算备110108000000000000001号", "algorithm": "rec",
                     "platform": "app"},
                    {"number": "网信算备110108000000000000002号", "algorithm": "rec",
                     "platforms": ["app"]}],
        "records": [{"kind": "opt_out", "platform": "app"}],
    }
    bad = "app\x00x" if key != "algorithm" else "rec\x00x"
    doc[section][row][key] = [bad] if key == "platforms" else bad
    with pytest.raises(FactsError) as raised:
        load_facts(doc)
    found = [(d.code, d.path) for d in raised.value.diagnostics]
    path = f"{section}[{row}].{key}" + ("[0]" if key == "platforms" else "")
    assert found == [("nul", path)]
    assert "NUL" in raised.value.diagnostics[0].message
