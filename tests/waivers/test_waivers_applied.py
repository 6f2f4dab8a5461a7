"""Waivers applied to a report: a waiver in force moves a finding to `waived` (counted,
listed, in JSON with the waiver, in SARIF as suppressed); an expired one is itself a
finding; an unused one is a warning; severity overrides change a rule's findings and
whether the check fails."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from policy_sdk import Engine
from policy_sdk.cli.main import main
from policy_sdk.errors import EvaluationError
from policy_sdk.waivers import WaiverError, parse_waivers

ROOT = Path(__file__).resolve().parents[2]
COMPANY = ROOT / "examples" / "company.yaml"
AS_OF = dt.date(2026, 11, 20)
OPT_OUT = "cn.algorithm_filing/user_opt_out"
PER_PLATFORM = "cn.algorithm_filing/filing_per_platform"

WAIVERS = f"""\
waivers:
  - rule: {OPT_OUT}
    algorithm: search-rank
    platform: website
    reason: 关闭个性化推荐的开关在 12 月版本上线
    owner: 张三
    expires: 2026-12-31
  - rule: {PER_PLATFORM}
    platform: wx-oa
    reason: 公众号已提交备案
    owner: 李四
    expires: 2026-10-31
"""


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(plugin_rules=False)


def waivers_file(tmp_path: Path, text: str = WAIVERS) -> Path:
    path = tmp_path / "waivers.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_in_force_waives_and_expired_is_a_finding(engine: Engine, tmp_path: Path) -> None:
    plain = engine.evaluate(COMPANY, as_of=AS_OF)
    report = engine.evaluate(COMPANY, as_of=AS_OF, waivers=waivers_file(tmp_path))
    waived = report.select("waived")
    assert [(f.rule, f.algorithm, f.platform) for f in waived] == [
        (OPT_OUT, "search-rank", "website")]
    assert waived[0].waiver is not None
    assert waived[0].waiver.owner == "张三"
    # the expired waiver waives nothing: its finding stays violated, and one more is made
    expired = report.select("violated", rule="waivers/expired")
    assert len(expired) == 1
    assert expired[0].message == (
        f"the waiver of `{PER_PLATFORM}` expired on 2026-10-31 (owner 李四; reason: "
        "公众号已提交备案)")
    assert expired[0].severity == "mandatory"
    assert expired[0].platform == "wx-oa"
    assert report.counts["waived"] == 1
    assert report.counts["violated"] == plain.counts["violated"] - 1 + 1
    assert sum(report.counts.values()) == sum(plain.counts.values()) + 1
    assert not report.warnings


def test_json_shows_both(engine: Engine, tmp_path: Path) -> None:
    report = engine.evaluate(COMPANY, as_of=AS_OF, waivers=waivers_file(tmp_path))
    doc = json.loads(report.to_json())
    assert doc == report.to_dict()
    assert doc["summary"]["waived"] == 1
    (waived,) = [f for f in doc["findings"] if f["status"] == "waived"]
    assert waived["waiver"] == {"reason": "关闭个性化推荐的开关在 12 月版本上线",
                                "owner": "张三", "expires": "2026-12-31",
                                "where": f"{tmp_path / 'waivers.yaml'} waivers[0]"}
    (expired,) = [f for f in doc["findings"] if f["rule"] == "waivers/expired"]
    assert expired["status"] == "violated"
    assert expired["platform"] == "wx-oa"
    assert "waiver" not in expired
    import jsonschema

    schema = json.loads((ROOT / "docs" / "report.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(doc, schema)
    jsonschema.validate(json.loads(report.to_json(True)), schema)
    unused = report.with_waivers(parse_waivers({"waivers": [
        {"rule": OPT_OUT, "platform": "nowhere", "reason": "r", "owner": "o",
         "expires": "2027-01-01"}]}))
    jsonschema.validate(json.loads(unused.to_json()), schema)


def test_text_shows_both(engine: Engine, tmp_path: Path) -> None:
    from policy_sdk.reports.text import plain_text, rich_text

    report = engine.evaluate(COMPANY, as_of=AS_OF, waivers=waivers_file(tmp_path))
    text = plain_text(report)
    assert rich_text(report) == text
    lines = text.splitlines()
    head = lines.index("waived")
    assert lines[head + 1] == f"  waived         {OPT_OUT} [advisory]  search-rank platform website"
    assert (f"      waived: 关闭个性化推荐的开关在 12 月版本上线 (owner 张三, until 2026-12-31; "
            f"{tmp_path / 'waivers.yaml'} waivers[0])") in lines[head:]
    assert "  violated       waivers/expired  " in lines
    assert (f"      the waiver of `{PER_PLATFORM}` expired on 2026-10-31 (owner 李四; "
            "reason: 公众号已提交备案)") in lines
    assert lines[-1].startswith("11 violated (10 mandatory, 1 advisory), 2 pending "
                                "(2 mandatory, 0 advisory), 1 waived, ")


def test_sarif_suppresses(engine: Engine, tmp_path: Path) -> None:
    from policy_sdk.engine.reporters import render_sarif

    report = engine.evaluate(COMPANY, as_of=AS_OF, waivers=waivers_file(tmp_path))
    results = json.loads(render_sarif(report))["runs"][0]["results"]
    suppressed = [r for r in results if "suppressions" in r]
    assert [r["ruleId"] for r in suppressed] == [OPT_OUT]
    assert suppressed[0]["suppressions"][0]["kind"] == "external"
    assert suppressed[0]["suppressions"][0]["justification"].startswith(
        "关闭个性化推荐的开关在 12 月版本上线 (owner 张三, until 2026-12-31")
    assert any(r["ruleId"] == "waivers/expired" and r["level"] == "error" for r in results)


def test_unused_waiver_is_a_warning(engine: Engine) -> None:
    report = engine.evaluate(COMPANY, as_of=AS_OF).with_waivers(parse_waivers({"waivers": [
        {"rule": OPT_OUT, "platform": "nowhere", "reason": "r", "owner": "o",
         "expires": "2027-01-01"}]}))
    assert [(w.code, w.path) for w in report.warnings] == [("waiver-unused", "waivers[0]")]
    assert json.loads(report.to_json())["warnings"][0]["code"] == "waiver-unused"
    assert report.counts["waived"] == 0


def test_severity_override_decides_failure(engine: Engine) -> None:
    plain = engine.evaluate(COMPANY, as_of=AS_OF)
    mandatory = {f.rule for f in plain.violations(severity="mandatory")}
    overrides = [{"rule": r, "severity": "advisory", "reason": "集团制度", "owner": "合规部"}
                 for r in sorted(mandatory)]
    report = plain.with_waivers(parse_waivers({"severities": overrides}))
    assert plain.failed
    assert not report.failed
    assert {f.severity for f in report.violations()} == {"advisory"}
    assert {r.severity for r in report.rules if r.id in mandatory} == {"advisory"}
    upgraded = plain.with_waivers(parse_waivers({"severities": [
        {"rule": OPT_OUT, "severity": "mandatory", "reason": "r", "owner": "o"}]}))
    assert {f.severity for f in upgraded.select(rule=OPT_OUT)} == {"mandatory"}


def test_a_misspelt_rule_is_an_error(engine: Engine) -> None:
    report = engine.evaluate(COMPANY, as_of=AS_OF)
    with pytest.raises(WaiverError) as info:
        report.with_waivers(parse_waivers({"waivers": [
            {"rule": "cn.algorithm_filing/user_optout", "reason": "r", "owner": "o",
             "expires": "2027-01-01"}]}))
    assert "did you mean `cn.algorithm_filing/user_opt_out`?" in info.value.render()


def test_check_waivers_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = waivers_file(tmp_path)
    code = main(["check", "--facts", str(COMPANY), "--as-of", "2026-11-20", "--waivers",
                 str(path), "--format", "json", "--no-plugin-rules"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 1
    assert doc["summary"]["waived"] == 1
    assert {f["rule"] for f in doc["findings"]} >= {"waivers/expired", OPT_OUT}
    assert main(["check", "--facts", str(COMPANY), "--waivers", str(tmp_path / "none.yaml"),
                 "--no-plugin-rules"]) == 2
    assert "cannot read waivers file" in capsys.readouterr().err


def test_narrowed_is_not_an_empty_answer(engine: Engine) -> None:
    report = engine.evaluate(COMPANY, as_of=AS_OF)
    with pytest.raises(EvaluationError) as info:
        report.narrowed(rules=["cn.algorithm_filing/user_optout"])
    assert "did you mean `cn.algorithm_filing/user_opt_out`?" in info.value.render()


def test_an_expired_waiver_speaks_the_chosen_language(engine: Engine, tmp_path: Path) -> None:
    from policy_sdk.i18n import use_language

    with use_language("zh"):
        report = engine.evaluate(COMPANY, as_of=AS_OF, waivers=waivers_file(tmp_path))
    (expired,) = report.select("violated", rule="waivers/expired")
    assert expired.message == (f"`{PER_PLATFORM}` 的豁免已于 2026-10-31 到期（责任人 李四；"
                               "理由：公众号已提交备案）")
    assert expired.remedy is not None
    assert expired.remedy.startswith("整改该问题并删除豁免")


def test_the_text_report_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from policy_sdk.cli.main import use_language

    path = waivers_file(tmp_path)
    try:
        code = main(["--lang", "zh", "check", "--facts", str(COMPANY), "--as-of",
                     "2026-11-20", "--waivers", str(path), "--rule", OPT_OUT, "--rule",
                     "waivers/expired", "--no-plugin-rules"])
    finally:
        use_language("en")  # the command line chose Chinese for this thread
    lines = capsys.readouterr().out.splitlines()
    assert code == 1
    head = lines.index("豁免")
    assert lines[head + 1] == f"  豁免           {OPT_OUT} [建议]  search-rank 平台 website"
    assert (f"      豁免：关闭个性化推荐的开关在 12 月版本上线（责任人 张三，有效至 2026-12-31；"
            f"{path} waivers[0]）") in lines[head:]
    assert lines[-1] == ("违反 2 项（强制 1 项，建议 1 项），待办 0 项（强制 0 项，建议 0 项），"
                         "豁免 1 项，满足 5 项，不适用 8 项（截至 2026-11-20）")
