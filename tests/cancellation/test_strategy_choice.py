"""How the planner treats strategies: auto's rule, plugin strategies that break the contract."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest

from policy_sdk.errors import PluginError
from policy_sdk.facts.model import Facts
from policy_sdk.plugins.specs import (
    Batch,
    CancellationCandidate,
    CancellationCapabilities,
    Proposal,
    Single,
)
from policy_sdk.workdays import WorkdayCalendar

from ._support import CAPABILITIES, STRATEGIES, plan


class AllInOne:
    """Batches everything, refused or not (breaks the contract when a platform refuses)."""

    name = "all-in-one"
    description = "one application for everything"

    def propose(self, candidates: Sequence[CancellationCandidate]) -> Proposal:
        return Proposal(self.name, (Batch(tuple(sorted(c.filing for c in candidates)), "all"),), ())


class Forgetful:
    name = "forgetful"
    description = "leaves the first candidate out"

    def propose(self, candidates: Sequence[CancellationCandidate]) -> Proposal:
        rest = sorted(c.filing for c in candidates)[1:]
        return Proposal(self.name, (), tuple(Single(n, "x") for n in rest))


class PairUp:
    """A valid plugin strategy: batchable candidates two by two, by filing number."""

    name = "aaa-pairs"
    description = "pairs"

    def propose(self, candidates: Sequence[CancellationCandidate]) -> Proposal:
        ok = sorted(c.filing for c in candidates if c.accepts_batch)
        no = sorted(c.filing for c in candidates if not c.accepts_batch)
        batches = tuple(Batch(tuple(ok[i : i + 2]), "pair") for i in range(0, len(ok), 2))
        return Proposal(self.name, batches, tuple(Single(n, "refused") for n in no))


def test_auto_skips_a_strategy_that_batches_what_a_platform_refuses(
    company: Facts, calendar: WorkdayCalendar
) -> None:
    p = plan(company, calendar, strategies={**STRATEGIES, "all-in-one": AllInOne()})
    assert p.strategy == "batch"
    assert ("all-in-one", 1, False) in [
        (c.strategy, c.applications, c.eligible) for c in p.considered
    ]


def test_a_refusing_strategy_asked_by_name_is_a_plugin_error(
    company: Facts, calendar: WorkdayCalendar
) -> None:
    with pytest.raises(PluginError) as info:
        plan(
            company,
            calendar,
            strategies={**STRATEGIES, "all-in-one": AllInOne()},
            strategy="all-in-one",
        )
    assert info.value.code == "strategy-invalid"
    assert "refuses batch" in info.value.render()


def test_a_strategy_that_loses_a_filing_is_a_plugin_error(
    company: Facts, calendar: WorkdayCalendar
) -> None:
    with pytest.raises(PluginError) as info:
        plan(company, calendar, strategies={**STRATEGIES, "forgetful": Forgetful()})
    assert "leaves filings out" in info.value.render()


def test_auto_ties_go_to_the_first_name(company: Facts, calendar: WorkdayCalendar) -> None:
    # batchable: the news-rec app and website filings (video-rec's are partial offline):
    # pairs and batch both give 1 batch + 4 singles; the tie goes to the first name
    p = plan(company, calendar, strategies={**STRATEGIES, "aaa-pairs": PairUp()})
    assert [(c.strategy, c.applications) for c in p.considered] == [
        ("aaa-pairs", 5),
        ("batch", 5),
        ("single", 6),
    ]
    assert p.strategy == "aaa-pairs"
    p = plan(company, calendar, strategies={**STRATEGIES, "zzz-pairs": PairUp()})
    assert p.strategy == "batch"


def test_required_materials_join_the_shared_set(company: Facts, calendar: WorkdayCalendar) -> None:
    caps = {
        **CAPABILITIES,
        "website": CancellationCapabilities(required_materials=("网站备案截图",)),
    }
    p = plan(company, calendar, capabilities=caps)
    assert "网站备案截图" in p.batches[0].materials
    for single in p.singles:
        on_website = "website" in single.filing.platforms
        assert ("网站备案截图" in single.materials) == on_website
    assert p.batches[0].materials[0].startswith("注销申请")


def test_deadline_in_an_unknown_year_is_provisional(
    company: Facts, calendar: WorkdayCalendar
) -> None:
    p = plan(company, calendar, ("feed-rec",), on=dt.date(2026, 12, 20))
    (single,) = [s for s in p.singles if s.filing.algorithm == "feed-rec"]
    assert (single.filing.deadline, single.filing.provisional) == (dt.date(2027, 1, 18), True)
    assert p.warnings[-1] == (
        "deadlines in 2027 are provisional: the working-day calendar does not know 2027 yet, "
        "so they count Monday to Friday without the holidays whose dates move; supply the "
        "State Council's holiday notice for 2027 with `--calendar FILE` (docs/calendar.md)"
    )


def test_deadline_on_as_of_is_not_overdue(company: Facts, calendar: WorkdayCalendar) -> None:
    p = plan(company, calendar, as_of=dt.date(2026, 11, 5))
    video_app = next(s.filing for s in p.singles if s.filing.platforms == ("main-app",))
    assert video_app.deadline == dt.date(2026, 11, 5)
    assert not video_app.overdue
    p = plan(company, calendar, as_of=dt.date(2026, 11, 6))
    video_app = next(s.filing for s in p.singles if s.filing.platforms == ("main-app",))
    assert video_app.overdue
    # news-rec stops on alipay-mini only on 2026-11-10: before that it still runs there,
    # so its app and website filings are a partial offline too (no batch yet)
    assert p.batches == ()
