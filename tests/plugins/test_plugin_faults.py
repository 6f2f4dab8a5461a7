"""Every way a plugin can go wrong is a PluginError naming the plugin and the hook."""

from __future__ import annotations

import pytest

from policy_sdk.errors import PluginError, PolicySdkError
from policy_sdk.facts.schema import Attribute
from policy_sdk.plugins import hookimpl, load_registry, parse_plugin_rules
from policy_sdk.plugins.specs import (
    FunctionSpec,
    PlatformTypeSpec,
    ReporterSpec,
    RuleSource,
)

# these tests drive the deprecated list-returning hooks on purpose (they still work
# for one release); the warning each use gives is tested in test_plugin_hardening.py
pytestmark = pytest.mark.filterwarnings(
    "ignore:plugin .* deprecated. implement .policy_sdk_register:DeprecationWarning")


def _load(*plugins: object) -> object:
    return load_registry(plugins=list(plugins), load_entrypoints=False)


def _error(*plugins: object) -> PluginError:
    with pytest.raises(PluginError) as info:
        _load(*plugins)
    return info.value


class Raising:
    policy_sdk_plugin_name = "raising"

    @hookimpl
    def policy_sdk_register_platform_types(self) -> list[PlatformTypeSpec]:
        raise RuntimeError("database of platforms is down")


def test_a_hook_that_raises_names_plugin_and_hook() -> None:
    exc = _error(Raising())
    assert exc.code == "plugin-hook-failed"
    message = exc.diagnostics[0].message
    assert message == (
        "plugin `raising` failed in hook `policy_sdk_register_platform_types`: "
        "RuntimeError: database of platforms is down"
    )
    # the rendered error is one readable line, not a traceback from inside pluggy
    assert "Traceback" not in str(exc)
    assert "pluggy" not in str(exc)
    assert exc.diagnostics[0].location == "plugin:raising: policy_sdk_register_platform_types"


class NotAList:
    policy_sdk_plugin_name = "not_a_list"

    @hookimpl
    def policy_sdk_register_rules(self) -> object:
        return RuleSource("x.policy", "require filing per platform")


class ReturnsNothing:
    policy_sdk_plugin_name = "returns_nothing"

    @hookimpl
    def policy_sdk_register_functions(self) -> None:
        return None


class WrongItem:
    policy_sdk_plugin_name = "wrong_item"

    @hookimpl
    def policy_sdk_register_platform_types(self) -> list[object]:
        return [PlatformTypeSpec("ok_type", "fine"), "quick_app"]


def test_a_result_that_is_not_a_list() -> None:
    exc = _error(NotAList())
    assert exc.code == "plugin-bad-result"
    assert exc.diagnostics[0].message == (
        "plugin `not_a_list` returned `RuleSource` from hook `policy_sdk_register_rules`; "
        "expected a list of rule sources"
    )


def test_returning_nothing_is_not_silently_ignored() -> None:
    exc = _error(ReturnsNothing())
    assert exc.diagnostics[0].message == (
        "plugin `returns_nothing` returned nothing from hook `policy_sdk_register_functions`; "
        "expected a list of functions"
    )
    assert exc.diagnostics[0].help == "return a list, `[]` when there is nothing to contribute"


def test_an_item_of_the_wrong_kind() -> None:
    exc = _error(WrongItem())
    assert [d.message for d in exc.diagnostics] == [
        "plugin `wrong_item` returned text as item 2 from hook "
        "`policy_sdk_register_platform_types`; expected a platform type"
    ]


class Quick1:
    policy_sdk_plugin_name = "quick_one"

    @hookimpl
    def policy_sdk_register_platform_types(self) -> list[PlatformTypeSpec]:
        return [PlatformTypeSpec("quick_app", "快应用", aliases=("快应用",))]


class Quick2:
    policy_sdk_plugin_name = "quick_two"

    @hookimpl
    def policy_sdk_register_platform_types(self) -> list[PlatformTypeSpec]:
        return [PlatformTypeSpec("quick_app", "快应用 again")]


class AliasClash:
    policy_sdk_plugin_name = "alias_clash"

    @hookimpl
    def policy_sdk_register_platform_types(self) -> list[PlatformTypeSpec]:
        return [PlatformTypeSpec("kuai_app", "another", aliases=("快应用",))]


