"""The plugin author's kit: strategies that know the plugin's attributes and the
calendar, run_plugin_rules with the installed types, py.typed everywhere."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from policy_sdk.facts import load_facts  # type: ignore[attr-defined, unused-ignore]
from policy_sdk.plugins import load_registry
from policy_sdk.testing.strategies import facts_documents, last_known_day
from policy_sdk.workdays import default_calendar

ROOT = Path(__file__).resolve().parents[2]
REGISTRY = load_registry()


def _dates(value: Any) -> list[dt.date]:
    if isinstance(value, dt.date):
        return [value]
    if isinstance(value, dict):
        return [d for v in value.values() for d in _dates(v)]
    if isinstance(value, list):
        return [d for v in value for d in _dates(v)]
    return []


@settings(max_examples=40, deadline=None)
@given(facts_documents(platform_types=REGISTRY.platform_types), st.data())
def test_documents_fill_the_types_own_attributes_and_load(doc: dict[str, Any],
                                                          data: st.DataObject) -> None:
    facts = load_facts(doc, platform_types=REGISTRY.platform_types)  # always valid
    assert facts.platforms
    calendar = default_calendar()
    for day in _dates(doc):
        assert calendar.known(day.year), day
        assert day <= last_known_day()


@settings(max_examples=60, deadline=None)
@given(facts_documents(platform_types=REGISTRY.platform_types, max_platforms=6))
def test_a_quick_apps_vendors_are_drawn_from_its_declaration(doc: dict[str, Any]) -> None:
    vendors = [p["vendors"] for p in doc["platforms"] if "vendors" in p]
    for listed in vendors:
        assert set(listed) <= {"honor", "huawei", "oppo", "vivo", "xiaomi"}
    for p in doc["platforms"]:
        if "vendors" in p:
            assert p["type"] == "quick_app"  # scoped to the type that declares it


def test_the_strategies_do_reach_a_plugins_attribute() -> None:
    seen: list[bool] = []

    @settings(max_examples=80, deadline=None)
    @given(facts_documents(platform_types={"quick_app": REGISTRY.platform_types["quick_app"]}))
    def run(doc: dict[str, Any]) -> None:
        seen.append(any("vendors" in p for p in doc["platforms"]))

    run()
    assert any(seen)


def test_run_plugin_rules_knows_the_installed_types() -> None:
    import policy_sdk_quickapp

    from policy_sdk.testing.conformance import run_plugin_rules

    facts = {
        "organization": {"name": "示例科技有限公司", "public_opinion": True},
        "algorithms": [{"id": "feed", "types": ["personalized_push"],
                        "uses_recommendation": True}],
        "platforms": [{"id": "kuai", "type": "quick_app"}, {"id": "main", "type": "app"}],
        "deployments": [{"algorithm": "feed", "platform": "kuai", "status": "active"},
                        {"algorithm": "feed", "platform": "main", "status": "active"}],
    }
    findings = run_plugin_rules(policy_sdk_quickapp, facts, as_of="2026-06-01")
    assert sorted((f.rule, f.platform, f.status) for f in findings) == [
        ("platform.quick_app/vendors_declared", "kuai", "violated"),
        ("platform.quick_app/vendors_declared", "main", "satisfied")]


def test_every_shipped_package_is_typed() -> None:
    for package in (ROOT / "policy_sdk", ROOT / "plugins" / "policy_sdk_platforms",
                    *sorted((ROOT / "plugins" / "examples").glob("*/src/*"))):
        assert (package / "py.typed").is_file(), package


def test_everything_shipped_uses_the_registrar_hook() -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        registry = load_registry()  # core, first-party plugins, installed quick_app
    assert {"app", "core", "mini_program", "official_account", "website"} <= {
        p.name for p in registry.plugins}
