"""``policy-sdk plugins``: list the loaded plugins and what each contributes.

Also home of the plugin options other commands share (``--plugin``, ``-p no:NAME``).
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import click
from click.core import ParameterSource

from policy_sdk.cli.params import Choice
from policy_sdk.errors import PolicySdkError

F = TypeVar("F", bound=Callable[..., Any])


def disabled_names(values: Iterable[str]) -> list[str]:
    """``-p no:NAME`` / ``-p NAME`` / ``--disable NAME`` values -> plugin names."""
    out = []
    for value in values:
        for part in value.split(","):
            part = part.strip()
            if part.startswith("no:"):
                part = part[3:]
            if part:
                out.append(part)
    return out


def split_plugin_args(values: Iterable[str]) -> tuple[list[str], list[str]]:
    """``-p`` values, as pytest reads them: ``no:NAME`` disables NAME, any other NAME
    loads it (an installed plugin's name, or a module / ``module:object``).
    Returns ``(to load, to disable)``."""
    load: list[str] = []
    disable: list[str] = []
    for value in values:
        for part in value.split(","):
            part = part.strip()
            if part.startswith("no:"):
                if part[3:].strip():
                    disable.append(part[3:].strip())
            elif part:
                load.append(part)
    return load, disable


def _apply_defaults(kwargs: dict[str, Any], config: Any) -> None:
    """Give the command's own options the configured values where the command line left
    them at their defaults: ``--format``, ``--calendar``, ``--strict``; and add the
    configured extra policy paths to ``--policy`` / the policy arguments."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return
    params = {p.name: p for p in ctx.command.params}

    def defaulted(name: str) -> bool:
        source = ctx.get_parameter_source(name)
        return name in kwargs and source in (None, ParameterSource.DEFAULT,
                                             ParameterSource.DEFAULT_MAP)

    fmt = config["format"]
    for name in ("fmt", "format_"):
        if fmt is not None and defaulted(name):
            choices = getattr(params[name].type, "choices", None)
            if choices is None or fmt in choices:
                kwargs[name] = fmt
    if config["calendar"] is not None and defaulted("calendar_file"):
        kwargs["calendar_file"] = config["calendar"]
    if config["strict"] and defaulted("strict"):
        kwargs["strict"] = True
    extra = list(config["policies"])
    if extra and "policies" in kwargs:
        given = list(kwargs["policies"] or ())
        if not given and ctx.command.name in ("check", "validate"):
            from policy_sdk.resources import default_policies_dir

            given = [str(default_policies_dir())]  # extras come on top of the default pack
        kwargs["policies"] = (*given, *(p for p in extra if p not in given))


def plugin_options(func: F) -> F:
    """Add the plugin options every command shares, in one place:

    ``--plugin MODULE[:OBJ]`` (repeatable), ``-p NAME`` / ``-p no:NAME`` (load or
    disable, as in pytest), ``--disable NAME``, ``--no-entrypoints`` and
    ``--traceback`` (show a failing plugin's traceback). The command receives the
    merged ``plugin``, ``disable`` and ``no_entrypoints`` values, with the project
    configuration (:mod:`policy_sdk.config`) applied beneath the command line.
    """

    @functools.wraps(func)
    def with_plugins(*args: Any, plugin: tuple[str, ...] = (), disable: tuple[str, ...] = (),
                     pytest_style: tuple[str, ...] = (), no_entrypoints: bool = False,
                     show_traceback: bool = False, **kwargs: Any) -> Any:
        from policy_sdk.config import apply_plugin_config
        from policy_sdk.plugins.faults import SHOW_TRACEBACKS, TIME_LIMIT

        load, blocked = split_plugin_args(pytest_style)
        try:
            settings = apply_plugin_config(
                plugins=(*plugin, *load), disabled=(*disabled_names(disable), *blocked),
                no_entrypoints=no_entrypoints)
        except PolicySdkError as err:
            click.echo(err.render(), err=True)
            sys.exit(2)
        _apply_defaults(kwargs, settings.config)
        verbose = bool(kwargs.get("verbose"))  # `test -v` shows tracebacks too
        tokens = (SHOW_TRACEBACKS.set(show_traceback or verbose or settings.traceback),
                  TIME_LIMIT.set(settings.plugin_timeout))
        try:
            return func(*args, plugin=settings.plugins, disable=settings.disabled,
                        no_entrypoints=settings.no_entrypoints, **kwargs)
        finally:
            TIME_LIMIT.reset(tokens[1])
            SHOW_TRACEBACKS.reset(tokens[0])

    wrapped: Any = with_plugins
    wrapped = click.option(
        "--traceback",
        "show_traceback",
        is_flag=True,
        help="when a plugin fails, also show its Python traceback (as `-v` does where a "
        "command has it)",
    )(wrapped)
    wrapped = click.option(
        "--no-entrypoints",
        "no_entrypoints",
        is_flag=True,
        help="load no installed plugins, not even the platform types that come with "
        "policy-sdk (app, mini_program, …): only the built-in core and --plugin ones",
    )(wrapped)
    wrapped = click.option(
        "--disable",
        "disable",
        multiple=True,
        metavar="NAME",
        help="do not load the installed plugin NAME (repeatable; `policy-sdk plugins` "
        "lists the names)",
    )(wrapped)
    wrapped = click.option(
        "-p",
        "pytest_style",
        multiple=True,
        metavar="NAME|no:NAME",
        help="`-p no:NAME` does not load the plugin NAME; `-p NAME` loads it "
        "(an installed plugin's name, or a module) (repeatable)",
    )(wrapped)
    wrapped = click.option(
        "--plugin",
        "plugin",
        multiple=True,
        metavar="MODULE[:OBJ]",
        help="also load this plugin: an importable module, or an object in it "
        "(repeatable)",
    )(wrapped)
    return wrapped  # type: ignore[no-any-return]


def _info_dict(info: Any) -> dict[str, Any]:
    return {
        "name": info.name,
        "version": info.version,
        "origin": info.origin,
        "distribution": info.distribution,
        "source": info.source,
        "where": info.where,
        "platform_types": list(info.platform_types),
        "rules": list(info.rules),
        "strategies": list(info.strategies),
        "functions": list(info.functions),
        "reporters": list(info.reporters),
        "extends": list(info.extends),
        "obligation_kinds": list(info.obligation_kinds),
    }


def registry_to_dict(registry: Any, rule_ids: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """The JSON form of ``policy-sdk plugins --format json``."""
    plugins = []
    for info in registry.plugins:
        entry = _info_dict(info)
        if rule_ids is not None:
            entry["rule_ids"] = sorted(rule_ids.get(info.name, []))
        plugins.append(entry)
    types_ = {}
    for name, spec in registry.platform_types.items():
        caps = spec.capabilities
        types_[name] = {
            "plugin": registry.platform_type_plugins.get(name),
            "description": spec.description,
            "aliases": list(spec.aliases),
            "basis": spec.basis,
            "attributes": [
                {"name": a.name, "type": a.type, "enum": list(a.enum) if a.enum else None,
                 "description": a.description}
                for a in spec.attributes
            ],
            "capabilities": {
                "batch": caps.batch,
                "item_verification": caps.item_verification,
                "accepts_batch": caps.accepts_batch,
                "required_materials": list(caps.required_materials),
                "note": caps.note,
            },
        }
    kinds = {
        name: {"description": kind.description,
               "keys": [{"name": k.name, "type": k.type, "description": k.description}
                        for k in kind.keys]}
        for name, kind in registry.obligation_kinds.items()
    }
    return {"plugins": plugins, "platform_types": types_, "obligation_kinds": kinds}


def _rule_ids(registry: Any) -> dict[str, list[str]]:
    from policy_sdk import ast
    from policy_sdk.plugins.manager import parse_plugin_rules

    out: dict[str, list[str]] = {}
    for plugin, module in parse_plugin_rules(registry):
        out.setdefault(plugin, []).extend(rule_id for rule_id, _ in ast.rule_ids(module))
    return out


def _lines(pairs: Sequence[tuple[str, Sequence[str] | str]]) -> str:
    """``name: a, b`` lines of what is there (nothing for an empty list)."""
    from policy_sdk.reports.tables import cell

    out = []
    for name, value in pairs:
        text = value if isinstance(value, str) else ", ".join(value)
        if text:
            out.append(f"{name}: {cell(text)}")
    return "\n".join(out) or "-"


def _render_text(registry: Any, rule_ids: dict[str, list[str]]) -> None:
    """Two tables as wide as the terminal (80 columns through a pipe): each plugin with
    what it contributes, each platform type with its cancellation capabilities; the
    varying parts are lines in one cell, so nothing is squeezed to nothing."""
    from policy_sdk.reports.tables import cell, console, table

    out = console()
    plugins = table("policy-sdk plugins", ("plugin", "version", "contributes"),
                    show_lines=True)
    for info in registry.plugins:
        plugins.add_row(
            cell(info.name),
            cell(info.version or "-"),
            _lines([
                ("from", info.where),
                ("platform types", info.platform_types),
                ("refines", info.extends),
                ("obligation kinds", info.obligation_kinds),
                ("rules", sorted(rule_ids.get(info.name, []))),
                ("strategies", info.strategies),
                ("functions", info.functions),
                ("reporters", info.reporters),
            ]),
        )
    out.print(plugins)
    types_ = table("platform types", ("type", "about"), show_lines=True)
    for name, spec in registry.platform_types.items():
        caps = spec.capabilities
        batch = "yes" if caps.accepts_batch else (
            "no (item-by-item verification)" if caps.item_verification else "no"
        )
        about = _lines([
            ("plugin", registry.platform_type_plugins.get(name, "-")),
            ("aliases", spec.aliases),
            ("batch cancellation", batch),
        ])
        types_.add_row(cell(name), about + "\n" + cell(spec.description or ""))
    out.print(types_)


@click.command("plugins", short_help="List the loaded plugins and what each contributes.")
@plugin_options
@click.option(
    "--format",
    "format_",
    type=Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="output format",
)
def plugins(
    plugin: tuple[str, ...], disable: tuple[str, ...], no_entrypoints: bool, format_: str
) -> None:
    """List the loaded plugins: name, version, where each came from, and the platform
    types, rules, cancellation strategies, functions and reporters it contributes."""
    from policy_sdk.plugins.manager import load_registry

    try:
        registry = load_registry(
            plugins=list(plugin),
            load_entrypoints=not no_entrypoints,
            disabled=disabled_names(disable),
        )
        rule_ids = _rule_ids(registry)
    except PolicySdkError as exc:
        click.echo(exc.render(), err=True)
        sys.exit(2)
    if format_ == "json":
        click.echo(json.dumps(registry_to_dict(registry, rule_ids), ensure_ascii=False, indent=2))
    else:
        _render_text(registry, rule_ids)
