"""``policy-sdk check``: run policies against deployment facts.

Exit status: 0 when no mandatory rule is violated among the findings the filters
select (or ``--exit-zero``), 1 when one is, 2 on bad input (any policy-sdk error,
printed as diagnostics; never a traceback).
"""

from __future__ import annotations

import datetime as dt
import inspect
import sys
from collections.abc import Iterator, Sequence
from typing import Any

import click

from policy_sdk.cli._selection import NO_DEFAULT_PACK_HELP, POLICY_HELP
from policy_sdk.cli.params import Choice, Date, SafePath, choices_message, fail_option
from policy_sdk.cli.plugins import disabled_names, plugin_options
from policy_sdk.errors import PolicySdkError
from policy_sdk.i18n import N_, _, plural
from policy_sdk.reports.cli import ErrorDocumentCommand, output_option


@click.command("check", cls=ErrorDocumentCommand)
@click.option("--facts", "facts_file", required=True, metavar="FILE",
              help="the facts file: your algorithms, platforms, deployments and filings "
              "(.yaml, .yml or .json)")
@click.option("--policy", "policies", multiple=True, metavar="PATH",
              help=POLICY_HELP)
@click.option("--no-default-pack", is_flag=True, help=NO_DEFAULT_PACK_HELP)
@click.option("--waivers", "waivers_file", type=SafePath(dir_okay=False), metavar="FILE",
              help="a waivers file: findings accepted with a reason, an owner and an expiry "
              "are reported as waived, expired waivers as findings, and severity "
              "overrides apply (docs/waivers.md; default: none)")
@click.option("--rule", "rules", multiple=True, metavar="ID",
              help="only this rule's findings (repeatable); the summary and the exit "
              "status follow what is selected")
@click.option("--algorithm", "algorithms", multiple=True, metavar="ID",
              help="only findings of this algorithm (repeatable)")
@click.option("--platform", "platforms", multiple=True, metavar="ID",
              help="only findings of this platform, per-filing findings of a filing naming "
              "it included (repeatable)")
@click.option("--as-of", "as_of", type=Date(),
              help="the day deadlines are judged on, which decides pending or violated; "
              "YYYY-MM-DD (default: today)")
@click.option("--format", "fmt", default="text", show_default=True, metavar="FORMAT",
              help="output: text for people, json for programs, sarif for code-scanning "
              "tools, html (one self-contained page), csv or xlsx (spreadsheets), or a "
              "format a plugin adds")
@click.option("--severity", type=Choice(["mandatory", "advisory"]),
              help="show only mandatory or only advisory findings (default: both; the "
              "summary counts both, split); `advisory` never exits 1")
@click.option("--all", "include_all", is_flag=True,
              help="also show satisfied and not-applicable findings (default: only violated, "
              "pending and waived)")
@click.option("--exit-zero", is_flag=True, help="exit 0 even when a mandatory rule is violated")
@click.option("--summary", "summary_only", is_flag=True,
              help="print only the summary line (text format)")
@click.option("-q", "--quiet", is_flag=True,
              help="print nothing on standard output: the exit status tells (errors and "
              "warnings still go to standard error; -o FILE is still written)")
@click.option("--calendar", "calendar_file", type=SafePath(dir_okay=False), metavar="FILE",
              help="a calendar file of holidays and adjusted working days for years "
              "the built-in calendar does not know yet (default: no file)")
@click.option("--strict", is_flag=True,
              help="treat facts warnings (e.g. a missing `public_opinion`) as errors: exit 2")
@click.option("--no-plugin-rules", is_flag=True,
              help="run only the policies, not the rules plugins contribute")
@click.option("--color/--no-color", default=None, help="colour the text output, even "
              "through a pipe (default: when writing to a terminal, unless NO_COLOR is set; "
              "FORCE_COLOR forces it)")
