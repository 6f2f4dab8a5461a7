"""``policy-sdk plan-cancel``: which filings to cancel (batched or singly), change or keep."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from policy_sdk.cli._cancellation import (
    Common,
    cell,
    common_options,
    console,
    date_cell,
    overdue_cell,
    reporting_errors,
    table,
)
from policy_sdk.cli.params import Date, choices_message, fail_option


def render_plan(plan: Any) -> None:
    out = console()
    strategy = plan.strategy
    if plan.requested_strategy != plan.strategy:
        strategy = f"{plan.requested_strategy} → {plan.strategy}"
    out.print(
        f"[bold]cancellation plan[/] as of {plan.as_of.isoformat()} (strategy {cell(strategy)}): "
        f"{plan.applications} application(s), {len(plan.changes)} change(s), "
        f"{len(plan.kept)} kept"
        + (f", {len(plan.orphans)} orphan(s)" if plan.orphans else "")
        + f"; first deadline {date_cell(plan.deadline)}"
    )
    if plan.considered:
        out.print(
            "strategies compared: "
            + cell(", ".join(
                f"{c.strategy} {c.applications}" + ("" if c.eligible else " (rejected)")
                for c in plan.considered
            ))
        )
    for i, b in enumerate(plan.batches, 1):
        t = table(
            f"batch {i}: {cell(b.reason)}",
            ("filing", "algorithm", "platforms", "stopped on", "deadline", ""),
        )
        for f in b.filings:
            t.add_row(
                cell(f.filing),
                cell(f.algorithm),
                cell(", ".join(f.platforms)),
                date_cell(f.stopped_on),
                date_cell(f.deadline, f.provisional),
                overdue_cell(f.overdue),
            )
        out.print(t)
        out.print("  materials: " + cell("; ".join(b.materials)))
    if plan.singles:
        t = table(
            "singles (cancelled one by one)",
            ("filing", "algorithm", "platforms", "deadline", "", "reason"),
        )
        for s in plan.singles:
            t.add_row(
                cell(s.filing.filing),
                cell(s.filing.algorithm),
                cell(", ".join(s.filing.platforms)),
                date_cell(s.filing.deadline, s.filing.provisional),
                overdue_cell(s.filing.overdue),
                cell(s.reason),
            )
        out.print(t)
    if plan.changes:
        t = table(
            "changes (not cancelled: remove the stopped platforms)",
            ("filing", "algorithm", "remove", "keep", "deadline", ""),
        )
        for c in plan.changes:
            t.add_row(
                cell(c.filing),
                cell(c.algorithm),
                cell(", ".join(c.remove)),
                cell(", ".join(c.keep)),
                date_cell(c.deadline, c.provisional),
                overdue_cell(c.overdue),
            )
        out.print(t)
    if plan.orphans:
        t = table("orphan filings (never launched where they name: handle each on its own)",
                  ("filing", "algorithm", "platforms", "reason"))
        for o in plan.orphans:
            t.add_row(cell(o.filing), cell(o.algorithm), cell(", ".join(o.platforms)),
                      cell(o.reason))
        out.print(t)
    if plan.kept:
        t = table("kept (must not be cancelled)", ("filing", "algorithm", "reason"))
        for k in plan.kept:
            t.add_row(cell(k.filing), cell(k.algorithm), cell(k.reason))
        out.print(t)
    if not (plan.batches or plan.singles or plan.changes or plan.kept or plan.orphans):
        out.print("nothing to cancel or change")
    for w in plan.warnings:
        out.print(f"[yellow]warning[/]: {cell(w)}")


@click.command("plan-cancel",
               short_help="Plan cancellations (注销) and changes when a service stops.")
@common_options
@click.option(
    "--stop",
    "stops",
    multiple=True,
    metavar="ALGORITHM[@PLATFORM]",
    help="the algorithm stops on this platform (ALGORITHM alone: on every platform it runs "
    "on); repeatable (default: plan for the deployments already stopped in the facts)",
)
@click.option(
    "--on", "on", type=Date(),
    help="the day the --stop deployments stop, YYYY-MM-DD (default: --as-of)"
)
@click.option(
    "--strategy",
    default="auto",
    show_default=True,
    metavar="STRATEGY",
    help="how to group the cancellations: batch (several filings in one application), "
    "single (one filing per application), a strategy a plugin adds, or auto (the fewest "
    "applications every platform accepts)",
)
def plan_cancel(common: Common, stops: tuple[str, ...], on: dt.date | None, strategy: str) -> None:
    """Plan the cancellation (注销) of filings whose service stops.

    Every live filing of a stopped algorithm is cancelled (in a batch or singly),
    changed (变更: remove the stopped platforms while others still run) or kept; each
    with its deadline in working days.
    """
    from policy_sdk.cancellation.planner import AUTO, plan_cancellation

    def check_strategy(registry: Any) -> None:
        # the strategies are known once the plugins are loaded
        known = [AUTO, *sorted(registry.strategies)]
        if strategy not in known:
            fail_option("--strategy", choices_message(strategy, known))

    with reporting_errors():
        loaded = common.load(check_strategy)
        plan = plan_cancellation(
            loaded.facts,
            stops,
            capabilities=loaded.capabilities,
            strategies=loaded.strategies,
            calendar=loaded.calendar,
            on=on,
            as_of=common.as_of,
            strategy=strategy,
        )
    common.output(plan, render_plan, loaded)
