"""Parse policy text into the typed AST.

How it works:

* ``grammars/policy.lark`` is compiled once (cached) into LALR(1) tables by lark;
  :mod:`policy_sdk.syntax._lark_tables` reads them (the only module that touches
  lark's internals) and hands them on as plain data.
* :class:`~policy_sdk.syntax.lexer.Lexer` (built from the grammar's terminals) feeds
  tokens to this module's own LALR driver: :func:`step` is one move of the
  automaton; :meth:`_Run.run` is the same move inlined in the hot loop (a property
  test keeps the two equal, see :func:`parse_policy_stepwise`). The AST is built
  *during* the parse by the reduce actions of :mod:`policy_sdk.syntax.builders`, so
  no parse tree is ever allocated.
* Errors do not stop the parse: a syntax error is recorded and the parser skips to
  the next ``rule``/``policy``/``require``/``forbid``/``ensure`` (or end of file),
  discarding the block it was in, and goes on (classic panic-mode recovery on the
  LALR stack). Problems the builders find (an unknown scope, a bad date, …) are
  recorded without disturbing the parse. All of them are raised together in one
  :class:`~policy_sdk.errors.PolicySyntaxError`, at most :data:`MAX_DIAGNOSTICS`;
  :mod:`policy_sdk.syntax.hints` adds help for the mistakes people make most.

Limits (documented in docs/language.md): :data:`MAX_SOURCE_BYTES` of UTF-8 and
:data:`MAX_NESTING` levels of nesting inside an expression. Every input, valid or
not, is handled in time linear in its size.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path as FsPath
from typing import Any

import attrs

from policy_sdk import ast
from policy_sdk._gc import gc_paused
from policy_sdk.errors import Diagnostic, PolicySyntaxError, Span, did_you_mean
from policy_sdk.i18n import _, os_reason
from policy_sdk.syntax._lark_tables import LarkTables, Production, lark_tables
from policy_sdk.syntax.builders import building, reduce_action
from policy_sdk.syntax.expected import describe_expected, describe_token, keyword_candidates
from policy_sdk.syntax.hints import lexical_hint, syntax_help
from policy_sdk.syntax.lexer import MAX_NESTING, Lexer, Tok, TooDeep

__all__ = [
    "MAX_DIAGNOSTICS",
    "MAX_NESTING",
    "MAX_SOURCE_BYTES",
    "count_tokens",
    "driver_tables",
    "grammar_tables",
    "parse_file",
    "parse_policy",
    "parse_policy_stepwise",
    "step",
]

MAX_SOURCE_BYTES = 16 * 1024 * 1024
"""Largest policy source accepted: 16 MiB of UTF-8 (a 10,000-rule file is 3–7 MB)."""

MAX_DIAGNOSTICS = 25
"""A file with more problems than this reports the first ones and stops."""

# tokens at which the parser resumes after a syntax error
_SYNC = frozenset({"RULE", "POLICY", "REQUIRE", "FORBID", "ENSURE", "$END"})
# inside a skipped `{ … }` only these resume (they cannot be inside a block)
_TOP_SYNC = frozenset({"POLICY", "$END"})


Reduce = tuple[int, "Callable[[list[Any]], Any] | None", str]
"""A reduce action: (right-hand side size, AST builder or None for a unit rule, goto key)."""

Actions = Mapping[int, Mapping[str, "int | Reduce"]]

SHIFTED, REDUCED, ACCEPTED, ERROR = 0, 1, 2, 3
"""What :func:`step` did."""


def step(actions: Actions, end: int, stack: list[int], values: list[Any] | None,
         tok: Tok) -> int:
    """One move of the LALR automaton on lookahead ``tok``.

    Shifts ``tok`` (:data:`SHIFTED`), or reduces by one production (:data:`REDUCED`:
    call again with the same token), or completes the parse (:data:`ACCEPTED`: the
    result is ``values[-1]``), or finds no action (:data:`ERROR`; nothing changed).
    ``values=None`` simulates on the states alone (no AST is built).
    """
    typ = tok[0]
    act = actions[stack[-1]].get(typ)
    if act is None:
        return ERROR
    if type(act) is int:
        stack.append(act)
        if values is not None:
            values.append(tok)
        return SHIFTED
    size, callback, origin = act  # type: ignore[misc]
    if size:
        del stack[-size:]
    if values is not None and callback is not None:  # a unit rule keeps its value
        if size:
            children = values[-size:]
            del values[-size:]
        else:
            children = []
        values.append(callback(children))
    goto: int = actions[stack[-1]][origin]  # type: ignore[assignment]
    stack.append(goto)
    return ACCEPTED if goto == end and typ == "$END" else REDUCED


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
    tables = lark_tables()
    reduces: dict[Production, Reduce] = {}
    actions: dict[int, dict[str, int | Reduce]] = {}
    for state, row in tables.actions.items():
        out: dict[str, int | Reduce] = {}
        for key, act in row.items():
            if isinstance(act, int):
                out[key] = act
            else:
                if act not in reduces:
                    reduces[act] = (len(act.symbols), reduce_action(act), act.origin)
                out[key] = reduces[act]
        actions[state] = out
    lexer = Lexer(list(tables.terminals))
    keywords = {typ: word for word, typ in lexer.keywords.items()}
    keywords.update({typ: p for p, typ in lexer.punctuation.items()})
    return _Grammar(lexer, actions, tables.start, tables.end, keywords)


def grammar_tables() -> LarkTables:
    """The policy grammar's LALR tables as read from lark (see ``_lark_tables``)."""
    return lark_tables()


