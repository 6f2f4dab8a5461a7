"""Every construct of the policy language parses to the AST it means."""

from __future__ import annotations

import datetime as dt

import pytest

from policy_sdk import ast
from policy_sdk.ast import rule_ids
from policy_sdk.errors import PolicySyntaxError
from policy_sdk.syntax import parse_file, parse_policy


def only_statement(text: str) -> ast.Statement:
    module = parse_policy(text)
    (item,) = module.items
    assert isinstance(item, ast.Rule)
    return item.statement


def where(text: str) -> ast.Expr:
    st = only_statement(f"require filing per platform where {text}")
    assert isinstance(st, ast.Require)
    assert st.where is not None
    return st.where


def P(*parts: str) -> ast.Path:
    return ast.Path(parts)


def L(value: ast.LiteralValue) -> ast.Literal:
    return ast.Literal(value)


def test_the_issue_sentence_verbatim() -> None:
    st = only_statement("require filing per platform where uses_recommendation")
    assert st == ast.Require(
        kind=ast.Ident("filing"), scope=ast.Ident("platform"), where=P("uses_recommendation")
    )


def test_named_rule_with_all_metadata_and_chinese_citation() -> None:
    module = parse_policy(
        """
        policy cn.algorithm_filing "算法备案" {
          rule filing_per_platform "每个平台都要备案" {
            severity advisory
            citation "《互联网信息服务算法推荐管理规定》第二十四条"
            remedy "为该平台提交备案"
            interpretation "practice: filing is per platform"
            require filing per platform where uses_recommendation
              within 10 working days of launched_on
          }
        }
        """
    )
    (policy,) = module.items
    assert isinstance(policy, ast.Policy)
    assert (policy.name, policy.title) == ("cn.algorithm_filing", "算法备案")
    (rule,) = policy.rules
    assert rule.name == "filing_per_platform"
    assert rule.title == "每个平台都要备案"
    assert rule.severity == "advisory"
    assert rule.citation == "《互联网信息服务算法推荐管理规定》第二十四条"
    assert rule.remedy == "为该平台提交备案"
    assert rule.interpretation == "practice: filing is per platform"
    assert isinstance(rule.statement, ast.Require)
    assert rule.statement.deadline == ast.Deadline(10, True, P("launched_on"))
    assert [i for i, _ in rule_ids(module)] == ["cn.algorithm_filing/filing_per_platform"]
    assert [k for k, _ in rule.meta_spans] == ["severity", "citation", "remedy", "interpretation"]


def test_title_can_be_metadata_instead_of_header() -> None:
    (rule,) = parse_policy('rule r { title "t" require x per platform }').items
    assert isinstance(rule, ast.Rule)
    assert rule.title == "t"


def test_rule_without_metadata_and_policy_without_title() -> None:
    (policy,) = parse_policy("policy p { rule r { forbid per platform } }").items
    assert isinstance(policy, ast.Policy)
    assert policy.title is None
    assert policy.rules[0].severity is None


def test_empty_file_and_comment_only_file() -> None:
    assert parse_policy("").items == ()
    module = parse_policy("# nothing here\n   # still nothing\n")
    assert module.items == ()
    assert [c.text for c in module.comments] == ["# nothing here", "# still nothing"]
    assert module.comments[1].span is not None
    assert (module.comments[1].span.line, module.comments[1].span.column) == (2, 4)


def test_require_distinct() -> None:
    st = only_statement("require distinct filing per platform")
    assert isinstance(st, ast.Require)
    assert st.distinct
    assert st.kind.name == "filing"


def test_require_with_and_calendar_day_deadline() -> None:
    st = only_statement(
        "require security_assessment per algorithm with security_assessment.passed == true "
        "within 1 day of launched_on"
    )
    assert isinstance(st, ast.Require)
    assert st.with_ == ast.Compare("==", P("security_assessment", "passed"), L(True))
    assert st.deadline == ast.Deadline(1, False, P("launched_on"))


@pytest.mark.parametrize("unit", ["day", "days"])
def test_day_and_days_both_read(unit: str) -> None:
    st = only_statement(f"require x per platform within 3 working {unit} of a.b")
    assert isinstance(st, ast.Require)
    assert st.deadline == ast.Deadline(3, True, P("a", "b"))


def test_forbid_with_and_without_kind() -> None:
    st = only_statement('forbid per deployment where platform.type == "website"')
    assert isinstance(st, ast.Forbid)
    assert st.kind is None
    st = only_statement('forbid filing per filing where status == "rejected" with x')
    assert isinstance(st, ast.Forbid)
    assert st.kind == ast.Ident("filing")
    assert st.with_ == P("x")


def test_ensure() -> None:
    st = only_statement(
        'ensure status in ["cancellation_pending", "cancelled"] per filing '
        "where live and terminated within 20 working days of terminated_on"
    )
    assert isinstance(st, ast.Ensure)
    assert st.condition == ast.In(
        P("status"), ast.ListExpr((L("cancellation_pending"), L("cancelled")))
    )
    assert st.where == ast.BoolOp("and", (P("live"), P("terminated")))
    assert st.deadline is not None
    assert st.deadline.amount == 20


@pytest.mark.parametrize("scope", ast.SCOPES)
def test_every_scope(scope: str) -> None:
    assert only_statement(f"forbid per {scope}").scope.name == scope


