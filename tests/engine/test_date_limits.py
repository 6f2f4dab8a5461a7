"""Deadlines past 9999-12-31 and odd `--as-of` texts are worded errors (issue 19)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from policy_sdk.engine.engine import Engine, parse_as_of
from policy_sdk.errors import EvaluationError
from policy_sdk.facts import load_facts  # type: ignore[attr-defined, unused-ignore]
from policy_sdk.reference import evaluate_reference
from policy_sdk.syntax import parse_policy
from policy_sdk.workdays import WorkdayCalendar, YearSchedule


def _facts(launched_on: str) -> dict[str, Any]:
    return {
        "organization": {"name": "x"},
        "algorithms": [{"id": "feed", "uses_recommendation": True}],
        "platforms": [{"id": "app", "type": "app"}],
        "deployments": [{"algorithm": "feed", "platform": "app", "status": "active",
                         "launched_on": launched_on}],
        "filings": [],
    }


CASES = [
    ("within 99999999 days", "2026-03-02",
     "a deadline of 99999999 calendar days from `2026-03-02` falls after 9999-12-31, the last "
     "day that can be counted"),
    ("within 10 days", "9999-12-31",
     "a deadline of 10 calendar days from `9999-12-31` falls after 9999-12-31, the last day "
     "that can be counted"),
]


@pytest.mark.parametrize(("deadline", "launched_on", "message"), CASES)
def test_calendar_day_deadline_overflow_is_a_worded_error(
    tmp_path: Path, deadline: str, launched_on: str, message: str
) -> None:
    policy = parse_policy(f"require filing per platform {deadline} of launched_on\n")
    engine = Engine([policy], load_entrypoints=True, plugin_rules=False)
    with pytest.raises(EvaluationError) as err:
        engine.evaluate(_facts(launched_on), as_of="2026-06-01")
    assert err.value.code == "deadline-out-of-range"
    assert err.value.diagnostics[0].message == message


@pytest.mark.parametrize(("deadline", "launched_on", "message"), CASES)
def test_the_reference_interpreter_words_it_the_same(
    deadline: str, launched_on: str, message: str
) -> None:
    module = parse_policy(f"require filing per platform {deadline} of launched_on\n")
    facts = load_facts(_facts(launched_on))
    with pytest.raises(EvaluationError) as err:
        evaluate_reference([module], facts, as_of=dt.date(2026, 6, 1),
                           calendar=WorkdayCalendar())
    assert err.value.diagnostics[0].message == message


def test_the_check_command_exits_2_not_3(tmp_path: Path) -> None:
    from policy_sdk.cli.check import check

    (tmp_path / "p.policy").write_text(
        "require filing per platform within 99999999 days of launched_on\n", encoding="utf-8")
    import json

    (tmp_path / "f.json").write_text(json.dumps(_facts("2026-03-02")), encoding="utf-8")
    result = CliRunner().invoke(check, ["--facts", str(tmp_path / "f.json"), "--policy",
                                        str(tmp_path / "p.policy"), "--as-of", "2026-06-01"])
    assert result.exit_code == 2
    assert "error[deadline-out-of-range]" in result.output
    assert "Traceback" not in result.output


def test_working_days_past_9999_are_a_worded_error() -> None:
    calendar = WorkdayCalendar([YearSchedule(9999)])
    with pytest.raises(EvaluationError) as err:
        calendar.add_workdays(dt.date(9999, 12, 30), 10)
    assert err.value.diagnostics[0].message == (
        "the 10th working day after `9999-12-30` falls after 9999-12-31, the last day that can "
        "be counted")


@pytest.mark.parametrize("text", ["2026-W47-5", "2026W475", "20261120", "2026-324",
                                  "٢٠٢٦-١١-٢٠", "2026-11-20T00:00"])
def test_as_of_is_year_month_day_only(text: str) -> None:
    with pytest.raises(EvaluationError) as err:
        parse_as_of(text)
    assert err.value.diagnostics[0].message == f"`{text}` is not a date"
    from policy_sdk.cli.check import check

    result = CliRunner().invoke(check, ["--facts", "x.yaml", "--as-of", text])
    assert result.exit_code == 2
    assert f"`{text}` is not a date; expected YYYY-MM-DD" in result.output


def test_as_of_still_reads_a_plain_date() -> None:
    assert parse_as_of(" 2026-11-20 ") == dt.date(2026, 11, 20)
