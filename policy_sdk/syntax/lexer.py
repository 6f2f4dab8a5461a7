"""The policy lexer: one compiled regular expression, built from the grammar's terminals.

lark's own lexers spend most of a parse matching whitespace and building line
counters; this one matches leading whitespace together with each token, tracks
lines only where whitespace holds a newline, and decides soft keywords against
the LALR state the parser is in (see the header of ``grammars/policy.lark``).

It also does two things a terminal list cannot:

* it measures nesting exactly (open ``(``/``[`` plus open prefix ``not``) and stops
  at :data:`MAX_NESTING`, so nothing downstream ever recurses too deep and a file
  of ten million ``(`` is rejected after 101 characters;
* it collects comments for the formatter;
* a lone carriage return ends a line, as ``\n`` and ``\r\n`` do (a file saved with
  old Mac line endings is not one long comment);
* it refuses numbers of more than :data:`MAX_NUMBER_DIGITS` digits, and invisible
  bidirectional controls (a "Trojan source" right-to-left override) and other
  control characters inside strings and comments (see ``docs/language.md``).

Lexical errors are yielded as ``$ERROR`` tokens carrying their diagnostic, so the
parser can recover and report later errors in the same file.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from policy_sdk import ast
from policy_sdk.errors import Diagnostic, Span
from policy_sdk.i18n import _
from policy_sdk.syntax._lark_tables import Terminal

MAX_NESTING = 100
"""Deepest nesting accepted inside one expression: open parentheses, brackets and
prefix ``not`` counted together (``not (a or [b])`` nests 3 deep at ``b``)."""

MAX_NUMBER_DIGITS = 400
"""Most digits a number may have (a longer one is ``bad-number``): more than any
amount a policy compares, and than ``fmt`` writes for any finite fractional number
(at most 325); a fractional number must also be below about 1.8 × 10³⁰⁸."""

_LONE_CR = re.compile(r"\r(?!\n)")

BIDI_CONTROLS: Mapping[str, str] = {
    "\u061c": "ARABIC LETTER MARK",
    "\u200e": "LEFT-TO-RIGHT MARK",
    "\u200f": "RIGHT-TO-LEFT MARK",
    "\u202a": "LEFT-TO-RIGHT EMBEDDING",
    "\u202b": "RIGHT-TO-LEFT EMBEDDING",
    "\u202c": "POP DIRECTIONAL FORMATTING",
    "\u202d": "LEFT-TO-RIGHT OVERRIDE",
    "\u202e": "RIGHT-TO-LEFT OVERRIDE",
    "\u2066": "LEFT-TO-RIGHT ISOLATE",
    "\u2067": "RIGHT-TO-LEFT ISOLATE",
    "\u2068": "FIRST STRONG ISOLATE",
    "\u2069": "POP DIRECTIONAL ISOLATE",
}
"""Invisible characters that reorder how text is shown: refused in strings and
comments, where they could make a policy read differently from what it does."""

# characters refused inside strings and comments: controls other than tab, and the above
_HIDDEN = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f" + "".join(BIDI_CONTROLS) + "]")

# tokens after which `not` is the infix of `not in`, not a prefix operator
_OPERAND_END = frozenset(
    {"NAME", "PATH", "STRING", "NUMBER", "DATE", "TRUE", "FALSE", "NULL", "RPAR", "RSQB"}
)
# tokens that may appear inside an expression; any other token ends all open `not`s
_EXPR_TOKENS = frozenset(
    {"NAME", "PATH", "STRING", "NUMBER", "DATE", "TRUE", "FALSE", "NULL", "COMP_OP", "IN",
     "NOT", "AND", "OR", "COMMA", "LPAR", "RPAR", "LSQB", "RSQB"}
)  # fmt: skip

FULL_WIDTH = {
    "（": "(", "）": ")", "【": "[", "】": "]", "｛": "{", "｝": "}", "，": ",",
    "“": '"', "”": '"', "＂": '"', "＝": "=", "＜": "<", "＞": ">", "＃": "#",
    "。": ".", "．": ".", "！": "!", "\u3000": " ",
}  # fmt: skip
"""Full-width characters people type by accident in Chinese input mode, and what they meant."""


class TooDeep(Exception):
    """Raised (not yielded) when an expression nests deeper than :data:`MAX_NESTING`."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


Tok = tuple[str, str, int, int, int]
"""A token: ``(type, text, offset, line, column)``; it ends at ``column + len(text)``."""


