"""The ``schema:`` section of a facts document: obligation kinds and the attributes a
document declares for its entities (``docs/facts.md``, "Your own attributes").

:class:`SchemaChecks` is the part of the row checker (:class:`~policy_sdk.facts.check.Checker`)
that reads this section; the declarations it keeps (``declared``, ``kinds``,
``all_kinds``) are what the entity checks then accept.
"""

from __future__ import annotations

import re
from typing import Any, Final

from policy_sdk.errors import did_you_mean
from policy_sdk.facts.model import AttributeDecl
from policy_sdk.facts.schema import CORE_SCHEMA, ENTITIES, RECORD_KINDS
from policy_sdk.facts.values import _ARTICLE, ValueChecks, listed

__all__ = ["SchemaChecks"]

_NAME = re.compile(r"[^\W\d]\w*")
_DECL_TYPES: Final = ("string", "number", "boolean", "date", "list")
_DECL_KEYS: Final = ("name", "type", "description", "enum")


class SchemaChecks(ValueChecks):
    """Checks of the ``schema:`` section (see the module text)."""

    def schema_section(self, value: Any) -> None:
        if value is None:
            return
        section = self.mapping(value, "schema", "the schema section")
        if section is None:
            return
        for key in section:
            if key != "kinds" and key not in ENTITIES:
                self.error(f"schema.{key}", "unknown-key", f"unknown schema entry `{key}`",
                           did_you_mean(str(key), (*ENTITIES, "kinds"))
                           or f"declare attributes of {listed(ENTITIES)}, or `kinds`")
        kinds = section.get("kinds")
        if kinds is not None:
            if not isinstance(kinds, list | tuple):
                self.wrong("schema.kinds", "a list of obligation kinds", kinds)
            else:
                declared: list[str] = []
                for i, kind in enumerate(kinds):
                    p = f"schema.kinds[{i}]"
                    name = self.text_value(kind, p)
                    if name is None:
                        continue
                    if not _NAME.fullmatch(name):
                        self.error(p, "name", f"`{name}` is not a valid kind name",
                                   "use letters, digits and `_`, starting with a letter")
                    elif name in RECORD_KINDS:
                        self.error(p, "duplicate", f"`{name}` is already a core obligation kind")
                    elif name in declared:
                        self.error(p, "duplicate", f"kind `{name}` is declared twice")
                    else:
                        declared.append(name)
                self.kinds = tuple(sorted(declared))
                self.all_kinds = (frozenset(RECORD_KINDS) | self.plugin_kinds
                                  | frozenset(declared))
        for entity in ENTITIES:
            decls = section.get(entity)
            if decls is None:
                continue
            base = f"schema.{entity}"
            if not isinstance(decls, list | tuple):
                self.wrong(base, "a list of attribute declarations", decls)
                continue
            for i, raw in enumerate(decls):
                decl = self.declaration(entity, raw, f"{base}[{i}]")
                if decl is not None:
                    self.declared[entity][decl.name] = decl

    def declaration(self, entity: str, raw: Any, path: str) -> AttributeDecl | None:
        item = self.mapping(raw, path, "an attribute declaration")
        if item is None:
            return None
        for key in item:
            if key not in _DECL_KEYS:
                self.error(f"{path}.{key}", "unknown-key", f"unknown declaration key `{key}`",
                           did_you_mean(str(key), _DECL_KEYS)
                           or f"a declaration has {listed(_DECL_KEYS)}")
        name = item.get("name")
        type_ = item.get("type")
        ok = True
        if name is None:
            self.missing(path, "name", "an attribute declaration")
            ok = False
        else:
            name = self.text_value(name, f"{path}.name")
            if name is None:
                ok = False
            elif not _NAME.fullmatch(name):
                self.error(f"{path}.name", "name", f"`{name}` is not a valid attribute name",
                           "use letters, digits and `_`, starting with a letter")
                ok = False
            elif CORE_SCHEMA.get(entity, name) is not None or (
                    entity == "platform" and name in self.plugin_attrs):
                self.error(f"{path}.name", "duplicate",
                           f"`{name}` is already an attribute of {_ARTICLE[entity]}")
                ok = False
            elif name in self.declared[entity]:
                self.error(f"{path}.name", "duplicate", f"`{name}` is declared twice")
                ok = False
        if type_ is None:
            self.missing(path, "type", "an attribute declaration")
            ok = False
        else:
            type_ = self.enum_value(type_, f"{path}.type", _DECL_TYPES, "attribute type")
            ok = ok and type_ is not None
        description = item.get("description")
        if description is not None:
            description = self.text_value(description, f"{path}.description")
        enum = item.get("enum")
        if enum is not None:
            enum = self.names_list(enum, f"{path}.enum", None, "value")
            if enum is not None and type_ not in ("string", "list"):
                self.error(f"{path}.enum", "enum",
                           "only `string` and `list` attributes take `enum`")
                ok = False
        if not ok:
            return None
        return AttributeDecl(entity, name, type_, description, enum)  # type: ignore[arg-type]
