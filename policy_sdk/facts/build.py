"""The schema policies are validated against: core + plugins + a facts file's declarations."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import attrs

from policy_sdk.facts.model import Facts
from policy_sdk.facts.schema import CORE_SCHEMA, Attribute, Schema

if TYPE_CHECKING:
    from policy_sdk.plugins.specs import PlatformTypeSpec

__all__ = ["build_schema"]


def build_schema(
    platform_types: Mapping[str, PlatformTypeSpec], facts: Facts | None = None
) -> Schema:
    """The core schema, plus the ``platform`` attributes the platform types add (one per
    name: attributes are scoped to their type, and a policy reading ``platform.vendor``
    sees the types' common type, see
    :func:`policy_sdk.plugins.registry.merge_platform_attributes`), plus the obligation
    kinds plugins bring, plus the custom attributes and obligation kinds ``facts``
    declares in its ``schema:`` section.

    ``platform.type`` gets the platform type names as its closed set of values, so a
    policy comparing it with a misspelled type is caught. The result does not depend on
    the order of ``platform_types``.
    """
    from policy_sdk.plugins.registry import merge_platform_attributes

    plugin: dict[str, Attribute] = {}
    refined: dict[str, set[str]] = {}  # core attribute -> values platform types allow
    for attribute in merge_platform_attributes(platform_types):
        if attribute.entity != "platform":
            continue
        if CORE_SCHEMA.get("platform", attribute.name) is not None:
            if attribute.enum:
                refined.setdefault(attribute.name, set()).update(attribute.enum)
        else:
            plugin[attribute.name] = attribute
    type_attr = CORE_SCHEMA.get("platform", "type")
    assert type_attr is not None
    extra: list[Attribute] = [attrs.evolve(type_attr, enum=tuple(sorted(platform_types)))]
    for attr_name in sorted(refined):
        # a core attribute whose values platform types close (mini_program: `host`)
        core = CORE_SCHEMA.get("platform", attr_name)
        assert core is not None
        if core.enum is None:
            extra.append(attrs.evolve(core, enum=tuple(sorted(refined[attr_name]))))
    extra.extend(plugin[k] for k in sorted(plugin))
    schema = _with_plugin_kinds(CORE_SCHEMA.extended(extra), platform_types)
    if facts is None:
        return schema
    declared = [
        Attribute(d.entity, d.name, d.type, d.description or "",  # type: ignore[arg-type]
                  enum=d.enum, origin="facts")
        for d in sorted(facts.attributes, key=lambda d: (d.entity, d.name))
        if schema.get(d.entity, d.name) is None
    ]
    return schema.extended(declared).with_kinds(facts.kinds)


def _with_plugin_kinds(schema: Schema, platform_types: Mapping[str, PlatformTypeSpec]) -> Schema:
    """``schema`` knowing the obligation kinds (and their record keys) plugins bring; they
    travel with a registry's platform types (:class:`~policy_sdk.plugins.PlatformTypes`)."""
    kinds = getattr(platform_types, "obligation_kinds", None) or {}
    if not kinds:
        return schema
    keys: dict[str, Attribute] = {}
    for name in sorted(kinds):
        for key in kinds[name].keys:
            if schema.get("record", key.name) is None:
                keys.setdefault(key.name, attrs.evolve(
                    key, origin=key.origin if key.origin != "core" else f"kind:{name}"))
    return schema.extended(keys[k] for k in sorted(keys)).with_kinds(kinds)
