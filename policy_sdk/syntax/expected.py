"""Say in words what the parser expected and what it found.

lark reports expected *terminals* (``NAME``, ``RBRACE``, ``$END``); people read
"a name", "`}`", "end of file". Groups of terminals that always come together are
named as one thing ("an expression", "a new rule or policy").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from policy_sdk.i18n import N_, _

_EXPRESSION_START = frozenset(
    {"NAME", "PATH", "STRING", "NUMBER", "DATE", "TRUE", "FALSE", "NULL", "LPAR", "LSQB", "NOT"}
)
_OPERATORS = frozenset({"COMP_OP", "IN", "AND", "OR"})
_ITEM_START = frozenset({"RULE", "REQUIRE", "FORBID", "ENSURE"})
_STATEMENT_START = frozenset({"REQUIRE", "FORBID", "ENSURE"})
_META = frozenset({"SEVERITY", "TITLE", "CITATION", "REMEDY", "INTERPRETATION"})

_WORDS: dict[str, str] = {  # translated where used
    "NAME": N_("a name"),
    "PATH": N_("a dotted name"),
    "STRING": N_('a string in double quotes (`"…"`)'),
    "NUMBER": N_("a number"),
    "DATE": N_("a date such as `2026-03-01`"),
    "COMP_OP": N_("a comparison (`==`, `!=`, `<`, `<=`, `>`, `>=`)"),
    "$END": N_("end of file"),
    "LPAR": "`(`",
    "RPAR": "`)`",
    "LSQB": "`[`",
    "RSQB": "`]`",
    "LBRACE": "`{`",
    "RBRACE": "`}`",
    "COMMA": "`,`",
    "DOT": "`.`",
}

# the order terminals are listed in (anything not here comes after, alphabetically)
_ORDER = [
    "DISTINCT", "NAME", "PATH", "STRING", "NUMBER", "DATE", "LBRACE", "PER", "WHERE", "WITH",
    "WITHIN", "WORKING", "DAY", "DAYS", "OF", "COMMA", "RPAR", "RSQB", "RBRACE",
]  # fmt: skip


def describe_expected(expected: Iterable[str]) -> str:
    """``{"WHERE", "WITH", "$END"}`` → "`where`, `with` or end of file"."""
    left = {t for t in expected if t.isupper() or t == "$END"}
    parts: list[str] = []
    tail: list[str] = []
    if {"NAME", "STRING", "NUMBER", "LPAR"} <= left:
        parts.append(_("an expression"))
        left -= _EXPRESSION_START
    if {"COMP_OP", "AND"} <= left:
        parts.append(_("an operator (`and`, `or`, `==`, `in`, …)"))
        left -= _OPERATORS | {"NOT", "DOT", "LPAR"}
    if left >= _META:
        parts.append(_("metadata (`severity`, `citation`, `remedy`, …)"))
        left -= _META
    if left >= _ITEM_START:
        tail.append(_("a new rule or policy") if "POLICY" in left else _("a new rule"))
        left -= _ITEM_START | {"POLICY"}
    elif left >= _STATEMENT_START:
        tail.append(_("a statement (`require`, `forbid` or `ensure`)"))
        left -= _STATEMENT_START
    rank = {t: i for i, t in enumerate(_ORDER)}
    for t in sorted(left - {"$END"}, key=lambda t: (rank.get(t, len(rank)), t)):
        parts.append(_word(t))
    parts += tail
    if "$END" in left:
        parts.append(_(_WORDS["$END"]))
    if not parts:  # pragma: no cover - the tables always expect something
        return _("something else")
    return one_of(parts)


def one_of(parts: list[str]) -> str:
    """``a, b or c`` (``a、b 或 c``)."""
    if len(parts) == 1:
        return parts[0]
    return _("{items} or {last}").format(items=_(", ").join(parts[:-1]), last=parts[-1])


def _word(terminal: str) -> str:
    if terminal in _WORDS:
        return _(_WORDS[terminal])
    return f"`{terminal.lower()}`"


def describe_token(tok: tuple[str, str, int, int, int]) -> str:
    """What was found, for "unexpected …"."""
    typ, value = tok[0], tok[1]
    if typ == "$END":
        return _("end of file")
    if typ == "STRING":
        shown = value if len(value) <= 30 else f'{value[:27]}…"'
        return _("string {string}").format(string=shown)
    return f"`{value}`"


def keyword_candidates(expected: Iterable[str], keywords: Mapping[str, str]) -> list[str]:
    """The words of the expected keywords (``WHERE`` → ``where``), for did-you-mean."""
    return sorted(keywords[t] for t in expected if t in keywords and keywords[t].isalpha())
