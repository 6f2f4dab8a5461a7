"""A filing filed after the as-of day (`not_yet_filed`): it does not exist yet, but the
algorithm it names may well run. The inventory's `deployment_state` describes the
deployments of its platforms, as its `deployments[]` entries and `check` do; nothing is
due of it, and `plan-cancel` never plans it (docs/cancellation.md §1, semantics.md §7)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from policy_sdk.cancellation.inventory import build_inventory
from policy_sdk.cancellation.model import CancellationPlan, Inventory
from policy_sdk.cancellation.planner import plan_cancellation
from policy_sdk.cli.main import main
from policy_sdk.engine.engine import Engine
from policy_sdk.facts import Facts, load_facts
from policy_sdk.facts.lifecycle import lifecycle
from policy_sdk.facts.model import DEPLOYMENT_STATUSES, FILING_STATUSES
from policy_sdk.testing.strategies import facts_documents
from policy_sdk.workdays import WorkdayCalendar, YearSchedule

from ._support import CAPABILITIES, ROOT, STRATEGIES

NUMBER = "网信算备110108000000000000001号"
REPRODUCER = f"""\
organization: {{name: o, public_opinion: true}}
algorithms:
  - {{id: rec, uses_recommendation: true}}
platforms:
  - {{id: app1, type: app}}
deployments:
  - {{algorithm: rec, platform: app1}}
filings:
  - {{number: {NUMBER}, algorithm: rec, platform: app1, status: active, filed_on: 2026-12-20}}
