"""Finding, loading and merging plugins.

:func:`load_registry` builds a fresh :class:`pluggy.PluginManager` on every call
(nothing happens at import time), registers, in this order,

1. the built-in ``core`` plugin (:mod:`policy_sdk.plugins.builtin`),
2. the plugins installed under the ``policy_sdk`` entry-point group (unless
   ``load_entrypoints=False``), named by their entry-point names,
3. the ``plugins`` passed explicitly (objects, or ``"module:attribute"`` /
   ``"module"`` strings),

skips every name in ``disabled``, calls each contributing hook on each plugin and
merges the results into an immutable :class:`Registry`. The merge is sorted by
plugin name, then item name, so the order plugins load in never changes a result.

Anything a plugin gets wrong -- it fails to import, raises in a hook, returns
something that is not a list of the expected kind, declares a platform type, alias,
strategy, function or reporter that another plugin (or itself) already declared, or
implements a hook that does not exist -- is a :class:`~policy_sdk.errors.PluginError`
naming the plugin and the hook. So is a plugin that implements none of the hooks
(``--plugin os``: the wrong module named). No pluggy exception escapes.

The only global state is the cache of :func:`default_registry`.
"""

from __future__ import annotations

import functools
import importlib
import importlib.metadata
import inspect
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final, Generic, TypeVar

import attrs
import pluggy

from policy_sdk import ast
from policy_sdk.errors import Diagnostic, PluginError, PolicySyntaxError, did_you_mean
from policy_sdk.facts.schema import CORE_SCHEMA, Attribute
from policy_sdk.plugins import hookspecs
from policy_sdk.plugins.specs import (
    CancellationStrategy,
    FunctionSpec,
    PlatformTypeSpec,
    ReporterSpec,
    RuleSource,
)

ENTRY_POINT_GROUP: Final = "policy_sdk"
"""The entry-point group plugins register in (``[project.entry-points.policy_sdk]``)."""

CORE_PLUGIN: Final = "core"
"""The name of the built-in plugin (blockable like any other: ``disabled=["core"]``)."""

K = TypeVar("K")
V = TypeVar("V")


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
    #: canonical name -> spec (attributes' ``origin`` set to ``plugin:NAME``)
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
        """The ``platform`` attributes plugins' platform types add (sorted, deduplicated)."""
        seen: dict[str, Attribute] = {}
        for spec in self.platform_types.values():
            for attribute in spec.attributes:
                seen.setdefault(attribute.name, attribute)
        return tuple(seen[k] for k in sorted(seen))


# --- hooks ---------------------------------------------------------------------


@attrs.frozen
class _Hook:
    name: str
    item_type: type | Any
    what: str  # "platform types", …, for messages
    item_word: str


_HOOKS: Final = (
    _Hook("policy_sdk_register_platform_types", PlatformTypeSpec, "platform types",
          "a platform type"),
    _Hook("policy_sdk_register_rules", RuleSource, "rule sources", "a rule source"),
    _Hook("policy_sdk_register_cancellation_strategies", CancellationStrategy,
          "cancellation strategies", "a cancellation strategy"),
    _Hook("policy_sdk_register_functions", FunctionSpec, "functions", "a function"),
    _Hook("policy_sdk_register_reporters", ReporterSpec, "reporters", "a reporter"),
)

HOOK_NAMES: Final[tuple[str, ...]] = tuple(h.name for h in _HOOKS)


def hook_names() -> tuple[str, ...]:
    """The names of every hook in :mod:`policy_sdk.plugins.hookspecs`, sorted."""
    return tuple(
        sorted(
            name
            for name, obj in vars(hookspecs).items()
            if name.startswith("policy_sdk_") and callable(obj)
        )
    )


# --- loading --------------------------------------------------------------------


@attrs.frozen
class _Loaded:
    name: str
    plugin: object
    origin: str
    version: str | None = None
    distribution: str | None = None
    source: str | None = None


def _diag(code: str, message: str, plugin: str, hook: str | None = None,
          help: str | None = None) -> Diagnostic:
    return Diagnostic(code=code, message=message, file=f"plugin:{plugin}", path=hook, help=help)


def _describe_exc(exc: BaseException) -> str:
    if isinstance(exc, ModuleNotFoundError) and exc.name:
        return f"no module named `{exc.name}`"
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    kind = type(exc).__name__
    return f"{kind}: {text}" if text else kind


