"""Finding plugins and registering them with pluggy (the first half of loading).

:func:`collect` finds the built-in ``core`` plugin, the installed entry points and the
explicit plugins, minus the disabled ones; :func:`build_manager` registers them with a
fresh :class:`pluggy.PluginManager`, turning every pluggy complaint into a
``PluginError`` naming the plugin. Importing a plugin runs its code: that happens
under :func:`~policy_sdk.plugins.faults.guarded`, so ``sys.exit`` at import time is a
``PluginError`` too.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import inspect
import re
from collections.abc import Sequence
from typing import Final

import attrs
import pluggy

from policy_sdk.errors import Diagnostic, PluginError, did_you_mean
from policy_sdk.plugins import hookspecs
from policy_sdk.plugins.faults import describe_exc, guarded

ENTRY_POINT_GROUP: Final = "policy_sdk"
"""The entry-point group plugins register in (``[project.entry-points.policy_sdk]``)."""

CORE_PLUGIN: Final = "core"
"""The name of the built-in plugin (blockable like any other: ``disabled=["core"]``)."""

__all__ = ["CORE_PLUGIN", "ENTRY_POINT_GROUP", "Loaded", "build_manager", "collect",
           "explicit_plugin_name", "hook_names"]


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
class Loaded:
    name: str
    plugin: object
    origin: str
    version: str | None = None
    distribution: str | None = None
    source: str | None = None


def _diag(code: str, message: str, plugin: str, hook: str | None = None,
          help: str | None = None) -> Diagnostic:
    return Diagnostic(code=code, message=message, file=f"plugin:{plugin}", path=hook, help=help)


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


def _import(spec: str) -> object:
    module_name, _, attr = spec.partition(":")
    obj: object = importlib.import_module(module_name.strip())
    if attr:
        for part in attr.strip().split("."):
            obj = getattr(obj, part)
    return obj


def _resolve_string(spec: str, names: Sequence[str] = ()) -> tuple[object, str]:
    try:
        return guarded(spec, "its import", _import, spec, code="plugin-load"), spec
    except PluginError as err:
        exc = err.__cause__
        if exc is None:
            raise
        help = "give a plugin as `module` or `module:attribute` of an importable module"
        module_name = spec.partition(":")[0].strip()
        if isinstance(exc, ModuleNotFoundError) and exc.name == module_name and ":" not in spec:
            # `-p NAME` loads NAME, as in pytest; the user may have meant `-p no:NAME`
            help = (f"`-p {spec}` loads a plugin: an installed plugin's name or a module; "
                    f"to disable the plugin `{spec}`, write `-p no:{spec}`")
            hint = did_you_mean(spec, names)
            if hint:
                help = f"{hint} {help}"
        raise PluginError([attrs.evolve(
            err.diagnostics[0], code="plugin-load",
            message=f"plugin `{spec}` cannot be loaded: {describe_exc(exc)}", help=help,
        )]) from exc


def collect(
    plugins: Sequence[object | str], load_entrypoints: bool, blocked: set[str]
) -> list[Loaded]:
    from policy_sdk import __version__
    from policy_sdk.plugins import builtin

    loaded: list[Loaded] = []
    names: dict[str, Loaded] = {}
    problems: list[Diagnostic] = []
    causes: list[BaseException] = []

    known: set[str] = set()  # every plugin name seen, blocked or not

    def add(item: Loaded) -> None:
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

    add(Loaded(CORE_PLUGIN, builtin, "builtin", __version__, "policy-sdk",
                "policy_sdk.plugins.builtin"))
    entry_points = _entry_points()
    by_name = {ep.name: ep for ep in entry_points}
    # `-p NAME` / plugins=["NAME"] with an installed plugin's name loads that plugin
    # (as pytest does), even with load_entrypoints=False
    wanted = {g for g in plugins if isinstance(g, str) and g in by_name}

    def load_ep(ep: importlib.metadata.EntryPoint) -> None:
        dist, version = _dist_of(ep)
        try:
            obj = guarded(ep.name, "its import", ep.load, code="plugin-load")
        except PluginError as err:
            exc = err.__cause__
            causes.extend([exc] if exc is not None else [])
            problems.append(
                attrs.evolve(
                    err.diagnostics[0],
                    message=f"plugin `{ep.name}` (entry point `{ep.value}`"
                    + (f" of {dist} {version}" if dist else "")
                    + f") cannot be loaded: {describe_exc(exc) if exc else 'it failed'}",
                    help=f"fix or uninstall it, or disable it with `-p no:{ep.name}`",
                )
            )
            return
        add(Loaded(ep.name, obj, "entrypoint", version, dist, ep.value))

    for ep in entry_points:
        known.add(ep.name)
        if ep.name in blocked or not (load_entrypoints or ep.name in wanted):
            continue
        load_ep(ep)
    for given in plugins:
        if isinstance(given, str) and given in by_name:
            continue  # loaded above, as its entry point
        if isinstance(given, str):
            try:
                obj, source = _resolve_string(given, sorted(known))
            except PluginError as exc:
                problems.extend(exc.diagnostics)
                causes.extend([exc.__cause__] if exc.__cause__ is not None else [])
                continue
            add(Loaded(explicit_plugin_name(obj), obj, "explicit", _version_of(obj), None,
                        source))
        else:
            add(Loaded(explicit_plugin_name(given), given, "explicit", _version_of(given),
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
        raise PluginError(problems) from (causes[0] if causes else None)
    return loaded


def _version_of(obj: object) -> str | None:
    version = getattr(obj, "__version__", None)
    if isinstance(version, str):
        return version
    module = inspect.getmodule(obj)
    version = getattr(module, "__version__", None) if module is not None else None
    return version if isinstance(version, str) else None


def _where(item: Loaded) -> str:
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


def build_manager(loaded: Sequence[Loaded]) -> pluggy.PluginManager:
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


def _no_hooks_diag(item: Loaded) -> Diagnostic:
    """A plugin that implements none of the hooks (``--plugin os``) would load and do
    nothing: most likely the wrong module or attribute was named."""
    plugin = item.plugin
    kind = "module" if inspect.ismodule(plugin) else "object"
    where = item.source or getattr(plugin, "__name__", None) or type(plugin).__name__
    help = (
        "a plugin implements the `policy_sdk_register(register)` hook, marked `@hookimpl`; "
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
        takes = ("one argument, `register`" if hook == "policy_sdk_register"
                 else "no arguments")
        message = (
            f"plugin `{name}` implements hook `{hook}` with the wrong parameters; "
            f"`{hook}` takes {takes}"
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
