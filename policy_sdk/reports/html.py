"""The HTML report: one self-contained file (inline CSS and JavaScript, no fetch of
anything), rendered with Jinja2 templates (``templates/``), autoescaped.

Three pages share one layout: a check report (findings), an inventory and a
cancellation plan. Each has the audit header, the algorithm × platform matrix and a
60-day deadline timeline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from policy_sdk.errors import Diagnostic, OutputError
from policy_sdk.facts.lifecycle import facts_as_of
from policy_sdk.reports.meta import AuditMeta, WorkdayCalendarLike, days_left, urgency_words
from policy_sdk.reports.view import (
    SEVERITY_LABELS,
    STATES,
    STATUS_LABELS,
    FindingView,
    build_matrix,
    build_timeline,
    finding_views,
)

_TEMPLATES = Path(__file__).resolve().parent / "templates"


def missing_extra(fmt: str, package: str) -> OutputError:
    return OutputError([Diagnostic(
        "missing-extra",
        f"the `{fmt}` format needs the `{package}` package, which is not installed",
        help='install the reports extra: pip install "policy-sdk[reports]"',
    )])


def _environment() -> Any:
    try:
        import jinja2
    except ImportError:
        raise missing_extra("html", "jinja2") from None
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(STATES=STATES, STATUS_LABELS=STATUS_LABELS,
                       SEVERITY_LABELS=SEVERITY_LABELS)
    env.filters["date"] = lambda d: d.isoformat() if d else "—"
    return env


def _render(template: str, **context: Any) -> str:
    text: str = _environment().get_template(template).render(**context)
    return text


def check_html(
    report: Any, *, facts: Any, include_all: bool = False, severity: str | None = None,
) -> str:
    """The check report: findings by urgency, matrix, timeline; the audit header is the
    report's ``meta``, the working days left the findings' own."""
    statuses = ("violated", "pending", "waived", "satisfied", "not_applicable") if (
        include_all) else ("violated", "pending", "waived")
    meta = _audit(report.meta, report.as_of)
    views = finding_views(report.select(statuses, severity=severity), report.as_of)
    matrix = build_matrix(_as_of(facts, report.as_of), findings=views)
    timeline = build_timeline(report.as_of, (
        (v.deadline, _finding_label(v), v.status, "#" + v.id)
        for v in views if v.status in ("violated", "pending")
    ))
    counts = dict(report.counts)
    return _render(
        "check.html.j2", meta=meta, matrix=matrix, findings=views, timeline=timeline,
        counts=counts, total=sum(counts.values()),
        rules=sorted({v.rule for v in views}),
        platforms=[c.platform for c in matrix.columns],
        statuses=[s for s in STATUS_LABELS if any(v.status == s for v in views)],
        severities=[s for s in SEVERITY_LABELS if any(v.severity == s for v in views)],
        title="合规检查报告 Compliance report",
    )


def _as_of(facts: Any, as_of: dt.date) -> Any:
    """The facts as the page's command read them (``docs/semantics.md`` §7): the matrix
    shows a filing filed after ``as_of`` as no filing, a deployment stopped after it as
    running, one launched after it as not running, as the tables beside it do."""
    return facts_as_of(facts, as_of).facts


def _audit(meta: Any, as_of: dt.date) -> AuditMeta:
    """The header of a report's ``meta``; a report made from findings alone has none:
    then only its date and the tool."""
    if meta is None:
        from policy_sdk import __version__

        return AuditMeta(organization=None, as_of=as_of, facts=None, tool_version=__version__)
    return AuditMeta.from_meta(meta)


def _finding_label(v: FindingView) -> str:
    subject = v.filing or "/".join(x for x in (v.algorithm, v.platform) if x) or "-"
    return f"{STATUS_LABELS.get(v.status, v.status)} · {v.rule.rsplit('/', 1)[-1]} · {subject}"


def inventory_html(inv: Any, *, meta: AuditMeta, facts: Any,
                   calendar: WorkdayCalendarLike) -> str:
    """The inventory: matrix (with what is due), due items by urgency, every filing."""
    left = days_left(calendar, inv.as_of)
    overlay: dict[tuple[str, str], tuple[str, str]] = {}
    due: list[dict[str, Any]] = []
    for kind, items in (("due", inv.cancellation_due), ("change", inv.changes_due)):
        for d in items:
            n = left(d.deadline)
            words = urgency_words(n, d.deadline, inv.as_of)
            for p in d.stopped_platforms:
                overlay[(d.algorithm, p)] = (kind, words)
            due.append({"kind": kind, "item": d, "left": n, "urgency": words,
                        "id": f"due-{len(due) + 1}"})
    due.sort(key=lambda x: (x["item"].deadline or dt.date.max, x["item"].filing))
    matrix = build_matrix(_as_of(facts, inv.as_of), overlay=overlay)
    timeline = build_timeline(inv.as_of, (
        (x["item"].deadline, f"{STATES[x['kind']][0]} {x['item'].filing}", x["kind"],
         "#" + x["id"]) for x in due
    ))
    return _render("inventory.html.j2", meta=meta, matrix=matrix, inv=inv, due=due,
                   timeline=timeline, title="备案盘点 Filing inventory")


def plan_html(plan: Any, *, meta: AuditMeta, facts: Any,
              calendar: WorkdayCalendarLike) -> str:
    """The cancellation plan: batches, singles, changes, kept; matrix of actions."""
    left = days_left(calendar, plan.as_of)

    def urgency(deadline: dt.date | None) -> str:
        return urgency_words(left(deadline), deadline, plan.as_of)

    overlay: dict[tuple[str, str], tuple[str, str]] = {}
    dated: list[tuple[dt.date | None, str, str, str | None]] = []
    for i, b in enumerate(plan.batches, 1):
        for f in b.filings:
            for p in f.platforms:
                overlay[(f.algorithm, p)] = ("batch", f"第 {i} 批 (batch {i})")
        dated.append((b.deadline, f"第 {i} 批注销 batch {i}", "batch", f"#batch-{i}"))
    for i, s in enumerate(plan.singles, 1):
        for p in s.filing.platforms:
            overlay[(s.filing.algorithm, p)] = ("single", "")
        dated.append((s.filing.deadline, f"单独注销 single {s.filing.filing}", "single",
                      f"#single-{i}"))
    for i, c in enumerate(plan.changes, 1):
        for p in c.remove:
            overlay[(c.algorithm, p)] = ("change-remove", "")
        for p in c.keep:
            overlay[(c.algorithm, p)] = ("change-keep", "")
        dated.append((c.deadline, f"变更 change {c.filing}", "change", f"#change-{i}"))
    for k in plan.kept:
        for p in k.platforms:
            overlay.setdefault((k.algorithm, p), ("kept", ""))
    matrix = build_matrix(_as_of(facts, plan.as_of), overlay=overlay)
    timeline = build_timeline(plan.as_of, dated)
    return _render("plan.html.j2", meta=meta, matrix=matrix, plan=plan, timeline=timeline,
                   urgency=urgency, title="注销计划 Cancellation plan")


def join(items: Iterable[str]) -> str:
    return ", ".join(items)