class Twice:
    policy_sdk_plugin_name = "twice"

    @hookimpl
    def policy_sdk_register_platform_types(self) -> list[PlatformTypeSpec]:
        return [PlatformTypeSpec("tv_app", "TV"), PlatformTypeSpec("tv_app", "TV again")]


def test_a_platform_type_declared_by_two_plugins() -> None:
    exc = _error(Quick2(), Quick1())  # order given does not change who is blamed
    assert exc.code == "plugin-duplicate"
    assert [d.message for d in exc.diagnostics] == [
        "plugins `quick_one` and `quick_two` both declare platform type `quick_app`"
    ]
    assert exc.diagnostics[0].help == (
        "disable one of them: `-p no:quick_one` or `-p no:quick_two`; or have one refine the "
        "other's with `register.extend_platform_type(...)`")


def test_an_alias_declared_twice() -> None:
    exc = _error(AliasClash(), Quick1())
    assert [d.message for d in exc.diagnostics] == [
        "plugins `alias_clash` and `quick_one` both declare platform type alias `快应用` "
        "(for `kuai_app`)"
    ]


def test_a_platform_type_declared_twice_by_one_plugin() -> None:
    exc = _error(Twice())
    assert [d.message for d in exc.diagnostics] == [
        "plugin `twice` declares platform type `tv_app` twice"
    ]


def test_a_platform_type_clashing_with_an_installed_one() -> None:
    class App:
        policy_sdk_plugin_name = "my_app"

        @hookimpl
        def policy_sdk_register_platform_types(self) -> list[PlatformTypeSpec]:
            return [PlatformTypeSpec("app", "my own idea of an app")]

    with pytest.raises(PluginError) as info:
        load_registry(plugins=[App()])
    diagnostic = info.value.diagnostics[0]
    # the third-party newcomer is blamed, never the first-party plugin
    assert diagnostic.message == "plugins `app` and `my_app` both declare platform type `app`"
    assert diagnostic.file == "plugin:my_app"
    assert diagnostic.help == (
        "`app` comes with policy-sdk (plugin `app`); refine it instead with "
        "`register.extend_platform_type(...)` in `my_app`, or disable `my_app` with "
        "`-p no:my_app`")
    assert "no:app" not in diagnostic.help


class Typo:
    policy_sdk_plugin_name = "typo"

    @hookimpl
    def policy_sdk_register_platfrom_types(self) -> list[PlatformTypeSpec]:
        return []


def test_a_hook_name_that_does_not_exist() -> None:
    exc = _error(Typo())
    assert exc.code == "plugin-unknown-hook"
    assert exc.diagnostics[0].message == (
        "plugin `typo` implements hook `policy_sdk_register_platfrom_types`, which does not exist"
    )
    assert exc.diagnostics[0].help == "did you mean `policy_sdk_register_platform_types`?"


class Unmarked:
    policy_sdk_plugin_name = "unmarked"

    def policy_sdk_register_rules(self) -> list[RuleSource]:
        return [RuleSource("x.policy", "require filing per platform")]


def test_a_hook_without_the_marker_is_an_error_not_a_silent_pass() -> None:
    exc = _error(Unmarked())
    assert exc.code == "plugin-unmarked-hook"
    assert exc.diagnostics[0].message == (
        "plugin `unmarked` defines `policy_sdk_register_rules` without marking it `@hookimpl`, "
        "so it would never be called"
    )


class WithArgument:
    policy_sdk_plugin_name = "with_argument"

    @hookimpl
    def policy_sdk_register_reporters(self, engine: object) -> list[ReporterSpec]:
        return []


def test_a_hook_with_parameters_the_spec_does_not_have() -> None:
    exc = _error(WithArgument())
    assert exc.code == "plugin-bad-hookimpl"
    assert exc.diagnostics[0].message == (
        "plugin `with_argument` implements hook `policy_sdk_register_reporters` with the wrong "
        "parameters; `policy_sdk_register_reporters` takes no arguments"
    )


class TwoFunctions:
    policy_sdk_plugin_name = "two_functions"

    @hookimpl
    def policy_sdk_register_functions(self) -> list[FunctionSpec]:
        return [FunctionSpec("count", ("list",), "number", len)]


