"""`check` prints at most a few facts warnings of each code on stderr and counts the rest
in one line (a large facts file repeats one warning thousands of times); the JSON
report's `warnings` keeps every one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from policy_sdk.cli.check import WARNINGS_PER_CODE
from policy_sdk.cli.main import main, use_language

from .language_support import english_sentences

CODE = "types-contradict-recommendation"


@pytest.fixture(autouse=True)
def _back_to_english() -> Iterator[None]:
    yield
    use_language("en")


def facts(tmp_path: Path, contradicting: int, unnamed_hosts: int = 0) -> str:
    """Facts with ``contradicting`` algorithms warned about with :data:`CODE`, and
    ``unnamed_hosts`` mini-programs without a host (no warning: a finding)."""
    doc = {
        "organization": {"name": "x", "role": "provider", "public_opinion": True},
        "algorithms": [{"id": f"a{i}", "types": ["personalized_push"],
                        "uses_recommendation": False} for i in range(contradicting)]
        + [{"id": "rec", "types": ["personalized_push"], "uses_recommendation": True}],
        "platforms": [{"id": "p", "type": "app"}],
        "deployments": [{"algorithm": "rec", "platform": "p", "status": "active",
                         "launched_on": "2025-01-01"}],
    }
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


def check(capsys: pytest.CaptureFixture[str], path: str, *args: str) -> tuple[str, str]:
    code = main([*args, "check", "--facts", path, "--as-of", "2026-11-20", "--exit-zero"]
                if args[:1] == ("--lang",) else
                ["check", "--facts", path, "--as-of", "2026-11-20", "--exit-zero", *args])
    out, err = capsys.readouterr()
    assert code == 0
    return out, err


def warned(err: str) -> list[str]:
    """The rendered warnings of the block (one line each, their help lines aside)."""
    return [line for line in err.splitlines() if f"[{CODE}]" in line]


@pytest.mark.parametrize("n", [1, WARNINGS_PER_CODE])
def test_a_few_warnings_are_all_printed(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                        n: int) -> None:
    _, err = check(capsys, facts(tmp_path, n))
    assert len(warned(err)) == n
    assert "more warning" not in err
    assert err.endswith("\n\n")  # the block ends with an empty line, as before


@pytest.mark.parametrize(("n", "line"), [
    (WARNINGS_PER_CODE + 1, f"… and 1 more warning of code `{CODE}`; all are in the JSON "
                            "report's `warnings` (`--format json`)"),
    (40, f"… and {40 - WARNINGS_PER_CODE} more warnings of code `{CODE}`; all are in the "
         "JSON report's `warnings` (`--format json`)"),
])
def test_more_are_counted_in_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                      n: int, line: str) -> None:
    path = facts(tmp_path, n)
    _, err = check(capsys, path)
    assert err.startswith(f"{n} warnings about the facts and deadlines")  # all counted
    shown = warned(err)
    assert len(shown) == WARNINGS_PER_CODE
    assert [s.split(".uses_recommendation")[0] for s in shown] == [
        f"{path}: algorithms[{i}]" for i in range(WARNINGS_PER_CODE)]  # the first ones
    assert err.endswith(line + "\n\n")
    # the JSON report keeps them all
    out, err_json = check(capsys, path, "--format", "json")
    assert err_json == err
    codes = [w["code"] for w in json.loads(out)["warnings"]]
    assert codes.count(CODE) == n


def test_the_count_line_in_chinese(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    _, err = check(capsys, facts(tmp_path, 12), "--lang", "zh")
    assert len(warned(err)) == WARNINGS_PER_CODE
    last = err.rstrip("\n").splitlines()[-1]
    assert last == (f"……另有 7 个代码为 `{CODE}` 的警告；全部警告见 JSON 报告的 `warnings`"
                    "（`--format json`）")
    assert english_sentences(last) == []
