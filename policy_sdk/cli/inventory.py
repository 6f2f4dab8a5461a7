"""``policy-sdk inventory``: every filing, where it stands, what is due."""

from __future__ import annotations

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


def render_inventory(inv: Any) -> None:
    from rich.table import Table

    out = console()
    out.print(
        f"[bold]filing inventory[/] as of {inv.as_of.isoformat()}: {len(inv.filings)} filings"
    )
    t = table(
        "filings",
        ("filing", "algorithm", "types", "platforms", "platform types", "status", "deployment"),
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
    counts = Table(title="counts", title_justify="left")
    counts.add_column("by")
    counts.add_column("value")
    counts.add_column("filings", justify="right")
    for label, mapping in (
        ("platform", inv.by_platform),
        ("platform type", inv.by_platform_type),
        ("algorithm type", inv.by_algorithm_type),
        ("status", inv.by_status),
    ):
        for k, v in mapping.items():
            counts.add_row(label, cell(k), str(v))
    out.print(counts)
    for title, items in (
        ("cancellation due (20 working days after the stop)", inv.cancellation_due),
        ("changes due (10 working days after the first stop)", inv.changes_due),
    ):
        t = table(title, ("filing", "algorithm", "stopped platforms", "stopped on", "deadline", ""))
        for d in items:
            t.add_row(
                cell(d.filing),
                cell(d.algorithm),
                cell(", ".join(d.stopped_platforms)),
                date_cell(d.stopped_on),
                date_cell(d.deadline, d.provisional),
                overdue_cell(d.overdue),
            )
        out.print(t if items else f"[bold]{title}[/]: none")
    t = table(
        "deployments with no filing",
        ("algorithm", "platform", "type", "status", "launched", "recommendation"),
    )
    for u in inv.unfiled:
        t.add_row(
            cell(u.algorithm),
            cell(u.platform),
            cell(u.platform_type),
            cell(u.status),
            date_cell(u.launched_on),
            "yes" if u.uses_recommendation else "no",
        )
    out.print(t if inv.unfiled else "[bold]deployments with no filing[/]: none")
    t = table(
        "filings with no deployment (orphans)",
        ("filing", "algorithm", "platforms without deployment"),
    )
    for o in inv.orphans:
        t.add_row(cell(o.filing), cell(o.algorithm), cell(", ".join(o.undeployed)))
    out.print(t if inv.orphans else "[bold]filings with no deployment[/]: none")
    t = table(
        "platforms with special cancellation requirements",
        ("platform", "type", "accepts batch", "item-by-item verification", "materials", "source"),
    )
    for p in inv.special_platforms:
        t.add_row(
            cell(p.platform),
            cell(p.platform_type),
            "yes" if p.accepts_batch else "no",
            "yes" if p.item_verification else "no",
            cell("; ".join(p.required_materials)) or "-",
            "facts override" if p.overridden else "platform type",
        )
    out.print(t if inv.special_platforms else "[bold]special cancellation requirements[/]: none")
    for w in inv.warnings:
        out.print(f"[yellow]warning[/]: {cell(w)}")


@click.command("inventory", short_help="Take stock of the filings: what is due, what is missing.")
@common_options
def inventory(common: Common) -> None:
    """Take stock of the filings: platforms, types, status, what is due, what is missing."""
    from policy_sdk.cancellation.inventory import build_inventory

    with reporting_errors():
        loaded = common.load()
        inv = build_inventory(
            loaded.facts,
            capabilities=loaded.capabilities,
            calendar=loaded.calendar,
            as_of=common.as_of,
        )
    common.output(inv, render_inventory, loaded)
