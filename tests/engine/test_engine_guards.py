"""Library fixes a service needs: no OSError escapes for odd names, "today" is China's
date, and what the compiled rules depend on cannot be changed under them."""

from __future__ import annotations

import datetime as dt
import pickle
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policy_sdk import clock
from policy_sdk.engine.engine import Engine, parse_as_of
from policy_sdk.errors import EvaluationError, FactsError, PolicySdkError
from policy_sdk.workdays import default_calendar


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


@pytest.mark.parametrize("name", ["x" * 300, "x" * 300 + ".json", "d/" * 3000 + "f.yaml",
                                  "bad\x00name.yaml"])
def test_odd_facts_names_are_facts_errors_with_the_path(engine: Engine, name: str) -> None:
    with pytest.raises(FactsError) as info:
        engine.evaluate(name)
    d = info.value.errors[0]
    assert d.file == name
    assert "Errno" not in d.message


@pytest.mark.parametrize("name", ["x" * 300, "x" * 300 + ".policy"])
def test_odd_policy_names_are_errors(name: str) -> None:
    with pytest.raises(PolicySdkError) as info:
        Engine([name])
    message = info.value.errors[0].message
    assert message == f"cannot read `{name}`: File name too long"
    assert "Errno" not in message


def test_check_with_a_long_facts_name_exits_2() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "policy_sdk.cli.main", "check", "--facts", "x" * 300],
        capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2, done.stderr
    assert "internal error" not in done.stderr
    assert "has no file type" in done.stderr


# --- today in China ------------------------------------------------------------------


@given(st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1)))
def test_today_is_the_date_at_utc_plus_8(moment: dt.datetime) -> None:
    """China has had no daylight saving time since 1991: the zone is UTC+8 throughout."""
    aware = moment.replace(tzinfo=dt.UTC)
    assert clock.today(aware) == (moment + dt.timedelta(hours=8)).date()


def test_between_midnight_and_eight_china_is_a_day_ahead_of_utc() -> None:
    moment = dt.datetime(2026, 11, 19, 20, 30, tzinfo=dt.UTC)  # 04:30 on the 20th in Beijing
    assert clock.today(moment) == dt.date(2026, 11, 20)
    assert clock.today(moment, zone="UTC") == dt.date(2026, 11, 19)


def test_parse_as_of_defaults_to_china_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(clock.TIMEZONE_ENV, raising=False)
    before = clock.today()
    got = parse_as_of(None)
    assert got in (before, clock.today())  # around midnight the day may turn
    assert parse_as_of("2026-11-20") == dt.date(2026, 11, 20)


def test_the_zone_is_overridable_and_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    moment = dt.datetime(2026, 11, 19, 20, 30, tzinfo=dt.UTC)
    monkeypatch.setenv(clock.TIMEZONE_ENV, "UTC")
    assert clock.today(moment) == dt.date(2026, 11, 19)
    monkeypatch.setenv(clock.TIMEZONE_ENV, "Mars/Olympus")
    with pytest.raises(EvaluationError) as info:
        clock.today(moment)
    assert info.value.errors[0].message == "unknown time zone `Mars/Olympus`"


def test_without_tzdata_china_is_a_fixed_utc_plus_8(monkeypatch: pytest.MonkeyPatch) -> None:
    import zoneinfo

    def missing(key: str) -> zoneinfo.ZoneInfo:
        raise zoneinfo.ZoneInfoNotFoundError(key)

    monkeypatch.setattr(zoneinfo, "ZoneInfo", missing)
    monkeypatch.delenv(clock.TIMEZONE_ENV, raising=False)
    tz = clock.timezone()
    assert tz.utcoffset(dt.datetime(2026, 7, 1)) == dt.timedelta(hours=8)
    assert tz.utcoffset(dt.datetime(2026, 1, 1)) == dt.timedelta(hours=8)
    moment = dt.datetime(2026, 11, 19, 16, 0, tzinfo=dt.UTC)
    assert clock.today(moment) == dt.date(2026, 11, 20)


# --- read-only attributes --------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(Engine.READ_ONLY))
def test_engine_attributes_are_read_only(engine: Engine, name: str) -> None:
    before = getattr(engine, name)
    with pytest.raises(AttributeError, match="read-only"):
        setattr(engine, name, default_calendar())
    with pytest.raises(AttributeError, match="read-only"):
        delattr(engine, name)
    assert getattr(engine, name) is before


def test_functions_cannot_be_changed_in_place(engine: Engine) -> None:
    with pytest.raises(TypeError):
        engine.functions["extra"] = None  # type: ignore[index]


def test_a_read_only_engine_still_pickles_and_evaluates(engine: Engine) -> None:
    again = pickle.loads(pickle.dumps(engine))
    assert repr(again) == repr(engine)
    with pytest.raises(AttributeError):
        again.calendar = default_calendar()