class Lexer:
    """Tokenizes policy text for the LALR driver in :mod:`policy_sdk.syntax.parser`."""

    def __init__(self, terminals: Sequence[Terminal]) -> None:
        by_name = {t.name: t for t in terminals}
        words: dict[str, str] = {}
        punct: dict[str, str] = {}
        name_re = re.compile(by_name["NAME"].regexp)
        for t in terminals:
            if t.literal is not None:
                value = t.literal
                (words if name_re.fullmatch(value) else punct)[value] = t.name
        self.keywords: Mapping[str, str] = words
        self.punctuation: Mapping[str, str] = punct
        #: keywords that are plain names wherever the grammar does not expect them:
        #: those the grammar declares with a priority below zero (``DISTINCT.-1``)
        self.soft_keywords: frozenset[str] = frozenset(
            t.name for t in terminals if t.priority < 0 and t.name in words.values()
        )

        def rx(name: str) -> str:
            return by_name[name].regexp

        ops = "|".join(re.escape(p) for p in sorted(punct, key=lambda p: (-len(p), p)))
        # NAME also matches PATH (a dotted name): the lexer tells them apart by the dot
        self.pattern = re.compile(
            f"(?:{rx('WS')})?(?:"
            f"(?P<NAME>{rx('PATH')}|{rx('NAME')})"
            f"|(?P<PUNCT>{ops})"
            f"|(?P<STRING>{rx('STRING')})"
            f"|(?P<COMP_OP>{rx('COMP_OP')})"
            f"|(?P<DATE>{rx('DATE')})"
            f"|(?P<NUMBER>{rx('NUMBER')})"
            f"|(?P<COMMENT>{rx('COMMENT')})"
            f'|(?P<BADSTRING>"[^\\n]*)'
            r"|(?P<BADNUMBER>-?\d[\w.]*)"
            r"|(?P<END>\Z)"
            r"|(?P<ERROR>[\s\S]))"
        )
        self.string_prefix = re.compile(r'"(?:[^"\\\n]|\\["\\nt])*')

    def tokens(
        self,
        text: str,
        file: str,
        state_stack: list[Any],
        states: Mapping[Any, Mapping[str, Any]],
        comments: list[ast.Comment],
    ) -> Iterator[Tok]:
        """Yield the tokens of ``text``, then ``$END``.

        ``state_stack`` is the live LALR state stack (read for soft keywords).
        A lexical error is yielded as an ``$ERROR`` token with its diagnostic as a
        sixth item.
        """
        if "\r" in text:  # a lone CR ends a line; same length, so offsets stay right
            text = _LONE_CR.sub("\n", text)
        keywords = self.keywords
        punctuation = self.punctuation
        soft_keywords = self.soft_keywords
        line = 1
        line_start = 0  # offset of the first character of the current line
        pos = 0
        prev = "$START"
        depth = 0
        nots: list[int] = []  # bracket depth at which each open prefix `not` was opened
        for m in self.pattern.finditer(text):
            kind: str = m.lastgroup  # type: ignore[assignment]
            value: str = m[kind]
            end = m.end()
            start = end - len(value)
            if start != pos:
                nl = text.rfind("\n", pos, start)
                if nl >= 0:
                    line += text.count("\n", pos, nl + 1)
                    line_start = nl + 1
            pos = end
            column = start - line_start + 1
            typ: str
            if kind == "NAME":
                typ = keywords.get(value, "NAME")
                if typ == "NAME":
                    if "." in value:
                        typ = "PATH"
                elif typ in soft_keywords:
                    if typ not in states[state_stack[-1]]:
                        typ = "NAME"
                elif typ == "NOT":
                    if prev not in _OPERAND_END:
                        nots.append(depth)
                        if depth + len(nots) > MAX_NESTING:
                            raise TooDeep(self._too_deep(file, line, column, value))
                elif typ == "AND" or typ == "OR":
                    while nots and nots[-1] == depth:
                        nots.pop()
                elif typ not in _EXPR_TOKENS:
                    nots.clear()
                    depth = 0
            elif kind == "PUNCT":
                typ = punctuation[value]
                if typ == "LPAR" or typ == "LSQB":
                    depth += 1
                    if depth + len(nots) > MAX_NESTING:
                        raise TooDeep(self._too_deep(file, line, column, value))
                elif typ == "RPAR" or typ == "RSQB":
                    while nots and nots[-1] == depth:
                        nots.pop()
                    if depth:
                        depth -= 1
                elif typ == "COMMA":
                    while nots and nots[-1] == depth:
                        nots.pop()
                else:
                    nots.clear()
                    depth = 0
            elif kind == "COMMENT":
                text_ = value.rstrip()
                hidden = _HIDDEN.search(text_)
                if hidden is not None:
                    prev = "$ERROR"
                    yield self._hidden_error(text_, hidden.start(), "comment", file, line,
                                             column, start)
                    continue
                comments.append(
                    ast.Comment(text_, Span(file, line, column, line, column + len(text_)))
                )
                continue
            elif kind == "END":
                break
            elif kind == "STRING":
                hidden = _HIDDEN.search(value)
                if hidden is not None:
                    prev = "$ERROR"
                    yield self._hidden_error(value, hidden.start(), "string", file, line,
                                             column, start)
                    continue
                typ = kind
            elif kind == "NUMBER":
                digits = len(value) - value.startswith("-") - ("." in value)
                message = None
                if digits > MAX_NUMBER_DIGITS:
                    message = (f"`{value[:20]}…` has {digits} digits; a number in a policy "
                               f"has at most {MAX_NUMBER_DIGITS}")
                elif "." in value and digits > 300 and math.isinf(float(value)):
                    message = (f"`{value[:20]}…` is too large for a number with a fraction "
                               "(the largest is about 1.8 × 10³⁰⁸)")
                if message is not None:
                    prev = "$ERROR"
                    yield (
                        "$ERROR", value, start, line, column,
                        Diagnostic(  # type: ignore[misc]
                            code="bad-number",
                            message=message,
                            span=Span(file, line, column, line, column + len(value)),
                            help="write a smaller number",
                        ),
                    )
                    continue
                typ = kind
            elif kind in ("DATE", "COMP_OP"):
                typ = kind
            else:
                # the driver records the diagnostic (6th item) unless it is skipping
                prev = "$ERROR"
                yield (
                    "$ERROR",
                    value,
                    start,
                    line,
                    column,
                    self._error(  # type: ignore[misc]
                        kind, value, text, file, line, column, start
                    ),
                )
                continue
            prev = typ
            yield (typ, value, start, line, column)
        yield ("$END", "", pos, line, pos - line_start + 1)

    @staticmethod
    def _hidden_error(
        value: str, at: int, where: str, file: str, line: int, column: int, start: int
    ) -> Tok:
        ch = value[at]
        name = BIDI_CONTROLS.get(ch)
        if name is not None:
            message = (f"{where} contains the invisible character U+{ord(ch):04X} ({name}), "
                       "which can make the text show differently from what it is")
            help = "remove it; write the text in the order it is read"
        else:
            message = f"{where} contains the control character U+{ord(ch):04X}"
            help = ("write `\\n` or `\\t` in a string for a line break or a tab"
                    if where == "string" else "remove it")
        span = Span(file, line, column + at, line, column + at + 1)
        diagnostic = Diagnostic(code="hidden-character", message=message, span=span, help=help)
        return ("$ERROR", value, start, line, column, diagnostic)  # type: ignore[return-value]

    @staticmethod
    def _too_deep(file: str, line: int, column: int, value: str) -> Diagnostic:
        return Diagnostic(
            code="too-deep",
            message=_("expression nested deeper than {levels} levels (parentheses, brackets "
                      "and `not` count)").format(levels=MAX_NESTING),
            span=Span(file, line, column, line, column + len(value)),
            help=_("split the condition into simpler parts"),
        )

    def _error(
        self, kind: str | None, value: str, text: str, file: str, line: int, column: int, start: int
    ) -> Diagnostic:
        width = 1
        help = None
        if kind == "BADSTRING":
            ok = self.string_prefix.match(text, start)
            assert ok is not None
            bad = ok.end()
            if bad < len(text) and text[bad] == "\\":
                escape = text[bad : bad + 2].rstrip("\n")
                column += bad - start
                width = len(escape)
                code = "bad-escape"
                message = _("unknown escape `{escape}` in a string").format(escape=escape)
                help = _('strings know `\\"`, `\\\\`, `\\n` and `\\t`; write `\\\\` for a '
                         "backslash")
            else:
                width = max(1, len(value))
                code, message = "unterminated-string", _("string is not closed on this line")
                help = _('add the closing `"`; use `\\n` for a line break inside a string')
        elif kind == "BADNUMBER":
            width = len(value)
            code, message = "bad-number", _("`{value}` is not a number").format(value=value)
            help = _("numbers look like `10`, `-3` or `2.5`; dates like `2026-03-01`")
        else:
            code = "unexpected-character"
            if value in FULL_WIDTH:
                message = _("unexpected full-width character `{char}`").format(char=value)
                help = _("use the ASCII `{char}` outside strings").format(char=FULL_WIDTH[value])
            elif value.isprintable() and not value.isspace():
                message = _("unexpected character `{char}`").format(char=value)
            else:
                message = _("unexpected character {code_point}").format(
                    code_point=f"U+{ord(value):04X}")
        return Diagnostic(
            code=code,
            message=message,
            span=Span(file, line, column, line, column + width),
            help=help,
        )
