"""Plugins cannot end the process or corrupt output; specs are checked at load; faults
keep their traceback (issue 14 item 6, issue 19 item 4)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from policy_sdk import Engine
from policy_sdk.cli.main import main
from policy_sdk.errors import PluginError, PolicySdkError
from policy_sdk.facts.schema import Attribute
from policy_sdk.plugins import Registrar, hookimpl, load_registry
from policy_sdk.plugins.faults import TIME_LIMIT
from policy_sdk.plugins.specs import (
    CancellationCapabilities,
    FunctionSpec,
    PlatformTypeSpec,
    ReporterSpec,
    RuleSource,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "company.yaml"


def _plugin(name: str, body: Any) -> object:
    """A plugin called ``name`` whose hook runs ``body(register)``."""

    class Plugin:
        policy_sdk_plugin_name = name

        @hookimpl
        def policy_sdk_register(self, register: Registrar) -> None:
            body(register)

    return Plugin()


def _error(plugin: object) -> PluginError:
    with pytest.raises(PluginError) as info:
        load_registry(plugins=[plugin], load_entrypoints=False)
    return info.value


def test_sys_exit_in_a_hook_is_a_plugin_error_chained_to_the_exit() -> None:
    def register(r: Registrar) -> None:
        sys.exit(0)

    exc = _error(_plugin("quitter", register))
    assert exc.code == "plugin-hook-failed"
    assert exc.diagnostics[0].message == (
        "plugin `quitter` failed in hook `policy_sdk_register`: it tried to end the process "
        "(`sys.exit(0)`)")
    assert isinstance(exc.__cause__, SystemExit)


def test_an_exception_in_a_hook_keeps_its_traceback() -> None:
    def register(r: Registrar) -> None:
        raise ValueError("boom")

    exc = _error(_plugin("boomer", register))
    assert isinstance(exc.__cause__, ValueError)
    assert exc.__cause__.__traceback__ is not None
    assert "Traceback" not in exc.render()  # not shown unless asked


def test_traceback_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "bad_plugin_mod.py").write_text(
        "from policy_sdk.plugins import hookimpl\n"
        "@hookimpl\n"
        "def policy_sdk_register(register):\n"
        "    raise RuntimeError('inside the plugin')\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert main(["plugins", "-p", "bad_plugin_mod"]) == 2
    err = capsys.readouterr().err
    assert "RuntimeError: inside the plugin" in err
    assert "Traceback" not in err
    assert main(["plugins", "-p", "bad_plugin_mod", "--traceback"]) == 2
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err
    assert "bad_plugin_mod.py\", line 4, in policy_sdk_register" in err


def test_sys_exit_at_import_is_a_plugin_error(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "exits_on_import.py").write_text("import sys\nsys.exit(0)\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(PluginError) as info:
        load_registry(plugins=["exits_on_import"], load_entrypoints=False)
    assert info.value.code == "plugin-load"
    assert "it tried to end the process (`sys.exit(0)`)" in info.value.diagnostics[0].message


def _check_with(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str, *args: str) -> int:
    (tmp_path / "plugin_under_test.py").write_text(
        "import sys\nfrom policy_sdk.plugins import hookimpl\n"
        "from policy_sdk.plugins.specs import ReporterSpec\n" + body, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop("plugin_under_test", None)
    return main(["check", "--facts", str(EXAMPLE), "--as-of", "2026-06-01",
                 "-p", "plugin_under_test", *args])


def test_a_reporter_calling_sys_exit_zero_does_not_make_check_exit_zero(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    status = _check_with(tmp_path, monkeypatch, (
        "@hookimpl\n"
        "def policy_sdk_register(register):\n"
        "    register.add_reporter(ReporterSpec('quiet', lambda report: sys.exit(0)))\n"),
        "--format", "quiet")
    assert status == 2
    err = capsys.readouterr().err
    assert ("plugin `plugin_under_test` failed in reporter `quiet`: it tried to end the "
            "process (`sys.exit(0)`)") in err


def test_plugin_output_does_not_corrupt_a_machine_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    status = _check_with(tmp_path, monkeypatch, (
        "@hookimpl\n"
        "def policy_sdk_register(register):\n"
        "    print('hello from the plugin')\n"),
        "--format", "json")
    assert status in (0, 1)
    captured = capsys.readouterr()
    json.loads(captured.out)  # nothing but the report on stdout
    assert "hello from the plugin" in captured.err


def test_a_strategy_that_raises_or_returns_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    class Nothing:
        name = "nothing"
        description = "returns None"

        def propose(self, candidates: Any) -> Any:
            return None

    class Exits:
        name = "exits"
        description = "ends the process"

        def propose(self, candidates: Any) -> Any:
            raise SystemExit(0)

    def register(r: Registrar) -> None:
        r.add_strategy(Nothing())
        r.add_strategy(Exits())

    strategies = load_registry(plugins=[_plugin("strategist", register)]).strategies
    with pytest.raises(PluginError, match="returned nothing from strategy `nothing`"):
        strategies["nothing"].propose([])
    with pytest.raises(PluginError, match="failed in strategy `exits`: it tried to end"):
        strategies["exits"].propose([])


@pytest.mark.parametrize(("returned", "shown"), [
    (float("nan"), "a number that is not finite"), ("7", "text"), (True, "a truth value")])
def test_function_results_are_checked_against_their_declaration(returned: object,
                                                                shown: str) -> None:
    def register(r: Registrar) -> None:
        r.add_function(FunctionSpec("score", ("string",), "number", lambda s: returned, "x"))

    functions = load_registry(plugins=[_plugin("scorer", register)],
                              load_entrypoints=False).functions
    with pytest.raises(PluginError) as info:
        functions["score"].impl("a")
    assert info.value.diagnostics[0].message == (
        f"function `score` of plugin `scorer` returned {shown}; it declares number")
    assert functions["score"].impl is not None


@pytest.mark.parametrize(("call", "expected", "help"), [
    (lambda r: r.add_platform_type(PlatformTypeSpec("Smart-TV", "tv")),
     "platform type `Smart-TV`: the name must be a lowercase identifier like `quick_app`",
     "write `smart_tv`"),
    (lambda r: r.add_platform_type(PlatformTypeSpec("smart_tv", "")),
     "platform type `smart_tv` has no description", "give it a description people can read"),
    (lambda r: r.add_platform_type(PlatformTypeSpec(
        "smart_tv", "tv",
        attributes=(Attribute("platform", "vendor", "strng", "maker"),))),  # type: ignore[arg-type]
     "platform type `smart_tv`: attribute `vendor` has unknown type `strng`",
     "did you mean `string`?"),
    (lambda r: r.add_platform_type(PlatformTypeSpec(
        "smart_tv", "tv", aliases="evl")),  # type: ignore[arg-type]
     "platform type `smart_tv`: aliases must be a tuple of names, not text",
     "write `aliases=('evl',)`"),
    (lambda r: r.add_platform_type(PlatformTypeSpec(3, "tv")),  # type: ignore[arg-type]
     "platform type has no name (it must be text)", None),
    (lambda r: r.add_platform_type(PlatformTypeSpec(
        "smart_tv", "tv", capabilities="yes")),  # type: ignore[arg-type]
     "platform type `smart_tv`: capabilities must be a `CancellationCapabilities`, not `yes`",
     "e.g. `CancellationCapabilities(batch=True, item_verification=False)`"),
    (lambda r: r.add_rules(RuleSource("tv.policy", None)),  # type: ignore[arg-type]
     "rule source `tv.policy` has no text (it must be policy text)", None),
    (lambda r: r.add_strategy(type("S", (), {"name": "auto", "description": "x",
                                             "propose": lambda self, c: None})()),
     "cancellation strategy `auto` has a reserved name (`--strategy auto` asks every "
     "strategy)", "choose another name"),
    (lambda r: r.add_reporter(ReporterSpec("csv2", "not callable")),  # type: ignore[arg-type]
     "reporter `csv2` has no callable `render`", None),
])
def test_load_time_checks_enforce_what_check_plugin_checks(call: Any, expected: str,
                                                           help: str | None) -> None:
    exc = _error(_plugin("careless", call))
    assert exc.code == "plugin-bad-spec"
    assert exc.diagnostics[0].message == (
        f"plugin `careless` calls `{_method(call)}` with a bad value: {expected}")
    assert exc.diagnostics[0].help == help


def _method(call: Any) -> str:
    names: tuple[str, ...] = call.__code__.co_names
    return next(n for n in names if n.startswith("add_"))


def test_a_deprecated_hook_returning_a_tuple_is_refused() -> None:
    class Old:
        policy_sdk_plugin_name = "old"

        @hookimpl
        def policy_sdk_register_platform_types(self) -> object:
            return (PlatformTypeSpec("tv_app", "tv"),)

    with pytest.warns(DeprecationWarning, match="implements `policy_sdk_register_platform_types`"):
        exc = _error(Old())
    assert exc.diagnostics[0].message == (
        "plugin `old` returned a tuple from hook `policy_sdk_register_platform_types`; "
        "expected a list of platform types")


def test_capabilities_only_tighten() -> None:
    def loosen(r: Registrar) -> None:
        r.extend_platform_type("mini_program", capabilities=CancellationCapabilities(
            batch=True, item_verification=False, required_materials=("小程序主体证明",)))

    registry = load_registry(plugins=[_plugin("looser", loosen)])
    caps = registry.platform_types["mini_program"].capabilities
    assert caps.item_verification  # not loosened
    assert caps.required_materials == ("小程序主体证明",)  # materials are added


def test_conflicting_refinements_name_both_plugins_and_the_field() -> None:
    def one(r: Registrar) -> None:
        r.extend_platform_type("app", attributes=(Attribute("platform", "store", "string",
                                                            "the app store"),))

    def two(r: Registrar) -> None:
        r.extend_platform_type("app", attributes=(Attribute("platform", "store", "list",
                                                            "the app stores"),))

    with pytest.raises(PluginError) as info:
        load_registry(plugins=[_plugin("two", two), _plugin("one", one)])
    [diagnostic] = info.value.diagnostics
    assert diagnostic.code == "plugin-attribute-conflict"
    assert diagnostic.message == (
        "plugins `one` and `two` declare attribute `app.store` differently: `type` is "
        "`string` in `one` and `list` in `two`")
    assert "no:app" not in (diagnostic.help or "")


def test_extending_an_unknown_type_or_an_open_attribute() -> None:
    def typo(r: Registrar) -> None:
        r.extend_platform_type("mini_programm", values={"host": ("qq",)})

    with pytest.raises(PluginError) as info:
        load_registry(plugins=[_plugin("typo", typo)])
    assert info.value.diagnostics[0].help == "did you mean `mini_program`?"

    def open_(r: Registrar) -> None:
        r.extend_platform_type("app", values={"name": ("x",)})

    with pytest.raises(PluginError, match="which has no such attribute"):
        load_registry(plugins=[_plugin("open", open_)])


def test_plugin_calls_have_a_time_limit() -> None:
    def slow(r: Registrar) -> None:
        time.sleep(5)

    token = TIME_LIMIT.set(0.2)
    try:
        started = time.monotonic()
        exc = _error(_plugin("slow", slow))
    finally:
        TIME_LIMIT.reset(token)
    assert time.monotonic() - started < 3
    assert exc.code == "plugin-timeout"
    assert exc.diagnostics[0].message == (
        "plugin `slow` took longer than 0.2 s in hook `policy_sdk_register`")


def test_an_engine_with_a_failing_plugin_raises_only_policy_sdk_errors() -> None:
    def register(r: Registrar) -> None:
        raise KeyboardInterrupt

    with pytest.raises(PolicySdkError, match="it raised an interruption"):
        Engine(plugins=(_plugin("interrupts", register),))


def test_guarded_contributions_keep_their_signature_and_pickle() -> None:
    import inspect
    import pickle

    from policy_sdk.plugins.specs import ObligationKindSpec

    def register(r: Registrar) -> None:
        r.add_function(FunctionSpec("twice", ("number",), "number", abs, "absolute value"))
        r.add_reporter(ReporterSpec("lines", _render_lines))
        r.add_obligation_kind(ObligationKindSpec("partner_agreement", "an agreement"))

    registry = load_registry(plugins=[_plugin("kit", register)], load_entrypoints=False)
    assert list(inspect.signature(registry.reporters["lines"].render).parameters) == [
        "report", "color"]
    again = pickle.loads(pickle.dumps(registry.functions["twice"]))
    assert again.impl(-3) == 3
    types_ = pickle.loads(pickle.dumps(registry.platform_types))
    assert list(types_.obligation_kinds) == ["partner_agreement"]


def _render_lines(report: Any, color: bool = False) -> str:
    return ""
