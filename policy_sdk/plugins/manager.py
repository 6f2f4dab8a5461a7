"""Loading and merging plugins.

:func:`load_registry` builds a fresh :class:`pluggy.PluginManager` on every call
(nothing happens at import time), registers, in this order,

1. the built-in ``core`` plugin (:mod:`policy_sdk.plugins.builtin`),
2. the plugins installed under the ``policy_sdk`` entry-point group (unless
   ``load_entrypoints=False``), named by their entry-point names,
3. the ``plugins`` passed explicitly (objects, ``"module:attribute"`` / ``"module"``
   strings, or an installed plugin's name, which loads it as ``-p NAME`` does in pytest),

skips every name in ``disabled``, calls each plugin's ``policy_sdk_register(register)``
hook (and the deprecated list-returning hooks) and merges the results
(:func:`policy_sdk.plugins.registrar.merge`) into an immutable :class:`Registry`. The
merge is sorted by plugin name, then item name, so the order plugins load in never
changes a result.

Anything a plugin gets wrong -- it fails to import, raises (even ``SystemExit``) in a
hook, passes a bad spec to the registrar, returns something from a deprecated hook
that is not a list of the expected kind, declares what another plugin (or itself)
already declared, or implements a hook that does not exist -- is a
:class:`~policy_sdk.errors.PluginError` naming the plugin and the hook, chained
(``__cause__``) to the plugin's own exception when there is one. So is a plugin that
implements none of the hooks (``--plugin os``: the wrong module named). No pluggy
exception escapes. The pieces: :mod:`~policy_sdk.plugins.loading` (finding and
registering), :mod:`~policy_sdk.plugins.registrar` (the registrar and the merge),
:mod:`~policy_sdk.plugins.registry` (the result), :mod:`~policy_sdk.plugins.faults`
(calling plugin code safely).

The only global state is the cache of :func:`default_registry`.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

import attrs
import pluggy

from policy_sdk import ast
from policy_sdk.errors import Diagnostic, PluginError, PolicySyntaxError
from policy_sdk.plugins.faults import fault, guarded, guarded_fast
from policy_sdk.plugins.loading import (
    CORE_PLUGIN,
    ENTRY_POINT_GROUP,
    build_manager,
    collect,
    explicit_plugin_name,
    hook_names,
)
from policy_sdk.plugins.registrar import HOOK, Contributions, Registrar, merge
from policy_sdk.plugins.registry import FrozenMap, PlatformTypes, PluginInfo, Registry
from policy_sdk.plugins.specs import (
    CancellationStrategy,
    FunctionSpec,
    PlatformTypeSpec,
    ReporterSpec,
    RuleSource,
)


@attrs.frozen
class _Hook:
    """A deprecated list-returning hook and the registrar method its items go to."""

    name: str
    item_type: type | Any
    what: str  # "platform types", …, for messages
    item_word: str
    method: str


_LEGACY_HOOKS: Final = (
    _Hook("policy_sdk_register_platform_types", PlatformTypeSpec, "platform types",
          "a platform type", "add_platform_type"),
    _Hook("policy_sdk_register_rules", RuleSource, "rule sources", "a rule source", "add_rules"),
    _Hook("policy_sdk_register_cancellation_strategies", CancellationStrategy,
          "cancellation strategies", "a cancellation strategy", "add_strategy"),
    _Hook("policy_sdk_register_functions", FunctionSpec, "functions", "a function",
          "add_function"),
    _Hook("policy_sdk_register_reporters", ReporterSpec, "reporters", "a reporter",
          "add_reporter"),
)

HOOK_NAMES: Final[tuple[str, ...]] = (HOOK, *(h.name for h in _LEGACY_HOOKS))


def _call_hooks(pm: pluggy.PluginManager) -> tuple[Contributions, list[Diagnostic],
                                                   list[BaseException]]:
    """Call every plugin's hooks (sorted by plugin name) into one :class:`Contributions`."""
    into = Contributions()
    problems: list[Diagnostic] = []
    causes: list[BaseException] = []

    def run(name: str, hook: str, func: Callable[..., Any], *args: Any) -> Any:
        try:
            return guarded(name, f"hook `{hook}`", func, *args, code="plugin-hook-failed",
                           where=hook)
        except PluginError as err:
            problems.extend(err.diagnostics)
            if err.__cause__ is not None:
                causes.append(err.__cause__)
            return _FAILED

    for impl in sorted(pm.hook.policy_sdk_register.get_hookimpls(), key=lambda i: i.plugin_name):
        name = impl.plugin_name
        if _is_wrapper(impl, HOOK, problems):
            continue
        value = run(name, HOOK, impl.function, Registrar(name, into))
        if value is not None and value is not _FAILED:
            problems.append(_bad_result(name, HOOK, f"returned {_kind_of(value)}; the hook "
                                        "registers through `register` and returns nothing"))
    for hook in _LEGACY_HOOKS:
        for impl in sorted(getattr(pm.hook, hook.name).get_hookimpls(),
                           key=lambda i: i.plugin_name):
            name = impl.plugin_name
            if _is_wrapper(impl, hook.name, problems):
                continue
            if name != CORE_PLUGIN:
                warnings.warn(
                    f"plugin `{name}` implements `{hook.name}`, deprecated: implement "
                    f"`policy_sdk_register(register)` and call `register.{hook.method}(...)` "
                    "(docs/plugins.md)", DeprecationWarning, stacklevel=2)
            value = run(name, hook.name, impl.function)
            if value is _FAILED:
                continue
            items, bad = _check_result(name, hook, value)
            problems.extend(bad)
            if bad:
                continue
            registrar = Registrar(name, into)
            for item in items:
                try:
                    getattr(registrar, hook.method)(item)
                except PluginError as err:
                    problems.extend(attrs.evolve(d, path=hook.name) for d in err.diagnostics)
    return into, problems, causes


