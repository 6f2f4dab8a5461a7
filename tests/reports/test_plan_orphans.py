"""A plan's orphan filings (never launched where they name) are in every format of
`plan-cancel`: JSON and text listed them, the HTML page and the CSV/XLSX rows did not."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest

from policy_sdk.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
COMPANY = str(ROOT / "examples" / "company.yaml")
# docs/cancellation.md §4: stopping feed-rec on the App leaves its alipay-mini filing,
# where feed-rec never launched, as an orphan
ASK = ("plan-cancel", "--facts", COMPANY, "--as-of", "2026-11-20", "--stop",
       "feed-rec@main-app", "--on", "2026-12-01")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(list(args)) == 0
    return capsys.readouterr().out


def test_orphans_in_csv_xlsx_and_html(capsys: pytest.CaptureFixture[str],
                                      tmp_path: Path) -> None:
    plan = json.loads(run(capsys, *ASK, "--format", "json"))
    orphans = [(o["filing"], o["reason"]) for o in plan["orphans"]]
    assert len(orphans) == 1
    rows = list(csv.DictReader(io.StringIO(run(capsys, *ASK, "--format", "csv")
                                           .lstrip("\ufeff"))))
    assert [(r["filing"], r["reason"]) for r in rows if r["action"] == "orphan"] == orphans
    # every filing the JSON plan places is a row, once
    placed = [f["filing"] for b in plan["batches"] for f in b["filings"]]
    placed += [x["filing"] for k in ("singles", "changes", "orphans", "kept") for x in plan[k]]
    assert sorted(r["filing"] for r in rows) == sorted(placed)
    book_path = tmp_path / "plan.xlsx"
    run(capsys, *ASK, "--format", "xlsx", "-o", str(book_path))
    sheet = openpyxl.load_workbook(book_path)["plan"]
    assert [(r[2], r[11]) for r in sheet.iter_rows(min_row=2, values_only=True)
            if r[0] == "orphan"] == orphans
    page = tmp_path / "plan.html"
    run(capsys, *ASK, "--format", "html", "-o", str(page))
    html = page.read_text(encoding="utf-8")
    assert 'id="orphan-1"' in html
    assert f"<code>{orphans[0][0]}</code>" in html
    assert "orphan filings <strong>1</strong>" in html
    # without orphans the page has no such section
    run(capsys, "plan-cancel", "--facts", COMPANY, "--as-of", "2026-11-20", "--format", "html",
        "-o", str(page))
    assert 'id="orphans"' not in page.read_text(encoding="utf-8")
