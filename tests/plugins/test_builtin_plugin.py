"""The core plugin: generic functions, strategies and reporters."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from policy_sdk.plugins import builtin, load_registry
from policy_sdk.plugins.builtin import count, days_between, starts_with


def test_core_functions_are_registered_with_types() -> None:
    functions = load_registry(load_entrypoints=False).functions
    assert {n: (f.params, f.returns) for n, f in functions.items()} == {
        "count": (("list",), "number"),
        "days_between": (("date", "date"), "number"),
        "starts_with": (("string", "string"), "boolean"),
    }
    assert all(f.description for f in functions.values())


def test_function_values() -> None:
    assert count(["a", "b"]) == 2
    assert count(None) == 0
    assert days_between(dt.date(2026, 9, 24), dt.date(2026, 10, 15)) == 21
    assert days_between(None, dt.date(2026, 1, 1)) is None
    assert starts_with("网信算备110108123456701250001号", "网信算备11")
    assert not starts_with("网信算备310108123456701250001号", "网信算备11")
    assert not starts_with(None, "x")


@given(st.dates(), st.dates())
def test_days_between_is_antisymmetric(a: dt.date, b: dt.date) -> None:
    forward = days_between(a, b)
    assert forward is not None
    assert forward == -(days_between(b, a) or 0)
    assert a + dt.timedelta(days=forward) == b


def test_core_strategies_come_from_the_cancellation_package() -> None:
    from policy_sdk.cancellation.strategies import BatchStrategy, SingleStrategy

    strategies = load_registry(load_entrypoints=False).strategies
    assert isinstance(strategies["batch"], BatchStrategy)
    assert isinstance(strategies["single"], SingleStrategy)


def test_core_reporters_follow_the_engine_when_present() -> None:
    reporters = builtin._reporters()
    try:
        from policy_sdk.engine.reporters import BUILTIN_REPORTERS
    except ModuleNotFoundError:
        assert reporters == []
    else:
        expected = (
            list(BUILTIN_REPORTERS.values())
            if hasattr(BUILTIN_REPORTERS, "values")
            else list(BUILTIN_REPORTERS)
        )
        assert reporters == expected


def test_core_contributes_no_platform_types_or_rules() -> None:
    core = load_registry(load_entrypoints=False).plugin("core")
    assert core.platform_types == ()
    assert core.rules == ()
    assert core.functions == ("count", "days_between", "starts_with")
