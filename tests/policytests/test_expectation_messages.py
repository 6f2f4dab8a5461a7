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
