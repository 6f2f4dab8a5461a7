"""``policy-sdk validate``: parse and statically check policies (and a facts file).

Every problem of every file is printed: syntax errors first (file by file), then
facts errors, then schema errors (unknown names, type errors, …). Exit status: 0 when
there is no error (warnings are printed), 2 when there is one. Never a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from policy_sdk import ast
from policy_sdk.cli.plugins import disabled_names, plugin_options
from policy_sdk.errors import Diagnostic, PolicySdkError
from policy_sdk.i18n import N_, _, plural
from policy_sdk.resources import default_policies_dir


@click.command("validate", short_help="Check policy files without running them.")
@click.argument("policies", nargs=-1, type=str, metavar="[POLICY]...")
@click.option("--facts", "facts_file", type=str, metavar="FILE",
              help="also load this facts file and accept the attributes and record kinds it "
              "declares (default: only those of the core and the plugins)")
@click.option("--no-plugin-rules", is_flag=True,
              help="check only the given policies, not the rules plugins contribute")
@click.option("--no-default-pack", is_flag=True,
              help="check the policies alone, not beside the default policy pack (as "
              "`check --no-default-pack` runs them)")
@plugin_options
def validate(policies: Sequence[str], facts_file: str | None, no_plugin_rules: bool,
             no_default_pack: bool, plugin: Sequence[str], disable: Sequence[str],
             no_entrypoints: bool) -> None:
    """Check policy files (and folders of *.policy files) without running them.

    Without a POLICY, the current folder is checked (its *.policy files, recursively),
    as `test` and `fmt` do; a folder with none: the default pack alone. The policies
    are checked beside the default policy pack and the rules plugins contribute, as
    `check --policy` runs them (a rule id used twice is an error). The options
    --no-default-pack and --no-plugin-rules leave those out.

    Exit status: 0 no error (warnings are printed), 2 an error.
    """
    from policy_sdk import pipeline
    from policy_sdk.facts import load_facts

    errors: list[Diagnostic] = []
    warnings: list[Diagnostic] = []
    rules = plugin_rules = pack_rules = 0
    files: tuple[Path, ...] = ()
    try:
        registry = pipeline.load_registry(tuple(plugin), load_entrypoints=not no_entrypoints,
                                          disabled=disabled_names(disable))
        # the same stages as `check` and `test`: every problem is collected, not raised
        paths: list[str] | None = list(policies) or (
            ["."] if pipeline.expand_policy_paths(["."])[0] else None)
        if paths is None:  # nothing here: the pack alone, as it is read for `check`
            no_default_pack = True
        policy_set = pipeline.load_policy_set(paths, registry,
                                              plugin_rules=not no_plugin_rules, problems=errors,
                                              default_pack=not no_default_pack)
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
        # what the user's files hold, the default pack's rules counted apart
        pack_dir = default_policies_dir()
        pack_files = [] if no_default_pack else pipeline.expand_policy_paths([pack_dir])[0]
        pack = {os.path.realpath(f) for f in pack_files}
        files = tuple(f for f in policy_set.files if os.path.realpath(f) not in pack)
        names = {pipeline.DEFAULT_PACK_PREFIX + f.relative_to(pack_dir).as_posix()
                 for f in pack_files}
        rules = sum(len(list(ast.rule_ids(m.module))) for m in policy_set.modules
                    if m.origin not in names)
        pack_rules = len(policy_set.rule_ids(plugins=False)) - rules
        plugin_rules = len(policy_set.rule_ids()) - rules - pack_rules
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
         + (_("; beside the {rules} of the default pack").format(rules=plural(
             pack_rules, N_("{count} rule"), N_("{count} rules"))) if pack_rules else "")
         + (_("; {rules} checked").format(rules=plural(
             plugin_rules, N_("{count} plugin rule"), N_("{count} plugin rules")))
            if plugin_rules else ""))
    sys.exit(0)

