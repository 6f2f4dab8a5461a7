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


@pytest.fixture
def loader(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI loads facts with H2's ``load_facts``; bridge to the test stand-in until it lands."""
    import policy_sdk.facts as facts_pkg

    if not hasattr(facts_pkg, "load_facts"):
        from pathlib import Path

        from ._support import _facts_from_yaml

        def load_facts(source: object, **_: object) -> Facts:
            return _facts_from_yaml(Path(str(source)))

        monkeypatch.setattr(facts_pkg, "load_facts", load_facts, raising=False)
