"""One truth: every format says the same number of working days left for every finding
(JSON's ``working_days_left``, the CSV and XLSX column, the HTML page, the text's
"overdue by N working days"), and that number is the documented count, worked out here
day by day (the slow twin of the engine's per-year tables)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections import Counter
from html.parser import HTMLParser
from typing import Any

import openpyxl
from hypothesis import given
from hypothesis import strategies as st

from policy_sdk.engine.engine import Engine
from policy_sdk.engine.report import Report
from policy_sdk.reports import tabular
from policy_sdk.reports.html import check_html
from policy_sdk.reports.text import plain_text, rich_text
from policy_sdk.testing.strategies import facts_documents
from policy_sdk.workdays import WorkdayCalendar, YearSchedule

from .reports_support import AS_OF, COMPANY

# the strategies draw dates up to 2027; deadlines may run into 2028
CALENDAR = WorkdayCalendar([YearSchedule(2027), YearSchedule(2028)])
ENGINE = Engine(calendar=CALENDAR)

Key = tuple[str, str | None, str | None, str | None, str]


def slow_count(as_of: dt.date, deadline: dt.date) -> int:
    """The rule of docs/reports.md, one day at a time: the working days after as_of up
    to and including the deadline; overdue: minus those after the deadline up to and
    including as_of, at least 1."""
    lo, hi = (as_of, deadline) if deadline >= as_of else (deadline, as_of)
    n = 0
    day = lo
    while day < hi:
        day += dt.timedelta(days=1)
        n += CALENDAR.is_workday(day)
    return n if deadline >= as_of else -max(1, n)


def from_json(report: Report) -> dict[Key, list[Any]]:
    out: dict[Key, list[Any]] = {}
    for f in json.loads(report.to_json(True))["findings"]:
        key = (f["rule"], f["algorithm"], f["platform"], f["filing"], f["status"])
        out.setdefault(key, []).append((f["deadline"], f["working_days_left"]))
    return out


def _number(value: Any) -> int | None:
    return None if value in (None, "") else int(value)


def from_csv(report: Report) -> Counter[tuple[Key, int | None]]:
    text = tabular.to_csv(tabular.FINDING_COLUMNS, tabular.finding_rows(report, include_all=True))
    rows = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    return Counter(
        ((r["rule"], r["algorithm"] or None, r["platform"] or None, r["filing"] or None,
          r["status"]), _number(r["working_days_left"])) for r in rows)


def from_xlsx(report: Report) -> Counter[tuple[Key, int | None]]:
    data = tabular.to_xlsx([("findings", tabular.FINDING_COLUMNS,
                             tabular.finding_rows(report, include_all=True))])
    sheet = openpyxl.load_workbook(io.BytesIO(data))["findings"]
    rows = sheet.iter_rows(values_only=True)
    header = list(next(rows))
    out: Counter[tuple[Key, int | None]] = Counter()
    for row in rows:
        r: dict[Any, Any] = dict(zip(header, row, strict=True))
        out[((r["rule"], r["algorithm"], r["platform"], r["filing"], r["status"]),
             _number(r["working_days_left"]))] += 1
    return out


class _Findings(HTMLParser):
    """The HTML page's findings: key, working days left, and the urgency words."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[Key, int | None, str]] = []
        self._words: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "li" and a.get("data-key"):
            key: Key = tuple(json.loads(a["data-key"] or ""))
            self.found.append((key, _number(a["data-working-days-left"]), ""))
        if tag == "strong" and "urgency" in (a.get("class") or ""):
            self._words = ""

    def handle_data(self, data: str) -> None:
        if self._words is not None:
            self._words += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "strong" and self._words is not None and self.found:
            key, n, _ = self.found[-1]
            self.found[-1] = (key, n, self._words)
            self._words = None


def from_html(report: Report, facts: Any) -> Counter[tuple[Key, int | None]]:
    parser = _Findings()
    parser.feed(check_html(report, facts=facts, include_all=True))
    out: Counter[tuple[Key, int | None]] = Counter()
    for key, n, words in parser.found:
        out[(key, n)] += 1
        said = re.search(r"剩 (\d+) 个工作日|逾期 (\d+) 个工作日|今日到期|已无剩余工作日", words)
        if n is not None:  # the words say the same number
            assert said is not None, words
            shown = 0 if said.group(0) in ("今日到期", "已无剩余工作日") else (
                int(said.group(1)) if said.group(1) else -int(said.group(2)))
            assert shown == n, (words, n)
    return out


_TEXT = re.compile(r"\(due (\d{4}-\d\d-\d\d)(?:, provisional)?\)"
                   r"(?: (?:overdue by (\d+) working days?|"
                   r"(\d+) working days? left|(no working day left)))?$")


