"""Disabling a plugin by a name nobody has is an error, not a silent no-op."""

from __future__ import annotations

import pytest

from policy_sdk.errors import PluginError
from policy_sdk.plugins.manager import load_registry


def test_a_misspelt_disabled_name_is_an_error_with_did_you_mean() -> None:
    with pytest.raises(PluginError) as info:
        load_registry(disabled=["no:mini_progam"])
    (diag,) = info.value.diagnostics
    assert diag.code == "plugin-unknown-disabled"
    assert diag.message.startswith("cannot disable `mini_progam`: no plugin has that name")
    assert diag.help == "did you mean `mini_program`?"


def test_a_real_name_disables_the_plugin() -> None:
    registry = load_registry(disabled=["no:mini_program"])
    assert "mini_program" not in registry.platform_types
    assert "app" in registry.platform_types


def test_a_missing_module_is_named_without_python_exception_names() -> None:
    with pytest.raises(PluginError) as info:
        load_registry(plugins=["no_such_module_here:plugin"])
    message = info.value.diagnostics[0].message
    assert "no module named `no_such_module_here`" in message
    assert "ModuleNotFoundError" not in message
