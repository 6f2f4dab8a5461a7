"""The error family's rendering: location, caret under the right cells, help."""

from __future__ import annotations

from policy_sdk.errors import Diagnostic, PolicySyntaxError, Span, display_width


def test_display_width_counts_chinese_as_two_cells() -> None:
    assert display_width("abc") == 3
    assert display_width("标题") == 4
    assert display_width("（x）") == 5  # full-width parentheses


def test_caret_sits_under_the_token_after_chinese_text() -> None:
    line = 'rule r "标题" { requir }'
    col = line.index("requir") + 1
    diag = Diagnostic(
        code="syntax",
        message="unexpected `requir`",
        span=Span("a.policy", 3, col, 3, col + len("requir")),
        source_line=line,
        help="did you mean `require`?",
    )
    rendered = diag.render().splitlines()
    assert rendered[0] == "a.policy:3:" + str(col) + ": error[syntax]: unexpected `requir`"
    source, caret = rendered[1], rendered[2]
    # the caret starts at the same terminal cell as `requir` in the source line
    before = source[: source.index("requir")]
    assert display_width(caret[: caret.index("^")]) == display_width(before)
    assert caret.strip() == "^" * len("requir")
    assert rendered[3] == "  help: did you mean `require`?"


def test_errors_are_sorted_by_location_and_pickle() -> None:
    import pickle

    late = Diagnostic(code="b", message="late", span=Span("f", 9, 1, 9, 2))
    early = Diagnostic(code="a", message="early", span=Span("f", 2, 5, 2, 6))
    err = PolicySyntaxError([late, early])
    assert [d.message for d in err.diagnostics] == ["early", "late"]
    again = pickle.loads(pickle.dumps(err))
    assert isinstance(again, PolicySyntaxError)
    assert again.diagnostics == err.diagnostics


def test_a_diagnostic_without_a_place_has_no_placeholder_location() -> None:
    diag = Diagnostic(code="bad-option", message="`--as-of` must be a date like 2026-11-20")
    assert diag.render() == "error[bad-option]: `--as-of` must be a date like 2026-11-20"
