"""Parse policy text into the typed AST.

The grammar (``grammars/policy.lark``) is loaded once and cached. The AST is
built *during* the LALR parse (lark's ``transformer=`` option), so no
intermediate parse tree is allocated. Comments are collected by a separate
regular-expression scan, which keeps parsing free of shared mutable state
(one parser serves every thread).
"""

from __future__ import annotations

import codecs
import datetime as dt
import functools
import re
import threading
from pathlib import Path as FsPath
from typing import Any

import lark
from lark import Lark, Token, Transformer

from policy_sdk import ast
from policy_sdk._resources import grammar_path
from policy_sdk.errors import Diagnostic, PolicySyntaxError, Span, did_you_mean

MAX_SOURCE_BYTES = 16 * 1024 * 1024
"""Largest policy source accepted (16 MiB): a 10,000-rule file is about 3 MB."""

MAX_NESTING = 100
"""Deepest nesting of parentheses, brackets and ``not`` accepted in one expression."""


def _unescape(token: str) -> str:
    body = token[1:-1]
    if "\\" not in body:
        return body
    return re.sub(r"\\([\"\\nt])", lambda m: {"n": "\n", "t": "\t"}.get(m[1], m[1]), body)


_current = threading.local()  # the file being parsed, per thread


def _file() -> str:
    return getattr(_current, "file", "<string>")  # type: ignore[no-any-return]


def _sp(meta: Meta) -> Span | None:
    if getattr(meta, "empty", True):
        return None
    return Span(_file(), meta.line, meta.column, meta.end_line, meta.end_column)


def _tok_span(tok: Token) -> Span:
    return Span(
        _file(),
        tok.line or 0,
        tok.column or 0,
        tok.end_line or tok.line or 0,
        tok.end_column or tok.column or 0,
    )


def _start(x: Any) -> tuple[int, int]:
    if isinstance(x, Token):
        return (x.line or 0, x.column or 0)
    span: Span = x.span
    return (span.line, span.column)


def _end(x: Any) -> tuple[int, int]:
    if isinstance(x, Token):
        return (x.end_line or 0, x.end_column or 0)
    span: Span = x.span
    return (span.end_line, span.end_column)


def _between(first: Any, last: Any) -> Span:
    """The span from the start of ``first`` to the end of ``last`` (tokens or nodes)."""
    (line, col), (end_line, end_col) = _start(first), _end(last)
    return Span(_file(), line, col, end_line, end_col)


