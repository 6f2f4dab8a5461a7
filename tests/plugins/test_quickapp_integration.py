"""The third-party example (plugins/examples/policy-sdk-quickapp), installed like any plugin."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from policy_sdk.cli.main import main
from policy_sdk.facts import load_facts
from policy_sdk.plugins import load_registry
from policy_sdk.testing import check_plugin
from policy_sdk.testing.conformance import run_plugin_rules

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "plugins" / "examples" / "policy-sdk-quickapp"

try:
    import policy_sdk_quickapp as quickapp
except ModuleNotFoundError:  # pragma: no cover - the README's test line installs it
    pytest.fail(
        "the example plugin is not installed: pip install ./plugins/examples/policy-sdk-quickapp",
        pytrace=False,
    )


def test_it_is_found_through_its_entry_point() -> None:
    registry = load_registry()
    info = registry.plugin("quick_app")
    assert info.origin == "entrypoint"
    assert (info.distribution, info.version) == ("policy-sdk-quickapp", "0.1.0")
    assert info.platform_types == ("quick_app",)
    assert info.rules == ("quick_app.policy",)
    assert registry.aliases["快应用"] == "quick_app"


def test_it_appears_in_policy_sdk_plugins(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plugins", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    entry = next(p for p in data["plugins"] if p["name"] == "quick_app")
    assert entry["where"] == "entry point of policy-sdk-quickapp 0.1.0"
    assert entry["rule_ids"] == ["platform.quick_app/vendors_declared"]
    assert data["platform_types"]["quick_app"]["capabilities"]["accepts_batch"] is True
    assert main(["plugins"]) == 0
    assert "quick_app" in capsys.readouterr().out


def test_it_passes_check_plugin() -> None:
    check_plugin(quickapp)


def _facts(vendors: list[str] | None) -> dict[str, Any]:
    platform: dict[str, Any] = {"id": "kuai", "type": "快应用", "name": "示例快应用"}
    if vendors is not None:
        platform["vendors"] = vendors
    return {
        "organization": {"name": "示例科技有限公司", "public_opinion": True},
        "algorithms": [{"id": "feed", "types": ["personalized_push"], "uses_recommendation": True}],
        "platforms": [platform],
        "deployments": [{"algorithm": "feed", "platform": "kuai", "status": "active",
                         "launched_on": "2026-03-02"}],
        "filings": [],
    }


def test_its_platform_type_is_accepted_in_a_facts_file() -> None:
    facts = load_facts(_facts(["huawei"]))
    assert facts.platforms[0].type == "quick_app"  # the alias 快应用 normalized


def test_its_rule_fires() -> None:
    findings = run_plugin_rules(quickapp, _facts(None), as_of="2026-06-01",
                                load_entrypoints=True)
    assert [(f.rule, f.platform, f.status, f.severity) for f in findings] == [
        ("platform.quick_app/vendors_declared", "kuai", "violated", "advisory")
    ]
    fixed = run_plugin_rules(quickapp, _facts(["huawei", "xiaomi"]), as_of="2026-06-01")
    assert [f.status for f in fixed] == ["satisfied"]


def test_the_example_is_a_complete_distribution() -> None:
    pyproject = (EXAMPLE / "pyproject.toml").read_text(encoding="utf-8")
    assert 'build-backend = "hatchling.build"' in pyproject
    assert "[project.entry-points.policy_sdk]" in pyproject
    assert 'quick_app = "policy_sdk_quickapp"' in pyproject
    assert '"policy-sdk' in pyproject  # depends on policy-sdk
    assert (EXAMPLE / "src" / "policy_sdk_quickapp" / "quick_app.policy").is_file()
    assert any((EXAMPLE / "tests").glob("test_*.py"))