def test_a_function_declared_by_two_plugins() -> None:
    with pytest.raises(PluginError) as info:
        load_registry(plugins=[TwoFunctions()], load_entrypoints=False)
    assert info.value.diagnostics[0].message == (
        "plugins `core` and `two_functions` both declare function `count`"
    )
    # disabling the core plugin resolves the clash
    registry = load_registry(plugins=[TwoFunctions()], load_entrypoints=False, disabled=["core"])
    assert list(registry.functions) == ["count"]


class DupStrategy:
    policy_sdk_plugin_name = "dup_strategy"

    class _S:
        name = "single"
        description = "mine"

        def propose(self, candidates: object) -> object:
            raise NotImplementedError

    @hookimpl
    def policy_sdk_register_cancellation_strategies(self) -> list[object]:
        return [self._S()]


def test_a_strategy_name_declared_twice() -> None:
    exc = _error(DupStrategy())
    assert exc.diagnostics[0].message == (
        "plugins `core` and `dup_strategy` both declare cancellation strategy `single`"
    )


class BadStrategyShape:
    policy_sdk_plugin_name = "bad_strategy"

    @hookimpl
    def policy_sdk_register_cancellation_strategies(self) -> list[object]:
        return [object()]


def test_a_strategy_without_the_protocol() -> None:
    exc = _error(BadStrategyShape())
    assert exc.diagnostics[0].message == (
        "plugin `bad_strategy` returned `object` as item 1 from hook "
        "`policy_sdk_register_cancellation_strategies`; expected a cancellation strategy"
    )


class BadAttribute:
    policy_sdk_plugin_name = "bad_attribute"

    @hookimpl
    def policy_sdk_register_platform_types(self) -> list[PlatformTypeSpec]:
        return [
            PlatformTypeSpec(
                "tv_app", "TV app",
                attributes=(Attribute("platform", "host", "number", "changes the core type"),),
            )
        ]


def test_an_attribute_changing_a_core_attribute_type() -> None:
    exc = _error(BadAttribute())
    assert exc.code == "plugin-attribute-conflict"
    assert exc.diagnostics[0].message == (
        "plugin `bad_attribute` redefines the core attribute `platform.host` as number on "
        "platform type `tv_app`; it is string"
    )


def test_a_plugin_that_cannot_be_imported() -> None:
    with pytest.raises(PluginError) as info:
        load_registry(plugins=["no_such_module_here:plugin"], load_entrypoints=False)
    d = info.value.diagnostics[0]
    assert d.code == "plugin-load"
    assert d.message.startswith("plugin `no_such_module_here:plugin` cannot be loaded: ")
    assert d.message.endswith("cannot be loaded: no module named `no_such_module_here`")


def test_all_problems_are_collected_and_sorted_by_plugin() -> None:
    exc = _error(WrongItem(), Raising(), NotAList())
    assert [d.file for d in exc.diagnostics] == [
        "plugin:not_a_list",
        "plugin:raising",
        "plugin:wrong_item",
    ]


class BadRuleText:
    policy_sdk_plugin_name = "bad_rules"

    @hookimpl
    def policy_sdk_register_rules(self) -> list[RuleSource]:
        return [
            RuleSource(
                "tv.policy",
                'policy tv {\n  rule r "t" {\n    require filing per platform wher x\n  }\n}\n',
            )
        ]


def test_rule_text_with_a_syntax_error_names_plugin_and_span() -> None:
    registry = load_registry(plugins=[BadRuleText()], load_entrypoints=False)
    with pytest.raises(PluginError) as info:
        parse_plugin_rules(registry)
    d = info.value.diagnostics[0]
    assert d.code == "plugin-rule-syntax"
    assert d.message.startswith(
        "rule source `tv.policy` of plugin `bad_rules` does not parse: unexpected `wher`"
    )
    assert d.span is not None
    assert (d.span.file, d.span.line, d.span.column) == ("plugin:bad_rules/tv.policy", 3, 33)
    assert str(info.value).startswith("plugin:bad_rules/tv.policy:3:33: error[plugin-rule-syntax]")


def test_every_plugin_error_is_a_policy_sdk_error() -> None:
    assert issubclass(PluginError, PolicySdkError)
    exc = _error(Raising())
    assert isinstance(exc, PolicySdkError)
