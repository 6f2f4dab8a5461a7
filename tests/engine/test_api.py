"""The embedding API: reuse across threads, pickling, sources, JSON and SARIF output."""

from __future__ import annotations

import json
import pickle
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from policy_sdk import ast
from policy_sdk.engine.engine import Engine
from policy_sdk.engine.reporters import BUILTIN_REPORTERS, render_sarif, render_text
from policy_sdk.errors import EvaluationError, PolicySyntaxError

from .engine_support import AS_OF, COMPANY, ROOT, load

SCHEMA = ROOT / "docs" / "report.schema.json"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def test_thread_pool_gives_identical_reports(engine: Engine) -> None:
    facts = load()
    first = engine.evaluate(facts, as_of=AS_OF)
    with ThreadPoolExecutor(max_workers=4) as pool:
        reports = list(pool.map(lambda _: engine.evaluate(facts, as_of=AS_OF), range(16)))
    for r in reports:
        assert r == first
        assert r.to_json(include_all=True) == first.to_json(include_all=True)


def test_engine_and_report_pickle(engine: Engine) -> None:
    facts = load()
    report = engine.evaluate(facts, as_of=AS_OF)
    again = pickle.loads(pickle.dumps(engine))
    assert [r.id for r in again.rules] == [r.id for r in engine.rules]
    assert again.evaluate(facts, as_of=AS_OF) == report
    copy = pickle.loads(pickle.dumps(report))
    assert copy == report
    assert copy.to_json() == report.to_json()


def test_sources_files_folders_modules_and_text(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.policy").write_text("require filing per platform\n", encoding="utf-8")
    (tmp_path / "sub" / "b.policy").write_text("ensure true per algorithm\n", encoding="utf-8")
    (tmp_path / "ignored.txt").write_text("not a policy", encoding="utf-8")
    folder = Engine([tmp_path], load_entrypoints=False, plugin_rules=False)
    assert [r.id for r in folder.rules] == ["ensure_per_algorithm", "require_filing_per_platform"]
    assert folder.rules[1].origin == str(tmp_path / "a.policy")
    module = folder.modules[0][0]
    assert isinstance(module, ast.Module)
    assert len(Engine([module], load_entrypoints=False, plugin_rules=False).rules) == 1
    text = Engine.from_source("ensure true per organization", name="mine.policy",
                              load_entrypoints=False)
    assert text.rules[0].origin == "mine.policy"
    with pytest.raises(PolicySyntaxError) as info:
        Engine([tmp_path / "nope.policy"], load_entrypoints=False)
    assert "nope.policy" in str(info.value)


def test_plugin_rules_are_on_by_default_and_can_be_switched_off() -> None:
    with_plugins = {r.id for r in Engine().rules}
    without = {r.id for r in Engine(plugin_rules=False).rules}
    assert without < with_plugins
    assert all(r.startswith("cn.algorithm_filing/") for r in without)
    assert any(r.origin.startswith("plugin:") for r in Engine().rules)


def test_bad_as_of_is_an_error(engine: Engine) -> None:
    with pytest.raises(EvaluationError, match="not a date"):
        engine.evaluate(load(), as_of="2026-13-01")


def test_json_matches_the_schema(engine: Engine) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    report = engine.evaluate(load(), as_of=AS_OF)
    for include_all in (False, True):
        doc = json.loads(report.to_json(include_all))
        jsonschema.validate(doc, schema)
        assert doc["summary"]["listed"] == len(doc["findings"])
    doc = json.loads(report.to_json())
    assert {f["status"] for f in doc["findings"]} == {"violated", "pending"}
    statuses = {f["status"] for f in json.loads(report.to_json(True))["findings"]}
    assert statuses == {"violated", "pending", "satisfied", "not_applicable"}
    first = doc["findings"][0]
    assert first["policy_location"]["file"].endswith("algorithm_filing.policy")


def test_sarif_points_at_the_rule(engine: Engine) -> None:
    report = engine.evaluate(load(), as_of=AS_OF)
    doc = json.loads(render_sarif(report, facts_file=str(COMPANY)))
    assert doc["version"] == "2.1.0"
    run = doc["runs"][0]
    results = run["results"]
    assert len(results) == 13
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    policy_text = (ROOT / "policies" / "algorithm_filing.policy").read_text(encoding="utf-8")
    for result in results:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
        location = result["locations"][-1]["physicalLocation"]
        assert location["artifactLocation"]["uri"].endswith("algorithm_filing.policy")
        line = policy_text.splitlines()[location["region"]["startLine"] - 1]
        assert line.strip().startswith("rule " + result["ruleId"].split("/")[-1])
    levels = {r["ruleId"].split("/")[-1]: r["level"] for r in results}
    assert levels["user_opt_out"] == "warning"  # advisory
    assert levels["filing_number_displayed"] == "error"


def test_text_groups_by_platform(engine: Engine) -> None:
    report = engine.evaluate(load(), as_of=AS_OF)
    text = render_text(report)
    assert "platform wx-mini" in text
    # most urgent first: wx-mini's violation is overdue since March
    assert text.index("platform wx-mini") < text.index("platform main-app")
    # the audit header first: the report's meta
    meta = report.meta
    assert meta is not None
    assert text.startswith(f"`{meta['organization']}`, as of {AS_OF.isoformat()}\n")
    assert f"rules SHA-256 {meta['policies']['sha256']}\n" in text
    assert "\n\nplatform wx-mini\n" in text
    assert text.rstrip().splitlines()[-1].startswith(
        "11 violated (9 mandatory, 2 advisory), 2 pending (2 mandatory, 0 advisory), ")
    assert "\x1b[" not in text
    assert "\x1b[" in render_text(report, color=True)


def test_builtin_reporters_are_registered(engine: Engine) -> None:
    assert [r.name for r in BUILTIN_REPORTERS] == ["text", "json", "sarif"]
    assert {"text", "json", "sarif"} <= set(engine.registry.reporters)


def test_a_strict_engine_makes_the_facts_warnings_errors() -> None:
    from policy_sdk.errors import FactsError

    doc = {"organization": {"name": "甲公司"},  # no public_opinion: a warning
           "algorithms": [{"id": "rec", "uses_recommendation": True}],
           "platforms": [{"id": "app", "type": "app"}],
           "deployments": [{"algorithm": "rec", "platform": "app"}]}
    lenient = Engine(plugin_rules=False)
    facts = lenient.load_facts(doc)
    assert [d.code for d in facts.warnings] == ["missing-public-opinion"]
    strict = Engine(plugin_rules=False, strict=True)
    for source in (doc, facts):  # a document, and facts already loaded
        with pytest.raises(FactsError) as raised:
            strict.evaluate(source, as_of="2026-11-20")
        assert [(d.code, d.level) for d in raised.value.diagnostics] == [
            ("missing-public-opinion", "error")]
    with pytest.raises(AttributeError, match="read-only"):
        strict.strict = False
    assert pickle.loads(pickle.dumps(strict)).strict
