"""The canonical layout, comments, and the `policy-sdk fmt` command."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from policy_sdk import ast
from policy_sdk.cli.fmt import fmt
from policy_sdk.syntax import format_module, format_source, parse_policy
from policy_sdk.syntax.formatter import format_expr, format_literal

MESSY = """\
# header comment

policy   cn.algorithm_filing   "算法备案" {
# about the rule
rule filing_per_platform "每个平台都需要备案" {
citation "《互联网信息服务算法推荐管理规定》第二十四条" # the article
severity mandatory
require filing per platform where deployment.running and algorithm.uses_recommendation \
and platform.type in ["app", "mini_program", "official_account"] \
with filing.status == "active"   within 10 working days of launched_on
}
require filing per platform where uses_recommendation  # trailing
forbid per deployment where not (a or b) and c == 1.5
ensure x in [1,2,] per filing within 1 day of filing.terminated_on
}
require distinct filing per platform where ((a and b)) or c
# end
"""

CANONICAL = """\
# header comment

policy cn.algorithm_filing "算法备案" {
  # about the rule
  rule filing_per_platform "每个平台都需要备案" {
    severity mandatory
    citation "《互联网信息服务算法推荐管理规定》第二十四条"  # the article
    require filing per platform
      where deployment.running
        and algorithm.uses_recommendation
        and platform.type in ["app", "mini_program", "official_account"]
      with filing.status == "active"
      within 10 working days of launched_on
  }

  require filing per platform where uses_recommendation  # trailing
  forbid per deployment where not (a or b) and c == 1.5
  ensure x in [1, 2] per filing within 1 day of filing.terminated_on
}