def driver_tables() -> tuple[Actions, int]:
    """The tables :func:`step` runs on (reduce actions bound to the AST builders), and
    the end state."""
    g = _grammar()
    return g.actions, g.end


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
                self.diagnostics.append(lexical_hint(tok))
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
        g = self.g
        while True:
            done = step(g.actions, g.end, self.stack, self.values, tok)
            if done == SHIFTED:
                return None
            if done == ACCEPTED:
                return (self.values[-1],)
            if done == ERROR:
                raise _Unexpected

    def run_stepwise(self) -> tuple[Any, ...] | None:
        """:meth:`run` with every move made by :func:`step` (its slow twin)."""
        g, stack, values, tokens = self.g, self.stack, self.values, self.tokens
        for tok in tokens:
            if tok[0] == "$ERROR":
                self._check_count()
                self.diagnostics.append(lexical_hint(tok))
                result = self._recover(tok, tokens)
                if result is not None:
                    return result[0]  # type: ignore[no-any-return]
                continue
            before = None
            while True:
                snapshot = stack[:]
                done = step(g.actions, g.end, stack, values, tok)
                if done == SHIFTED:
                    break
                if done == ACCEPTED:
                    return values[-1]  # type: ignore[no-any-return]
                if done == REDUCED:
                    before = before or snapshot
                    continue
                self.before = before
                self._syntax_error(tok)
                result = self._recover(tok, tokens)
                if result is not None:
                    return result[0]  # type: ignore[no-any-return]
                break
        return None  # pragma: no cover - the lexer always ends with $END

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
        message = _("unexpected {found}; expected {expected}").format(
            found=describe_token(tok), expected=describe_expected(expected))
        help = syntax_help(tok, expected)
        if help is not None:
            pass
        elif tok[0] == "NAME":
            help = did_you_mean(tok[1], keyword_candidates(expected, self.g.keywords), cutoff=0.5)
        elif tok[0] == "$END":
            help = self._unclosed()
        elif tok[0] == "LPAR" and self.values and type(self.values[-1]) is tuple:
            before = self.values[-1]
            if before[0] == "PATH":
                help = _("only plain names can be called; `{path}` is an attribute "
                         "path").format(path=before[1])
        width = max(1, len(tok[1]))
        span = Span(self.file, tok[3], tok[4], tok[3], tok[4] + width)
        self.diagnostics.append(Diagnostic(code="syntax", message=message, span=span, help=help))

    def _accepts(self, typ: str, stack: list[int]) -> bool:
        """Whether ``typ`` would be shifted after ``stack`` (simulated on a copy)."""
        g = self.g
        stack = list(stack)
        probe: Tok = (typ, "", 0, 0, 0)
        while True:
            done = step(g.actions, g.end, stack, None, probe)
            if done != REDUCED:
                return done != ERROR
            if stack[-1] == g.end:
                return False

    def _unclosed(self) -> str | None:
        closers = {"LBRACE": "}", "LPAR": ")", "LSQB": "]"}
        for value in reversed(self.values):
            if type(value) is tuple and value[0] in closers:
                return _("the `{open}` at line {line}, column {column} is never closed "
                         "with `{close}`").format(open=value[1], line=value[3],
                                                  column=value[4], close=closers[value[0]])
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
                    message=_("policy files must be UTF-8; byte {byte} (line {line}, "
                              "column {column}) is not valid UTF-8").format(
                        byte=exc.start, line=line, column=column),
                    file=file,
                    help=_("save the file as UTF-8"),
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
    return _parse(text, file, stepwise=False)


def parse_policy_stepwise(text: str | bytes, file: str = "<string>") -> ast.Module:
    """:func:`parse_policy` with every automaton move made by :func:`step` instead of
    the inlined hot loop: its slow twin, for tests (same result, same errors)."""
    return _parse(text, file, stepwise=True)


def _parse(text: str | bytes, file: str, *, stepwise: bool) -> ast.Module:
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
    items: tuple[Any, ...] | None = None
    fatal: Diagnostic | None = None
    # The parse allocates ~40 objects a rule and no reference cycles; the cyclic
    # collector would only re-scan the growing tree (a third of the time on large
    # files). Pause it where the host allowed it (policy_sdk._gc).
    try:
        with building(file, run.diagnostics), gc_paused():
            items = run.run_stepwise() if stepwise else run.run()
    except TooDeep as exc:
        fatal = exc.diagnostic
    except _TooMany:
        fatal = Diagnostic(
            code="too-many-errors",
            message=_("too many errors; stopped after {count}").format(count=MAX_DIAGNOSTICS),
            file=file,
        )
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
                message=_("too many errors; stopped after {count}").format(count=MAX_DIAGNOSTICS),
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
                    " " if c.isspace() else c if c.isprintable() else "\ufffd"
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
            [Diagnostic(code="io", message=_("cannot read `{file}`: {reason}").format(
                file=p, reason=os_reason(exc)), file=str(p))]
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
