"""Invariants: formatting round-trips, and no input makes the parser misbehave."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark

from policy_sdk import ast
from policy_sdk.errors import PolicySyntaxError
from policy_sdk.syntax import format_module, parse_policy

from .strategies import modules, policy_lark

BOUND = 2.0  # seconds per example: generous, the real figure is milliseconds


@given(modules)
def test_format_then_parse_gives_the_same_tree(module: ast.Module) -> None:
    text = format_module(module)
    parsed = parse_policy(text)
    assert parsed == module
    assert format_module(parsed) == text  # idempotent


@given(modules, st.data())
def test_comments_survive_and_formatting_is_stable(module: ast.Module, data: st.DataObject) -> None:
    lines = format_module(module).split("\n")[:-1]
    out = []
    inserted = []
    for i, line in enumerate(lines):
        if data.draw(st.booleans(), label=f"own-line comment before line {i}"):
            text = f"# own {i} 注释"
            out.append(text)
            inserted.append(text)
        if line.strip() and data.draw(st.booleans(), label=f"trailing comment on line {i}"):
            text = f"# end {i}"
            line += "  " + text
            inserted.append(text)
        out.append(line)
    source = "\n".join(out) + "\n"
    parsed = parse_policy(source)
    assert parsed.items == module.items
    formatted = format_module(parsed)
    reparsed = parse_policy(formatted)
    assert reparsed.items == module.items
    assert sorted(c.text for c in reparsed.comments) == sorted(inserted)
    assert format_module(reparsed) == formatted


def _parses_or_fails_cleanly(text: str | bytes) -> None:
    t0 = time.perf_counter()
    diagnostics: tuple[object, ...] = ("parsed",)
    try:
        parse_policy(text)
    except PolicySyntaxError as exc:
        diagnostics = exc.diagnostics
        exc.render()
    assert diagnostics
    assert time.perf_counter() - t0 < BOUND


@given(st.text(max_size=300))
def test_any_text(text: str) -> None:
    _parses_or_fails_cleanly(text)


@given(st.binary(max_size=300))
def test_any_bytes(data: bytes) -> None:
    _parses_or_fails_cleanly(data)


_alphabet = [
    *"(){}[],.\"#=<>!-_ \n\t0123456789",
    "require ", "forbid ", "ensure ", "rule ", "policy ", "per ", "platform ", "where ",
    "with ", "within ", "working ", "days ", "of ", "and ", "or ", "not ", "in ", "severity ",
    "citation ", "title ", "true ", "null ", "2026-01-01 ", "x ", "a.b ", "（", "备案",
]  # fmt: skip


@given(st.lists(st.sampled_from(_alphabet), max_size=60).map("".join))
def test_keyword_soup(text: str) -> None:
    _parses_or_fails_cleanly(text)


_grammar_text = from_lark(
    policy_lark(),
    start="start",
    explicit={  # hypothesis is slow at drawing from Unicode-class regexes
        "NAME": st.from_regex(r"[a-z_\u5e73][a-z0-9_]{0,4}", fullmatch=True),
        "PATH": st.from_regex(r"[a-z]{1,3}(\.[a-z_]{1,3}){1,2}", fullmatch=True),
        "STRING": st.from_regex(r'"([^"\\\n]|\\[nt"\\]){0,6}"', fullmatch=True),
        "WS": st.sampled_from([" ", "\n", "  ", "\t"]),
        "COMMENT": st.from_regex(r"#[^\n]{0,5}", fullmatch=True),
    },
)


@settings(
    max_examples=40, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)
@given(_grammar_text)
def test_text_from_the_grammar(text: str) -> None:
    _parses_or_fails_cleanly(text)


@given(modules, st.data())
def test_mutated_valid_programs(module: ast.Module, data: st.DataObject) -> None:
    text = format_module(module)
    for _ in range(data.draw(st.integers(1, 4), label="mutations")):
        i = data.draw(st.integers(0, len(text)), label="position")
        how = data.draw(st.sampled_from(["delete", "insert", "replace", "duplicate"]))
        piece = data.draw(st.sampled_from(_alphabet), label="piece")
        if how == "delete":
            text = text[:i] + text[i + 1 :]
        elif how == "insert":
            text = text[:i] + piece + text[i:]
        elif how == "replace":
            text = text[:i] + piece + text[i + 1 :]
        else:
            text = text[:i] + text[i : i + 20] + text[i:]
    _parses_or_fails_cleanly(text)
