"""Working days: the package calendar, user calendar files, and a cross-check."""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path

import pytest

from policy_sdk.errors import EvaluationError, FactsError
from policy_sdk.workdays import WorkdayCalendar, YearSchedule, default_calendar

D = dt.date


def test_ten_working_days_over_national_day() -> None:
    # docs/semantics.md §5: a naive Monday-Friday count would say 2026-10-08
    assert default_calendar().add_workdays(D(2026, 9, 24), 10) == D(2026, 10, 15)


def test_twenty_working_days_after_stop() -> None:
    assert default_calendar().add_workdays(D(2026, 10, 9), 20) == D(2026, 11, 5)


def test_counting_starts_the_day_after() -> None:
    cal = default_calendar()
    # Friday 2026-11-20 -> the first working day after is Monday 2026-11-23
    assert cal.add_workdays(D(2026, 11, 20), 1) == D(2026, 11, 23)
    assert cal.add_workdays(D(2026, 11, 20), 0) == D(2026, 11, 20)


def test_adjusted_working_day_counts() -> None:
    cal = default_calendar()
    assert cal.is_workday(D(2026, 10, 10))  # Saturday 调休 上班
    assert not cal.is_workday(D(2026, 10, 5))  # Monday in the National Day holiday
    assert not cal.is_workday(D(2026, 11, 21))  # ordinary Saturday


def test_unknown_year_raises() -> None:
    cal = default_calendar()
    with pytest.raises(EvaluationError) as info:
        cal.add_workdays(D(2026, 12, 20), 20)
    assert info.value.code == "calendar-unknown-year"
    assert "2027-01-01" in str(info.value)
    assert "calendar file" in (info.value.diagnostics[0].help or "")
    with pytest.raises(EvaluationError):
        cal.is_workday(D(2003, 5, 1))


def test_negative_count_is_an_error() -> None:
    with pytest.raises(EvaluationError):
        default_calendar().add_workdays(D(2026, 1, 5), -1)


CAL_2027 = """\
year: 2027
notice: 国务院办公厅关于2027年部分节假日安排的通知 (example)
holidays: [2027-01-01, 2027-02-05..2027-02-11]
workdays: [2027-02-13]
"""


def test_supplement_file_makes_it_work(tmp_path: Path) -> None:
    path = tmp_path / "cal.yaml"
    path.write_text(CAL_2027, encoding="utf-8")
    cal = WorkdayCalendar.from_file(path)
    # 2026-12-20 (Sun) + 20 working days: Dec 21-31 = 9, then Jan 1 off,
    # Jan 4.. -> the 11th working day of 2027 is 2027-01-18
    assert cal.add_workdays(D(2026, 12, 20), 20) == D(2027, 1, 18)
    assert not cal.is_workday(D(2027, 2, 8))
    assert cal.is_workday(D(2027, 2, 13))  # Saturday marked 上班
    assert cal.is_workday(D(2027, 3, 1))
    assert pickle.loads(pickle.dumps(cal)) == cal
    with pytest.raises(EvaluationError):
        cal.is_workday(D(2028, 1, 3))


def test_supplement_overrides_package_year() -> None:
    cal = WorkdayCalendar([YearSchedule(2026, holidays=(D(2026, 11, 23),))])
    assert not cal.is_workday(D(2026, 11, 23))
    assert not cal.is_workday(D(2026, 10, 10))  # the package's 调休 no longer applies
    assert default_calendar().is_workday(D(2026, 10, 10))


def test_several_years_in_one_json_file(tmp_path: Path) -> None:
    path = tmp_path / "cal.json"
    path.write_text(
        '[{"year": 2027, "holidays": ["2027-01-01"]}, {"year": 2028, "workdays": []}]',
        encoding="utf-8",
    )
    cal = WorkdayCalendar.from_file(path)
    assert cal.known(2027)
    assert cal.known(2028)
    assert not cal.known(2029)
    assert not cal.is_workday(D(2027, 1, 1))


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("year: 2027\nholiday: [2027-01-01]\n", "did you mean `holidays`?"),
        ("year: twenty\n", "`twenty` is not a year"),
        ("year: 2027\nholidays: [2026-01-01]\n", "`2026-01-01` is not in 2027"),
        ("year: 2027\nholidays: [2027-13-01]\n", "is not a date"),
        ("year: 2027\nholidays: [2027-01-02]\nworkdays: [2027-01-02]\n", "both a holiday"),
        ("- {year: 2027}\n- {year: 2027}\n", "appears twice"),
        ("just text\n", "holds a year schedule"),
        ("year: [2027\n", "malformed YAML"),
    ],
)
def test_bad_file_names_path_and_problem(tmp_path: Path, text: str, needle: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FactsError) as info:
        WorkdayCalendar.from_file(path)
    rendered = str(info.value)
    assert needle in rendered
    assert str(path) in rendered


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FactsError, match="cannot read calendar file `"):
        WorkdayCalendar.from_file(tmp_path / "nope.yaml")


def test_agrees_with_holidays_package_2004_to_2026() -> None:
    holidays = pytest.importorskip("holidays")
    cal = default_calendar()
    disagree = []
    for year in range(2004, 2027):
        cn = holidays.China(years=year)
        day = D(year, 1, 1)
        while day.year == year:
            if cal.is_workday(day) != cn.is_working_day(day):
                disagree.append(day)
            day += dt.timedelta(days=1)
    assert disagree == [D(2005, 12, 31)]


def test_nul_in_path_is_a_facts_error() -> None:
    with pytest.raises(FactsError, match="the path contains a NUL character") as info:
        WorkdayCalendar.from_file("cal\x00.yaml")
    assert "\x00" not in info.value.render()
