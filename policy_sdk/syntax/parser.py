"""Parse policy text into the typed AST.

How it works:

* ``grammars/policy.lark`` is compiled once (cached) into LALR(1) tables by lark.
* :class:`~policy_sdk.syntax.lexer.Lexer` (built from the grammar's terminals)
  feeds tokens straight into lark's LALR parser state; the AST is built *during*
  the parse by lark's ``transformer=`` callbacks (:class:`_AstBuilder`), so no parse
  tree is ever allocated.
* Errors do not stop the parse: a syntax error is recorded and the parser skips to
  the next ``rule``/``policy``/``require``/``forbid``/``ensure`` (or end of file),
  discarding the block it was in, and goes on (classic panic-mode recovery on the
  LALR stack). Problems the callbacks find (an unknown scope, a bad date, …) are
  recorded without disturbing the parse. All of them are raised together in one
  :class:`~policy_sdk.errors.PolicySyntaxError`, at most :data:`MAX_DIAGNOSTICS`.

Limits (documented in docs/language.md): :data:`MAX_SOURCE_BYTES` of UTF-8 and
:data:`MAX_NESTING` levels of nesting inside an expression. Every input, valid or
not, is handled in time linear in its size.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path as FsPath
from typing import Any

import attrs
from lark import Lark

from policy_sdk import ast
from policy_sdk._gc import gc_paused
from policy_sdk._resources import grammar_path
from policy_sdk.errors import Diagnostic, PolicySyntaxError, Span, did_you_mean
from policy_sdk.syntax.expected import describe_expected, describe_token, keyword_candidates
from policy_sdk.syntax.lexer import MAX_NESTING, Lexer, Tok, TooDeep

__all__ = [
    "MAX_DIAGNOSTICS",
    "MAX_NESTING",
    "MAX_SOURCE_BYTES",
    "count_tokens",
    "parse_file",
    "parse_policy",
]

MAX_SOURCE_BYTES = 16 * 1024 * 1024
"""Largest policy source accepted: 16 MiB of UTF-8 (a 10,000-rule file is 3–7 MB)."""

MAX_DIAGNOSTICS = 25
"""A file with more problems than this reports the first ones and stops."""

# tokens at which the parser resumes after a syntax error
_SYNC = frozenset({"RULE", "POLICY", "REQUIRE", "FORBID", "ENSURE", "$END"})
# inside a skipped `{ … }` only these resume (they cannot be inside a block)
_TOP_SYNC = frozenset({"POLICY", "$END"})


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

    __slots__ = ("key", "span", "value")

    def __init__(self, key: str, value: str, span: Span) -> None:
        self.key, self.value, self.span = key, value, span


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
        if rest[0][0] == "STRING":
            title = _unescape(rest[0][1])
            rest = rest[1:]
        return ast.Policy(name=name, title=title, rules=tuple(rest[1:]), span=_between(kw, rbrace))

    @staticmethod
    def rule(ch: list[Any]) -> ast.Rule:
        kw, name_tok, *rest, statement, rbrace = ch
        name = name_tok[1]
        fields: dict[str, Any] = {}
        spans: list[tuple[str, Span]] = []
        if rest[0][0] == "STRING":
            fields["title"] = _unescape(rest[0][1])
            rest = rest[1:]
        meta: _Meta
        for meta in rest[1:]:
            if meta.key in fields:
                _report(
                    meta.span, "duplicate-meta", f"`{meta.key}` is given twice in rule `{name}`"
                )
            else:
                fields[meta.key] = meta.value
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
    def meta_string(ch: list[Tok]) -> _Meta:
        return _Meta(ch[0][1], _unescape(ch[1][1]), _between(ch[0], ch[1]))

    @staticmethod
    def meta_severity(ch: list[Tok]) -> _Meta:
        value = ch[1][1]
        if value not in ast.SEVERITIES:
            _report(
                _tok_span(ch[1]),
                "unknown-severity",
                f"unknown severity `{value}`; expected "
                + " or ".join(f"`{s}`" for s in ast.SEVERITIES),
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
                f"unknown scope `per {name}`; expected "
                + ", ".join(f"`per {s}`" for s in ast.SCOPES[:-1])
                + f" or `per {ast.SCOPES[-1]}`",
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
            _report(
                _tok_span(amount),
                "bad-deadline",
                f"a deadline counts whole days, not `{text}`",
                "write a whole number such as `10`",
            )
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
                f"`{text}` is not a date in the calendar",
                "dates are written year-month-day, e.g. `2026-03-01`",
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


def _callback(rule: Any) -> Callable[[list[Any]], Any] | None:
    """The reduce action of one grammar rule, from lark's rule metadata.

    Returns None for a unit rule that just passes its only child up (``?expr: or_expr``).
    """
    plan = [
        (i, not sym.is_term and sym.name.startswith("_"))
        for i, sym in enumerate(rule.expansion)
        if not (sym.is_term and sym.filter_out)
    ]
    origin = str(rule.origin.name)
    name = rule.alias or origin
    if rule.options.expand1 and not rule.alias and len(plan) == 1 and not plan[0][1]:
        if len(rule.expansion) == 1:
            return None
        index = plan[0][0]
        return lambda ch: ch[index]
    helper = origin.startswith("_")
    build: Callable[[list[Any]], Any] | None
    # `with` is a Python keyword and `list` a builtin: their builders end in `_`
    build = None if helper else getattr(_Build, _RENAMED.get(name, name))
    keep_all = len(plan) == len(rule.expansion) and not any(e for _, e in plan)
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


Reduce = tuple[int, "Callable[[list[Any]], Any] | None", str]


@attrs.frozen
class _Grammar:
    lexer: Lexer
    #: state -> {terminal: next state (shift) or (size, callback, rule name) (reduce),
    #:           rule name: next state (goto)}
    actions: dict[int, dict[str, int | Reduce]]
    start: int
    end: int
    keywords: dict[str, str]  # terminal name -> its word or sign, for messages


@functools.cache
def _grammar() -> _Grammar:
    lk = Lark(
        grammar_path().read_text(encoding="utf-8"),
        parser="lalr",
        lexer="basic",
        maybe_placeholders=False,
    )
    conf = lk.parse_interactive("").parser_state.parse_conf
    reduces: dict[Any, Reduce] = {}
    actions: dict[int, dict[str, int | Reduce]] = {}
    for state, row in conf.parse_table.states.items():
        out: dict[str, int | Reduce] = {}
        for key, (action, arg) in row.items():
            if str(action) == "Shift":
                out[str(key)] = arg
            else:
                if arg not in reduces:
                    reduces[arg] = (len(arg.expansion), _callback(arg), str(arg.origin.name))
                out[str(key)] = reduces[arg]
        actions[state] = out
    lexer = Lexer(list(lk.terminals))
    keywords = {typ: word for word, typ in lexer.keywords.items()}
    keywords.update({typ: p for p, typ in lexer.punctuation.items()})
    return _Grammar(lexer, actions, conf.start_state, conf.end_state, keywords)


class _TooMany(Exception):
    pass


class _Unexpected(Exception):
    pass


class _Run:
    """One parse: runs the LALR automaton over our tokens and recovers from errors."""

    def __init__(self, text: str, file: str) -> None:
        g = _grammar()
        self.g = g
        self.file = file
        self.diagnostics: list[Diagnostic] = []
        self.comments: list[ast.Comment] = []
        self.stack: list[int] = [g.start]
        self.values: list[Any] = []
        self.tokens = g.lexer.tokens(text, file, self.stack, g.actions, self.comments)
        #: the state stack before the current token's reductions (for "expected")
        self.before: list[int] | None = None

    def run(self) -> tuple[Any, ...] | None:
        actions = self.g.actions
        end = self.g.end
        stack = self.stack
        values = self.values
        tokens = self.tokens
        for tok in tokens:
            typ = tok[0]
            before = None
            if typ == "$ERROR":
                self._check_count()
                self.diagnostics.append(tok[5])  # type: ignore[misc]
                result = self._recover(tok, tokens)
                if result is not None:
                    return result[0]  # type: ignore[no-any-return]
                continue
            while True:  # inlined _feed (the hot loop)
                act = actions[stack[-1]].get(typ)
                if act is None:
                    self.before = before
                    self._syntax_error(tok)
                    result = self._recover(tok, tokens)
                    if result is not None:
                        return result[0]  # type: ignore[no-any-return]
                    break
                if type(act) is int:
                    stack.append(act)
                    values.append(tok)
                    break
                size, callback, origin = act  # type: ignore[misc]
                if before is None:
                    before = stack[:]
                if callback is None:  # unit rule: the value stays, the state changes
                    del stack[-1]
                else:
                    if size:
                        children = values[-size:]
                        del values[-size:]
                        del stack[-size:]
                    else:
                        children = []
                    values.append(callback(children))
                goto: int = actions[stack[-1]][origin]  # type: ignore[assignment]
                stack.append(goto)
                if goto == end and typ == "$END":
                    return values[-1]  # type: ignore[no-any-return]
        return None  # pragma: no cover - the lexer always ends with $END

    def _feed(self, tok: Tok) -> tuple[Any] | None:
        """Feed one token; ``(result,)`` when it completes the parse. Raises _Unexpected."""
        actions = self.g.actions
        stack, values = self.stack, self.values
        typ = tok[0]
        while True:
            act = actions[stack[-1]].get(typ)
            if act is None:
                raise _Unexpected
            if type(act) is int:
                stack.append(act)
                values.append(tok)
                return None
            size, callback, origin = act  # type: ignore[misc]
            if callback is None:
                del stack[-1]
            else:
                children = values[-size:] if size else []
                if size:
                    del values[-size:]
                    del stack[-size:]
                values.append(callback(children))
            goto: int = actions[stack[-1]][origin]  # type: ignore[assignment]
            stack.append(goto)
            if goto == self.g.end and typ == "$END":
                return (values[-1],)

    def _check_count(self) -> None:
        if len(self.diagnostics) >= MAX_DIAGNOSTICS:
            raise _TooMany

    def _syntax_error(self, tok: Tok) -> None:
        self._check_count()
        # LALR merges states, so a state's table can list terminals that would fail
        # after a few reductions; keep only those that really lead to a shift
        # the token may have reduced the stack before failing: ask the stack before that
        stack = self.before or self.stack
        expected = [
            k
            for k in self.g.actions[stack[-1]]
            if (k.isupper() or k == "$END") and self._accepts(k, stack)
        ]
        message = f"unexpected {describe_token(tok)}; expected {describe_expected(expected)}"
        help = None
        if tok[0] == "NAME":
            help = did_you_mean(tok[1], keyword_candidates(expected, self.g.keywords), cutoff=0.5)
        elif tok[0] == "$END":
            help = self._unclosed()
        elif tok[0] == "LPAR" and self.values and type(self.values[-1]) is tuple:
            before = self.values[-1]
            if before[0] == "PATH":
                help = f"only plain names can be called; `{before[1]}` is an attribute path"
        width = max(1, len(tok[1]))
        span = Span(self.file, tok[3], tok[4], tok[3], tok[4] + width)
        self.diagnostics.append(Diagnostic(code="syntax", message=message, span=span, help=help))

    def _accepts(self, typ: str, stack: list[int]) -> bool:
        """Whether ``typ`` would be shifted after ``stack`` (simulated on a copy)."""
        actions = self.g.actions
        stack = list(stack)
        while True:
            act = actions[stack[-1]].get(typ)
            if act is None:
                return False
            if type(act) is int:
                return True
            size, _, origin = act  # type: ignore[misc]
            if size:
                del stack[-size:]
            goto: int = actions[stack[-1]][origin]  # type: ignore[assignment]
            stack.append(goto)
            if goto == self.g.end:
                return typ == "$END"

    def _unclosed(self) -> str | None:
        closers = {"LBRACE": "}", "LPAR": ")", "LSQB": "]"}
        for value in reversed(self.values):
            if type(value) is tuple and value[0] in closers:
                return (
                    f"the `{value[1]}` at line {value[3]}, column {value[4]} "
                    f"is never closed with `{closers[value[0]]}`"
                )
        return None

    def _recover(self, tok: Tok, tokens: Iterator[Tok]) -> tuple[Any] | None:
        """Skip to a token that starts a rule or statement (or the end), and resume there.

        A skipped ``}`` closes the innermost open block on the stack, discarding it;
        a skipped ``{`` opens one that its ``}`` closes again. Returns ``(result,)``
        when the parse ended, None when it resumed.
        """
        stack, values = self.stack, self.values
        skipped_open = 0
        while True:
            typ = tok[0]
            if typ in _SYNC and (not skipped_open or typ in _TOP_SYNC):
                resumed, result = self._resume(tok)
                if resumed:
                    return result
            elif typ == "LBRACE":
                skipped_open += 1
            elif typ == "RBRACE":
                if skipped_open:
                    skipped_open -= 1
                else:
                    for i in range(len(values) - 1, -1, -1):
                        v = values[i]
                        if type(v) is tuple and v[0] == "LBRACE":
                            del values[i:]
                            del stack[i + 1 :]
                            break
            tok = next(tokens)

    def _resume(self, tok: Tok) -> tuple[bool, tuple[Any] | None]:
        """Pop the stack until ``tok`` fits, and feed it."""
        stack, values = self.stack, self.values
        actions = self.g.actions
        while True:
            if tok[0] in actions[stack[-1]]:
                saved_stack, saved_values = list(stack), list(values)
                try:
                    return True, self._feed(tok)
                except _Unexpected:
                    stack[:] = saved_stack
                    values[:] = saved_values
            if len(stack) <= 1:
                return False, None
            stack.pop()
            values.pop()


def _decode(data: bytes, file: str) -> str:
    if len(data) > MAX_SOURCE_BYTES:
        raise _too_large(file, len(data))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise PolicySyntaxError(
            [
                Diagnostic(
                    code="encoding",
                    message=f"policy files must be UTF-8; byte {exc.start} "
                    f"(line {line}, column {column}) is not valid UTF-8",
                    file=file,
                    help="save the file as UTF-8",
                )
            ]
        ) from None


def parse_policy(text: str | bytes, file: str = "<string>") -> ast.Module:
    """Parse policy source into a :class:`~policy_sdk.ast.Module`.

    Raises :class:`~policy_sdk.errors.PolicySyntaxError` with every problem found
    (up to :data:`MAX_DIAGNOSTICS`) for any input that is not a valid policy,
    including undecodable bytes, sources over :data:`MAX_SOURCE_BYTES` and
    expressions nested deeper than :data:`MAX_NESTING`.
    """
    if isinstance(text, bytes):
        text = _decode(text, file)
    elif (
        len(text) > MAX_SOURCE_BYTES // 4
        and len(text.encode("utf-8", "replace")) > MAX_SOURCE_BYTES
    ):
        raise _too_large(file, len(text.encode("utf-8", "replace")))
    if text.startswith("\ufeff"):
        text = " " + text[1:]  # a byte-order mark; keep columns as the editor shows them
    run = _Run(text, file)
    saved = getattr(_ctx, "file", None), getattr(_ctx, "diagnostics", None)
    _ctx.file, _ctx.diagnostics = file, run.diagnostics
    items: tuple[Any, ...] | None = None
    fatal: Diagnostic | None = None
    # The parse allocates ~40 objects a rule and no reference cycles; the cyclic
    # collector would only re-scan the growing tree (a third of the time on large
    # files). Pause it, and restore whatever state the caller had.
    try:
        with gc_paused():
            items = run.run()
    except TooDeep as exc:
        fatal = exc.diagnostic
    except _TooMany:
        fatal = Diagnostic(
            code="too-many-errors",
            message=f"too many errors; stopped after {MAX_DIAGNOSTICS}",
            file=file,
        )
    finally:
        _ctx.file, _ctx.diagnostics = saved
    diagnostics = run.diagnostics + ([fatal] if fatal else [])
    if diagnostics or items is None:
        raise PolicySyntaxError(_with_source_lines(diagnostics, text))
    return ast.Module(items=items, comments=tuple(run.comments), file=file)


def _with_source_lines(diagnostics: list[Diagnostic], text: str) -> list[Diagnostic]:
    diagnostics = sorted(diagnostics, key=Diagnostic.sort_key)
    if len(diagnostics) > MAX_DIAGNOSTICS + 1:
        diagnostics = [
            *diagnostics[:MAX_DIAGNOSTICS],
            Diagnostic(
                code="too-many-errors",
                message=f"too many errors; stopped after {MAX_DIAGNOSTICS}",
                file=diagnostics[0].span.file if diagnostics[0].span else None,
            ),
        ]
    starts: list[int] | None = None
    out = []
    seen = set()
    for d in diagnostics:
        key = (d.span, d.code, d.message)
        if key in seen:
            continue
        seen.add(key)
        if d.span is not None and d.span.column <= _MAX_SHOWN:
            if starts is None:
                starts = [0] + [m.end() for m in re.finditer("\n", text)]
            if 0 < d.span.line <= len(starts):
                begin = starts[d.span.line - 1]
                end = text.find("\n", begin, begin + d.span.column + _MAX_SHOWN)
                line = text[begin : end if end >= 0 else begin + d.span.column + _MAX_SHOWN]
                shown = "".join(
                    " " if c == "\t" else c if c.isprintable() else "\ufffd"
                    for c in line.rstrip("\r")
                )
                d = attrs.evolve(d, source_line=shown)
        out.append(d)
    return out


_MAX_SHOWN = 500  # longest stretch of a source line shown under a diagnostic


def _too_large(file: str, size: int) -> PolicySyntaxError:
    return PolicySyntaxError(
        [
            Diagnostic(
                code="too-large",
                message=f"policy source is {size:,} bytes; the limit is "
                f"{MAX_SOURCE_BYTES:,} bytes (16 MiB)",
                file=file,
                help="split the policy into several files",
            )
        ]
    )


def parse_file(path: str | FsPath, name: str | None = None) -> ast.Module:
    """Read and parse one policy file (``*.policy``).

    ``name`` is the file name spans and messages show (default: ``path`` as given); the
    engine names the shipped default pack ``policies/…`` so output does not depend on
    where the package is installed.
    """
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
    except ValueError:  # e.g. a NUL in the path: no file can have that name
        shown = str(p).replace("\x00", "\\0")
        raise PolicySyntaxError(
            [Diagnostic(code="io", message=f"cannot read `{shown}`: not a valid file name",
                        file=shown)]
        ) from None
    return parse_policy(data, name or str(p))


def count_tokens(text: str) -> int:
    """How many tokens ``text`` has (comments excluded); for benchmarks."""
    g = _grammar()
    # soft keywords need a parser state; counting them as names is fine here
    return sum(1 for _ in g.lexer.tokens(text, "<count>", [g.start], g.actions, [])) - 1
