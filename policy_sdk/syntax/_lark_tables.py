"""The seam between policy-sdk and lark: the only module that reads lark's internals.

lark compiles ``grammars/policy.lark`` into LALR(1) tables; the parser
(:mod:`policy_sdk.syntax.parser`) runs those tables itself, with its own lexer, and
builds the AST as it reduces. It needs three things from lark, read here and handed on
as plain data:

* the parse table: per state, what each lookahead does (shift to a state, or reduce
  by a production), plus the start and end states — from lark's internal
  ``parser_state.parse_conf`` (no public API exposes it);
* each production's shape: its left-hand side, alias, ``?rule`` inlining, and which
  symbols of its right-hand side are kept, filtered or flattened (``_helper`` rules);
* the terminals (name, regular expression, literal text, priority: for the lexer) and
  which keywords are *soft*: a keyword
  terminal declared with a priority below zero (``DISTINCT.-1: "distinct"``) loses to
  a name unless the parser expects it at that point.

lark is pinned in ``pyproject.toml`` to the minor versions whose internals match what
this module reads; ``tests/syntax/test_lark_seam.py`` is the contract test that a new
lark version must pass before the pin moves.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import attrs
from lark import Lark
from lark.lexer import TerminalDef

from policy_sdk._resources import grammar_path

__all__ = ["LarkTables", "Production", "Terminal", "lark_tables"]


@attrs.frozen
class Production:
    """One grammar production as the parser driver needs it."""

    #: the rule it reduces to (a goto key: lowercase, maybe ``_helper``)
    origin: str
    #: the ``-> alias`` name, if any
    alias: str | None
    #: whether the rule is ``?rule`` (inlined when it has one child)
    expand1: bool
    #: the right-hand side: ``(name, is_terminal, filtered_out)`` per symbol
    symbols: tuple[tuple[str, bool, bool], ...]


@attrs.frozen
class Terminal:
    """One terminal of the grammar, as the lexer needs it."""

    name: str
    #: a Python regular expression matching it
    regexp: str
    #: the exact text of a keyword or punctuation terminal (``"per"``, ``"{"``), else None
    literal: str | None
    #: lark's priority; below zero marks a soft keyword
    priority: int


@attrs.frozen
class LarkTables:
    """The LALR(1) automaton of the policy grammar, as plain data."""

    #: state -> {terminal or rule name: next state (shift / goto) or production (reduce)}
    actions: Mapping[int, Mapping[str, int | Production]]
    start: int
    end: int
    terminals: tuple[Terminal, ...]
    #: names of the soft keyword terminals (priority below zero)
    soft_keywords: frozenset[str]


def _production(rule: Any) -> Production:
    symbols = tuple(
        (str(sym.name), bool(sym.is_term), bool(sym.is_term and sym.filter_out))
        for sym in rule.expansion
    )
    return Production(str(rule.origin.name), rule.alias, bool(rule.options.expand1), symbols)


def _terminal(t: TerminalDef) -> Terminal:
    literal = str(t.pattern.value) if t.pattern.type == "str" else None
    return Terminal(str(t.name), t.pattern.to_regexp(), literal, int(t.priority))


def build_tables(grammar: str) -> LarkTables:
    """Compile ``grammar`` with lark and read its tables (the lark-internal part)."""
    lk = Lark(grammar, parser="lalr", lexer="basic", maybe_placeholders=False)
    conf = lk.parse_interactive("").parser_state.parse_conf
    productions: dict[int, Production] = {}
    actions: dict[int, dict[str, int | Production]] = {}
    for state, row in conf.parse_table.states.items():
        out: dict[str, int | Production] = {}
        for key, (action, arg) in row.items():
            if action.name == "Shift":
                out[str(key)] = int(arg)
            else:
                made = productions.get(id(arg))
                if made is None:
                    made = productions[id(arg)] = _production(arg)
                out[str(key)] = made
        actions[int(state)] = out
    terminals = tuple(_terminal(t) for t in lk.terminals)
    soft = frozenset(t.name for t in terminals if t.priority < 0 and t.literal is not None)
    return LarkTables(actions, int(conf.start_state), int(conf.end_state), terminals, soft)


@functools.cache
def lark_tables() -> LarkTables:
    """The tables of ``grammars/policy.lark`` (compiled once per process)."""
    return build_tables(grammar_path().read_text(encoding="utf-8"))
