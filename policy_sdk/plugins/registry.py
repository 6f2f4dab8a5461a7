"""What loading plugins produces: the immutable :class:`Registry` and its parts.

Split out of :mod:`policy_sdk.plugins.manager` (which loads and merges); everything
here is a plain value that pickles.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Generic, TypeVar

import attrs

from policy_sdk.errors import Diagnostic, PluginError, did_you_mean
from policy_sdk.facts.schema import Attribute
from policy_sdk.plugins.specs import (
    CancellationStrategy,
    FunctionSpec,
    ObligationKindSpec,
    PlatformTypeSpec,
    ReporterSpec,
    RuleSource,
)

K = TypeVar("K")
V = TypeVar("V")

__all__ = [
    "FrozenMap",
    "PlatformTypes",
    "PluginInfo",
    "Registry",
    "merge_platform_attributes",
]


class FrozenMap(Mapping[K, V], Generic[K, V]):
    """A read-only mapping that keeps its (sorted) insertion order and pickles."""

    __slots__ = ("_data",)
    _data: dict[K, V]

    def __init__(self, data: Mapping[K, V] | None = None) -> None:
        object.__setattr__(self, "_data", dict(data or {}))

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("FrozenMap is read-only")

    def __reduce__(self) -> tuple[type[FrozenMap[K, V]], tuple[dict[K, V]]]:
        return (type(self), (self._data,))

    __hash__ = None  # type: ignore[assignment]


class PlatformTypes(FrozenMap[str, PlatformTypeSpec]):
    """A registry's platform types (canonical name -> merged spec), which also carry the
    obligation kinds the same plugins bring.

    Everything that reads facts takes ``platform_types=registry.platform_types``; the
    kinds travel with them, so a record of a plugin's kind loads wherever the plugin's
    platform types do.
    """

    __slots__ = ("obligation_kinds",)
    obligation_kinds: Mapping[str, ObligationKindSpec]

    def __init__(self, data: Mapping[str, PlatformTypeSpec] | None = None,
                 obligation_kinds: Mapping[str, ObligationKindSpec] | None = None) -> None:
        super().__init__(data)
        object.__setattr__(self, "obligation_kinds", FrozenMap(obligation_kinds))

    def __reduce__(self) -> tuple[type[PlatformTypes], tuple[dict[str, PlatformTypeSpec], dict[  # type: ignore[override]
            str, ObligationKindSpec]]]:
        return (type(self), (self._data, dict(self.obligation_kinds)))


def merge_platform_attributes(platform_types: Mapping[str, PlatformTypeSpec]
                              ) -> tuple[Attribute, ...]:
    """One ``platform`` attribute per name, over every platform type (sorted by name).

    Attributes are scoped to the type that declares them: ``smart_tv.vendor`` and
    ``set_top_box.vendor`` may differ. A policy reads ``platform.vendor`` on any
    platform; its type is the types' common type (``any`` when they differ), its
    allowed values the union of theirs (open if one type leaves it open).
    """
    by_name: dict[str, list[tuple[str, Attribute]]] = {}
    for type_name in sorted(platform_types):
        for attribute in platform_types[type_name].attributes:
            by_name.setdefault(attribute.name, []).append((type_name, attribute))
    out = []
    for name in sorted(by_name):
        owners = by_name[name]
        first = owners[0][1]
        if len(owners) == 1:
            out.append(first)
            continue
        kinds = {a.type for _, a in owners}
        enums = [a.enum for _, a in owners]
        enum = (None if any(e is None for e in enums) or len(kinds) > 1
                else tuple(sorted({v for e in enums for v in e or ()})))
        description = "; ".join(f"{t}: {a.description}" for t, a in owners)
        out.append(attrs.evolve(first, type=first.type if len(kinds) == 1 else "any",
                                enum=enum, description=description))
    return tuple(out)


@attrs.frozen
class PluginInfo:
    """One loaded plugin and what it contributes (names only, sorted)."""

    name: str
    version: str | None
    #: "builtin" | "entrypoint" | "explicit"
    origin: str
    platform_types: tuple[str, ...] = ()
    #: names of the rule sources (``RuleSource.name``) it contributes
    rules: tuple[str, ...] = ()
    strategies: tuple[str, ...] = ()
    functions: tuple[str, ...] = ()
    reporters: tuple[str, ...] = ()
    #: the distribution (package) it came from, when known, e.g. ``policy-sdk-quickapp``
    distribution: str | None = None
    #: where it was found: ``policy_sdk_platforms.app`` (entry point value), ``module:obj`` …
    source: str | None = None
    #: other plugins' platform types it refines (``extend_platform_type``)
    extends: tuple[str, ...] = ()
    #: obligation kinds it brings
    obligation_kinds: tuple[str, ...] = ()

    @property
    def first_party(self) -> bool:
        """Built in, or shipped with policy-sdk itself (the ``app`` … plugins)."""
        return self.origin == "builtin" or self.distribution == "policy-sdk"

    @property
    def where(self) -> str:
        """Where it came from, as people read it."""
        if self.origin == "builtin":
            return "built in"
        if self.origin == "entrypoint":
            dist = f"{self.distribution} {self.version or ''}".strip()
            return f"entry point of {dist}" if self.distribution else "entry point"
        return f"explicit ({self.source})" if self.source else "explicit"


@attrs.frozen
class Registry:
    """Everything the loaded plugins contribute, merged and sorted."""

    plugins: tuple[PluginInfo, ...]
    #: canonical name -> spec, with every plugin's refinements merged in (attributes'
    #: ``origin`` set to ``plugin:NAME``); also carries ``obligation_kinds``
    platform_types: Mapping[str, PlatformTypeSpec]
    #: alias -> canonical name
    aliases: Mapping[str, str]
    #: (plugin name, source), sorted
    rules: tuple[tuple[str, RuleSource], ...]
    strategies: Mapping[str, CancellationStrategy]
    functions: Mapping[str, FunctionSpec]
    reporters: Mapping[str, ReporterSpec]
    #: platform type name -> the plugin that declared it
    platform_type_plugins: Mapping[str, str] = attrs.field(factory=FrozenMap)
    #: obligation kind name -> spec (plugins' kinds only; the core kinds are in
    #: :data:`policy_sdk.facts.schema.RECORD_KINDS`)
    obligation_kinds: Mapping[str, ObligationKindSpec] = attrs.field(factory=FrozenMap)

    def plugin(self, name: str) -> PluginInfo:
        """The loaded plugin called ``name`` (``PluginError`` with did-you-mean if none)."""
        for info in self.plugins:
            if info.name == name:
                return info
        names = [p.name for p in self.plugins]
        raise PluginError(
            [
                Diagnostic(
                    code="plugin-unknown",
                    message=f"no plugin `{name}` is loaded",
                    help=did_you_mean(name, names),
                )
            ]
        )

    def canonical_platform_type(self, name: str) -> str | None:
        """``name`` if it is a platform type, its canonical name if it is an alias, else None."""
        if name in self.platform_types:
            return name
        return self.aliases.get(name)

    @property
    def platform_attributes(self) -> tuple[Attribute, ...]:
        """The ``platform`` attributes plugins' platform types add, one per name (see
        :func:`merge_platform_attributes`), sorted."""
        return merge_platform_attributes(self.platform_types)

    @property
    def record_attributes(self) -> tuple[Attribute, ...]:
        """The ``record`` attributes plugins' obligation kinds allow, one per name."""
        return _record_attributes(self.obligation_kinds.values())


def _record_attributes(kinds: Iterable[ObligationKindSpec]) -> tuple[Attribute, ...]:
    seen: dict[str, Attribute] = {}
    for kind in sorted(kinds, key=lambda k: k.name):
        for key in kind.keys:
            seen.setdefault(key.name, key)
    return tuple(seen[k] for k in sorted(seen))
