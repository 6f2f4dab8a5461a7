"""Every hook is documented, typed, and exercised by the tests in this folder."""

from __future__ import annotations

import inspect
import typing
from pathlib import Path

import pytest

from policy_sdk.plugins import hookspecs
from policy_sdk.plugins.manager import HOOK_NAMES, hook_names

HERE = Path(__file__).resolve().parent
HOOKS = hook_names()


def test_the_module_declares_the_registrar_hook_and_the_five_deprecated_ones() -> None:
    assert HOOKS == (
        "policy_sdk_register",
        "policy_sdk_register_cancellation_strategies",
        "policy_sdk_register_functions",
        "policy_sdk_register_platform_types",
        "policy_sdk_register_reporters",
        "policy_sdk_register_rules",
    )
    # the manager calls every hook the spec module declares
    assert sorted(HOOK_NAMES) == list(HOOKS)


@pytest.mark.parametrize("name", HOOKS)
def test_hook_is_marked_as_a_spec(name: str) -> None:
    func = getattr(hookspecs, name)
    assert getattr(func, f"{hookspecs.PROJECT_NAME}_spec", None) is not None


@pytest.mark.parametrize("name", HOOKS)
def test_hook_has_a_docstring_saying_when_and_what(name: str) -> None:
    doc = inspect.getdoc(getattr(hookspecs, name))
    assert doc, f"hook `{name}` has no docstring"
    assert "Called" in doc, f"hook `{name}` does not say when it is called"
    assert "Return" in doc, f"hook `{name}` does not say what it returns"


@pytest.mark.parametrize("name", HOOKS)
def test_hook_has_a_typed_signature(name: str) -> None:
    func = getattr(hookspecs, name)
    hints = typing.get_type_hints(func)
    assert "return" in hints, f"hook `{name}` has no return annotation"
    if name == "policy_sdk_register":
        assert hints["return"] is type(None)
        assert hints["register"].__name__ == "Registrar"
    else:
        assert typing.get_origin(hints["return"]) is list
    params = inspect.signature(func).parameters
    assert all(p in hints for p in params), f"hook `{name}` has untyped parameters"


@pytest.mark.parametrize("name", HOOKS)
def test_no_hook_is_firstresult(name: str) -> None:
    opts = getattr(getattr(hookspecs, name), f"{hookspecs.PROJECT_NAME}_spec")
    assert not opts.get("firstresult")


@pytest.mark.parametrize("name", HOOKS)
def test_hook_is_exercised_by_a_test_here(name: str) -> None:
    other_tests = [p for p in HERE.glob("test_*.py") if p.name != Path(__file__).name]
    assert any(name in p.read_text(encoding="utf-8") for p in other_tests), (
        f"hook `{name}` is not used by any test in tests/plugins"
    )
