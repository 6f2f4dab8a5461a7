"""The policy tests shipped beside the default pack and the first-party plugins pass,
and the runner reports failures, bad input and coverage as documented."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from policy_sdk.cli.main import main
from policy_sdk.policytest import (
    PolicyTestError,
    engine_rule_set,
    load_test_file,
    reference_rule_set,
    render,
    run,
)
from policy_sdk.resources import default_policies_dir

ROOT = Path(__file__).resolve().parents[2]
PLATFORM_TESTS = ROOT / "plugins" / "policy_sdk_platforms" / "tests"
SUMMARY = re.compile(r"^(\d+) passed, (\d+) failed$")


def cli(*args: str) -> tuple[int, str]:
    runner = CliRunner()
    with runner.isolation() as (out, err, *_):
        code = main(list(args))
    return code, out.getvalue().decode() + err.getvalue().decode()


# --- the shipped tests ----------------------------------------------------------------


@pytest.mark.parametrize("factory", [engine_rule_set, reference_rule_set],
                         ids=["engine", "reference"])
def test_shipped_policy_tests_pass(factory: object) -> None:
    result = run([default_policies_dir(), PLATFORM_TESTS], factory=factory)  # type: ignore[arg-type]
    assert not result.errors, render(result)
    assert result.failed == 0, render(result)
    assert result.passed >= 19
    # every rule of the pack and of the first-party plugins is fully covered
    first_party = [c for c in result.coverage
                   if c.rule.startswith(("cn.algorithm_filing/", "platform.app/",
                                         "platform.mini_program/"))]
    assert len(first_party) >= 13
    assert [c.rule for c in first_party if not c.complete] == []


def test_every_shipped_rule_has_a_test() -> None:
    """Each pack and first-party plugin rule is named by at least one expectation."""
    named = {
        e.rule
        for f in [*default_policies_dir().glob("*.tests.yaml"),
                  *PLATFORM_TESTS.glob("*.tests.yaml")]
        for case in load_test_file(f).cases
        for e in case.expectations
    }
    result = run([default_policies_dir(), PLATFORM_TESTS], factory=reference_rule_set,
                 with_coverage=True)
    shipped = {c.rule for c in result.coverage if not c.rule.startswith("platform.quick_app/")}
    assert shipped <= named


def test_cli_passes_and_prints_coverage() -> None:
    code, out = cli("test", str(default_policies_dir()))
    assert code == 0, out
    lines = out.rstrip("\n").splitlines()
    assert SUMMARY.match(lines[-1]), lines[-1]
    assert lines[-1].endswith(" passed, 0 failed")
    assert "rule coverage: 13 of 13 rules fully covered" in out


# --- a broken rule fails with a readable diff ---------------------------------------------


@pytest.fixture
def broken_pack(tmp_path: Path) -> Path:
    pack = tmp_path / "policies"
    shutil.copytree(default_policies_dir(), pack)
    policy = pack / "algorithm_filing.policy"
    text = policy.read_text(encoding="utf-8")
    # break filing_per_platform: a filing of the algorithm on any platform now counts
    broken = text.replace(
        "where uses_recommendation and deployment.running and public_opinion\n"
        "      within 10 working days of launched_on",
        "where uses_recommendation and deployment.running and public_opinion "
        "and algorithm.filed_platforms == []\n      within 10 working days of launched_on",
    )
    assert broken != text
    policy.write_text(broken, encoding="utf-8")
    return pack


def test_broken_rule_fails_with_a_diff(broken_pack: Path) -> None:
    code, out = cli("test", str(broken_pack))
    assert code == 1, out
    assert out.rstrip().splitlines()[-1] == "17 passed, 3 failed"
    assert "--- " in out
    assert "a filing naming only the app does not cover the mini-program" in out
    assert (
        "cn.algorithm_filing/filing_per_platform for feed@mini\n"
        "    - expected: pending (due 2026-10-15)\n"
        "    + actual:   not_applicable (no due date)"
    ) in out


def test_reference_engine_option(broken_pack: Path) -> None:
    code, out = cli("test", "--engine", "reference", "--no-coverage", str(broken_pack))
    assert code == 1
    assert "rule coverage" not in out
    assert out.rstrip().splitlines()[-1] == "17 passed, 3 failed"


# --- bad input exits 2 ---------------------------------------------------------------------


def _write(tmp_path: Path, text: str, name: str = "x.tests.yaml") -> Path:
    (tmp_path / "p.policy").write_text(
        'rule r "r" { require filing per platform where deployment.running }\n', encoding="utf-8"
    )
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_bad_test_file_exits_2_with_every_problem(tmp_path: Path) -> None:
    path = _write(tmp_path, """
