"""The commands as a user meets them: provisional deadlines, facts warnings, --strict,
dates after --as-of, a stop before a launch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policy_sdk.cli.main import main

FACTS = """\
organization: {name: x, public_opinion: true}
algorithms:
  - {id: rec, types: [personalized_push], uses_recommendation: true}
platforms:
  - {id: app, type: app}
  - {id: web, type: website}
deployments:
  - {algorithm: rec, platform: app, status: stopped, launched_on: 2026-01-05,
     stopped_on: 2026-12-15}
  - {algorithm: rec, platform: web, status: active, launched_on: 2026-01-05}
filings:
  - {number: 网信算备110108123456701250001号, algorithm: rec, platforms: [app],
     filed_on: 2026-01-08, displayed: true}
  - {number: 网信算备110108123456701250002号, algorithm: rec, platforms: [web],
     filed_on: 2026-01-08, displayed: true}
records:
  - {kind: security_assessment, algorithm: rec}
  - {kind: disclosure}
  - {kind: opt_out}
  - {kind: complaint_channel}
"""
CALENDAR_2027 = "year: 2027\nholidays: [2027-01-01, 2027-01-04]\n"
PROVISIONAL = (
    "warning[calendar-provisional]: deadlines in 2027 are provisional: the working-day "
    "calendar does not know 2027 yet, so they count Monday to Friday without the holidays "
    "whose dates move\n"
    "  help: supply the State Council's holiday notice for 2027 as a calendar file "
    "(`--calendar FILE`; see docs/calendar.md)"
)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def facts(tmp_path: Path) -> str:
    path = tmp_path / "facts.yaml"
    path.write_text(FACTS, encoding="utf-8")
    return str(path)


@pytest.fixture
def calendar(tmp_path: Path) -> str:
    path = tmp_path / "calendar-2027.yaml"
    path.write_text(CALENDAR_2027, encoding="utf-8")
    return str(path)


def test_check_gives_a_provisional_2027_deadline_instead_of_aborting(
    capsys: pytest.CaptureFixture[str], facts: str, calendar: str
) -> None:
    code, out, err = run(capsys, "check", "--facts", facts, "--as-of", "2026-12-20")
    assert code == 0
    assert "网信算备110108123456701250001号 (due 2027-01-13, provisional)" in out
    assert err == (
        "1 warning about the facts and deadlines (`--strict` turns the facts' own into "
        "errors):\n" + PROVISIONAL + "\n\n"
    )
    code, out, err = run(capsys, "check", "--facts", facts, "--as-of", "2026-12-20",
                         "--format", "json")
    doc = json.loads(out)
    (finding,) = doc["findings"]
    assert finding["deadline"] == "2027-01-13"
    assert "(provisional: the calendar does not know that year" in finding["explanation"][-1]
    assert [w["code"] for w in doc["warnings"]] == ["calendar-provisional"]
    code, out, _ = run(capsys, "check", "--facts", facts, "--as-of", "2026-12-20",
                       "--format", "sarif")
    assert json.loads(out)["runs"][0]["results"][0]["properties"]["provisional"] is True
    # with the 2027 notice the deadline is final (4 January off as well)
    code, out, err = run(capsys, "check", "--facts", facts, "--as-of", "2026-12-20",
                         "--calendar", calendar)
    assert code == 0
    assert "网信算备110108123456701250001号 (due 2027-01-14)" in out
    body = out.split("\n\n", 1)[1]  # after the audit header (it names the facts file)
    assert "provisional" not in body + err


def test_inventory_and_plan_cancel_mark_the_same_deadline_provisional(
    capsys: pytest.CaptureFixture[str], facts: str, calendar: str
) -> None:
    code, out, _ = run(capsys, "inventory", "--facts", facts, "--as-of", "2026-12-20",
                       "--format", "json")
    assert code == 0
    inv = json.loads(out)
    (due,) = inv["cancellation_due"]
    assert (due["deadline"], due["provisional"], due["overdue"]) == ("2027-01-13", True, False)
    assert inv["warnings"][0].startswith("deadlines in 2027 are provisional")
    code, out, _ = run(capsys, "plan-cancel", "--facts", facts, "--as-of", "2026-12-20",
                       "--format", "json")
    assert code == 0
    (single,) = json.loads(out)["singles"]
    assert (single["deadline"], single["provisional"]) == ("2027-01-13", True)
    code, out, _ = run(capsys, "plan-cancel", "--facts", facts, "--as-of", "2026-12-20",
                       "--calendar", calendar, "--format", "json")
    (single,) = json.loads(out)["singles"]
    assert (single["deadline"], single["provisional"]) == ("2027-01-14", False)
    code, out, _ = run(capsys, "plan-cancel", "--facts", facts, "--as-of", "2026-12-20")
    assert "2027-01-13" in out
    assert "(provisional)" in out


def test_missing_public_opinion_is_a_warning_and_strict_makes_it_an_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "f.yaml"
    path.write_text(FACTS.replace("{name: x, public_opinion: true}", "{name: x}")
                    .replace("uses_recommendation: true}", "}"), encoding="utf-8")
    code, out, err = run(capsys, "check", "--facts", str(path), "--as-of", "2026-06-01")
    assert code == 0
    assert err.startswith(
        "3 warnings about the facts and deadlines (`--strict` turns the facts' own into "
        "errors):\n"
    )
    assert (
        f"{path}:3:5: algorithms[0]: warning[missing-uses-recommendation]: algorithm `rec` "
        "does not say `uses_recommendation`: read as `true`, because its types "
        "(`personalized_push`) are algorithm recommendation technology (Art. 2)"
    ) in err
    assert (
        f"{path}:1:15: organization: warning[missing-public-opinion]: `public_opinion` is not "
        "given: read as `false`, so the filing rules (Art. 24) and the security assessment "
        "do not apply to any algorithm"
    ) in err
    assert (
        "warning[dates-after-as-of]: 1 date in the facts is after the as-of date and treated "
        "as not yet happened (launches, stops, filings, records)"
    ) in err
    code, out, _ = run(capsys, "check", "--facts", str(path), "--as-of", "2026-06-01",
                       "--format", "json")
    assert [w["code"] for w in json.loads(out)["warnings"]] == [
        "missing-public-opinion", "missing-uses-recommendation", "dates-after-as-of",
    ]
    code, out, err = run(capsys, "check", "--facts", str(path), "--strict")
    assert code == 2
    assert "error[missing-public-opinion]" in err
    code, out, err = run(capsys, "validate", "--facts", str(path))
    assert "warning[missing-public-opinion]" in out + err


def test_types_contradicting_uses_recommendation_false_is_reported(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "f.yaml"
    path.write_text(FACTS.replace("uses_recommendation: true}", "uses_recommendation: false}"),
                    encoding="utf-8")
    _, _, err = run(capsys, "check", "--facts", str(path), "--as-of", "2026-06-01")
    assert (
        "warning[types-contradict-recommendation]: algorithm `rec` has Art. 2 types "
        "(`personalized_push`) but `uses_recommendation: false`: every Art. 2 type is "
        "algorithm recommendation technology, yet the recommendation rules are switched "
        "off for it"
    ) in err


def test_a_stop_before_the_launch_is_rejected(
    capsys: pytest.CaptureFixture[str], facts: str
) -> None:
    code, _, err = run(capsys, "plan-cancel", "--facts", facts, "--stop", "rec@web",
                       "--on", "2025-12-01", "--as-of", "2026-06-01")
    assert code == 2
    assert (
        "error[date-order]: `rec` on `web` (requested as `rec@web`) cannot stop on "
        "2025-12-01: it launches on 2026-01-05"
    ) in err


def test_a_provisional_deadline_close_to_the_as_of_date_says_it_is_undecided(
    capsys: pytest.CaptureFixture[str], facts: str
) -> None:
    undecided = ("; so close to the as-of date that the official calendar may decide "
                 "otherwise: undecided until the notice is supplied")
    for day, close in (("2026-12-20", False), ("2027-01-12", True), ("2027-01-20", True),
                       ("2027-02-01", False)):
        _, out, _ = run(capsys, "check", "--facts", facts, "--as-of", day, "--format", "json")
        (finding,) = [f for f in json.loads(out)["findings"]
                      if f["rule"].endswith("cancellation_on_termination")]
        assert finding["explanation"][-1].endswith(undecided) == close, day
