"""A policy folder with no policy in it is an error, never an empty pack that passes."""

from __future__ import annotations

from pathlib import Path

import pytest

from policy_sdk.cli.main import main
from policy_sdk.engine.engine import Engine
from policy_sdk.errors import PolicySdkError

EXAMPLE = str(Path(__file__).resolve().parents[2] / "examples" / "company.yaml")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    return code, out.out + out.err


@pytest.mark.parametrize("extra", [[], ["--no-plugin-rules"]])
def test_check_with_an_empty_policy_folder_is_bad_input(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, extra: list[str]
) -> None:
    (tmp_path / "notes.txt").write_text("not a policy", encoding="utf-8")
    code, output = run(capsys, "check", "--facts", EXAMPLE, "--policy", str(tmp_path),
                       "--as-of", "2026-11-20", *extra)
    assert code == 2, output
    assert f"error[no-policies]: the folder `{tmp_path}` holds no `.policy` files" in output
    assert "satisfied" not in output


def test_validate_with_an_empty_policy_folder_is_an_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, output = run(capsys, "validate", str(tmp_path))
    assert code == 2, output
    assert f"the folder `{tmp_path}` holds no `.policy` files" in output
    assert "ok:" not in output


def test_the_engine_refuses_an_empty_policy_folder(tmp_path: Path) -> None:
    with pytest.raises(PolicySdkError) as caught:
        Engine([tmp_path])
    assert [d.code for d in caught.value.diagnostics] == ["no-policies"]


def test_a_folder_with_a_policy_still_loads(tmp_path: Path) -> None:
    sub = tmp_path / "nested"
    sub.mkdir()
    (sub / "one.policy").write_text("require filing per platform where uses_recommendation\n",
                                    encoding="utf-8")
    engine = Engine([tmp_path], load_entrypoints=False, plugin_rules=False)
    assert len(engine.rules) == 1
