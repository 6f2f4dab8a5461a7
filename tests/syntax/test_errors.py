"""Every syntax error message: location, caret, expectation in words, did-you-mean."""

from __future__ import annotations

import pytest

from policy_sdk.errors import PolicySyntaxError
from policy_sdk.syntax import MAX_DIAGNOSTICS, MAX_NESTING, MAX_SOURCE_BYTES, parse_policy


def errors(text: str | bytes, file: str = "p.policy") -> PolicySyntaxError:
    with pytest.raises(PolicySyntaxError) as info:
        parse_policy(text, file)
    return info.value


def one(text: str | bytes) -> PolicySyntaxError:
    err = errors(text)
    assert len(err.diagnostics) == 1, err.render()
    return err


def test_render_shows_file_line_column_source_and_caret() -> None:
    err = one("require filing per platform\nrequire filing per platfrom\n")
    assert err.render() == (
        "p.policy:2:20: error[unknown-scope]: unknown scope `per platfrom`; expected "
        "`per platform`, `per deployment`, `per algorithm`, `per organization` or `per filing`\n"
        "  2 | require filing per platfrom\n"
        "                         ^^^^^^^^\n"
        "  help: did you mean `platform`?"
    )
    assert str(err) == err.render()


@pytest.mark.parametrize(
    ("text", "message", "help"),
    [
        (
            "requir filing per platform",
            "unexpected `requir`; expected a new rule or policy or end of file",
            "did you mean `require`?",
        ),
        (
            "require filing per platform wher uses_recommendation",
            "unexpected `wher`; expected `where`, `with`, `within`, a new rule or policy "
            "or end of file",
            "did you mean `where`?",
        ),
        (
            "rule r { severty mandatory require x per platform }",
            "unexpected `severty`; expected metadata (`severity`, `citation`, `remedy`, …) "
            "or a statement (`require`, `forbid` or `ensure`)",
            "did you mean `severity`?",
        ),
        (
            'rule r { citaton "x" require x per platform }',
            "unexpected `citaton`; expected metadata",
            "did you mean `citation`?",
        ),
        (
            "require x per platform within 10 workng days of launched_on",
            "unexpected `workng`; expected `working`, `day` or `days`",
            "did you mean `working`?",
        ),
        (
            "require x per platform within 10 days af launched_on",
            "unexpected `af`; expected `of`",
            "did you mean `of`?",
        ),
        (
            "polcy p { }",
            "unexpected `polcy`",
            "did you mean `policy`?",
        ),
        (
            "require x pr platform",
            "unexpected `pr`; expected `per`",
            "did you mean `per`?",
        ),
    ],
)
def test_misspelled_keywords(text: str, message: str, help: str) -> None:
    (d,) = one(text).diagnostics
    assert d.message.startswith(message), d.message
    assert d.help == help
    assert "NAME" not in d.message
    assert "$END" not in d.message
    assert "RBRACE" not in d.message


def test_misspelled_scope_and_severity_have_did_you_mean() -> None:
    (d,) = one("require filing per platfrom").diagnostics
    assert d.code == "unknown-scope"
    assert d.help == "did you mean `platform`?"
    (d,) = one("rule r { severity mandatry require x per platform }").diagnostics
    assert d.code == "unknown-severity"
    assert d.message == "unknown severity `mandatry`; expected `mandatory` or `advisory`"
    assert d.help == "did you mean `mandatory`?"


def test_unexpected_end_of_file_names_the_unclosed_brace() -> None:
    (d,) = one("policy p {\n  rule r {\n    require x per platform\n").diagnostics
    assert d.message == "unexpected end of file; expected `where`, `with`, `within` or `}`"
    assert d.help == "the `{` at line 2, column 10 is never closed with `}`"
    assert d.span is not None
    assert d.span.line == 4


def test_unclosed_parenthesis() -> None:
    (d,) = one("require x per platform where (a or b").diagnostics
    assert d.message.startswith("unexpected end of file; expected ")
    assert "`)`" in d.message
    assert d.help == "the `(` at line 1, column 30 is never closed with `)`"


def test_missing_closing_parenthesis_before_brace() -> None:
    (d,) = one("rule r { require x per platform where (a or b }").diagnostics
    assert d.message == "unexpected `}`; expected an operator (`and`, `or`, `==`, `in`, …) or `)`"


