"""Fuzzing calendar files (``--calendar``): a mutated or random calendar file loads, or
raises FactsError with a worded diagnostic, within the per-input time limit; a loaded
calendar answers questions about its years."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from fuzz_support import HARDENING_SNIPPETS, mutated, time_limit
from hypothesis import given
from hypothesis import strategies as st

from policy_sdk.errors import FactsError
from policy_sdk.workdays import WorkdayCalendar

SEED_YAML = b"""\
# the State Council's notice for 2031 (made up)
- year: 2031
  notice: "\xe5\x9b\xbd\xe5\x8a\x9e\xe5\x8f\x91\xe6\x98\x8e\xe7\x94\xb5"
  holidays: [2031-01-01, "2031-01-22..2031-01-28", 2031-10-01]
  workdays: [2031-01-19]
- year: 2032
  holidays: ["2032-02-10..2032-02-16"]
  workdays: []
"""
SEED_JSON = json.dumps({"years": [
    {"year": 2031, "holidays": ["2031-01-01", "2031-01-22..2031-01-28"], "workdays": []},
]}).encode()


def load_or_error(path: Path) -> WorkdayCalendar | None:
    """The calendar, or None when it raised the documented error; anything else fails."""
    error: FactsError | None = None
    with time_limit():
        try:
            calendar = WorkdayCalendar.from_file(path)
        except FactsError as exc:
            error = exc
    if error is not None:
        assert error.diagnostics
        for d in error.diagnostics:
            assert d.code
            assert d.message
            assert "Traceback" not in d.render()
        return None
    with time_limit():
        for schedule in calendar.supplements:
            assert all(day.year == schedule.year for day in schedule.holidays)
            assert all(day.year == schedule.year for day in schedule.workdays)
            assert calendar.known(schedule.year)
            calendar.is_workday(dt.date(schedule.year, 6, 1))
    return calendar


def _file(factory: pytest.TempPathFactory, data: bytes, suffix: str) -> Path:
    path = factory.mktemp("calendar") / f"cal{suffix}"
    path.write_bytes(data)
    return path


def test_the_seeds_load(tmp_path_factory: pytest.TempPathFactory) -> None:
    assert load_or_error(_file(tmp_path_factory, SEED_YAML, ".yaml")) is not None
    assert load_or_error(_file(tmp_path_factory, SEED_JSON, ".json")) is not None


@given(data=mutated(SEED_YAML, max_edits=4, snippets=HARDENING_SNIPPETS))
def test_mutated_yaml_calendar(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    load_or_error(_file(tmp_path_factory, data, ".yaml"))


@given(data=mutated(SEED_JSON, max_edits=4, snippets=HARDENING_SNIPPETS))
def test_mutated_json_calendar(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    load_or_error(_file(tmp_path_factory, data, ".json"))


_DAYS = st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31))
_ITEMS = st.one_of(
    _DAYS.map(dt.date.isoformat),
    st.tuples(_DAYS, _DAYS).map(lambda p: f"{p[0].isoformat()}..{p[1].isoformat()}"),
    st.integers(), st.text(max_size=12), st.none(),
)
_YEAR = st.one_of(st.integers(1890, 10_050), st.text(max_size=6), st.floats(), st.none())
_SCHEDULE = st.fixed_dictionaries(
    {"year": _YEAR},
    optional={"holidays": st.lists(_ITEMS, max_size=6), "workdays": st.lists(_ITEMS, max_size=6),
              "notice": st.text(max_size=10) | st.integers(), "extra": st.booleans()},
)


@given(doc=st.one_of(_SCHEDULE, st.lists(_SCHEDULE, max_size=4),
                     st.fixed_dictionaries({"years": st.lists(_SCHEDULE, max_size=4)})),
       suffix=st.sampled_from([".json", ".yaml"]))
def test_random_calendar_documents(
    tmp_path_factory: pytest.TempPathFactory, doc: Any, suffix: str
) -> None:
    text = json.dumps(doc, ensure_ascii=False, allow_nan=True)  # JSON is YAML too
    load_or_error(_file(tmp_path_factory, text.encode("utf-8", "surrogatepass"), suffix))
