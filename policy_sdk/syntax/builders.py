"""The AST builders: one constructor per grammar rule, called as the parser reduces.

The LALR driver (:mod:`policy_sdk.syntax.parser`) calls :func:`reduce_action`'s
callbacks with each production's children (anonymous tokens dropped, ``_helper``
rules flattened, as lark's tree builder would pass them), so no parse tree is ever
allocated. Problems a builder finds (an unknown scope, a bad date, a negative
deadline …) are recorded in the current parse's diagnostics without disturbing the
parse (see :func:`building`).
"""

from __future__ import annotations

import datetime as dt
import operator
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from policy_sdk import ast
from policy_sdk.errors import Diagnostic, Span, did_you_mean
from policy_sdk.i18n import _
from policy_sdk.syntax._lark_tables import Production
from policy_sdk.syntax.expected import one_of
from policy_sdk.syntax.hints import deadline_problem
from policy_sdk.syntax.lexer import Tok

__all__ = ["building", "reduce_action"]

# --- per-parse context -------------------------------------------------------
# The callbacks are built once; the file name and the list that collects their
# diagnostics are per parse (and per thread), so they live here.

_ctx = threading.local()


def _report(span: Span | None, code: str, message: str, help: str | None = None) -> None:
    _ctx.diagnostics.append(Diagnostic(code=code, message=message, span=span, help=help))


def _tok_span(tok: Tok) -> Span:
    return Span(_ctx.file, tok[3], tok[4], tok[3], tok[4] + len(tok[1]))


def _between(first: Any, last: Any) -> Span:
    """The span from the start of ``first`` to the end of ``last`` (tokens or nodes)."""
    if type(first) is tuple:
        line, col = first[3], first[4]
    else:
        s: Span = first.span
        line, col = s.line, s.column
    if type(last) is tuple:
        end_line, end_col = last[3], last[4] + len(last[1])
    else:
        e: Span = last.span
        end_line, end_col = e.end_line, e.end_column
    return Span(_ctx.file, line, col, end_line, end_col)


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
_ESCAPE = re.compile(r"\\(.)")


def _unescape(token: str) -> str:
    body = token[1:-1]
    if "\\" not in body:
        return body
    return _ESCAPE.sub(lambda m: _ESCAPES[m[1]], body)


class _Meta:
    """A metadata line on its way into a Rule (plain class: made 30,000 times a file)."""

    __slots__ = ("en", "key", "span", "value")

    def __init__(self, key: str, value: str, span: Span, en: str | None = None) -> None:
        self.key, self.value, self.span, self.en = key, value, span, en


class _English:
    """``en "English"`` after a text, on its way into a Rule or Policy."""

    __slots__ = ("span", "value")

    def __init__(self, value: str, span: Span) -> None:
        self.value, self.span = value, span


class _Clause:
    """A ``per``/``where``/``with``/``within`` clause on its way into a statement."""

    __slots__ = ("key", "value")

    def __init__(self, key: str, value: Any) -> None:
        self.key, self.value = key, value


