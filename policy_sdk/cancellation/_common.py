"""What the inventory and the planner share: capabilities per platform, filing state."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import attrs

from policy_sdk.cancellation.model import PlatformRequirements, WorkdayCounter
from policy_sdk.errors import Diagnostic, FactsError, did_you_mean
from policy_sdk.facts.derived import filing_state
from policy_sdk.facts.model import Deployment, Facts, Filing
from policy_sdk.plugins.specs import CancellationCapabilities

#: Art. 24 ¶3: cancel within 20 working days of terminating the service
CANCEL_WORKDAYS = 20
#: Art. 24 ¶2: change the filing within 10 working days of a change in what it covers
CHANGE_WORKDAYS = 10


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


@attrs.frozen
class Classified:
    """A live filing against the deployments: what must happen to it."""

    #: "cancel", "change", or "keep"
    action: str
    stopped: tuple[str, ...]
    running: tuple[str, ...]
    undeployed: tuple[str, ...]
    #: cancel: the latest stop (None if one is unknown); change: the earliest known stop
    stopped_on: dt.date | None


def classify(filing: Filing, deployments: Mapping[tuple[str, str], Deployment]) -> Classified:
    """Cancel when the algorithm runs on none of the filing's platforms and stopped on
    some; change when it stopped on some and runs on others; keep otherwise."""
    st = filing_state(filing, deployments)
    undeployed = tuple(
        sorted({p for p in filing.platforms if (filing.algorithm, p) not in deployments})
    )
    if st.stopped_platforms and not st.running_platforms:
        dates = [deployments[(filing.algorithm, p)].stopped_on for p in st.stopped_platforms]
        known = [d for d in dates if d is not None]
        last = max(known) if known and len(known) == len(dates) else None
        return Classified("cancel", st.stopped_platforms, (), undeployed, last)
    if st.stopped_platforms:
        return Classified(
            "change", st.stopped_platforms, st.running_platforms, undeployed, st.first_stopped_on
        )
    return Classified("keep", (), st.running_platforms, undeployed, None)


def deadline(
    calendar: WorkdayCounter, start: dt.date | None, n: int, as_of: dt.date
) -> tuple[dt.date | None, bool]:
    """The n-th working day after ``start``, and whether it is already past on ``as_of``."""
    if start is None:
        return None, False
    due = calendar.add_workdays(start, n)
    return due, due < as_of


def code(names: tuple[str, ...] | list[str]) -> str:
    return ", ".join(f"`{n}`" for n in names)
