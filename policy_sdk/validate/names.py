"""Name resolution: which entity attribute a path in a condition reads.

Shared by the validator (which reports unknown and ambiguous names), the engine
(which compiles resolved paths into getters) and the reference interpreter.
The rules are ``docs/semantics.md`` sections 1 and 2.
"""

from __future__ import annotations

from typing import Final

import attrs

from policy_sdk.ast import Path
from policy_sdk.errors import did_you_mean
from policy_sdk.facts.schema import Attribute, Schema
from policy_sdk.i18n import _

#: entities bound in conditions, by scope, in lookup order
BOUND: Final[dict[str, tuple[str, ...]]] = {
    "platform": ("deployment", "algorithm", "platform", "organization"),
    "deployment": ("deployment", "algorithm", "platform", "organization"),
    "algorithm": ("algorithm", "organization"),
    "organization": ("organization",),
    "filing": ("filing", "algorithm", "organization"),
}


@attrs.frozen
class Resolved:
    """``binding`` is the bound name the value comes from: an entity name, or
    ``"record"`` for the record examined by a ``with`` clause."""

    binding: str
    attribute: Attribute

    @property
    def name(self) -> str:
        return self.attribute.name


@attrs.frozen
class NameProblem:
    code: str  # unknown-name | ambiguous-name | unknown-attribute
    message: str
    help: str | None = None


def bindings(scope: str, record_kind: str | None = None) -> tuple[str, ...]:
    """The names a path may start with in ``scope`` (and inside ``with`` for ``record_kind``)."""
    bound = BOUND[scope]
    if record_kind is not None:
        return (record_kind, *(b for b in bound if b != record_kind))
    return bound


def _record_entity(kind: str) -> str:
    return "filing" if kind == "filing" else "record"


def resolve(
    path: Path, scope: str, schema: Schema, record_kind: str | None = None
) -> Resolved | NameProblem:
    """Resolve ``path`` in ``scope``; inside a ``with`` clause pass the record's kind."""
    parts = path.parts
    names = bindings(scope, record_kind)
    if len(parts) >= 2 and parts[0] in names:
        if len(parts) > 2:
            return NameProblem(
                "unknown-attribute",
                _("`{path}` goes too deep: attributes have no attributes").format(
                    path=path.dotted),
            )
        head, attr = parts
        if record_kind is not None and head == record_kind:
            entity, binding = _record_entity(record_kind), "record"
        else:
            entity, binding = head, head
        found = schema.get(entity, attr)
        if found is None:
            return NameProblem(
                "unknown-attribute",
                _("`{name}` has no attribute `{attribute}`").format(name=head, attribute=attr),
                did_you_mean(attr, schema.names(entity)),
            )
        return Resolved(binding, found)
    if len(parts) >= 2:
        return NameProblem(
            "unknown-name",
            _("unknown name `{name}` in `{path}`; here you can use {names}").format(
                name=parts[0], path=path.dotted,
                names=_(", ").join(f"`{n}`" for n in names)),
            did_you_mean(parts[0], names),
        )
    (name,) = parts
    if record_kind is not None:
        found = schema.get(_record_entity(record_kind), name)
        if found is not None:
            return Resolved("record", found)
    matches = [(b, schema.get(b, name)) for b in BOUND[scope] if b != record_kind]
    hits = [(b, a) for b, a in matches if a is not None]
    if len(hits) == 1:
        binding, attribute = hits[0]
        assert attribute is not None
        return Resolved(binding, attribute)
    if len(hits) > 1:
        return NameProblem(
            "ambiguous-name",
            _("`{name}` is ambiguous here: it could be {choices}").format(
                name=name, choices=_(" or ").join(f"`{b}.{name}`" for b, _a in hits)),
            _("write `{path}`").format(path=f"{hits[0][0]}.{name}"),
        )
    candidates = {n for b in names for n in schema.names(_entity_of(b, record_kind))}
    candidates |= set(names)
    return NameProblem(
        "unknown-name",
        _("unknown name `{name}`").format(name=name),
        did_you_mean(name, candidates),
    )


def _entity_of(binding: str, record_kind: str | None) -> str:
    if record_kind is not None and binding == record_kind:
        return _record_entity(record_kind)
    return binding
