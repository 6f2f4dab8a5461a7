"""The checks every contribution passes when a plugin registers it.

Both the loader (on the spot, in :class:`~policy_sdk.plugins.registrar.Registrar`) and
:func:`policy_sdk.testing.check_plugin` use these, so what ``check_plugin`` reports
about a spec can never load silently. Each check returns ``(message, help)`` pairs;
messages follow the house style (lowercase, user input in backticks).
"""

from __future__ import annotations

import inspect
import re
from typing import Any, Final

from policy_sdk.errors import did_you_mean
from policy_sdk.facts.schema import ATTR_TYPES, Attribute
from policy_sdk.plugins.specs import (
    CancellationCapabilities,
    FunctionSpec,
    ObligationKindSpec,
    PlatformTypeSpec,
    ReporterSpec,
    RuleSource,
)

Problem = tuple[str, str | None]

IDENTIFIER: Final = re.compile(r"^[a-z][a-z0-9_]*$")
REPORTER_NAME: Final = re.compile(r"^[a-z][a-z0-9_-]*$")
BASIS: Final = re.compile(r"^(?:[SPI](?:\s*[/,]\s*[SPI])*)?$")
RESERVED_STRATEGIES: Final = frozenset({"auto"})
"""Strategy names ``plan-cancel --strategy`` gives a meaning of its own."""

__all__ = [
    "BASIS",
    "IDENTIFIER",
    "REPORTER_NAME",
    "RESERVED_STRATEGIES",
    "attribute_problems",
    "capabilities_problems",
    "function_problems",
    "kind_problems",
    "platform_type_problems",
    "reporter_problems",
    "rule_source_problems",
    "strategy_problems",
]


def _shown(value: object) -> str:
    return f"`{value}`" if isinstance(value, str) else "a value that is not text"


def _name_problems(what: str, name: object, example: str) -> list[Problem]:
    if not isinstance(name, str) or not name:
        return [(f"{what} has no name (it must be text)", None)]
    if not IDENTIFIER.match(name):
        fixed = re.sub(r"[^a-z0-9_]+", "_", name.lower()).strip("_")
        hint = f"write `{fixed}`" if fixed and IDENTIFIER.match(fixed) else None
        return [(f"{what} `{name}`: the name must be a lowercase identifier like "
                 f"`{example}`", hint)]
    return []


def _text_problem(where: str, value: object, what: str) -> list[Problem]:
    if not isinstance(value, str) or not value.strip():
        return [(f"{where} has no {what}", f"give it a {what} people can read")]
    return []


def _tuple_of_names(where: str, value: object, what: str, example: str) -> list[Problem]:
    if isinstance(value, str):
        return [(f"{where}: {what} must be a tuple of names, not text",
                 f"write `{what}=({value!r},)`")]
    if not isinstance(value, tuple):
        return [(f"{where}: {what} must be a tuple of names", f"e.g. `{what}=({example!r},)`")]
    return []


def capabilities_problems(where: str, caps: object) -> list[Problem]:
    if not isinstance(caps, CancellationCapabilities):
        return [(f"{where}: capabilities must be a `CancellationCapabilities`, not "
                 f"{_shown(caps) if isinstance(caps, str) else 'something else'}",
                 "e.g. `CancellationCapabilities(batch=True, item_verification=False)`")]
    out: list[Problem] = []
    for field in ("batch", "item_verification"):
        if not isinstance(getattr(caps, field), bool):
            out.append((f"{where}: capabilities `{field}` must be true or false", None))
    materials = caps.required_materials
    if not isinstance(materials, tuple) or not all(isinstance(m, str) and m for m in materials):
        out.append((f"{where}: capabilities `required_materials` must be a tuple of texts", None))
    if not isinstance(caps.note, str):
        out.append((f"{where}: capabilities `note` must be text", None))
    return out


def attribute_problems(where: str, attribute: object, entity: str) -> list[Problem]:
    if not isinstance(attribute, Attribute):
        return [(f"{where}: an attribute must be an `Attribute`", None)]
    name = attribute.name
    if attribute.entity != entity:
        return [(f"{where}: attribute `{name}` is an attribute of `{attribute.entity}`; "
                 f"only attributes of `{entity}` belong here", None)]
    out = _name_problems(f"{where}: attribute", name, "vendor") if isinstance(name, str) \
        else [(f"{where}: an attribute has no name (it must be text)", None)]
    label = f"{where}: attribute `{name}`"
    if attribute.type not in ATTR_TYPES:
        out.append((f"{label} has unknown type {_shown(attribute.type)}",
                    did_you_mean(str(attribute.type), ATTR_TYPES)
                    or "types: " + ", ".join(f"`{t}`" for t in ATTR_TYPES)))
    if attribute.computed:
        out.append((f"{label} is marked computed; plugins add stored attributes only", None))
    if attribute.enum is not None:
        if not isinstance(attribute.enum, tuple):
            out.append((f"{label}: allowed values must be a tuple", None))
        elif attribute.type not in ("string", "list"):
            out.append((f"{label} has allowed values but is {attribute.type}", None))
        elif not attribute.enum or not all(isinstance(v, str) and v for v in attribute.enum):
            out.append((f"{label} has empty allowed values", None))
    out.extend(_text_problem(label, attribute.description, "description"))
    return out


