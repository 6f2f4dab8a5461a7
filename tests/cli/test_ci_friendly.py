"""CI friendliness: `test --format junit|json`, `test`/`fmt`/`validate` without
arguments work on the current folder, `inventory`/`plan-cancel --fail-on-overdue`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner

from policy_sdk.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "policy_sdk" / "templates" / "init" / "policies"
COMPANY = ROOT / "examples" / "company.yaml"


def cli(*args: str) -> tuple[int, str, str]:
    runner = CliRunner()
    with runner.isolation() as (out, err, *_):
        code = main(list(args))
    return code, out.getvalue().decode(), err.getvalue().decode()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with the init template's house policy and tests, one case made to fail."""
    for name in ("house.policy", "house.tests.yaml"):
        shutil.copy(TEMPLATE / name, tmp_path / name)
    tests = tmp_path / "house.tests.yaml"
    text = tests.read_text(encoding="utf-8")
    tests.write_text(text.replace("status: violated}", "status: satisfied}", 1),
                     encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_junit(project: Path) -> None:
    code, out, _ = cli("test", "--format", "junit")
    assert code == 1
    root = ET.fromstring(out)
    assert (root.tag, root.get("tests"), root.get("failures"), root.get("errors")) == (
        "testsuites", "3", "1", "0")
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "house.tests.yaml"
    cases = suite.findall("testcase")
    assert len(cases) == 3
    failed = [c for c in cases if c.find("failure") is not None]
    assert [c.get("name") for c in failed] == ["an assessment without a date does not "
                                               "(as of 2026-06-01)"]
    failure = failed[0].find("failure")
    assert failure is not None
    assert failure.text is not None
    assert "- expected: satisfied" in failure.text
    assert "+ actual:   violated" in failure.text
    assert failed[0].get("classname") == "house.tests.yaml"


def test_json(project: Path, tmp_path: Path) -> None:
    code, out, _ = cli("test", "--format", "json", "-o", str(tmp_path / "r.json"))
    assert (code, out) == (1, "")
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert doc["summary"] == {"passed": 2, "failed": 1, "errors": 0}
    assert [c["status"] for c in doc["cases"]] == ["passed", "failed", "passed"]
    assert doc["cases"][1]["line"] == 16
    assert any("+ actual:   violated" in line for line in doc["cases"][1]["diff"])
    (rule,) = doc["coverage"]
    assert rule["rule"] == "house/security_assessment_before_launch"
    assert set(rule) == {"rule", "origin", "complete", "missing"}


def test_junit_file_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "x.tests.yaml").write_text("policies: [nope.policy]\ncases: []\n",
                                           encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, _ = cli("test", "--format", "junit")
    assert code == 2
    root = ET.fromstring(out)
    assert root.get("errors") == "1"
    assert root.find("testsuite/testcase/error") is not None


def test_no_arguments_mean_the_current_folder(project: Path) -> None:
    assert cli("test")[0] == 1  # the failing case ran
    code, out, _ = cli("validate")
    assert code == 0
    assert out.startswith("ok: 1 rule in 1 file, 0 warnings; beside the ")
    assert cli("validate", "--no-default-pack")[1].startswith("ok: 1 rule in 1 file")
    (project / "house.policy").write_text(
        (project / "house.policy").read_text(encoding="utf-8") + "\n\n\n", encoding="utf-8")
    assert cli("fmt", "--check")[0] == 1
    assert cli("fmt")[0] == 0
    assert cli("fmt", "--check")[0] == 0


def test_validate_without_policies_here_checks_the_pack(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from policy_sdk.pipeline import load_policy_set

    monkeypatch.chdir(tmp_path)
    code, out, _ = cli("validate", "--no-plugin-rules")
    assert code == 0
    assert out.startswith(f"ok: {len(load_policy_set(None).rule_ids())} rules in 1 file, "
                          "0 warnings")


def test_validate_sees_a_rule_id_of_the_pack(tmp_path: Path) -> None:
    (tmp_path / "dup.policy").write_text(
        "policy cn.algorithm_filing {\n  rule user_opt_out {\n"
        "    require opt_out per platform where uses_recommendation\n  }\n}\n",
        encoding="utf-8")
    code, _, err = cli("validate", str(tmp_path))
    assert code == 2
    assert "cn.algorithm_filing/user_opt_out" in err
    assert cli("validate", "--no-default-pack", str(tmp_path))[0] == 0


@pytest.mark.parametrize("command", [["inventory"], ["plan-cancel"]])
def test_fail_on_overdue(command: list[str]) -> None:
    base = [*command, "--facts", str(COMPANY), "--format", "json"]
    code, out, err = cli(*base, "--as-of", "2026-11-20", "--fail-on-overdue")
    assert code == 1
    assert json.loads(out)  # the output is written first
    assert "overdue for cancellation or change: `网信算备110108123456702250001号`" in err
    assert cli(*base, "--as-of", "2026-11-20")[0] == 0
    assert cli(*base, "--as-of", "2026-01-02", "--fail-on-overdue")[0] == 0
