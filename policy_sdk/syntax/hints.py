"""Help for the policy mistakes people make most, added to the parser's diagnostics.

Each hint looks at one problem the lexer or the parser found and says what was meant:

* ``platform.type = "app"``: `=` is not an operator; compare with `==`;
* metadata written after the statement: it goes first, before ``require``/``forbid``/``ensure``;
* full-width punctuation typed in Chinese input mode (`：`, `，`, `（` …): named, with the
  ASCII character meant; a full-width space is named, not echoed;
* ``within -3 days``: a deadline counts days after its anchor, never negative.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

import attrs

from policy_sdk.errors import Diagnostic
from policy_sdk.i18n import _
from policy_sdk.syntax.lexer import FULL_WIDTH, Tok

__all__ = ["META_WORDS", "deadline_problem", "lexical_hint", "syntax_help"]

META_WORDS = ("title", "severity", "citation", "remedy", "interpretation")
"""The metadata keys of a rule (they come before its statement)."""

# full-width characters the lexer's table does not list, and what was meant
_MORE_FULL_WIDTH = {"：": ":", "；": ";", "、": ",", "‘": "'", "’": "'", "《": "<", "》": ">"}


def _char_name(char: str) -> str:
    from policy_sdk.i18n import get_language

    name = unicodedata.name(char, "").lower()
    name = name.replace("fullwidth ", "full-width ").replace("ideographic ", "full-width ")
    if get_language() == "zh":  # Unicode's names are English: say what kind it is
        return "全角字符" if "full-width" in name or char.isspace() else "字符"
    return name or f"character U+{ord(char):04X}"


def lexical_hint(tok: Tok) -> Diagnostic:
    """The lexer's diagnostic for an ``$ERROR`` token, with better help where we know it."""
    d: Diagnostic = tok[5]  # type: ignore[misc]
    if d.code != "unexpected-character":
        return d
    value = tok[1]
    if value == "=":
        return attrs.evolve(d, message=_("unexpected `=`: it is not an operator"),
                            help=_("compare with `==` (or `!=`, `<`, `<=`, `>`, `>=`): "
                                   'write `platform.type == "app"`'))
    meant = FULL_WIDTH.get(value) or _MORE_FULL_WIDTH.get(value)
    if meant is None:
        return d
    code_point = f"U+{ord(value):04X}"
    if value.isspace():
        return attrs.evolve(d, message=_("unexpected {name} ({code_point})").format(
                                name=_char_name(value), code_point=code_point),
                            help=_("use an ASCII space outside strings (switch the input "
                                   "method to half-width)"))
    help = _("use the ASCII `{char}` outside strings").format(char=meant)
    if meant == ":":
        help = _("the policy language has no `:`; metadata is written `title \"…\"`, "
                 "without a colon (and outside strings, use ASCII punctuation)")
    return attrs.evolve(d, message=_("unexpected {name} `{char}` ({code_point})").format(
                            name=_char_name(value), char=value, code_point=code_point),
                        help=help)


def syntax_help(tok: Tok, expected: Iterable[str]) -> str | None:
    """Help for an unexpected token that says more than "did you mean", or None."""
    expected = set(expected)
    if tok[0] == "NAME" and tok[1] in META_WORDS and "RBRACE" in expected:
        return _("metadata (`title`, `severity`, `citation`, `remedy`, `interpretation`) "
                 "goes first in a rule, before its `require`, `forbid` or `ensure`")
    return None


def deadline_problem(text: str) -> tuple[str, str]:
    """``(message, help)`` for a deadline amount that is not a whole number of days."""
    if text.startswith("-"):
        return (_("a deadline cannot be negative (`{amount}`)").format(amount=text),
                _("count the days after the anchor: `within 3 days of …`; for a date "
                  "before it, compare dates in a `where` condition"))
    return (_("a deadline counts whole days, not `{amount}`").format(amount=text),
            _("write a whole number such as `10`"))