def test_expected_an_expression() -> None:
    (d,) = one("require x per platform where").diagnostics
    assert d.message == "unexpected end of file; expected an expression"
    (d,) = one("require x per platform where a ==").diagnostics
    assert d.message == "unexpected end of file; expected an expression"
    (d,) = one("require x per platform where a in").diagnostics
    assert d.message == "unexpected end of file; expected an expression"


def test_expected_words_for_punctuation_and_names() -> None:
    (d,) = one("rule { require x per platform }\nrule r { forbid per platform }").diagnostics
    assert d.message == "unexpected `{`; expected a name"
    (d,) = one("require x per platform where f(a b)").diagnostics
    assert d.message.startswith("unexpected `b`; expected an operator")
    assert "`,`" in d.message
    assert "`)`" in d.message


def test_a_keyword_where_a_name_belongs() -> None:
    (d,) = one("require where per platform").diagnostics
    assert d.message == "unexpected `where`; expected `distinct` or a name"


def test_dotted_call_explains() -> None:
    (d,) = one("require x per platform where a.b(1)").diagnostics
    assert d.help == "only plain names can be called; `a.b` is an attribute path"


def test_missing_statement_in_rule() -> None:
    (d,) = one("rule r { severity advisory }").diagnostics
    assert d.message == (
        "unexpected `}`; expected metadata (`severity`, `citation`, `remedy`, …) "
        "or a statement (`require`, `forbid` or `ensure`)"
    )


def test_lexical_errors() -> None:
    (d,) = one('require x per platform where a == "abc').diagnostics
    assert d.code == "unterminated-string"
    assert d.message == "string is not closed on this line"
    (d,) = one('require x per platform where a == "a\\qb"').diagnostics
    assert (d.code, d.message) == ("bad-escape", "unknown escape `\\q` in a string")
    assert d.span is not None
    assert d.span.column == 37
    (d,) = one("require x per platform where a == 5x").diagnostics
    assert (d.code, d.message) == ("bad-number", "`5x` is not a number")
    (d,) = one("require x per platform where a $ b").diagnostics
    assert (d.code, d.message) == ("unexpected-character", "unexpected character `$`")
    (d,) = one("require x per platform where a == （1）").diagnostics
    assert d.message == "unexpected full-width left parenthesis `（` (U+FF08)"
    assert d.help == "use the ASCII `(` outside strings"


def test_semantic_errors() -> None:
    (d,) = one("require x per platform where a == 2026-02-30").diagnostics
    assert (d.code, d.message) == ("bad-date", "`2026-02-30` is not a date in the calendar")
    (d,) = one("require x per platform within 1.5 days of a").diagnostics
    assert (d.code, d.message) == ("bad-deadline", "a deadline counts whole days, not `1.5`")
    (d,) = one("require x per platform within -1 days of a").diagnostics
    assert d.code == "bad-deadline"
    (d,) = one('rule r "a" { title "b" require x per platform }').diagnostics
    assert (d.code, d.message) == ("duplicate-meta", "`title` is given twice in rule `r`")
    (d,) = one("rule r { severity advisory severity mandatory require x per platform }").diagnostics
    assert d.message == "`severity` is given twice in rule `r`"


def test_several_errors_in_one_file_are_reported_together_in_order() -> None:
    err = errors(
        "policy p {\n"
        "  rule a { severty mandatory require x per platform }\n"  # 2: syntax
        "  rule b { require x per platfrom }\n"  # 3: scope
        "  rule c { require x per platform where (a or }\n"  # 4: syntax
        "  rule d { require x per platform }\n"  # fine
        "}\n"
        "requir y per platform\n"  # 7: syntax
        "rule e { require x per platform within 1.5 days of a }\n"  # 8: deadline
    )
    lines = [(d.span.line if d.span else 0, d.code) for d in err.diagnostics]
    assert lines == [
        (2, "syntax"),
        (3, "unknown-scope"),
        (4, "syntax"),
        (7, "syntax"),
        (8, "bad-deadline"),
    ]


def test_recovery_after_a_lexical_error_continues_with_the_next_rule() -> None:
    err = errors("rule a { require x per platform where $ }\nrule b { require y per platfom }")
    assert [d.code for d in err.diagnostics] == ["unexpected-character", "unknown-scope"]


def test_stray_closing_brace() -> None:
    err = errors("require x per platform\n}\nrequire y per platfom")
    assert [d.code for d in err.diagnostics] == ["syntax", "unknown-scope"]
    assert err.diagnostics[0].message.startswith("unexpected `}`")


