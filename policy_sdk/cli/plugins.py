"""``policy-sdk plugins``: list the loaded plugins and what each contributes.

Also home of the plugin options other commands share (``--plugin``, ``-p no:NAME``).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import click

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


def plugin_options(func: F) -> F:
    """Add ``--plugin MODULE:OBJ`` (repeatable), ``-p/--disable NAME`` (``-p no:NAME``)
    and ``--no-entrypoints`` to a click command."""
    func = click.option(
        "--no-entrypoints",
        "no_entrypoints",
        is_flag=True,
        help="load no installed plugins, not even the platform types that come with "
        "policy-sdk (app, mini_program, …): only the built-in core and --plugin ones",
    )(func)
    func = click.option(
        "-p",
        "--disable",
        "disable",
        multiple=True,
        metavar="no:NAME",
        help="do not load the installed plugin NAME, written `-p no:NAME` or "
        "`--disable NAME` (repeatable; `policy-sdk plugins` lists the names)",
    )(func)
    func = click.option(
        "--plugin",
        "plugin",
        multiple=True,
        metavar="MODULE[:OBJ]",
        help="also load this plugin: an importable module, or an object in it "
        "(repeatable)",
    )(func)
    return func


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
    return {"plugins": plugins, "platform_types": types_}


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
