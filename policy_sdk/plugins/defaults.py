"""The platform types of the default plugin registry, for callers that pass none.

The facts loader is given the platform types a document may use; this is where the
convenience entry points (``load_facts(path)`` without ``platform_types``) get them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from policy_sdk.plugins.specs import PlatformTypeSpec

__all__ = ["default_platform_types", "platform_type_specs"]


def default_platform_types() -> Mapping[str, PlatformTypeSpec]:
    """The platform types of the default plugin registry."""
    from policy_sdk.plugins.manager import default_registry

    return default_registry().platform_types


def platform_type_specs(names: Iterable[str]) -> dict[str, PlatformTypeSpec]:
    """Specs for the platform type ``names``: the registered spec where there is one,
    otherwise a bare spec (for tests that invent platform types)."""
    known = default_platform_types()
    return {n: known.get(n) or PlatformTypeSpec(name=n, description=n) for n in names}
