"""The facts file format as JSON Schema (draft 2020-12), for editors and CI.

``policy-sdk schema`` prints it. It describes what a schema language can: sections,
keys, value types, closed sets of values and platform types. Cross-references
(a deployment naming a listed algorithm), duplicates and custom attributes declared
under ``schema:`` are checked by :func:`policy_sdk.facts.load_facts`, so entities
allow additional keys here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from policy_sdk.facts.model import (
    ALGORITHM_TYPES,
    DEPLOYMENT_STATUSES,
    FILING_STATUSES,
    ROLES,
)
from policy_sdk.facts.schema import ENTITIES

if TYPE_CHECKING:
    from policy_sdk.plugins.specs import PlatformTypeSpec

__all__ = ["SCHEMA_ID", "facts_json_schema"]

SCHEMA_ID = "https://policy-sdk.example/schemas/facts.schema.json"

_TEXT: dict[str, Any] = {"type": "string", "minLength": 1}
_DATE: dict[str, Any] = {"type": "string", "format": "date",
                         "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
_BOOL: dict[str, Any] = {"type": "boolean"}


def _opt(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` or null (YAML's empty value); written so errors point at the value."""
    if "enum" in schema:
        return {**schema, "enum": [*schema["enum"], None]}
    if isinstance(schema.get("type"), str):
        return {**schema, "type": [schema["type"], "null"]}
    return {"anyOf": [schema, {"type": "null"}]}


def _entity(description: str, properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "description": description, "properties": properties,
            "required": required, "additionalProperties": True}


def facts_json_schema(platform_types: Mapping[str, PlatformTypeSpec]) -> dict[str, Any]:
    """JSON Schema of a facts file whose platforms may have ``platform_types``
    (canonical names and their aliases)."""
    type_names = sorted({*platform_types, *(a for s in platform_types.values() for a in s.aliases)})
    from policy_sdk.plugins.registry import merge_platform_attributes

    # attributes are scoped to their platform type; one property per name, whose schema
    # accepts what the types declaring it accept together (the loader checks per type)
    plugin_props: dict[str, Any] = {}
    for attribute in merge_platform_attributes(platform_types):
        plugin_props[attribute.name] = _value_schema(attribute.type, attribute.enum,
                                                     attribute.description)
    platform_props: dict[str, Any] = {
        "id": _TEXT,
        "type": {"enum": type_names, "description": "platform type (from plugins)"},
        "name": _opt(_TEXT),
        "host": _opt({**_TEXT, "description": "host super-app of a mini-program"}),
        "batch_cancellation": _opt(_BOOL),
        "item_verification": _opt(_BOOL),
        **plugin_props,
    }
    declaration = {
        "type": "object",
        "properties": {
            "name": {"type": "string", "pattern": r"^[^\W\d]\w*$"},
            "type": {"enum": ["string", "number", "boolean", "date", "list"]},
            "description": {"type": "string"},
            "enum": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
        },
        "required": ["name", "type"],
        "additionalProperties": False,
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "policy-sdk deployment facts",
        "description": "An organization's algorithms, platforms, deployments, filings and "
                       "records (docs/facts.md).",
        "type": "object",
        "required": ["organization"],
        "additionalProperties": False,
        "properties": {
            "organization": _entity("the organization whose services are judged", {
                "name": _TEXT,
                "role": _opt({"enum": list(ROLES)}),
                "public_opinion": _opt(_BOOL),
            }, ["name"]),
            "algorithms": _opt({"type": "array", "items": _entity("an algorithm", {
                "id": _TEXT,
                "name": _opt(_TEXT),
                "types": _opt({"type": "array", "items": {"enum": list(ALGORITHM_TYPES)},
                               "uniqueItems": True}),
                "uses_recommendation": _opt(_BOOL),
            }, ["id"])}),
            "platforms": _opt({"type": "array", "items": _entity(
                "a service entry (App, mini-program, …)", platform_props, ["id", "type"])}),
            "deployments": _opt({"type": "array", "items": _entity(
                "one algorithm offered on one platform", {
                    "algorithm": _TEXT,
                    "platform": _TEXT,
                    "status": _opt({"enum": list(DEPLOYMENT_STATUSES)}),
                    "launched_on": _opt(_DATE),
                    "stopped_on": _opt(_DATE),
                }, ["algorithm", "platform"])}),
            "filings": _opt({"type": "array", "items": {
                **_entity("an algorithm filing (算法备案)", {
                    "number": {**_TEXT, "description": "网信算备 + 21 digits + 号"},
                    "algorithm": _TEXT,
                    "platform": _TEXT,
                    "platforms": {"type": "array", "items": _TEXT, "minItems": 1,
                                  "uniqueItems": True},
                    "status": _opt({"enum": list(FILING_STATUSES)}),
                    "filed_on": _opt(_DATE),
                    "displayed": _opt(_BOOL),
                }, ["number", "algorithm"]),
                "oneOf": [{"required": ["platform"]}, {"required": ["platforms"]}],
            }}),
            "records": _opt({"type": "array", "items": _entity(
                "evidence that an obligation was met", {
                    "kind": {"type": "string", "pattern": r"^[^\W\d]\w*$"},
                    "algorithm": _opt(_TEXT),
                    "platform": _opt(_TEXT),
                    "filing": _opt(_TEXT),
                    "on": _opt(_DATE),
                }, ["kind"])}),
            "schema": _opt({
                "type": "object",
                "description": "custom attributes per entity, and extra obligation kinds",
                "additionalProperties": False,
                "properties": {
                    "kinds": {"type": "array", "items": {"type": "string"},
                              "uniqueItems": True},
                    **{e: {"type": "array", "items": declaration} for e in ENTITIES},
                },
            }),
        },
    }


def _value_schema(type_: str, enum: tuple[str, ...] | None, description: str) -> dict[str, Any]:
    base: dict[str, Any]
    if type_ == "string":
        base = {"enum": list(enum)} if enum else dict(_TEXT)
    elif type_ == "number":
        base = {"type": "number"}
    elif type_ == "boolean":
        base = dict(_BOOL)
    elif type_ == "date":
        base = dict(_DATE)
    elif type_ == "list":
        base = {"type": "array", "items": {"enum": list(enum)} if enum else {"type": "string"}}
    else:
        base = {}
    if description:
        base["description"] = description
    return _opt(base)
