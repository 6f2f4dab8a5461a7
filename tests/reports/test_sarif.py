"""SARIF output: valid against the SARIF 2.1.0 schema (shipped with these tests,
see SARIF-SCHEMA.md), locations that exist for the user (the shipped pack through
``uriBaseId``), percent-encoded URIs, and a valid document on bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit
from urllib.request import url2pathname

import jsonschema
import pytest

from .reports_support import AS_OF, COMPANY, run_cli

SCHEMA = json.loads((Path(__file__).resolve().parent / "sarif-schema-2.1.0.json")
                    .read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft4Validator(SCHEMA)


def _validate(doc: dict[str, Any]) -> None:
    errors = sorted(VALIDATOR.iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def _sarif(args: list[str]) -> tuple[int, dict[str, Any]]:
    code, out, err = run_cli(["check", *args, "--format", "sarif"])
    assert out, err
    doc: dict[str, Any] = json.loads(out)
    return code, doc


def _resolve(run: dict[str, Any], artifact: dict[str, Any]) -> Path:
    """The file an artifact location names, as a SARIF consumer would find it."""
    uri = artifact["uri"]
    if "uriBaseId" in artifact:
        uri = urljoin(run["originalUriBaseIds"][artifact["uriBaseId"]]["uri"], uri)
    parts = urlsplit(uri)
    assert parts.scheme == "file", uri
    return Path(url2pathname(parts.path))


def test_the_example_validates_and_every_location_exists(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    monkeypatch.chdir(COMPANY.parents[1])
    code, doc = _sarif(["--facts", "examples/company.yaml", "--as-of", AS_OF, "--all"])
    assert code == 1
    _validate(doc)
    run = doc["runs"][0]
    assert run["results"]
    seen = set()
    for result in run["results"]:
        for loc in result["locations"]:
            if "physicalLocation" not in loc:
                assert loc["logicalLocations"][0]["fullyQualifiedName"].startswith("plugin:")
                continue
            artifact = loc["physicalLocation"]["artifactLocation"]
            path = _resolve(run, artifact)
            assert path.is_file(), artifact
            seen.add(artifact.get("uriBaseId"))
    assert "%SRCROOT%" in seen


def test_the_shipped_pack_is_found_outside_a_checkout(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    facts = tmp_path / "facts.yaml"
    shutil.copy(COMPANY, facts)
    monkeypatch.chdir(tmp_path)  # no policies/ folder here
    _, doc = _sarif(["--facts", "facts.yaml", "--as-of", AS_OF])
    _validate(doc)
    run = doc["runs"][0]
    rule_locations = [loc for r in run["results"] for loc in r["locations"]
                      if loc.get("message", {}).get("text") == "rule"
                      and "physicalLocation" in loc]
    assert rule_locations
    for loc in rule_locations:
        artifact = loc["physicalLocation"]["artifactLocation"]
        assert artifact["uriBaseId"] == "POLICY_SDK_PACK"
        path = _resolve(run, artifact)
        assert path.is_file()
        line = loc["physicalLocation"]["region"]["startLine"]
        assert "rule" in path.read_text(encoding="utf-8").splitlines()[line - 1]


def test_uris_are_percent_encoded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "中文 目录"
    folder.mkdir()
    shutil.copy(COMPANY, folder / "事实.yaml")
    monkeypatch.chdir(tmp_path)
    _, doc = _sarif(["--facts", "中文 目录/事实.yaml", "--as-of", AS_OF])
    _validate(doc)
    run = doc["runs"][0]
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"]
            for r in run["results"] for loc in r["locations"] if "physicalLocation" in loc}
    facts_uri = "%E4%B8%AD%E6%96%87%20%E7%9B%AE%E5%BD%95/%E4%BA%8B%E5%AE%9E.yaml"
    assert facts_uri in uris
    for uri in uris:  # RFC 3986: no space, no raw non-ASCII
        assert uri.isascii()
        assert " " not in uri
    assert unquote(facts_uri) == "中文 目录/事实.yaml"
    assert _resolve(run, {"uri": facts_uri, "uriBaseId": "%SRCROOT%"}).is_file()


def test_a_file_outside_the_working_directory_is_an_absolute_uri(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    facts = tmp_path / "elsewhere" / "facts.yaml"
    facts.parent.mkdir()
    shutil.copy(COMPANY, facts)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    _, doc = _sarif(["--facts", str(facts), "--as-of", AS_OF])
    _validate(doc)
    run = doc["runs"][0]
    artifacts = [loc["physicalLocation"]["artifactLocation"]
                 for r in run["results"] for loc in r["locations"]
                 if loc.get("message", {}).get("text") != "rule"]
    assert artifacts
    assert all(a == {"uri": facts.resolve().as_uri()} for a in artifacts)


@pytest.mark.parametrize("content", ["algorithms: [\n", "organization: {}\nbogus: 1\n"])
def test_bad_facts_give_a_valid_sarif_with_the_errors(tmp_path: Path, content: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(content, encoding="utf-8")
    code, out, err = run_cli(["check", "--facts", str(bad), "--as-of", AS_OF,
                              "--format", "sarif"])
    assert code == 2
    assert "error[" in err  # people still read the errors on stderr
    doc = json.loads(out)
    _validate(doc)
    run = doc["runs"][0]
    assert run["results"] == []
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert invocation["exitCode"] == 2
    notes = invocation["toolExecutionNotifications"]
    assert notes
    assert all(n["level"] == "error" for n in notes)
    assert all(n["message"]["text"] in err for n in notes if "(" not in n["message"]["text"])


def test_a_bad_policy_gives_a_valid_sarif_located_at_the_policy(tmp_path: Path) -> None:
    policy = tmp_path / "bad.policy"
    policy.write_text("require filing per platfrom\n", encoding="utf-8")
    code, out, _ = run_cli(["check", "--facts", str(COMPANY), "--policy", str(policy),
                            "--as-of", AS_OF, "--format", "sarif", "--no-plugin-rules"])
    assert code == 2
    doc = json.loads(out)
    _validate(doc)
    note = doc["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]
    physical = note["locations"][0]["physicalLocation"]
    assert physical["region"]["startLine"] == 1
    assert _resolve(doc["runs"][0], physical["artifactLocation"]) == policy.resolve()


def test_bad_facts_give_a_json_document_with_the_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("algorithms: [\n", encoding="utf-8")
    path = tmp_path / "out.json"
    code, out, err = run_cli(["check", "--facts", str(bad), "--as-of", AS_OF,
                              "--format", "json", "-o", str(path)])
    assert code == 2
    assert out == ""
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["as_of"] == AS_OF
    assert doc["exit_code"] == 2
    assert [e["code"] for e in doc["errors"]] == ["malformed"]
    assert doc["errors"][0]["line"] == 2
    assert doc["errors"][0]["message"] in err


def test_text_on_bad_input_writes_nothing_to_stdout(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("algorithms: [\n", encoding="utf-8")
    code, out, _ = run_cli(["check", "--facts", str(bad), "--as-of", AS_OF])
    assert code == 2
    assert out == ""
