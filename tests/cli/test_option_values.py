"""A bad option value names the option, exits 2 and shows no traceback, on every command."""

from __future__ import annotations

from pathlib import Path

import pytest

from policy_sdk.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
FACTS = ["--facts", str(ROOT / "examples" / "company.yaml")]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    return code, out.err


BAD_DATE = "option `--as-of`: `2026-13-40` is not a date; expected YYYY-MM-DD"


@pytest.mark.parametrize("command", ["check", "inventory", "plan-cancel"])
def test_a_bad_as_of_names_the_option(capsys: pytest.CaptureFixture[str], command: str) -> None:
    code, err = run(capsys, command, *FACTS, "--as-of", "2026-13-40")
    assert code == 2
    assert err.splitlines()[-1] == f"Error: {BAD_DATE}"


def test_a_bad_stop_date_names_the_option(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(capsys, "plan-cancel", *FACTS, "--as-of", "2026-11-20", "--on", "2026-02-30")
    assert code == 2
    assert err.splitlines()[-1] == (
        "Error: option `--on`: `2026-02-30` is not a date; expected YYYY-MM-DD")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", *FACTS, "--format", "jsn"],
         "option `--format`: `jsn` is not one of `csv`, `html`, `json`, `sarif`, `text`, "
         "`xlsx`; did you mean `json`?"),
        (["check", *FACTS, "--format", "bogus"],
         "option `--format`: `bogus` is not one of `csv`, `html`, `json`, `sarif`, `text`, "
         "`xlsx`"),
        (["check", *FACTS, "--severity", "advisroy"],
         "option `--severity`: `advisroy` is not one of `mandatory`, `advisory`; "
         "did you mean `advisory`?"),
        (["inventory", *FACTS, "--format", "jsn"],
         "option `--format`: `jsn` is not one of `text`, `json`, `html`, `csv`, `xlsx`; "
         "did you mean `json`?"),
        (["plan-cancel", *FACTS, "--format", "xml"],
         "option `--format`: `xml` is not one of `text`, `json`, `html`, `csv`, `xlsx`"),
        (["plan-cancel", *FACTS, "--strategy", "bach"],
         "option `--strategy`: `bach` is not one of `auto`, `batch`, `single`; "
         "did you mean `batch`?"),
        (["plan-cancel", *FACTS, "--strategy", "quick"],
         "option `--strategy`: `quick` is not one of `auto`, `batch`, `single`"),
        (["plugins", "--format", "jsn"],
         "option `--format`: `jsn` is not one of `text`, `json`; did you mean `json`?"),
        (["test", "x.tests.yaml", "--engine", "referense"],
         "option `--engine`: `referense` is not one of `engine`, `reference`; "
         "did you mean `reference`?"),
    ],
)
def test_a_bad_choice_names_the_option(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, err = run(capsys, *args)
    assert code == 2
    assert err.splitlines()[-1] == f"Error: {message}"


def test_a_good_date_still_works(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["inventory", *FACTS, "--as-of", " 2026-11-20 ", "--format", "json"])
    assert code == 0
    assert '"as_of": "2026-11-20"' in capsys.readouterr().out


def test_the_python_api_names_the_as_of_date() -> None:
    from policy_sdk import Engine, EvaluationError

    engine = Engine.from_source("require filing per platform where uses_recommendation",
                                plugin_rules=False)
    with pytest.raises(EvaluationError) as info:
        engine.evaluate({"organization": {"name": "x"}}, as_of="2026-13-40")
    assert info.value.render() == (
        "error[bad-date]: `2026-13-40` is not a date\n"
        "  help: write `YYYY-MM-DD`, e.g. `2026-11-20`, for the as-of date"
    )
