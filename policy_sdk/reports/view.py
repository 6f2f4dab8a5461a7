"""What the HTML report (and the spreadsheets) show, as plain values: the algorithm ×
platform matrix, findings in order of urgency, the deadline timeline, the plan.

Everything here is computed from a report, an inventory or a plan plus the facts;
nothing is rendered here (see :mod:`policy_sdk.reports.html`). Orders are by ids, so
the output does not depend on the order of the facts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

import attrs

from policy_sdk.engine.finding import urgency_key as finding_urgency
from policy_sdk.reports.meta import urgency_words

#: state -> (Chinese label, English label); the cell's text, never colour alone
STATES: Final[Mapping[str, tuple[str, str]]] = {
    "violated": ("违规", "violated"),
    "pending": ("待办", "pending"),
    "due": ("已停止·待注销", "stopped, cancellation due"),
    "change": ("待变更", "change due"),
    "filed": ("已备案", "filed"),
    "unfiled": ("未备案", "no filing"),
    "unfiled-ok": ("未备案·无需", "no filing, none required"),
    "orphan": ("有备案·无部署", "filed, not deployed"),
    "stopped": ("已停止", "stopped"),
    "batch": ("批量注销", "batch cancellation"),
    "single": ("单独注销", "single cancellation"),
    "change-remove": ("变更·移除", "change: remove"),
    "change-keep": ("变更·保留", "change: keep"),
    "kept": ("保留", "kept"),
    "none": ("无", "none"),
}

STATUS_LABELS: Final[Mapping[str, str]] = {
    "violated": "违规 violated",
    "pending": "待办 pending",
    "waived": "豁免 waived",
    "satisfied": "合规 satisfied",
    "not_applicable": "不适用 not applicable",
}
SEVERITY_LABELS: Final[Mapping[str, str]] = {
    "mandatory": "强制 mandatory",
    "advisory": "建议 advisory",
}

TIMELINE_DAYS: Final = 60


@attrs.frozen
class FilingRef:
    number: str
    #: the other platforms the filing names (a filing covering several platforms)
    shared_with: tuple[str, ...]
    live: bool


@attrs.frozen
class Cell:
    algorithm: str
    platform: str
    state: str
    #: deployment status on the platform ("active", "paused", "stopped") or None
    deployment: str | None
    filings: tuple[FilingRef, ...]
    #: the ids (``f-3``) of the findings of this cell, most urgent first
    findings: tuple[str, ...]
    note: str = ""
    #: the rules of its findings (their last id part), most urgent first
    rules: tuple[str, ...] = ()

    @property
    def label_zh(self) -> str:
        return STATES[self.state][0]

    @property
    def label_en(self) -> str:
        return STATES[self.state][1]

    @property
    def label(self) -> str:
        return f"{self.label_zh} {self.label_en}"


@attrs.frozen
class Row:
    algorithm: str
    name: str | None
    cells: tuple[Cell, ...]
    #: algorithm-wide findings (no platform, no filing) of this algorithm
    findings: tuple[str, ...] = ()


@attrs.frozen
class Column:
    platform: str
    name: str | None
    type: str


@attrs.frozen
class Matrix:
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]

    def states(self) -> list[str]:
        """The states that occur, in legend order."""
        seen = {c.state for r in self.rows for c in r.cells}
        return [s for s in STATES if s in seen]


@attrs.frozen
class FindingView:
    id: str
    rule: str
    status: str
    severity: str
    algorithm: str | None
    platform: str | None
    filing: str | None
    #: every platform the finding concerns (its platform, or its filing's)
    platforms: tuple[str, ...]
    message: str
    citation: str | None
    remedy: str | None
    deadline: dt.date | None
    working_days_left: int | None
    urgency: str
    explanation: tuple[str, ...]
    origin: str

    @property
    def overdue(self) -> bool:
        """A violation past its deadline (``working_days_left`` negative)."""
        return self.deadline is not None and self.status == "violated" and bool(
            self.working_days_left is None or self.working_days_left < 0
        )

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS.get(self.severity, self.severity)


@attrs.frozen
class TimelineItem:
    day: dt.date
    label: str
    kind: str  # a state/status for the colour
    href: str | None
    #: position in the 60-day window, 0-100 (percent)
    position: float


@attrs.frozen
class Timeline:
    start: dt.date
    end: dt.date
    items: tuple[TimelineItem, ...]
    #: deadlines already passed (not on the timeline)
    overdue: int

    def by_day(self) -> list[tuple[dt.date, list[TimelineItem]]]:
        out: dict[dt.date, list[TimelineItem]] = {}
        for item in self.items:
            out.setdefault(item.day, []).append(item)
        return sorted(out.items())

    def ticks(self) -> list[tuple[float, str]]:
        """A tick every 10 days: (position %, MM-DD)."""
        span = (self.end - self.start).days or 1
        return [
            (100.0 * d / span, (self.start + dt.timedelta(days=d)).strftime("%m-%d"))
            for d in range(0, span + 1, 10)
        ]


# --- findings -----------------------------------------------------------------------


def finding_views(findings: Iterable[Any], as_of: dt.date) -> tuple[FindingView, ...]:
    """Findings (``engine.report.Finding``) in the order for people
    (:func:`policy_sdk.engine.finding.urgency_key`, as ``Report.by_urgency``), numbered
    ``f-1``…; the working days left are the findings' own (``working_days_left``)."""
    views = []
    for i, f in enumerate(sorted(findings, key=finding_urgency), 1):
        platforms = (f.platform,) if f.platform is not None else tuple(f.platforms)
        n = f.working_days_left
        views.append(
            FindingView(
                id=f"f-{i}", rule=f.rule, status=f.status, severity=f.severity,
                algorithm=f.algorithm, platform=f.platform, filing=f.filing,
                platforms=platforms, message=f.message, citation=f.citation,
                remedy=f.remedy, deadline=f.deadline, working_days_left=n,
                urgency=urgency_words(n, f.deadline, as_of)
                if f.status in ("violated", "pending") else "",
                explanation=tuple(f.explanation), origin=f.origin,
            )
        )
    return tuple(views)


