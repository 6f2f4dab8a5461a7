"""Attributes scoped to their platform type, and obligation kinds plugins bring
(issue 14, items 3 and 4)."""

from __future__ import annotations

from typing import Any

import pytest

from policy_sdk import Engine
from policy_sdk.errors import FactsError, PluginError
from policy_sdk.facts import build_schema, load_facts  # type: ignore[attr-defined, unused-ignore]
from policy_sdk.facts.jsonschema import facts_json_schema
from policy_sdk.facts.schema import Attribute
from policy_sdk.plugins import ObligationKindSpec, Registrar, hookimpl, load_registry
from policy_sdk.plugins.specs import PlatformTypeSpec, RuleSource


class SmartTv:
    policy_sdk_plugin_name = "smart_tv"

    @hookimpl
    def policy_sdk_register(self, register: Registrar) -> None:
        register.add_platform_type(PlatformTypeSpec(
            "smart_tv", "smart-TV app (智能电视应用)",
            attributes=(Attribute("platform", "vendor", "string", "the TV maker",
                                  enum=("hisense", "tcl", "xiaomi")),)))
        register.add_obligation_kind(ObligationKindSpec(
            "partner_agreement", "agreement with the licensed partner (牌照方) running the app",
            keys=(Attribute("record", "partner", "string", "the licensed partner's name"),)))
        register.add_rules(RuleSource("smart_tv.policy", '''
policy demo.smart_tv "智能电视" {
  rule partner_agreement "智能电视应用须有牌照方合作协议" {
    severity mandatory
    citation "[I] TV apps run through a licensed partner (互联网电视集成牌照方)"
    remedy "record the agreement as a `partner_agreement` record naming the platform"
    require partner_agreement per platform
      where platform.type == "smart_tv" and deployment.running
  }
}
'''))


class SetTopBox:
    policy_sdk_plugin_name = "set_top_box"

    @hookimpl
    def policy_sdk_register(self, register: Registrar) -> None:
        register.add_platform_type(PlatformTypeSpec(
            "set_top_box", "set-top box (机顶盒)",
            attributes=(Attribute("platform", "vendor", "list", "the box makers"),)))


def _facts(**tv: Any) -> dict[str, Any]:
    return {
        "organization": {"name": "示例科技有限公司", "public_opinion": True},
        "algorithms": [{"id": "feed", "types": ["personalized_push"],
                        "uses_recommendation": True}],
        "platforms": [{"id": "tv", "type": "smart_tv", **tv},
                      {"id": "box", "type": "set_top_box", "vendor": ["skyworth"]}],
        "deployments": [{"algorithm": "feed", "platform": "tv", "status": "active"}],
    }


def test_same_name_attributes_on_different_types_load_together() -> None:
    registry = load_registry(plugins=[SmartTv(), SetTopBox()])
    tv = {a.name: a for a in registry.platform_types["smart_tv"].attributes}["vendor"]
    box = {a.name: a for a in registry.platform_types["set_top_box"].attributes}["vendor"]
    assert (tv.type, tv.enum) == ("string", ("hisense", "tcl", "xiaomi"))
    assert (box.type, box.enum) == ("list", None)
    facts = load_facts(_facts(vendor="tcl"), platform_types=registry.platform_types)
    platforms = {p.id: p for p in facts.platforms}
    assert platforms["tv"].extra["vendor"] == "tcl"
    assert list(platforms["box"].extra["vendor"]) == ["skyworth"]
    # each type checks its own declaration
    with pytest.raises(FactsError, match="unknown value `sony`"):
        load_facts(_facts(vendor="sony"), platform_types=registry.platform_types)
    # the language reads `platform.vendor` on any platform: the types differ, so `any`
    schema = build_schema(registry.platform_types)
    vendor = schema.get("platform", "vendor")
    assert vendor is not None
    assert vendor.type == "any"
    assert "smart_tv: the TV maker" in vendor.description
    # the JSON Schema accepts what either type accepts
    prop = facts_json_schema(registry.platform_types)["properties"]["platforms"]
    assert "vendor" in str(prop)