@output_option
@plugin_options
def check(
    facts_file: str,
    policies: Sequence[str],
    no_default_pack: bool,
    waivers_file: str | None,
    rules: Sequence[str],
    algorithms: Sequence[str],
    platforms: Sequence[str],
    as_of: dt.date | None,
    fmt: str,
    severity: str | None,
    include_all: bool,
    exit_zero: bool,
    summary_only: bool,
    quiet: bool,
    calendar_file: str | None,
    strict: bool,
    no_plugin_rules: bool,
    color: bool | None,
    output: str | None,
    plugin: Sequence[str],
    disable: Sequence[str],
    no_entrypoints: bool,
) -> None:
    """Check deployment facts against the policies.

    Each rule gives findings that are violated, pending (not met, but the deadline has
    not passed as of --as-of), satisfied or not applicable; with --waivers, a finding
    accepted by a waiver is waived. The default policy pack, the --policy paths beside
    it (with --no-default-pack: instead of it) and the rules installed plugins
    contribute are run.

    Exit status: 0 no mandatory rule is violated among the findings selected by
    --rule, --algorithm, --platform and --severity (or --exit-zero), 1 one is, 2 bad
    input.
    """
    try:
        from policy_sdk.cli._selection import check_pack_options, narrow
        from policy_sdk.engine.engine import Engine, parse_as_of
        from policy_sdk.workdays import WorkdayCalendar

        check_pack_options(policies, no_default_pack, summary_only, fmt)
        calendar = WorkdayCalendar.from_file(calendar_file) if calendar_file else None
        day = parse_as_of(as_of)
        engine = Engine(
            list(policies) if policies else None,
            default_pack=not no_default_pack,
            plugins=tuple(plugin),
            load_entrypoints=not no_entrypoints,
            disabled_plugins=disabled_names(disable),
            plugin_rules=not no_plugin_rules,
            calendar=calendar,
        )
        from policy_sdk.engine import reporters
        from policy_sdk.reports import FILE_FORMATS
        from policy_sdk.reports.cli import check_binary, emit, render_check

        reporter = engine.registry.reporters.get(fmt)
        if reporter is None and fmt not in FILE_FORMATS:  # known once the plugins are loaded
            fail_option("--format", choices_message(
                fmt, sorted({*engine.registry.reporters, *FILE_FORMATS})))
        check_binary(fmt, output)
        from policy_sdk.reports.progress import progress

        text: str | bytes | Iterator[str] | Iterator[bytes]
        with progress(facts_file) as step:  # on stderr, for long runs in a terminal
            step(_("loading facts"))
            facts = engine.load_facts(facts_file)
            if strict:  # facts warnings are errors (policy_sdk.facts.applicability)
                from policy_sdk.facts.applicability import strict as strict_facts

                strict_facts(facts)
            step(_("evaluating"))
            report = engine.evaluate(facts, as_of=day)
            from policy_sdk.facts.applicability import evaluation_warnings

            warned = evaluation_warnings(facts, day, report)  # of the whole evaluation
            report = narrow(report, facts, waivers_file, rules, algorithms, platforms)
            waiver_warnings = report.warnings
            # the JSON report lists them all in one `warnings` array, facts' first
            report = report.with_warnings(warned, first=True)
            step(_("writing the report"))
            if quiet and output is None:  # nothing to write: not even made
                text = ""
            elif summary_only:
                from policy_sdk.reports.text import summary_line

                text = summary_line(report) + "\n"
            elif fmt in FILE_FORMATS:
                text = render_check(fmt, report, facts=facts, include_all=include_all,
                                    severity=severity)
            elif getattr(reporter, "render", None) is reporters.render_json:
                # the built-in JSON report in pieces of about a megabyte in UTF-8, written
                # as made: a report of millions of findings is never held as one text
                text = reporters.iter_json_utf8(report, include_all=include_all,
                                                severity=severity)
            else:
                from policy_sdk.reports.text import use_color as want_color

                use_color = want_color(color) if output is None else bool(color)
                if getattr(reporter, "render", None) is reporters.render_text:
                    # the built-in text report, written as made (findings placed by
                    # light keys, then made a batch at a time): bounded memory
                    from policy_sdk.reports.textstream import iter_text_utf8

                    text = iter_text_utf8(report, include_all=include_all,
                                          severity=severity, color=use_color)
                else:
                    text = _render(reporter, report, include_all=include_all,
                                   severity=severity, color=use_color, facts_file=facts_file)
        for warning in (*engine.warnings, *waiver_warnings):
            click.echo(warning.render(), err=True)
        _facts_warnings_block(warned)
    except PolicySdkError as err:
        click.echo(err.render(), err=True)
        _error_document(fmt, err, as_of, output)
        sys.exit(2)
    try:  # written as it is: colour codes asked for are kept, through a pipe too
        if not quiet or output is not None:
            emit(text, output)
    except PolicySdkError as err:
        click.echo(err.render(), err=True)
        sys.exit(2)
    # only what the filters select decides: --severity advisory hides, and so does not
    # count, the mandatory findings
    failed = report.failed and severity in (None, "mandatory")
    sys.exit(0 if exit_zero or not failed else 1)