"""
AS_OF = "2026-11-29"
INVENTORY_SCHEMA = json.loads((ROOT / "docs" / "inventory.schema.json").read_text(
    encoding="utf-8"))
PER_PLATFORM = "cn.algorithm_filing/filing_per_platform"
# dates are drawn up to 2026 (and the documents' up to the calendar's last known
# year); deadlines may run into the next two years
CALENDAR = WorkdayCalendar([YearSchedule(2027), YearSchedule(2028)])
ENGINE = Engine(plugin_rules=False, calendar=CALENDAR)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def facts_file(tmp_path: Path) -> str:
    path = tmp_path / "f.yaml"
    path.write_text(REPRODUCER, encoding="utf-8")
    return str(path)


# --- the reproducer, through the real command line -----------------------------------


def test_inventory_json_says_the_not_yet_filed_filings_algorithm_runs(
    capsys: pytest.CaptureFixture[str], facts_file: str
) -> None:
    code, out, _ = run(capsys, "inventory", "--facts", facts_file, "--as-of", AS_OF,
                       "--format", "json")
    assert code == 0
    doc = json.loads(out)
    jsonschema.Draft202012Validator(INVENTORY_SCHEMA).validate(doc)
    (filing,) = doc["filings"]
    assert filing["status"] == "not_yet_filed"
    assert filing["deployment_state"] == "running"
    assert filing["deployments"] == [
        {"platform": "app1", "platform_type": "app", "state": "active", "stopped_on": None}
    ]
    assert doc["counts"]["by_status"] == {"not_yet_filed": 1}
    # it does not exist yet: it covers nothing, nothing is due of it, it is no orphan
    assert [(u["algorithm"], u["platform"]) for u in doc["unfiled"]] == [("rec", "app1")]
    assert doc["cancellation_due"] == doc["changes_due"] == doc["orphans"] == []
    # check agrees: `rec` runs on `app1` and no filing covers it yet
    code, out, _ = run(capsys, "check", "--facts", facts_file, "--as-of", AS_OF,
                       "--format", "json", "--exit-zero")
    (finding,) = [f for f in json.loads(out)["findings"] if f["rule"] == PER_PLATFORM]
    assert (finding["algorithm"], finding["platform"], finding["status"]) == (
        "rec", "app1", "violated")
    # the day it is filed, it covers the platform and stays running
    code, out, _ = run(capsys, "inventory", "--facts", facts_file, "--as-of", "2026-12-20",
                       "--format", "json")
    (filing,) = json.loads(out)["filings"]
    assert (filing["status"], filing["deployment_state"]) == ("active", "running")


def test_inventory_text_says_running(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, facts_file: str
) -> None:
    monkeypatch.setenv("COLUMNS", "250")  # wide enough that no cell wraps
    code, out, _ = run(capsys, "inventory", "--facts", facts_file, "--as-of", AS_OF)
    assert code == 0
    (row,) = [line for line in out.splitlines() if NUMBER in line]
    cells = [c.strip() for c in row.strip("│ ").split("│")]
    assert cells == [NUMBER, "rec", "", "app1 (active)", "app", "not_yet_filed", "running"]
    assert "not_deployed" not in out


def test_inventory_csv_and_html_say_running_and_unfiled(
    capsys: pytest.CaptureFixture[str], facts_file: str, tmp_path: Path
) -> None:
    code, out, _ = run(capsys, "inventory", "--facts", facts_file, "--as-of", AS_OF,
                       "--format", "csv")
    assert code == 0
    (row,) = csv.DictReader(io.StringIO(out.lstrip("\ufeff")))
    assert (row["status"], row["deployment_state"], row["due"]) == (
        "not_yet_filed", "running", "")
    page = tmp_path / "inventory.html"
    code, _, _ = run(capsys, "inventory", "--facts", facts_file, "--as-of", AS_OF,
                     "--format", "html", "-o", str(page))
    assert code == 0
    html = page.read_text(encoding="utf-8")
    # the matrix reads the facts as of the day, as the tables beside it do: the
    # platform has no filing yet (it said 已备案 filed before)
    assert 'data-state="unfiled" data-platform="app1"' in html
    assert 'data-state="filed"' not in html


def test_html_matrix_does_not_call_a_later_launch_stopped(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A filing that exists, naming a platform where its algorithm launches after the
    as-of day: an orphan as of the day (the inventory lists it so), not 已停止 stopped."""
    path = tmp_path / "later-launch.yaml"
    path.write_text(REPRODUCER.replace("platform: app1}", "platform: app1, "
                                       "launched_on: 2026-12-01}")
                    .replace("filed_on: 2026-12-20", "filed_on: 2026-11-02"), encoding="utf-8")
    code, out, _ = run(capsys, "inventory", "--facts", str(path), "--as-of", AS_OF,
                       "--format", "json")
    doc = json.loads(out)
    assert [o["filing"] for o in doc["orphans"]] == [NUMBER]
    (filing,) = doc["filings"]
    assert (filing["deployment_state"], filing["deployments"][0]["state"]) == (
        "not_deployed", "not_yet_launched")
    jsonschema.Draft202012Validator(INVENTORY_SCHEMA).validate(doc)
    page = tmp_path / "inventory.html"
    code, _, _ = run(capsys, "inventory", "--facts", str(path), "--as-of", AS_OF,
                     "--format", "html", "-o", str(page))
    assert code == 0
    html = page.read_text(encoding="utf-8")
    assert 'data-state="orphan" data-platform="app1"' in html
    assert "部署 deployment: not_yet_launched" in html


def test_plan_cancel_never_plans_it(capsys: pytest.CaptureFixture[str], facts_file: str) -> None:
    for extra in ((), ("--stop", "rec"), ("--stop", "rec@app1", "--on", "2026-12-25")):
        code, out, _ = run(capsys, "plan-cancel", "--facts", facts_file, "--as-of", AS_OF,
                           "--format", "json", *extra)
        assert code == 0
        doc = json.loads(out)
        assert doc["applications"] == 0
        assert doc["batches"] == doc["singles"] == doc["changes"] == doc["kept"] == []
        assert doc["orphans"] == []
        # when the request touches its algorithm, a warning says why it is left out
        said = [w for w in doc["warnings"] if NUMBER in w]
        assert said == ([f"filing `{NUMBER}` is filed on 2026-12-20, after the as-of date: "
                         "it does not exist yet, so it is not planned"] if extra else [])
    code, out, _ = run(capsys, "plan-cancel", "--facts", facts_file, "--as-of", AS_OF,
                       "--stop", "rec")
    assert "nothing to cancel or change" in out


