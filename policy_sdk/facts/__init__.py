"""Deployment facts: the model, the schema, loading files and in-memory documents."""

from policy_sdk.facts.build import build_schema
from policy_sdk.facts.jsonschema import facts_json_schema
from policy_sdk.facts.load import (
    FILING_NUMBER,
    MAX_DEPTH,
    MAX_FACTS_BYTES,
    MAX_YAML_NODES,
    load_facts,
    load_facts_text,
)
from policy_sdk.facts.model import (
    Algorithm,
    AttributeDecl,
    Deployment,
    Facts,
    Filing,
    Organization,
    Platform,
    Record,
)
from policy_sdk.facts.read import Locator, read_document
from policy_sdk.facts.schema import CORE_SCHEMA, RECORD_KINDS, Attribute, Schema

__all__ = [
    "CORE_SCHEMA",
    "FILING_NUMBER",
    "MAX_DEPTH",
    "MAX_FACTS_BYTES",
    "MAX_YAML_NODES",
    "RECORD_KINDS",
    "Algorithm",
    "Attribute",
    "AttributeDecl",
    "Deployment",
    "Facts",
    "Filing",
    "Locator",
    "Organization",
    "Platform",
    "Record",
    "Schema",
    "build_schema",
    "facts_json_schema",
    "load_facts",
    "load_facts_text",
    "read_document",
]
