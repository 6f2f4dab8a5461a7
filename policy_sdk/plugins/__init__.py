"""Plugins: the hooks (:mod:`~policy_sdk.plugins.hookspecs`), what they contribute
(:mod:`~policy_sdk.plugins.specs`) and the manager that loads and merges them
(:mod:`~policy_sdk.plugins.manager`). See ``docs/plugins.md``."""

from __future__ import annotations

from policy_sdk.plugins.hookspecs import hookimpl
from policy_sdk.plugins.manager import (
    PlatformTypes,
    PluginInfo,
    Registry,
    default_registry,
    load_registry,
    parse_plugin_rules,
)
from policy_sdk.plugins.registrar import Registrar
from policy_sdk.plugins.specs import (
    CancellationCapabilities,
    CancellationStrategy,
    FunctionSpec,
    ObligationKindSpec,
    PlatformTypeSpec,
    ReporterSpec,
    RuleSource,
)

__all__ = [
    "CancellationCapabilities",
    "CancellationStrategy",
    "FunctionSpec",
    "ObligationKindSpec",
    "PlatformTypeSpec",
    "PlatformTypes",
    "PluginInfo",
    "Registrar",
    "Registry",
    "ReporterSpec",
    "RuleSource",
    "default_registry",
    "hookimpl",
    "load_registry",
    "parse_plugin_rules",
]
