"""The registrar a plugin's ``policy_sdk_register(register)`` hook receives, and the
merge of what every plugin registered.

Each ``add_*`` / ``extend_*`` call is checked on the spot (:mod:`~policy_sdk.plugins.checks`)
and raises a :class:`~policy_sdk.errors.PluginError` naming the calling plugin, so a
mistake points at the plugin's own line. Conflicts *between* plugins are found once all
have registered, by :func:`merge`, whose rules do not depend on the order plugins load
in (``docs/plugins.md`` §1.2):

* a platform type, alias, function, reporter, strategy or obligation kind has one
  owner; a second is ``plugin-duplicate``, blaming the newcomer -- never a first-party
  plugin when a third-party one declares the same name;
* ``extend_platform_type`` refines another plugin's type: allowed values are added to a
  closed attribute (union), attributes and aliases are added, capabilities only
  tighten (``batch`` and-ed, ``item_verification`` or-ed, materials united);
* the same attribute given twice on one type must agree in its ``type`` and
  ``optional``; allowed values of two closed declarations are united; anything else is
  ``plugin-attribute-conflict`` naming both plugins and the field that differs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final

import attrs

from policy_sdk.errors import Diagnostic, PluginError, did_you_mean
from policy_sdk.facts.schema import CORE_SCHEMA, RECORD_KINDS, Attribute
from policy_sdk.plugins import checks
from policy_sdk.plugins.specs import (
    CancellationCapabilities,
    CancellationStrategy,
    FunctionSpec,
    ObligationKindSpec,
    PlatformTypeSpec,
    ReporterSpec,
    RuleSource,
)

HOOK: Final = "policy_sdk_register"

__all__ = ["HOOK", "Contributions", "Extension", "Merged", "Registrar", "merge"]


@attrs.frozen
class Extension:
    """One plugin's refinement of another plugin's platform type."""

    plugin: str
    type_name: str
    values: tuple[tuple[str, tuple[str, ...]], ...] = ()
    attributes: tuple[Attribute, ...] = ()
    aliases: tuple[str, ...] = ()
    capabilities: CancellationCapabilities | None = None


@attrs.define
class Contributions:
    """Everything registered, per plugin, before merging."""

    types: dict[str, list[PlatformTypeSpec]] = attrs.field(factory=dict)
    extensions: list[Extension] = attrs.field(factory=list)
    rules: dict[str, list[RuleSource]] = attrs.field(factory=dict)
    strategies: dict[str, list[CancellationStrategy]] = attrs.field(factory=dict)
    functions: dict[str, list[FunctionSpec]] = attrs.field(factory=dict)
    reporters: dict[str, list[ReporterSpec]] = attrs.field(factory=dict)
    kinds: dict[str, list[ObligationKindSpec]] = attrs.field(factory=dict)


def _bad(plugin: str, method: str, problems: Sequence[checks.Problem]) -> PluginError:
    return PluginError([
        Diagnostic(code="plugin-bad-spec",
                   message=f"plugin `{plugin}` calls `{method}` with a bad value: {message}",
                   file=f"plugin:{plugin}", path=HOOK, help=help)
        for message, help in problems
    ])


class Registrar:
    """What ``policy_sdk_register(register)`` receives: one per plugin and call.

    Every method checks its argument at once and raises ``PluginError`` (code
    ``plugin-bad-spec``) naming the plugin; the plugin need not catch it.
    """

    def __init__(self, plugin: str, into: Contributions) -> None:
        self._plugin = plugin
        self._into = into

    @property
    def plugin(self) -> str:
        """The name of the plugin registering."""
        return self._plugin

    def _check(self, method: str, problems: Sequence[checks.Problem]) -> None:
        if problems:
            raise _bad(self._plugin, method, problems)

    def add_platform_type(self, spec: PlatformTypeSpec) -> None:
        """Contribute a platform type (its name and aliases become this plugin's)."""
        self._check("add_platform_type", checks.platform_type_problems(spec))
        self._into.types.setdefault(self._plugin, []).append(spec)

    def extend_platform_type(
        self,
        name: str,
        *,
        values: Mapping[str, tuple[str, ...]] | None = None,
        attributes: tuple[Attribute, ...] = (),
        aliases: tuple[str, ...] = (),
        capabilities: CancellationCapabilities | None = None,
    ) -> None:
        """Refine platform type ``name`` (another plugin's, or a core one).

        ``values`` adds allowed values to closed attributes of that type
        (``{"host": ("kuaishou", "qq")}``); ``attributes`` adds attributes;
        ``aliases`` adds aliases; ``capabilities`` tightens its cancellation
        capabilities (it can never loosen them).
        """
        where = f"the extension of {name!r}" if isinstance(name, str) else "an extension"
        problems: list[checks.Problem] = []
        if not isinstance(name, str) or not name:
            problems.append(("the platform type to extend must be named by text", None))
        pairs: list[tuple[str, tuple[str, ...]]] = []
        if values is not None:
            if not isinstance(values, Mapping):
                problems.append((f"{where}: values must map attribute names to tuples of "
                                 "values", 'e.g. `values={"host": ("kuaishou",)}`'))
            else:
                for key in sorted(values, key=str):
                    got = values[key]
                    if not isinstance(key, str) or not checks.IDENTIFIER.match(key):
                        problems.append((f"{where}: `{key}` is not an attribute name", None))
                    elif not isinstance(got, tuple) or not got or not all(
                            isinstance(v, str) and v.strip() == v and v for v in got):
                        problems.append((f"{where}: the values of `{key}` must be a tuple of "
                                         "non-empty texts",
                                         f"write `values={{{key!r}: ({got!r},)}}`"
                                         if isinstance(got, str) else None))
                    else:
                        pairs.append((key, tuple(sorted(set(got)))))
        if not isinstance(attributes, tuple):
            problems.append((f"{where}: attributes must be a tuple of `Attribute`", None))
        else:
            for attribute in attributes:
                problems.extend(checks.attribute_problems(where, attribute, "platform"))
        problems.extend(checks.alias_problems(where, name, aliases))
        if capabilities is not None:
            problems.extend(checks.capabilities_problems(where, capabilities))
        self._check("extend_platform_type", problems)
        self._into.extensions.append(Extension(self._plugin, name, tuple(pairs),
                                               attributes, aliases, capabilities))

    def add_rules(self, source: RuleSource) -> None:
        """Contribute rules: policy text, parsed and run like a user's own."""
        self._check("add_rules", checks.rule_source_problems(source))
        self._into.rules.setdefault(self._plugin, []).append(source)

    def add_strategy(self, strategy: CancellationStrategy) -> None:
        """Contribute a cancellation strategy (``plan-cancel --strategy NAME``)."""
        self._check("add_strategy", checks.strategy_problems(strategy))
        self._into.strategies.setdefault(self._plugin, []).append(strategy)

    def add_function(self, spec: FunctionSpec) -> None:
        """Contribute a function usable in policy conditions."""
        self._check("add_function", checks.function_problems(spec))
        self._into.functions.setdefault(self._plugin, []).append(spec)

    def add_reporter(self, spec: ReporterSpec) -> None:
        """Contribute an output format for ``check --format NAME``."""
        self._check("add_reporter", checks.reporter_problems(spec))
        self._into.reporters.setdefault(self._plugin, []).append(spec)

    def add_obligation_kind(self, spec: ObligationKindSpec) -> None:
        """Contribute an obligation (record) kind policies may name and facts may hold."""
        self._check("add_obligation_kind", checks.kind_problems(spec))
        self._into.kinds.setdefault(self._plugin, []).append(spec)


# --- merging ------------------------------------------------------------------------


@attrs.frozen
class Merged:
    platform_types: dict[str, PlatformTypeSpec]
    aliases: dict[str, str]
    type_plugin: dict[str, str]
    extends: dict[str, list[str]]
    rules: list[tuple[str, RuleSource]]
    strategies: dict[str, Any]
    functions: dict[str, Any]
    reporters: dict[str, Any]
    kinds: dict[str, ObligationKindSpec]
    #: kind of contribution -> plugin -> its names
    names: dict[str, dict[str, list[str]]]


def _diag(code: str, message: str, plugin: str, help: str | None = None) -> Diagnostic:
    return Diagnostic(code=code, message=message, file=f"plugin:{plugin}", path=HOOK, help=help)


def _duplicate(what: str, word: str, first: str, second: str,
               first_party: Callable[[str], bool], note: str = "",
               refine: str | None = None) -> Diagnostic:
    """``what`` ``word`` declared by plugins ``first`` and ``second``: blame the newcomer."""
    if first == second:
        return _diag("plugin-duplicate",
                     f"plugin `{first}` declares {what} `{word}` twice{note}", first)
    a, b = sorted((first, second))
    if first_party(a) and not first_party(b):
        newcomer, owner = b, a
    elif first_party(b) and not first_party(a):
        newcomer, owner = a, b
    else:
        newcomer, owner = b, a
    if first_party(owner) and not first_party(newcomer):
        help = f"`{word}` comes with policy-sdk (plugin `{owner}`); "
        help += (f"refine it instead with `register.{refine}(...)` in `{newcomer}`, or "
                 if refine else f"rename it in `{newcomer}`, or ")
        help += f"disable `{newcomer}` with `-p no:{newcomer}`"
    else:
        help = f"disable one of them: `-p no:{a}` or `-p no:{b}`"
        if refine:
            help += f"; or have one refine the other's with `register.{refine}(...)`"
    return _diag("plugin-duplicate",
                 f"plugins `{owner}` and `{newcomer}` both declare {what} `{word}`{note}",
                 newcomer, help)


def _merge_named(kind: str, what: str, per_plugin: Mapping[str, Sequence[Any]],
                 first_party: Callable[[str], bool], problems: list[Diagnostic],
                 reserved: Iterable[str] = ()) -> tuple[dict[str, Any], dict[str, list[str]]]:
    owner: dict[str, str] = {}
    merged: dict[str, Any] = {}
    names: dict[str, list[str]] = {}
    taken = set(reserved)
    for plugin in sorted(per_plugin):
        for item in per_plugin[plugin]:
            name = item.name
            if name in taken:
                problems.append(_diag("plugin-duplicate",
                                      f"plugin `{plugin}` declares {what} `{name}`, which is "
                                      "already a core one", plugin,
                                      "choose another name"))
                continue
            if name in owner:
                problems.append(_duplicate(what, name, owner[name], plugin, first_party))
                continue
            owner[name] = plugin
            merged[name] = item
            names.setdefault(plugin, []).append(name)
    return dict(sorted(merged.items())), names


def _join_attribute(type_name: str, old: tuple[str, Attribute], new: tuple[str, Attribute],
                    problems: list[Diagnostic]) -> Attribute | None:
    """The same attribute declared twice on one type (by ``old[0]`` and ``new[0]``)."""
    (p1, a1), (p2, a2) = sorted((old, new), key=lambda pa: pa[0])
    for field in ("type", "optional"):
        if getattr(a1, field) != getattr(a2, field):
            problems.append(_diag(
                "plugin-attribute-conflict",
                f"plugins `{p1}` and `{p2}` declare attribute `{type_name}.{a1.name}` "
                f"differently: `{field}` is `{getattr(a1, field)}` in `{p1}` and "
                f"`{getattr(a2, field)}` in `{p2}`",
                p2 if p1 != p2 else p1,
                help="an attribute has one meaning per platform type; agree on it, or "
                f"name yours differently in `{p2}`"))
            return None
    if (a1.enum is None) != (a2.enum is None):
        problems.append(_diag(
            "plugin-attribute-conflict",
            f"plugins `{p1}` and `{p2}` declare attribute `{type_name}.{a1.name}` "
            "differently: `enum` is closed in one and open in the other", p2))
        return None
    enum = None if a1.enum is None else tuple(sorted({*a1.enum, *(a2.enum or ())}))
    return attrs.evolve(a1, enum=enum)


def _own(plugin: str, attribute: Attribute) -> Attribute:
    return attrs.evolve(attribute, origin=f"plugin:{plugin}") if attribute.origin == "core" \
        else attribute


def _core_conflict(plugin: str, type_name: str, attribute: Attribute) -> Diagnostic | None:
    core = CORE_SCHEMA.get("platform", attribute.name)
    if core is not None and (core.computed or core.type != attribute.type):
        return _diag(
            "plugin-attribute-conflict",
            f"plugin `{plugin}` redefines the core attribute `platform.{attribute.name}` as "
            f"{attribute.type} on platform type `{type_name}`; it is {core.type}", plugin,
            help="a core attribute keeps one meaning everywhere: a plugin may close its "
            "values but not change its type")
    return None


def _tighten(a: CancellationCapabilities, b: CancellationCapabilities) -> CancellationCapabilities:
    notes = [n for n in (a.note, b.note) if n]
    return CancellationCapabilities(
        batch=a.batch and b.batch,
        item_verification=a.item_verification or b.item_verification,
        required_materials=tuple(sorted({*a.required_materials, *b.required_materials})),
        note="; ".join(dict.fromkeys(notes)),
    )


def merge(c: Contributions, first_party: Callable[[str], bool]) -> tuple[Merged, list[Diagnostic]]:
    """Merge every plugin's contributions; the result and problems do not depend on the
    order plugins registered in."""
    problems: list[Diagnostic] = []
    owner: dict[str, tuple[str, str]] = {}  # type name or alias -> (plugin, canonical)
    types_: dict[str, PlatformTypeSpec] = {}
    type_plugin: dict[str, str] = {}
    type_names: dict[str, list[str]] = {}
    # type -> attribute -> (plugin, attribute)
    type_attrs: dict[str, dict[str, tuple[str, Attribute]]] = {}
    for plugin in sorted(c.types):
        for spec in c.types[plugin]:
            clash = False
            for word in (spec.name, *spec.aliases):
                if word in owner:
                    first, canonical = owner[word]
                    what = "platform type" if word == spec.name else "platform type alias"
                    note = f" (for `{canonical}`)" if canonical != word else ""
                    problems.append(_duplicate(what, word, first, plugin, first_party, note,
                                               refine="extend_platform_type"))
                    clash = True
            if clash:
                continue
            attributes: dict[str, tuple[str, Attribute]] = {}
            for declared in spec.attributes:
                bad = _core_conflict(plugin, spec.name, declared)
                if bad is not None:
                    problems.append(bad)
                elif declared.name in attributes:
                    problems.append(_diag("plugin-duplicate",
                                          f"plugin `{plugin}` gives platform type `{spec.name}` "
                                          f"attribute `{declared.name}` twice", plugin))
                else:
                    attributes[declared.name] = (plugin, _own(plugin, declared))
            owner[spec.name] = (plugin, spec.name)
            for alias in spec.aliases:
                owner[alias] = (plugin, spec.name)
            types_[spec.name] = spec
            type_attrs[spec.name] = attributes
            type_plugin[spec.name] = plugin
            type_names.setdefault(plugin, []).append(spec.name)

    extends: dict[str, list[str]] = {}
    added_values: dict[tuple[str, str], set[str]] = {}
    ordered = sorted(c.extensions, key=lambda e: (e.plugin, str(e.type_name)))
    known = sorted(owner)
    for ext in ordered:
        target = owner.get(ext.type_name, (None, None))[1]
        if target is None:
            problems.append(_diag(
                "plugin-unknown-platform-type",
                f"plugin `{ext.plugin}` extends platform type `{ext.type_name}`, which no "
                "loaded plugin declares", ext.plugin,
                help=did_you_mean(ext.type_name, known)
                or f"install or enable the plugin that declares it, or disable `{ext.plugin}` "
                f"with `-p no:{ext.plugin}`"))
            continue
        extends.setdefault(ext.plugin, []).append(target)
        attributes = type_attrs[target]
        for declared in ext.attributes:
            bad = _core_conflict(ext.plugin, target, declared)
            if bad is not None:
                problems.append(bad)
                continue
            mine = (ext.plugin, _own(ext.plugin, declared))
            if declared.name in attributes:
                joined = _join_attribute(target, attributes[declared.name], mine, problems)
                if joined is not None:
                    attributes[declared.name] = (attributes[declared.name][0], joined)
            else:
                attributes[declared.name] = mine
        for alias in ext.aliases:
            if alias in owner:
                first, canonical = owner[alias]
                problems.append(_duplicate("platform type alias", alias, first, ext.plugin,
                                           first_party, f" (for `{canonical}`)"))
            else:
                owner[alias] = (ext.plugin, target)
    for ext in ordered:  # values after attributes, so an added attribute can get values
        target = owner.get(ext.type_name, (None, None))[1]
        if target is None:
            continue
        for attr_name, values in ext.values:
            current = type_attrs[target].get(attr_name)
            if current is None:
                problems.append(_diag(
                    "plugin-unknown-attribute",
                    f"plugin `{ext.plugin}` adds values to attribute `{attr_name}` of platform "
                    f"type `{target}`, which has no such attribute", ext.plugin,
                    help=did_you_mean(attr_name, type_attrs[target])
                    or "add it with `attributes=(Attribute(...),)` instead"))
            elif current[1].enum is None:
                problems.append(_diag(
                    "plugin-open-attribute",
                    f"plugin `{ext.plugin}` adds values to attribute `{target}.{attr_name}`, "
                    "which takes any value already", ext.plugin,
                    help="only a closed attribute (one with allowed values) takes more"))
            else:
                added_values.setdefault((target, attr_name), set()).update(values)
    for (target, attr_name), more in added_values.items():
        plugin, attribute = type_attrs[target][attr_name]
        type_attrs[target][attr_name] = (plugin, attrs.evolve(
            attribute, enum=tuple(sorted({*(attribute.enum or ()), *more}))))

    merged_types: dict[str, PlatformTypeSpec] = {}
    aliases: dict[str, str] = {}
    for word, (_, canonical) in owner.items():
        if word != canonical:
            aliases[word] = canonical
    for name in sorted(types_):
        spec = types_[name]
        caps = spec.capabilities
        for ext in ordered:
            if ext.capabilities is not None and owner.get(ext.type_name, ("", ""))[1] == name:
                caps = _tighten(caps, ext.capabilities)
        own_aliases = tuple(sorted(a for a, t in aliases.items() if t == name))
        base_aliases = spec.aliases + tuple(a for a in own_aliases if a not in spec.aliases)
        merged_types[name] = attrs.evolve(
            spec, aliases=base_aliases, capabilities=caps,
            attributes=tuple(type_attrs[name][k][1] for k in sorted(type_attrs[name])))

    rules: list[tuple[str, RuleSource]] = []
    rule_names: dict[str, list[str]] = {}
    for plugin in sorted(c.rules):
        seen: set[str] = set()
        for source in c.rules[plugin]:
            if source.name in seen:
                problems.append(_diag("plugin-duplicate", f"plugin `{plugin}` declares rule "
                                      f"source `{source.name}` twice", plugin))
                continue
            seen.add(source.name)
            rules.append((plugin, source))
            rule_names.setdefault(plugin, []).append(source.name)
    rules.sort(key=lambda pr: (pr[0], pr[1].name))

    strategies, strategy_names = _merge_named("strategies", "cancellation strategy",
                                              c.strategies, first_party, problems)
    functions, function_names = _merge_named("functions", "function", c.functions,
                                             first_party, problems)
    reporters, reporter_names = _merge_named("reporters", "reporter", c.reporters,
                                             first_party, problems)
    kinds, kind_names = _merge_named("kinds", "obligation kind", c.kinds, first_party,
                                     problems, reserved=RECORD_KINDS)
    return Merged(
        platform_types=merged_types, aliases=dict(sorted(aliases.items())),
        type_plugin=dict(sorted(type_plugin.items())),
        extends={p: sorted(set(t)) for p, t in extends.items()},
        rules=rules, strategies=strategies, functions=functions, reporters=reporters,
        kinds=kinds,
        names={"platform_types": type_names, "rules": rule_names,
               "strategies": strategy_names, "functions": function_names,
               "reporters": reporter_names, "kinds": kind_names},
    ), problems
