"""`policy-sdk plugins`: what is loaded, from where, contributing what."""

from __future__ import annotations

import json

import pytest

from policy_sdk.cli.main import main
from policy_sdk.cli.plugins import disabled_names


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    assert main(["plugins", "--format", "json", *args]) == 0
    data: dict[str, object] = json.loads(capsys.readouterr().out)
    return data


def _names(data: dict[str, object]) -> list[str]:
    return [p["name"] for p in data["plugins"]]  # type: ignore[attr-defined]


def test_json_lists_every_plugin_with_its_contributions(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = _json(capsys)
    names = _names(data)
    assert names == sorted(names)
    assert {"core", "app", "mini_program", "official_account", "website"} <= set(names)
    plugins = {p["name"]: p for p in data["plugins"]}  # type: ignore[attr-defined]
    assert plugins["core"]["where"] == "built in"
    assert plugins["core"]["strategies"] == ["batch", "single"]
    assert plugins["mini_program"]["platform_types"] == ["mini_program"]
    assert plugins["mini_program"]["rule_ids"] == ["platform.mini_program/host_declared"]
    mini = data["platform_types"]["mini_program"]  # type: ignore[index]
    assert mini["capabilities"]["accepts_batch"] is False
    assert mini["capabilities"]["item_verification"] is True
    assert "小程序" in mini["aliases"]
    assert mini["attributes"][0]["enum"] == ["alipay", "baidu", "douyin", "wechat"]


def test_text_is_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plugins"]) == 0
    out = capsys.readouterr().out
    assert "policy-sdk plugins" in out
    for word in ("core", "mini_program", "platform.mini_program/host_declared",
                 "entry point of policy-sdk", "item-by-item verification"):
        assert word in out


@pytest.mark.parametrize("args", [["-p", "no:website"], ["--disable", "website"]])
def test_disable_a_plugin(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    data = _json(capsys, *args)
    assert "website" not in _names(data)
    assert "website" not in data["platform_types"]  # type: ignore[operator]


def test_dash_p_name_loads_the_plugin_as_in_pytest(capsys: pytest.CaptureFixture[str]) -> None:
    # an installed plugin's name loads it, even with --no-entrypoints
    data = _json(capsys, "--no-entrypoints", "-p", "website")
    assert _names(data) == ["core", "website"]
    # a module loads it too
    data = _json(capsys, "--no-entrypoints", "-p", "policy_sdk_platforms.app")
    assert _names(data) == ["core", "policy_sdk_platforms.app"]


def test_dash_p_with_an_unknown_name_shows_both_spellings(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["plugins", "-p", "websight"]) == 2
    err = capsys.readouterr().err
    assert "plugin `websight` cannot be loaded: no module named `websight`" in err
    assert ("help: did you mean `website`? `-p websight` loads a plugin: an installed "
            "plugin's name or a module; to disable the plugin `websight`, write "
            "`-p no:websight`") in err


def test_no_entrypoints_and_an_explicit_plugin(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, "--no-entrypoints", "--plugin", "policy_sdk_platforms.website")
    assert _names(data) == ["core", "policy_sdk_platforms.website"]
    explicit = data["plugins"][1]  # type: ignore[index]
    assert explicit["origin"] == "explicit"
    assert explicit["where"] == "explicit (policy_sdk_platforms.website)"


def test_a_failing_plugin_exits_2_with_a_readable_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["plugins", "--plugin", "no_such_plugin_module"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "error[plugin-load]: plugin `no_such_plugin_module` cannot be loaded" in captured.err
    assert "Traceback" not in captured.err


def test_disabled_names_accepts_pytest_style() -> None:
    assert disabled_names(["no:app", "website", "no:a,no:b", " "]) == ["app", "website", "a", "b"]
