"""``policy-sdk validate``: parse and statically check policies (and a facts file).

Every problem of every file is printed: syntax errors first (file by file), then
facts errors, then schema errors (unknown names, type errors, …). Exit status: 0 when
there is no error (warnings are printed), 2 when there is one. Never a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from policy_sdk.cli.plugins import disabled_names, plugin_options
from policy_sdk.errors import Diagnostic, PolicySdkError


def policy_files(paths: Sequence[str]) -> tuple[list[Path], list[Diagnostic]]:
    """Files as given; folders expanded to their ``*.policy`` files (recursive, sorted);
    and an error for each folder that holds none."""
    from policy_sdk.engine.engine import _no_policies
    from policy_sdk.engine.engine import policy_files as expand

    out: list[Path] = []
    empty: list[Diagnostic] = []
    for raw in paths:
        p = Path(raw)
        if "\x00" not in raw and p.is_dir():
            found = expand(p)
            out.extend(found)
            if not found:
                empty.append(_no_policies(p))
        else:
            out.append(p)
    return out, empty


def _registry(plugin: Sequence[str], disable: Sequence[str], no_entrypoints: bool) -> Any:
    """The plugin registry (platform types, functions, plugin rules)."""
    from policy_sdk.plugins.manager import load_registry

    return load_registry(plugins=tuple(plugin), load_entrypoints=not no_entrypoints,
                         disabled=disabled_names(disable))


@click.command("validate", short_help="Check policy files without running them.")
@click.argument("policies", nargs=-1, type=str, metavar="[POLICY]...")
@click.option("--facts", "facts_file", type=str, metavar="FILE",
              help="also load this facts file and accept the attributes and record kinds it "
              "declares (default: only those of the core and the plugins)")
@click.option("--no-plugin-rules", is_flag=True,
              help="check only the given policies, not the rules plugins contribute")
@plugin_options
def validate(policies: Sequence[str], facts_file: str | None, no_plugin_rules: bool,
             plugin: Sequence[str], disable: Sequence[str], no_entrypoints: bool) -> None:
    """Check policy files (and folders of *.policy files) without running them.

    Without a POLICY, the default policy pack is checked. The rules plugins contribute
    are checked too, as `check` would run them; --no-plugin-rules leaves them out.

    Exit status: 0 no error (warnings are printed), 2 an error.
    """
    from policy_sdk.facts import build_schema, load_facts
    from policy_sdk.syntax import parse_file
    from policy_sdk.validate import validate_module

    errors: list[Diagnostic] = []
    warnings: list[Diagnostic] = []
    try:
        if policies:
            files, empty = policy_files(policies)
            errors.extend(empty)
        else:
            from policy_sdk._resources import default_policies_dir

            files, _ = policy_files([str(default_policies_dir())])
        modules = []
        for f in files:
            if "\x00" in str(f):
                errors.append(Diagnostic("io", f"cannot read `{str(f)!r}`: the path contains "
                                         "a NUL character", file=repr(str(f))))
                continue
            try:
                modules.append(parse_file(f))
            except PolicySdkError as err:
                errors.extend(err.diagnostics)
        plugin_modules: list[Any] = []
        registry = _registry(plugin, disable, no_entrypoints)
        platform_types, functions = registry.platform_types, registry.functions
        if not no_plugin_rules:
            from policy_sdk.plugins.manager import parse_plugin_rules

            try:
                plugin_modules = [m for _name, m in parse_plugin_rules(registry)]
            except PolicySdkError as err:
                errors.extend(err.diagnostics)
        facts = None
        if facts_file is not None:
            try:
                facts = load_facts(facts_file, platform_types=platform_types)
                warnings.extend(facts.warnings)
            except PolicySdkError as err:
                errors.extend(err.diagnostics)
        schema = build_schema(platform_types, facts)
        rules = 0
        for module in modules:
            rules += sum(1 for _ in _rules(module))
        plugin_rules = sum(1 for m in plugin_modules for _ in _rules(m))
        for module in (*modules, *plugin_modules):
            for d in validate_module(module, schema, functions):
                (errors if d.level == "error" else warnings).append(d)
    except PolicySdkError as err:
        errors.extend(err.diagnostics)
        rules = plugin_rules = 0
        files = []
    for d in warnings:
        click.echo(d.render(), err=True)
    if errors:
        for d in errors:
            click.echo(d.render(), err=True)
        n = sum(1 for d in errors if d.level == "error")
        click.echo(f"{n} error{'s' if n != 1 else ''}", err=True)
        sys.exit(2)
    w = len(warnings)
    facts_note = f" and `{facts_file}`" if facts_file else ""
    from policy_sdk.cli._output import emit

    emit(f"ok: {rules} rule{'s' if rules != 1 else ''} in {len(files)} "
          f"file{'s' if len(files) != 1 else ''}{facts_note}, "
          f"{w} warning{'s' if w != 1 else ''}"
          + (f"; {plugin_rules} plugin rule{'s' if plugin_rules != 1 else ''} checked"
             if plugin_rules else ""))
    sys.exit(0)


def _rules(module: Any) -> Any:
    from policy_sdk.ast import iter_rules

    return iter_rules(module)
