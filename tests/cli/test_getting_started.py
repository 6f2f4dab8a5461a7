"""Getting started as a new user does: `init`, `example`, `pack path`, `-V`, and a
mistyped command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from policy_sdk import __version__
from policy_sdk.cli.init import INIT_FILES
from policy_sdk.cli.main import main

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "policy_sdk.cli.main", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "COLUMNS": "100"})


def test_init_writes_a_project_that_checks_and_tests(tmp_path: Path) -> None:
    made = cli("init", "demo", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    demo = tmp_path / "demo"
    assert sorted(str(p.relative_to(demo)) for p in demo.rglob("*") if p.is_file()) == sorted(
        INIT_FILES)
    assert "  cd demo\n  policy-sdk check --facts facts.yaml --policy policies" in made.stdout
    checked = cli("check", "--facts", "facts.yaml", "--policy", "policies", "--as-of",
                  "2026-11-20", cwd=demo)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "0 violated" in checked.stdout
    tested = cli("test", "policies", cwd=demo)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert tested.stdout.splitlines()[-1] == "3 passed, 0 failed"
    assert "1 of 1 rules fully covered" in tested.stdout
    validated = cli("validate", "policies", "--facts", "facts.yaml", cwd=demo)
    assert validated.returncode == 0, validated.stderr


def test_init_never_overwrites_without_force(tmp_path: Path) -> None:
    (tmp_path / "facts.yaml").write_text("mine\n", encoding="utf-8")
    refused = cli("init", cwd=tmp_path)
    assert refused.returncode == 2
    assert "error[init-exists]: `facts.yaml` exists already" in refused.stderr
    assert "add --force" in refused.stderr
    assert (tmp_path / "facts.yaml").read_text() == "mine\n"
    assert not (tmp_path / "policies").exists()
    forced = cli("init", "--force", cwd=tmp_path)
    assert forced.returncode == 0
    assert (tmp_path / "facts.yaml").read_text() != "mine\n"


def test_example_prints_the_shipped_example_company(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["example"]) == 0
    text = capsys.readouterr().out
    assert text == (ROOT / "examples" / "company.yaml").read_text(encoding="utf-8")
    assert yaml.safe_load(text)["organization"]["name"] == "示例科技有限公司"
    assert main(["example", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["organization"]["name"] == "示例科技有限公司"


def test_pack_path_names_the_folder_of_the_default_pack(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["pack", "path"]) == 0
    folder = Path(capsys.readouterr().out.strip())
    assert (folder / "algorithm_filing.policy").is_file()


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_version(flag: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([flag]) == 0
    assert capsys.readouterr().out == f"policy-sdk {__version__}\n"


def test_a_mistyped_command_gets_a_did_you_mean() -> None:
    got = cli("chek", "--facts", "x.yaml")
    assert got.returncode == 2
    assert "Error: no command `chek`; did you mean `check`?" in got.stderr
    other = cli("zzzz")
    assert other.returncode == 2
    assert "the commands are `check`," in other.stderr