class _Build:
    """AST constructors, one per grammar rule (or alias), called as the parser reduces.

    Each gets the rule's children with anonymous tokens (``per``, ``(`` …) dropped and
    ``_helper`` rules flattened, exactly as lark's tree builder would pass them.
    """

    @staticmethod
    def start(ch: list[Any]) -> tuple[Any, ...]:
        return tuple(ch)

    @staticmethod
    def policy(ch: list[Any]) -> ast.Policy:
        kw, name, *rest, rbrace = ch
        title: str | None = None
        title_en: str | None = None
        if type(rest[0]) is tuple and rest[0][0] == "STRING":
            title = _unescape(rest[0][1])
            rest = rest[1:]
            if type(rest[0]) is _English:
                title_en = rest[0].value
                rest = rest[1:]
        return ast.Policy(name=name, title=title, rules=tuple(rest[1:]),
                          span=_between(kw, rbrace), title_en=title_en)

    @staticmethod
    def rule(ch: list[Any]) -> ast.Rule:
        kw, name_tok, *rest, statement, rbrace = ch
        name = name_tok[1]
        fields: dict[str, Any] = {}
        spans: list[tuple[str, Span]] = []
        if type(rest[0]) is tuple and rest[0][0] == "STRING":
            fields["title"] = _unescape(rest[0][1])
            rest = rest[1:]
            if type(rest[0]) is _English:
                fields["title_en"] = rest[0].value
                rest = rest[1:]
        meta: _Meta
        for meta in rest[1:]:
            if meta.key in fields:
                _report(
                    meta.span, "duplicate-meta",
                    _("`{key}` is given twice in rule `{rule}`").format(key=meta.key, rule=name),
                )
            else:
                fields[meta.key] = meta.value
                if meta.en is not None:
                    fields[meta.key + "_en"] = meta.en
                spans.append((meta.key, meta.span))
        return ast.Rule(
            name=name,
            statement=statement,
            span=_between(kw, rbrace),
            meta_spans=tuple(spans),
            **fields,
        )

    @staticmethod
    def statement_rule(ch: list[Any]) -> ast.Rule:
        statement = ch[0]
        return ast.Rule(name=None, statement=statement, span=statement.span)

    @staticmethod
    def meta_string(ch: list[Any]) -> _Meta:
        if len(ch) == 3:
            en: _English = ch[2]
            return _Meta(ch[0][1], _unescape(ch[1][1]), _between(ch[0], en), en.value)
        return _Meta(ch[0][1], _unescape(ch[1][1]), _between(ch[0], ch[1]))

    @staticmethod
    def english(ch: list[Tok]) -> _English:
        return _English(_unescape(ch[1][1]), _between(ch[0], ch[1]))

    @staticmethod
    def meta_severity(ch: list[Tok]) -> _Meta:
        value = ch[1][1]
        if value not in ast.SEVERITIES:
            _report(
                _tok_span(ch[1]),
                "unknown-severity",
                _("unknown severity `{value}`; expected {severities}").format(
                    value=value, severities=_(" or ").join(f"`{s}`" for s in ast.SEVERITIES)),
                did_you_mean(value, ast.SEVERITIES),
            )
        return _Meta("severity", value, _between(ch[0], ch[1]))

    @staticmethod
    def require(ch: list[Any]) -> ast.Require:
        distinct = ch[1][0] == "DISTINCT"
        i = 2 if distinct else 1
        kind = ast.Ident(ch[i][1], _tok_span(ch[i]))
        clauses = {c.key: c.value for c in ch[i + 1 :]}
        return ast.Require(
            kind=kind,
            scope=clauses["scope"],
            where=clauses.get("where"),
            with_=clauses.get("with"),
            deadline=clauses.get("deadline"),
            distinct=distinct,
            span=_between(ch[0], ch[-1].value),
        )

    @staticmethod
    def forbid(ch: list[Any]) -> ast.Forbid:
        kind = None
        i = 1
        if type(ch[1]) is tuple:
            kind = ast.Ident(ch[1][1], _tok_span(ch[1]))
            i = 2
        clauses = {c.key: c.value for c in ch[i:]}
        return ast.Forbid(
            kind=kind,
            scope=clauses["scope"],
            where=clauses.get("where"),
            with_=clauses.get("with"),
            span=_between(ch[0], ch[-1].value),
        )

    @staticmethod
    def ensure(ch: list[Any]) -> ast.Ensure:
        clauses = {c.key: c.value for c in ch[2:]}
        return ast.Ensure(
            condition=ch[1],
            scope=clauses["scope"],
            where=clauses.get("where"),
            deadline=clauses.get("deadline"),
            span=_between(ch[0], ch[-1].value),
        )

    @staticmethod
    def scope(ch: list[Tok]) -> _Clause:
        name = ch[0][1]
        span = _tok_span(ch[0])
        if name not in ast.SCOPES:
            _report(
                span,
                "unknown-scope",
                _("unknown scope `per {name}`; expected {scopes}").format(
                    name=name, scopes=one_of([f"`per {s}`" for s in ast.SCOPES])),
                did_you_mean(name, ast.SCOPES),
            )
        return _Clause("scope", ast.Ident(name, span))

    @staticmethod
    def where(ch: list[Any]) -> _Clause:
        return _Clause("where", ch[0])

    @staticmethod
    def with_(ch: list[Any]) -> _Clause:
        return _Clause("with", ch[0])

    @staticmethod
    def deadline(ch: list[Any]) -> _Clause:
        amount = ch[1]
        anchor = ch[-1]
        text = amount[1]
        if not text.isdigit():
            message, help = deadline_problem(text)
            _report(_tok_span(amount), "bad-deadline", message, help)
            days = 0
        else:
            days = int(text)
        return _Clause(
            "deadline",
            ast.Deadline(
                amount=days,
                working=ch[2][0] == "WORKING",
                anchor=anchor,
                span=_between(ch[0], anchor),
            ),
        )

    # expressions
    @staticmethod
    def or_(ch: list[Any]) -> ast.BoolOp:
        return ast.BoolOp("or", tuple(ch), _between(ch[0], ch[-1]))

    @staticmethod
    def and_(ch: list[Any]) -> ast.BoolOp:
        return ast.BoolOp("and", tuple(ch), _between(ch[0], ch[-1]))

    @staticmethod
    def not_(ch: list[Any]) -> ast.Not:
        return ast.Not(ch[1], _between(ch[0], ch[1]))

    @staticmethod
    def compare(ch: list[Any]) -> ast.Compare:
        return ast.Compare(ch[1][1], ch[0], ch[2], _between(ch[0], ch[2]))

    @staticmethod
    def in_(ch: list[Any]) -> ast.In:
        return ast.In(ch[0], ch[1], False, _between(ch[0], ch[1]))

    @staticmethod
    def not_in(ch: list[Any]) -> ast.In:
        return ast.In(ch[0], ch[2], True, _between(ch[0], ch[2]))

    @staticmethod
    def call(ch: list[Any]) -> ast.Call:
        return ast.Call(ch[0][1], tuple(ch[1:-1]), _between(ch[0], ch[-1]))

    @staticmethod
    def list_(ch: list[Any]) -> ast.ListExpr:
        return ast.ListExpr(tuple(ch[1:-1]), _between(ch[0], ch[-1]))

    @staticmethod
    def path(ch: list[Tok]) -> ast.Path:
        tok = ch[0]
        return ast.Path(tuple(tok[1].split(".")), _tok_span(tok))

    @staticmethod
    def dotted_name(ch: list[Tok]) -> str:
        return ch[0][1]

    @staticmethod
    def string(ch: list[Tok]) -> ast.Literal:
        return ast.Literal(_unescape(ch[0][1]), _tok_span(ch[0]))

    @staticmethod
    def date(ch: list[Tok]) -> ast.Literal:
        text = ch[0][1]
        try:
            value: dt.date | None = dt.date.fromisoformat(text)
        except ValueError:
            _report(
                _tok_span(ch[0]),
                "bad-date",
                _("`{text}` is not a date in the calendar").format(text=text),
                _("dates are written year-month-day, e.g. `2026-03-01`"),
            )
            value = None
        return ast.Literal(value, _tok_span(ch[0]))

    @staticmethod
    def number(ch: list[Tok]) -> ast.Literal:
        text = ch[0][1]
        return ast.Literal(float(text) if "." in text else int(text), _tok_span(ch[0]))

    @staticmethod
    def true(ch: list[Tok]) -> ast.Literal:
        return ast.Literal(True, _tok_span(ch[0]))

    @staticmethod
    def false(ch: list[Tok]) -> ast.Literal:
        return ast.Literal(False, _tok_span(ch[0]))

    @staticmethod
    def null(ch: list[Tok]) -> ast.Literal:
        return ast.Literal(None, _tok_span(ch[0]))


