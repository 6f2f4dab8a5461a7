"""Loading facts: the format, and the exact wording and location of each error."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from policy_sdk.errors import FactsError
from policy_sdk.facts import build_schema, load_facts
from policy_sdk.facts.model import Filing, Record

from .facts_support import MINIMAL, SPECS, doc, errors, only

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "company.yaml"


def test_the_issue_example_loads_from_a_mapping() -> None:
    facts = load_facts(MINIMAL, platform_types=SPECS)
    assert facts.organization.name == "示例科技有限公司"
    assert facts.organization.public_opinion is True
    assert [d.key for d in facts.deployments] == [("feed-rec", "main-app"), ("feed-rec", "wx-mini")]
    assert facts.deployments[1].stopped_on == dt.date(2026, 10, 9)
    assert facts.filings == (Filing("网信算备110108123456701260001号", "feed-rec", ("main-app",),
                                    "active", dt.date(2026, 3, 10), True),)
    assert facts.records == (Record("security_assessment", "feed-rec", None, None,
                                    dt.date(2026, 2, 20)),)
    assert facts.warnings == ()
    assert facts.source is None


def test_the_bundled_example_loads_with_locations() -> None:
    facts = load_facts(EXAMPLE)
    assert len(facts.algorithms) == 6
    assert len(facts.deployments) == 15
    assert facts.filings[-1].platforms == ("main-app", "website")
    assert facts.warnings == ()
    assert facts.source == str(EXAMPLE)
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    line = facts.locations["deployments[3].platform"]
    assert "video-rec" in lines[line - 1]
    assert "main-app" in lines[line - 1]
    assert facts.locations["organization.name"] == next(
        i + 1 for i, text in enumerate(lines) if text.strip().startswith("name: 示例科技"))


def test_yaml_and_json_twins_load_equal(tmp_path: Path) -> None:
    y = tmp_path / "f.yaml"
    j = tmp_path / "f.json"
    import yaml

    y.write_text(yaml.safe_dump(MINIMAL, allow_unicode=True), encoding="utf-8")
    j.write_text(json.dumps(MINIMAL, ensure_ascii=False), encoding="utf-8")
    assert load_facts(y, platform_types=SPECS) == load_facts(j, platform_types=SPECS) == \
        load_facts(MINIMAL, platform_types=SPECS)


def test_platform_or_platforms_and_aliases() -> None:
    d = doc(platforms=[{"id": "main-app", "type": "app"}, {"id": "wx-mini", "type": "小程序"}],
            filings=[{"number": "网信算备110108123456701260001号", "algorithm": "feed-rec",
                      "platforms": ["wx-mini", "main-app"]}])
    from policy_sdk.facts.load import platform_type_specs

    facts = load_facts(d, platform_types=platform_type_specs(["app", "mini_program"]))
    assert facts.platforms[1].type == "mini_program"  # alias normalized
    assert facts.filings[0].platforms == ("wx-mini", "main-app")  # kept as given
    assert facts.filings[0].status == "active"


# --- YAML 1.2 -------------------------------------------------------------------------


def _yaml(tmp_path: Path, text: str, name: str = "facts.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


HEAD = """organization: {name: 示例, public_opinion: true}
algorithms: [{id: feed-rec, uses_recommendation: true}]
platforms: [{id: main-app, type: app}]
"""


def test_on_key_stays_text_and_dates_are_dates(tmp_path: Path) -> None:
    p = _yaml(tmp_path, HEAD + "records: [{kind: opt_out, algorithm: feed-rec, on: 2026-02-20}]\n")
    facts = load_facts(p, platform_types=SPECS)
    assert facts.records[0].on == dt.date(2026, 2, 20)


def test_yes_is_not_a_boolean(tmp_path: Path) -> None:
    p = _yaml(tmp_path, "organization: {name: 示例, public_opinion: yes}\n")
    d = only(p)
    assert d.path == "organization.public_opinion"
    assert d.message == "expected true or false, got `yes`"
    assert d.span is not None
    assert (d.span.line, d.span.column) == (1, 42)
    assert d.source_line == "organization: {name: 示例, public_opinion: yes}"


def test_duplicate_yaml_key(tmp_path: Path) -> None:
    d = only(_yaml(tmp_path, "organization:\n  name: a\n  name: b\n"))
    assert (d.code, d.message, d.path) == ("duplicate-key", "duplicate key `name`",
                                           "organization.name")
    assert d.span is not None
    assert d.span.line == 3


# --- malformed input -------------------------------------------------------------------


def test_malformed_yaml_has_line_and_column(tmp_path: Path) -> None:
    d = only(_yaml(tmp_path, "organization:\n  name: [a, b\nalgorithms: []\n"))
    assert d.code == "malformed"
    assert d.message.startswith("malformed YAML: ")
    assert d.span is not None
    assert d.span.line == 3
    assert d.location.startswith(f"{tmp_path / 'facts.yaml'}:3:")


def test_malformed_json_has_line_and_column(tmp_path: Path) -> None:
    p = tmp_path / "f.json"
    p.write_text('{\n  "organization": {"name": "a",}\n}\n', encoding="utf-8")
    d = only(p)
    assert d.code == "malformed"
    assert d.message == "malformed JSON: expecting property name enclosed in double quotes"
    assert d.span is not None
    assert (d.span.line, d.span.column) == (2, 32)


def test_duplicate_json_key(tmp_path: Path) -> None:
    p = tmp_path / "f.json"
    p.write_text('{"organization": {"name": "a", "name": "b"}}', encoding="utf-8")
    assert only(p).message == "malformed JSON: duplicate key `name`"


def test_unknown_suffix(tmp_path: Path) -> None:
    p = tmp_path / "f.toml"
    p.write_text("x", encoding="utf-8")
    d = only(p)
    assert (d.code, d.message) == ("format", "unknown facts file type `.toml`")


def test_missing_file(tmp_path: Path) -> None:
    d = only(tmp_path / "nope.yaml")
    assert d.code == "io"
    assert d.message.startswith(f"cannot read `{tmp_path / 'nope.yaml'}`")


# --- the error kinds, each with its path and wording ----------------------------------


def test_missing_required_key() -> None:
    d = doc()
    del d["deployments"][1]["platform"]
    e = only(d)
    assert (e.code, e.path, e.message) == ("missing", "deployments[1].platform",
                                           "a deployment needs `platform`")
    assert e.file is None
    assert e.location == "deployments[1].platform"


def test_wrong_type_says_what_is_expected_in_words() -> None:
    d = doc()
    d["deployments"][0]["launched_on"] = "March 2nd"
    e = only(d)
    assert (e.code, e.path) == ("type", "deployments[0].launched_on")
    assert e.message == "expected a date like 2026-03-02, got `March 2nd`"
    d = doc()
    d["algorithms"][0]["uses_recommendation"] = "true"
    assert only(d).message == "expected true or false, got `true`"
    d = doc()
    d["algorithms"][0]["id"] = 42
    msgs = {x.path: x.message for x in errors(d)}
    assert msgs["algorithms[0].id"] == "expected text, got `42`"


def test_impossible_date() -> None:
    d = doc()
    d["deployments"][0]["launched_on"] = "2026-02-30"
    e = only(d)
    assert e.message == "`2026-02-30` is not a real day; expected a date like 2026-03-02"


def test_unknown_enum_value_with_did_you_mean() -> None:
    d = doc()
    d["deployments"][0]["status"] = "actve"
    e = only(d)
    assert (e.code, e.path) == ("enum", "deployments[0].status")
    assert e.message == ("unknown deployment status `actve`; expected one of `active`, "
                         "`paused`, `stopped`")
    assert e.help == "did you mean `active`?"
    d = doc()
    d["algorithms"][0]["types"] = ["personalised_push"]
    e = only(d)
    assert e.path == "algorithms[0].types[0]"
    assert e.help == "did you mean `personalized_push`?"


def test_unknown_platform_type() -> None:
    d = doc()
    d["platforms"][1]["type"] = "mini_progam"
    e = only(d)
    assert (e.code, e.path) == ("unknown-platform-type", "platforms[1].type")
    assert e.message.startswith("unknown platform type `mini_progam`; known types: `app`")
    assert e.help == "did you mean `mini_program`?"


def test_unknown_references_with_did_you_mean() -> None:
    d = doc()
    d["deployments"][0]["algorithm"] = "feed-recc"
    d["filings"][0]["platform"] = "main-ap"
    d["records"][0]["filing"] = "网信算备110108123456701260002号"
    found = {e.path: e for e in errors(d)}
    assert set(found) == {"deployments[0].algorithm", "filings[0].platform", "records[0].filing"}
    assert found["deployments[0].algorithm"].message == "unknown algorithm `feed-recc`"
    assert found["deployments[0].algorithm"].help == "did you mean `feed-rec`?"
    assert found["filings[0].platform"].help == "did you mean `main-app`?"
    assert found["records[0].filing"].code == "unknown-reference"


def test_duplicates() -> None:
    d = doc()
    d["algorithms"].append({"id": "feed-rec"})
    d["platforms"].append({"id": "wx-mini", "type": "app"})
    d["deployments"].append({"algorithm": "feed-rec", "platform": "main-app"})
    d["filings"].append(dict(d["filings"][0]))
    found = {e.path: e.message for e in errors(d)}
    assert found == {
        "algorithms[1].id": "algorithm `feed-rec` is listed twice (also algorithms[0])",
        "platforms[2].id": "platform `wx-mini` is listed twice (also platforms[1])",
        "deployments[2]": "`feed-rec` on `main-app` is listed twice (also deployments[0])",
        "filings[1].number": "filing `网信算备110108123456701260001号` is listed twice "
                             "(also filings[0])",
    }


def test_stopped_before_launched_and_stopped_on_without_stop() -> None:
    d = doc()
    d["deployments"][1]["stopped_on"] = "2025-12-31"
    e = only(d)
    assert (e.code, e.path) == ("date-order", "deployments[1].stopped_on")
    assert e.message == "stopped on 2025-12-31, before it launched on 2026-01-05"
    d = doc()
    d["deployments"][0]["stopped_on"] = "2026-10-09"
    e = only(d)
    assert e.message == "`stopped_on` is set but the status is `active`"


def test_stopped_without_date_is_a_warning() -> None:
    d = doc()
    del d["deployments"][1]["stopped_on"]
    facts = load_facts(d, platform_types=SPECS)
    (w,) = facts.warnings
    assert (w.level, w.code, w.path) == ("warning", "stopped-without-date",
                                         "deployments[1].stopped_on")
    assert facts.deployments[1].stopped_on is None


def test_unusual_filing_number_is_a_warning() -> None:
    d = doc()
    d["filings"][0]["number"] = "网信算备1101081234567号"
    facts = load_facts(d, platform_types=SPECS)
    (w,) = facts.warnings
    assert (w.level, w.code, w.path) == ("warning", "filing-number", "filings[0].number")
    assert w.message == ("filing number `网信算备1101081234567号` does not have the usual shape "
                         "`网信算备` + 21 digits + `号`")
    assert facts.filings[0].number == "网信算备1101081234567号"


def test_filing_platforms_rules() -> None:
    d = doc()
    d["filings"][0]["platforms"] = ["main-app"]
    assert only(d).message == ("a filing names its platforms with `platform` or `platforms`, "
                               "not both")
    d = doc()
    del d["filings"][0]["platform"]
    assert only(d).message == "a filing needs `platform` (one) or `platforms` (a list)"
    d = doc()
    d["filings"][0].pop("platform")
    d["filings"][0]["platforms"] = ["main-app", "main-app"]
    e = only(d)
    assert (e.path, e.message) == ("filings[0].platforms[1]", "platform `main-app` is named twice")
    d["filings"][0]["platforms"] = []
    assert only(d).message == "a filing names at least one platform"


def test_unknown_attribute_needs_a_declaration() -> None:
    d = doc()
    d["algorithms"][0]["uses_recomendation"] = True
    e = only(d)
    assert (e.code, e.path) == ("unknown-attribute", "algorithms[0].uses_recomendation")
    assert e.message == "unknown attribute `uses_recomendation` of an algorithm"
    assert e.help is not None
    assert e.help == (
        "did you mean `uses_recommendation`? If `uses_recomendation` is an attribute of your "
        "own, declare it under `schema:` as `algorithm: [{name: uses_recomendation, "
        "type: boolean}]`"
    )


def test_declared_attributes_and_kinds() -> None:
    d = doc(schema={"algorithm": [{"name": "risk_level", "type": "string",
                                   "enum": ["low", "high"], "description": "风险等级"}],
                    "deployment": [{"name": "dau", "type": "number"}],
                    "kinds": ["youth_mode"]})
    d["algorithms"][0]["risk_level"] = "high"
    d["deployments"][0]["dau"] = 12000
    d["records"].append({"kind": "youth_mode", "platform": "main-app"})
    facts = load_facts(d, platform_types=SPECS)
    assert facts.algorithms[0].extra == {"risk_level": "high"}
    assert facts.deployments[0].extra == {"dau": 12000}
    assert facts.kinds == ("youth_mode",)
    assert [a.name for a in facts.attributes] == ["risk_level", "dau"]
    schema = build_schema(SPECS, facts)
    assert "youth_mode" in schema.kinds
    attr = schema.get("algorithm", "risk_level")
    assert attr is not None
    assert (attr.type, attr.enum, attr.origin) == ("string", ("low", "high"), "facts")
    d["algorithms"][0]["risk_level"] = "hgih"
    d["deployments"][0]["dau"] = "many"
    found = {e.path: (e.message, e.help) for e in errors(d)}
    assert found["algorithms[0].risk_level"][1] == "did you mean `high`?"
    assert found["deployments[0].dau"][0] == "expected a number, got `many`"


def test_bad_declarations() -> None:
    d = doc(schema={"algorithm": [{"name": "name", "type": "string"},
                                  {"name": "x", "type": "strng"}],
                    "algorithmm": [], "kinds": ["opt_out"]})
    found = {e.path: e.message for e in errors(d)}
    assert found == {
        "schema.algorithm[0].name": "`name` is already an attribute of an algorithm",
        "schema.algorithm[1].type": "unknown attribute type `strng`; expected one of `string`, "
                                    "`number`, `boolean`, `date`, `list`",
        "schema.algorithmm": "unknown schema entry `algorithmm`",
        "schema.kinds[0]": "`opt_out` is already a core obligation kind",
    }


def test_unknown_record_kind_and_filing_records() -> None:
    d = doc()
    d["records"][0]["kind"] = "security_assesment"
    e = only(d)
    assert (e.code, e.path, e.message, e.help) == (
        "unknown-kind", "records[0].kind", "unknown obligation kind `security_assesment`",
        "did you mean `security_assessment`?")
    d["records"][0]["kind"] = "filing"
    assert only(d).message == "filings are listed under `filings:`, not as records"


def test_computed_attributes_cannot_be_set() -> None:
    d = doc()
    d["deployments"][0]["running"] = True
    e = only(d)
    assert (e.code, e.message) == ("computed-attribute",
                                   "`running` is computed from the other facts; it cannot be set")


def test_unknown_section_and_missing_organization() -> None:
    d = doc(deploymnets=[])
    del d["organization"]
    found = {e.path: (e.message, e.help) for e in errors(d)}
    assert found["deploymnets"] == ("unknown section `deploymnets`", "did you mean `deployments`?")
    assert found["organization"][0] == "the facts need an `organization` section"


def test_all_errors_at_once_sorted_with_lines(tmp_path: Path) -> None:
    text = (HEAD
            + "deployments:\n"
            + "  - {algorithm: feed-rec, platform: main-ap, launched_on: 2026-03-02}\n"
            + "  - {algorithm: feed-recc, platform: main-app, status: actve}\n"
            + "records:\n  - {kind: opt_outt}\n")
    p = _yaml(tmp_path, text)
    with pytest.raises(FactsError) as info:
        load_facts(p, platform_types=SPECS)
    got = [(d.span.line if d.span else None, d.path) for d in info.value.diagnostics]
    assert got == [(5, "deployments[0].platform"), (6, "deployments[1].algorithm"),
                   (6, "deployments[1].status"), (8, "records[0].kind")]
    rendered = info.value.render()
    assert f"{p}:5:37: deployments[0].platform: error[unknown-reference]: unknown platform " \
           "`main-ap`" in rendered
    assert "help: did you mean `main-app`?" in rendered


def test_json_errors_sort_by_index_not_text() -> None:
    d = doc()
    d["deployments"] = [{"algorithm": "x", "platform": "main-app"}] + [
        {"algorithm": "feed-rec", "platform": "main-app", "launched_on": "bad"}] * 10
    paths = [e.path for e in errors(d)]
    assert paths[:3] == ["deployments[0].algorithm", "deployments[1].launched_on",
                         "deployments[2].launched_on"]
    assert paths[-1] == "deployments[10].launched_on"


# --- bounds ----------------------------------------------------------------------------


def test_billion_laughs_does_not_explode(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 9)}]")
    text = "organization: {name: x}\nschema:\n" + "\n".join("  " + x for x in lines) + "\n"
    found = errors(_yaml(tmp_path, text))
    assert found[0].path == "schema.a0"
    assert all(e.code == "unknown-key" for e in found)


def test_alias_of_unknown_anchor(tmp_path: Path) -> None:
    d = only(_yaml(tmp_path, "organization: *nope\n"))
    assert d.message == "alias `*nope` names no anchor defined before it"


def test_deep_nesting(tmp_path: Path) -> None:
    d = only(_yaml(tmp_path, "organization: " + "[" * 100_000 + "]" * 100_000 + "\n"))
    assert (d.code, d.message) == ("too-deep", "the facts file is nested deeper than 32 levels")
    j = tmp_path / "deep.json"
    j.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert only(j).code == "too-deep"


def test_invalid_utf8_and_nul(tmp_path: Path) -> None:
    p = tmp_path / "bad.yaml"
    p.write_bytes(b"organization:\n  name: \xff\xfe\n")
    d = only(p)
    assert (d.code, d.message) == ("encoding", "facts files must be UTF-8; byte 22 (line 2) is "
                                               "not valid UTF-8")
    p.write_bytes(b"organization:\n  name: a\x00b\n")
    d = only(p)
    assert (d.code, d.message) == ("nul", "the facts file contains a NUL character")
    assert d.span is not None
    assert d.span.line == 2


def test_file_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import policy_sdk.facts.load as load

    monkeypatch.setattr(load, "MAX_FACTS_BYTES", 10)
    p = _yaml(tmp_path, HEAD)
    d = only(p)
    assert d.code == "too-large"
    assert d.message == f"the facts file is {p.stat().st_size} bytes; the limit is 10 bytes"


def test_unsupported_tag_and_several_documents(tmp_path: Path) -> None:
    d = only(_yaml(tmp_path, "organization: !!python/object:os.system {name: x}\n"))
    assert d.message == "unsupported YAML tag `tag:yaml.org,2002:python/object:os.system`"
    d = only(_yaml(tmp_path, HEAD + "---\n" + HEAD))
    assert d.message == "a facts file holds one YAML document, not several"


def test_empty_and_non_mapping_documents(tmp_path: Path) -> None:
    assert only(_yaml(tmp_path, "# nothing\n")).message == "the facts file is empty"
    assert only([1, 2]).code == "type"