# --- properties over generated companies and days ------------------------------------

DAYS = st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
PLATFORMS = {"app": "app", "web": "website", "oa": "official_account", "mini": "mini_program"}


@st.composite
def companies(draw: st.DrawFn) -> dict[str, Any]:
    """Small companies dense in filings, launches and stops near one another."""
    deployments = []
    for a in ("a", "b"):
        for p in draw(st.lists(st.sampled_from(sorted(PLATFORMS)), unique=True)):
            dep: dict[str, Any] = {"algorithm": a, "platform": p,
                                   "status": draw(st.sampled_from(DEPLOYMENT_STATUSES))}
            launched = draw(st.none() | DAYS)
            if launched is not None:
                dep["launched_on"] = launched
            if dep["status"] == "stopped" and draw(st.integers(0, 4)) > 0:
                dep["stopped_on"] = draw(st.dates(launched or dt.date(2026, 1, 1),
                                                  dt.date(2026, 12, 31)))
            deployments.append(dep)
    filings = []
    for i in range(draw(st.integers(0, 5))):
        fil: dict[str, Any] = {
            "number": f"网信算备1101081234567012500{i:02d}号",
            "algorithm": draw(st.sampled_from(["a", "b"])),
            "platforms": draw(st.lists(st.sampled_from(sorted(PLATFORMS)), min_size=1,
                                       max_size=3, unique=True)),
            "status": draw(st.sampled_from(["active", "submitted", *FILING_STATUSES])),
        }
        filed = draw(st.none() | DAYS)
        if filed is not None:
            fil["filed_on"] = filed
        filings.append(fil)
    return {
        "organization": {"name": "x", "public_opinion": True},
        "algorithms": [{"id": a, "types": ["personalized_push"], "uses_recommendation": True}
                       for a in ("a", "b")],
        "platforms": [{"id": p, "type": t} for p, t in PLATFORMS.items()],
        "deployments": deployments,
        "filings": filings,
    }


def _recommending(doc: dict[str, Any]) -> dict[str, Any]:
    """The document with every filing rule applicable: `check` then reports each running
    deployment under `filing_per_platform` (and only those)."""
    return {**doc, "organization": {**doc["organization"], "public_opinion": True},
            "algorithms": [{**a, "uses_recommendation": True} for a in doc["algorithms"]]}


def _dates(doc: dict[str, Any]) -> list[dt.date]:
    found = [d.get(k) for d in doc["deployments"] for k in ("launched_on", "stopped_on")]
    found += [f.get("filed_on") for f in doc.get("filings", ())]
    return sorted({d for d in found if isinstance(d, dt.date)})


@st.composite
def cases(draw: st.DrawFn) -> tuple[Facts, dt.date]:
    doc = draw(st.one_of(companies(), facts_documents().map(_recommending)))
    dates = _dates(doc)
    filed = sorted({f["filed_on"] for f in doc.get("filings", ()) if "filed_on" in f})
    how = draw(st.sampled_from(["before a filing", "near a date", "any day"]))
    if how == "before a filing" and filed:  # that filing (at least) does not exist yet
        as_of = draw(st.sampled_from(filed)) - dt.timedelta(draw(st.integers(1, 90)))
    elif how == "near a date" and dates:  # on, just before or just after it
        as_of = draw(st.sampled_from(dates)) + dt.timedelta(draw(st.integers(-1, 1)))
    else:
        as_of = draw(st.dates(min(dates, default=dt.date(2026, 1, 1)),
                              max(dates, default=dt.date(2026, 12, 31))))
    return load_facts(doc), as_of


def summary(states: list[str]) -> str:
    """An independent reading of docs/cancellation.md's `deployment_state`."""
    running = any(s in ("active", "paused") for s in states)
    stopped = any(s == "stopped" for s in states)
    if running and stopped:
        return "partially_stopped"
    if stopped:
        return "stopped"
    return "running" if running else "not_deployed"