_RENAMED = {"with": "with_", "list": "list_"}


def reduce_action(prod: Production) -> Callable[[list[Any]], Any] | None:
    """The reduce action of one grammar production (see :class:`Production`).

    Returns None for a unit rule that just passes its only child up (``?expr: or_expr``).
    """
    plan = [
        (i, not is_term and name.startswith("_"))
        for i, (name, is_term, filtered) in enumerate(prod.symbols)
        if not (is_term and filtered)
    ]
    origin = prod.origin
    name = prod.alias or origin
    if prod.expand1 and not prod.alias and len(plan) == 1 and not plan[0][1]:
        if len(prod.symbols) == 1:
            return None
        index = plan[0][0]
        return lambda ch: ch[index]
    helper = origin.startswith("_")
    build: Callable[[list[Any]], Any] | None
    # `with` is a Python keyword and `list` a builtin: their builders end in `_`
    build = None if helper else getattr(_Build, _RENAMED.get(name, name))
    keep_all = len(plan) == len(prod.symbols) and not any(e for _, e in plan)
    if keep_all:
        if build is None:
            return lambda ch: ch
        return build  # type: ignore[no-any-return]
    indices = plan
    if build is not None and not any(e for _, e in plan):
        keep = [i for i, _ in plan]
        if len(keep) == 1:
            only = keep[0]
            return lambda ch: build([ch[only]])
        getter = operator.itemgetter(*keep)
        return lambda ch: build(list(getter(ch)))

    def filtered(ch: list[Any]) -> Any:
        out: list[Any] = []
        for i, expand in indices:
            if expand:
                if out:
                    out += ch[i]
                else:
                    out = ch[i]  # reuse the helper's list: left recursion stays linear
            else:
                out.append(ch[i])
        return out if build is None else build(out)

    return filtered


@contextmanager
def building(file: str, diagnostics: list[Diagnostic]) -> Iterator[None]:
    """Within this block (one parse, this thread), the builders name spans ``file`` and
    record their problems in ``diagnostics``."""
    saved = getattr(_ctx, "file", None), getattr(_ctx, "diagnostics", None)
    _ctx.file, _ctx.diagnostics = file, diagnostics
    try:
        yield
    finally:
        _ctx.file, _ctx.diagnostics = saved
