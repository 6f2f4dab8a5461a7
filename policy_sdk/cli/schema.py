"""``policy-sdk schema``: the JSON Schema of facts files, for editors and CI."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from policy_sdk.cli.params import SafePath
from policy_sdk.cli.plugins import disabled_names, plugin_options
from policy_sdk.errors import PolicySdkError


@click.command("schema", short_help="Print the JSON Schema of facts files (for editors).")
@click.option("--output", "-o", "output", type=SafePath(dir_okay=False), metavar="FILE",
              help="write the schema to FILE (default: print it)")
@plugin_options
def schema(output: str | None, plugin: Sequence[str], disable: Sequence[str],
           no_entrypoints: bool) -> None:
    """Print the JSON Schema (draft 2020-12) of deployment facts files.

    Platform types (and the attributes they add) come from the loaded plugins. Point
    your editor's YAML/JSON support at the output to check facts files as you type;
    `policy-sdk validate --facts FILE` checks what a schema cannot (references,
    duplicates, dates, declared attributes).
    """
    from policy_sdk.facts import facts_json_schema
    from policy_sdk.plugins.manager import load_registry

    try:
        registry = load_registry(plugins=tuple(plugin), load_entrypoints=not no_entrypoints,
                                 disabled=disabled_names(disable))
    except PolicySdkError as err:
        click.echo(err.render(), err=True)
        sys.exit(2)
    text = json.dumps(facts_json_schema(registry.platform_types), ensure_ascii=False, indent=2)
    if output is None:
        click.echo(text)
    else:
        try:
            Path(output).write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            click.echo(f"error: cannot write `{output}`: {exc.strerror or exc}", err=True)
            sys.exit(2)
    sys.exit(0)
