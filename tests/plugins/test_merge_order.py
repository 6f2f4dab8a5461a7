"""The merge of plugins' contributions does not depend on the order they load in."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from policy_sdk.errors import PluginError
from policy_sdk.facts.schema import Attribute
from policy_sdk.plugins import Registrar, hookimpl, load_registry
from policy_sdk.plugins.specs import CancellationCapabilities, PlatformTypeSpec


def _plugin(name: str, body: Any) -> object:
    class Plugin:
        policy_sdk_plugin_name = name

        @hookimpl
        def policy_sdk_register(self, register: Registrar) -> None:
            body(register)

    return Plugin()


PLUGINS = [
    _plugin("hosts_a", lambda r: r.extend_platform_type("mini_program",
                                                        values={"host": ("qq",)})),
    _plugin("hosts_b", lambda r: r.extend_platform_type(
        "mini_program", values={"host": ("kuaishou", "qq")}, aliases=("小程序应用",))),
    _plugin("store_a", lambda r: r.extend_platform_type("app", attributes=(
        Attribute("platform", "store", "string", "the app store", enum=("huawei",)),))),
    _plugin("store_b", lambda r: r.extend_platform_type("app", attributes=(
        Attribute("platform", "store", "string", "the store", enum=("apple",)),))),
    _plugin("tighten", lambda r: r.extend_platform_type(
        "app", capabilities=CancellationCapabilities(batch=False, note="[I] tighter"))),
    _plugin("tv", lambda r: r.add_platform_type(PlatformTypeSpec(
        "smart_tv", "smart-TV app", attributes=(Attribute("platform", "vendor", "string",
                                                          "maker"),)))),
    _plugin("tv_again", lambda r: r.add_platform_type(PlatformTypeSpec("smart_tv", "tv"))),
]


def _summary(plugins: list[object]) -> object:
    try:
        registry = load_registry(plugins=plugins)
    except PluginError as exc:
        return sorted(d.render() for d in exc.diagnostics)
    return (dict(registry.platform_types), dict(registry.aliases), registry.plugins)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(range(len(PLUGINS))), min_size=1, max_size=len(PLUGINS),
                unique=True), st.randoms(use_true_random=False))
def test_any_order_gives_the_same_registry_or_the_same_errors(chosen: list[int],
                                                              rng: Any) -> None:
    plugins = [PLUGINS[i] for i in chosen]
    shuffled = list(plugins)
    rng.shuffle(shuffled)
    assert _summary(plugins) == _summary(shuffled)


def test_the_merged_result() -> None:
    registry = load_registry(plugins=PLUGINS[:5])
    mini = registry.platform_types["mini_program"]
    host = {a.name: a for a in mini.attributes}["host"]
    assert host.enum == ("alipay", "baidu", "douyin", "kuaishou", "qq", "wechat")
    assert "小程序应用" in mini.aliases
    assert registry.aliases["小程序应用"] == "mini_program"
    app = registry.platform_types["app"]
    store = {a.name: a for a in app.attributes}["store"]
    assert store.enum == ("apple", "huawei")
    assert not app.capabilities.batch
    assert "[I] tighter" in app.capabilities.note
