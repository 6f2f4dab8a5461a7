"""The typed syntax tree (see :mod:`policy_sdk.ast.nodes`) and helpers over it."""

from __future__ import annotations

from collections.abc import Iterator

from policy_sdk.ast.nodes import (
    COMPARISON_OPS,
    SCOPES,
    SEVERITIES,
    BoolOp,
    Call,
    Comment,
    Compare,
    Deadline,
    Ensure,
    Expr,
    Forbid,
    Ident,
    In,
    ListExpr,
    Literal,
    LiteralValue,
    Module,
    Not,
    Path,
    Policy,
    Require,
    Rule,
    Statement,
)

__all__ = [
    "COMPARISON_OPS",
    "SCOPES",
    "SEVERITIES",
    "BoolOp",
    "Call",
    "Comment",
    "Compare",
    "Deadline",
    "Ensure",
    "Expr",
    "Forbid",
    "Ident",
    "In",
    "ListExpr",
    "Literal",
    "LiteralValue",
    "Module",
    "Not",
    "Path",
    "Policy",
    "Require",
    "Rule",
    "Statement",
    "anonymous_rule_name",
    "iter_rules",
    "rule_ids",
    "walk_expr",
]


def anonymous_rule_name(statement: Statement) -> str:
    """The base name of a bare statement: ``require_filing_per_platform``."""
    match statement:
        case Require(kind=kind, scope=scope, distinct=distinct):
            verb = "require_distinct" if distinct else "require"
            return f"{verb}_{kind.name}_per_{scope.name}"
        case Forbid(kind=kind, scope=scope):
            return f"forbid_{kind.name}_per_{scope.name}" if kind else f"forbid_per_{scope.name}"
        case Ensure(scope=scope):
            return f"ensure_per_{scope.name}"
    raise AssertionError(statement)  # pragma: no cover


def iter_rules(module: Module) -> Iterator[tuple[str | None, Rule]]:
    """Yield ``(policy name or None, rule)`` in source order."""
    for item in module.items:
        if isinstance(item, Policy):
            for rule in item.rules:
                yield item.name, rule
        else:
            yield None, item


def rule_ids(module: Module) -> list[tuple[str, Rule]]:
    """Every rule of a module with its finding id, in source order.

    The id is ``POLICY/NAME`` inside a policy block and ``NAME`` outside one. A bare
    statement gets :func:`anonymous_rule_name`, suffixed ``_2``, ``_3`` … when the
    same base name repeats in one namespace. (Duplicate *explicit* names are a
    validation error, reported by the validator.)
    """
    seen: dict[str, int] = {}
    out: list[tuple[str, Rule]] = []
    for policy, rule in iter_rules(module):
        if rule.name is not None:
            name = rule.name
        else:
            base = anonymous_rule_name(rule.statement)
            key = f"{policy}/{base}"
            seen[key] = seen.get(key, 0) + 1
            name = base if seen[key] == 1 else f"{base}_{seen[key]}"
        out.append((f"{policy}/{name}" if policy else name, rule))
    return out


def walk_expr(expr: Expr) -> Iterator[Expr]:
    """Yield ``expr`` and every sub-expression, depth first, left to right."""
    stack: list[Expr] = [expr]
    while stack:
        node = stack.pop()
        yield node
        match node:
            case Not(operand=operand):
                stack.append(operand)
            case BoolOp(operands=operands):
                stack.extend(reversed(operands))
            case Compare(left=left, right=right) | In(left=left, right=right):
                stack.extend((right, left))
            case ListExpr(items=items):
                stack.extend(reversed(items))
            case Call(args=args):
                stack.extend(reversed(args))
            case _:
                pass
