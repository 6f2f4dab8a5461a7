"""Fuzzing policy text: every input parses, or raises PolicySyntaxError, in bounded time.

Inputs: sentences of the grammar (``hypothesis.extra.lark.from_lark``), random text,
byte-level mutations of the default pack, and the classic parser attacks (a 50 MB
file, 10,000-level nesting, invalid UTF-8, NUL bytes). Texts that parse are then
given to the engine, which must accept them or raise ValidationError.
"""

from __future__ import annotations

import functools

import lark
import pytest
from fuzz_support import HARDENING_SNIPPETS, time_limit
from fuzz_support import mutated as mutated_bytes
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark

from policy_sdk import ast
from policy_sdk.errors import PolicySyntaxError, ValidationError
from policy_sdk.resources import default_policies_dir, grammar_path
from policy_sdk.syntax.parser import MAX_SOURCE_BYTES, parse_file, parse_policy

PACK = b"\n".join(p.read_bytes() for p in sorted(default_policies_dir().glob("*.policy")))


@functools.cache
def _grammar() -> lark.Lark:
    return lark.Lark(grammar_path().read_text(encoding="utf-8"), parser="lalr",
                     lexer="contextual")


def parse_or_syntax_error(source: str | bytes) -> ast.Module | None:
    """Parse ``source``; None when it raised the documented error. Anything else fails."""
    error: PolicySyntaxError | None = None
    with time_limit():
        try:
            module = parse_policy(source, file="fuzz.policy")
        except PolicySyntaxError as exc:
            error = exc
    if error is not None:
        assert error.diagnostics, "a syntax error without a diagnostic"
        for d in error.diagnostics:
            assert d.code
            assert d.message
            d.render()  # rendering never fails
        return None
    assert isinstance(module, ast.Module)
    return module


def engine_accepts_or_rejects(module: ast.Module) -> None:
    from policy_sdk.engine.engine import Engine

    error: ValidationError | None = None
    with time_limit():
        try:
            Engine([module], plugin_rules=False)
        except ValidationError as exc:
            error = exc
    assert error is None or error.diagnostics


@given(st.text(max_size=300))
def test_random_text(text: str) -> None:
    parse_or_syntax_error(text)


@given(st.binary(max_size=300))
def test_random_bytes(data: bytes) -> None:
    parse_or_syntax_error(data)


@given(mutated_bytes(PACK, max_edits=6))
def test_mutated_default_pack(data: bytes) -> None:
    module = parse_or_syntax_error(data)
    if module is not None:
        engine_accepts_or_rejects(module)


@given(mutated_bytes(PACK, max_edits=6, snippets=HARDENING_SNIPPETS))
def test_mutated_default_pack_with_odd_input(data: bytes) -> None:
    """Lone CRs, bidi controls, non-ASCII digits, 4,400-digit numbers: parsed or worded,
    and what parses formats to text that parses to the same rules, stably."""
    from policy_sdk.syntax import format_module

    module = parse_or_syntax_error(data)
    if module is not None:
        with time_limit():
            text = format_module(module)
            again = parse_policy(text)
            assert again.items == module.items
            assert format_module(again) == text


_NAMES = st.sampled_from(["r", "public_opinion", "platform", "types", "status", "deployment",
                          "title", "severity", "working", "days", "of", "x", "名称"])
_TERMINALS = {
    "NAME": _NAMES,
    "PATH": st.lists(_NAMES, min_size=2, max_size=3).map(".".join),
    "STRING": st.sampled_from(['""', '"a"', '"应用程序"', '"x\\"y"', '"\\n"']),
    "COMMENT": st.sampled_from(["# c", "#", "# 注释"]),
    "WS": st.sampled_from([" ", "\n", "\t", "  \r\n"]),
    "DATE": st.sampled_from(["2026-02-28", "2026-02-30", "0000-00-00"]),
    "NUMBER": st.sampled_from(["0", "-1", "10", "2.5", "99999999999999999999"]),
}


@settings(max_examples=30)  # generating grammar sentences is slow; thorough runs use more
@given(st.deferred(lambda: from_lark(_grammar(), explicit=_TERMINALS)))
def test_grammar_sentences(text: str) -> None:
    parse_or_syntax_error(text)


# --- attacks ----------------------------------------------------------------------------


def test_fifty_megabyte_policy_is_refused_quickly(tmp_path: pytest.TempPathFactory) -> None:
    big = tmp_path / "big.policy"  # type: ignore[operator]
    rule = b"require filing per platform\n"
    with big.open("wb") as f:
        f.write(rule * (50 * 1024 * 1024 // len(rule) + 1))
    assert big.stat().st_size > 50 * 1024 * 1024
    with time_limit(), pytest.raises(PolicySyntaxError) as info:
        parse_file(big)
    assert info.value.code == "too-large"
    with time_limit(), pytest.raises(PolicySyntaxError):
        parse_policy("#" * (MAX_SOURCE_BYTES + 1))


@pytest.mark.parametrize(
    "nested",
    [
        "(" * 10_000 + "true" + ")" * 10_000,
        "[" * 10_000 + "]" * 10_000,
        "not " * 10_000 + "true",
        "(" * 10_000,
        "f(" * 10_000 + ")" * 10_000,
        "(not " * 5_000 + "true" + ")" * 5_000,
    ],
    ids=["parens", "brackets", "nots", "unclosed", "calls", "mixed"],
)
def test_ten_thousand_levels_of_nesting(nested: str) -> None:
    for text in (f"ensure {nested} per organization", nested):
        assert parse_or_syntax_error(text) is None


def test_long_flat_expression_is_fine() -> None:
    """Width is not depth: 5,000 `and`ed comparisons parse (no recursion limit hit)."""
    text = "ensure " + " and ".join(["public_opinion == true"] * 5_000) + " per organization"
    module = parse_or_syntax_error(text)
    assert module is not None


@pytest.mark.parametrize(
    "data",
    [
        b"require filing per platform \xff\xfe",
        b"\xc3\x28",
        b"rule r \"\xe4\xb8\" { require filing per platform }",
        b"\xed\xa0\x80",  # a UTF-16 surrogate encoded in UTF-8
    ],
)
def test_invalid_utf8(data: bytes) -> None:
    with pytest.raises(PolicySyntaxError) as info:
        parse_policy(data)
    assert info.value.code == "encoding"


@pytest.mark.parametrize(
    "text",
    ["\x00", "require filing per platform\x00", "require\x00filing per platform",
     "require filing per platform where \x00"],
)
def test_nul_bytes(text: str) -> None:
    assert parse_or_syntax_error(text) is None
    assert parse_or_syntax_error(text.encode()) is None


@pytest.mark.parametrize(
    "text",
    ['rule r "a\x00b" { require filing per platform }',
     "# comment \x00\nrule r { require filing per platform }"],
)
def test_nul_inside_a_string_or_comment_either_parses_or_is_refused(text: str) -> None:
    # inside a quoted title or a comment a NUL is text like any other: kept or refused
    module = parse_or_syntax_error(text)
    if module is not None:
        assert ast.rule_ids(module)[0][0] == "r"


def test_nul_in_the_policy_path() -> None:
    with pytest.raises(PolicySyntaxError):
        parse_file("p\x00.policy")