def running_per_check(facts: Facts, as_of: dt.date) -> tuple[set[tuple[str, str]],
                                                              set[tuple[str, str]]]:
    """The (algorithm, platform) pairs `check` reports as running (its filing rule
    applies to them), and those of them it reports unfiled (violated or pending)."""
    report = ENGINE.evaluate(facts, as_of=as_of)
    applicable = [f for f in report.findings
                  if f.rule == PER_PLATFORM and f.status != "not_applicable"]
    return ({(f.algorithm or "", f.platform or "") for f in applicable},
            {(f.algorithm or "", f.platform or "") for f in applicable
             if f.status in ("violated", "pending")})


def inventory(facts: Facts, as_of: dt.date) -> Inventory:
    return build_inventory(facts, capabilities=CAPABILITIES, calendar=CALENDAR, as_of=as_of)


def not_yet_filed(facts: Facts, as_of: dt.date) -> set[str]:
    return {f.number for f in facts.filings if f.filed_on is not None and f.filed_on > as_of}


@given(cases())
def test_deployment_state_agrees_with_deployments_and_check(case: tuple[Facts, dt.date]
                                                            ) -> None:
    facts, as_of = case
    inv = inventory(facts, as_of)
    running, unfiled = running_per_check(facts, as_of)
    later = not_yet_filed(facts, as_of)
    life = lifecycle(facts, as_of)
    assert {f.filing for f in inv.filings if f.status == "not_yet_filed"} == later
    for f in inv.filings:
        states = [d.state for d in f.deployments]
        assert f.deployment_state == summary(states)
        # each platform's entry says what check says: running exactly where it runs
        assert {(f.algorithm, d.platform) for d in f.deployments
                if d.state in ("active", "paused")} == {
            (f.algorithm, p) for p in f.platforms} & running
        # a running deployment is never reported as not deployed
        if any((f.algorithm, p) in running for p in f.platforms):
            assert f.deployment_state in ("running", "partially_stopped")
        if f.filing not in later:  # a filing that exists: the lifecycle's own reading
            state = life[f.filing]
            expected = ("stopped" if state.terminated else "partially_stopped"
                        if state.partially_stopped else "running"
                        if state.running_platforms else "not_deployed")
            assert f.deployment_state == expected
    # a filing that does not exist yet covers nothing and nothing is due of it
    assert {(u.algorithm, u.platform) for u in inv.unfiled} == unfiled
    due = {d.filing for d in (*inv.cancellation_due, *inv.changes_due)}
    assert not (due | {o.filing for o in inv.orphans}) & later
    jsonschema.Draft202012Validator(INVENTORY_SCHEMA).validate(json.loads(inv.to_json()))


def planned(plan: CancellationPlan) -> set[str]:
    return {*plan.cancelled_numbers(), *(c.filing for c in plan.changes),
            *(k.filing for k in plan.kept), *(o.filing for o in plan.orphans)}


@given(cases(), st.sampled_from(["auto", "batch", "single"]))
def test_plan_cancel_never_plans_a_filing_that_does_not_exist_yet(
    case: tuple[Facts, dt.date], strategy: str
) -> None:
    facts, as_of = case
    later = not_yet_filed(facts, as_of)
    # as the facts stand, and with every algorithm stopped everywhere (from a day on or
    # after every launch, as `--on` must be)
    launches = [d.launched_on for d in facts.deployments if d.launched_on is not None]
    stops = sorted({d.algorithm for d in facts.deployments})
    for request, on in (((), None), (stops, max([as_of, *launches]))):
        plan = plan_cancellation(facts, request, capabilities=CAPABILITIES,
                                 strategies=STRATEGIES, calendar=CALENDAR, on=on,
                                 as_of=as_of, strategy=strategy)
        assert not planned(plan) & later
        assert all(f.filing not in later for b in plan.batches for f in b.filings)
