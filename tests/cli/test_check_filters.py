"""check's filters: --rule, --algorithm, --platform narrow the findings, the summary and
the exit status; --severity the listing and the exit status; a value that cannot match
is an error with a did-you-mean; --summary and -q print less."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from policy_sdk.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
BASE = ["check", "--facts", str(ROOT / "examples" / "company.yaml"), "--as-of", "2026-11-20",
        "--no-plugin-rules"]
OPT_OUT = "cn.algorithm_filing/user_opt_out"  # advisory, violated twice in the example


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main([*BASE, *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_severity_advisory_does_not_fail_for_hidden_mandatory_findings(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys)[0] == 1
    code, out, _ = run(capsys, "--severity", "advisory")
    assert code == 0
    assert "[advisory]" in out
    assert run(capsys, "--severity", "mandatory")[0] == 1


def test_rule_narrows_findings_summary_and_exit(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--rule", OPT_OUT, "--format", "json")
    doc = json.loads(out)
    assert code == 0  # only advisory violations selected
    assert {f["rule"] for f in doc["findings"]} == {OPT_OUT}
    assert doc["summary"]["violated"] == 2
    code, out, _ = run(capsys, "--rule", OPT_OUT)
    assert out.splitlines()[-1].startswith(
        "2 violated (0 mandatory, 2 advisory), 0 pending (0 mandatory, 0 advisory), ")
    assert run(capsys, "--rule", OPT_OUT, "--rule",
               "cn.algorithm_filing/filing_per_platform")[0] == 1


def test_algorithm_and_platform(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "--platform", "wx-oa", "--format", "json")
    findings = json.loads(out)["findings"]
    assert findings
    assert all(f["platform"] == "wx-oa" or "wx-oa" in f.get("platforms", ())
               for f in findings)
    _, out, _ = run(capsys, "--algorithm", "search-rank", "--algorithm", "feed-rec",
                       "--format", "json", "--all")
    assert {f["algorithm"] for f in json.loads(out)["findings"]} == {"search-rank", "feed-rec"}


@pytest.mark.parametrize(("args", "needle"), [
    (("--rule", "cn.algorithm_filing/user_optout"),
     "did you mean `cn.algorithm_filing/user_opt_out`?"),
    (("--platform", "wx-o"), "did you mean `wx-oa`?"),
    (("--algorithm", "feedrec"), "did you mean `feed-rec`?"),
])
def test_an_unknown_value_is_an_error(capsys: pytest.CaptureFixture[str],
                                      args: tuple[str, ...], needle: str) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2
    assert out == ""
    assert needle in err


def test_summary_and_quiet(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--summary")
    assert code == 1
    assert re.fullmatch(r"11 violated \(9 mandatory, 2 advisory\), 2 pending \(2 mandatory, "
                        r"0 advisory\), \d+ satisfied, \d+ not applicable \(as of 2026-11-20\)\n",
                        out), out
    code, out, err = run(capsys, "-q")
    assert (code, out, err) == (1, "", "")
    code, _, err = run(capsys, "--summary", "--format", "json")
    assert code == 2
    assert "`--summary` prints the text summary line" in err
