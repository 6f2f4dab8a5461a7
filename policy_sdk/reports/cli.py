"""What the commands share to write reports: ``-o/--output FILE`` and the file formats
(``html``, ``csv``, ``xlsx``) of ``check``, ``inventory`` and ``plan-cancel``."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterable
from typing import Any, Final, TypeVar

import click

from policy_sdk.reports import BINARY_FORMATS

F = TypeVar("F", bound=Callable[..., Any])


#: the formats that write a document carrying the errors on bad input
DOCUMENT_FORMATS: Final = ("json", "sarif")


class ErrorDocumentCommand(click.Command):
    """A command whose ``--format json|sarif`` also writes the error document on a
    usage error (a bad ``--as-of``, a missing ``--facts``, an unknown ``--severity``),
    when the format asked for is known: a CI step that uploads the file gets a valid
    one whatever went wrong. The usage error itself is reported as always (stderr,
    exit status 2)."""

    #: the formats of this command that have an error document
    document_formats: tuple[str, ...] = DOCUMENT_FORMATS

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        given = list(args)  # the parser consumes the list
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as err:
            fmt, output, as_of = _options_in(given)
            if fmt in self.document_formats:
                _usage_document(fmt, err, output, as_of)
            raise

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as err:  # a value checked once plugins are loaded
            as_of = ctx.params.get("as_of")
            if ctx.params.get("fmt") in self.document_formats:
                _usage_document(ctx.params.get("fmt"), err, ctx.params.get("output"),
                                as_of.isoformat() if as_of is not None else None)
            raise


def _options_in(args: list[str]) -> tuple[str | None, str | None, str | None]:
    """``--format``, ``-o/--output`` and ``--as-of`` as written in ``args`` (the last of
    each, as click takes them; nothing after ``--``)."""
    found: dict[str, str] = {}
    names = {"--format": "fmt", "-o": "output", "--output": "output", "--as-of": "as_of"}
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            break
        name, eq, value = arg.partition("=")
        if eq and name in names and name != "-o":
            found[names[name]] = value
        elif arg in names and i + 1 < len(args):
            found[names[arg]] = args[i + 1]
            i += 1
        elif arg.startswith("-o") and not arg.startswith("--") and len(arg) > 2:
            found["output"] = arg[2:]
        i += 1
    return found.get("fmt"), found.get("output"), found.get("as_of")


def _usage_document(fmt: str | None, err: click.UsageError, output: str | None,
                    as_of: str | None) -> None:
    """The error document of ``fmt`` (json, sarif; else nothing) for a usage error: its
    ``as_of`` is the day asked for (null when that is what is wrong), today in China
    when none was asked for."""
    if fmt not in DOCUMENT_FORMATS:
        return
    from policy_sdk.engine.engine import parse_as_of
    from policy_sdk.errors import Diagnostic, PolicySdkError
    from policy_sdk.reports.sarif import error_document

    try:
        day: Any = parse_as_of(as_of)
    except PolicySdkError:
        day = None
    problem = PolicySdkError([Diagnostic("usage", err.format_message())])
    document = error_document(fmt, problem, as_of=day)
    if document is None:  # pragma: no cover - both formats have one
        return
    # -o may be what is wrong (a folder, say): then no document; stderr says why
    with contextlib.suppress(PolicySdkError):
        emit(document, output)


def output_option(func: F) -> F:
    """``-o/--output FILE``: write the output to FILE (atomically) instead of stdout."""
    from policy_sdk.cli.params import SafePath

    return click.option(
        "-o", "--output", "output", type=SafePath(dir_okay=False), metavar="FILE",
        help="write the output to FILE, whole or not at all (required for xlsx; "
        "default: standard output)",
    )(func)


def check_binary(fmt: str, output: str | None) -> None:
    """A binary format (xlsx) goes to a file: a usage error without ``-o``."""
    if fmt in BINARY_FORMATS and output is None:
        from policy_sdk.cli.params import fail_option

        fail_option("--output", f"the `{fmt}` format is written to a file: add `-o FILE`")


def emit(data: str | bytes | Iterable[str] | Iterable[bytes], output: str | None) -> None:
    """``data`` to ``output`` (atomically) or to stdout (in bounded chunks); an iterable
    of text pieces, or of UTF-8 pieces (a streamed report, ending in its newline), is
    written as it comes."""
    from policy_sdk._io import atomic_write, write_stream

    if output is not None:
        atomic_write(output, data)
    elif isinstance(data, bytes):  # pragma: no cover - check_binary refuses it first
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
    elif isinstance(data, str):
        write_stream(sys.stdout, data if data.endswith("\n") else data + "\n")
    else:
        write_stream(sys.stdout, data)


def render_check(
    fmt: str, report: Any, *, facts: Any, include_all: bool, severity: str | None,
) -> str | bytes:
    """A check report in a file format (its audit header: the report's ``meta``)."""
    if fmt == "html":
        from policy_sdk.reports.html import check_html

        return check_html(report, facts=facts, include_all=include_all, severity=severity)
    from policy_sdk.reports import tabular
    from policy_sdk.reports.html import _audit

    rows = tabular.finding_rows(report, include_all=include_all, severity=severity)
    if fmt == "csv":
        return tabular.to_csv(tabular.FINDING_COLUMNS, rows)
    return tabular.to_xlsx([("findings", tabular.FINDING_COLUMNS, rows)],
                           _audit(report.meta, report.as_of))


def render_cancellation(fmt: str, result: Any, *, loaded: Any) -> str | bytes:
    """An inventory or a plan in a file format (its audit header:
    :func:`policy_sdk.provenance.facts_meta`)."""
    from policy_sdk.cancellation.model import Inventory
    from policy_sdk.provenance import facts_meta
    from policy_sdk.reports.meta import AuditMeta

    meta = AuditMeta.from_meta(facts_meta(loaded.facts, result.as_of,
                                          getattr(loaded, "plugins", ())))
    inventory = isinstance(result, Inventory)
    if fmt == "html":
        from policy_sdk.reports import html

        make = html.inventory_html if inventory else html.plan_html
        return make(result, meta=meta, facts=loaded.facts, calendar=loaded.calendar)
    from policy_sdk.reports import tabular

    sheets = (tabular.inventory_sheets(result, loaded.calendar) if inventory
              else tabular.plan_sheets(result, loaded.calendar))
    if fmt == "csv":
        _, columns, rows = sheets[0]
        return tabular.to_csv(columns, rows)
    return tabular.to_xlsx(sheets, meta)
