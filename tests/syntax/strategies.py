"""Hypothesis strategies: valid policy ASTs (for round trips) and policy-ish text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
from hypothesis import strategies as st
from lark import Lark

from policy_sdk import ast
from policy_sdk.syntax.lexer import BIDI_CONTROLS

GRAMMAR = Path(__file__).resolve().parents[2] / "grammars" / "policy.lark"

KEYWORDS = frozenset(
    [
        "policy",
        "rule",
        "require",
        "forbid",
        "ensure",
        "within",
        "not",
        "true",
        "false",
        "null",
        "distinct",
        "working",
        "day",
        "days",
        "severity",
        "title",
        "citation",
        "remedy",
        "interpretation",
        "en",
        "per",
        "where",
        "with",
        "of",
        "or",
        "and",
        "in",
    ]
)

names = (
    st.from_regex(r"[a-z_][a-z0-9_]{0,7}", fullmatch=True)
    | st.sampled_from(["平台", "类型", "algorithm", "platform", "title", "severity", "days",
                       "en"])
).filter(lambda n: n not in KEYWORDS - {"title", "severity", "days", "en"})
plain_names = names.filter(lambda n: n not in KEYWORDS)

# what a policy string may hold: no control character but tab and line break (written
# `\t`, `\n`), no bidirectional control (both are `hidden-character` errors)
_string_characters = st.characters(
    exclude_categories=("Cs", "Cc"), exclude_characters="".join(BIDI_CONTROLS)
) | st.sampled_from(["\n", "\t"])
texts = st.text(_string_characters, max_size=12)
literals = st.builds(
    ast.Literal,
    st.one_of(
        texts,
        st.integers(-(10**12), 10**12),
        st.floats(allow_nan=False, allow_infinity=False),
        st.booleans(),
        st.none(),
        st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    ),
)
paths = st.builds(ast.Path, st.lists(names, min_size=1, max_size=3).map(tuple)).filter(
    lambda p: len(p.parts) > 1 or p.parts[0] not in KEYWORDS
)


def _compound(children: st.SearchStrategy[ast.Expr]) -> st.SearchStrategy[ast.Expr]:
    items = st.lists(children, max_size=3).map(tuple)
    return st.one_of(
        st.builds(ast.ListExpr, items),
        st.builds(ast.Call, plain_names, items),
        st.builds(ast.Not, children),
        st.builds(
            ast.BoolOp,
            st.sampled_from(["and", "or"]),
            st.lists(children, min_size=2, max_size=3).map(tuple),
        ),
        st.builds(ast.Compare, st.sampled_from(ast.COMPARISON_OPS), children, children),
        st.builds(ast.In, children, children, st.booleans()),
    )


exprs: st.SearchStrategy[ast.Expr] = st.recursive(
    st.one_of(literals, paths), _compound, max_leaves=8
)
scopes = st.builds(ast.Ident, st.sampled_from(ast.SCOPES))
deadlines = st.builds(ast.Deadline, st.integers(0, 400), st.booleans(), paths)
kinds = st.builds(ast.Ident, plain_names)

statements = st.one_of(
    st.builds(
        ast.Require,
        kind=kinds,
        scope=scopes,
        where=st.none() | exprs,
        with_=st.none() | exprs,
        deadline=st.none() | deadlines,
        distinct=st.booleans(),
    ),
    st.builds(
        ast.Forbid,
        kind=st.none() | kinds,
        scope=scopes,
        where=st.none() | exprs,
        with_=st.none() | exprs,
    ),
    st.builds(
        ast.Ensure,
        condition=exprs,
        scope=scopes,
        where=st.none() | exprs,
        deadline=st.none() | deadlines,
    ),
)

optional_text = (
    st.none()
    | st.text(_string_characters, max_size=20)
    | st.sampled_from(["《互联网信息服务算法推荐管理规定》第二十四条"])
)
named_rules = st.builds(
    ast.Rule,
    name=plain_names,
    statement=statements,
    title=optional_text,
    severity=st.none() | st.sampled_from(ast.SEVERITIES),
    citation=optional_text,
    remedy=optional_text,
    interpretation=optional_text,
    title_en=optional_text,
    citation_en=optional_text,
    remedy_en=optional_text,
    interpretation_en=optional_text,
).map(lambda r: _english_only_beside_a_text(r))


def _english_only_beside_a_text(rule: ast.Rule) -> ast.Rule:
    return attrs.evolve(
        rule,
        title_en=rule.title_en if rule.title is not None else None,
        citation_en=rule.citation_en if rule.citation is not None else None,
        remedy_en=rule.remedy_en if rule.remedy is not None else None,
        interpretation_en=rule.interpretation_en if rule.interpretation is not None else None,
    )


bare_rules = st.builds(ast.Rule, name=st.none(), statement=statements)
rules = named_rules | bare_rules
policies = st.builds(
    ast.Policy,
    name=st.lists(plain_names, min_size=1, max_size=3).map(".".join),
    rules=st.lists(rules, max_size=3).map(tuple),
    title=optional_text,
    title_en=optional_text,
).map(lambda p: p if p.title is not None else attrs.evolve(p, title_en=None))
modules = st.builds(ast.Module, items=st.lists(policies | rules, max_size=4).map(tuple))


def policy_lark() -> Lark:
    return Lark(GRAMMAR.read_text(encoding="utf-8"), parser="lalr", lexer="basic")
