"""`--stop` with `@` inside ids is read one way or refused with the readings (issue 19)."""

from __future__ import annotations

import pytest

from policy_sdk.cancellation.planner import parse_stops
from policy_sdk.errors import FactsError
from policy_sdk.facts import Facts, load_facts


def _facts() -> Facts:
    # the case: an algorithm id holds the separator, and `feed` runs on `web` too
    return load_facts({
        "organization": {"name": "x"},
        "algorithms": [{"id": "feed"}, {"id": "feed@web"}, {"id": "ads"}],
        "platforms": [{"id": "web", "type": "website"}, {"id": "app", "type": "app"},
                      {"id": "m@il", "type": "app"}],
        "deployments": [
            {"algorithm": "feed", "platform": "web", "status": "active"},
            {"algorithm": "feed", "platform": "app", "status": "active"},
            {"algorithm": "feed@web", "platform": "app", "status": "active"},
            {"algorithm": "ads", "platform": "m@il", "status": "active"},
        ],
        "filings": [],
    })


def test_an_ambiguous_stop_is_refused_with_every_reading() -> None:
    with pytest.raises(FactsError) as err:
        parse_stops(_facts(), ["feed@web"])
    d = err.value.diagnostics[0]
    assert d.code == "ambiguous-stop"
    assert d.path == "stops[0]"
    assert d.message == (
        "`feed@web` can be read 2 ways: algorithm `feed@web` on every platform (write "
        "`feed\\@web`); algorithm `feed` on platform `web` (write `\\feed@web`)")


def test_the_written_forms_are_read_one_way() -> None:
    facts = _facts()
    assert parse_stops(facts, ["feed\\@web"]) == {("feed@web", "app"): "feed\\@web"}
    assert parse_stops(facts, ["\\feed@web"]) == {("feed", "web"): "\\feed@web"}
    assert parse_stops(facts, ["feed\\@web@app"]) == {("feed@web", "app"): "feed\\@web@app"}


def test_an_unambiguous_at_needs_no_escape() -> None:
    facts = _facts()
    assert parse_stops(facts, ["feed@app"]) == {("feed", "app"): "feed@app"}
    assert parse_stops(facts, ["ads@m@il"]) == {("ads", "m@il"): "ads@m@il"}
    assert parse_stops(facts, ["ads"]) == {("ads", "m@il"): "ads"}


@pytest.mark.parametrize("text", ["feed\\", "a\\@b@c@d", "feed@"])
def test_malformed_stops(text: str) -> None:
    with pytest.raises(FactsError) as err:
        parse_stops(_facts(), [text])
    assert err.value.diagnostics[0].code == "bad-stop"
    assert err.value.diagnostics[0].message == (
        f"`{text}` is not `ALGORITHM` or `ALGORITHM@PLATFORM`")


def test_unknown_names_are_still_worded_as_before() -> None:
    with pytest.raises(FactsError) as err:
        parse_stops(_facts(), ["fede@web", "feed@wbe"])
    assert [d.message for d in err.value.diagnostics] == [
        "unknown algorithm `fede`", "unknown platform `wbe`"]