def platform_type_problems(spec: object) -> list[Problem]:
    if not isinstance(spec, PlatformTypeSpec):
        return [("expected a `PlatformTypeSpec`", None)]
    where = f"platform type {_shown(spec.name)}"
    out = _name_problems("platform type", spec.name, "quick_app")
    out.extend(_text_problem(where, spec.description, "description"))
    out.extend(alias_problems(where, spec.name, spec.aliases))
    out.extend(capabilities_problems(where, spec.capabilities))
    if not isinstance(spec.basis, str) or not BASIS.match(spec.basis):
        out.append((f"{where}: basis {_shown(spec.basis)} must be made of S, P and I",
                    "e.g. `S/P`"))
    if not isinstance(spec.attributes, tuple):
        out.append((f"{where}: attributes must be a tuple of `Attribute`", None))
    else:
        for attribute in spec.attributes:
            out.extend(attribute_problems(where, attribute, "platform"))
    return out


def alias_problems(where: str, name: object, aliases: object) -> list[Problem]:
    out = _tuple_of_names(where, aliases, "aliases", "quickapp")
    if out or not isinstance(aliases, tuple):
        return out
    for alias in aliases:
        if not isinstance(alias, str) or not alias.strip() or alias != alias.strip():
            out.append((f"{where}: alias {_shown(alias)} is empty or has surrounding spaces",
                        None))
        elif alias == name:
            out.append((f"{where}: alias `{alias}` repeats the name", None))
    repeated = sorted({a for a in aliases if isinstance(a, str) and aliases.count(a) > 1})
    if repeated:
        out.append((f"{where}: alias `{repeated[0]}` is given twice", None))
    return out


def rule_source_problems(source: object) -> list[Problem]:
    if not isinstance(source, RuleSource):
        return [("expected a `RuleSource`", None)]
    out: list[Problem] = []
    if not isinstance(source.name, str) or not source.name.strip():
        out.append(("a rule source has no name (a file-like name, e.g. `smart_tv.policy`)", None))
    if not isinstance(source.text, str):
        out.append((f"rule source {_shown(source.name)} has no text (it must be policy "
                    "text)", None))
    return out


def function_problems(spec: object) -> list[Problem]:
    if not isinstance(spec, FunctionSpec):
        return [("expected a `FunctionSpec`", None)]
    where = f"function {_shown(spec.name)}"
    out = _name_problems("function", spec.name, "host_is")
    if not isinstance(spec.params, tuple):
        out.append((f"{where}: params must be a tuple of value types", None))
        return out
    for param in spec.params:
        if param not in ATTR_TYPES:
            out.append((f"{where}: parameter type {_shown(param)} is unknown",
                        did_you_mean(str(param), ATTR_TYPES)))
    if spec.returns not in ATTR_TYPES:
        out.append((f"{where}: return type {_shown(spec.returns)} is unknown",
                    did_you_mean(str(spec.returns), ATTR_TYPES)))
    if not callable(spec.impl):
        out.append((f"{where} has no callable implementation", None))
        return out
    try:
        inspect.signature(spec.impl).bind(*([None] * len(spec.params)))
    except TypeError:
        out.append((f"{where}: its implementation does not take {len(spec.params)} "
                    "arguments", None))
    except ValueError:  # pragma: no cover - builtins without a signature
        pass
    return out


def reporter_problems(spec: object) -> list[Problem]:
    if not isinstance(spec, ReporterSpec):
        return [("expected a `ReporterSpec`", None)]
    out: list[Problem] = []
    if not isinstance(spec.name, str) or not REPORTER_NAME.match(spec.name):
        out.append((f"reporter name {_shown(spec.name)} is not a lowercase name", None))
    if not callable(spec.render):
        out.append((f"reporter {_shown(spec.name)} has no callable `render`", None))
    return out


def strategy_problems(strategy: Any) -> list[Problem]:
    name = getattr(strategy, "name", None)
    out = _name_problems("cancellation strategy", name, "by_host")
    if isinstance(name, str) and name in RESERVED_STRATEGIES:
        out.append((f"cancellation strategy `{name}` has a reserved name (`--strategy {name}` "
                    "asks every strategy)", "choose another name"))
    out.extend(_text_problem(f"cancellation strategy {_shown(name)}",
                             getattr(strategy, "description", None), "description"))
    if not callable(getattr(strategy, "propose", None)):
        out.append((f"cancellation strategy {_shown(name)} has no callable `propose`", None))
    return out


def kind_problems(spec: object) -> list[Problem]:
    if not isinstance(spec, ObligationKindSpec):
        return [("expected an `ObligationKindSpec`", None)]
    where = f"obligation kind {_shown(spec.name)}"
    out = _name_problems("obligation kind", spec.name, "partner_agreement")
    out.extend(_text_problem(where, spec.description, "description"))
    if not isinstance(spec.keys, tuple):
        out.append((f"{where}: keys must be a tuple of `Attribute`", None))
    else:
        for key in spec.keys:
            out.extend(attribute_problems(where, key, "record"))
    return out
