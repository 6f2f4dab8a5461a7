"""How a plugin that refines another plugin's platform type tests itself.

These tests load the plugin explicitly (``plugins=[policy_sdk_morehosts]``, or
``-p policy_sdk_morehosts`` on the command line) next to the installed first-party
plugins, so they pass whether or not the plugin is installed.
"""

from __future__ import annotations

from typing import Any

import policy_sdk_morehosts
import pytest
from click.testing import CliRunner

from policy_sdk import Engine
from policy_sdk.errors import FactsError
from policy_sdk.facts import load_facts  # type: ignore[attr-defined, unused-ignore]
from policy_sdk.plugins import load_registry
from policy_sdk.testing import check_plugin


def test_conforms_to_the_plugin_contract() -> None:
    check_plugin(policy_sdk_morehosts)


def test_adds_the_hosts_to_the_first_party_mini_program() -> None:
    registry = load_registry(plugins=[policy_sdk_morehosts])
    host = {a.name: a for a in registry.platform_types["mini_program"].attributes}["host"]
    assert host.enum == ("alipay", "baidu", "douyin", "kuaishou", "qq", "wechat")
    # the type still belongs to the first-party plugin; morehosts only refines it
    assert registry.platform_type_plugins["mini_program"] == "mini_program"
    assert registry.plugin("policy_sdk_morehosts").extends == ("mini_program",)
    # capabilities are untouched: mini-programs are still cancelled one by one
    assert not registry.platform_types["mini_program"].capabilities.accepts_batch


def facts(host: str) -> dict[str, Any]:
    return {
        "organization": {"name": "示例科技有限公司", "public_opinion": True},
        "algorithms": [{"id": "feed", "types": ["personalized_push"],
                        "uses_recommendation": True}],
        "platforms": [{"id": "ks-mini", "type": "mini_program", "host": host}],
        "deployments": [{"algorithm": "feed", "platform": "ks-mini", "status": "active"}],
    }


@pytest.mark.parametrize("host", ["kuaishou", "qq"])
def test_facts_with_the_new_hosts_load_and_check(host: str) -> None:
    engine = Engine(plugins=(policy_sdk_morehosts,))
    report = engine.evaluate(facts(host), as_of="2026-06-01")
    declared = [f for f in report.findings if f.rule.endswith("host_declared")]
    assert declared
    assert all(f.status != "violated" for f in declared)


def test_a_misspelt_host_is_still_an_error_with_a_did_you_mean() -> None:
    registry = load_registry(plugins=[policy_sdk_morehosts])
    with pytest.raises(FactsError) as info:
        load_facts(facts("kuaishuo"), platform_types=registry.platform_types)
    [diagnostic] = info.value.diagnostics
    assert "unknown value `kuaishuo`" in diagnostic.message
    assert diagnostic.help == "did you mean `kuaishou`?"


def test_without_the_plugin_the_host_is_unknown() -> None:
    with pytest.raises(FactsError, match="unknown value `kuaishou`"):
        load_facts(facts("kuaishou"), platform_types=load_registry().platform_types)


def test_the_command_line_loads_it_with_dash_p(tmp_path: Any) -> None:
    import json

    from policy_sdk.cli.main import cli

    path = tmp_path / "facts.json"
    path.write_text(json.dumps(facts("kuaishou")), encoding="utf-8")
    runner = CliRunner()
    loaded = runner.invoke(cli, ["validate", "--facts", str(path), "-p", "policy_sdk_morehosts"])
    assert loaded.exit_code == 0, loaded.output
    refused = runner.invoke(cli, ["validate", "--facts", str(path)])
    assert refused.exit_code == 2
    assert "kuaishou" in refused.output


def test_policy_sdk_plugins_shows_what_it_refines() -> None:
    import json

    from policy_sdk.cli.main import cli

    result = CliRunner().invoke(cli, ["plugins", "--format", "json", "-p", "policy_sdk_morehosts"])
    assert result.exit_code == 0, result.output
    [info] = [p for p in json.loads(result.output)["plugins"]
              if p["name"] == "policy_sdk_morehosts"]
    assert info["extends"] == ["mini_program"]
    text = CliRunner().invoke(cli, ["plugins", "-p", "policy_sdk_morehosts"]).output
    assert "refines: mini_program" in text
