"""``policy-sdk check``: formats, filters, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policy_sdk.cli.main import main

from .engine_support import COMPANY

BASE = ["check", "--facts", str(COMPANY), "--as-of", "2026-11-20"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main([*BASE, *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_readme_quick_start(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--exit-zero")
    assert code == 0
    assert "feed-rec" in out
    assert "11 violated, 2 pending" in out


def test_mandatory_violations_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run(capsys)
    assert code == 1


def test_json_and_filters(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--format", "json", "--exit-zero")
    doc = json.loads(out)
    assert code == 0
    assert len(doc["findings"]) == 13
    _, out, _ = run(capsys, "--format", "json", "--severity", "advisory")
    assert {f["rule"] for f in json.loads(out)["findings"]} == {
        "cn.algorithm_filing/user_opt_out"}
    _, out, _ = run(capsys, "--format", "json", "--all")
    doc = json.loads(out)
    assert len(doc["findings"]) == doc["summary"]["total"]


def test_sarif(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "--format", "sarif")
    assert json.loads(out)["version"] == "2.1.0"


def test_policy_replaces_the_pack(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    policy = tmp_path / "only.policy"
    policy.write_text("require distinct filing per platform where deployment.running\n",
                      encoding="utf-8")
    code, out, _ = run(capsys, "--policy", str(policy), "--format", "json",
                       "--no-plugin-rules")
    rules = {f["rule"] for f in json.loads(out)["findings"]}
    assert rules == {"require_distinct_filing_per_platform"}
    assert code == 1


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--as-of", "someday"], "`someday` is not a date"),
        (["--format", "jsn"], "did you mean `json`?"),
        (["--calendar", "/nonexistent/cal.yaml"], "cannot read calendar file"),
    ],
)
def test_bad_input_exits_2(capsys: pytest.CaptureFixture[str], args: list[str], needle: str
                           ) -> None:
    code, _, err = run(capsys, *args)
    assert code == 2
    assert needle in err
    assert "Traceback" not in err


def test_bad_policy_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    policy = tmp_path / "bad.policy"
    policy.write_text("require filing per platfrm\n", encoding="utf-8")
    code, _, err = run(capsys, "--policy", str(policy))
    assert code == 2
    assert "platfrm" in err


def test_calendar_option(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    cal = tmp_path / "cal.yaml"
    cal.write_text("year: 2027\nholidays: [2027-01-01]\n", encoding="utf-8")
    code, _, err = run(capsys, "--calendar", str(cal), "--exit-zero")
    assert code == 0, err


@pytest.mark.parametrize(
    "args",
    [["--facts", "x\x00.yaml"], ["--facts", "/nonexistent/facts.yaml"],
     ["--policy", "/nonexistent/policies"], ["--policy", "a\x00.policy"],
     ["--calendar", "c\x00.yaml"]],
)
def test_unusable_paths_exit_2(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    code = main(["check", "--facts", str(COMPANY), *args])
    err = capsys.readouterr().err
    assert code == 2
    assert "internal error" not in err
