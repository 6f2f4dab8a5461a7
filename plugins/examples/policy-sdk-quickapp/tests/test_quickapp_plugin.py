"""How a plugin author tests a plugin: the conformance check, then its own rules.

Run from this folder after `pip install -e ".[test]"`:  python -m pytest
"""

from __future__ import annotations

from typing import Any

import policy_sdk_quickapp

from policy_sdk.plugins import load_registry
from policy_sdk.testing import check_plugin
from policy_sdk.testing.conformance import run_plugin_rules


def test_conforms_to_the_plugin_contract() -> None:
    # hooks return the right types, names are sound, rules parse and validate,
    # and the rules evaluate on facts that use the platform type
    check_plugin(policy_sdk_quickapp)


def test_is_installed_under_the_entry_point_group() -> None:
    registry = load_registry()
    assert registry.plugin("quick_app").platform_types == ("quick_app",)
    assert registry.aliases["快应用"] == "quick_app"


def facts(vendors: list[str] | None) -> dict[str, Any]:
    platform: dict[str, Any] = {"id": "kuai", "type": "quick_app"}
    if vendors is not None:
        platform["vendors"] = vendors
    return {
        "organization": {"name": "示例科技有限公司", "public_opinion": True},
        "algorithms": [{"id": "feed", "types": ["personalized_push"], "uses_recommendation": True}],
        "platforms": [platform],
        "deployments": [{"algorithm": "feed", "platform": "kuai", "status": "active"}],
    }


def test_a_quick_app_must_name_its_vendors() -> None:
    findings = run_plugin_rules(policy_sdk_quickapp, facts(None), as_of="2026-06-01")
    assert [(f.rule, f.status) for f in findings] == [
        ("platform.quick_app/vendors_declared", "violated")
    ]


def test_naming_the_vendors_satisfies_it() -> None:
    findings = run_plugin_rules(policy_sdk_quickapp, facts(["huawei"]), as_of="2026-06-01")
    assert [f.status for f in findings] == ["satisfied"]


def test_quick_apps_accept_batch_cancellation_by_default() -> None:
    assert policy_sdk_quickapp.PLATFORM_TYPE.capabilities.accepts_batch
