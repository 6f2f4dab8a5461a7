"""Rule coverage: which rules, and which branches of their conditions, tests exercised.

Coverage points of a rule (docs/testing-policies.md, "Rule coverage"):

* every *condition* — a whole ``where``, ``with`` or ``ensure`` clause, each operand
  of ``and``/``or`` and the operand of ``not`` — must be seen **true** and **false**
  (a literal ``true``/``false`` is exempt: it cannot change);
* ``require``/``forbid KIND``: a matching record must be seen **found** and **missing**;
* a deadline must be seen **pending** (on or before the due date) and **overdue**.

Outcomes are observed by running the reference interpreter with a trace on every
case's facts (short-circuit included: an operand never evaluated is not covered).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import attrs

from policy_sdk import ast
from policy_sdk.errors import Span
from policy_sdk.reference import TraceEvent

Point = tuple[str | int, ...]


@attrs.frozen
class Branch:
    """One coverage point and the outcomes it must show."""

    point: Point
    label: str
    outcomes: tuple[bool | str, ...]


@attrs.frozen
class RuleCoverage:
    rule: str
    origin: str
    span: Span | None
    branches: tuple[Branch, ...]
    seen: frozenset[tuple[Point, bool | str]]
    #: the rule applied to some key in some case (its `where` held)
    exercised: bool

    def missing(self) -> list[str]:
        out = []
        if not self.exercised:
            out.append("never applies in any case")
        for branch in self.branches:
            absent = [o for o in branch.outcomes if (branch.point, o) not in self.seen]
            if len(absent) == len(branch.outcomes):
                out.append(f"{branch.label}: never reached")
            elif absent:
                out.append(f"{branch.label}: never {', never '.join(_word(o) for o in absent)}")
        return out

    @property
    def complete(self) -> bool:
        return not self.missing()


def _word(outcome: bool | str) -> str:
    if outcome is True:
        return "true"
    if outcome is False:
        return "false"
    return str(outcome)


def render_expr(expr: ast.Expr) -> str:
    """Compact policy-language text of an expression (for coverage messages)."""
    match expr:
        case ast.Literal(value=value):
            if value is None:
                return "null"
            if isinstance(value, bool):
                return "true" if value else "false"
            if isinstance(value, str):
                return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
            if isinstance(value, dt.date):
                return value.isoformat()
            return str(value)
        case ast.Path():
            return expr.dotted
        case ast.ListExpr(items=items):
            return "[" + ", ".join(render_expr(i) for i in items) + "]"
        case ast.Call(name=name, args=args):
            return f"{name}(" + ", ".join(render_expr(a) for a in args) + ")"
        case ast.Not(operand=operand):
            return f"not {_paren(operand)}"
        case ast.BoolOp(op=op, operands=operands):
            return f" {op} ".join(_paren(o) for o in operands)
        case ast.Compare(op=op, left=left, right=right):
            return f"{render_expr(left)} {op} {render_expr(right)}"
        case ast.In(left=left, right=right, negated=negated):
            return f"{render_expr(left)} {'not in' if negated else 'in'} {render_expr(right)}"
    raise AssertionError(expr)  # pragma: no cover


def _paren(expr: ast.Expr) -> str:
    text = render_expr(expr)
    return f"({text})" if isinstance(expr, ast.BoolOp) else text


def _conditions(expr: ast.Expr, point: Point, traced: bool) -> Iterator[tuple[Point, ast.Expr]]:
    """Every traced condition inside ``expr``, with the point the interpreter reports."""
    if traced and not isinstance(expr, ast.Literal):
        yield point, expr
    match expr:
        case ast.Not(operand=operand):
            yield from _conditions(operand, (*point, 0), True)
        case ast.BoolOp(operands=operands):
            for i, operand in enumerate(operands):
                yield from _conditions(operand, (*point, i), True)
        case ast.Compare(left=left, right=right) | ast.In(left=left, right=right):
            yield from _conditions(left, (*point, 0), False)
            yield from _conditions(right, (*point, 1), False)
        case ast.ListExpr(items=items) | ast.Call(args=items):
            for i, item in enumerate(items):
                yield from _conditions(item, (*point, i), False)
        case _:
            pass


def branches(rule: ast.Rule) -> tuple[Branch, ...]:
    """The coverage points of one rule."""
    statement = rule.statement
    clauses: list[tuple[str, ast.Expr]] = []
    if statement.where is not None:
        clauses.append(("where", statement.where))
    if isinstance(statement, ast.Require | ast.Forbid) and statement.with_ is not None:
        clauses.append(("with", statement.with_))
    if isinstance(statement, ast.Ensure):
        clauses.append(("ensure", statement.condition))
    out: list[Branch] = []
    for clause, expr in clauses:
        for point, node in _conditions(expr, (clause,), True):
            text = render_expr(node)
            label = f"{clause} `{text}`" if len(point) == 1 else f"{clause} › `{text}`"
            out.append(Branch(point, label, (True, False)))
    if isinstance(statement, ast.Require):
        out.append(Branch(("outcome",), f"`{statement.kind.name}` record", ("found", "missing")))
    if isinstance(statement, ast.Forbid) and statement.kind is not None:
        out.append(Branch(("outcome",), f"`{statement.kind.name}` record", ("found", "missing")))
    deadline = getattr(statement, "deadline", None)
    if deadline is not None:
        out.append(Branch(("deadline",), "deadline", ("pending", "overdue")))
    return tuple(out)


class CoverageCollector:
    """Accumulates trace events over many cases, for many rules."""

    def __init__(self) -> None:
        self._rules: dict[tuple[str, str], tuple[ast.Rule, Span | None]] = {}
        self._seen: dict[str, set[tuple[Point, bool | str]]] = {}
        self._had_findings: set[str] = set()
        self._origin_of: dict[str, str] = {}

    def add_rules(self, module: ast.Module, origin: str) -> None:
        for rule_id, rule in ast.rule_ids(module):
            self._rules.setdefault((origin, rule_id), (rule, rule.span))
            self._origin_of.setdefault(rule_id, origin)

    def __call__(self, event: TraceEvent) -> None:
        self._seen.setdefault(event.rule, set()).add((event.point, event.outcome))

    def had_finding(self, rule: str) -> None:
        self._had_findings.add(rule)

    def report(self) -> list[RuleCoverage]:
        out = []
        for (origin, rule_id), (rule, span) in sorted(self._rules.items()):
            seen = self._seen.get(rule_id, set())
            if rule.statement.where is None:
                exercised = rule_id in self._had_findings
            else:
                exercised = (("where",), True) in seen
            out.append(
                RuleCoverage(
                    rule=rule_id,
                    origin=origin,
                    span=span,
                    branches=branches(rule),
                    seen=frozenset(seen),
                    exercised=exercised,
                )
            )
        return out
