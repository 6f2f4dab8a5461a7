"""Discovery and merging: core first, entry points, explicit plugins, blocking, determinism."""

from __future__ import annotations

import pickle
import subprocess
import sys
import types

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policy_sdk import PluginError, __version__
from policy_sdk.plugins import (
    PluginInfo,
    Registry,
    default_registry,
    hookimpl,
    load_registry,
    parse_plugin_rules,
)
from policy_sdk.plugins.manager import FrozenMap, explicit_plugin_name
from policy_sdk.plugins.specs import FunctionSpec, PlatformTypeSpec, ReporterSpec, RuleSource

FIRST_PARTY = ("app", "mini_program", "official_account", "website")

# these tests drive the deprecated list-returning hooks on purpose (they still work
# for one release); the warning each use gives is tested in test_plugin_hardening.py
pytestmark = pytest.mark.filterwarnings(
    "ignore:plugin .* deprecated. implement .policy_sdk_register:DeprecationWarning")


def test_default_registry_has_core_first_party_and_the_installed_example() -> None:
    registry = load_registry()
    names = [p.name for p in registry.plugins]
    assert names == sorted(names)
    assert {"core", *FIRST_PARTY, "quick_app"} <= set(names)
    assert set(registry.platform_types) >= {*FIRST_PARTY, "quick_app"}
    core = registry.plugin("core")
    assert core == PluginInfo(
        name="core",
        version=__version__,
        origin="builtin",
        platform_types=(),
        rules=(),
        strategies=("batch", "single"),
        functions=("count", "days_between", "starts_with"),
        reporters=core.reporters,
        distribution="policy-sdk",
        source="policy_sdk.plugins.builtin",
    )


def test_entry_point_plugins_record_distribution_and_version() -> None:
    registry = load_registry()
    app = registry.plugin("app")
    assert (app.origin, app.distribution, app.version) == ("entrypoint", "policy-sdk", __version__)
    assert app.source == "policy_sdk_platforms.app"
    assert app.where == f"entry point of policy-sdk {__version__}"
    quick = registry.plugin("quick_app")
    assert (quick.distribution, quick.version) == ("policy-sdk-quickapp", "0.1.0")
    assert registry.platform_type_plugins["mini_program"] == "mini_program"


def test_entry_points_can_be_switched_off() -> None:
    registry = load_registry(load_entrypoints=False)
    assert [p.name for p in registry.plugins] == ["core"]
    assert dict(registry.platform_types) == {}


@pytest.mark.parametrize("spelling", ["mini_program", "no:mini_program"])
def test_disabled_blocks_a_plugin_by_name(spelling: str) -> None:
    registry = load_registry(disabled=[spelling])
    assert "mini_program" not in [p.name for p in registry.plugins]
    assert "mini_program" not in registry.platform_types
    assert "小程序" not in registry.aliases


def test_core_can_be_disabled() -> None:
    registry = load_registry(load_entrypoints=False, disabled=["core"])
    assert registry.plugins == ()
    assert dict(registry.functions) == {}


class Tv:
    policy_sdk_plugin_name = "tv"

    @hookimpl
    def policy_sdk_register_platform_types(self) -> list[PlatformTypeSpec]:
        return [PlatformTypeSpec("tv_app", "smart-TV app", aliases=("电视应用",))]

    @hookimpl
    def policy_sdk_register_rules(self) -> list[RuleSource]:
        body = 'forbid per platform where platform.type == "tv_app"'
        return [RuleSource("b.policy", f'rule b "b" {{ {body} }}'),
                RuleSource("a.policy", f'rule a "a" {{ {body} }}')]

    @hookimpl
    def policy_sdk_register_functions(self) -> list[FunctionSpec]:
        return [FunctionSpec("tv_channels", ("string",), "number", len)]

    @hookimpl
    def policy_sdk_register_reporters(self) -> list[ReporterSpec]:
        return [ReporterSpec("tv-text", lambda report: "")]


def test_explicit_plugin_object() -> None:
    registry = load_registry(plugins=[Tv()], load_entrypoints=False)
    tv = registry.plugin("tv")
    assert tv.origin == "explicit"
    assert tv.platform_types == ("tv_app",)
    assert tv.rules == ("a.policy", "b.policy")
    assert tv.functions == ("tv_channels",)
    assert tv.reporters == ("tv-text",)
    assert registry.aliases["电视应用"] == "tv_app"
    assert registry.canonical_platform_type("电视应用") == "tv_app"
    assert registry.canonical_platform_type("tv_app") == "tv_app"
    assert registry.canonical_platform_type("radio") is None
    # rules are sorted by (plugin, source name)
    assert [s.name for _, s in registry.rules] == ["a.policy", "b.policy"]
    assert [m.file for _, m in parse_plugin_rules(registry)] == [
        "plugin:tv/a.policy",
        "plugin:tv/b.policy",
    ]


