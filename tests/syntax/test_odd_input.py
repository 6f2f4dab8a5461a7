"""Odd policy input gives the right answer or a worded error (issue 19)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from policy_sdk import ast
from policy_sdk.errors import PolicySyntaxError
from policy_sdk.syntax import format_module, format_source, parse_policy
from policy_sdk.syntax.lexer import BIDI_CONTROLS, MAX_NUMBER_DIGITS


def _error(text: str) -> PolicySyntaxError:
    with pytest.raises(PolicySyntaxError) as err:
        parse_policy(text)
    return err.value


@pytest.mark.parametrize("ending", ["\r", "\n", "\r\n"])
def test_every_line_ending_ends_a_comment(ending: str) -> None:
    # the case: `# rules\rrequire …\r` was one comment and `validate` said 0 rules
    text = f"# rules{ending}require filing per platform where a == 1{ending}# end{ending}"
    module = parse_policy(text)
    assert len(module.items) == 1
    assert [c.text for c in module.comments] == ["# rules", "# end"]
    assert [c.span.line for c in module.comments if c.span] == [1, 3]
    assert format_source(text) == "# rules\nrequire filing per platform where a == 1\n# end\n"


def test_a_lone_cr_ends_a_string_too() -> None:
    err = _error('require x per platform where a == "ab\rcd"\r')
    assert err.diagnostics[0].code == "unterminated-string"
    assert err.diagnostics[0].span is not None
    assert err.diagnostics[0].span.line == 1


def test_validate_counts_the_rules_of_a_cr_only_file(tmp_path: Path) -> None:
    from policy_sdk.cli.validate import validate

    f = tmp_path / "mac.policy"
    f.write_bytes(b"# rules\rrequire filing per platform\rrequire filing per deployment\r")
    result = CliRunner().invoke(validate, [str(f)])
    assert result.exit_code == 0, result.output
    assert "ok: 2 rules in 1 file" in result.output


def test_a_number_of_more_than_4300_digits_is_a_worded_error() -> None:
    digits = "9" * 5000
    for text in (f"require x per platform where a == {digits}",
                 f"require x per platform where a == -{digits}.5",
                 f"require x per platform within {digits} days of launched_on"):
        err = _error(text)
        d = err.diagnostics[0]
        assert d.code == "bad-number"
        shown = text.split()[-1 if "where" in text else -4][:20]
        assert len(shown) == 20
        assert d.message == (f"`{shown}…` has {5000 + ('.5' in text)} digits; a number in "
                             f"a policy has at most {MAX_NUMBER_DIGITS}")
    assert parse_policy(f"require x per platform where a == {'9' * MAX_NUMBER_DIGITS}")
    # a fraction too large for a finite number is refused; the largest and smallest
    # finite ones are written out by fmt, and read back
    err = _error(f"require x per platform where a == {'9' * 309}.5")
    assert err.diagnostics[0].message == (f"`{'9' * 20}…` is too large for a number with a "
                                          "fraction (the largest is about 1.8 × 10³⁰⁸)")
    for value in (1.7976931348623157e308, 5e-324, -2.2250738585072014e-308):
        text = format_module(ast.Module(items=(ast.Rule(None, ast.Ensure(
            ast.Compare("==", ast.Path(("a",)), ast.Literal(value)), ast.Ident("platform"))),)))
        assert parse_policy(text).items[0].statement.condition.right.value == value  # type: ignore[union-attr]


@pytest.mark.parametrize("digits", ["٣", "٠١٢", "３", "१०", "٢٠٢٦-٠١-٠١"])
def test_non_ascii_digits_are_not_numbers(digits: str) -> None:
    err = _error(f"require x per platform where a == {digits}")
    d = err.diagnostics[0]
    assert d.code == "bad-number"
    assert d.message.startswith(f"`{digits.split('-')[0]}` is not a number")


def test_non_ascii_digits_inside_names_are_still_names() -> None:
    assert parse_policy("require x per platform where a٣ == 3")


@pytest.mark.parametrize("ch", sorted(BIDI_CONTROLS))
def test_bidi_controls_in_strings_and_comments_are_errors(ch: str) -> None:
    err = _error(f'require x per platform where a == "admin{ch}resu"\n')
    d = err.diagnostics[0]
    assert d.code == "hidden-character"
    assert d.message == (f"string contains the invisible character U+{ord(ch):04X} "
                         f"({BIDI_CONTROLS[ch]}), which can make the text show differently "
                         "from what it is")
    assert d.span is not None
    assert d.span.column == 41
    err = _error(f"# note{ch}\nrequire x per platform\n")
    assert err.diagnostics[0].message.startswith("comment contains the invisible character")
    # only that error: the rest of the file parses
    assert len(err.diagnostics) == 1


def test_right_to_left_text_itself_is_fine() -> None:
    module = parse_policy('require x per platform where name == "مرحبا"  # עברית\n')
    assert len(module.items) == 1


@pytest.mark.parametrize("ch", ["\x00", "\x1b", "\x07", "\x7f", "\x85"])
def test_control_characters_in_strings_and_comments_are_errors(ch: str) -> None:
    err = _error(f'require x per platform where a == "a{ch}b"')
    assert err.diagnostics[0].message == f"string contains the control character U+{ord(ch):04X}"
    err = _error(f"# a{ch}b\nrequire x per platform")
    assert err.diagnostics[0].message == f"comment contains the control character U+{ord(ch):04X}"


def test_a_tab_in_a_string_is_fine() -> None:
    assert parse_policy('require x per platform where a == "a\tb"')
