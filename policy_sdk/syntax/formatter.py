"""The canonical layout of policy text (``policy-sdk fmt``).

* two-space indentation; one blank line between rules and policies (consecutive
  one-line bare statements stay together unless the source separated them);
* a rule's title goes in its header (``rule NAME "title" {``), then ``severity``,
  ``citation``, ``remedy``, ``interpretation``, then the statement;
* a statement that fits in :data:`WIDTH` columns is one line; otherwise each clause
  gets its own line, and a long ``and``/``or`` chain one operand per line;
* parentheses only where precedence needs them (``or`` < ``and`` < ``not`` <
  comparison), so ``parse(format(tree)) == tree`` for every valid tree;
* comments are kept: an end-of-line comment stays at the end of its line (or moves
  just above the line it was in, when that line was joined with others), a comment
  on its own line stays above the code that followed it.

Formatting is idempotent: ``format(parse(format(x))) == format(x)``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import decimal
import heapq
from collections.abc import Iterator
from typing import Any

import attrs

from policy_sdk import ast
from policy_sdk.errors import Span

__all__ = ["INDENT", "WIDTH", "format_expr", "format_module", "format_source"]

WIDTH = 100
"""Lines longer than this are broken where the layout allows (strings never are)."""

INDENT = "  "


# --- expressions ----------------------------------------------------------------

_OR, _AND, _NOT, _CMP, _ATOM = 1, 2, 3, 4, 5


def _prec(e: ast.Expr) -> int:
    if isinstance(e, ast.BoolOp):
        return _OR if e.op == "or" else _AND
    if isinstance(e, ast.Not):
        return _NOT
    if isinstance(e, ast.Compare | ast.In):
        return _CMP
    return _ATOM


def _wrap(e: ast.Expr, minimum: int) -> str:
    text = format_expr(e)
    return f"({text})" if _prec(e) < minimum else text


def format_literal(value: ast.LiteralValue) -> str:
    """A literal value as policy text."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"{value!r} cannot be written in a policy")
        text = repr(value)
        if "e" in text or "E" in text:
            text = format(decimal.Decimal(text), "f")
            if "." not in text:
                text += ".0"
        return text
    if isinstance(value, dt.date):
        return value.isoformat()
    escaped = (
        value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    )
    return f'"{escaped}"'


def format_expr(e: ast.Expr) -> str:
    """An expression on one line, with the parentheses precedence needs."""
    if isinstance(e, ast.Literal):
        return format_literal(e.value)
    if isinstance(e, ast.Path):
        return ".".join(e.parts)
    if isinstance(e, ast.ListExpr):
        return "[" + ", ".join(format_expr(i) for i in e.items) + "]"
    if isinstance(e, ast.Call):
        return e.name + "(" + ", ".join(format_expr(a) for a in e.args) + ")"
    if isinstance(e, ast.Not):
        return "not " + _wrap(e.operand, _NOT)
    if isinstance(e, ast.BoolOp):
        p = _prec(e)
        return f" {e.op} ".join(_wrap(o, p + 1) for o in e.operands)
    if isinstance(e, ast.Compare):
        return f"{_wrap(e.left, _ATOM)} {e.op} {_wrap(e.right, _ATOM)}"
    if isinstance(e, ast.In):
        op = "not in" if e.negated else "in"
        return f"{_wrap(e.left, _ATOM)} {op} {_wrap(e.right, _ATOM)}"
    raise TypeError(f"not an expression: {e!r}")  # pragma: no cover


# --- layout -------------------------------------------------------------------------


@attrs.define
class _Line:
    depth: int
    text: str | None  # None: a blank line
    src: tuple[int, int] | None = None  # source lines this output line stands for
    comment_depth: int | None = None  # indentation of comments put above it (None: depth)
    item_start: bool = False  # first line of a rule, statement or policy
    leading: list[ast.Comment] = attrs.field(factory=list)
    trailing: ast.Comment | None = None


def _lines_of(*spans: Span | None) -> tuple[int, int] | None:
    known = [s for s in spans if s is not None]
    if not known:
        return None
    return (min(s.line for s in known), max(s.end_line for s in known))


def _quote(text: str) -> str:
    return format_literal(text)


def _deadline(d: ast.Deadline) -> str:
    unit = "day" if d.amount == 1 else "days"
    working = "working " if d.working else ""
    return f"within {d.amount} {working}{unit} of {format_expr(d.anchor)}"