_FAILED: Final = object()


def _is_wrapper(impl: Any, hook: str, problems: list[Diagnostic]) -> bool:
    if impl.hookwrapper or impl.wrapper:
        problems.append(fault("plugin-bad-hookimpl",
                              f"plugin `{impl.plugin_name}` implements hook `{hook}` as a "
                              "wrapper; contributing hooks must not wrap others",
                              impl.plugin_name, hook))
        return True
    return False


def _bad_result(plugin: str, hook: str, message: str, help: str | None = None) -> Diagnostic:
    return fault("plugin-bad-result", f"plugin `{plugin}` {message} from hook `{hook}`"
                 if "from hook" not in message else message, plugin, hook, help=help)


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
    if isinstance(value, tuple):
        return "a tuple"
    name = type(value).__name__
    return f"`{name}`"


def _check_result(plugin: str, hook: _Hook, value: object) -> tuple[list[Any], list[Diagnostic]]:
    if not isinstance(value, list):
        return [], [
            fault(
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
                fault(
                    "plugin-bad-result",
                    f"plugin `{plugin}` returned {_kind_of(item)} as item {index + 1} from "
                    f"hook `{hook.name}`; expected {hook.item_word}",
                    plugin,
                    hook.name,
                )
            )
    return list(value), problems


# --- guarding what third-party plugins hand over --------------------------------------

_RESULT_TYPES: Final[Mapping[str, tuple[type, ...]]] = {
    "string": (str,), "number": (int, float), "boolean": (bool,), "list": (list, tuple),
}


def _checked_result(plugin: str, spec: FunctionSpec, value: Any) -> Any:
    if value is None or spec.returns == "any":
        return value
    wanted = (dt.date,) if spec.returns == "date" else _RESULT_TYPES.get(spec.returns, (object,))
    ok = isinstance(value, wanted)
    if spec.returns == "number":
        ok = ok and not isinstance(value, bool) and math.isfinite(value)
    if spec.returns == "date":
        ok = ok and not isinstance(value, dt.datetime)
    if not ok:
        shown = "a number that is not finite" if isinstance(value, float) else _kind_of(value)
        raise PluginError([fault(
            "plugin-bad-result",
            f"function `{spec.name}` of plugin `{plugin}` returned {shown}; it declares "
            f"{spec.returns}", plugin, f"function `{spec.name}`")])
    return value


class _CheckedFunction:
    """A third-party function's implementation, guarded and its result type-checked
    (a class, not a closure, so a registry pickles when the implementation does)."""

    def __init__(self, plugin: str, spec: FunctionSpec) -> None:
        self.plugin = plugin
        self.spec = spec
        self.doing = f"function `{spec.name}`"
        self.__wrapped__ = spec.impl

    def __call__(self, *args: Any) -> Any:
        value = guarded_fast(self.plugin, self.doing, self.spec.impl, *args)
        return _checked_result(self.plugin, self.spec, value)


def _guard_function(plugin: str, spec: FunctionSpec) -> FunctionSpec:
    return attrs.evolve(spec, impl=_CheckedFunction(plugin, spec))


class _GuardedRender:
    """A third-party reporter's ``render``, guarded (``inspect.signature`` sees the
    original's parameters through ``__wrapped__``)."""

    def __init__(self, plugin: str, spec: ReporterSpec) -> None:
        self.plugin = plugin
        self.spec = spec
        self.__wrapped__ = spec.render

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return guarded(self.plugin, f"reporter `{self.spec.name}`", self.spec.render, *args,
                       **kwargs)


def _guard_reporter(plugin: str, spec: ReporterSpec) -> ReporterSpec:
    return attrs.evolve(spec, render=_GuardedRender(plugin, spec))


class _GuardedStrategy:
    """A third-party strategy whose ``propose`` cannot end the process or return nothing."""

    def __init__(self, plugin: str, strategy: CancellationStrategy) -> None:
        self.plugin = plugin
        self.wrapped = strategy
        self.name = strategy.name
        self.description = strategy.description

    def propose(self, candidates: Sequence[Any]) -> Any:
        from policy_sdk.plugins.specs import Proposal

        doing = f"strategy `{self.name}`"
        value = guarded(self.plugin, doing, self.wrapped.propose, candidates)
        if not isinstance(value, Proposal):
            raise PluginError([fault(
                "plugin-bad-result",
                f"plugin `{self.plugin}` returned {_kind_of(value)} from {doing}'s `propose`; "
                "expected a `Proposal`", self.plugin, doing)])
        return value


def _guard(merged_names: Mapping[str, Sequence[str]], table: Mapping[str, Any],
           wrap: Callable[[str, Any], Any]) -> dict[str, Any]:
    owner = {n: p for p, names in merged_names.items() for n in names}
    return {n: (item if owner.get(n, CORE_PLUGIN) == CORE_PLUGIN else wrap(owner[n], item))
            for n, item in table.items()}


def load_registry(
    *,
    plugins: Sequence[object | str] = (),
    load_entrypoints: bool = True,
    disabled: Sequence[str] = (),
) -> Registry:
    """Load the core plugin, installed plugins and ``plugins``, and merge what they give.

    ``disabled`` names plugins not to load: ``"core"``, entry-point names (``"app"``)
    or explicit plugins' names. ``"no:NAME"`` is accepted too (as in ``-p no:NAME``).
    Raises :class:`~policy_sdk.errors.PluginError` with every problem found, chained to
    the first exception a plugin raised.
    """
    if isinstance(plugins, str | bytes):
        plugins = [plugins]
    if isinstance(disabled, str):
        disabled = [disabled]
    blocked = {d[3:] if d.startswith("no:") else d for d in disabled}
    loaded = collect(plugins, load_entrypoints, blocked)
    pm = build_manager(loaded)
    contributions, problems, causes = _call_hooks(pm)
    infos_by_name = {item.name: item for item in loaded}

    def first_party(name: str) -> bool:
        item = infos_by_name.get(name)
        return item is not None and (item.origin == "builtin"
                                     or item.distribution == "policy-sdk")

    merged, more = merge(contributions, first_party)
    problems.extend(more)
    if problems:
        raise PluginError(problems) from (causes[0] if causes else None)
    names = merged.names

    def own(kind: str, plugin: str) -> tuple[str, ...]:
        return tuple(sorted(names[kind].get(plugin, ())))

    infos = tuple(
        sorted(
            (
                PluginInfo(
                    name=item.name,
                    version=item.version,
                    origin=item.origin,
                    platform_types=own("platform_types", item.name),
                    rules=own("rules", item.name),
                    strategies=own("strategies", item.name),
                    functions=own("functions", item.name),
                    reporters=own("reporters", item.name),
                    distribution=item.distribution,
                    source=item.source,
                    extends=tuple(merged.extends.get(item.name, ())),
                    obligation_kinds=own("kinds", item.name),
                )
                for item in loaded
            ),
            key=lambda info: info.name,
        )
    )
    return Registry(
        plugins=infos,
        platform_types=PlatformTypes(merged.platform_types, merged.kinds),
        aliases=FrozenMap(merged.aliases),
        rules=tuple(merged.rules),
        strategies=FrozenMap(_guard(names["strategies"], merged.strategies, _GuardedStrategy)),
        functions=FrozenMap(_guard(names["functions"], merged.functions, _guard_function)),
        reporters=FrozenMap(_guard(names["reporters"], merged.reporters, _guard_reporter)),
        platform_type_plugins=FrozenMap(merged.type_plugin),
        obligation_kinds=FrozenMap(merged.kinds),
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
    "PlatformTypes",
    "PluginInfo",
    "Registry",
    "default_registry",
    "explicit_plugin_name",
    "hook_names",
    "load_registry",
    "parse_plugin_rules",
    "plugin_rule_file",
]
