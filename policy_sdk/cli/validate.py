"""``policy-sdk validate``: parse and statically check policies (and a facts file).

Every problem of every file is printed: syntax errors first (file by file), then
facts errors, then schema errors (unknown names, type errors, …). Exit status: 0 when
there is no error (warnings are printed), 2 when there is one. Never a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click

from policy_sdk.cli.plugins import disabled_names, plugin_options
from policy_sdk.errors import Diagnostic, PolicySdkError
from policy_sdk.i18n import N_, _, plural


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
    from policy_sdk import pipeline
    from policy_sdk.facts import load_facts

    errors: list[Diagnostic] = []
    warnings: list[Diagnostic] = []
    rules = plugin_rules = 0
    files: tuple[Path, ...] = ()
    try:
        registry = pipeline.load_registry(tuple(plugin), load_entrypoints=not no_entrypoints,
                                          disabled=disabled_names(disable))
        # the same stages as `check` and `test`: every problem is collected, not raised
        policy_set = pipeline.load_policy_set(list(policies) if policies else None, registry,
                                              plugin_rules=not no_plugin_rules, problems=errors)
        facts = None
        if facts_file is not None:
            try:
                facts = load_facts(facts_file, platform_types=registry.platform_types)
                warnings.extend(facts.warnings)
            except PolicySdkError as err:
                errors.extend(err.diagnostics)
        checked = pipeline.check_policy_set(policy_set, pipeline.schema_for(registry, facts),
                                            registry.functions)
        errors.extend((*checked.errors, *checked.plugin_errors))
        warnings.extend(checked.warnings)
        rules = len(policy_set.rule_ids(plugins=False))
        plugin_rules = len(policy_set.rule_ids()) - rules
        files = policy_set.files
    except PolicySdkError as err:
        errors.extend(err.diagnostics)
    for d in warnings:
        click.echo(d.render(), err=True)
    if errors:
        for d in errors:
            click.echo(d.render(), err=True)
        n = sum(1 for d in errors if d.level == "error")
        click.echo(plural(n, N_("{count} error"), N_("{count} errors")), err=True)
        sys.exit(2)
    w = len(warnings)
    facts_note = _(" and `{file}`").format(file=facts_file) if facts_file else ""
    from policy_sdk.cli._output import emit

    emit(_("ok: {rules} in {files}{facts}, {warnings}").format(
        rules=plural(rules, N_("{count} rule"), N_("{count} rules")),
        files=plural(len(files), N_("{count} file"), N_("{count} files")),
        facts=facts_note,
        warnings=plural(w, N_("{count} warning"), N_("{count} warnings")))
         + (_("; {rules} checked").format(rules=plural(
             plugin_rules, N_("{count} plugin rule"), N_("{count} plugin rules")))
            if plugin_rules else ""))
    sys.exit(0)

