"""``policy-sdk plan-cancel``: which filings to cancel (batched or singly), change or keep."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from policy_sdk.cli._cancellation import (
    CancellationCommand,
    Common,
    cell,
    common_options,
    console,
    date_cell,
    exit_for_overdue,
    fail_on_overdue_option,
    overdue_cell,
    reporting_errors,
    table,
)
from policy_sdk.cli.params import Date, choices_message, fail_option
from policy_sdk.i18n import N_, _


def render_plan(plan: Any) -> None:
    out = console()
    strategy = plan.strategy
    if plan.requested_strategy != plan.strategy:
        strategy = f"{plan.requested_strategy} → {plan.strategy}"
    out.print(
        _("[bold]cancellation plan[/] as of {as_of} (strategy {strategy}): {applications} "
          "application(s), {changes} change(s), {kept} kept").format(
            as_of=plan.as_of.isoformat(), strategy=cell(strategy),
            applications=plan.applications, changes=len(plan.changes), kept=len(plan.kept))
        + (_(", {count} orphan(s)").format(count=len(plan.orphans)) if plan.orphans else "")
        + _("; first deadline {date}").format(date=date_cell(plan.deadline))
    )
    if plan.considered:
        rejected = _(" (rejected)")
        out.print(
            _("strategies compared: ")
            + cell(_(", ").join(
                f"{c.strategy} {c.applications}" + ("" if c.eligible else rejected)
                for c in plan.considered
            ))
        )
    for i, b in enumerate(plan.batches, 1):
        t = table(
            _("batch {number}: {reason}").format(number=i, reason=cell(b.reason)),
            (N_("filing"), N_("algorithm"), N_("platforms"), N_("stopped on"), N_("deadline"),
             ""),
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
        out.print("  " + _("materials: ") + cell(_("; ").join(b.materials)))
    if plan.singles:
        t = table(
            N_("singles (cancelled one by one)"),
            (N_("filing"), N_("algorithm"), N_("platforms"), N_("deadline"), "", N_("reason")),
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
            N_("changes (not cancelled: remove the stopped platforms)"),
            (N_("filing"), N_("algorithm"), N_("remove"), N_("keep"), N_("deadline"), ""),
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
        t = table(N_("orphan filings (never launched where they name: handle each on its own)"),
                  (N_("filing"), N_("algorithm"), N_("platforms"), N_("reason")))
        for o in plan.orphans:
            t.add_row(cell(o.filing), cell(o.algorithm), cell(", ".join(o.platforms)),
                      cell(o.reason))
        out.print(t)
    if plan.kept:
        t = table(N_("kept (must not be cancelled)"), (N_("filing"), N_("algorithm"),
                                                       N_("reason")))
        for k in plan.kept:
            t.add_row(cell(k.filing), cell(k.algorithm), cell(k.reason))
        out.print(t)
    if not (plan.batches or plan.singles or plan.changes or plan.kept or plan.orphans):
        out.print(_("nothing to cancel or change"))
    for w in plan.warnings:
        out.print(_("[yellow]warning[/]: {message}").format(message=cell(w)))


@click.command("plan-cancel", cls=CancellationCommand,
               short_help="Plan cancellations and changes when a service stops.")
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
@fail_on_overdue_option
def plan_cancel(common: Common, stops: tuple[str, ...], on: dt.date | None, strategy: str,
                fail_on_overdue: bool) -> None:
    """Plan the cancellation of filings whose service stops.

    Every live filing of a stopped algorithm is cancelled (in a batch or singly),
    changed (remove the stopped platforms while others still run) or kept; each
    with its deadline in working days.

    Exit status: 0 (with --fail-on-overdue: 1 when a cancellation or change is overdue),
    2 bad input.
    """
    from policy_sdk.cancellation.planner import AUTO, plan_cancellation

    def check_strategy(registry: Any) -> None:
        # the strategies are known once the plugins are loaded
        known = [AUTO, *sorted(registry.strategies)]
        if strategy not in known:
            fail_option("--strategy", choices_message(strategy, known))

    with reporting_errors(common):
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
    exit_for_overdue(fail_on_overdue, plan.overdue)
