"""Helpers for the facts tests."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import pytest

from policy_sdk.errors import Diagnostic, FactsError
from policy_sdk.facts import load_facts
from policy_sdk.facts.load import platform_type_specs

SPECS = platform_type_specs(("app", "mini_program", "official_account", "website"))

MINIMAL: dict[str, Any] = {
    "organization": {"name": "示例科技有限公司", "role": "provider", "public_opinion": True},
    "algorithms": [{"id": "feed-rec", "name": "信息流推荐", "types": ["personalized_push"],
                    "uses_recommendation": True}],
    "platforms": [{"id": "main-app", "type": "app", "name": "示例 App"},
                  {"id": "wx-mini", "type": "mini_program", "host": "wechat"}],
    "deployments": [
        {"algorithm": "feed-rec", "platform": "main-app", "status": "active",
         "launched_on": "2026-03-02"},
        {"algorithm": "feed-rec", "platform": "wx-mini", "status": "stopped",
         "launched_on": "2026-01-05", "stopped_on": "2026-10-09"},
    ],
    "filings": [{"number": "网信算备110108123456701260001号", "algorithm": "feed-rec",
                 "platform": "main-app", "status": "active", "filed_on": "2026-03-10",
                 "displayed": True}],
    "records": [{"kind": "security_assessment", "algorithm": "feed-rec", "on": "2026-02-20"}],
}


def doc(**changes: Any) -> dict[str, Any]:
    out = copy.deepcopy(MINIMAL)
    out.update(changes)
    return out


def errors(source: Mapping[str, Any] | str | Any, **kw: Any) -> list[Diagnostic]:
    kw.setdefault("platform_types", SPECS)
    with pytest.raises(FactsError) as info:
        load_facts(source, **kw)
    return list(info.value.diagnostics)


def only(source: Any, **kw: Any) -> Diagnostic:
    found = errors(source, **kw)
    assert len(found) == 1, [d.render() for d in found]
    return found[0]
