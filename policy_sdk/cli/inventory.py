"""``policy-sdk inventory``: every filing, where it stands, what is due.

Also home of what ``plan-cancel`` shares with it: loading plugins, facts and the
calendar, parsing dates, reporting errors (exit 2).
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn, TypeVar

import attrs
import click

from policy_sdk.cli.params import SafePath
from policy_sdk.errors import PolicySdkError

F = TypeVar("F", bound=Callable[..., Any])


@attrs.frozen
class Loaded:
    facts: Any  # policy_sdk.facts.model.Facts
    capabilities: Mapping[str, Any]
    strategies: Mapping[str, Any]
    calendar: Any  # policy_sdk.workdays.WorkdayCalendar


def fail(err: PolicySdkError) -> NoReturn:
    click.echo(err.render(), err=True)
    sys.exit(2)


@contextmanager
def reporting_errors() -> Iterator[None]:
    """Print any :class:`PolicySdkError` as diagnostics and exit 2 (never a traceback)."""
    try:
        yield
    except PolicySdkError as err:
        fail(err)


def parse_date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"`{value}` is not a date (YYYY-MM-DD)", param_hint=option
        ) from None


def common_options(func: F) -> F:
    """``--facts FILE``, ``--as-of DATE``, ``--calendar FILE``, ``--format``, plugin options."""
    from policy_sdk.cli.plugins import plugin_options

    func = plugin_options(func)
    func = click.option(
        "--format",
        "fmt",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help="output format",
    )(func)
    func = click.option(
        "--calendar",
        "calendar_file",
        type=SafePath(dir_okay=False),
        help="working-day calendar file for years the built-in calendar does not know",
    )(func)
    func = click.option(
        "--as-of", "as_of", metavar="DATE", help="today, for deadlines (default: the real today)"
    )(func)
    func = click.option(
        "--facts",
        "facts_file",
        required=True,
        type=SafePath(dir_okay=False),
        help="the deployment facts (YAML or JSON)",
    )(func)
    return func


def load(
    facts_file: str,
    calendar_file: str | None,
    plugin: Sequence[str],
    disable: Iterable[str],
    no_entrypoints: bool,
) -> Loaded:
    """Plugins first (they bring the platform types), then the facts, then the calendar."""
    from policy_sdk.cli.plugins import disabled_names
    from policy_sdk.facts import load_facts  # type: ignore[attr-defined, unused-ignore]
    from policy_sdk.plugins import load_registry
    from policy_sdk.workdays import WorkdayCalendar, default_calendar

    registry = load_registry(
        plugins=tuple(plugin),
        load_entrypoints=not no_entrypoints,
        disabled=disabled_names(disable),
    )
    facts = load_facts(facts_file, platform_types=registry.platform_types)
    calendar = (
        WorkdayCalendar.from_file(calendar_file, base=default_calendar())
        if calendar_file
        else default_calendar()
    )
    return Loaded(
        facts=facts,
        capabilities={name: spec.capabilities for name, spec in registry.platform_types.items()},
        strategies=dict(registry.strategies),
        calendar=calendar,
    )


def console() -> Any:
    from rich.console import Console

    width = max(120, shutil.get_terminal_size((160, 24)).columns)
    return Console(highlight=False, width=width, soft_wrap=False)


def _d(d: dt.date | None) -> str:
    return d.isoformat() if d is not None else "-"


def _overdue(flag: bool) -> str:
    return "[bold red]overdue[/]" if flag else ""


def render_inventory(inv: Any) -> None:
    from rich.markup import escape
    from rich.table import Table

    out = console()
    out.print(
        f"[bold]filing inventory[/] as of {inv.as_of.isoformat()}: {len(inv.filings)} filings"
    )
    t = Table(title="filings", title_justify="left")
    for col in (
        "filing",
        "algorithm",
        "types",
        "platforms",
        "platform types",
        "status",
        "deployment",
    ):
        t.add_column(col, no_wrap=col == "filing")
    for f in inv.filings:
        t.add_row(
            escape(f.filing),
            escape(f.algorithm),
            ", ".join(f.algorithm_types),
            ", ".join(f"{d.platform} ({d.state})" for d in f.deployments),
            ", ".join(f.platform_types),
            f.status,
            f.deployment_state,
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
            counts.add_row(label, escape(k), str(v))
    out.print(counts)
    for title, items in (
        ("cancellation due (20 working days after the stop)", inv.cancellation_due),
        ("changes due (10 working days after the first stop)", inv.changes_due),
    ):
        t = Table(title=title, title_justify="left")
        for col in ("filing", "algorithm", "stopped platforms", "stopped on", "deadline", ""):
            t.add_column(col, no_wrap=col == "filing")
        for d in items:
            t.add_row(
                escape(d.filing),
                escape(d.algorithm),
                ", ".join(d.stopped_platforms),
                _d(d.stopped_on),
                _d(d.deadline),
                _overdue(d.overdue),
            )
        out.print(t if items else f"[bold]{title}[/]: none")
    t = Table(title="deployments with no filing", title_justify="left")
    for col in ("algorithm", "platform", "type", "status", "launched", "recommendation"):
        t.add_column(col, no_wrap=col == "filing")
    for u in inv.unfiled:
        t.add_row(
            escape(u.algorithm),
            escape(u.platform),
            u.platform_type,
            u.status,
            _d(u.launched_on),
            "yes" if u.uses_recommendation else "no",
        )
    out.print(t if inv.unfiled else "[bold]deployments with no filing[/]: none")
    t = Table(title="filings with no deployment (orphans)", title_justify="left")
    for col in ("filing", "algorithm", "platforms without deployment"):
        t.add_column(col, no_wrap=col == "filing")
    for o in inv.orphans:
        t.add_row(escape(o.filing), escape(o.algorithm), ", ".join(o.undeployed))
    out.print(t if inv.orphans else "[bold]filings with no deployment[/]: none")
    t = Table(title="platforms with special cancellation requirements", title_justify="left")
    for col in (
        "platform",
        "type",
        "accepts batch",
        "item-by-item verification",
        "materials",
        "source",
    ):
        t.add_column(col, no_wrap=col == "filing")
    for p in inv.special_platforms:
        t.add_row(
            escape(p.platform),
            p.platform_type,
            "yes" if p.accepts_batch else "no",
            "yes" if p.item_verification else "no",
            escape("; ".join(p.required_materials)) or "-",
            "facts override" if p.overridden else "platform type",
        )
    out.print(t if inv.special_platforms else "[bold]special cancellation requirements[/]: none")


@click.command("inventory")
@common_options
def inventory(
    facts_file: str,
    as_of: str | None,
    calendar_file: str | None,
    fmt: str,
    plugin: tuple[str, ...],
    disable: tuple[str, ...],
    no_entrypoints: bool,
) -> None:
    """Take stock of the filings: platforms, types, status, what is due, what is missing."""
    from policy_sdk.cancellation.inventory import build_inventory

    day = parse_date(as_of, "--as-of") or dt.date.today()
    with reporting_errors():
        loaded = load(facts_file, calendar_file, plugin, disable, no_entrypoints)
        inv = build_inventory(
            loaded.facts,
            capabilities=loaded.capabilities,
            calendar=loaded.calendar,
            as_of=day,
        )
    if fmt == "json":
        click.echo(inv.to_json())
    else:
        render_inventory(inv)
