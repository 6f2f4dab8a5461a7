"""The first-party platform plugins: types, capabilities, sources, rules."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from policy_sdk.plugins import load_registry
from policy_sdk.testing import check_plugin
from policy_sdk.testing.conformance import run_plugin_rules

MODULES = {
    "app": "policy_sdk_platforms.app",
    "mini_program": "policy_sdk_platforms.mini_program",
    "official_account": "policy_sdk_platforms.official_account",
    "website": "policy_sdk_platforms.website",
}


@pytest.mark.parametrize("module", sorted(MODULES.values()))
def test_first_party_plugin_passes_check_plugin(module: str) -> None:
    check_plugin(importlib.import_module(module))


def test_core_plugin_passes_check_plugin() -> None:
    from policy_sdk.plugins import builtin

    check_plugin(builtin)


@pytest.mark.parametrize(("name", "module"), sorted(MODULES.items()))
def test_each_is_registered_under_its_type_name(name: str, module: str) -> None:
    registry = load_registry()
    info = registry.plugin(name)
    assert info.platform_types == (name,)
    assert info.source == module


@pytest.mark.parametrize("module", sorted(MODULES.values()))
def test_docstring_separates_text_from_practice(module: str) -> None:
    doc = importlib.import_module(module).__doc__ or ""
    assert "[S]" in doc  # what the regulation text says
    assert "[P]" in doc  # what is practice, configurable
    assert "batch_cancellation" in doc or "item_verification" in doc  # how to override


def test_capabilities_follow_the_regulation_notes() -> None:
    types_ = load_registry().platform_types
    accepts = {name: types_[name].capabilities.accepts_batch for name in MODULES}
    assert accepts == {
        "app": True,
        "mini_program": False,  # item-by-item verification, cancelled singly [P]
        "official_account": True,
        "website": True,
    }
    mini = types_["mini_program"].capabilities
    # a user who sets item_verification: false on a platform gets batch back
    assert mini.batch is True
    assert mini.item_verification is True
    assert all(types_[n].capabilities.note.startswith("[P]") for n in MODULES)


def test_aliases() -> None:
    aliases = load_registry().aliases
    assert aliases["miniprogram"] == "mini_program"
    assert aliases["小程序"] == "mini_program"
    assert aliases["公众号"] == "official_account"
    assert aliases["网站"] == "website"
    assert aliases["应用程序"] == "app"


def test_mini_program_refines_host_with_known_hosts() -> None:
    spec = load_registry().platform_types["mini_program"]
    (host,) = spec.attributes
    assert (host.entity, host.name, host.type) == ("platform", "host", "string")
    assert host.enum == ("alipay", "baidu", "douyin", "wechat")


def test_rule_ids() -> None:
    from policy_sdk import ast
    from policy_sdk.plugins import parse_plugin_rules

    ids = {
        plugin: [rule_id for rule_id, _ in ast.rule_ids(module)]
        for plugin, module in parse_plugin_rules(load_registry())
        if plugin in MODULES
    }
    assert ids == {
        "app": ["platform.app/deep_synthesis_assessment"],
        "mini_program": ["platform.mini_program/host_declared"],
    }


def _doc(platforms: list[dict[str, Any]], algorithm_types: list[str],
         records: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "organization": {"name": "示例科技有限公司", "public_opinion": True},
        "algorithms": [{"id": "alg", "types": algorithm_types, "uses_recommendation": True}],
        "platforms": platforms,
        "deployments": [
            {"algorithm": "alg", "platform": p["id"], "status": "active",
             "launched_on": "2026-03-02"}
            for p in platforms
        ],
        "filings": [],
        "records": records or [],
    }


def _statuses(findings: list[Any]) -> dict[tuple[str, str | None], str]:
    return {(f.rule, f.platform): f.status for f in findings}


def test_mini_program_without_host_is_flagged() -> None:
    facts = _doc(
        [
            {"id": "wx-mini", "type": "mini_program", "host": "wechat"},
            {"id": "mystery-mini", "type": "mini_program"},
        ],
        ["personalized_push"],
    )
    findings = run_plugin_rules(MODULES["mini_program"], facts, as_of="2026-06-01")
    assert _statuses(findings) == {
        ("platform.mini_program/host_declared", "mystery-mini"): "violated",
        ("platform.mini_program/host_declared", "wx-mini"): "satisfied",
    }
    violated = [f for f in findings if f.status == "violated"]
    assert violated[0].severity == "advisory"
    assert "not a legal rule" in (violated[0].citation or "")


def test_deep_synthesis_app_needs_a_security_assessment() -> None:
    platforms = [{"id": "main-app", "type": "app"}]
    missing = run_plugin_rules(
        MODULES["app"], _doc(platforms, ["generation_synthesis"]), as_of="2026-06-01"
    )
    assert _statuses(missing) == {
        ("platform.app/deep_synthesis_assessment", "main-app"): "violated"
    }
    assessed = run_plugin_rules(
        MODULES["app"],
        _doc(platforms, ["generation_synthesis"],
             [{"kind": "security_assessment", "algorithm": "alg", "on": "2026-02-20"}]),
        as_of="2026-06-01",
    )
    assert _statuses(assessed) == {
        ("platform.app/deep_synthesis_assessment", "main-app"): "satisfied"
    }
    other_kind = run_plugin_rules(
        MODULES["app"], _doc(platforms, ["personalized_push"]), as_of="2026-06-01"
    )
    assert _statuses(other_kind) == {
        ("platform.app/deep_synthesis_assessment", "main-app"): "not_applicable"
    }