#: facts warnings printed per code; the rest of a code are counted in one line (a large
#: facts file can repeat one warning thousands of times)
WARNINGS_PER_CODE = 5


def _facts_warnings_block(warnings: Sequence[Any]) -> None:
    """The facts warnings, in one block on stderr before the findings are written: the
    first :data:`WARNINGS_PER_CODE` of each code, then one line per code counting the
    rest (the JSON report's ``warnings`` lists them all)."""
    if not warnings:
        return
    n = len(warnings)
    lines = [plural(n, N_("{count} warning about the facts and deadlines (`--strict` turns "
                          "the facts' own into errors):"),
                    N_("{count} warnings about the facts and deadlines (`--strict` turns "
                       "the facts' own into errors):"))]
    seen: dict[str, int] = {}  # code -> warnings of that code so far, in order of codes
    for w in warnings:
        shown = seen[w.code] = seen.get(w.code, 0) + 1
        if shown <= WARNINGS_PER_CODE:
            lines.append(w.render())
    for code, count in seen.items():
        if count > WARNINGS_PER_CODE:
            more = count - WARNINGS_PER_CODE
            lines.append(_(
                N_("… and {count} more warning of code `{code}`; all are in the JSON "
                   "report's `warnings` (`--format json`)") if more == 1 else
                N_("… and {count} more warnings of code `{code}`; all are in the JSON "
                   "report's `warnings` (`--format json`)")).format(count=more, code=code))
    click.echo("\n".join(lines) + "\n", err=True)


def _render(reporter: Any, report: Any, **options: Any) -> str:
    """Call a reporter with the options it accepts; a failing plugin is a PluginError."""
    from policy_sdk.errors import Diagnostic, PluginError

    try:
        params = inspect.signature(reporter.render).parameters
    except (TypeError, ValueError):  # pragma: no cover - builtins without a signature
        params = {}  # type: ignore[assignment]
    if not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        options = {k: v for k, v in options.items() if k in params}
    try:
        text = reporter.render(report, **options)
    except PolicySdkError:
        raise
    except Exception as exc:
        raise PluginError(
            [Diagnostic("reporter-failed", f"reporter `{reporter.name}` failed: {exc}")]
        ) from None
    if not isinstance(text, str):
        raise PluginError(
            [Diagnostic("reporter-failed", f"reporter `{reporter.name}` did not return text")]
        )
    return text


def _error_document(fmt: str, err: PolicySdkError, as_of: dt.date | None,
                    output: str | None) -> None:
    """``--format json|sarif`` on bad input: a document carrying the errors, so that a
    CI uploader gets a valid file (the exit status stays 2)."""
    from policy_sdk.engine.engine import parse_as_of
    from policy_sdk.reports.cli import emit
    from policy_sdk.reports.sarif import error_document

    document = error_document(fmt, err, as_of=parse_as_of(as_of))  # default: today in China
    if document is None:
        return
    try:
        emit(document, output)
    except PolicySdkError as failed:
        click.echo(failed.render(), err=True)