cases:
  - name: one
    facts: {}
    expect:
      - {rule: r, status: violatd, fo: a@p}
  - name: two
    as_of: 2026-02-30
    expect: []
""")
    with pytest.raises(PolicyTestError) as info:
        load_test_file(path)
    messages = info.value.render()
    assert "unknown status `violatd`" in messages
    assert "did you mean `violated`?" in messages
    assert "unknown key `fo`" in messages
    assert "did you mean `for`?" in messages
    assert "has no `as_of` date" in messages
    assert "`2026-02-30` is not a date" in messages
    assert "`expect` is a non-empty list" in messages
    code, out = cli("test", str(path))
    assert code == 2
    assert "Traceback" not in out
    assert out.rstrip().splitlines()[-1] == "0 passed, 0 failed"


def test_unknown_rule_id_is_bad_input(tmp_path: Path) -> None:
    path = _write(tmp_path, """
as_of: 2026-01-05
cases:
  - facts: {}
    expect: [{rule: rr, status: satisfied}]
""")
    code, out = cli("test", str(path))
    assert code == 2
    assert "no rule `rr`" in out
    assert "did you mean `r`?" in out


def test_bad_facts_in_a_case_is_bad_input(tmp_path: Path) -> None:
    path = _write(tmp_path, """
as_of: 2026-01-05
cases:
  - facts: {deployments: [{algorithm: ghost, platform: nowhere}]}
    expect: [{rule: r, status: satisfied}]
""")
    code, out = cli("test", str(path))
    assert code == 2, out
    assert "ghost" in out


def test_nothing_to_run_is_bad_input(tmp_path: Path) -> None:
    code, out = cli("test", str(tmp_path))
    assert code == 2
    assert "no policy tests found" in out
    code, out = cli("test", str(tmp_path / "missing"))
    assert code == 2


def test_billion_laughs_test_file_is_refused(tmp_path: Path) -> None:
    levels = "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 10) + "]\n"
        for i in range(9)
    )
    path = _write(tmp_path, 'a: &a ["lol"]\n' + levels + "cases: [*j]\n")
    with pytest.raises(PolicyTestError) as info:
        load_test_file(path)
    assert info.value.code == "policy-test-too-large"


# --- expectations and coverage --------------------------------------------------------------


def test_expectations_select_findings_and_other_violations(tmp_path: Path) -> None:
    path = _write(tmp_path, """
as_of: 2026-01-05
cases:
  - name: two deployments, one filed
    facts: &f
      algorithms: [{id: a}]
      platforms: [{id: p, type: app}, {id: q, type: website}]
      deployments: [{algorithm: a, platform: p}, {algorithm: a, platform: q}]
      filings: [{number: F1, algorithm: a, platforms: [p]}]
    expect:
      - {rule: r, for: a@p, status: satisfied}
    no_other_violations: true
  - name: a key that does not exist
    facts: *f
    expect:
      - {rule: r, for: a@zzz, status: satisfied}
  - name: every key of the rule
    facts: *f
    expect:
      - {rule: r, status: violated}
""")
    result = run([path])
    out = render(result)
    assert (result.passed, result.failed) == (0, 3), out
    assert "r for a@q\n    - expected: no other violations\n    + actual:   violated" in out
    assert "+ actual:   no such finding (the rule has findings for a@p, a@q)" in out
    assert "r for a@p\n    - expected: violated\n    + actual:   satisfied" in out


def test_coverage_names_the_branch_no_case_reached(tmp_path: Path) -> None:
    (tmp_path / "p.policy").write_text(
        'rule r "r" { ensure displayed per filing where live or status == "rejected" }\n'
        'rule s "s" { forbid marketing_claim per organization }\n',
        encoding="utf-8",
    )
    path = tmp_path / "p.tests.yaml"
    path.write_text("""
as_of: 2026-01-05
cases:
  - facts:
      algorithms: [{id: a}]
      platforms: [{id: p, type: app}]
      filings: [{number: F1, algorithm: a, platforms: [p], displayed: true}]
    expect: [{rule: r, for: F1, status: satisfied}]
""", encoding="utf-8")
    result = run([path])
    assert result.failed == 0
    out = render(result)
    assert "rule coverage: 0 of 2 rules fully covered" in out
    assert 'where › `status == "rejected"`: never reached' in out
    assert "where `live or status == \"rejected\"`: never false" in out
    assert "ensure `displayed`: never false" in out
    assert "`marketing_claim` record: never found" in out