def test_a_core_attribute_keeps_one_meaning() -> None:
    class Renames:
        policy_sdk_plugin_name = "renames"

        @hookimpl
        def policy_sdk_register(self, register: Registrar) -> None:
            register.add_platform_type(PlatformTypeSpec(
                "kiosk", "kiosk", attributes=(Attribute("platform", "name", "number", "n"),)))

    with pytest.raises(PluginError) as info:
        load_registry(plugins=[Renames()], load_entrypoints=False)
    assert info.value.diagnostics[0].code == "plugin-attribute-conflict"
    assert "redefines the core attribute `platform.name` as number" in str(info.value)


def test_a_plugin_kind_works_on_facts_that_declare_nothing() -> None:
    engine = Engine(plugins=(SmartTv(), SetTopBox()))
    report = engine.evaluate(_facts(), as_of="2026-06-01")
    [finding] = [f for f in report.findings if f.rule == "demo.smart_tv/partner_agreement"]
    assert finding.status == "violated"
    facts = _facts()
    facts["records"] = [{"kind": "partner_agreement", "platform": "tv", "on": "2026-01-05",
                         "partner": "未来电视"}]
    report = engine.evaluate(facts, as_of="2026-06-01")
    [finding] = [f for f in report.findings if f.rule == "demo.smart_tv/partner_agreement"]
    assert finding.status == "satisfied"


def test_a_kind_key_of_another_kind_is_refused() -> None:
    registry = load_registry(plugins=[SmartTv()])
    facts = _facts()
    del facts["platforms"][1]
    facts["records"] = [{"kind": "disclosure", "partner": "x"}]
    with pytest.raises(FactsError, match="unknown attribute `partner`"):
        load_facts(facts, platform_types=registry.platform_types)


def test_a_plugin_kind_may_not_take_a_core_name() -> None:
    class Clash:
        policy_sdk_plugin_name = "clash"

        @hookimpl
        def policy_sdk_register(self, register: Registrar) -> None:
            register.add_obligation_kind(ObligationKindSpec("disclosure", "again"))

    with pytest.raises(PluginError, match="obligation kind `disclosure`, which is already"):
        load_registry(plugins=[Clash()], load_entrypoints=False)


def test_policy_tests_know_a_plugins_kind(tmp_path: Any) -> None:
    from policy_sdk.policytest.runner import run

    (tmp_path / "tv.tests.yaml").write_text('''\
policies: []
plugin_rules: true
as_of: 2026-06-01
cases:
  - name: an agreement satisfies the rule
    facts:
      algorithms: [{id: feed, types: [personalized_push], uses_recommendation: true}]
      platforms: [{id: tv, type: smart_tv}]
      deployments: [{algorithm: feed, platform: tv, status: active}]
      records: [{kind: partner_agreement, platform: tv, partner: 未来电视, on: 2026-01-05}]
    expect:
      - {rule: demo.smart_tv/partner_agreement, for: feed@tv, status: satisfied}
''', encoding="utf-8")
    result = run([tmp_path / "tv.tests.yaml"], plugin_options={"plugins": [SmartTv()]})
    assert result.errors == ()
    assert [r.error for r in result.results] == [None]
    assert result.exit_code == 0


def test_an_attribute_named_like_the_quick_app_plugins_loads_beside_it() -> None:
    class Tv:
        policy_sdk_plugin_name = "tv_vendors"

        @hookimpl
        def policy_sdk_register(self, register: Registrar) -> None:
            register.add_platform_type(PlatformTypeSpec(
                "smart_tv", "smart-TV app",
                attributes=(Attribute("platform", "vendors", "number", "how many makers"),)))

    registry = load_registry(plugins=[Tv()])  # beside the installed quick_app plugin
    assert {a.name: a.type for a in registry.platform_types["quick_app"].attributes} == {
        "vendors": "list"}
    assert {a.name: a.type for a in registry.platform_types["smart_tv"].attributes} == {
        "vendors": "number"}
