"""Mistakes in an expectation say what to write instead."""

from __future__ import annotations

from pathlib import Path

import pytest

from policy_sdk.policytest import PolicyTestError, load_test_file


def test_missing_rule_and_key_fields_get_precise_help(tmp_path: Path) -> None:
    (tmp_path / "p.policy").write_text(
        'rule r "r" { require filing per platform where deployment.running }\n', encoding="utf-8"
    )
    path = tmp_path / "x.tests.yaml"
    path.write_text(
        "as_of: 2026-01-05\ncases:\n  - name: one\n    facts: {}\n    expect:\n"
        "      - {rul: r, status: violated, algorithm: a, platform: p}\n",
        encoding="utf-8",
    )
    with pytest.raises(PolicyTestError) as info:
        load_test_file(path)
    by_path = {d.path: d for d in info.value.diagnostics}
    assert by_path["cases[0].expect[0]"].message == (
        "an expectation needs `rule`: the id of the rule it is about"
    )
    assert by_path["cases[0].expect[0].rul"].help == "did you mean `rule`?"
    help_ = by_path["cases[0].expect[0].algorithm"].help
    assert help_ is not None
    assert help_.startswith("name the scope key with `for`: `ALGORITHM@PLATFORM`")


def test_cases_that_cannot_run_are_counted_before_the_summary(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from policy_sdk.cli.main import main

    (tmp_path / "p.policy").write_text(
        'rule r "r" { require filing per platform where deployment.running }\n', encoding="utf-8"
    )
    # a platform type nobody provides: the case cannot run
    (tmp_path / "x.tests.yaml").write_text(
        "as_of: 2026-01-05\ncases:\n  - name: bad type\n    facts:\n"
        "      algorithms: [{id: a}]\n      platforms: [{id: p, type: nosuchtype}]\n"
        "      deployments: [{algorithm: a, platform: p}]\n"
        "    expect: [{rule: r, status: violated, for: a@p}]\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    with runner.isolation(input="") as (out, err, *_):
        code = main(["test", str(tmp_path / "x.tests.yaml")])
    lines = (out.getvalue() + err.getvalue()).decode("utf-8").rstrip().splitlines()
    assert code == 2
    assert lines[-2] == "1 case could not run (bad input, shown above)"
    assert lines[-1] == "0 passed, 0 failed"
