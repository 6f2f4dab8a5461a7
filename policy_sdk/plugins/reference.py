"""The plugin guide's reference tables, generated from the source so they cannot drift.

Every field of a spec class carries a ``#:`` comment just above it; :func:`field_rows`
reads them, :func:`reference_markdown` renders the tables ``docs/plugins.md`` holds
between ``<!-- reference:start -->`` and ``<!-- reference:end -->`` (a test compares
them), and :func:`registrar_markdown` lists the registrar's methods from their
docstrings.
"""

from __future__ import annotations

import inspect
import re
from typing import Final

import attrs

from policy_sdk.facts.schema import Attribute
from policy_sdk.plugins.registrar import Registrar
from policy_sdk.plugins.specs import (
    Batch,
    CancellationCandidate,
    CancellationCapabilities,
    FunctionSpec,
    ObligationKindSpec,
    PlatformTypeSpec,
    Proposal,
    ReporterSpec,
    RuleSource,
    Single,
)

SPEC_CLASSES: Final[tuple[type, ...]] = (
    PlatformTypeSpec, Attribute, CancellationCapabilities, RuleSource, ObligationKindSpec,
    FunctionSpec, ReporterSpec, CancellationCandidate, Proposal, Batch, Single,
)

__all__ = ["SPEC_CLASSES", "field_rows", "reference_markdown", "registrar_markdown"]


def field_rows(cls: type) -> list[tuple[str, str, str]]:
    """``(field, default, comment)`` for every attrs field of ``cls``; the comment is ""
    when the field has none (a test forbids that)."""
    lines = inspect.getsource(cls).splitlines()
    comments: dict[str, str] = {}
    pending: list[str] = []
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("#:"):
            pending.append(stripped[2:].strip())
            continue
        match = re.match(r"^(\w+)\s*:", stripped)
        if match and pending:
            comments[match[1]] = " ".join(pending)
        pending = []
    rows = []
    for field in attrs.fields(cls):
        if field.default is attrs.NOTHING:
            default = "required"
        elif isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
            default = "empty"
        elif attrs.has(type(field.default)) and field.default == type(field.default)():
            default = f"`{type(field.default).__name__}()`"
        else:
            default = f"`{field.default!r}`"
        rows.append((field.name, default, comments.get(field.name, "")))
    return rows


def reference_markdown() -> str:
    out = []
    for cls in SPEC_CLASSES:
        doc = (inspect.getdoc(cls) or "").split("\n\n")[0].replace("\n", " ")
        out.append(f"#### `{cls.__name__}`\n\n{doc}\n\n"
                   "| field | default | meaning |\n|---|---|---|")
        out.extend(f"| `{name}` | {default} | {text} |".replace("``", "`")
                   for name, default, text in field_rows(cls))
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def registrar_markdown() -> str:
    rows = ["| `register.` method | what it does |", "|---|---|"]
    for name, member in sorted(vars(Registrar).items()):
        if name.startswith(("add_", "extend_")) and callable(member):
            signature = str(inspect.signature(member)).replace("(self, ", "(").replace(
                "(self)", "()").replace("'", "").replace(" -> None", "")
            doc = " ".join((inspect.getdoc(member) or "").split()).replace("``", "`")
            rows.append(f"| `{name}{signature}` | {doc} |".replace(" | None", r" \| None"))
    return "\n".join(rows) + "\n"
