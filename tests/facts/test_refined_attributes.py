"""A platform type may close the values of a core attribute (mini_program: `host`)."""

from __future__ import annotations

import pytest

from policy_sdk.errors import FactsError
from policy_sdk.facts import build_schema, load_facts
from policy_sdk.plugins.manager import default_registry


def _doc(platform: dict[str, object]) -> dict[str, object]:
    return {"organization": {"name": "示例"}, "platforms": [platform]}


def test_a_misspelt_host_of_a_mini_program_is_an_error_with_did_you_mean() -> None:
    types = default_registry().platform_types
    with pytest.raises(FactsError) as info:
        load_facts(_doc({"id": "wx", "type": "mini_program", "host": "wechta"}),
                   platform_types=types)
    (diag,) = info.value.diagnostics
    assert diag.path == "platforms[0].host"
    assert diag.code == "enum"
    assert "unknown value `wechta`" in diag.message
    assert diag.help == "did you mean `wechat`?"


def test_a_known_host_loads_and_other_types_keep_host_open() -> None:
    types = default_registry().platform_types
    facts = load_facts(_doc({"id": "wx", "type": "mini_program", "host": "wechat"}),
                       platform_types=types)
    assert facts.platforms[0].host == "wechat"
    site = load_facts(_doc({"id": "s", "type": "website", "host": "example.com"}),
                      platform_types=types)
    assert site.platforms[0].host == "example.com"


def test_the_policy_schema_knows_the_refined_values() -> None:
    schema = build_schema(default_registry().platform_types)
    host = schema.get("platform", "host")
    assert host is not None
    assert host.enum is not None
    assert {"wechat", "alipay", "douyin", "baidu"} <= set(host.enum)