def _statement(st: ast.Statement, depth: int) -> list[_Line]:
    clauses: list[tuple[str, ast.Expr | None, str, Span | None]] = []
    if isinstance(st, ast.Require):
        head = "require " + ("distinct " if st.distinct else "") + st.kind.name
        head += f" per {st.scope.name}"
    elif isinstance(st, ast.Forbid):
        head = "forbid " + (f"{st.kind.name} " if st.kind else "") + f"per {st.scope.name}"
    else:
        head = f"ensure {format_expr(st.condition)} per {st.scope.name}"
    if st.where is not None:
        clauses.append(("where", st.where, format_expr(st.where), st.where.span))
    if not isinstance(st, ast.Ensure) and st.with_ is not None:
        clauses.append(("with", st.with_, format_expr(st.with_), st.with_.span))
    if not isinstance(st, ast.Forbid) and st.deadline is not None:
        clauses.append(("within", None, _deadline(st.deadline), st.deadline.span))
    one = head + "".join(
        f" {kw} {text}" if kw != "within" else f" {text}" for kw, _, text, _ in clauses
    )
    if len(INDENT) * depth + len(one) <= WIDTH or not clauses:
        # (a long head with no clause to break off stays one line, and stands for all
        # the statement's source lines, as any one-line statement)
        return [_Line(depth, one, _lines_of(st.span), item_start=True)]
    lines = [_Line(depth, head, _lines_of(st.span and _start_only(st.span)), item_start=True)]
    for kw, expr, text, span in clauses:
        line = f"{kw} {text}" if kw != "within" else text
        if isinstance(expr, ast.BoolOp) and len(INDENT) * (depth + 1) + len(line) > WIDTH:
            p = _prec(expr)
            first, *rest = expr.operands
            lines.append(_Line(depth + 1, f"{kw} {_wrap(first, p + 1)}", _lines_of(first.span)))
            for operand in rest:
                lines.append(
                    _Line(depth + 2, f"{expr.op} {_wrap(operand, p + 1)}", _lines_of(operand.span))
                )
        else:
            lines.append(_Line(depth + 1, line, _lines_of(span)))
    return lines


def _start_only(span: Span) -> Span:
    return Span(span.file, span.line, span.column, span.line, span.column)


_META_ORDER = ("severity", "citation", "remedy", "interpretation")


def _text(value: str | None, en: str | None) -> str:
    """`` "text"``, `` "中文" en "English"`` or nothing."""
    if value is None:
        return ""
    return f" {_quote(value)}" + (f" en {_quote(en)}" if en is not None else "")


def _rule(rule: ast.Rule, depth: int) -> list[_Line]:
    if rule.name is None:
        return _statement(rule.statement, depth)
    head = f"rule {rule.name}" + _text(rule.title, rule.title_en)
    span = rule.span
    lines = [_Line(depth, head + " {", _lines_of(span and _start_only(span)), item_start=True)]
    meta_spans = dict(rule.meta_spans)
    for key in _META_ORDER:
        value = getattr(rule, key)
        if value is None:
            continue
        text = value if key == "severity" else _text(value, getattr(rule, key + "_en"))[1:]
        lines.append(_Line(depth + 1, f"{key} {text}", _lines_of(meta_spans.get(key))))
    lines += _statement(rule.statement, depth + 1)
    end = _lines_of(span and Span(span.file, span.end_line, 0, span.end_line, 0))
    lines.append(_Line(depth, "}", end, comment_depth=depth + 1))
    return lines


def _one_liner(item: ast.Policy | ast.Rule, lines: list[_Line]) -> bool:
    return isinstance(item, ast.Rule) and item.name is None and len(lines) == 1


def _items(
    items: tuple[ast.Policy | ast.Rule, ...] | tuple[ast.Rule, ...],
    depth: int,
    comment_lines: set[int],
) -> list[_Line]:
    out: list[_Line] = []
    prev: tuple[ast.Policy | ast.Rule, list[_Line]] | None = None
    for item in items:
        if isinstance(item, ast.Policy):
            lines = _policy(item, depth, comment_lines)
        else:
            lines = _rule(item, depth)
        if prev is not None:
            before, before_lines = prev
            together = (
                _one_liner(before, before_lines)
                and _one_liner(item, lines)
                and not _gap(before.span, item.span, comment_lines)
            )
            if not together:
                out.append(_Line(depth, None))
        out += lines
        prev = (item, lines)
    return out


def _gap(before: Span | None, after: Span | None, comment_lines: set[int]) -> bool:
    """Whether the source had a blank line between two items (comment lines don't count)."""
    if before is None or after is None:
        return False
    return any(n not in comment_lines for n in range(before.end_line + 1, after.line))


def _policy(policy: ast.Policy, depth: int, comment_lines: set[int]) -> list[_Line]:
    head = f"policy {policy.name}" + _text(policy.title, policy.title_en)
    span = policy.span
    lines = [_Line(depth, head + " {", _lines_of(span and _start_only(span)), item_start=True)]
    lines += _items(policy.rules, depth + 1, comment_lines)
    end = _lines_of(span and Span(span.file, span.end_line, 0, span.end_line, 0))
    lines.append(_Line(depth, "}", end, comment_depth=depth + 1))
    return lines


# --- comments ----------------------------------------------------------------------


def _spans(module: ast.Module) -> Iterator[Span]:
    """Every span in the module (nodes, metadata lines)."""
    for item in module.items:
        rules: tuple[ast.Rule, ...] = item.rules if isinstance(item, ast.Policy) else (item,)
        if isinstance(item, ast.Policy) and item.span is not None:
            yield item.span
        for rule in rules:
            if rule.span is not None:
                yield rule.span
            for _, span in rule.meta_spans:
                yield span
            st = rule.statement
            for node in _statement_nodes(st):
                if node.span is not None:
                    yield node.span


