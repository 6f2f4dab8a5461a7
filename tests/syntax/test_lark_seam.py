"""The lark seam (`policy_sdk.syntax._lark_tables`), the automaton's step function and
the soft keywords: the contract a new lark version must keep, and the twins that agree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark

import policy_sdk
from policy_sdk import ast
from policy_sdk.errors import PolicySyntaxError
from policy_sdk.syntax import format_module
from policy_sdk.syntax.builders import building
from policy_sdk.syntax.lexer import FULL_WIDTH
from policy_sdk.syntax.parser import (
    ACCEPTED,
    ERROR,
    REDUCED,
    SHIFTED,
    driver_tables,
    grammar_tables,
    parse_policy,
    parse_policy_stepwise,
    step,
)

from .strategies import modules, policy_lark

PACKAGE = Path(policy_sdk.__file__).parent
ROOT = PACKAGE.parent
LANGUAGE_DOC = ROOT / "docs" / "language.md"


# --- the seam ---------------------------------------------------------------------------


def test_only_one_module_reads_lark_internals() -> None:
    readers = sorted(
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if re.search(r"parse_conf|parser_state|lalr_analysis", p.read_text(encoding="utf-8"))
    )
    assert readers == ["syntax/_lark_tables.py"]
    importers = sorted(
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if re.search(r"^\s*(from|import) lark\b", p.read_text(encoding="utf-8"), re.M)
    )
    assert importers == ["syntax/_lark_tables.py"]  # lark's types do not leak out either


def test_the_tables_are_a_consistent_automaton() -> None:
    t = grammar_tables()
    assert t.start in t.actions
    assert t.end in t.actions
    nonterminals = {p.origin for row in t.actions.values() for p in row.values()
                    if not isinstance(p, int)}
    assert {"start", "rule", "require", "forbid", "ensure", "deadline"} <= nonterminals
    for row in t.actions.values():
        for key, act in row.items():
            if isinstance(act, int):  # a shift (terminal) or a goto (rule)
                assert act in t.actions, key
            else:
                assert key.isupper() or key == "$END", key  # reduces happen on terminals
                assert all(len(sym) == 3 for sym in act.symbols)
    names = {term.name for term in t.terminals}
    assert {"NAME", "PATH", "STRING", "NUMBER", "DATE", "COMP_OP", "WS", "COMMENT"} <= names


def test_step_parses_a_rule_move_by_move() -> None:
    t = grammar_tables()
    g_actions, end = driver_tables()
    stack: list[int] = [t.start]
    values: list[object] = []
    moves: list[int] = []
    tokens = [("ENSURE", "ensure", 0, 1, 1), ("NAME", "x", 7, 1, 8),
              ("PER", "per", 9, 1, 10), ("NAME", "organization", 13, 1, 14),
              ("$END", "", 25, 1, 26)]
    with building("<test>", []):  # the AST builders record problems per parse
        for tok in tokens:
            while True:
                done = step(g_actions, end, stack, values, tok)
                moves.append(done)
                if done != REDUCED:
                    break
    assert moves[-1] == ACCEPTED
    assert SHIFTED in moves
    assert ERROR not in moves
    assert step(g_actions, end, [t.start], None, ("RPAR", ")", 0, 1, 1)) == ERROR


# --- the hot loop and its slow twin ------------------------------------------------------

_WORDS = ["rule", "policy", "require", "forbid", "ensure", "per", "where", "with", "within",
          "distinct", "working", "days", "of", "title", "severity", "and", "or", "not", "in",
          "filing", "platform", "organization", "x", "a.b", "f", "true", "null", "{", "}",
          "(", ")", "[", "]", ",", "==", "<", "=", '"s"', "3", "-3", "2.5", "2026-03-01",
          "：", "\u3000", "#c\n", "\n", "@", '"open']


def _outcome(parse: object, text: str) -> object:
    try:
        return parse(text)  # type: ignore[operator]
    except PolicySyntaxError as exc:
        return exc.diagnostics


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_WORDS), max_size=40).map(" ".join))
def test_the_hot_loop_and_step_agree_on_any_token_soup(text: str) -> None:
    assert _outcome(parse_policy, text) == _outcome(parse_policy_stepwise, text)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(modules.map(format_module), st.deferred(lambda: from_lark(policy_lark()))))
def test_the_hot_loop_and_step_agree_on_valid_policies(text: str) -> None:
    assert _outcome(parse_policy, text) == _outcome(parse_policy_stepwise, text)


# --- soft keywords -------------------------------------------------------------------------


def _documented_soft_keywords() -> set[str]:
    text = LANGUAGE_DOC.read_text(encoding="utf-8")
    sentence = re.search(r"are reserved\. (.*?) are keywords only where", text, re.S)
    assert sentence is not None, "docs/language.md no longer lists the soft keywords"
    return set(re.findall(r"`([a-z]+)`", sentence[1]))


def _soft_words() -> set[str]:
    t = grammar_tables()
    return {term.literal for term in t.terminals
            if term.name in t.soft_keywords and term.literal is not None}


def test_the_soft_keywords_are_those_the_docs_list() -> None:
    assert _soft_words() == _documented_soft_keywords()
    assert "of" in _soft_words()


@pytest.mark.parametrize("word", sorted(_documented_soft_keywords()))
def test_every_soft_keyword_parses_as_a_name(word: str) -> None:
    module = parse_policy(f"ensure {word} == 1 per organization\n"
                          f"forbid per deployment where {word} == 1 or f({word})\n")
    names = [e.parts for item in module.items for e in _paths(item)]
    assert names.count((word,)) == 3


def _paths(rule: object) -> list[ast.Path]:
    assert isinstance(rule, ast.Rule)
    st_ = rule.statement
    exprs = [e for e in (getattr(st_, "condition", None), st_.where) if e is not None]
    return [e for x in exprs for e in ast.walk_expr(x) if isinstance(e, ast.Path)]


def test_ensure_of_parses() -> None:
    parse_policy("ensure of == 1 per organization")


def test_a_soft_keyword_is_never_ambiguous_with_a_name() -> None:
    # where the parser would take both the keyword and a name, the keyword wins: only
    # `distinct` after `require` may be so (documented: it cannot be a kind)
    g_actions, _ = driver_tables()
    t = grammar_tables()
    both = {k for row in g_actions.values() for k in t.soft_keywords
            if k in row and "NAME" in row}
    assert both == {"DISTINCT"}


# --- errors with help ------------------------------------------------------------------------


def _error(text: str) -> str:
    with pytest.raises(PolicySyntaxError) as caught:
        parse_policy(text)
    return caught.value.render()


def test_a_single_equals_suggests_double() -> None:
    out = _error('require filing per platform where platform.type = "app"')
    assert "`=`" in out
    assert 'platform.type == "app"' in out


def test_metadata_after_the_statement_says_it_goes_first() -> None:
    out = _error('rule r { require filing per platform\n  title "x" }')
    assert "goes first in a rule" in out
    assert "within" not in out.split("help:")[1]


@pytest.mark.parametrize(("char", "name", "ascii_"),
                         [("：", "full-width colon", ":"), ("，", "full-width comma", ",")])
def test_full_width_punctuation_is_named(char: str, name: str, ascii_: str) -> None:
    out = _error(f'rule r {{ title{char} "x" require filing per platform }}')
    assert f"{name} `{char}`" in out
    assert f"`{ascii_}`" in out


def test_a_full_width_space_is_named_not_echoed_as_a_replacement_character() -> None:
    assert "\u3000" in FULL_WIDTH
    out = _error("require filing per platform\u3000where x")
    assert "full-width space (U+3000)" in out
    assert "\ufffd" not in out


def test_a_negative_deadline_says_so() -> None:
    out = _error("require filing per platform within -3 days of launched_on")
    assert "cannot be negative" in out
    assert "whole number" not in out
