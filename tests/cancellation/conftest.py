"""Fixtures for the cancellation tests."""

from __future__ import annotations

import pytest

from policy_sdk.facts.model import Facts
from policy_sdk.workdays import WorkdayCalendar, default_calendar

from ._support import load_company


@pytest.fixture(scope="session")
def company() -> Facts:
    return load_company()


@pytest.fixture(scope="session")
def calendar() -> WorkdayCalendar:
    return default_calendar()
