"""``policy-sdk inventory``: every filing, where it stands, what is due."""

from __future__ import annotations

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
from policy_sdk.i18n import N_, _


def render_inventory(inv: Any) -> None:
    from rich.table import Table

    out = console()
    out.print(_("[bold]filing inventory[/] as of {as_of}: {count} filings").format(
        as_of=inv.as_of.isoformat(), count=len(inv.filings)))
    t = table(
        N_("filings"),
        (N_("filing"), N_("algorithm"), N_("types"), N_("platforms"), N_("platform types"),
         N_("status"), N_("deployment")),
    )
    for f in inv.filings:
        t.add_row(
            cell(f.filing),
            cell(f.algorithm),
            cell(", ".join(f.algorithm_types)),
            cell(", ".join(f"{d.platform} ({d.state})" for d in f.deployments)),
            cell(", ".join(f.platform_types)),
            cell(f.status),
            cell(f.deployment_state),
        )
    out.print(t)
    counts = Table(title=_("counts"), title_justify="left")
    counts.add_column(_("by"))
    counts.add_column(_("value"))
    counts.add_column(_("filings"), justify="right")
    for label, mapping in (
        (N_("platform"), inv.by_platform),
        (N_("platform type"), inv.by_platform_type),
        (N_("algorithm type"), inv.by_algorithm_type),
        (N_("status"), inv.by_status),
    ):
        for k, v in mapping.items():
            counts.add_row(_(label), cell(k), str(v))
    out.print(counts)
    for title, items in (
        (N_("cancellation due (20 working days after the stop)"), inv.cancellation_due),
        (N_("changes due (10 working days after the first stop)"), inv.changes_due),
    ):
        t = table(title, (N_("filing"), N_("algorithm"), N_("stopped platforms"),
                          N_("stopped on"), N_("deadline"), ""))
        for d in items:
            t.add_row(
                cell(d.filing),
                cell(d.algorithm),
                cell(", ".join(d.stopped_platforms)),
                date_cell(d.stopped_on),
                date_cell(d.deadline, d.provisional),
                overdue_cell(d.overdue),
            )
        out.print(t if items else _("[bold]{title}[/]: none").format(title=_(title)))
    t = table(
        N_("deployments with no filing"),
        (N_("algorithm"), N_("platform"), N_("type"), N_("status"), N_("launched"),
         N_("recommendation")),
    )
    for u in inv.unfiled:
        t.add_row(
            cell(u.algorithm),
            cell(u.platform),
            cell(u.platform_type),
            cell(u.status),
            date_cell(u.launched_on),
            _("yes") if u.uses_recommendation else _("no"),
        )
    out.print(t if inv.unfiled else _("[bold]{title}[/]: none").format(
        title=_("deployments with no filing")))
    t = table(
        N_("filings with no deployment (orphans)"),
        (N_("filing"), N_("algorithm"), N_("platforms without deployment")),
    )
    for o in inv.orphans:
        t.add_row(cell(o.filing), cell(o.algorithm), cell(", ".join(o.undeployed)))
    out.print(t if inv.orphans else _("[bold]{title}[/]: none").format(
        title=_("filings with no deployment")))
    t = table(
        N_("platforms with special cancellation requirements"),
        (N_("platform"), N_("type"), N_("accepts batch"), N_("item-by-item verification"),
         N_("materials"), N_("source")),
    )
    for p in inv.special_platforms:
        t.add_row(
            cell(p.platform),
            cell(p.platform_type),
            _("yes") if p.accepts_batch else _("no"),
            _("yes") if p.item_verification else _("no"),
            cell("; ".join(p.required_materials)) or "-",
            _("facts override") if p.overridden else _("platform type"),
        )
    out.print(t if inv.special_platforms else _("[bold]{title}[/]: none").format(
        title=_("special cancellation requirements")))
    for w in inv.warnings:
        out.print(_("[yellow]warning[/]: {message}").format(message=cell(w)))


@click.command("inventory", cls=CancellationCommand,
               short_help="Take stock of the filings: what is due, what is missing.")
@common_options
@fail_on_overdue_option
def inventory(common: Common, fail_on_overdue: bool) -> None:
    """Take stock of the filings: platforms, types, status, what is due, what is missing.

    Exit status: 0 (with --fail-on-overdue: 1 when a cancellation or change is overdue),
    2 bad input.
    """
    from policy_sdk.cancellation.inventory import build_inventory

    with reporting_errors(common):
        loaded = common.load()
        inv = build_inventory(
            loaded.facts,
            capabilities=loaded.capabilities,
            calendar=loaded.calendar,
            as_of=common.as_of,
        )
    common.output(inv, render_inventory, loaded)
    exit_for_overdue(fail_on_overdue, [d.filing for d in (*inv.cancellation_due,
                                                          *inv.changes_due) if d.overdue])