def _dist_of(ep: importlib.metadata.EntryPoint) -> tuple[str | None, str | None]:
    dist = getattr(ep, "dist", None)
    if dist is None:
        return None, None
    return dist.metadata["Name"], dist.version


def _entry_points() -> list[importlib.metadata.EntryPoint]:
    eps = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
    return sorted(eps, key=lambda ep: (ep.name, ep.value))


def explicit_plugin_name(plugin: object) -> str:
    """The name an explicit plugin object registers under.

    Its ``policy_sdk_plugin_name`` attribute if set; else a module's, class's or
    function's ``__name__``; else its class's name.
    """
    name = getattr(plugin, "policy_sdk_plugin_name", None)
    if isinstance(name, str) and name:
        return name
    name = getattr(plugin, "__name__", None)
    if isinstance(name, str) and name:
        return name
    return type(plugin).__name__


def _resolve_string(spec: str) -> tuple[object, str]:
    module_name, _, attr = spec.partition(":")
    try:
        obj: object = importlib.import_module(module_name.strip())
        if attr:
            for part in attr.strip().split("."):
                obj = getattr(obj, part)
    except Exception as exc:
        raise PluginError(
            [
                _diag(
                    "plugin-load",
                    f"plugin `{spec}` cannot be loaded: {_describe_exc(exc)}",
                    spec,
                    help="give a plugin as `module` or `module:attribute` of an importable module",
                )
            ]
        ) from None
    return obj, spec


def _collect(
    plugins: Sequence[object | str], load_entrypoints: bool, blocked: set[str]
) -> list[_Loaded]:
    from policy_sdk import __version__
    from policy_sdk.plugins import builtin

    loaded: list[_Loaded] = []
    names: dict[str, _Loaded] = {}
    problems: list[Diagnostic] = []

    known: set[str] = set()  # every plugin name seen, blocked or not

    def add(item: _Loaded) -> None:
        known.add(item.name)
        if item.name in blocked:
            return
        other = names.get(item.name)
        if other is not None:
            if other.plugin is item.plugin:
                return  # the same plugin given twice (e.g. installed and passed explicitly)
            problems.append(
                _diag(
                    "plugin-duplicate-name",
                    f"two plugins are named `{item.name}`: "
                    f"{_where(other)} and {_where(item)}",
                    item.name,
                    help="disable one of them by name, or rename the explicit plugin "
                    "(`policy_sdk_plugin_name`)",
                )
            )
            return
        for existing in loaded:
            if existing.plugin is item.plugin:
                return  # already registered under another name
        names[item.name] = item
        loaded.append(item)

    add(_Loaded(CORE_PLUGIN, builtin, "builtin", __version__, "policy-sdk",
                "policy_sdk.plugins.builtin"))
    if load_entrypoints:
        for ep in _entry_points():
            known.add(ep.name)
            if ep.name in blocked:
                continue
            dist, version = _dist_of(ep)
            try:
                obj = ep.load()
            except Exception as exc:
                problems.append(
                    _diag(
                        "plugin-load",
                        f"plugin `{ep.name}` (entry point `{ep.value}`"
                        + (f" of {dist} {version}" if dist else "")
                        + f") cannot be loaded: {_describe_exc(exc)}",
                        ep.name,
                        help=f"fix or uninstall it, or disable it with `-p no:{ep.name}`",
                    )
                )
                continue
            add(_Loaded(ep.name, obj, "entrypoint", version, dist, ep.value))
    for given in plugins:
        if isinstance(given, str):
            try:
                obj, source = _resolve_string(given)
            except PluginError as exc:
                problems.extend(exc.diagnostics)
                continue
            add(_Loaded(explicit_plugin_name(obj), obj, "explicit", _version_of(obj), None,
                        source))
        else:
            add(_Loaded(explicit_plugin_name(given), given, "explicit", _version_of(given),
                        None, None))
    for name in sorted(blocked - known):
        # a typo in `-p no:NAME` must not leave the plugin silently loaded
        problems.append(
            _diag(
                "plugin-unknown-disabled",
                f"cannot disable `{name}`: no plugin has that name; plugins: "
                + ", ".join(f"`{n}`" for n in sorted(known)),
                name,
                help=did_you_mean(name, known) or "see `policy-sdk plugins` for their names",
            )
        )
    if problems:
        raise PluginError(problems)
    return loaded


def _version_of(obj: object) -> str | None:
    version = getattr(obj, "__version__", None)
    if isinstance(version, str):
        return version
    module = inspect.getmodule(obj)
    version = getattr(module, "__version__", None) if module is not None else None
    return version if isinstance(version, str) else None