def _statement_nodes(st: ast.Statement) -> Iterator[Any]:
    yield st
    yield st.scope
    if isinstance(st, ast.Require | ast.Forbid) and st.kind is not None:
        yield st.kind
    exprs: list[ast.Expr | None] = [st.where]
    if isinstance(st, ast.Ensure):
        exprs.append(st.condition)
    else:
        exprs.append(st.with_)
    if not isinstance(st, ast.Forbid) and st.deadline is not None:
        yield st.deadline
        exprs.append(st.deadline.anchor)
    for e in exprs:
        if e is not None:
            yield from ast.walk_expr(e)


def _place_comments(module: ast.Module, lines: list[_Line]) -> list[ast.Comment]:
    """Attach each comment to an output line; return those that go at the end.

    A comment on source line ``n`` goes to the code line whose source lines hold
    ``n`` (the one starting last, then the last of those in output order), else
    above the first code line that starts after ``n``, else to the end. Comments
    are swept in source order over the code lines sorted by their first source
    line, so the cost is ``O((comments + lines) log lines)``, not their product.
    """
    code_before: dict[int, int] = {}  # line -> smallest column that holds code
    for span in _spans(module):
        if span.column < code_before.get(span.line, 1 << 30):
            code_before[span.line] = span.column
        last = span.end_column - 1
        if last < code_before.get(span.end_line, 1 << 30):
            code_before[span.end_line] = last
    # code lines ordered by (first source line, output position)
    code = sorted(
        ((ln.src[0], i, ln) for i, ln in enumerate(lines) if ln.src is not None
         and ln.text is not None),
        key=lambda t: (t[0], t[1]),
    )
    starts = [t[0] for t in code]
    open_: list[tuple[int, int, int]] = []  # max-heap of (-first line, -position, index)
    added = 0
    rest: list[ast.Comment] = []
    for c in sorted(
        module.comments, key=lambda c: (c.span.line, c.span.column) if c.span else (0, 0)
    ):
        if c.span is None:
            rest.append(c)
            continue
        n = c.span.line
        trailing = code_before.get(n, 1 << 30) < c.span.column
        while added < len(code) and code[added][0] <= n:
            first, i, _ = code[added]
            heapq.heappush(open_, (-first, -i, added))
            added += 1
        # lines that end before `n` can never hold a later comment: drop them lazily
        while open_ and _src_end(code[open_[0][2]][2]) < n:
            heapq.heappop(open_)
        if open_:
            target = code[open_[0][2]][2]
            if trailing and target.trailing is None and _src_end(target) == n:
                target.trailing = c
            else:
                target.leading.append(c)
            continue
        k = bisect.bisect_right(starts, n)
        if k < len(code):
            code[k][2].leading.append(c)
        else:
            rest.append(c)
    return rest


def _src_end(line: _Line) -> int:
    assert line.src is not None
    return line.src[1]


def _render(lines: list[_Line], rest: list[ast.Comment]) -> str:
    out: list[str] = []
    last_src_end = 0
    for ln in lines:
        if ln.text is None:
            out.append("")
            continue
        depth = ln.depth if ln.comment_depth is None else ln.comment_depth
        prev: ast.Comment | None = None
        for c in ln.leading:
            assert c.span is not None
            # a blank line between comments is kept only where both stood above the code
            # line in the source: one moved up from inside a joined line gets none, as
            # the blank line would separate items when the output is formatted again
            if (
                prev is not None
                and prev.span is not None
                and c.span.line > prev.span.line + 1
                and (ln.src is None or c.span.line < ln.src[0])
            ):
                out.append("")
            out.append(INDENT * depth + c.text)
            prev = c
        if (
            prev is not None
            and prev.span is not None
            and ln.item_start
            and ln.src is not None
            and ln.src[0] > prev.span.line + 1
        ):
            out.append("")
        text = INDENT * ln.depth + ln.text
        if ln.trailing is not None:
            text += "  " + ln.trailing.text
        out.append(text)
        if ln.src is not None:
            last_src_end = max(last_src_end, ln.src[1])
    prev_line = last_src_end
    for c in rest:
        line = c.span.line if c.span else prev_line + 1
        if out and out[-1] != "" and line > prev_line + 1:
            out.append("")
        out.append(c.text)
        prev_line = line
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n" if out else ""


def format_module(module: ast.Module) -> str:
    """The canonical text of a module, comments included."""
    comment_lines = {c.span.line for c in module.comments if c.span is not None}
    lines = _items(module.items, 0, comment_lines)
    rest = _place_comments(module, lines)
    return _render(lines, rest)


def format_source(text: str | bytes, file: str = "<string>") -> str:
    """Parse and format policy text (raises PolicySyntaxError like ``parse_policy``)."""
    from policy_sdk.syntax.parser import parse_policy

    return format_module(parse_policy(text, file))
