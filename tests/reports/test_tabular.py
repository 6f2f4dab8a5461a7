"""CSV and XLSX exports, read back with the csv module and openpyxl and compared with
the JSON report (the same findings, the same fields, dates as dates)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from policy_sdk.engine.report import Finding, Report
from policy_sdk.reports import tabular
from policy_sdk.reports.meta import days_left
from policy_sdk.workdays import default_calendar

from .reports_support import AS_OF, COMPANY, run_cli


def _json(command: str, *extra: str) -> Any:
    code, out, err = run_cli([command, "--facts", str(COMPANY), "--as-of", AS_OF,
                              "--format", "json", *extra])
    assert code in (0, 1), err
    return json.loads(out)


def _export(tmp_path: Path, command: str, fmt: str, *extra: str) -> Path:
    path = tmp_path / f"{command}.{fmt}"
    code, out, err = run_cli([command, "--facts", str(COMPANY), "--as-of", AS_OF,
                              "--format", fmt, "-o", str(path), *extra])
    assert code in (0, 1), err
    assert out == ""
    return path


def _csv_rows(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith("\ufeff".encode())  # spreadsheet programs read UTF-8 by it
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def _flat(f: dict[str, Any]) -> dict[str, Any]:
    """A JSON finding in the export's columns."""
    policy = f.get("policy_location") or {}
    facts = f.get("facts_location") or {}
    out = {k: f[k] for k in ("rule", "status", "severity", "algorithm", "platform", "filing",
                             "message", "citation", "remedy", "deadline", "origin")}
    out["explanation"] = "\n".join(f["explanation"])
    out["policy_file"] = policy.get("file")
    out["policy_line"] = policy.get("line")
    out["facts_path"] = facts.get("path")
    out["facts_line"] = facts.get("line")
    return out


@pytest.mark.parametrize("extra", [(), ("--all",), ("--severity", "advisory")])
def test_findings_csv_has_the_json_findings_in_order(tmp_path: Path, extra: tuple[str, ...]
                                                     ) -> None:
    findings = _json("check", *extra)["findings"]
    rows = _csv_rows(_export(tmp_path, "check", "csv", *extra))
    assert list(rows[0]) == list(tabular.FINDING_COLUMNS)
    assert len(rows) == len(findings)
    for row, f in zip(rows, findings, strict=True):
        for key, value in _flat(f).items():
            assert row[key] == ("" if value is None else str(value)), key


def test_findings_xlsx_has_dates_as_dates(tmp_path: Path) -> None:
    findings = _json("check")["findings"]
    book = openpyxl.load_workbook(_export(tmp_path, "check", "xlsx"))
    assert book.sheetnames == ["findings", "meta"]
    sheet = book["findings"]
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == list(tabular.FINDING_COLUMNS)
    assert len(values) - 1 == len(findings) == 13
    col = {c: i for i, c in enumerate(values[0])}
    for row, f in zip(values[1:], findings, strict=True):
        flat = _flat(f)
        for key in ("rule", "status", "algorithm", "platform", "filing", "message",
                    "explanation", "facts_line", "policy_line"):
            assert row[col[key]] == flat[key], key
        deadline = row[col["deadline"]]
        if f["deadline"] is None:
            assert deadline is None
        else:  # a real date cell, shown as YYYY-MM-DD
            assert isinstance(deadline, dt.datetime)
            assert deadline.date().isoformat() == f["deadline"]
        left = row[col["working_days_left"]]
        assert (left is None) == (f["deadline"] is None)
    dated = [c for c in sheet["K"][1:] if c.value is not None]
    assert dated
    assert all(c.number_format == "yyyy-mm-dd" for c in dated)
    meta: dict[Any, Any] = {row[0]: row[1] for row in book["meta"].iter_rows(values_only=True)}
    assert meta["organization"] == "示例科技有限公司"
    assert len(str(meta["facts_sha256"])) == 64


