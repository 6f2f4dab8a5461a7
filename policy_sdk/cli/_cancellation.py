"""What ``inventory`` and ``plan-cancel`` share: their common options, loading plugins,
facts and the calendar, reporting errors (exit 2), JSON or table output."""

from __future__ import annotations

import datetime as dt
import functools
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn, TypeVar

import attrs
import click

from policy_sdk.cli.params import Choice, Date, SafePath
from policy_sdk.errors import PolicySdkError
from policy_sdk.i18n import _
from policy_sdk.reports.cli import ErrorDocumentCommand

R = TypeVar("R")


@attrs.frozen
class Loaded:
    facts: Any  # policy_sdk.facts.model.Facts
    capabilities: Mapping[str, Any]
    strategies: Mapping[str, Any]
    calendar: Any  # policy_sdk.workdays.WorkdayCalendar
    #: the loaded plugins' infos (for a report's audit header)
    plugins: tuple[Any, ...] = ()


class CancellationCommand(ErrorDocumentCommand):
    """``inventory`` and ``plan-cancel``: with ``--format json``, a usage error also
    writes ``check``'s error document (they have no SARIF)."""

    document_formats = ("json",)


def fail(err: PolicySdkError, common: Common | None = None) -> NoReturn:
    """Print ``err`` as diagnostics and exit 2; with ``--format json`` (``common``), also
    write the error document, as ``check`` does (the same function writes it)."""
    click.echo(err.render(), err=True)
    if common is not None and common.fmt in CancellationCommand.document_formats:
        from policy_sdk.cli.check import _error_document

        _error_document(common.fmt, err, common.as_of, common.output_file)
    sys.exit(2)


@contextmanager
def reporting_errors(common: Common | None = None) -> Iterator[None]:
    """Print any :class:`PolicySdkError` as diagnostics and exit 2 (never a traceback);
    given the command's ``common`` options, with ``--format json`` the error document
    is written too (bad facts, a stop that names nothing, …)."""
    try:
        yield
    except PolicySdkError as err:
        fail(err, common)


@attrs.frozen
class Common:
    """The common options of a command, ``--as-of`` parsed (default: the real today)."""

    facts_file: str
    as_of: dt.date
    calendar_file: str | None
    fmt: str
    plugin: tuple[str, ...]
    disable: tuple[str, ...]
    no_entrypoints: bool
    #: ``-o/--output FILE``, or None for stdout
    output_file: str | None = None

    def load(self, check_registry: Callable[[Any], None] | None = None) -> Loaded:
        """Plugins first (they bring the platform types), then the facts, then the calendar.

        ``check_registry(registry)`` runs once the plugins are loaded and before the facts
        are read, for option values only the plugins can judge (``--strategy``)."""
        from policy_sdk.cli.plugins import disabled_names
        from policy_sdk.facts import load_facts  # type: ignore[attr-defined, unused-ignore]
        from policy_sdk.plugins import load_registry
        from policy_sdk.workdays import WorkdayCalendar, default_calendar

        registry = load_registry(
            plugins=self.plugin,
            load_entrypoints=not self.no_entrypoints,
            disabled=disabled_names(self.disable),
        )
        if check_registry is not None:
            check_registry(registry)
        from policy_sdk.reports.progress import progress

        with progress(self.facts_file) as step:  # on stderr, for long loads in a terminal
            step(_("loading facts"))
            facts = load_facts(self.facts_file, platform_types=registry.platform_types)
        calendar = (
            WorkdayCalendar.from_file(self.calendar_file, base=default_calendar())
            if self.calendar_file
            else default_calendar()
        )
        return Loaded(
            facts=facts,
            capabilities={
                name: spec.capabilities for name, spec in registry.platform_types.items()
            },
            strategies=dict(registry.strategies),
            calendar=calendar,
            plugins=tuple(registry.plugins),
        )

    def output(self, result: R, render: Callable[[R], None], loaded: Loaded | None = None
               ) -> None:
        """``result.to_json()`` for ``--format json``, html/csv/xlsx (with ``loaded``),
        else ``render(result)`` as tables; to ``-o FILE`` when given."""
        from policy_sdk.cli._output import captured
        from policy_sdk.cli._output import emit as emit_stdout
        from policy_sdk.reports import FILE_FORMATS
        from policy_sdk.reports.cli import emit, render_cancellation

        if self.fmt in FILE_FORMATS and loaded is not None:
            with reporting_errors():
                data = render_cancellation(self.fmt, result, loaded=loaded)
                emit(data, self.output_file)
        elif self.output_file is not None:
            import contextlib
            import io

            buffer = io.StringIO()
            if self.fmt == "json":
                buffer.write(result.to_json() + "\n")  # type: ignore[attr-defined]
            else:
                with contextlib.redirect_stdout(buffer):
                    render(result)
            with reporting_errors():
                emit(buffer.getvalue(), self.output_file)
        elif self.fmt == "json":
            emit_stdout(result.to_json())  # type: ignore[attr-defined]
        else:
            emit_stdout(captured(lambda: render(result)), nl=False)


