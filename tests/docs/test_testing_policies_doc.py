"""docs/testing-policies.md: its python block runs, its YAML example is a passing test
file, and the output it shows is what `policy-sdk test` prints."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from policy_sdk.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "testing-policies.md"


def _blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def _cli(*args: str) -> tuple[int, str]:
    runner = CliRunner()
    with runner.isolation() as (out, err, *_):
        code = main(list(args))
    return code, out.getvalue().decode() + err.getvalue().decode()


def test_python_block_runs(capsys: pytest.CaptureFixture[str]) -> None:
    (block,) = _blocks("python")
    exec(compile(block, str(DOC), "exec"), {"__name__": "testing_policies_doc"})
    first, last, same = capsys.readouterr().out.splitlines()
    passed, failed, code = map(int, first.split())
    assert (failed, code) == (0, 0)
    assert passed >= 16
    assert last == f"{passed} passed, 0 failed"
    assert same == "True"


def test_running_block_is_the_real_output(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    shown = _blocks("text")[0]
    command, *expected = shown.strip().splitlines()
    assert command == "$ policy-sdk test policies/"
    code, out = _cli("test", "policies/")
    assert code == 0
    assert out.strip().splitlines() == expected


def test_yaml_example_is_a_passing_test_file(tmp_path: Path) -> None:
    (block,) = _blocks("yaml")
    shutil.copy(ROOT / "policies" / "algorithm_filing.policy", tmp_path)
    path = tmp_path / "algorithm_filing.tests.yaml"
    path.write_text(block, encoding="utf-8")
    code, out = _cli("test", str(path), "--no-coverage")
    assert code == 0, out
    assert out.strip().splitlines()[-1] == "1 passed, 0 failed"


def test_failure_block_is_what_a_broken_rule_prints(tmp_path: Path) -> None:
    pack = tmp_path / "policies"
    shutil.copytree(ROOT / "policies", pack)
    policy = pack / "algorithm_filing.policy"
    policy.write_text(
        policy.read_text(encoding="utf-8").replace(
            "where uses_recommendation and deployment.running and public_opinion\n",
            "where uses_recommendation and deployment.running and public_opinion"
            " and algorithm.filed_platforms == []\n",
        ),
        encoding="utf-8",
    )
    code, out = _cli("test", str(pack), "--no-coverage")
    assert code == 1
    failure = _blocks("text")[1].strip().splitlines()
    header, diff = failure[0], failure[1:]
    assert header.split(": ", 1)[1] in out
    assert "\n".join(diff) in out


def test_coverage_block_is_what_the_runner_prints(tmp_path: Path) -> None:
    (tmp_path / "p.policy").write_text(
        'rule r "r" { ensure displayed per filing where live or status == "rejected" }\n',
        encoding="utf-8",
    )
    (tmp_path / "p.tests.yaml").write_text(
        "as_of: 2026-01-05\ncases:\n  - facts:\n"
        "      algorithms: [{id: a}]\n      platforms: [{id: p, type: app}]\n"
        "      filings: [{number: F1, algorithm: a, platforms: [p], displayed: true}]\n"
        "    expect: [{rule: r, for: F1, status: satisfied}]\n",
        encoding="utf-8",
    )
    code, out = _cli("test", str(tmp_path))
    assert code == 0
    shown = _blocks("text")[2].strip().splitlines()
    assert shown[0] in out
    assert shown[1].strip().startswith("r (")
    for line in shown[2:]:
        assert line.strip() in out