def test_too_many_errors_stop() -> None:
    err = errors("rule r { requir x per platform }\n" * 200)
    assert len(err.diagnostics) == MAX_DIAGNOSTICS + 1
    assert [d.code for d in err.diagnostics].count("too-many-errors") == 1
    assert [d.span.line for d in err.diagnostics if d.span] == list(range(1, MAX_DIAGNOSTICS + 1))
    err = errors("require x per platfom\n" * 200)  # errors found by the callbacks, too
    assert len(err.diagnostics) == MAX_DIAGNOSTICS + 1


# --- limits -------------------------------------------------------------------


def test_nul_byte() -> None:
    (d,) = one("require x per platform\x00").diagnostics
    assert d.message == "unexpected character U+0000"
    assert d.source_line is not None
    assert "\x00" not in d.source_line


def test_invalid_utf8() -> None:
    (d,) = one(b"require x per platform\nwhere \xff\xfe").diagnostics
    assert d.code == "encoding"
    assert d.message == "policy files must be UTF-8; byte 29 (line 2, column 7) is not valid UTF-8"


def test_over_16_mib_bytes_and_text() -> None:
    big = b"#" + b"x" * MAX_SOURCE_BYTES
    (d,) = one(big).diagnostics
    assert d.code == "too-large"
    assert "16,777,216" in d.message
    (d,) = one(big.decode()).diagnostics
    assert d.code == "too-large"
    # characters are counted as UTF-8 bytes
    (d,) = one("#" + "备" * (MAX_SOURCE_BYTES // 3 + 1)).diagnostics
    assert d.code == "too-large"


def test_a_16_mib_file_of_garbage_fails_fast() -> None:
    import time

    t0 = time.perf_counter()
    err = errors("( " * (MAX_SOURCE_BYTES // 2 - 10))
    assert time.perf_counter() - t0 < 2
    assert err.diagnostics[-1].code in ("too-deep", "too-many-errors", "syntax")


@pytest.mark.parametrize(
    "template",
    [
        "{o}a{c}",  # parentheses
        "a == {o}1{c}",
    ],
)
def test_nesting_limit_is_exact_for_parentheses(template: str) -> None:
    ok = template.format(o="(" * MAX_NESTING, c=")" * MAX_NESTING)
    parse_policy(f"require x per platform where {ok}")
    deep = template.format(o="(" * (MAX_NESTING + 1), c=")" * (MAX_NESTING + 1))
    (d,) = one(f"require x per platform where {deep}").diagnostics
    assert d.code == "too-deep"
    assert (
        d.message
        == "expression nested deeper than 100 levels (parentheses, brackets and `not` count)"
    )


def test_nesting_counts_brackets_calls_and_not_together() -> None:
    half = MAX_NESTING // 4
    ok = (
        "not " * half
        + "f(" * half
        + "[" * half
        + "(" * half
        + "a"
        + ")" * half
        + "]" * half
        + ")" * half
    )
    parse_policy(f"require x per platform where {ok}")
    (d,) = one(f"require x per platform where not {ok}").diagnostics
    assert d.code == "too-deep"


def test_not_chains_end_at_and_or_and_comma() -> None:
    many = (
        " and ".join(["not not a"] * 500) + " or " + ", ".join(["not b"] * 3).replace(", ", " or ")
    )
    parse_policy(f"require x per platform where {many}")
    lst = "[" + ", ".join(["not a"] * 300) + "]"
    parse_policy(f"require x per platform where x in {lst}")
    # `not in` is an operator, not a prefix `not`
    chain = " and ".join(["a not in b"] * 300)
    parse_policy(f"require x per platform where {chain}")


@pytest.mark.parametrize("opener", ["(", "[", "not ", "f("])
def test_ten_thousand_levels(opener: str) -> None:
    closer = {"(": ")", "[": "]", "not ": "", "f(": ")"}[opener]
    text = f"require x per platform where {opener * 10_000}a{closer * 10_000}"
    (d,) = one(text).diagnostics
    assert d.code == "too-deep"
    assert d.span is not None
    assert d.span.line == 1


def test_deepest_allowed_tree_is_usable() -> None:
    import pickle

    from policy_sdk.syntax import format_module

    text = "require x per platform where " + "not " * MAX_NESTING + "a"
    m = parse_policy(text)
    assert m == parse_policy(text)
    assert pickle.loads(pickle.dumps(m)) == m
    assert parse_policy(format_module(m)) == m
    repr(m)