class _AstBuilder(Transformer[Token, Any]):
    """Builds AST nodes bottom-up as the LALR parser reduces (no parse tree)."""

    def start(self, ch: list[Any]) -> tuple[Any, ...]:
        return tuple(ch)

    def policy(self, ch: list[Any]) -> ast.Policy:
        kw, name, *rest, rbrace = ch
        title: str | None = None
        if rest and isinstance(rest[0], Token):
            title = _unescape(rest[0])
            rest = rest[1:]
        return ast.Policy(name=name, title=title, rules=tuple(rest), span=_between(kw, rbrace))

    def rule(self, ch: list[Any]) -> ast.Rule:
        kw, name_tok, *rest, rbrace = ch
        name = str(name_tok)
        title: str | None = None
        if rest and isinstance(rest[0], Token):
            title = _unescape(rest[0])
            rest = rest[1:]
        *metas, statement = rest
        fields: dict[str, Any] = {}
        for key, value, span in metas:
            if key in fields or (key == "title" and title is not None):
                raise _BuildError(
                    span, "duplicate-meta", f"`{key}` is given twice in rule `{name}`", None
                )
            fields[key] = value
        if "title" in fields:
            title = fields.pop("title")
        return ast.Rule(
            name=name, statement=statement, title=title, span=_between(kw, rbrace), **fields
        )

    def statement_rule(self, ch: list[Any]) -> ast.Rule:
        statement = ch[0]
        return ast.Rule(name=None, statement=statement, span=statement.span)

    def meta_string(self, ch: list[Token]) -> tuple[str, str, Span]:
        return (str(ch[0]), _unescape(ch[1]), _between(ch[0], ch[1]))

    def meta_severity(self, ch: list[Token]) -> tuple[str, str, Span]:
        value = str(ch[1])
        if value not in ast.SEVERITIES:
            raise _BuildError(
                _tok_span(ch[1]),
                "unknown-severity",
                f"unknown severity `{value}`; expected "
                + " or ".join(f"`{s}`" for s in ast.SEVERITIES),
                did_you_mean(value, ast.SEVERITIES),
            )
        return ("severity", value, _between(ch[0], ch[1]))

    def require(self, ch: list[Any]) -> ast.Require:
        kw, *rest = ch
        distinct = False
        if isinstance(rest[0], Token) and rest[0].type == "DISTINCT":
            distinct = True
            rest = rest[1:]
        kind = ast.Ident(str(rest[0]), _tok_span(rest[0]))
        clauses = dict(rest[1:])
        return ast.Require(
            kind=kind,
            scope=clauses["scope"],
            where=clauses.get("where"),
            with_=clauses.get("with"),
            deadline=clauses.get("deadline"),
            distinct=distinct,
            span=_between(kw, _last_node(rest[1:])),
        )

    def forbid(self, ch: list[Any]) -> ast.Forbid:
        kw, *rest = ch
        kind = None
        if isinstance(rest[0], Token):
            kind = ast.Ident(str(rest[0]), _tok_span(rest[0]))
            rest = rest[1:]
        clauses = dict(rest)
        return ast.Forbid(
            kind=kind,
            scope=clauses["scope"],
            where=clauses.get("where"),
            with_=clauses.get("with"),
            span=_between(kw, _last_node(rest)),
        )

    def ensure(self, ch: list[Any]) -> ast.Ensure:
        kw, condition, *rest = ch
        clauses = dict(rest)
        return ast.Ensure(
            condition=condition,
            scope=clauses["scope"],
            where=clauses.get("where"),
            deadline=clauses.get("deadline"),
            span=_between(kw, _last_node(rest)),
        )

    def scope(self, ch: list[Token]) -> tuple[str, ast.Ident]:
        name = str(ch[0])
        span = _tok_span(ch[0])
        if name not in ast.SCOPES:
            raise _BuildError(
                span,
                "unknown-scope",
                f"unknown scope `per {name}`; expected one of "
                + ", ".join(f"`per {s}`" for s in ast.SCOPES),
                did_you_mean(name, ast.SCOPES),
            )
        return ("scope", ast.Ident(name, span))

    def where(self, ch: list[Any]) -> tuple[str, ast.Expr]:
        return ("where", ch[0])

    def with_(self, ch: list[Any]) -> tuple[str, ast.Expr]:
        return ("with", ch[0])

    def deadline(self, ch: list[Any]) -> tuple[str, ast.Deadline]:
        kw, amount, *rest = ch
        anchor = rest[-1]
        return (
            "deadline",
            ast.Deadline(
                amount=int(amount),
                working=len(rest) == 2,
                anchor=anchor,
                span=_between(kw, anchor),
            ),
        )

    # expressions
    def or_(self, ch: list[Any]) -> ast.BoolOp:
        return ast.BoolOp("or", tuple(ch), _between(ch[0], ch[-1]))

    def and_(self, ch: list[Any]) -> ast.BoolOp:
        return ast.BoolOp("and", tuple(ch), _between(ch[0], ch[-1]))

    def not_(self, ch: list[Any]) -> ast.Not:
        return ast.Not(ch[1], _between(ch[0], ch[1]))

    def compare(self, ch: list[Any]) -> ast.Compare:
        return ast.Compare(str(ch[1]), ch[0], ch[2], _between(ch[0], ch[2]))

    def in_(self, ch: list[Any]) -> ast.In:
        return ast.In(ch[0], ch[1], False, _between(ch[0], ch[1]))

    def not_in(self, ch: list[Any]) -> ast.In:
        return ast.In(ch[0], ch[2], True, _between(ch[0], ch[2]))

    def call(self, ch: list[Any]) -> ast.Call:
        return ast.Call(str(ch[0]), tuple(ch[1:-1]), _between(ch[0], ch[-1]))

    def list(self, ch: list[Any]) -> ast.ListExpr:
        return ast.ListExpr(tuple(ch[1:-1]), _between(ch[0], ch[-1]))

    def path(self, ch: list[Token]) -> ast.Path:
        return ast.Path(tuple(str(t) for t in ch), _between(ch[0], ch[-1]))

    def dotted_name(self, ch: list[Token]) -> str:
        return ".".join(str(t) for t in ch)

    def string(self, ch: list[Token]) -> ast.Literal:
        return ast.Literal(_unescape(ch[0]), _tok_span(ch[0]))

    def date(self, ch: list[Token]) -> ast.Literal:
        try:
            value = dt.date.fromisoformat(str(ch[0]))
        except ValueError:
            raise _BuildError(
                _tok_span(ch[0]), "bad-date", f"`{ch[0]}` is not a valid date", None
            ) from None
        return ast.Literal(value, _tok_span(ch[0]))

    def number(self, ch: list[Token]) -> ast.Literal:
        text = str(ch[0])
        return ast.Literal(float(text) if "." in text else int(text), _tok_span(ch[0]))

    def true(self, ch: list[Token]) -> ast.Literal:
        return ast.Literal(True, _tok_span(ch[0]))

    def false(self, ch: list[Token]) -> ast.Literal:
        return ast.Literal(False, _tok_span(ch[0]))

    def null(self, ch: list[Token]) -> ast.Literal:
        return ast.Literal(None, _tok_span(ch[0]))


