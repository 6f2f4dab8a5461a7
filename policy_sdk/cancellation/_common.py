"""What the inventory and the planner share: capabilities per platform, deadlines.

Where a filing stands comes from the one lifecycle model,
:mod:`policy_sdk.facts.lifecycle`, which ``check`` reads too."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from policy_sdk.cancellation.model import PlatformRequirements, WorkdayCounter
from policy_sdk.errors import Diagnostic, FactsError, did_you_mean
from policy_sdk.facts.model import Facts
from policy_sdk.plugins.specs import CancellationCapabilities
from policy_sdk.workdays import workdays_after


def platform_requirements(
    facts: Facts, capabilities: Mapping[str, CancellationCapabilities]
) -> dict[str, PlatformRequirements]:
    """Each platform's cancellation capabilities: its type's, with the facts' overrides."""
    out: dict[str, PlatformRequirements] = {}
    problems: list[Diagnostic] = []
    for i, p in enumerate(facts.platforms):
        caps = capabilities.get(p.type)
        if caps is None:
            problems.append(
                Diagnostic(
                    code="unknown-platform-type",
                    message=f"platform `{p.id}` has unknown platform type `{p.type}`",
                    path=f"platforms[{i}].type",
                    file=facts.source,
                    help=did_you_mean(p.type, capabilities),
                )
            )
            continue
        overridden = p.batch_cancellation is not None or p.item_verification is not None
        out[p.id] = PlatformRequirements(
            platform=p.id,
            platform_type=p.type,
            batch=caps.batch if p.batch_cancellation is None else p.batch_cancellation,
            item_verification=(
                caps.item_verification if p.item_verification is None else p.item_verification
            ),
            required_materials=tuple(sorted(set(caps.required_materials))),
            overridden=overridden,
            note=caps.note,
        )
    if problems:
        raise FactsError(problems)
    return out


def check_filing_platforms(facts: Facts, known: Mapping[str, object]) -> None:
    """Every platform a filing names is a platform of the facts (the loader checks it too)."""
    problems = [
        Diagnostic(
            code="unknown-platform",
            message=f"filing `{f.number}` names unknown platform `{p}`",
            path=f"filings[{i}].platforms",
            file=facts.source,
            help=did_you_mean(p, known),
        )
        for i, f in enumerate(facts.filings)
        for p in f.platforms
        if p not in known
    ]
    if problems:
        raise FactsError(problems)


def refusal(platforms: tuple[str, ...], reqs: Mapping[str, PlatformRequirements]) -> str | None:
    """Why a filing on ``platforms`` cannot be batch-cancelled, or None if it can."""
    reasons = []
    for pid in sorted(set(platforms)):
        r = reqs[pid]
        where = " (set in the facts)" if r.overridden else ""
        if r.item_verification:
            reasons.append(f"{r.platform_type} `{pid}` demands item-by-item verification{where}")
        elif not r.batch:
            reasons.append(f"{r.platform_type} `{pid}` does not accept batch cancellation{where}")
    return "; ".join(reasons) if reasons else None


def deadline(
    calendar: WorkdayCounter, start: dt.date | None, n: int, as_of: dt.date
) -> tuple[dt.date | None, bool, bool]:
    """The n-th working day after ``start``, whether it is past on ``as_of``, and whether
    it is provisional (counted through a year the calendar does not know).

    As the engine decides (``docs/semantics.md`` §5): an item with no start date has no
    time limit running, so it counts as overdue (``check`` reports it violated)."""
    if start is None:
        return None, True, False
    due, provisional = workdays_after(calendar, start, n)
    return due, due < as_of, provisional


def provisional_warning(years: set[int]) -> list[str]:
    """One warning per year counted provisionally (``docs/calendar.md``)."""
    return [
        f"deadlines in {y} are provisional: the working-day calendar does not know {y} "
        "yet, so they count Monday to Friday without the holidays whose dates move; "
        f"supply the State Council's holiday notice for {y} with `--calendar FILE` "
        "(docs/calendar.md)"
        for y in sorted(years)
    ]


def later_warning(ignored: int) -> list[str]:
    """The dates after the as-of day that were set aside (``docs/semantics.md`` §7)."""
    if not ignored:
        return []
    return [f"{ignored} date(s) in the facts are after the as-of date and are treated as not "
            "yet happened (launches, stops, filings, records)"]


def code(names: tuple[str, ...] | list[str]) -> str:
    return ", ".join(f"`{n}`" for n in names)