def from_text(text: str) -> Counter[tuple[str, str, int | None]]:
    """(rule, status, number) of each finding block's first line that has a deadline."""
    out: Counter[tuple[str, str, int | None]] = Counter()
    for line in text.splitlines():
        if not line.startswith("  ") or line.startswith("   "):
            continue
        status, rule = line.split()[:2]
        m = _TEXT.search(line)
        if m is None:
            continue
        n = (-int(m.group(2)) if m.group(2) else int(m.group(3)) if m.group(3)
             else 0 if m.group(4) else None)
        out[(rule, status, n)] += 1
    return out


def check_one_count(report: Report, facts: Any) -> None:
    as_of = report.as_of
    listed = from_json(report)
    expected: Counter[tuple[Key, int | None]] = Counter()
    in_text: Counter[tuple[str, str, int | None]] = Counter()
    for key, values in listed.items():
        for deadline, n in values:
            if deadline is None:
                assert n is None
            else:  # the documented count, negative exactly when overdue
                assert n == slow_count(as_of, dt.date.fromisoformat(deadline)), (key, deadline)
                assert (n < 0) == (dt.date.fromisoformat(deadline) < as_of)
                in_text[(key[0], key[4], n)] += 1
            expected[(key, n)] += 1
    assert from_csv(report) == expected
    assert from_xlsx(report) == expected
    assert from_html(report, facts) == expected
    plain, rich = plain_text(report, include_all=True), rich_text(report, include_all=True)
    assert plain == rich  # the fast writer and its slow twin, audit header included
    assert from_text(plain) == in_text


@given(doc=facts_documents(),
       as_of=st.dates(dt.date(2022, 6, 1), dt.date(2027, 12, 31)))
def test_every_format_says_the_same_working_days_left(doc: dict[str, Any],
                                                      as_of: dt.date) -> None:
    facts = ENGINE.load_facts(doc)
    check_one_count(ENGINE.evaluate(facts, as_of=as_of), facts)


def test_a_deadline_passed_over_a_weekend_is_overdue_by_one_in_every_format() -> None:
    """The example company with search-rank launched on the website a day later: its
    filing is due on Friday 2026-11-27; on Sunday it is overdue by 1 working day in
    every format (the reports' own count once said 0, "due today")."""
    doc = json.loads((COMPANY.parent / "company.json").read_text(encoding="utf-8"))
    for d in doc["deployments"]:
        if (d["algorithm"], d["platform"]) == ("search-rank", "website"):
            d["launched_on"] = "2026-11-13"
    facts = ENGINE.load_facts(doc)
    report = ENGINE.evaluate(facts, as_of=dt.date(2026, 11, 29))  # a Sunday
    (late,) = [f for f in report.select() if f.deadline == dt.date(2026, 11, 27)]
    assert late.status == "violated"
    assert late.working_days_left == -1
    check_one_count(report, facts)
    assert " (due 2026-11-27) overdue by 1 working day\n" in plain_text(report)
    friday = ENGINE.evaluate(facts, as_of=dt.date(2026, 11, 27))
    (due,) = [f for f in friday.select() if f.deadline == dt.date(2026, 11, 27)]
    assert (due.status, due.working_days_left) == ("pending", 0)
    check_one_count(friday, facts)
    check_one_count(ENGINE.evaluate(facts, as_of=dt.date.fromisoformat(AS_OF)), facts)


def test_html_and_xlsx_show_the_reports_meta() -> None:
    """The audit header is the report's meta, not a second computation."""
    facts = ENGINE.load_facts(str(COMPANY))
    report = ENGINE.evaluate(facts, as_of=dt.date.fromisoformat(AS_OF))
    meta = report.meta
    assert meta is not None
    page = check_html(report, facts=facts)
    assert meta["facts"]["sha256"] in page
    assert meta["policies"]["sha256"] in page
    for entry in meta["policies"]["file_sha256"]:
        assert entry["sha256"] in page
    from policy_sdk.reports.html import _audit

    data = tabular.to_xlsx([("findings", tabular.FINDING_COLUMNS,
                             tabular.finding_rows(report))], _audit(meta, report.as_of))
    sheet = openpyxl.load_workbook(io.BytesIO(data))["meta"]
    rows: dict[Any, Any] = {row[0]: row[1] for row in sheet.iter_rows(values_only=True)}
    assert rows["facts_sha256"] == meta["facts"]["sha256"]
    assert rows["rules_sha256"] == meta["policies"]["sha256"]
    assert rows["organization"] == meta["organization"]