def fail_on_overdue_option(command: Callable[..., None]) -> Callable[..., None]:
    """``--fail-on-overdue``: exit 1 when an overdue item exists (for CI and cron)."""
    func: Callable[..., None] = click.option(
        "--fail-on-overdue", is_flag=True,
        help="exit 1 when a cancellation or change is overdue (default: exit 0 whatever "
        "is due), after writing the output")(command)
    return func


def exit_for_overdue(flag: bool, overdue: Sequence[str]) -> None:
    """With ``--fail-on-overdue``, exit 1 when ``overdue`` (filing numbers) is not empty
    (a line on stderr names them); else return."""
    if flag and overdue:
        from policy_sdk.i18n import _

        numbers = ", ".join(f"`{n}`" for n in sorted(set(overdue)))
        click.echo(_("overdue for cancellation or change: {numbers}").format(numbers=numbers),
                   err=True)
        sys.exit(1)


def common_options(command: Callable[..., None]) -> Callable[..., None]:
    """``--facts FILE``, ``--as-of DATE``, ``--calendar FILE``, ``--format``, plugin options,
    handed to ``command`` as one :class:`Common` (its first argument)."""
    from policy_sdk.cli.plugins import plugin_options

    @functools.wraps(command)
    def with_common(
        facts_file: str,
        as_of: dt.date | None,
        calendar_file: str | None,
        fmt: str,
        plugin: tuple[str, ...],
        disable: tuple[str, ...],
        no_entrypoints: bool,
        output: str | None = None,
        **own: Any,
    ) -> None:
        from policy_sdk.reports.cli import check_binary

        check_binary(fmt, output)
        common = Common(
            facts_file=facts_file,
            as_of=as_of or _today(),
            calendar_file=calendar_file,
            fmt=fmt,
            plugin=plugin,
            disable=disable,
            no_entrypoints=no_entrypoints,
            output_file=output,
        )
        command(common, **own)

    from policy_sdk.reports.cli import output_option

    func: Callable[..., None] = output_option(plugin_options(with_common))
    func = click.option(
        "--format",
        "fmt",
        type=Choice(["text", "json", "html", "csv", "xlsx"]),
        metavar="FORMAT",
        default="text",
        show_default=True,
        help="output: text tables for people, json for programs, html (one "
        "self-contained page), csv or xlsx (spreadsheets)",
    )(func)
    func = click.option(
        "--calendar",
        "calendar_file",
        type=SafePath(dir_okay=False),
        metavar="FILE",
        help="a calendar file of holidays and adjusted working days for years the "
        "built-in calendar does not know yet (default: no file)",
    )(func)
    func = click.option(
        "--as-of", "as_of", type=Date(),
        help="the date deadlines are judged on, YYYY-MM-DD (default: today)"
    )(func)
    func = click.option(
        "--facts",
        "facts_file",
        required=True,
        type=SafePath(),  # a folder is for the loader to word, as on `check`
        metavar="FILE",
        help="the facts file: your algorithms, platforms, deployments and filings "
        "(.yaml, .yml or .json)",
    )(func)
    return func


# --- tables -------------------------------------------------------------------


def console() -> Any:
    """A console as wide as the terminal (``COLUMNS``, else 80 through a pipe): tables
    wrap their cells to fit, never cutting an identifier short."""
    from policy_sdk.reports.tables import console as make

    return make()


def table(title: str, columns: Sequence[str]) -> Any:
    """A left-titled rich table with these columns; cells wrap (a long identifier is
    folded over lines, never cut short with an ellipsis)."""
    from policy_sdk.reports.tables import table as make

    return make(title, columns)


def cell(value: str) -> str:
    """User text for a table cell: shown as it is (no markup; control characters
    escaped)."""
    from policy_sdk.reports.tables import cell as make

    return make(value)


def date_cell(d: dt.date | None, provisional: bool = False) -> str:
    """A date, ``-`` for none; a provisional deadline says so (docs/calendar.md)."""
    if d is None:
        return "-"
    return d.isoformat() + (_(" (provisional)") if provisional else "")


def overdue_cell(flag: bool) -> str:  # markup of ours, not user text
    return "[bold red]" + _("overdue") + "[/]" if flag else ""


def _today() -> dt.date:
    """The default as-of date: today in China (:func:`policy_sdk.clock.today`)."""
    from policy_sdk.clock import today

    return today()