require distinct filing per platform where a and b or c
# end
"""


def test_canonical_layout() -> None:
    assert format_source(MESSY) == CANONICAL
    assert format_source(CANONICAL) == CANONICAL
    assert parse_policy(CANONICAL) == parse_policy(MESSY)


def test_parentheses_only_where_needed() -> None:
    def P(n: str) -> ast.Path:
        return ast.Path((n,))

    assert format_expr(ast.BoolOp("and", (ast.BoolOp("or", (P("a"), P("b"))), P("c")))) == (
        "(a or b) and c"
    )
    assert format_expr(ast.BoolOp("or", (ast.BoolOp("or", (P("a"), P("b"))), P("c")))) == (
        "(a or b) or c"
    )
    assert format_expr(ast.Not(ast.BoolOp("and", (P("a"), P("b"))))) == "not (a and b)"
    assert format_expr(ast.Not(ast.Not(P("a")))) == "not not a"
    assert format_expr(ast.Compare("==", ast.Not(P("a")), P("b"))) == "(not a) == b"
    assert format_expr(ast.In(ast.Compare("<", P("a"), P("b")), P("c"))) == "(a < b) in c"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "null"),
        (True, "true"),
        (False, "false"),
        (-3, "-3"),
        (2.5, "2.5"),
        (1e20, "100000000000000000000.0"),
        (1e-7, "0.0000001"),
        (dt.date(2026, 3, 1), "2026-03-01"),
        ('a"b\\c\nd\te', '"a\\"b\\\\c\\nd\\te"'),
        ("备案", '"备案"'),
    ],
)
def test_literals(value: ast.LiteralValue, text: str) -> None:
    assert format_literal(value) == text
    st = parse_policy(f"require x per platform where a == {text}").items[0]
    assert isinstance(st, ast.Rule)
    assert isinstance(st.statement.where, ast.Compare)
    assert st.statement.where.right == ast.Literal(value)


def test_metadata_in_canonical_order_and_title_in_header() -> None:
    src = (
        'rule r { remedy "fix" title "T" interpretation "i" citation "c" severity advisory\n'
        "require x per platform }"
    )
    assert format_source(src) == (
        'rule r "T" {\n  severity advisory\n  citation "c"\n  remedy "fix"\n'
        '  interpretation "i"\n  require x per platform\n}\n'
    )


def test_comments_stay_beside_reordered_metadata() -> None:
    src = (
        "rule r {\n"
        "  # about the citation\n"
        '  citation "c"\n'
        "  severity advisory  # why advisory\n"
        "  require x per platform\n"
        "  # before the brace\n"
        "}\n"
    )
    assert format_source(src) == (
        "rule r {\n"
        "  severity advisory  # why advisory\n"
        "  # about the citation\n"
        '  citation "c"\n'
        "  require x per platform\n"
        "  # before the brace\n"
        "}\n"
    )


def test_comment_inside_a_joined_statement_moves_above_it() -> None:
    src = "require x per platform  # one\n  where a  # two\n  and b\n"
    out = format_source(src)
    assert out == "# one\n# two\nrequire x per platform where a and b\n"
    assert format_source(out) == out


def test_blank_lines_between_bare_statements_follow_the_source() -> None:
    src = "require a per platform\nrequire b per platform\n\n\nrequire c per platform\n"
    assert format_source(src) == (
        "require a per platform\nrequire b per platform\n\nrequire c per platform\n"
    )


def test_empty_inputs() -> None:
    assert format_source("") == ""
    assert format_source("\n\n# only\n") == "# only\n"
    assert format_source("policy p {}") == "policy p {\n}\n"
    assert format_source("policy p {\n  # inside\n}") == "policy p {\n  # inside\n}\n"


def test_format_module_without_spans() -> None:
    module = ast.Module(
        items=(
            ast.Rule(None, ast.Forbid(None, ast.Ident("platform"))),
            ast.Rule(None, ast.Forbid(None, ast.Ident("filing"))),
        ),
        comments=(ast.Comment("# hand-made"),),
    )
    assert format_module(module) == "forbid per platform\nforbid per filing\n# hand-made\n"


# --- the command ----------------------------------------------------------------


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_fmt_rewrites_in_place_recursively(tmp_path: Path) -> None:
    a = write(tmp_path / "a.policy", MESSY)
    b = write(tmp_path / "sub" / "b.policy", CANONICAL)
    other = write(tmp_path / "notes.txt", "require   x per platform")
    result = CliRunner().invoke(fmt, [str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert a.read_text(encoding="utf-8") == CANONICAL
    assert b.read_text(encoding="utf-8") == CANONICAL
    assert other.read_text(encoding="utf-8") == "require   x per platform"
    assert f"reformatted {a}" in result.output
    assert str(b) not in result.output.replace(f"reformatted {a}", "")


def test_fmt_check_lists_files_and_changes_nothing(tmp_path: Path) -> None:
    a = write(tmp_path / "a.policy", MESSY)
    b = write(tmp_path / "b.policy", CANONICAL)
    result = CliRunner().invoke(fmt, ["--check", str(a), str(b)])
    assert result.exit_code == 1
    assert f"would reformat {a}" in result.output
    assert f"would reformat {b}" not in result.output
    assert a.read_text(encoding="utf-8") == MESSY
    result = CliRunner().invoke(fmt, ["--check", str(b)])
    assert result.exit_code == 0


def test_fmt_diff(tmp_path: Path) -> None:
    a = write(tmp_path / "a.policy", "require   x per platform\n")
    result = CliRunner().invoke(fmt, ["--diff", str(a)])
    assert result.exit_code == 0
    assert "-require   x per platform" in result.output
    assert "+require x per platform" in result.output
    assert a.read_text(encoding="utf-8") == "require   x per platform\n"
    result = CliRunner().invoke(fmt, ["--check", "--diff", str(a)])
    assert result.exit_code == 1
    assert "+require x per platform" in result.output


def test_fmt_syntax_errors_print_every_diagnostic_and_exit_2(tmp_path: Path) -> None:
    bad = write(
        tmp_path / "bad.policy", "requir x per platform\nrule r { require y per platfom }\n"
    )
    good = write(tmp_path / "good.policy", "require   x per platform\n")
    result = CliRunner().invoke(fmt, [str(tmp_path)])
    assert result.exit_code == 2
    assert f"{bad}:1:1: error[syntax]: unexpected `requir`" in result.output
    assert f"{bad}:2:24: error[unknown-scope]" in result.output
    assert "Traceback" not in result.output
    assert bad.read_text(encoding="utf-8").startswith("requir x")
    assert good.read_text(encoding="utf-8") == "require x per platform\n"


def test_fmt_invalid_utf8_and_missing_path(tmp_path: Path) -> None:
    f = tmp_path / "x.policy"
    f.write_bytes(b"\xff\xfe")
    result = CliRunner().invoke(fmt, [str(f)])
    assert result.exit_code == 2
    assert "policy files must be UTF-8" in result.output
    result = CliRunner().invoke(fmt, [str(tmp_path / "nope.policy")])
    assert result.exit_code == 2


def test_fmt_through_the_main_entry_point(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from policy_sdk.cli.main import main

    a = write(tmp_path / "a.policy", "require   x per platform\n")
    assert main(["fmt", "--check", str(a)]) == 1
    assert main(["fmt", str(a)]) == 0
    assert main(["fmt", "--check", str(a)]) == 0
    assert "would reformat" in capsys.readouterr().out
