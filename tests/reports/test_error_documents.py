"""On bad input, ``--format json`` writes the error document of docs/report.schema.json
(``$defs.error_document``, one of the schema's two shapes) and ``--format sarif`` a valid
SARIF log; usage errors (a bad ``--as-of``, a missing ``--facts``) too, when the
format asked for is known."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from .reports_support import AS_OF, COMPANY, ROOT, run_cli

REPORT_SCHEMA = json.loads((ROOT / "docs" / "report.schema.json").read_text(encoding="utf-8"))
SARIF_SCHEMA = json.loads((Path(__file__).resolve().parent / "sarif-schema-2.1.0.json")
                          .read_text(encoding="utf-8"))


def _shape(doc: dict[str, Any]) -> str:
    """Which of the schema's shapes ``doc`` is (it validates against the whole schema,
    and against exactly one of ``report`` and ``error_document``)."""
    jsonschema.validate(doc, REPORT_SCHEMA, format_checker=jsonschema.FormatChecker())
    shapes = []
    for name in ("report", "error_document"):
        sub = {**REPORT_SCHEMA, "oneOf": [{"$ref": f"#/$defs/{name}"}]}
        if jsonschema.Draft202012Validator(sub).is_valid(doc):
            shapes.append(name)
    assert len(shapes) == 1, shapes
    return shapes[0]


def test_a_report_and_an_error_document_are_each_one_shape(tmp_path: Path) -> None:
    code, out, err = run_cli(["check", "--facts", str(COMPANY), "--as-of", AS_OF,
                              "--format", "json"])
    assert code == 1, err
    assert _shape(json.loads(out)) == "report"
    bad = tmp_path / "bad.yaml"
    bad.write_text("algorithms: [\n", encoding="utf-8")
    code, out, err = run_cli(["check", "--facts", str(bad), "--as-of", AS_OF,
                              "--format", "json"])
    assert code == 2
    doc = json.loads(out)
    assert _shape(doc) == "error_document"
    assert doc["errors"][0]["code"] == "malformed"
    # the schema says what a document is not: an error document with findings is invalid
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**doc, "findings": []}, REPORT_SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**doc, "errors": []}, REPORT_SCHEMA)


@pytest.mark.parametrize(("args", "code", "as_of"), [
    (["--facts", str(COMPANY), "--as-of", "2026-13-01"], "usage", None),
    (["--facts", str(COMPANY), "--as-of=20261120"], "usage", None),
    (["--as-of", AS_OF], "usage", AS_OF),  # no --facts
    (["--facts", str(COMPANY), "--as-of", AS_OF, "--severity", "fatal"], "usage", AS_OF),
])
def test_a_usage_error_writes_the_json_document(args: list[str], code: str,
                                                as_of: str | None) -> None:
    status, out, err = run_cli(["check", *args, "--format", "json"])
    assert status == 2
    assert "Usage:" in err  # the usage error is reported as always
    doc = json.loads(out)
    assert _shape(doc) == "error_document"
    assert doc["as_of"] == as_of
    assert doc["exit_code"] == 2
    assert [e["code"] for e in doc["errors"]] == [code]
    assert doc["errors"][0]["message"] in err


def test_a_usage_error_writes_a_valid_sarif_log_to_the_output_file(tmp_path: Path) -> None:
    path = tmp_path / "out.sarif"
    status, out, err = run_cli(["check", "--facts", str(COMPANY), "--as-of", "tomorrow",
                                "--format=sarif", "-o", str(path)])
    assert status == 2
    assert out == ""
    doc = json.loads(path.read_text(encoding="utf-8"))
    errors = list(jsonschema.Draft4Validator(SARIF_SCHEMA).iter_errors(doc))
    assert not errors, [e.message for e in errors[:3]]
    (invocation,) = doc["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    assert invocation["exitCode"] == 2
    (note,) = invocation["toolExecutionNotifications"]
    assert "`tomorrow`" in note["message"]["text"]
    assert note["message"]["text"] in err


@pytest.mark.parametrize("fmt", ["text", "html", "jsn"])
def test_other_formats_write_no_document_on_a_usage_error(fmt: str) -> None:
    status, out, _ = run_cli(["check", "--facts", str(COMPANY), "--as-of", "2026-13-01",
                              "--format", fmt])
    assert status == 2
    assert out == ""
