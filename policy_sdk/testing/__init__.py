"""Test helpers for policy and plugin authors.

* :func:`check_plugin` — the conformance check a plugin's test suite calls.
* the hypothesis strategies of :mod:`policy_sdk.testing.strategies` (facts, …),
  re-exported here when that module is present; importing ``policy_sdk.testing``
  does not import hypothesis.
"""

from __future__ import annotations

import importlib
from typing import Any

from policy_sdk.testing.conformance import check_plugin

__all__ = ["check_plugin"]


def __getattr__(name: str) -> Any:
    """Hand out the hypothesis strategies of :mod:`policy_sdk.testing.strategies` lazily."""
    if name.startswith("__"):
        raise AttributeError(name)
    try:
        strategies = importlib.import_module("policy_sdk.testing.strategies")
    except ModuleNotFoundError as exc:
        if exc.name in ("policy_sdk.testing.strategies", "hypothesis"):
            raise AttributeError(
                f"module `policy_sdk.testing` has no attribute `{name}`"
                + (" (the hypothesis strategies need the `test` extra)"
                   if exc.name == "hypothesis" else "")
            ) from None
        raise
    if name == "strategies":
        return strategies
    try:
        return getattr(strategies, name)
    except AttributeError:
        raise AttributeError(f"module `policy_sdk.testing` has no attribute `{name}`") from None
