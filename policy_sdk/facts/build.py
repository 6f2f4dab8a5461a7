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
    """The core schema, plus the ``platform`` attributes the platform types add, plus the
    custom attributes and obligation kinds ``facts`` declares in its ``schema:`` section.

    ``platform.type`` gets the platform type names as its closed set of values, so a
    policy comparing it with a misspelled type is caught. The result does not depend on
    the order of ``platform_types``.
    """
    plugin: dict[str, Attribute] = {}
    refined: dict[str, set[str]] = {}  # core attribute -> values platform types allow
    for name in sorted(platform_types):
        for attribute in platform_types[name].attributes:
            if attribute.entity != "platform":
                continue
            if CORE_SCHEMA.get("platform", attribute.name) is not None:
                if attribute.enum:
                    refined.setdefault(attribute.name, set()).update(attribute.enum)
            elif attribute.name not in plugin:
                origin = attribute.origin if attribute.origin != "core" else f"plugin:{name}"
                plugin[attribute.name] = attrs.evolve(attribute, origin=origin)
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
    schema = CORE_SCHEMA.extended(extra)
    if facts is None:
        return schema
    declared = [
        Attribute(d.entity, d.name, d.type, d.description or "",  # type: ignore[arg-type]
                  enum=d.enum, origin="facts")
        for d in sorted(facts.attributes, key=lambda d: (d.entity, d.name))
        if schema.get(d.entity, d.name) is None
    ]
    return schema.extended(declared).with_kinds(facts.kinds)
