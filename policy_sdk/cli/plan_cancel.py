"""``policy-sdk plan-cancel``: which filings to cancel (batched or singly), change or keep."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from policy_sdk.cli.inventory import (
    _d,
    _overdue,
    common_options,
    console,
    load,
    parse_date,
    reporting_errors,
)


def render_plan(plan: Any) -> None:
    from rich.markup import escape
    from rich.table import Table

    out = console()
    strategy = plan.strategy
    if plan.requested_strategy != plan.strategy:
        strategy = f"{plan.requested_strategy} → {plan.strategy}"
    out.print(
        f"[bold]cancellation plan[/] as of {plan.as_of.isoformat()} (strategy {strategy}): "
        f"{plan.applications} application(s), {len(plan.changes)} change(s), "
        f"{len(plan.kept)} kept; first deadline {_d(plan.deadline)}"
    )
    if plan.considered:
        out.print(
            "strategies compared: "
            + ", ".join(
                f"{c.strategy} {c.applications}" + ("" if c.eligible else " (rejected)")
                for c in plan.considered
            )
        )
    for i, b in enumerate(plan.batches, 1):
        t = Table(title=f"batch {i}: {escape(b.reason)}", title_justify="left")
        for col in ("filing", "algorithm", "platforms", "stopped on", "deadline", ""):
            t.add_column(col, no_wrap=col == "filing")
        for f in b.filings:
            t.add_row(
                escape(f.filing),
                escape(f.algorithm),
                ", ".join(f.platforms),
                _d(f.stopped_on),
                _d(f.deadline),
                _overdue(f.overdue),
            )
        out.print(t)
        out.print("  materials: " + escape("; ".join(b.materials)))
    if plan.singles:
        t = Table(title="singles (cancelled one by one)", title_justify="left")
        for col in ("filing", "algorithm", "platforms", "deadline", "", "reason"):
            t.add_column(col, no_wrap=col == "filing")
        for s in plan.singles:
            t.add_row(
                escape(s.filing.filing),
                escape(s.filing.algorithm),
                ", ".join(s.filing.platforms),
                _d(s.filing.deadline),
                _overdue(s.filing.overdue),
                escape(s.reason),
            )
        out.print(t)
    if plan.changes:
        t = Table(
            title="changes (not cancelled: remove the stopped platforms)", title_justify="left"
        )
        for col in ("filing", "algorithm", "remove", "keep", "deadline", ""):
            t.add_column(col, no_wrap=col == "filing")
        for c in plan.changes:
            t.add_row(
                escape(c.filing),
                escape(c.algorithm),
                ", ".join(c.remove),
                ", ".join(c.keep),
                _d(c.deadline),
                _overdue(c.overdue),
            )
        out.print(t)
    if plan.kept:
        t = Table(title="kept (must not be cancelled)", title_justify="left")
        for col in ("filing", "algorithm", "reason"):
            t.add_column(col, no_wrap=col == "filing")
        for k in plan.kept:
            t.add_row(escape(k.filing), escape(k.algorithm), escape(k.reason))
        out.print(t)
    if not (plan.batches or plan.singles or plan.changes or plan.kept):
        out.print("nothing to cancel or change")
    for w in plan.warnings:
        out.print(f"[yellow]warning[/]: {escape(w)}")


@click.command("plan-cancel")
@common_options
@click.option(
    "--stop",
    "stops",
    multiple=True,
    metavar="ALGORITHM[@PLATFORM]",
    help="stop this deployment (ALGORITHM alone: every platform it runs on); repeatable. "
    "Without --stop: plan for the deployments already stopped in the facts",
)
@click.option(
    "--on", "on", metavar="DATE", help="stop date of the --stop deployments (default: --as-of)"
)
@click.option(
    "--strategy",
    default="auto",
    show_default=True,
    help="auto, batch, single, or a strategy a plugin contributes",
)
def plan_cancel(
    facts_file: str,
    as_of: str | None,
    calendar_file: str | None,
    fmt: str,
    plugin: tuple[str, ...],
    disable: tuple[str, ...],
    no_entrypoints: bool,
    stops: tuple[str, ...],
    on: str | None,
    strategy: str,
) -> None:
    """Plan the cancellation of filings whose service stops: batches, singles, changes, kept."""
    from policy_sdk.cancellation.planner import plan_cancellation

    day = parse_date(as_of, "--as-of") or dt.date.today()
    stop_day = parse_date(on, "--on")
    with reporting_errors():
        loaded = load(facts_file, calendar_file, plugin, disable, no_entrypoints)
        plan = plan_cancellation(
            loaded.facts,
            stops,
            capabilities=loaded.capabilities,
            strategies=loaded.strategies,
            calendar=loaded.calendar,
            on=stop_day,
            as_of=day,
            strategy=strategy,
        )
    if fmt == "json":
        click.echo(plan.to_json())
    else:
        render_plan(plan)