def test_explicit_plugin_as_strings() -> None:
    by_module = load_registry(plugins=["policy_sdk_quickapp"], load_entrypoints=False)
    assert by_module.plugin("policy_sdk_quickapp").platform_types == ("quick_app",)
    assert by_module.plugin("policy_sdk_quickapp").source == "policy_sdk_quickapp"
    assert by_module.plugin("policy_sdk_quickapp").version == "0.1.0"
    by_attr = load_registry(plugins=["policy_sdk.plugins:builtin"], load_entrypoints=False,
                            disabled=["core"])
    assert by_attr.plugins[0].source == "policy_sdk.plugins:builtin"
    assert by_attr.plugins[0].strategies == ("batch", "single")
    # an object implementing no hook is the wrong thing named: an error, not a silent no-op
    with pytest.raises(PluginError, match="implements none of the policy-sdk hooks"):
        load_registry(plugins=["policy_sdk_platforms.mini_program:PLATFORM_TYPE"],
                      load_entrypoints=False, disabled=["core"])


def test_an_installed_plugin_passed_again_explicitly_is_loaded_once() -> None:
    import policy_sdk_quickapp

    registry = load_registry(plugins=[policy_sdk_quickapp])
    assert [p.name for p in registry.plugins].count("quick_app") == 1
    assert "policy_sdk_quickapp" not in [p.name for p in registry.plugins]


def test_an_explicit_plugin_can_be_disabled_by_its_name() -> None:
    registry = load_registry(plugins=[Tv()], load_entrypoints=False, disabled=["tv"])
    assert [p.name for p in registry.plugins] == ["core"]


def test_explicit_plugin_names() -> None:
    module = types.ModuleType("my_plugin")
    assert explicit_plugin_name(module) == "my_plugin"
    assert explicit_plugin_name(Tv()) == "tv"
    assert explicit_plugin_name(Tv) == "tv"

    class Anonymous:
        pass

    assert explicit_plugin_name(Anonymous()) == "Anonymous"


def _named(name: str, type_name: str) -> object:
    class P:
        policy_sdk_plugin_name = name

        @hookimpl
        def policy_sdk_register_platform_types(self) -> list[PlatformTypeSpec]:
            return [PlatformTypeSpec(type_name, f"{type_name} type")]

        @hookimpl
        def policy_sdk_register_rules(self) -> list[RuleSource]:
            body = f'forbid per platform where platform.type == "{type_name}"'
            return [RuleSource(f"{type_name}.policy", f'rule {type_name}_r "t" {{ {body} }}')]

    return P()


PLUGINS = [_named(f"p{i}", f"type_{i}") for i in range(5)]


@given(st.permutations(range(len(PLUGINS))))
def test_load_order_never_changes_the_registry(order: list[int]) -> None:
    reference = load_registry(plugins=PLUGINS, load_entrypoints=False)
    shuffled = load_registry(plugins=[PLUGINS[i] for i in order], load_entrypoints=False)
    assert shuffled.plugins == reference.plugins
    assert list(shuffled.platform_types.items()) == list(reference.platform_types.items())
    assert shuffled.rules == reference.rules
    assert list(shuffled.platform_types) == sorted(shuffled.platform_types)


def test_default_registry_is_cached_and_equal_to_a_fresh_load() -> None:
    assert default_registry() is default_registry()
    assert default_registry().plugins == load_registry().plugins


def test_each_load_builds_its_own_registry() -> None:
    first = load_registry(plugins=[Tv()], load_entrypoints=False)
    second = load_registry(load_entrypoints=False)
    assert "tv_app" in first.platform_types
    assert "tv_app" not in second.platform_types  # nothing leaks between calls


def test_no_side_effects_at_import() -> None:
    code = (
        "import sys, policy_sdk, policy_sdk.plugins, policy_sdk.plugins.manager;"
        "print(sorted(m for m in sys.modules if m.startswith(('policy_sdk_', 'pluggy._manager'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    # importing the manager loads no plugin module
    assert "policy_sdk_platforms" not in out.stdout
    assert "policy_sdk_quickapp" not in out.stdout


def test_registry_is_read_only_and_picklable_where_it_holds_data() -> None:
    registry = load_registry()
    assert isinstance(registry, Registry)
    with pytest.raises(TypeError):
        registry.platform_types["x"] = registry.platform_types["app"]  # type: ignore[index]
    with pytest.raises(AttributeError):
        registry.platform_types._data = {}  # type: ignore[attr-defined]
    types_again = pickle.loads(pickle.dumps(registry.platform_types))
    assert dict(types_again) == dict(registry.platform_types)
    assert pickle.loads(pickle.dumps(registry.plugins)) == registry.plugins


def test_frozen_map_behaves_like_a_mapping() -> None:
    m = FrozenMap({"b": 1, "a": 2})
    assert list(m) == ["b", "a"]
    assert m == {"a": 2, "b": 1}
    assert len(m) == 2
    assert m.get("c") is None
    assert "FrozenMap" in repr(m)


def test_plugin_attributes_are_tagged_with_their_plugin() -> None:
    registry = load_registry()
    host = registry.platform_types["mini_program"].attributes[0]
    assert (host.name, host.origin) == ("host", "plugin:mini_program")
    vendors = registry.platform_types["quick_app"].attributes[0]
    assert vendors.origin == "plugin:quick_app"
    assert [a.name for a in registry.platform_attributes] == ["host", "vendors"]


def test_unknown_plugin_lookup_suggests_a_name() -> None:
    from policy_sdk.errors import PluginError

    with pytest.raises(PluginError) as info:
        load_registry().plugin("mini_progam")
    assert info.value.diagnostics[0].message == "no plugin `mini_progam` is loaded"
    assert info.value.diagnostics[0].help == "did you mean `mini_program`?"