def test_precedence_or_and_not() -> None:
    assert where("a or b and not c") == ast.BoolOp(
        "or", (P("a"), ast.BoolOp("and", (P("b"), ast.Not(P("c")))))
    )
    assert where("(a or b) and c") == ast.BoolOp(
        "and", (ast.BoolOp("or", (P("a"), P("b"))), P("c"))
    )
    assert where("a and b and c") == ast.BoolOp("and", (P("a"), P("b"), P("c")))
    assert where("not not a") == ast.Not(ast.Not(P("a")))
    assert where("not a == 1") == ast.Not(ast.Compare("==", P("a"), L(1)))


@pytest.mark.parametrize("op", ast.COMPARISON_OPS)
def test_comparisons(op: str) -> None:
    assert where(f"a {op} 1") == ast.Compare(op, P("a"), L(1))


def test_in_and_not_in() -> None:
    assert where('type in ["app", "website",]') == ast.In(
        P("type"), ast.ListExpr((L("app"), L("website")))
    )
    assert where("x not in y.z") == ast.In(P("x"), P("y", "z"), negated=True)
    assert where("[] == []") == ast.Compare("==", ast.ListExpr(()), ast.ListExpr(()))


def test_literals() -> None:
    assert where('a == "引号\\"和\\\\反斜杠\\n\\t"') == ast.Compare(
        "==", P("a"), L('引号"和\\反斜杠\n\t')
    )
    assert where("a == 2026-03-01") == ast.Compare("==", P("a"), L(dt.date(2026, 3, 1)))
    assert where("a == -3") == ast.Compare("==", P("a"), L(-3))
    assert where("a == 2.5") == ast.Compare("==", P("a"), L(2.5))
    assert where("a == true") == ast.Compare("==", P("a"), L(True))
    assert where("a == false") == ast.Compare("==", P("a"), L(False))
    assert where("a == null") == ast.Compare("==", P("a"), L(None))
    # a literal 1 is not the literal true
    assert where("a == 1") != where("a == true")


def test_calls() -> None:
    assert where('host_is("wechat")') == ast.Call("host_is", (L("wechat"),))
    assert where("f()") == ast.Call("f", ())
    assert where("f(a, [1, 2], g(b),)") == ast.Call(
        "f", (P("a"), ast.ListExpr((L(1), L(2))), ast.Call("g", (P("b"),)))
    )


def test_soft_keywords_are_names_in_expressions() -> None:
    assert where("title == severity and days > working") == ast.BoolOp(
        "and",
        (ast.Compare("==", P("title"), P("severity")), ast.Compare(">", P("days"), P("working"))),
    )
    assert where("filing.with") == P("filing", "with")  # any word after a dot


def test_chinese_names() -> None:
    assert where('平台.类型 == "应用"') == ast.Compare("==", P("平台", "类型"), L("应用"))


def test_comments_everywhere_are_collected() -> None:
    module = parse_policy(
        "# a\npolicy p { # b\n rule r { # c\n require x per platform # d\n } } # e\n"
    )
    assert [c.text for c in module.comments] == ["# a", "# b", "# c", "# d", "# e"]
    assert len(module.items) == 1


def test_hash_inside_string_is_not_a_comment() -> None:
    module = parse_policy('require x per platform where a == "#1"')
    assert module.comments == ()


def test_spans_point_at_the_source() -> None:
    module = parse_policy(
        "\n\nrequire filing per platform\n  where uses_recommendation", "f.policy"
    )
    (rule,) = module.items
    assert isinstance(rule, ast.Rule)
    st = rule.statement
    assert st.span is not None
    assert (st.span.file, st.span.line, st.span.column) == (
        "f.policy",
        3,
        1,
    )
    assert (st.span.end_line, st.span.end_column) == (4, 28)
    assert st.where is not None
    assert st.where.span is not None
    assert (st.where.span.line, st.where.span.column) == (4, 9)
    assert st.scope.span is not None
    assert st.scope.span.column == 20


def test_bytes_with_bom_and_crlf() -> None:
    module = parse_policy("\ufeffrequire x per platform\r\nforbid per platform\r\n".encode())
    assert len(module.items) == 2


def test_several_policies_and_top_level_rules_keep_order() -> None:
    module = parse_policy(
        "require a per platform\npolicy p {}\nrule r { forbid per platform }\npolicy q.r { }"
    )
    kinds = [type(i).__name__ for i in module.items]
    assert kinds == ["Rule", "Policy", "Rule", "Policy"]
    assert [i for i, _ in rule_ids(module)] == ["require_a_per_platform", "r"]


def test_parse_file(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    f = tmp_path / "x.policy"
    f.write_text("require filing per platform\n", encoding="utf-8")
    module = parse_file(f)
    assert module.file == str(f)
    (rule,) = module.items
    assert rule.span is not None
    assert rule.span.file == str(f)
    with pytest.raises(PolicySyntaxError, match="cannot read"):
        parse_file(tmp_path / "missing.policy")


def test_parser_is_thread_safe() -> None:
    from concurrent.futures import ThreadPoolExecutor

    texts = [f"rule r{i} {{ require k{i} per platform where x == {i} }}" for i in range(40)]
    with ThreadPoolExecutor(4) as pool:
        modules = list(pool.map(lambda t: parse_policy(t, f"{t[5:8]}.policy"), texts))
    for i, m in enumerate(modules):
        (rule,) = m.items
        assert isinstance(rule, ast.Rule)
        assert rule.name == f"r{i}"
        assert rule.span is not None
        assert rule.span.file == f"{texts[i][5:8]}.policy"
