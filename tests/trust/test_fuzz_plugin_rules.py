"""Fuzzing plugin-provided rule text: a fake plugin contributes random or mutated
policy source; parse_plugin_rules returns modules or raises PluginError, in bounded
time, and the error names the plugin."""

from __future__ import annotations

from fuzz_support import mutated, time_limit
from hypothesis import given
from hypothesis import strategies as st

from policy_sdk import ast
from policy_sdk.errors import PluginError
from policy_sdk.plugins import Registrar, hookimpl, load_registry, parse_plugin_rules
from policy_sdk.plugins.specs import RuleSource

SEED = (
    b'policy fake.rules "fake" {\n'
    b'  rule host_known "a mini-program names its host" {\n'
    b"    severity advisory\n"
    b'    forbid per platform where platform.type == "mini_program" and platform.host == null\n'
    b"  }\n"
    b"  require filing per platform where deployment.running\n"
    b"    within 10 working days of launched_on\n"
    b"}\n"
)


class FakePlugin:
    policy_sdk_plugin_name = "fuzzed"

    def __init__(self, text: str) -> None:
        self.text = text

    @hookimpl
    def policy_sdk_register(self, register: Registrar) -> None:
        register.add_rules(RuleSource(name="fuzzed.policy", text=self.text))


def parse_or_plugin_error(text: str) -> list[tuple[str, ast.Module]] | None:
    registry = load_registry(plugins=[FakePlugin(text)], load_entrypoints=False)
    error: PluginError | None = None
    with time_limit():
        try:
            out = parse_plugin_rules(registry)
        except PluginError as exc:
            error = exc
    if error is not None:
        assert error.diagnostics
        assert any("fuzzed" in d.message or "fuzzed" in (d.file or "")
                   or (d.span is not None and "fuzzed" in d.span.file)
                   for d in error.diagnostics), error.render()
        return None
    assert all(isinstance(m, ast.Module) for _, m in out)
    return out


def test_seed_parses() -> None:
    out = parse_or_plugin_error(SEED.decode())
    assert out is not None
    assert [name for name, _ in out] == ["fuzzed"]


@given(mutated(SEED, max_edits=5).map(lambda b: b.decode("utf-8", "replace")))
def test_mutated_plugin_rules(text: str) -> None:
    parse_or_plugin_error(text)


@given(st.text(max_size=200))
def test_random_plugin_rules(text: str) -> None:
    parse_or_plugin_error(text)


def test_deeply_nested_plugin_rule() -> None:
    text = "ensure " + "(" * 10_000 + "true" + ")" * 10_000 + " per organization"
    assert parse_or_plugin_error(text) is None