# `with` is a Python keyword; lark looks the callback up by the rule's name.
setattr(_AstBuilder, "with", _AstBuilder.with_)  # noqa: B010


def _last_node(clauses: list[tuple[str, Any]]) -> Any:
    return clauses[-1][1]


class _BuildError(Exception):
    def __init__(self, span: Span | None, code: str, message: str, help: str | None) -> None:
        super().__init__(message)
        self.span = span
        self.code = code
        self.message = message
        self.help = help


@functools.cache
def _lark() -> Lark:
    return Lark(
        grammar_path().read_text(encoding="utf-8"),
        parser="lalr",
        lexer="contextual",
        propagate_positions=True,
        maybe_placeholders=False,
        transformer=_AstBuilder(),
    )


_STRIP = re.compile(r'"(?:[^"\\\n]|\\.)*"|#[^\n]*')
_NEST = re.compile(r"[()\[\]]|\bnot\b")


def _comments(text: str, file: str) -> tuple[ast.Comment, ...]:
    out = []
    for m in _STRIP.finditer(text):
        if m[0].startswith("#"):
            line = text.count("\n", 0, m.start()) + 1
            col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
            span = Span(file, line, col, line, col + len(m[0]))
            out.append(ast.Comment(m[0].rstrip(), span))
    return tuple(out)


def _check_nesting(text: str, file: str) -> None:
    stripped = _STRIP.sub(lambda m: " " * len(m[0]), text)
    depth = 0
    not_run = 0
    for m in _NEST.finditer(stripped):
        tok = m[0]
        if tok in "([":
            depth += 1
        elif tok in ")]":
            depth = max(0, depth - 1)
            not_run = 0
            continue
        else:
            not_run += 1
        if depth + not_run > MAX_NESTING:
            line = stripped.count("\n", 0, m.start()) + 1
            col = m.start() - (stripped.rfind("\n", 0, m.start()) + 1) + 1
            raise PolicySyntaxError(
                [
                    Diagnostic(
                        code="too-deep",
                        message=f"expression nested deeper than {MAX_NESTING} levels",
                        span=Span(file, line, col, line, col + len(tok)),
                        source_line=text.splitlines()[line - 1] if text else None,
                        help="split the condition into simpler parts",
                    )
                ]
            )
        if tok not in "([" and m.end() < len(stripped):
            # a `not` chain ends at the next non-`not` word; approximate by resetting
            # when the following token is not another `not` or a bracket
            following = stripped[m.end() : m.end() + 8].lstrip()
            if not (following.startswith("not") or following.startswith("(")):
                not_run = 0


