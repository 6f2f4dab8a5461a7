"""The values of a facts document, checked one by one: the words of every message.

:class:`ValueChecks` holds what the row checker (:mod:`policy_sdk.facts.check`) is made
of: where a diagnostic goes (the :class:`~policy_sdk.facts.read.Locator`), readers for
text, booleans, dates, closed sets of values and lists, attributes beyond the core
ones, and references between entries. Each reader returns the value or None after
reporting why not.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, NamedTuple

from policy_sdk.errors import Diagnostic, did_you_mean
from policy_sdk.facts.model import NO_EXTRA, AttributeDecl
from policy_sdk.facts.read import Locator
from policy_sdk.facts.schema import CORE_SCHEMA, ENTITIES, RECORD_KINDS, Attribute
from policy_sdk.facts.yaml12 import BAD_TEXT, bad_text_message
from policy_sdk.i18n import N_, _

if TYPE_CHECKING:
    from policy_sdk.plugins.specs import PlatformTypeSpec

MAX_ERRORS: Final = 1000
"""Errors reported for one file; beyond this a last diagnostic says how many more."""

DATE_TEXT: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATE_EXAMPLE = N_("a date like 2026-03-02")
_EMPTY: Final = NO_EXTRA

#: what people write for a value that has a name of its own here
_SYNONYMS: Final = {"微信": "wechat", "weixin": "wechat", "支付宝": "alipay",
                    "zhifubao": "alipay", "抖音": "douyin", "百度": "baidu",
                    "网站": "website", "小程序": "mini_program", "公众号": "official_account"}
#: the known ids listed in a hint, at most
_SHOWN_IDS: Final = 10


def suggest(value: str, candidates: Iterable[str]) -> str | None:
    """``did you mean `x`?`` for ``value``: the same word in other letter case, a
    usual other name (``微信`` for ``wechat``), or the closest spelling."""
    known = sorted(set(candidates))
    folded = [c for c in known if c.casefold() == value.casefold()]
    if folded:
        return _("did you mean `{word}`?").format(word=folded[0])
    other = _SYNONYMS.get(value.casefold())
    if other is not None and other in known:
        return _("did you mean `{word}`?").format(word=other)
    return did_you_mean(value, known)


def describe(value: Any) -> str:
    """A value as users wrote it, for messages (never a Python type name)."""
    if value is None:
        return "nothing"
    if value is True or value is False:
        return f"`{str(value).lower()}`"
    if isinstance(value, dict | Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dt.datetime):
        return f"`{value.isoformat()}` (a date with a time)"
    if isinstance(value, dt.date):
        return f"`{value.isoformat()}`"
    text = str(value)
    if len(text) > 40:
        text = text[:37] + "..."
    return f"`{text}`"


CORE_KEYS: Final[dict[str, tuple[str, ...]]] = {
    e: tuple(n for n, a in CORE_SCHEMA.attributes.get(e, {}).items() if not a.computed)
    for e in ENTITIES
}
_COMPUTED: Final[dict[str, frozenset[str]]] = {
    e: frozenset(n for n, a in CORE_SCHEMA.attributes.get(e, {}).items() if a.computed)
    for e in ENTITIES
}
_KEY_CODES: Final = frozenset({"unknown-attribute", "computed-attribute", "unknown-key"})
_ARTICLE: Final = {"organization": N_("the organization"), "algorithm": N_("an algorithm"),
                   "platform": N_("a platform"), "deployment": N_("a deployment"),
                   "filing": N_("a filing"), "record": N_("a record")}
#: the nouns callers name what they read with (translated where shown)
NOUNS: Final = (N_("an attribute declaration"), N_("deployment status"), N_("filing status"),
                N_("algorithm type"), N_("attribute type"), N_("role"), N_("value"),
                N_("the schema section"), N_("an obligation kind"), N_("a platform type"))


#: the noun of ``unique_key``'s message, by the noun its caller gives
_LISTED: Final = {"an algorithm": N_("algorithm"), "a platform": N_("platform"),
                  "a filing": N_("filing")}


class SpecTables(NamedTuple):
    """What the checks read off the platform type specs (read-only: shared by every
    check with the same specs)."""

    types: Mapping[str, str]
    type_attrs: Mapping[str, Mapping[str, Attribute]]
    plugin_attrs: Mapping[str, Attribute]
    canonical_types: tuple[str, ...]
    plugin_kinds: frozenset[str]
    kind_keys: Mapping[str, Mapping[str, Attribute]]


def spec_tables_uncached(specs: Mapping[str, PlatformTypeSpec]) -> SpecTables:
    """The :class:`SpecTables` of ``specs``, made anew (the slow twin of
    :func:`spec_tables`)."""
    types: dict[str, str] = {}
    type_attrs: dict[str, Mapping[str, Attribute]] = {}
    plugin_attrs: dict[str, Attribute] = {}
    for canonical in sorted(specs):
        spec = specs[canonical]
        types[canonical] = canonical
        for alias in spec.aliases:
            types.setdefault(alias, canonical)
        type_attrs[canonical] = MappingProxyType({a.name: a for a in spec.attributes})
        for a in spec.attributes:
            plugin_attrs.setdefault(a.name, a)
    # obligation kinds plugins bring travel with a registry's platform types
    plugin_kinds: Mapping[str, Any] = getattr(specs, "obligation_kinds", None) or {}
    kind_keys = {k: MappingProxyType({a.name: a for a in plugin_kinds[k].keys})
                 for k in sorted(plugin_kinds)}
    return SpecTables(MappingProxyType(types), MappingProxyType(type_attrs),
                      MappingProxyType(plugin_attrs), tuple(sorted(specs)),
                      frozenset(plugin_kinds), MappingProxyType(kind_keys))


#: id(specs) -> (the specs, their tables): an engine loads every facts document with
#: the same platform type specs, so their tables are made once, not per document. Kept
#: only for specs that cannot change (a registry's ``PlatformTypes`` of frozen specs);
#: dict operations only, safe between threads (racing threads store equal tables).
_SPEC_TABLES: dict[int, tuple[Mapping[str, PlatformTypeSpec], SpecTables]] = {}


def _read_only(specs: Mapping[str, PlatformTypeSpec]) -> bool:
    """Whether ``specs`` is a registry's read-only ``PlatformTypes`` (exactly that class;
    not imported here: the facts do not load the plugin machinery)."""
    registry = sys.modules.get("policy_sdk.plugins.registry")
    return registry is not None and type(specs) is registry.PlatformTypes


def spec_tables(specs: Mapping[str, PlatformTypeSpec]) -> SpecTables:
    """:func:`spec_tables_uncached`, kept for a registry's read-only specs."""
    if not _read_only(specs):  # a dict may change: made anew
        return spec_tables_uncached(specs)
    found = _SPEC_TABLES.get(id(specs))
    if found is None or found[0] is not specs:
        if len(_SPEC_TABLES) > 16:
            _SPEC_TABLES.clear()
        found = _SPEC_TABLES[id(specs)] = (specs, spec_tables_uncached(specs))
    return found[1]