def _where(item: _Loaded) -> str:
    if item.origin == "entrypoint":
        return f"the entry point `{item.source}` of {item.distribution or 'an installed package'}"
    if item.origin == "builtin":
        return "the built-in plugin"
    return f"the explicit plugin `{item.source or item.name}`"


def _unmarked_hooks(name: str, plugin: object) -> list[Diagnostic]:
    """Functions named like hooks but not marked ``@hookimpl`` (pluggy would ignore them)."""
    out = []
    for attr in sorted(dir(plugin)):
        if not attr.startswith("policy_sdk_"):
            continue
        try:
            value = getattr(plugin, attr)
        except Exception:  # pragma: no cover - defensive
            continue
        if not inspect.isroutine(value):
            continue
        if getattr(value, hookspecs.PROJECT_NAME + "_impl", None) is None:
            out.append(
                _diag(
                    "plugin-unmarked-hook",
                    f"plugin `{name}` defines `{attr}` without marking it `@hookimpl`, "
                    "so it would never be called",
                    name,
                    attr,
                    help="decorate it with `policy_sdk.plugins.hookimpl`",
                )
            )
    return out


def _build_manager(loaded: Sequence[_Loaded]) -> pluggy.PluginManager:
    pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    problems: list[Diagnostic] = []
    for item in loaded:
        found = len(problems)
        problems.extend(_unmarked_hooks(item.name, item.plugin))
        try:
            pm.register(item.plugin, name=item.name)
        except pluggy.PluginValidationError as exc:
            problems.append(_validation_diag(item.name, exc))
        except ValueError as exc:
            problems.append(
                _diag("plugin-register", f"plugin `{item.name}` cannot be registered: {exc}",
                      item.name)
            )
        else:
            if len(problems) == found and not _implements_a_hook(pm, item.plugin):
                problems.append(_no_hooks_diag(item))
    problems.extend(_unknown_hooks(pm))
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:  # pragma: no cover - _unknown_hooks found it
        if not problems:
            problems.append(_validation_diag(pm.get_name(exc.plugin) or "?", exc))
    if problems:
        raise PluginError(problems)
    return pm


def _implements_a_hook(pm: pluggy.PluginManager, plugin: object) -> bool:
    """Whether ``plugin`` implements a hook, or one that does not exist (an error
    :func:`_unknown_hooks` reports by name; an optional one does not count)."""
    for caller in pm.get_hookcallers(plugin) or ():
        if caller.has_spec():
            return True
        if any(i.plugin is plugin and not i.optionalhook for i in caller.get_hookimpls()):
            return True
    return False


def _no_hooks_diag(item: _Loaded) -> Diagnostic:
    """A plugin that implements none of the hooks (``--plugin os``) would load and do
    nothing: most likely the wrong module or attribute was named."""
    plugin = item.plugin
    kind = "module" if inspect.ismodule(plugin) else "object"
    where = item.source or getattr(plugin, "__name__", None) or type(plugin).__name__
    help = (
        "a plugin implements at least one `policy_sdk_register_*` hook, marked `@hookimpl`; "
        "the hooks are documented in `policy_sdk.plugins.hookspecs` and docs/plugins.md"
    )
    if item.origin == "entrypoint":
        help += f"; or disable the plugin with `-p no:{item.name}`"
    return _diag(
        "plugin-no-hooks",
        f"plugin `{item.name}` ({kind} `{where}`) implements none of the policy-sdk hooks, "
        "so it would contribute nothing",
        item.name,
        help=help,
    )


_HOOK_IN_MESSAGE = re.compile(r"hook '?(\w+)'?")


def _validation_diag(name: str, exc: pluggy.PluginValidationError) -> Diagnostic:
    text = str(exc)
    match = _HOOK_IN_MESSAGE.search(text)
    hook = match[1] if match else None
    if hook is not None and hook in hook_names():
        message = (
            f"plugin `{name}` implements hook `{hook}` with the wrong parameters; "
            "the `policy_sdk_register_*` hooks take no arguments"
        )
    else:
        message = f"plugin `{name}` does not fit the hook specifications: {text}"
    return _diag("plugin-bad-hookimpl", message, name, hook)


