"""docs/semantics.md, one test per rule of meaning (section numbers in the names)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from policy_sdk.engine.engine import Engine
from policy_sdk.engine.report import Finding
from policy_sdk.errors import ValidationError
from policy_sdk.facts.model import Deployment, Facts, Filing, Platform, Record
from policy_sdk.workdays import WorkdayCalendar

from .engine_support import facts, rec_alg

D = dt.date
AS_OF = D(2026, 11, 20)
LAUNCHED = D(2025, 1, 1)
PLATFORMS = (Platform("app", "app"), Platform("mini", "mini_program"), Platform("web", "website"))


def run(source: str, f: Facts, as_of: dt.date = AS_OF, **kw: Any) -> list[Finding]:
    engine = Engine.from_source(source, load_entrypoints=False, plugin_rules=False, **kw)
    return list(engine.evaluate(f, as_of=as_of).findings)


def status(findings: list[Finding], **key: str | None) -> str:
    (hit,) = [f for f in findings if all(getattr(f, k) == v for k, v in key.items())]
    return hit.status


def dep(platform: str, status: str = "active", launched: dt.date | None = LAUNCHED,
        stopped: dt.date | None = None, algorithm: str = "rec") -> Deployment:
    return Deployment(algorithm, platform, status, launched, stopped)


def filing(number: str, *platforms: str, status: str = "active", algorithm: str = "rec") -> Filing:
    return Filing(number, algorithm, platforms, status)


# --- §1 scopes ---------------------------------------------------------------------


def test_s1_scopes_and_keys() -> None:
    f = facts(algorithms=(rec_alg(), rec_alg("other", uses=False)), platforms=PLATFORMS,
              deployments=(dep("app"), dep("mini")), filings=(filing("F1", "app"),))
    per_platform = run("require filing per platform", f)
    per_deployment = run("require filing per deployment", f)
    assert [(x.algorithm, x.platform) for x in per_platform] == [("rec", "app"), ("rec", "mini")]
    assert [(x.algorithm, x.platform, x.status) for x in per_platform] == \
        [(x.algorithm, x.platform, x.status) for x in per_deployment]
    assert [x.algorithm for x in run("ensure true per algorithm", f)] == ["other", "rec"]
    (only,) = run("ensure true per organization", f)
    assert (only.algorithm, only.platform, only.filing) == (None, None, None)
    (one,) = run("ensure true per filing", f)
    assert (one.algorithm, one.platform, one.filing) == ("rec", None, "F1")


# --- §2 names ------------------------------------------------------------------------


def test_s2_bare_names_resolve_and_problems_are_errors() -> None:
    f = facts(algorithms=(rec_alg(),), platforms=PLATFORMS, deployments=(dep("app"),))
    assert status(run("ensure uses_recommendation per platform", f)) == "satisfied"
    with pytest.raises(ValidationError) as info:
        Engine.from_source("ensure running per platform", load_entrypoints=False)
    assert "ambiguous" in str(info.value)
    # an unknown name may be one a facts file declares (`schema:`), so it is reported
    # when the facts in hand do not declare it
    typo = Engine.from_source("ensure uses_recomendation per platform", load_entrypoints=False)
    with pytest.raises(ValidationError) as info:
        typo.evaluate(f, as_of=AS_OF)
    assert "did you mean `uses_recommendation`?" in str(info.value)
    with pytest.raises(ValidationError):
        _ = typo.rules


def test_s2_missing_optional_attribute_reads_null() -> None:
    f = facts(algorithms=(rec_alg(),), platforms=PLATFORMS, deployments=(dep("app"),))
    assert status(run("ensure platform.host == null per platform", f)) == "satisfied"
    assert status(run("ensure stopped_on == null per platform", f)) == "satisfied"


# --- §3 values and operators ---------------------------------------------------------


def test_s3_mismatched_types_compare_false_at_run_time() -> None:
    """The validator rejects `true == 1`; the compiled operators still say false."""
    from policy_sdk.engine.compile import equal, member, order

    assert not equal(True, 1)
    assert equal(1, 1.0)  # both numbers
    assert not equal(D(2026, 1, 1), "2026-01-01")
    assert not order("<")(D(2026, 1, 1), "2027-01-01")
    assert not order("<")(None, 1)
    assert not member(True, (1,))
    assert not member(None, ("x",))
    assert member(("a", "b"), ("b",))


@pytest.mark.parametrize(
    ("condition", "holds"),
    [
        ("uses_recommendation == true", True),
        ("stopped_on < 2026-01-01", False),  # null compares false
        ("stopped_on >= 2026-01-01", False),
        ("not (stopped_on < 2026-01-01)", True),
        ("launched_on < 2026-01-01", True),
        ('"personalized_push" in types', True),
        ('types in ["ranking_selection", "personalized_push"]', True),  # overlap
        ('types in ["ranking_selection"]', False),
        ("stopped_on in [2026-01-01]", False),  # null in L
        ("stopped_on not in [2026-01-01]", True),
        ('types == ["personalized_push"]', True),
        ('platform.type in ["app", "website"]', True),
        ("deployment.status != null", True),
        ("null == null", True),
        ("platform.batch_cancellation or true", True),  # null counts as false
        ("platform.batch_cancellation and true", False),
        ("not platform.batch_cancellation", True),
    ],
)
def test_s3_operators(condition: str, holds: bool) -> None:
    f = facts(algorithms=(rec_alg(),), platforms=PLATFORMS, deployments=(dep("app"),))
    got = status(run(f"ensure {condition} per platform", f))
    assert got == ("satisfied" if holds else "violated")


# --- §4.1 require --------------------------------------------------------------------


def test_s4_1_filing_is_per_platform() -> None:
    """A filing naming only other platforms never satisfies."""
    f = facts(algorithms=(rec_alg(),), platforms=PLATFORMS,
              deployments=(dep("app"), dep("mini")), filings=(filing("F1", "app"),))
    got = run("require filing per platform", f)
    assert status(got, platform="app") == "satisfied"
    assert status(got, platform="mini") == "violated"


@pytest.mark.parametrize(
    ("filing_status", "covers"),
    [("active", True), ("submitted", True), ("cancellation_pending", False),
     ("cancelled", False), ("rejected", False)],
)
def test_s4_1_only_live_filings_cover(filing_status: str, covers: bool) -> None:
    f = facts(algorithms=(rec_alg(),), platforms=PLATFORMS, deployments=(dep("app"),),
              filings=(filing("F1", "app", status=filing_status),))
    assert status(run("require filing per platform", f)) == ("satisfied" if covers else "violated")


def test_s4_1_distinct_filing_is_stricter() -> None:
    f = facts(algorithms=(rec_alg(),), platforms=PLATFORMS,
              deployments=(dep("app"), dep("mini"), dep("web")),
              filings=(filing("F1", "app", "mini"), filing("F2", "web")))
    covered = run("require filing per platform", f)
    distinct = run("require distinct filing per platform", f)
    assert {x.status for x in covered} == {"satisfied"}
    assert status(distinct, platform="app") == "violated"
    assert status(distinct, platform="mini") == "violated"
    assert status(distinct, platform="web") == "satisfied"
    explanation = "\n".join(next(x for x in distinct if x.platform == "app").explanation)
    assert "together with others" in explanation


def test_s4_1_other_kinds_match_by_the_parts_records_name() -> None:
    f = facts(algorithms=(rec_alg(), rec_alg("two")), platforms=PLATFORMS,
              deployments=(dep("app"), dep("mini"), dep("app", algorithm="two")),
              records=(Record("opt_out", algorithm="rec", platform="app"),
                       Record("disclosure"),
                       Record("opt_out", algorithm="two")))
    got = run("require opt_out per platform", f)
    assert status(got, algorithm="rec", platform="app") == "satisfied"
    assert status(got, algorithm="rec", platform="mini") == "violated"  # names another platform
    assert status(got, algorithm="two", platform="app") == "satisfied"  # leaves platform out
    assert {x.status for x in run("require disclosure per platform", f)} == {"satisfied"}
    # a part the key lacks is not compared
    per_algorithm = run("require opt_out per algorithm", f)
    assert {x.status for x in per_algorithm} == {"satisfied"}


def test_s4_1_with_filters_records() -> None:
    f = facts(algorithms=(rec_alg(),), platforms=PLATFORMS, deployments=(dep("app"),),
              records=(Record("security_assessment", algorithm="rec", on=D(2024, 5, 1)),))
    recent = "require security_assessment per algorithm with on >= 2025-01-01"
    older = "require security_assessment per algorithm with security_assessment.on < 2025-01-01"
    assert status(run(recent, f)) == "violated"
    assert status(run(older, f)) == "satisfied"


def test_s4_1_not_applicable_where_the_condition_fails() -> None:
    f = facts(algorithms=(rec_alg(uses=False),), platforms=PLATFORMS, deployments=(dep("app"),))
    (x,) = run("require filing per platform where uses_recommendation", f)
    assert x.status == "not_applicable"
    assert x.deadline is None


# --- §4.2 forbid ----------------------------------------------------------------------


def test_s4_2_forbid() -> None:
    f = facts(algorithms=(rec_alg(), rec_alg("two", uses=False)), platforms=PLATFORMS,
              deployments=(dep("app"), dep("app", algorithm="two")),
              records=(Record("marketing_claim", algorithm="rec"),))
    with_kind = run("forbid marketing_claim per algorithm where uses_recommendation", f)
    assert status(with_kind, algorithm="rec") == "violated"
    assert status(with_kind, algorithm="two") == "not_applicable"
    kindless = run("forbid per algorithm where uses_recommendation", f)
    assert status(kindless, algorithm="rec") == "violated"
    assert status(kindless, algorithm="two") == "satisfied"
    assert status(run("forbid marketing_claim per organization", f)) == "violated"
    clean = facts(algorithms=(rec_alg(),))
    assert status(run("forbid marketing_claim per organization", clean)) == "satisfied"


# --- §4.3 ensure ----------------------------------------------------------------------


def test_s4_3_ensure_with_deadline() -> None:
    f = facts(algorithms=(rec_alg(),), platforms=PLATFORMS,
              deployments=(dep("app", launched=D(2026, 11, 12)), dep("mini", launched=None)))
    got = run("ensure false per platform within 10 working days of launched_on", f)
    pending = next(x for x in got if x.platform == "app")
    assert (pending.status, pending.deadline) == ("pending", D(2026, 11, 26))
    no_anchor = next(x for x in got if x.platform == "mini")
    assert (no_anchor.status, no_anchor.deadline) == ("violated", None)


# --- §5 deadlines and working days ---------------------------------------------------------


def test_s5_as_of_decides_pending_or_violated() -> None:
    f = facts(algorithms=(rec_alg(),), platforms=PLATFORMS,
              deployments=(dep("app", launched=D(2026, 9, 24)),))
    rule = "require filing per platform within 10 working days of launched_on"
    on_due = run(rule, f, as_of=D(2026, 10, 15))
    after = run(rule, f, as_of=D(2026, 10, 16))
    assert (on_due[0].status, on_due[0].deadline) == ("pending", D(2026, 10, 15))
    assert (after[0].status, after[0].deadline) == ("violated", D(2026, 10, 15))
    calendar_days = run("require filing per platform within 10 days of launched_on", f)
    assert calendar_days[0].deadline == D(2026, 10, 4)


def test_s5_unknown_year_is_provisional_and_a_calendar_file_makes_it_final(tmp_path: Path) -> None:
    f = facts(algorithms=(rec_alg(),), platforms=PLATFORMS,
              deployments=(dep("app", launched=D(2026, 12, 28)),))
    rule = "require filing per platform within 10 working days of launched_on"
    # without 2027: provisional, Monday to Friday without 1 January
    # Dec 29, 30, 31 (3), Jan 1 off, Jan 4..8 (8), Jan 11, 12 -> due 2027-01-12
    (x,) = run(rule, f, as_of=D(2027, 1, 5))
    assert (x.status, x.deadline, x.provisional) == ("pending", D(2027, 1, 12), True)
    cal = tmp_path / "2027.yaml"
    cal.write_text("year: 2027\nholidays: [2027-01-01, 2027-01-04]\n", encoding="utf-8")
    (x,) = run(rule, f, as_of=D(2027, 1, 5), calendar=WorkdayCalendar.from_file(cal))
    # the notice's 4 January off as well -> due 2027-01-13, final
    assert (x.status, x.deadline, x.provisional) == ("pending", D(2027, 1, 13), False)


def test_s5_satisfied_keys_need_no_calendar() -> None:
    f = facts(algorithms=(rec_alg(),), platforms=PLATFORMS,
              deployments=(dep("app", launched=D(2030, 1, 1)),), filings=(filing("F", "app"),))
    rule = "require filing per platform within 10 working days of launched_on"
    assert status(run(rule, f)) == "satisfied"


# --- §6 severity, ids, order ---------------------------------------------------------------


def test_s6_ids_severity_and_order() -> None:
    source = """
    require filing per platform
    require filing per platform
    policy p {
      rule r "title" { severity advisory citation "c" remedy "do it" ensure false per algorithm }
    }
    """
    f = facts(algorithms=(rec_alg("b"), rec_alg("a")), platforms=PLATFORMS,
              deployments=(dep("web", algorithm="b"), dep("app", algorithm="b"),
                           dep("app", algorithm="a")))
    got = run(source, f)
    assert [x.rule for x in got] == ["p/r"] * 2 + ["require_filing_per_platform"] * 3 + \
        ["require_filing_per_platform_2"] * 3
    assert [x.algorithm for x in got[:2]] == ["a", "b"]
    assert [(x.algorithm, x.platform) for x in got[2:5]] == [("a", "app"), ("b", "app"),
                                                              ("b", "web")]
    assert (got[0].severity, got[0].message, got[0].citation, got[0].remedy) == \
        ("advisory", "title", "c", "do it")
    assert got[2].severity == "mandatory"
    assert got[2].message == "require_filing_per_platform"


# --- §7 computed attributes ------------------------------------------------------------------


def test_s7_computed_attributes() -> None:
    f = facts(
        algorithms=(rec_alg(),),
        platforms=PLATFORMS,
        deployments=(dep("app", "stopped", stopped=D(2026, 10, 9)),
                     dep("mini", "stopped", stopped=D(2026, 10, 12)),
                     dep("web", "paused")),
        filings=(filing("ALL", "app", "mini"), filing("PART", "app", "web"),
                 filing("DEAD", "web", status="cancelled")),
    )
    checks = {
        "terminated": {"ALL": True, "PART": False},
        "terminated_on == 2026-10-12": {"ALL": True, "PART": False},
        "partially_stopped": {"ALL": False, "PART": True},
        "first_stopped_on == 2026-10-09": {"ALL": True, "PART": True},
        'stopped_platforms == ["app", "mini"]': {"ALL": True},
        'running_platforms == ["web"]': {"PART": True, "DEAD": True},
        "live": {"ALL": True, "DEAD": False},
        'algorithm.filed_platforms == ["app", "mini", "web"]': {"ALL": True},
        "algorithm.running": {"ALL": True},
    }
    for condition, expected in checks.items():
        got = run(f"ensure {condition} per filing", f)
        for number, holds in expected.items():
            assert status(got, filing=number) == ("satisfied" if holds else "violated"), condition


# --- §8 the default pack -------------------------------------------------------------------


def pack(f: Facts, as_of: dt.date = AS_OF) -> list[Finding]:
    engine = Engine(load_entrypoints=False, plugin_rules=False)
    return list(engine.evaluate(f, as_of=as_of).findings)


FPP = "cn.algorithm_filing/filing_per_platform"


def test_s8_paused_still_needs_a_filing_stopped_needs_none() -> None:
    f = facts(algorithms=(rec_alg(),), platforms=PLATFORMS,
              deployments=(dep("app", "paused"), dep("mini", "stopped", stopped=D(2026, 1, 5))))
    got = [x for x in pack(f) if x.rule == FPP]
    assert status(got, platform="app") == "violated"
    assert status(got, platform="mini") == "not_applicable"


def test_s8_terminated_filing_must_be_cancelled_within_20_working_days() -> None:
    rule = "cn.algorithm_filing/cancellation_on_termination"
    base = dict(algorithms=(rec_alg(),), platforms=PLATFORMS,
                deployments=(dep("app", "stopped", stopped=D(2026, 10, 9)),))
    live = pack(facts(**base, filings=(filing("F", "app"),)))  # type: ignore[arg-type]
    x = next(x for x in live if x.rule == rule)
    assert (x.status, x.deadline) == ("violated", D(2026, 11, 5))
    early = next(x for x in pack(facts(**base, filings=(filing("F", "app"),)),  # type: ignore[arg-type]
                                 as_of=D(2026, 11, 5)) if x.rule == rule)
    assert early.status == "pending"
    for done in ("cancellation_pending", "cancelled"):
        got = pack(facts(**base, filings=(filing("F", "app", status=done),)))  # type: ignore[arg-type]
        assert status([x for x in got if x.rule == rule]) == "satisfied"


def test_s8_partially_stopped_filing_must_be_changed_within_10_working_days() -> None:
    rule = "cn.algorithm_filing/filing_change"
    base = dict(algorithms=(rec_alg(),), platforms=PLATFORMS,
                deployments=(dep("app"), dep("web", "stopped", stopped=D(2026, 11, 2))),
                filings=(filing("F", "app", "web"),))
    got = [x for x in pack(facts(**base)) if x.rule == rule]  # type: ignore[arg-type]
    assert [(x.status, x.deadline) for x in got] == [("violated", D(2026, 11, 16))]
    old_change = Record("filing_change", filing="F", on=D(2026, 10, 1))
    new_change = Record("filing_change", filing="F", on=D(2026, 11, 10))
    stale = [x for x in pack(facts(**base, records=(old_change,))) if x.rule == rule]  # type: ignore[arg-type]
    assert stale[0].status == "violated"
    done = [x for x in pack(facts(**base, records=(new_change,))) if x.rule == rule]  # type: ignore[arg-type]
    assert done[0].status == "satisfied"
