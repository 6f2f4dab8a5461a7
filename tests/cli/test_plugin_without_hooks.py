"""``--plugin`` naming a module that implements no policy-sdk hook is an error (exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from policy_sdk import PluginError
from policy_sdk.cli.main import main
from policy_sdk.plugins import load_registry

ROOT = Path(__file__).resolve().parents[2]
FACTS = ["--facts", str(ROOT / "examples" / "company.yaml"), "--as-of", "2026-11-20"]

MESSAGE = ("plugin:os: error[plugin-no-hooks]: plugin `os` (module `os`) implements none of "
           "the policy-sdk hooks, so it would contribute nothing")
HELP = ("  help: a plugin implements the `policy_sdk_register(register)` hook, marked "
        "`@hookimpl`; the hooks are documented in `policy_sdk.plugins.hookspecs` and "
        "docs/plugins.md")


@pytest.mark.parametrize(
    "args",
    [["check", *FACTS], ["inventory", *FACTS], ["plan-cancel", *FACTS], ["plugins"],
     ["validate", "--facts", FACTS[1]]],
)
def test_a_module_without_hooks_is_refused(capsys: pytest.CaptureFixture[str],
                                           args: list[str]) -> None:
    code = main([*args, "--plugin", "os"])
    out = capsys.readouterr()
    assert code == 2
    assert out.err.splitlines()[:2] == [MESSAGE, HELP]
    assert "Traceback" not in out.out + out.err


def test_from_python_too() -> None:
    class Nothing:
        policy_sdk_plugin_name = "nothing"

    with pytest.raises(PluginError) as info:
        load_registry(plugins=[Nothing()], load_entrypoints=False)
    (diagnostic,) = info.value.diagnostics
    assert diagnostic.code == "plugin-no-hooks"
    assert diagnostic.message.startswith("plugin `nothing` (object `Nothing`) implements none")
