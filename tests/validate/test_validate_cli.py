"""``policy-sdk validate`` and ``policy-sdk schema``."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from policy_sdk.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_misspelled_attribute_exits_2_with_did_you_mean(tmp_path: Path) -> None:
    p = tmp_path / "bad.policy"
    p.write_text("rule r { require filing per platform where uses_recomendation }\n",
                 encoding="utf-8")
    code, _out, err = run("validate", str(p))
    assert code == 2
    assert f"{p}:1:44: error[unknown-name]: unknown name `uses_recomendation`" in err
    assert "help: did you mean `uses_recommendation`?" in err
    assert err.rstrip().endswith("1 error")


def test_every_error_of_every_file(tmp_path: Path) -> None:
    (tmp_path / "a.policy").write_text("require filing per\n", encoding="utf-8")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "b.policy").write_text("require opt_outt per platform where x\n", encoding="utf-8")
    (sub / "ignored.txt").write_text("not a policy", encoding="utf-8")
    code, _, err = run("validate", str(tmp_path))
    assert code == 2
    assert err.index("a.policy:") < err.index("b.policy:1:9: error[unknown-kind]")
    assert "b.policy:1:37: error[unknown-name]" in err
    assert err.rstrip().endswith("3 errors")


def test_good_policy_exits_0_with_summary(tmp_path: Path) -> None:
    p = tmp_path / "good.policy"
    p.write_text("rule r { require filing per platform where uses_recommendation }\n"
                 "require opt_out per platform where false\n", encoding="utf-8")
    code, out, err = run("validate", str(p))
    assert code == 0
    assert out.strip().split(";")[0] == "ok: 2 rules in 1 file, 1 warning"
    assert "warning[never-applies]" in err


def test_default_pack_is_valid() -> None:
    from policy_sdk.pipeline import load_policy_set
    from policy_sdk.resources import default_policies_dir

    n = len(load_policy_set(None).rule_ids())
    code, out, _ = run("validate", "--no-default-pack", str(default_policies_dir()))
    assert code == 0
    assert out.startswith(f"ok: {n} rules in 1 file, 0 warnings")
    # given beside itself, the pack is read once: nothing of the user's, no duplicate
    code, out, _ = run("validate", str(default_policies_dir()))
    assert code == 0
    assert out.startswith(f"ok: 0 rules in 0 files, 0 warnings; beside the {n} rules of the "
                          "default pack")


def test_facts_declarations_are_used_and_facts_errors_reported(tmp_path: Path) -> None:
    p = tmp_path / "p.policy"
    p.write_text("require youth_mode per platform where risk_level == \"high\"\n",
                 encoding="utf-8")
    facts = tmp_path / "f.yaml"
    facts.write_text("organization: {name: x}\nschema:\n  kinds: [youth_mode]\n"
                     "  algorithm: [{name: risk_level, type: string}]\n", encoding="utf-8")
    assert run("validate", str(p), "--facts", str(facts))[0] == 0
    assert run("validate", str(p))[0] == 2
    facts.write_text("organization: {name: x, public_opinion: yes}\n", encoding="utf-8")
    code, _, err = run("validate", str(p), "--facts", str(facts))
    assert code == 2
    assert "organization.public_opinion: error[type]: expected true or false, got `yes`" in err


def test_missing_policy_file_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    code, _, err = run("validate", str(tmp_path / "nope.policy"))
    assert code == 2
    assert "error[io]" in err


def test_schema_command(tmp_path: Path) -> None:
    code, out, _ = run("schema")
    assert code == 0
    schema = json.loads(out)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "mini_program" in schema["properties"]["platforms"]["items"]["properties"]["type"][
        "enum"]
    target = tmp_path / "facts.schema.json"
    code, out, _ = run("schema", "--output", str(target))
    assert code == 0
    assert out == ""
    assert json.loads(target.read_text(encoding="utf-8")) == schema


def test_nul_in_paths_is_an_error_not_a_crash(tmp_path: Path) -> None:
    code, _, err = run("validate", "a\x00.policy")
    assert code == 2
    assert "error[io]" in err
    assert "NUL character" in err
    code, _, err = run("validate", "--facts", "f\x00.yaml")
    assert code == 2
    assert "the path contains a NUL character" in err
