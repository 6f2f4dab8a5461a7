"""Fuzzing what plugins hand over: any value given to the registrar, returned from a
deprecated hook, or returned by a plugin function is either accepted or refused with a
PluginError naming the plugin -- never another exception -- in bounded time."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fuzz_support import time_limit
from hypothesis import given, settings
from hypothesis import strategies as st

from policy_sdk.errors import PluginError
from policy_sdk.facts.schema import Attribute
from policy_sdk.plugins import Registrar, hookimpl, load_registry
from policy_sdk.plugins.specs import (
    CancellationCapabilities,
    FunctionSpec,
    ObligationKindSpec,
    PlatformTypeSpec,
    RuleSource,
)


def _attempt(call: Any) -> Any:
    """``call()``'s result, or the PluginError it raised (within the time limit)."""
    try:
        with time_limit():
            return call()
    except PluginError as exc:
        return exc


SCALARS: st.SearchStrategy[Any] = (
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12) | st.dates())
VALUES: st.SearchStrategy[Any] = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.tuples(inner, inner)
    | st.dictionaries(st.text(max_size=4), inner, max_size=2),
    max_leaves=6)
NAMES: st.SearchStrategy[Any] = st.sampled_from(
    ["smart_tv", "Smart-TV", "", "app", "mini_program", "auto", "x y"]) | st.text(max_size=8)


@st.composite
def calls(draw: st.DrawFn) -> Any:
    kind = draw(st.sampled_from(["type", "extend", "rules", "kind", "function"]))
    if kind == "type":
        attrs_ = draw(st.lists(st.builds(Attribute, st.sampled_from(["platform", "record"]),
                                         NAMES, NAMES, NAMES), max_size=2))
        spec = PlatformTypeSpec(draw(NAMES), draw(NAMES), aliases=draw(VALUES),
                                attributes=tuple(attrs_), capabilities=draw(
                                    st.just(CancellationCapabilities()) | VALUES))
        return lambda r: r.add_platform_type(spec)
    if kind == "extend":
        name, values, aliases = draw(NAMES), draw(VALUES), draw(VALUES)
        return lambda r: r.extend_platform_type(name, values=values, aliases=aliases)
    if kind == "rules":
        source = RuleSource(draw(NAMES), draw(VALUES))
        return lambda r: r.add_rules(source)
    if kind == "kind":
        spec_ = ObligationKindSpec(draw(NAMES), draw(NAMES), keys=draw(VALUES))
        return lambda r: r.add_obligation_kind(spec_)
    function = FunctionSpec(draw(NAMES), draw(VALUES), draw(NAMES), lambda *a: None,
                            draw(NAMES))
    return lambda r: r.add_function(function)


@settings(max_examples=150, deadline=None)
@given(st.lists(calls(), min_size=1, max_size=4))
def test_registrar_calls_are_accepted_or_refused_by_name(body: list[Any]) -> None:
    class Fuzzed:
        policy_sdk_plugin_name = "fuzzed"

        @hookimpl
        def policy_sdk_register(self, register: Registrar) -> None:
            for call in body:
                call(register)

    got = _attempt(lambda: load_registry(plugins=[Fuzzed()]))
    if isinstance(got, PluginError):
        assert all("plugin:" in (d.file or "") or "`fuzzed`" in d.message
                   for d in got.diagnostics), got.render()


@pytest.mark.filterwarnings(
    "ignore:plugin .* deprecated. implement .policy_sdk_register:DeprecationWarning")
@settings(max_examples=150, deadline=None)
@given(VALUES)
def test_deprecated_hook_results(value: Any) -> None:
    class Old:
        policy_sdk_plugin_name = "old"

        @hookimpl
        def policy_sdk_register_platform_types(self) -> Any:
            return value

    got = _attempt(lambda: load_registry(plugins=[Old()], load_entrypoints=False))
    if isinstance(got, PluginError):
        assert all("`old`" in d.message for d in got.diagnostics)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(["string", "number", "boolean", "date", "list", "any"]), VALUES)
def test_function_results_are_checked(returns: str, value: Any) -> None:
    class Fn:
        policy_sdk_plugin_name = "fn"

        @hookimpl
        def policy_sdk_register(self, register: Registrar) -> None:
            register.add_function(FunctionSpec("f", (), returns, lambda: value, "f"))  # type: ignore[arg-type]

    impl = load_registry(plugins=[Fn()], load_entrypoints=False).functions["f"].impl
    got = _attempt(impl)
    if isinstance(got, PluginError):
        assert "function `f` of plugin `fn` returned" in got.diagnostics[0].message
    elif returns == "number" and got is not None:
        assert got == got  # never NaN
    elif returns == "date" and got is not None:
        assert isinstance(got, dt.date)