def _unknown_hooks(pm: pluggy.PluginManager) -> list[Diagnostic]:
    out = []
    known = hook_names()
    for hook_name in sorted(vars(pm.hook)):
        if hook_name.startswith("_"):
            continue
        caller = getattr(pm.hook, hook_name)
        if caller.has_spec():
            continue
        for impl in caller.get_hookimpls():
            if impl.optionalhook:
                continue
            out.append(
                _diag(
                    "plugin-unknown-hook",
                    f"plugin `{impl.plugin_name}` implements hook `{hook_name}`, "
                    "which does not exist",
                    impl.plugin_name,
                    hook_name,
                    help=did_you_mean(hook_name, known)
                    or "hooks: " + ", ".join(f"`{h}`" for h in known),
                )
            )
    return out


def _call_hooks(
    pm: pluggy.PluginManager,
) -> tuple[dict[str, dict[str, list[Any]]], list[Diagnostic]]:
    """hook name -> plugin name -> checked items."""
    results: dict[str, dict[str, list[Any]]] = {}
    problems: list[Diagnostic] = []
    for hook in _HOOKS:
        caller = getattr(pm.hook, hook.name)
        per_plugin: dict[str, list[Any]] = {}
        for impl in sorted(caller.get_hookimpls(), key=lambda i: i.plugin_name):
            name = impl.plugin_name
            if impl.hookwrapper or impl.wrapper:
                problems.append(
                    _diag("plugin-bad-hookimpl",
                          f"plugin `{name}` implements hook `{hook.name}` as a wrapper; "
                          "contributing hooks must return a list",
                          name, hook.name)
                )
                continue
            try:
                value = impl.function()
            except Exception as exc:
                problems.append(
                    _diag(
                        "plugin-hook-failed",
                        f"plugin `{name}` failed in hook `{hook.name}`: {_describe_exc(exc)}",
                        name,
                        hook.name,
                    )
                )
                continue
            items, bad = _check_result(name, hook, value)
            problems.extend(bad)
            if not bad:
                per_plugin[name] = items
        results[hook.name] = per_plugin
    return results, problems


def _kind_of(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return "text"
    if isinstance(value, bool):
        return "a truth value"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, set | frozenset):
        return "an unordered set"
    name = type(value).__name__
    return f"`{name}`"


def _check_result(plugin: str, hook: _Hook, value: object) -> tuple[list[Any], list[Diagnostic]]:
    if not isinstance(value, list | tuple):
        return [], [
            _diag(
                "plugin-bad-result",
                f"plugin `{plugin}` returned {_kind_of(value)} from hook `{hook.name}`; "
                f"expected a list of {hook.what}",
                plugin,
                hook.name,
                help="return a list, `[]` when there is nothing to contribute",
            )
        ]
    problems = []
    for index, item in enumerate(value):
        if not isinstance(item, hook.item_type):
            problems.append(
                _diag(
                    "plugin-bad-result",
                    f"plugin `{plugin}` returned {_kind_of(item)} as item {index + 1} from "
                    f"hook `{hook.name}`; expected {hook.item_word}",
                    plugin,
                    hook.name,
                )
            )
    return list(value), problems


# --- merging --------------------------------------------------------------------