def parse_policy(text: str | bytes, file: str = "<string>") -> ast.Module:
    """Parse policy source into a :class:`~policy_sdk.ast.Module`.

    Raises :class:`~policy_sdk.errors.PolicySyntaxError` for any input that is not a
    valid policy, including undecodable bytes, sources over :data:`MAX_SOURCE_BYTES`
    and expressions nested deeper than :data:`MAX_NESTING`.
    """
    if isinstance(text, bytes):
        if len(text) > MAX_SOURCE_BYTES:
            raise _too_large(file, len(text))
        try:
            text = codecs.decode(text, "utf-8-sig")
        except UnicodeDecodeError as exc:
            raise PolicySyntaxError(
                [
                    Diagnostic(
                        code="encoding",
                        message=f"policy files must be UTF-8; byte {exc.start} is not valid UTF-8",
                        file=file,
                    )
                ]
            ) from None
    elif len(text) > MAX_SOURCE_BYTES:
        raise _too_large(file, len(text))
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise PolicySyntaxError(
            [Diagnostic(code="nul", message="policy text contains a NUL character",
                        span=Span(file, line, 1, line, 2))]
        )
    _check_nesting(text, file)
    _current.file = file
    try:
        items = _lark().parse(text)
    except _BuildError as exc:
        raise PolicySyntaxError([_diag(exc.code, exc.message, exc.span, text, file, exc.help)]) from None
    except lark.exceptions.UnexpectedInput as exc:
        raise PolicySyntaxError([_unexpected(exc, text, file)]) from None
    except lark.exceptions.VisitError as exc:  # pragma: no cover - defensive
        orig = exc.orig_exc
        if isinstance(orig, _BuildError):
            raise PolicySyntaxError(
                [_diag(orig.code, orig.message, orig.span, text, file, orig.help)]
            ) from None
        raise
    return ast.Module(items=items, comments=_comments(text, file), file=file)


def _diag(
    code: str, message: str, span: Span | None, text: str, file: str, help: str | None
) -> Diagnostic:
    source_line = None
    if span is not None:
        lines = text.splitlines()
        if 0 < span.line <= len(lines):
            source_line = lines[span.line - 1]
    return Diagnostic(code=code, message=message, span=span, help=help, source_line=source_line)


def _unexpected(exc: lark.exceptions.UnexpectedInput, text: str, file: str) -> Diagnostic:
    line = getattr(exc, "line", 1) or 1
    column = getattr(exc, "column", 1) or 1
    span = Span(file, line, column, line, column + 1)
    if isinstance(exc, lark.exceptions.UnexpectedToken):
        tok = exc.token
        if tok.type == "$END":
            message = "unexpected end of file"
        else:
            message = f"unexpected `{tok}`"
            span = Span(file, line, column, line, column + max(1, len(str(tok))))
    elif isinstance(exc, lark.exceptions.UnexpectedCharacters):
        message = f"unexpected character `{text[exc.pos_in_stream]}`"
    else:
        message = "unexpected end of file"
    return _diag("unexpected", message, span, text, file, None)


def _too_large(file: str, size: int) -> PolicySyntaxError:
    return PolicySyntaxError(
        [
            Diagnostic(
                code="too-large",
                message=f"policy source is {size} bytes; the limit is {MAX_SOURCE_BYTES} bytes",
                file=file,
                help="split the policy into several files",
            )
        ]
    )


def parse_file(path: str | FsPath) -> ast.Module:
    """Read and parse one policy file (``*.policy``)."""
    p = FsPath(path)
    try:
        size = p.stat().st_size
        if size > MAX_SOURCE_BYTES:
            raise _too_large(str(p), size)
        data = p.read_bytes()
    except OSError as exc:
        raise PolicySyntaxError(
            [Diagnostic(code="io", message=f"cannot read `{p}`: {exc.strerror}", file=str(p))]
        ) from None
    return parse_policy(data, str(p))