# --- the matrix ---------------------------------------------------------------------

def build_matrix(
    facts: Any,
    *,
    findings: Sequence[FindingView] = (),
    overlay: Mapping[tuple[str, str], tuple[str, str]] | None = None,
) -> Matrix:
    """Algorithms down (sorted by id), platforms across (sorted by id).

    A cell's state: the worst of its violated/pending findings when there are any;
    else ``overlay[(algorithm, platform)]`` (state, note) when given (inventory: what is
    due; plan: what the plan does); else what the facts say (filed, no filing, stopped,
    filed but not deployed, none). ``facts`` are as of the report's day
    (:func:`policy_sdk.facts.lifecycle.facts_as_of`): a deployment launched later
    (``not_yet_launched``) is not deployed yet."""
    platforms = sorted(facts.platforms, key=lambda p: p.id)
    algorithms = sorted(facts.algorithms, key=lambda a: a.id)
    deployments = {(d.algorithm, d.platform): d for d in facts.deployments}
    filings: dict[tuple[str, str], list[Any]] = {}
    for f in sorted(facts.filings, key=lambda f: f.number):
        for p in dict.fromkeys(f.platforms):
            filings.setdefault((f.algorithm, p), []).append(f)
    by_cell: dict[tuple[str, str], list[FindingView]] = {}
    by_algorithm: dict[str, list[str]] = {}
    for v in findings:
        if v.status not in ("violated", "pending") or v.algorithm is None:
            continue
        if not v.platforms:
            by_algorithm.setdefault(v.algorithm, []).append(v.id)
        for p in v.platforms:
            by_cell.setdefault((v.algorithm, p), []).append(v)
    rows = []
    for a in algorithms:
        cells = []
        for p in platforms:
            key = (a.id, p.id)
            dep = deployments.get(key)
            refs = tuple(
                FilingRef(f.number, tuple(x for x in sorted(set(f.platforms)) if x != p.id),
                          f.live)
                for f in filings.get(key, ())
            )
            live = any(r.live for r in refs)
            found = by_cell.get(key, [])
            note = ""
            if found:
                state = "violated" if any(v.status == "violated" for v in found) else "pending"
                dated = [v for v in found if v.deadline is not None and v.status == state]
                if dated:
                    note = dated[0].urgency
            elif overlay is not None and key in overlay:
                state, note = overlay[key]
            elif dep is not None and dep.running:
                if live:
                    state = "filed"
                elif overlay is not None and a.uses_recommendation:
                    state = "unfiled"  # inventory/plan: the rules did not run
                else:
                    state = "unfiled-ok"  # no finding asks for one
            elif dep is not None and dep.status == "stopped":
                state = "stopped"
            elif live:  # no deployment, or one launched after the as-of day
                state = "orphan"
            else:
                state = "none"
            cells.append(
                Cell(a.id, p.id, state, dep.status if dep is not None else None, refs,
                     tuple(v.id for v in found), note,
                     tuple(dict.fromkeys(v.rule.rsplit("/", 1)[-1] for v in found)))
            )
        rows.append(Row(a.id, a.name, tuple(cells), tuple(by_algorithm.get(a.id, ()))))
    columns = tuple(Column(p.id, p.name, p.type) for p in platforms)
    return Matrix(columns, tuple(rows))


# --- timeline -----------------------------------------------------------------------


def build_timeline(as_of: dt.date, dated: Iterable[tuple[dt.date | None, str, str, str | None]]
                   ) -> Timeline:
    """Deadlines from ``as_of`` to ``as_of + 60 days``: (deadline, label, kind, href)."""
    end = as_of + dt.timedelta(days=TIMELINE_DAYS)
    items = []
    overdue = 0
    for day, label, kind, href in dated:
        if day is None:
            continue
        if day < as_of:
            overdue += 1
            continue
        if day > end:
            continue
        items.append(
            TimelineItem(day, label, kind, href, 100.0 * (day - as_of).days / TIMELINE_DAYS)
        )
    items.sort(key=lambda i: (i.day, i.label))
    return Timeline(as_of, end, tuple(items), overdue)
