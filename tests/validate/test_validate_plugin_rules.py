"""`policy-sdk validate` checks the rules plugins contribute, as `check` would run them."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from policy_sdk.cli.main import cli

PLUGIN = '''
from policy_sdk.plugins import hookimpl
from policy_sdk.plugins.specs import RuleSource

policy_sdk_plugin_name = "typo_rules"


@hookimpl
def policy_sdk_register(register):
    text = 'rule r "r" { citation "x" forbid per platform where platform.type == "smart_tvv" }'
    register.add_rules(RuleSource("typo.policy", text))
'''


@pytest.fixture
def typo_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    (tmp_path / "typo_rules_plugin.py").write_text(PLUGIN, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    return "typo_rules_plugin"


def test_a_plugin_rule_error_fails_validate(typo_plugin: str) -> None:
    result = CliRunner().invoke(cli, ["validate", "--plugin", typo_plugin])
    assert result.exit_code == 2
    assert "plugin:typo_rules/typo.policy:1:" in result.output
    assert "`\"smart_tvv\"` is never a value of `platform.type`" in result.output


def test_no_plugin_rules_skips_them(typo_plugin: str) -> None:
    result = CliRunner().invoke(cli, ["validate", "--plugin", typo_plugin, "--no-plugin-rules"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: ")
