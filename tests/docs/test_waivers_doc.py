"""docs/waivers.md: its waivers file reads, the command it shows runs on it, and the
output it quotes is the real one."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from policy_sdk.cli.main import main
from policy_sdk.waivers import load_waivers

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "waivers.md"


def _blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_the_example_runs_as_quoted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (yaml_block,) = _blocks("yaml")
    (tmp_path / "waivers.yaml").write_text(yaml_block, encoding="utf-8")
    (tmp_path / "examples").mkdir()
    shutil.copy(ROOT / "examples" / "company.yaml", tmp_path / "examples" / "company.yaml")
    waivers = load_waivers(tmp_path / "waivers.yaml")
    assert len(waivers.waivers) == 2
    assert len(waivers.severities) == 1
    monkeypatch.chdir(tmp_path)
    command = _blocks("sh")[0]
    assert command.startswith("policy-sdk check ")
    runner = CliRunner()
    with runner.isolation(input="", env={"NO_COLOR": "1", "COLUMNS": "200"}) as (out, _e, *_):
        code = main(["--lang", "en", *command.split()[1:]])
    assert code == 1
    printed = out.getvalue().decode("utf-8").splitlines()
    (quoted,) = _blocks("text")
    quoted_lines = quoted.splitlines()
    # a subsequence of the printed lines, in order (plugins may add findings between)
    at = 0
    for line in quoted_lines:
        at = printed.index(line, at) + 1
    assert printed[-1] == quoted_lines[-1]


def test_inventory_and_plan_cancel_take_no_waivers_and_list_a_waived_cancellation(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The section's claim, checked as a user would: with a waiver of the overdue
    cancellation, `check` reports it waived, while `inventory` (the command the doc
    shows) lists it as overdue; neither `inventory` nor `plan-cancel` takes `--waivers`."""
    import json

    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    filing = "网信算备110108123456703240001号"
    rule = "cn.algorithm_filing/cancellation_on_termination"
    text = DOC.read_text(encoding="utf-8")
    assert f"`{rule}`" in text
    assert f"`filing:\n{filing}`" in text
    (tmp_path / "waivers.yaml").write_text(
        f"waivers:\n  - rule: {rule}\n    filing: {filing}\n    reason: 注销申请材料准备中\n"
        "    owner: 王五\n    expires: 2026-12-31\n", encoding="utf-8")

    def run(args: list[str]) -> tuple[int, str, str]:
        runner = CliRunner()
        with runner.isolation(input="") as (out, err, *_):
            code = main(["--lang", "en", *args])
        return code, out.getvalue().decode("utf-8"), err.getvalue().decode("utf-8")

    code, out, err = run(["check", "--facts", "examples/company.yaml", "--as-of", "2026-11-20",
                          "--waivers", "waivers.yaml", "--rule", rule, "--format", "json"])
    assert code == 1, err  # the other overdue cancellations are not waived
    (waived,) = [f for f in json.loads(out)["findings"] if f["filing"] == filing]
    assert waived["status"] == "waived"
    command = _blocks("sh")[1]
    assert command.startswith("policy-sdk inventory ")
    code, out, err = run(command.split()[1:])
    assert code == 0, err
    (shown,) = json.loads(_blocks("json")[0])["cancellation_due"]
    (listed,) = [d for d in json.loads(out)["cancellation_due"] if d["filing"] == filing]
    assert {k: listed[k] for k in shown} == shown
    assert listed["overdue"] is True
    code, out, err = run(["plan-cancel", "--facts", "examples/company.yaml", "--as-of",
                          "2026-11-20", "--format", "json"])
    assert code == 0, err
    plan = json.loads(out)
    assert filing in plan["overdue"]  # planned, and overdue
    assert filing in {f["filing"] for b in plan["batches"] for f in b["filings"]} | {
        s["filing"] for s in plan["singles"]}
    for name in ("inventory", "plan-cancel"):
        code, _, err = run([name, "--facts", "examples/company.yaml", "--waivers",
                            "waivers.yaml"])
        assert code == 2
        assert "--waivers" in err