class ValueChecks:
    """Readers of values that report what is wrong with them (see the module text)."""

    def __init__(self, specs: Mapping[str, PlatformTypeSpec], locator: Locator) -> None:
        self.locator = locator
        self.file = locator.file
        self.errors: list[Diagnostic] = []
        self.warnings: list[Diagnostic] = []
        self.dropped = 0
        #: text of a date -> the date, shared by every check and by the bulk paths
        self.dates: dict[str, dt.date] = {}
        tables = spec_tables(specs)
        #: type or alias -> its canonical type
        self.types: Mapping[str, str] = tables.types
        #: canonical type -> its attributes by name
        self.type_attrs: Mapping[str, Mapping[str, Attribute]] = tables.type_attrs
        #: name -> the first plugin attribute of that name
        self.plugin_attrs: Mapping[str, Attribute] = tables.plugin_attrs
        self.canonical_types = tables.canonical_types
        self.declared: dict[str, dict[str, AttributeDecl]] = {e: {} for e in ENTITIES}
        self.kinds: tuple[str, ...] = ()
        self.plugin_kinds: frozenset[str] = tables.plugin_kinds
        #: kind -> record keys a plugin's kind allows
        self.kind_keys: Mapping[str, Mapping[str, Attribute]] = tables.kind_keys
        self.all_kinds: frozenset[str] = frozenset(RECORD_KINDS) | self.plugin_kinds

    # -- reporting ------------------------------------------------------------------

    def error(self, path: str, code: str, message: str, help: str | None = None,
              level: str = "error") -> None:
        sink = self.errors if level == "error" else self.warnings
        if level == "error" and len(self.errors) >= MAX_ERRORS:
            self.dropped += 1
            return
        # a key that should not be there is shown at the key, not at its value
        span, source = self.locator.span(path, at_key=code in _KEY_CODES)
        sink.append(Diagnostic(code=code, message=message, level=level,  # type: ignore[arg-type]
                               span=span, path=path or None, file=self.file, help=help,
                               source_line=source))

    def wrong(self, path: str, expected: str, value: Any) -> None:
        self.error(path, "type", _("expected {expected}, got {value}").format(
            expected=_(expected), value=describe(value)))

    # -- typed readers -------------------------------------------------------------------------

    def text_value(self, value: Any, path: str) -> str | None:
        if value.__class__ is str:
            if ("\x00" in value or not value.isascii()) and BAD_TEXT.search(value):
                code, message, help = bad_text_message(value)  # from a mapping handed in
                self.error(path, code, message, help)
                return None
            if value:
                return str(value)
            self.error(path, "empty", "expected text, got an empty value")
            return None
        self.wrong(path, "text", value)
        return None

    def bool_value(self, value: Any, path: str) -> bool | None:
        if value is True or value is False:
            return bool(value)
        if value.__class__ is str and value.strip().lower() in ("true", "false"):
            word = value.strip().lower()
            self.error(path, "type", f"expected true or false, got {describe(value)}",
                       f"`{value}` is in quotes, so it is text, not a boolean; write {word} "
                       "without quotes")
            return None
        self.wrong(path, "true or false", value)
        return None

    def date_value(self, value: Any, path: str) -> dt.date | None:
        if value.__class__ is dt.date:
            return value  # type: ignore[no-any-return, unused-ignore]
        if value.__class__ is str:
            cached = self.dates.get(value)
            if cached is not None:
                return cached
            if len(value) == 10 and DATE_TEXT.fullmatch(value):
                try:
                    day = dt.date.fromisoformat(value)
                except ValueError:
                    self.error(path, "date", _("`{value}` is not a real day; expected "
                                               "{example}").format(value=value,
                                                                   example=_(_DATE_EXAMPLE)))
                    return None
                self.dates[value] = day
                return day
        self.wrong(path, _DATE_EXAMPLE, value)
        return None

    def enum_value(self, value: Any, path: str, allowed: Sequence[str], what: str) -> str | None:
        if value.__class__ is str and value in allowed:
            for a in allowed:  # the canonical object: shared, not one per row
                if a == value:
                    return a
        if value.__class__ is not str:
            self.wrong(path, _("one of {values}").format(values=listed(allowed)), value)
            return None
        self.error(path, "enum", _("unknown {what} `{value}`; expected one of {values}").format(
            what=_(what), value=value, values=listed(allowed)), suggest(value, allowed))
        return None

    def names_list(self, value: Any, path: str, allowed: Sequence[str] | None,
                   what: str) -> tuple[str, ...] | None:
        if not isinstance(value, list | tuple):
            self.wrong(path, "a list", value)
            return None
        out: list[str] = []
        ok = True
        for i, item in enumerate(value):
            p = f"{path}[{i}]"
            got = (self.enum_value(item, p, allowed, what) if allowed is not None
                   else self.text_value(item, p))
            if got is None:
                ok = False
            elif got in out:
                self.error(p, "duplicate", _("`{value}` is listed twice").format(value=got))
                ok = False
            else:
                out.append(got)
        return tuple(out) if ok else None

    def mapping(self, value: Any, path: str, what: str) -> Mapping[str, Any] | None:
        if isinstance(value, Mapping):
            return value
        self.error(path, "type", f"expected {what} (a mapping of keys to values), "
                                 f"got {describe(value)}")
        return None

    def entries(self, doc: Mapping[str, Any], key: str) -> Sequence[Any]:
        value = doc.get(key)
        if value is None:
            return ()
        if isinstance(value, list | tuple):
            return value
        self.wrong(key, "a list", value)
        return ()

    def unique_key(self, item: Mapping[str, Any], path: str, key: str, noun: str,
                   first: Mapping[str, int]) -> str | None:
        """``item[key]`` (an id or a filing number): present, text, and not already used
        by an earlier entry of the section (``first`` maps used keys to their index)."""
        value = item.get(key)
        if value is None:
            self.missing(path, key, noun)
            return None
        text = self.text_value(value, f"{path}.{key}")
        if text is not None and text in first:
            section = path.split("[", 1)[0]
            self.error(f"{path}.{key}", "duplicate",
                       _("{what} `{value}` is listed twice (also {where})").format(
                           what=_(_LISTED[noun]) if noun in _LISTED else noun.split(" ", 1)[1],
                           value=text, where=f"{section}[{first[text]}]"))
            return None
        return text

    def missing(self, path: str, key: str, what: str) -> None:
        self.error(f"{path}.{key}", "missing",
                   _("{what} needs `{key}`").format(what=_(what), key=key))

    # -- extras: attributes beyond the core ---------------------------------------------

    def extras(self, entity: str, item: Mapping[str, Any], core: frozenset[str], path: str,
               platform_type: str | None = None, kind: str | None = None) -> Mapping[str, Any]:
        if item.keys() <= core:  # the common case: nothing beyond the core
            return _EMPTY
        out: dict[str, Any] = {}
        declared = self.declared[entity]
        for key in sorted((k for k in item if k not in core), key=str):
            value = item[key]
            p = f"{path}.{key}"
            if not isinstance(key, str):  # mappings given by embedders
                self.error(path, "key-type", f"a key must be text, not {describe(key)}")
                continue
            decl = declared.get(key)
            if decl is not None:
                got = self.custom_value(value, p, decl.type, decl.enum)
                if got is not None:
                    out[key] = got
                continue
            kind_key = self.kind_keys.get(kind or "", {}).get(key) if entity == "record" else None
            if kind_key is not None:  # a key a plugin's obligation kind allows
                got = self.custom_value(value, p, kind_key.type, kind_key.enum)
                if got is not None:
                    out[key] = got
                continue
            if entity == "platform" and key in self.plugin_attrs:
                attr = (self.type_attrs.get(platform_type, {}).get(key)
                        if platform_type is not None else None)
                if attr is None:
                    owners = sorted(t for t, a in self.type_attrs.items() if key in a)
                    if platform_type is not None:
                        self.error(p, "unknown-attribute",
                                   f"`{key}` is an attribute of platform type "
                                   f"{listed(owners)}, not of `{platform_type}`")
                    continue
                got = self.custom_value(value, p, attr.type, attr.enum)
                if got is not None:
                    out[key] = got
                continue
            if key in _COMPUTED[entity]:
                self.error(p, "computed-attribute",
                           f"`{key}` is computed from the other facts; it cannot be set",
                           "remove it")
                continue
            known = set(core) | set(declared)
            if entity == "platform" and platform_type is not None:
                known |= set(self.type_attrs.get(platform_type, {}))
            hint = did_you_mean(key, known)
            unknown = _("unknown attribute `{key}` of {entity}").format(
                key=key, entity=_(_ARTICLE[entity]))
            if isinstance(value, Mapping):  # no declaration would accept it
                advice = _("an attribute of your own holds text, a number, true or false, a "
                           "date or a list; not a nested mapping")
                self.error(p, "unknown-attribute", unknown,
                           _("{hint} Otherwise, {advice}").format(hint=hint, advice=advice)
                           if hint else advice)
                continue
            declaration = f"`{entity}: [{{name: {key}, type: {type_word(value)}}}]`"
            self.error(p, "unknown-attribute", unknown,
                       _("{hint} If `{key}` is an attribute of your own, declare it under "
                         "`schema:` as {declaration}").format(hint=hint, key=key,
                                                             declaration=declaration)
                       if hint else
                       _("declare a custom attribute under `schema:` as {declaration}").format(
                           declaration=declaration))
        return out or _EMPTY

    def custom_value(self, value: Any, path: str, type_: str,
                     enum: tuple[str, ...] | None) -> Any:
        if value is None:
            return None
        if type_ == "string":
            if enum:
                return self.enum_value(value, path, enum, "value")
            return self.text_value(value, path)
        if type_ == "number":
            if isinstance(value, int | float) and not isinstance(value, bool):
                return value
            self.wrong(path, "a number", value)
            return None
        if type_ == "boolean":
            return self.bool_value(value, path)
        if type_ == "date":
            return self.date_value(value, path)
        if type_ == "list":
            return self.names_list(value, path, enum, "value")
        return value  # "any": plugins may declare it

    # -- references between entries ---------------------------------------------------

    def reference(self, path: str, key: str, value: Any, known: Mapping[str, str]) -> None:
        p = f"{path}.{key}"
        what = "algorithm" if key == "algorithm" else "platform"
        if value is None:
            self.missing(path, key, f"a {path.split('[')[0][:-1]}")
        elif value.__class__ is not str:
            self.wrong(p, f"the id of {'an' if what == 'algorithm' else 'a'} {what}", value)
        elif BAD_TEXT.search(value):  # no id can hold it: say what is wrong with the text
            self.error(p, *bad_text_message(value))
        else:
            self.error(p, "unknown-reference",
                       _("unknown {what} `{value}`").format(what=_(what), value=value),
                       unknown_id_help(value, known, what))

    def platform_list(self, value: Any, path: str,
                      known: Mapping[str, str]) -> tuple[str, ...] | None:
        if not isinstance(value, list | tuple):
            self.wrong(path, "a list of platform ids", value)
            return None
        if not value:
            self.error(path, "empty", _("a filing names at least one platform"))
            return None
        try:  # the common case at C speed: known ids, each once
            named = tuple(map(known.__getitem__, value))
            if len(set(named)) == len(named):
                return named
        except (KeyError, TypeError):
            pass
        out: list[str] = []
        seen: set[str] = set()
        ok = True
        for j, p in enumerate(value):
            plat = known.get(p) if p.__class__ is str else None
            if plat is None:
                if p.__class__ is str and BAD_TEXT.search(p):
                    self.error(f"{path}[{j}]", *bad_text_message(p))
                elif p.__class__ is str:
                    self.error(f"{path}[{j}]", "unknown-reference", f"unknown platform `{p}`",
                               unknown_id_help(p, known, "platform"))
                else:
                    self.wrong(f"{path}[{j}]", "the id of a platform", p)
                ok = False
            elif plat in seen:
                self.error(f"{path}[{j}]", "duplicate", f"platform `{plat}` is named twice")
                ok = False
            else:
                out.append(plat)
                seen.add(plat)
        return tuple(out) if ok else None


def listed(items: Iterable[str]) -> str:
    """Items as a message lists them: `a`, `b`, `c`."""
    return _(", ").join(f"`{x}`" for x in items)


def unknown_id_help(value: str, known: Iterable[str], what: str) -> str:
    """The help of an unknown reference: a did-you-mean, or the ids there are."""
    hint = suggest(value, known)
    if hint is not None:
        return hint
    ids = sorted(known)
    where = _("it must be the `id` of an entry under `{section}`").format(section=f"{what}s:")
    if not ids:
        return _("{where}; there are none").format(where=where)
    more = (_(", … ({count} more)").format(count=len(ids) - _SHOWN_IDS)
            if len(ids) > _SHOWN_IDS else "")
    return _("{where}: {ids}{more}").format(where=where, ids=listed(ids[:_SHOWN_IDS]), more=more)


def type_word(value: Any) -> str:
    """The schema type a value suggests, for the "declare it" hint."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, list | tuple):
        return "list"
    return "string"
