"""``repr(Engine)`` tells how many rules and plugins it has, even before its rules compile."""

from __future__ import annotations

from typing import Any

import pytest

from policy_sdk import Engine, ValidationError

CORE_ONLY: dict[str, Any] = {"plugin_rules": False, "load_entrypoints": False}


def test_a_deferred_engine_counts_its_parsed_rules() -> None:
    # `usesrecommendation` may be declared by a facts file, so validation waits for one
    engine = Engine.from_source("require filing per platform where usesrecommendation",
                                **CORE_ONLY)
    assert repr(engine) == "Engine(1 rule, 1 plugin)"
    with pytest.raises(ValidationError, match="did you mean `uses_recommendation`"):
        _ = engine.rules  # repr compiled nothing: the error still surfaces here
    assert repr(engine) == "Engine(1 rule, 1 plugin)"


def test_plural_and_empty() -> None:
    two = Engine.from_source(
        "require filing per platform where uses_recommendation\n"
        "require distinct filing per platform\n",
        **CORE_ONLY,
    )
    assert repr(two) == "Engine(2 rules, 1 plugin)"
    assert repr(Engine.from_source("", **CORE_ONLY)) == "Engine(0 rules, 1 plugin)"


def test_the_count_is_what_compiles_plugin_rules_included() -> None:
    engine = Engine.from_source("require filing per platform where uses_recommendation")
    plugins = len(engine.registry.plugins)
    assert plugins > 1
    assert len(engine.rules) > 1  # the installed plugins' rules run too
    assert repr(engine) == f"Engine({len(engine.rules)} rules, {plugins} plugins)"
