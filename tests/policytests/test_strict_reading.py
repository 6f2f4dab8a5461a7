"""Test files and calendar files are read as strictly as facts files (issue 19)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from policy_sdk.errors import FactsError
from policy_sdk.policytest import PolicyTestError, load_test_file
from policy_sdk.workdays import WorkdayCalendar

BOUND = 10.0  # seconds, the fuzzers' per-input bound; the real figure is milliseconds

CASE = """\
policies: []
cases:
  - name: one
    as_of: 2026-10-15
    facts:
      organization: {name: x, code: 010, time: 1:30, hex: 0x10, yes_no: yes}
    expect:
      - {rule: r, status: satisfied}
"""


def _test_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "x.tests.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _test_file_error(tmp_path: Path, text: str) -> PolicyTestError:
    with pytest.raises(PolicyTestError) as info:
        load_test_file(_test_file(tmp_path, text))
    assert "Traceback" not in info.value.render()
    return info.value


def test_test_files_read_numbers_as_yaml_1_2(tmp_path: Path) -> None:
    # the issue: `010` became 8 and `1:30` became 90 (YAML 1.1), while facts use 1.2
    loaded = load_test_file(_test_file(tmp_path, CASE))
    organization = loaded.cases[0].facts["organization"]
    assert organization == {"name": "x", "code": 10, "time": "1:30", "hex": 16, "yes_no": "yes"}


def test_duplicate_keys_in_a_test_file_are_errors(tmp_path: Path) -> None:
    err = _test_file_error(tmp_path, CASE + "    as_of: 2026-10-16\n")
    assert err.code == "policy-test-duplicate-key"
    d = err.diagnostics[0]
    assert d.message == "duplicate key `as_of`"
    assert d.path == "cases[0].as_of"
    assert d.span is not None
    assert d.span.line == 9


def test_duplicate_keys_inside_embedded_facts_are_errors(tmp_path: Path) -> None:
    err = _test_file_error(tmp_path, CASE.replace("{name: x,", "{name: x, name: y,"))
    assert err.diagnostics[0].message == "duplicate key `name`"
    assert err.diagnostics[0].path == "cases[0].facts.organization.name"


def test_an_alias_bomb_in_a_test_file_is_refused_quickly(tmp_path: Path) -> None:
    levels = "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 10) + "]\n"
        for i in range(9)
    )
    t0 = time.perf_counter()
    err = _test_file_error(tmp_path, 'a: &a ["lol"]\n' + levels + "cases: [*j]\n")
    assert time.perf_counter() - t0 < BOUND
    assert err.code == "policy-test-too-large"
    assert err.diagnostics[0].message == (
        "the test file's aliases expand to more than 1000000 values")


def test_big_integers_and_lone_surrogates_in_a_test_file(tmp_path: Path) -> None:
    err = _test_file_error(tmp_path, CASE.replace("code: 010", "code: " + "9" * 5000))
    assert err.code == "policy-test-too-large"
    assert err.diagnostics[0].message == "a number has more than 4300 digits"
    err = _test_file_error(tmp_path, CASE.replace("name: x", 'name: "\\ud800"'))
    assert err.code == "policy-test-yaml"
    assert err.diagnostics[0].message == (
        "malformed YAML: an escape that is not a character (a lone surrogate?)")


def test_deep_nesting_in_a_test_file(tmp_path: Path) -> None:
    err = _test_file_error(tmp_path, "cases: " + "[" * 100 + "]" * 100 + "\n")
    assert err.code == "policy-test-too-deep"
    assert err.diagnostics[0].message == "the test file is nested deeper than 32 levels"


# --- calendar files ---------------------------------------------------------------------


def _calendar_error(tmp_path: Path, text: str, name: str = "cal.yaml") -> FactsError:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    t0 = time.perf_counter()
    with pytest.raises(FactsError) as info:
        WorkdayCalendar.from_file(path)
    assert time.perf_counter() - t0 < BOUND
    assert "Traceback" not in info.value.render()
    return info.value


def test_two_holiday_lists_in_a_calendar_file_are_an_error(tmp_path: Path) -> None:
    # the issue: the first list was dropped and a deadline moved by a day
    err = _calendar_error(tmp_path, "year: 2031\nholidays: [2031-01-01]\n"
                          "workdays: []\nholidays: [2031-10-01]\n")
    d = err.diagnostics[0]
    assert d.code == "duplicate-key"
    assert d.message == "duplicate key `holidays`"
    assert d.span is not None
    assert d.span.line == 4
    err = _calendar_error(tmp_path, '{"year": 2031, "holidays": [], "holidays": []}', "c.json")
    assert err.diagnostics[0].message == "malformed JSON: duplicate key `holidays`"


def test_calendar_files_read_numbers_as_yaml_1_2(tmp_path: Path) -> None:
    path = tmp_path / "cal.yaml"
    path.write_text("year: 02031\nholidays: [2031-01-01]\n", encoding="utf-8")
    (schedule,) = WorkdayCalendar.from_file(path).supplements
    assert schedule.year == 2031  # YAML 1.1 would read 02031 as octal 1049
    err = _calendar_error(tmp_path, "year: 33:51\n")  # 1.1: sexagesimal 2031
    assert err.diagnostics[0].message == "`33:51` is not a year"


def test_a_calendar_range_over_centuries_is_refused_at_once(tmp_path: Path) -> None:
    err = _calendar_error(tmp_path, 'year: 2031\nholidays: ["0001-01-01..9999-12-31"]\n')
    assert err.diagnostics[0].message == "`0001-01-01` is not in 2031"
    assert err.diagnostics[0].path == "holidays[0]"
    err = _calendar_error(tmp_path, 'year: 2031\nholidays: ["2031-12-30..2032-01-02"]\n')
    assert err.diagnostics[0].message == "`2032-01-02` is not in 2031"


def test_calendar_files_have_the_facts_limits(tmp_path: Path) -> None:
    levels = "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 10) + "]\n"
        for i in range(9)
    )
    err = _calendar_error(tmp_path, 'a: &a ["lol"]\n' + levels + "year: 2031\n")
    assert err.diagnostics[0].message == (
        "the calendar file's aliases expand to more than 1000000 values")
    err = _calendar_error(tmp_path, '{"year": ' + "[" * 5000 + "]" * 5000 + "}", "deep.json")
    if sys.version_info < (3, 13):
        assert err.diagnostics[0].code == "too-deep"
        assert err.diagnostics[0].message == "the calendar file is nested deeper than 32 levels"
    else:  # 3.13's JSON decoder nests deeper before it stops: the structure check refuses it
        assert err.diagnostics[0].code in ("too-deep", "calendar-file")
    err = _calendar_error(tmp_path, '{"year": ' + "[" * 10**6 + "]" * 10**6 + "}", "deeper.json")
    assert err.diagnostics[0].code == "too-deep"
    err = _calendar_error(tmp_path, "year: " + "9" * 5000 + "\n")
    assert err.diagnostics[0].message == "a number has more than 4300 digits"
    err = _calendar_error(tmp_path, '{"year": ' + "9" * 5000 + "}", "big.json")
    assert err.diagnostics[0].message == "a number has more than 4300 digits"
    err = _calendar_error(tmp_path, '{"year": 2031, "notice": "\\udc80"}', "s.json")
    assert err.diagnostics[0].message == (
        "text holds a lone surrogate `\\udc80`, which is not a character")
    assert err.diagnostics[0].path == "notice"
    err = _calendar_error(tmp_path, 'year: 2031\nnotice: "\\ud800"\n')
    assert err.diagnostics[0].message == (
        "malformed YAML: an escape that is not a character (a lone surrogate?)")
    err = _calendar_error(tmp_path, "year: 2031\nnotice: a\x00b\n")
    assert err.diagnostics[0].code in ("nul", "malformed")


@pytest.mark.parametrize("digits", ["٢٠٣١-٠١-٠١", "２０３１-01-01"])
def test_calendar_dates_are_ascii_digits(tmp_path: Path, digits: str) -> None:
    err = _calendar_error(tmp_path, f'year: 2031\nholidays: ["{digits}"]\n')
    assert "is not a date" in err.diagnostics[0].message
