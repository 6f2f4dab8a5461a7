"""What the commands share to write reports: ``-o/--output FILE`` and the file formats
(``html``, ``csv``, ``xlsx``) of ``check``, ``inventory`` and ``plan-cancel``."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from policy_sdk.reports import BINARY_FORMATS

F = TypeVar("F", bound=Callable[..., Any])


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


def emit(data: str | bytes, output: str | None) -> None:
    """``data`` to ``output`` (atomically) or to stdout (in bounded chunks)."""
    from policy_sdk._io import atomic_write, write_stream

    if output is not None:
        atomic_write(output, data)
    elif isinstance(data, bytes):  # pragma: no cover - check_binary refuses it first
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
    else:
        write_stream(sys.stdout, data if data.endswith("\n") else data + "\n")


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
