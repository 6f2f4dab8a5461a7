"""`inventory --format json` and `plan-cancel --format json` write the error document of
`check --format json` on bad input (docs/report.schema.json `$defs.error_document`):
bad facts, a bad `--as-of`, a stop that names nothing, an unknown strategy. The exit
status stays 2, stderr says what it always says, and the other formats write nothing.
Before, a program reading the JSON got an empty standard output."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from policy_sdk.cli.main import main

from ._support import COMPANY, ROOT

AS_OF = "2026-11-20"
REPORT_SCHEMA = json.loads((ROOT / "docs" / "report.schema.json").read_text(encoding="utf-8"))
ERROR_DOCUMENT = {**REPORT_SCHEMA, "oneOf": [{"$ref": "#/$defs/error_document"}]}
COMMANDS = ["inventory", "plan-cancel"]


def run_cli(args: Sequence[str]) -> tuple[int, str, str]:
    """``policy-sdk ARGS`` through click's runner: (exit status, stdout, stderr)."""
    runner = CliRunner()
    with runner.isolation(input="") as (out, err, *_):
        code = main(list(args))
    return code, out.getvalue().decode("utf-8"), err.getvalue().decode("utf-8")


def error_document(text: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(text)
    jsonschema.validate(doc, ERROR_DOCUMENT, format_checker=jsonschema.FormatChecker())
    return doc


@pytest.fixture
def bad_facts(tmp_path: Path) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text("organization:\n  name: 甲公司\nalgorithms: [\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("command", COMMANDS)
def test_bad_facts_write_the_error_document_of_check(command: str, bad_facts: Path) -> None:
    code, out, err = run_cli([command, "--facts", str(bad_facts), "--as-of", AS_OF,
                              "--format", "json"])
    assert code == 2
    doc = error_document(out)
    assert doc["as_of"] == AS_OF
    assert doc["exit_code"] == 2
    assert [e["code"] for e in doc["errors"]] == ["malformed"]
    assert doc["errors"][0]["file"] == str(bad_facts)
    assert doc["errors"][0]["message"] in err  # what stderr says, as data
    # the same document, key for key, as `check` writes for the same input
    code, theirs, _ = run_cli(["check", "--facts", str(bad_facts), "--as-of", AS_OF,
                               "--format", "json"])
    assert code == 2
    assert json.loads(theirs) == doc


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(("args", "as_of"), [
    (["--facts", str(COMPANY), "--as-of", "2026-13-01"], None),
    (["--facts", str(COMPANY), "--as-of=2026-W47-5"], None),
    (["--as-of", AS_OF], AS_OF),  # no --facts
])
def test_a_usage_error_writes_the_document(command: str, args: list[str],
                                           as_of: str | None) -> None:
    code, out, err = run_cli([command, *args, "--format", "json"])
    assert code == 2
    assert "Usage:" in err
    doc = error_document(out)
    assert doc["as_of"] == as_of
    assert [e["code"] for e in doc["errors"]] == ["usage"]
    assert doc["errors"][0]["message"] in err


def test_plan_cancel_errors_of_its_own_options_write_the_document() -> None:
    code, out, err = run_cli(["plan-cancel", "--facts", str(COMPANY), "--as-of", AS_OF,
                              "--stop", "no-such-algorithm", "--format", "json"])
    assert code == 2
    doc = error_document(out)
    assert doc["as_of"] == AS_OF
    assert [e["code"] for e in doc["errors"]] == ["unknown-algorithm"]
    assert doc["errors"][0]["message"] == "unknown algorithm `no-such-algorithm`"
    assert doc["errors"][0]["message"] in err
    code, out, err = run_cli(["plan-cancel", "--facts", str(COMPANY), "--as-of", AS_OF,
                              "--strategy", "batchh", "--format", "json"])
    assert code == 2
    doc = error_document(out)
    assert doc["as_of"] == AS_OF
    assert [e["code"] for e in doc["errors"]] == ["usage"]
    assert "`batchh`" in doc["errors"][0]["message"]


@pytest.mark.parametrize("command", COMMANDS)
def test_the_document_goes_to_the_output_file(command: str, bad_facts: Path,
                                              tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    code, out, _ = run_cli([command, "--facts", str(bad_facts), "--as-of", AS_OF,
                            "--format", "json", "-o", str(target)])
    assert code == 2
    assert out == ""
    assert error_document(target.read_text(encoding="utf-8"))["errors"][0]["code"] == \
        "malformed"


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("fmt", ["text", "html", "csv", "sarif"])
def test_other_formats_write_no_document(command: str, fmt: str, bad_facts: Path) -> None:
    """Text and the file formats write nothing on bad input, as for `check`; `sarif` is
    no format of these commands (a usage error), so no SARIF log either."""
    code, out, err = run_cli([command, "--facts", str(bad_facts), "--as-of", AS_OF,
                              "--format", fmt])
    assert code == 2
    assert out == ""
    assert err


@pytest.mark.parametrize("command", COMMANDS)
def test_good_input_is_not_an_error_document(command: str) -> None:
    code, out, err = run_cli([command, "--facts", str(COMPANY), "--as-of", AS_OF,
                              "--format", "json"])
    assert code == 0, err
    assert "errors" not in json.loads(out)
