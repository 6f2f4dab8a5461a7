"""CSV and XLSX exports for the teams that work in spreadsheets.

One row per finding with the JSON report's fields (locations flattened into their
parts, lists joined), one row per filing for the inventory, one row per planned
filing for a plan. Values are kept as Python values until written: in XLSX dates are
real date cells and numbers numbers; in CSV dates are ``YYYY-MM-DD``.

Spreadsheet safety: a text cell that a spreadsheet would run as a formula (it begins
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is written in CSV with a
leading ``'``; in XLSX it is stored as text, unchanged.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any, Final

from policy_sdk.reports.meta import AuditMeta, WorkdayCalendarLike, days_left

Row = tuple[Any, ...]
Sheet = tuple[str, tuple[str, ...], list[Row]]

FINDING_COLUMNS: Final = (
    "rule", "status", "severity", "algorithm", "platform", "platforms", "filing",
    "message", "citation", "remedy", "deadline", "working_days_left", "explanation",
    "origin", "policy_file", "policy_line", "policy_column", "facts_path", "facts_line",
)
_STATUSES: Final = ("violated", "pending", "waived", "satisfied", "not_applicable")
_FORMULA: Final = ("=", "+", "-", "@", "\t", "\r")


def finding_rows(report: Any, *, include_all: bool = False,
                 severity: str | None = None) -> list[Row]:
    """The rows of the findings the JSON report lists, in its order (with the
    findings' own ``working_days_left``)."""
    statuses = _STATUSES if include_all else ("violated", "pending", "waived")
    rows: list[Row] = []
    for f in report.select(statuses, severity=severity):
        span = f.span
        platforms = (f.platform,) if f.platform is not None else tuple(f.platforms)
        rows.append((
            f.rule, f.status, f.severity, f.algorithm, f.platform, list(platforms), f.filing,
            f.message, f.citation, f.remedy, f.deadline, f.working_days_left,
            list(f.explanation), f.origin,
            span.file if span else None, span.line if span else None,
            span.column if span else None, f.facts_path, f.facts_line,
        ))
    return rows


INVENTORY_COLUMNS: Final = (
    "filing", "algorithm", "algorithm_name", "algorithm_types", "platforms",
    "platform_types", "status", "deployment_state", "deployments", "due", "stopped_platforms",
    "stopped_on", "deadline", "overdue", "working_days_left",
)


def inventory_sheets(inv: Any, calendar: WorkdayCalendarLike) -> list[Sheet]:
    """``filings`` (one row per filing, with what is due of it), ``unfiled``, ``orphans``."""
    left = days_left(calendar, inv.as_of)
    due: dict[str, tuple[str, Any]] = {}
    for kind, items in (("cancellation", inv.cancellation_due), ("change", inv.changes_due)):
        for d in items:
            due[d.filing] = (kind, d)
    rows: list[Row] = []
    for f in inv.filings:
        kind, d = due.get(f.filing, ("", None))
        rows.append((
            f.filing, f.algorithm, f.algorithm_name, list(f.algorithm_types), list(f.platforms),
            list(f.platform_types), f.status, f.deployment_state,
            [f"{x.platform} ({x.state})" for x in f.deployments], kind or None,
            list(d.stopped_platforms) if d else None, d.stopped_on if d else None,
            d.deadline if d else None, d.overdue if d else None,
            left(d.deadline) if d else None,
        ))
    unfiled = [
        (u.algorithm, u.platform, u.platform_type, u.status, u.launched_on,
         u.uses_recommendation)
        for u in inv.unfiled
    ]
    orphans = [(o.filing, o.algorithm, list(o.platforms), list(o.undeployed))
               for o in inv.orphans]
    return [
        ("filings", INVENTORY_COLUMNS, rows),
        ("unfiled", ("algorithm", "platform", "platform_type", "status", "launched_on",
                     "uses_recommendation"), unfiled),
        ("orphans", ("filing", "algorithm", "platforms", "undeployed"), orphans),
    ]


PLAN_COLUMNS: Final = (
    "action", "batch", "filing", "algorithm", "platforms", "remove", "keep", "stopped_on",
    "deadline", "overdue", "working_days_left", "reason", "materials",
)


def plan_sheets(plan: Any, calendar: WorkdayCalendarLike) -> list[Sheet]:
    """``plan``: one row per filing the plan cancels (batch or single), changes, leaves
    as an orphan (never launched where it names: handled on its own) or keeps."""
    left = days_left(calendar, plan.as_of)
    rows: list[Row] = []
    for i, b in enumerate(plan.batches, 1):
        for f in b.filings:
            rows.append(("batch", i, f.filing, f.algorithm, list(f.platforms), None, None,
                         f.stopped_on, f.deadline, f.overdue, left(f.deadline), b.reason,
                         list(b.materials)))
    for s in plan.singles:
        f = s.filing
        rows.append(("single", None, f.filing, f.algorithm, list(f.platforms), None, None,
                     f.stopped_on, f.deadline, f.overdue, left(f.deadline), s.reason,
                     list(s.materials)))
    for c in plan.changes:
        rows.append(("change", None, c.filing, c.algorithm, list(c.platforms), list(c.remove),
                     list(c.keep), c.stopped_on, c.deadline, c.overdue, left(c.deadline),
                     c.reason, None))
    for o in plan.orphans:
        rows.append(("orphan", None, o.filing, o.algorithm, list(o.platforms), None, None,
                     None, None, None, None, o.reason, None))
    for k in plan.kept:
        rows.append(("kept", None, k.filing, k.algorithm, list(k.platforms), None,
                     list(k.running_platforms), None, None, None, None, k.reason, None))
    return [("plan", PLAN_COLUMNS, rows)]


# --- writers ------------------------------------------------------------------------


def _text(value: Any, sep: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return sep.join(map(str, value))
    return str(value)


def _safe(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA) else text


def to_csv(columns: Sequence[str], rows: Iterable[Row]) -> str:
    """RFC 4180 CSV with a UTF-8 byte order mark (so spreadsheet programs read the
    Chinese text as UTF-8); lists joined with ``; `` (explanations with line breaks)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([
            v if isinstance(v, int) and not isinstance(v, bool) else _safe(
                _text(v, "\n" if col == "explanation" else "; "))
            for col, v in zip(columns, row, strict=True)
        ])
    return out.getvalue()


def to_xlsx(sheets: Sequence[Sheet], meta: AuditMeta | None = None) -> bytes:
    """An XLSX workbook: one sheet per table (header row frozen, filters on), and a
    ``meta`` sheet with the audit header."""
    try:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter
    except ImportError:
        from policy_sdk.reports.html import missing_extra

        raise missing_extra("xlsx", "openpyxl") from None

    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def text(value: str) -> str:
        """XML cannot hold most control characters: they are written escaped (\\x1b)."""
        if ILLEGAL_CHARACTERS_RE.search(value) is None:
            return value
        return ILLEGAL_CHARACTERS_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", value)

    wb = Workbook(write_only=True)
    if meta is not None:  # a fixed date: the same input gives the same file
        stamp = dt.datetime.combine(meta.as_of, dt.time())
        wb.properties.created = wb.properties.modified = stamp
        wb.properties.creator = f"policy-sdk {meta.tool_version}"
    bold = Font(bold=True)
    for title, columns, rows in sheets:
        ws = wb.create_sheet(title)
        for i, col in enumerate(columns, 1):
            width = 14 if col not in ("message", "remedy", "explanation", "reason") else 48
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "A2"
        if columns:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(1, len(rows) + 1)}"
        header = []
        for col in columns:
            cell = WriteOnlyCell(ws, value=col)
            cell.font = bold
            header.append(cell)
        ws.append(header)
        for row in rows:
            cells = []
            for col, v in zip(columns, row, strict=True):
                if isinstance(v, list | tuple):
                    v = ("\n" if col == "explanation" else "; ").join(map(str, v))
                if isinstance(v, str):
                    v = text(v)
                cell = WriteOnlyCell(ws, value=v)
                if isinstance(v, str) and v.startswith("="):
                    cell.data_type = "s"  # text, never a formula
                elif type(v) is dt.date:
                    cell.number_format = "yyyy-mm-dd"
                cells.append(cell)
            ws.append(cells)
    if meta is not None:
        ws = wb.create_sheet("meta")
        ws.column_dimensions["A"].width = 20
        ws.column_dimensions["B"].width = 80
        for key, value in _meta_rows(meta):
            cell = WriteOnlyCell(ws, value=text(value) if isinstance(value, str) else value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"
            elif type(value) is dt.date:
                cell.number_format = "yyyy-mm-dd"
            ws.append([key, cell])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _meta_rows(meta: AuditMeta) -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = [
        ("organization", meta.organization),
        ("as_of", meta.as_of),
        ("facts_file", meta.facts.name if meta.facts else None),
        ("facts_sha256", meta.facts.sha256 if meta.facts else None),
        ("tool", f"policy-sdk {meta.tool_version}"),
        ("pack", meta.pack),
        ("rules_sha256", meta.rules_sha256),
    ]
    rows += [(f"policy ({p.kind})", f"{p.name} sha256:{p.sha256 or '-'}") for p in meta.policies]
    rows += [("plugin", f"{p.name} {p.version or ''} ({p.where})") for p in meta.plugins]
    return rows
