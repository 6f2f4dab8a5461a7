"""``policy-sdk test PATH...``: run policy test files (``*.tests.yaml``)."""

from __future__ import annotations

import sys

import click

from policy_sdk.cli.params import Choice, SafePath
from policy_sdk.cli.plugins import disabled_names, plugin_options
from policy_sdk.errors import PolicySdkError


@click.command("test", short_help="Run policy tests (*.tests.yaml files).")
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--engine",
    "engine",
    type=Choice(["engine", "reference"]),
    default="engine",
    show_default=True,
    help="run the cases on the engine, or on the reference interpreter (which follows "
    "docs/semantics.md literally, to cross-check the engine)",
)
@click.option("--calendar", "calendar_file", default=None, type=SafePath(dir_okay=False),
              metavar="FILE",
              help="a calendar file of holidays and adjusted working days for years "
              "the built-in calendar does not know yet (default: no file)")
@plugin_options
@click.option("--no-coverage", is_flag=True, help="do not report rule coverage")
@click.option("-v", "--verbose", is_flag=True, help="list every case")
def test(
    paths: tuple[str, ...], engine: str, calendar_file: str | None, plugin: tuple[str, ...],
    disable: tuple[str, ...], no_entrypoints: bool, no_coverage: bool, verbose: bool,
) -> None:
    """Run the policy tests in PATHS (test files, or folders searched for *.tests.yaml).

    Exit status: 0 all passed, 1 some failed, 2 bad input.
    """
    from policy_sdk.policytest import engine_rule_set, reference_rule_set, render, run

    try:
        calendar = None
        if calendar_file is not None:
            from policy_sdk.workdays import WorkdayCalendar

            calendar = WorkdayCalendar.from_file(calendar_file)
        factory = reference_rule_set if engine == "reference" else engine_rule_set
        options: dict[str, object] = {}
        if plugin or disable or no_entrypoints:
            options = {"plugins": plugin, "disabled_plugins": disabled_names(disable),
                       "load_entrypoints": not no_entrypoints}
        result = run(list(paths), factory=factory, calendar=calendar,
                     with_coverage=not no_coverage, plugin_options=options)
    except PolicySdkError as exc:
        click.echo(exc.render(), err=True)
        sys.exit(2)
    from policy_sdk.cli._output import emit

    emit(render(result, coverage=not no_coverage, verbose=verbose))
    sys.exit(result.exit_code)
