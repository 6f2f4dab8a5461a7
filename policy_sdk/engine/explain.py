"""Findings built on demand, with their explanations (``docs/semantics.md`` §6).

An explanation says, in domain words, what made the rule apply (the values of the
facts its conditions read), which records it looked for and what it found, and how
the due date was counted. It is written only for findings somebody looks at.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from policy_sdk import ast
from policy_sdk.engine.compile import ACCESS, Compiled, ExprCompiler, Getter, reader
from policy_sdk.engine.context import Context
from policy_sdk.engine.report import Finding, Status
from policy_sdk.engine.rules import KEY_PARTS, CompiledRule, Outcome, key_of
from policy_sdk.facts.schema import Schema
from policy_sdk.validate.names import Resolved

REUSE = (
    "`{algorithm}` already holds a filing on {others}: its core materials — the algorithm "
    "description and the self-assessment report (算法安全自评估报告) — can be reused; only "
    "the usage scenario and the user-interaction description of `{platform}` need adapting."
)


def finding(
    outcome: Outcome, index: int, status: Status, ctx: Context, schema: Schema,
) -> Finding:
    rule = outcome.rule
    item = outcome.items[index]
    algorithm, platform, filing = key_of(rule.scope, item)
    due = outcome.due.get(index) if status in ("violated", "pending") else None
    remedy = rule.remedy
    if status in ("violated", "pending"):
        extra = _reuse(rule, ctx, algorithm, platform)
        if extra:
            remedy = f"{remedy} {extra}" if remedy else extra
    where = _facts_location(ctx, rule.scope, index)
    return Finding(
        rule=rule.id,
        status=status,
        severity=rule.severity,
        algorithm=algorithm,
        platform=platform,
        filing=filing,
        message=rule.message,
        citation=rule.citation,
        remedy=remedy,
        deadline=due,
        explanation=explain(rule, ctx, schema, item, status, due),
        origin=rule.origin,
        span=rule.span,
        facts_path=where[0] if where else None,
        facts_line=where[1] if where else None,
    )


def _reuse(
    rule: CompiledRule, ctx: Context, algorithm: str | None, platform: str | None
) -> str | None:
    """Seed 000: a second platform's filing reuses the first one's core materials."""
    if rule.kind != "filing" or rule.verb != "require" or algorithm is None or platform is None:
        return None
    others = sorted(
        {p for f in ctx.live_by_algorithm().get(algorithm, ()) for p in f.platforms}
        - {platform}
    )
    if not others:
        return None
    return REUSE.format(
        algorithm=algorithm, platform=platform, others=", ".join(f"`{p}`" for p in others)
    )


def _facts_location(ctx: Context, scope: str, index: int) -> tuple[str, int] | None:
    if not ctx.facts.locations:
        return None
    section = {"platform": "deployments", "deployment": "deployments", "filing": "filings",
               "algorithm": "algorithms", "organization": "organization"}[scope]
    path = section if section == "organization" else f"{section}[{index}]"
    line = ctx.memo("entry_lines", lambda: _entry_lines(ctx.facts.locations)).get(path)
    return (path, line) if line is not None else None


def _entry_lines(locations: Mapping[str, int]) -> dict[str, int]:
    """Data path of each entry (``deployments[3]``) -> its first line, built once."""
    out: dict[str, int] = {}
    for path, line in locations.items():
        cut = path.find("]")
        entry = path[: cut + 1] if cut != -1 else path.split(".", 1)[0]
        if entry not in out or line < out[entry]:
            out[entry] = line
    return out


# --- explanations ----------------------------------------------------------------------


def render(value: object) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return "[" + ", ".join(render(v) for v in value) + "]"
    return str(value)


def _label(binding: str, scope: str, item: Any, ctx: Context) -> str:
    algorithm, platform, filing = key_of(scope, item)
    if binding == "organization":
        return "organization"
    if binding == "deployment":
        return f"deployment of `{algorithm}` on `{platform}`"
    if binding == "algorithm":
        return f"algorithm `{algorithm}`"
    if binding == "platform":
        return f"platform `{platform}`"
    if binding == "filing":
        return f"filing `{filing}`"
    return binding


def _paths(expr: ast.Expr | None) -> list[ast.Path]:
    if expr is None:
        return []
    seen: dict[str, ast.Path] = {}
    for node in ast.walk_expr(expr):
        if isinstance(node, ast.Path):
            seen.setdefault(node.dotted, node)
    return sorted(seen.values(), key=lambda p: (p.span.line, p.span.column) if p.span else (0, 0))


def _resolved(
    expr: ast.Expr | None, scope: str, schema: Schema, ctx: Context
) -> list[Resolved]:
    """The resolved paths an expression reads (not the `with` record), once per evaluation."""

    def build() -> list[Resolved]:
        compiler = ExprCompiler(scope, schema, {})
        out = []
        for path in _paths(expr):
            found = compiler.resolve(path)
            if isinstance(found, Resolved) and found.binding != "record":
                out.append(found)
        return out

    resolved: list[Resolved] = ctx.memo(("resolved", id(expr)), build)
    return resolved


def _values(
    expr: ast.Expr | None, rule: CompiledRule, ctx: Context, schema: Schema, item: Any
) -> list[str]:
    out: list[str] = []
    for found in _resolved(expr, rule.scope, schema, ctx):
        value = _read(found, rule.scope, item, ctx)
        line = f"{_label(found.binding, rule.scope, item, ctx)} {found.name} = {render(value)}"
        line += _why(found, item, ctx)
        out.append(line)
    return out


def _read(found: Resolved, scope: str, item: Any, ctx: Context) -> object:
    """One value, read directly (no per-evaluation table: explanations are per finding)."""
    binding = found.binding
    if binding == "organization":
        entity: Any = ctx.organization
    elif binding in ("algorithm", "platform") and ACCESS[scope].get(binding) != "self":
        table: dict[str, Any] = ctx.algorithms if binding == "algorithm" else ctx.platforms
        entity = table.get(item.algorithm if binding == "algorithm" else item.platform)
    else:
        entity = item
    if entity is None:
        return None
    cache: dict[object, Any] = ctx.memo("explain_readers", dict)
    read = cache.get(found.attribute)
    if read is None:
        read = cache[found.attribute] = reader(found.attribute, ctx)
    return read(entity)


def _why(found: Resolved, item: Any, ctx: Context) -> str:
    """The stored facts behind a computed attribute."""
    attribute = found.attribute
    if not attribute.computed:
        return ""
    if found.binding == "deployment" and attribute.name == "running":
        return f" (status = {item.status})"
    if found.binding == "filing" and attribute.name != "live":
        state = ctx.filing_states().get(item.number)
        if state is None:
            return ""
        stopped = ", ".join(
            f"{p} on {render(ctx.deployment_index()[(item.algorithm, p)].stopped_on)}"
            for p in state.stopped_platforms
        )
        running = ", ".join(state.running_platforms)
        return f" (stopped: {stopped or 'none'}; running: {running or 'none'})"
    if found.binding == "filing" and attribute.name == "live":
        return f" (status = {item.status})"
    return ""


def explain(
    rule: CompiledRule, ctx: Context, schema: Schema, item: Any, status: str,
    due: dt.date | None,
) -> tuple[str, ...]:
    lines = _values(rule.statement.where, rule, ctx, schema, item)
    if status == "not_applicable":
        lines.append("the rule does not apply here (its `where` condition does not hold)")
        return tuple(lines)
    if rule.verb == "ensure":
        assert isinstance(rule.statement, ast.Ensure)
        lines.extend(_values(rule.statement.condition, rule, ctx, schema, item))
        lines.append(
            "the required condition holds" if status == "satisfied"
            else "the required condition does not hold"
        )
    elif rule.kind is not None:
        lines.extend(_records(rule, ctx, item))
    elif status == "violated":
        lines.append("this is forbidden wherever the rule applies")
    if status in ("violated", "pending") and rule.deadline is not None:
        deadline = rule.deadline
        unit = "working days" if deadline.working else "days"
        anchor = deadline.node.anchor.dotted
        if due is None:
            lines.append(f"{anchor} is null, so the {deadline.amount} {unit} cannot be counted")
        else:
            start = _made(ctx, deadline.anchor)(item, None)
            lines.append(
                f"due {due.isoformat()}: {deadline.amount} {unit} after {anchor} "
                f"{render(start)}; as of {ctx.as_of.isoformat()} it is "
                + ("still pending" if status == "pending" else "overdue")
            )
    return tuple(lines)


def _records(rule: CompiledRule, ctx: Context, item: Any) -> list[str]:
    kind = rule.kind
    assert kind is not None
    find = ctx.memo(("candidates", id(rule)), lambda: rule.candidates(ctx))
    candidates = list(find(item))
    matched = candidates
    if rule.with_ is not None:
        keep = _made(ctx, rule.with_)
        matched = [r for r in candidates if keep(item, r) is True]
    algorithm, platform, filing = key_of(rule.scope, item)
    with_note = " satisfying the `with` condition" if rule.with_ is not None else ""
    if kind == "filing":
        if matched:
            return [
                f"found: live filing `{f.number}` of `{f.algorithm}` naming "
                + ", ".join(f"`{p}`" for p in f.platforms)
                for f in sorted(matched, key=lambda f: f.number)
            ]
        return _missing_filing(rule, ctx, algorithm, platform, filing, with_note,
                               len(candidates))
    parts = KEY_PARTS[rule.scope]
    key = dict(zip(("algorithm", "platform", "filing"), (algorithm, platform, filing),
                   strict=True))
    where = ", ".join(f"{p} `{key[p]}`" for p in parts) or "the organization"
    if matched:
        return [
            f"found: `{kind}` record" + _record_parts(r)
            for r in sorted(matched, key=lambda r: (r.algorithm or "", r.platform or "",
                                                    r.filing or "", render(r.on)))
        ]
    line = f"no `{kind}` record{with_note} covers {where}"
    if rule.with_ is not None and candidates:
        line += f" ({len(candidates)} record(s) cover it but fail the `with` condition)"
    return [line]


def _made(ctx: Context, compiled: Compiled) -> Getter:
    """``compiled.make(ctx)``, once per evaluation."""
    made: Getter = ctx.memo(("made", id(compiled)), lambda: compiled.make(ctx))
    return made


def _record_parts(r: Any) -> str:
    parts = [f"{p} `{getattr(r, p)}`" for p in ("algorithm", "platform", "filing")
             if getattr(r, p) is not None]
    if r.on is not None:
        parts.append(f"on {r.on.isoformat()}")
    return f" ({', '.join(parts)})" if parts else " (covering everything)"


def _missing_filing(
    rule: CompiledRule, ctx: Context, algorithm: str | None, platform: str | None,
    filing: str | None, with_note: str, n_candidates: int,
) -> list[str]:
    if filing is not None:
        by_number = ctx.memo("filings_by_number", lambda: {x.number: x for x in ctx.facts.filings})
        f = by_number.get(filing)
        status = f.status if f is not None else "unknown"
        return [f"filing `{filing}` is not live (status = {status})"]
    mine = ctx.filings_by_algorithm().get(algorithm or "", []) if algorithm else list(
        ctx.facts.filings)
    live = [f for f in mine if f.status in ("submitted", "active")]
    named = sorted({p for f in live for p in f.platforms})
    alone = " alone" if rule.distinct else ""
    if platform is not None:
        line = f"no live filing of `{algorithm}`{with_note} names platform `{platform}`{alone}"
    elif algorithm is not None:
        line = f"no live filing of `{algorithm}`{with_note}"
    else:
        line = f"no live filing{with_note}"
    if algorithm is not None:
        line += (
            f"; live filings of `{algorithm}` name: {', '.join(named)}" if named
            else f"; `{algorithm}` has no live filing"
        )
    out = [line]
    if rule.with_ is not None and n_candidates:
        out.append(f"{n_candidates} live filing(s) cover it but fail the `with` condition")
    if platform is not None:
        dead = sorted(
            f.number for f in mine if f.status not in ("submitted", "active")
            and platform in f.platforms
        )
        for number in dead:
            f = next(x for x in mine if x.number == number)
            out.append(f"filing `{number}` names `{platform}` but is {f.status}")
        if rule.distinct:
            shared = sorted(f.number for f in live if platform in f.platforms)
            for number in shared:
                out.append(f"live filing `{number}` names `{platform}` together with others")
    return out
