"""``policy-sdk config``: the effective project configuration and where each value came
from (``docs/plugins.md`` §6, :mod:`policy_sdk.config`)."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from policy_sdk.cli.params import Choice
from policy_sdk.errors import PolicySdkError


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "-"
    if isinstance(value, list):
        return ", ".join(value) if value else "(none)"
    return str(value)


@click.command("config", short_help="Show the effective configuration and its sources.")
@click.option("--format", "format_", type=Choice(["text", "json"]), default="text",
              show_default=True, help="output format")
def config(format_: str) -> None:
    """Show the effective configuration: each key, its value, and where it came from
    (the default, the configuration file with its line, or a POLICY_SDK_* variable).

    The file is `policy-sdk.toml`, or `[tool.policy-sdk]` in `pyproject.toml`, found
    walking up from the working directory. The command line overrides the environment,
    which overrides the file, which overrides the defaults.
    """
    from policy_sdk.config import load_config

    try:
        loaded = load_config()
    except PolicySdkError as err:
        click.echo(err.render(), err=True)
        sys.exit(2)
    for name in loaded.unknown_env:
        from policy_sdk.config import KEYS
        from policy_sdk.errors import did_you_mean

        hint = did_you_mean(name, [k.variable for k in KEYS.values()])
        click.echo(f"warning: `{name}` is not a configuration variable"
                   + (f"; {hint}" if hint else ""), err=True)
    if format_ == "json":
        click.echo(json.dumps({
            "file": loaded.file,
            "settings": {k: {"value": s.value, "source": s.source, "where": s.where}
                         for k, s in loaded.settings.items()},
            "unknown_environment": list(loaded.unknown_env),
        }, ensure_ascii=False, indent=2))
        return
    click.echo(f"configuration file: {loaded.file or '(none found)'}")
    width = max(len(k) for k in loaded.settings)
    for key, setting in loaded.settings.items():
        where = f" ({setting.where})" if setting.where else ""
        click.echo(f"{key.ljust(width)}  {_shown(setting.value)}  [{setting.source}{where}]")
