"""Every hook is documented, typed and called by the manager; shipped plugins use the
registrar hook, not the deprecated ones."""

from __future__ import annotations

import importlib
import inspect
import typing
from collections.abc import Callable

import pytest

from policy_sdk.plugins import hookimpl, hookspecs
from policy_sdk.plugins.manager import HOOK_NAMES, hook_names, load_registry

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


class _Spy:
    """A plugin implementing every hook, recording which ones the manager calls."""

    policy_sdk_plugin_name = "spy"

    def __init__(self) -> None:
        self.called: list[str] = []
        for name in HOOKS:
            setattr(self, name, hookimpl(self._recorder(name)))

    def _recorder(self, name: str) -> Callable[..., list[object] | None]:
        if name == "policy_sdk_register":
            def register_hook(register: object) -> None:
                self.called.append(name)

            register_hook.__name__ = name
            return register_hook

        def hook() -> list[object]:
            self.called.append(name)
            return []

        hook.__name__ = name
        return hook


def test_the_manager_calls_every_hook() -> None:
    spy = _Spy()
    with pytest.warns(DeprecationWarning, match="deprecated: implement `policy_sdk_register"):
        load_registry(plugins=[spy], load_entrypoints=False)
    assert sorted(spy.called) == list(HOOKS)


# what each hook contributes, as the registry records it per plugin
_FIELD = {
    "policy_sdk_register_platform_types": "platform_types",
    "policy_sdk_register_rules": "rules",
    "policy_sdk_register_cancellation_strategies": "strategies",
    "policy_sdk_register_functions": "functions",
    "policy_sdk_register_reporters": "reporters",
}


def test_every_shipped_plugin_uses_the_registrar_hook_not_a_deprecated_one() -> None:
    # the built-in core, the first-party platform plugins and the example plugin
    import policy_sdk_quickapp

    from policy_sdk.plugins import builtin

    registry = load_registry()
    modules = [builtin, policy_sdk_quickapp,
               *(importlib.import_module(p.source or "") for p in registry.plugins
                 if p.origin == "entrypoint" and p.distribution == "policy-sdk")]
    assert len(modules) == 6
    for module in modules:
        assert hasattr(module, "policy_sdk_register"), module.__name__
        for name in HOOKS:
            if name != "policy_sdk_register":
                assert not hasattr(module, name), (module.__name__, name)


@pytest.mark.parametrize("field", sorted(set(_FIELD.values())))
def test_every_kind_of_contribution_is_used_by_a_shipped_plugin(field: str) -> None:
    # each contribution carries something real into the registry
    registry = load_registry()
    users = [p.name for p in registry.plugins if getattr(p, field)]
    assert users, f"no shipped plugin contributes {field}"