def test_inventory_csv_and_xlsx(tmp_path: Path) -> None:
    inv = _json("inventory")
    rows = _csv_rows(_export(tmp_path, "inventory", "csv"))
    assert [r["filing"] for r in rows] == [f["filing"] for f in inv["filings"]]
    due = {d["filing"]: d for d in inv["cancellation_due"]}
    for r in rows:
        if r["filing"] in due:
            assert r["due"] == "cancellation"
            assert r["deadline"] == due[r["filing"]]["deadline"]
            assert r["overdue"] == str(due[r["filing"]]["overdue"]).lower()
    book = openpyxl.load_workbook(_export(tmp_path, "inventory", "xlsx"))
    assert book.sheetnames == ["filings", "unfiled", "orphans", "meta"]
    assert book["filings"].max_row == len(inv["filings"]) + 1
    assert book["orphans"].max_row == len(inv["orphans"]) + 1


def test_plan_csv(tmp_path: Path) -> None:
    plan = _json("plan-cancel")
    rows = _csv_rows(_export(tmp_path, "plan-cancel", "csv"))
    actions = [(r["action"], r["filing"]) for r in rows]
    assert [a for a, _ in actions].count("batch") == len(plan["batches"][0]["filings"])
    assert {n for a, n in actions if a == "single"} == {s["filing"] for s in plan["singles"]}
    assert {n for a, n in actions if a == "kept"} == {k["filing"] for k in plan["kept"]}


def test_xlsx_needs_an_output_file() -> None:
    code, out, err = run_cli(["check", "--facts", str(COMPANY), "--as-of", AS_OF,
                              "--format", "xlsx"])
    assert code == 2
    assert out == ""
    assert "option `--output`: the `xlsx` format is written to a file: add `-o FILE`" in err


def _hostile_report() -> Report:
    f = Finding("r/x", "violated", "mandatory", "=HYPERLINK(\"x\")", "+p", None,
                "@SUM(A1)", deadline=dt.date(2026, 11, 26), explanation=("-1", "ok"),
                working_days_left=4)
    return Report([f], as_of=dt.date(2026, 11, 20))


def test_text_that_looks_like_a_formula_is_never_a_formula() -> None:
    report = _hostile_report()
    rows = tabular.finding_rows(report)
    text = tabular.to_csv(tabular.FINDING_COLUMNS, rows)
    row = next(csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    assert row["algorithm"] == "'=HYPERLINK(\"x\")"
    assert row["platform"] == "'+p"
    assert row["message"] == "'@SUM(A1)"
    assert row["explanation"] == "'-1\nok"
    assert row["working_days_left"] == "4"  # a number stays a number
    book = openpyxl.load_workbook(io.BytesIO(tabular.to_xlsx(
        [("findings", tabular.FINDING_COLUMNS, rows)])))
    cells = next(iter(book["findings"].iter_rows(min_row=2)))
    assert cells[3].value == "=HYPERLINK(\"x\")"
    assert cells[3].data_type == "s"


def test_working_days_left_counts_working_days() -> None:
    left = days_left(default_calendar(), dt.date(2026, 11, 20))  # a Friday
    assert left(dt.date(2026, 11, 26)) == 4  # Mon-Thu
    assert left(dt.date(2026, 11, 20)) == 0
    assert left(dt.date(2026, 11, 22)) == 0  # Sunday: before the next working day
    assert left(dt.date(2026, 11, 5)) == -11
    assert left(None) is None
    # a deadline that passed over a weekend is overdue (-1), not "due today" (0)
    sunday = days_left(default_calendar(), dt.date(2026, 11, 22))
    assert sunday(dt.date(2026, 11, 20)) == -1  # no working day since Friday's deadline


@pytest.mark.parametrize("command", ["check", "inventory", "plan-cancel"])
def test_control_characters_in_facts_do_not_break_a_workbook(tmp_path: Path, command: str
                                                             ) -> None:
    hostile = Path(__file__).resolve().parent / "hostile.yaml"
    path = tmp_path / "out.xlsx"
    code, _, err = run_cli([command, "--facts", str(hostile), "--as-of", AS_OF,
                            "--format", "xlsx", "-o", str(path)])
    assert code in (0, 1), err
    book = openpyxl.load_workbook(path)
    values = [str(v) for ws in book for row in ws.iter_rows(values_only=True) for v in row
              if v is not None]
    if command != "check":  # the filing number, its escape sequence shown escaped
        assert "备[bold]1\\x1b[2J" in values
    assert not any("\x1b" in v for v in values)
    code, _, err = run_cli([command, "--facts", str(hostile), "--as-of", AS_OF,
                            "--format", "csv", "-o", str(tmp_path / "out.csv")])
    assert code in (0, 1), err