def _merge_named(
    hook: str,
    per_plugin: Mapping[str, Sequence[Any]],
    what: str,
    problems: list[Diagnostic],
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """name -> item over all plugins (sorted), and plugin -> its item names."""
    owner: dict[str, str] = {}
    merged: dict[str, Any] = {}
    names: dict[str, list[str]] = {}
    for plugin in sorted(per_plugin):
        for item in per_plugin[plugin]:
            name = getattr(item, "name", None)
            if not isinstance(name, str) or not name:
                problems.append(
                    _diag("plugin-bad-result",
                          f"plugin `{plugin}` returned a {what} without a name from hook "
                          f"`{hook}`", plugin, hook)
                )
                continue
            if name in owner:
                first = owner[name]
                if first == plugin:
                    message = (f"plugin `{plugin}` declares {what} `{name}` twice in hook "
                               f"`{hook}`")
                    help = None
                else:
                    message = (f"plugin `{plugin}` declares {what} `{name}` in hook "
                               f"`{hook}`, already declared by plugin `{first}`")
                    help = f"disable one of the plugins with `-p no:{plugin}`"
                problems.append(_diag("plugin-duplicate", message, plugin, hook, help))
                continue
            owner[name] = plugin
            merged[name] = item
            names.setdefault(plugin, []).append(name)
    return dict(sorted(merged.items())), names


def _merge_platform_types(
    per_plugin: Mapping[str, Sequence[PlatformTypeSpec]], problems: list[Diagnostic]
) -> tuple[dict[str, PlatformTypeSpec], dict[str, str], dict[str, list[str]], dict[str, str]]:
    hook = "policy_sdk_register_platform_types"
    owner: dict[str, tuple[str, str]] = {}  # name or alias -> (plugin, canonical)
    types_: dict[str, PlatformTypeSpec] = {}
    aliases: dict[str, str] = {}
    names: dict[str, list[str]] = {}
    type_plugin: dict[str, str] = {}
    attribute_owner: dict[str, tuple[str, Attribute]] = {}
    for plugin in sorted(per_plugin):
        for spec in per_plugin[plugin]:
            ok = True
            for word in (spec.name, *spec.aliases):
                if word in owner:
                    first_plugin, first_type = owner[word]
                    what = "platform type" if word == spec.name else "platform type alias"
                    earlier = (
                        f"already declared by plugin `{first_plugin}`"
                        if first_plugin != plugin
                        else "twice"
                    )
                    problems.append(
                        _diag(
                            "plugin-duplicate",
                            f"plugin `{plugin}` declares {what} `{word}` in hook `{hook}`, "
                            f"{earlier}"
                            + (f" (for `{first_type}`)" if first_type != word else ""),
                            plugin,
                            hook,
                            help=f"disable one of the plugins with `-p no:{plugin}`"
                            if first_plugin != plugin else None,
                        )
                    )
                    ok = False
            if not ok:
                continue
            fixed_attributes = []
            for declared in spec.attributes:
                fixed = _plugin_attribute(plugin, spec, declared, attribute_owner, problems)
                if fixed is not None:
                    fixed_attributes.append(fixed)
            spec = attrs.evolve(spec, attributes=tuple(fixed_attributes))
            owner[spec.name] = (plugin, spec.name)
            for alias in spec.aliases:
                owner[alias] = (plugin, spec.name)
                aliases[alias] = spec.name
            types_[spec.name] = spec
            type_plugin[spec.name] = plugin
            names.setdefault(plugin, []).append(spec.name)
    return (
        dict(sorted(types_.items())),
        dict(sorted(aliases.items())),
        names,
        dict(sorted(type_plugin.items())),
    )


def _plugin_attribute(
    plugin: str,
    spec: PlatformTypeSpec,
    attribute: Attribute,
    seen: dict[str, tuple[str, Attribute]],
    problems: list[Diagnostic],
) -> Attribute | None:
    hook = "policy_sdk_register_platform_types"
    if not isinstance(attribute, Attribute) or attribute.entity != "platform":
        entity = getattr(attribute, "entity", None)
        problems.append(
            _diag(
                "plugin-bad-result",
                f"plugin `{plugin}` gives platform type `{spec.name}` an attribute "
                + (f"of `{entity}`" if isinstance(entity, str) else "that is not an attribute")
                + f" in hook `{hook}`; platform types add attributes of `platform` only",
                plugin,
                hook,
            )
        )
        return None
    if attribute.origin == "core":
        attribute = attrs.evolve(attribute, origin=f"plugin:{plugin}")
    core = CORE_SCHEMA.get("platform", attribute.name)
    if core is not None and (core.computed or core.type != attribute.type):
        problems.append(
            _diag(
                "plugin-attribute-conflict",
                f"plugin `{plugin}` redefines the core attribute `platform.{attribute.name}` "
                f"as {attribute.type} in hook `{hook}`; it is {core.type}",
                plugin,
                hook,
                help="a plugin may refine a core attribute (e.g. add allowed values) "
                "but not change its type",
            )
        )
        return None
    first = seen.get(attribute.name)
    if first is not None and first[1] != attribute:
        problems.append(
            _diag(
                "plugin-attribute-conflict",
                f"plugin `{plugin}` declares attribute `platform.{attribute.name}` in hook "
                f"`{hook}` differently from plugin `{first[0]}`",
                plugin,
                hook,
            )
        )
        return None
    seen[attribute.name] = (plugin, attribute)
    return attribute


def load_registry(
    *,
    plugins: Sequence[object | str] = (),
    load_entrypoints: bool = True,
    disabled: Sequence[str] = (),
) -> Registry:
    """Load the core plugin, installed plugins and ``plugins``, and merge what they give.

    ``disabled`` names plugins not to load: ``"core"``, entry-point names (``"app"``)
    or explicit plugins' names. ``"no:NAME"`` is accepted too (as in ``-p no:NAME``).
    Raises :class:`~policy_sdk.errors.PluginError` with every problem found.
    """
    if isinstance(plugins, str | bytes):
        plugins = [plugins]
    if isinstance(disabled, str):
        disabled = [disabled]
    blocked = {d[3:] if d.startswith("no:") else d for d in disabled}
    loaded = _collect(plugins, load_entrypoints, blocked)
    pm = _build_manager(loaded)
    results, problems = _call_hooks(pm)

    platform_types, aliases, type_names, type_plugin = _merge_platform_types(
        results["policy_sdk_register_platform_types"], problems
    )
    rules: list[tuple[str, RuleSource]] = []
    rule_names: dict[str, list[str]] = {}
    for plugin, sources in sorted(results["policy_sdk_register_rules"].items()):
        seen: set[str] = set()
        for source in sources:
            if source.name in seen:
                problems.append(
                    _diag("plugin-duplicate",
                          f"plugin `{plugin}` declares rule source `{source.name}` twice in hook "
                          "`policy_sdk_register_rules`", plugin, "policy_sdk_register_rules")
                )
                continue
            seen.add(source.name)
            rules.append((plugin, source))
            rule_names.setdefault(plugin, []).append(source.name)
    rules.sort(key=lambda pr: (pr[0], pr[1].name))

    strategies, strategy_names = _merge_named(
        "policy_sdk_register_cancellation_strategies",
        results["policy_sdk_register_cancellation_strategies"],
        "cancellation strategy",
        problems,
    )
    functions, function_names = _merge_named(
        "policy_sdk_register_functions", results["policy_sdk_register_functions"],
        "function", problems,
    )
    reporters, reporter_names = _merge_named(
        "policy_sdk_register_reporters", results["policy_sdk_register_reporters"],
        "reporter", problems,
    )
    if problems:
        raise PluginError(problems)

    def names(table: Mapping[str, list[str]], plugin: str) -> tuple[str, ...]:
        return tuple(sorted(table.get(plugin, ())))

    infos = tuple(
        sorted(
            (
                PluginInfo(
                    name=item.name,
                    version=item.version,
                    origin=item.origin,
                    platform_types=names(type_names, item.name),
                    rules=names(rule_names, item.name),
                    strategies=names(strategy_names, item.name),
                    functions=names(function_names, item.name),
                    reporters=names(reporter_names, item.name),
                    distribution=item.distribution,
                    source=item.source,
                )
                for item in loaded
            ),
            key=lambda info: info.name,
        )
    )
    return Registry(
        plugins=infos,
        platform_types=FrozenMap(platform_types),
        aliases=FrozenMap(aliases),
        rules=tuple(rules),
        strategies=FrozenMap(strategies),
        functions=FrozenMap(functions),
        reporters=FrozenMap(reporters),
        platform_type_plugins=FrozenMap(type_plugin),
    )


@functools.cache
def default_registry() -> Registry:
    """The registry of the core plugin and every installed plugin (cached)."""
    return load_registry()


def parse_plugin_rules(registry: Registry) -> list[tuple[str, ast.Module]]:
    """Parse every plugin's rule sources: ``[(plugin name, module)]`` in registry order.

    Each source is parsed under the file name ``plugin:NAME/RULE_SOURCE``, so spans
    point into it. Syntax errors become one ``PluginError`` naming each plugin.
    """
    from policy_sdk.syntax import parse_policy

    out: list[tuple[str, ast.Module]] = []
    problems: list[Diagnostic] = []
    for plugin, source in registry.rules:
        try:
            module = parse_policy(source.text, file=plugin_rule_file(plugin, source.name))
        except PolicySyntaxError as exc:
            for d in exc.diagnostics:
                problems.append(
                    attrs.evolve(
                        d,
                        code="plugin-rule-syntax",
                        message=f"rule source `{source.name}` of plugin `{plugin}` does not "
                        f"parse: {d.message}",
                        file=d.file or (None if d.span else plugin_rule_file(plugin, source.name)),
                    )
                )
            continue
        out.append((plugin, module))
    if problems:
        raise PluginError(problems)
    return out


def plugin_rule_file(plugin: str, source_name: str) -> str:
    """The file name spans of a plugin's rule source carry: ``plugin:NAME/SOURCE``."""
    return f"plugin:{plugin}/{source_name}"


__all__ = [
    "CORE_PLUGIN",
    "ENTRY_POINT_GROUP",
    "HOOK_NAMES",
    "FrozenMap",
    "PluginInfo",
    "Registry",
    "default_registry",
    "explicit_plugin_name",
    "hook_names",
    "load_registry",
    "parse_plugin_rules",
    "plugin_rule_file",
]
