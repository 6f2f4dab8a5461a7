"""Reading a waivers file: every waiver has a rule, a reason, an owner and an expiry;
a typo is an error with a did-you-mean, never a waiver that silently waives nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from policy_sdk.waivers import Waiver, WaiverError, Waivers, load_waivers, parse_waivers

D = dt.date


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "waivers.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_complete_file_reads(tmp_path: Path) -> None:
    got = load_waivers(write(tmp_path, """
waivers:
  - {rule: r/a, algorithm: feed, platform: web, reason: 版本上线中, owner: 张三,
     expires: 2026-12-31}
severities:
  - {rule: r/b, severity: mandatory, reason: 集团制度, owner: 合规部}
"""))
    assert got.waivers == (Waiver("r/a", "版本上线中", "张三", D(2026, 12, 31), "feed", "web",
                                  None, "waivers[0]"),)
    assert got.severities[0].severity == "mandatory"
    assert got.severities[0].expires is None
    assert got.severity_of("r/b", D(2030, 1, 1)) == "mandatory"


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    with pytest.raises(WaiverError) as info:
        load_waivers(write(tmp_path, """
waiver: []
waivers:
  - {rule: r/a, reasn: x, owner: o, expires: 2026-12-31}
  - {rule: r/a, reason: x, owner: o}
  - {rule: r/a, reason: x, owner: o, expires: soon}
severities:
  - {rule: r/b, severity: mandtory, reason: x, owner: o}
"""))
    found = [(d.path, d.code, d.message, d.help) for d in info.value.diagnostics]
    assert ("waiver", "unknown-key", "unknown section `waiver` of a waivers file",
            "did you mean `waivers`?") in found
    assert ("waivers[0].reasn", "unknown-key", "unknown key `reasn`", "did you mean `reason`?"
            ) in found
    assert any(p == "waivers[0].reason" and c == "waiver-missing" for p, c, _, _ in found)
    assert ("waivers[1].expires", "waiver-missing", "`expires` is required: every waiver ends",
            None) in found
    assert ("waivers[2].expires", "waivers-shape",
            "`soon` is not a date; expected YYYY-MM-DD", None) in found
    assert ("severities[0].severity", "waivers-shape",
            "`mandtory` is not a severity; expected `mandatory` or `advisory`",
            "did you mean `mandatory`?") in found


def test_a_key_written_twice_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(WaiverError) as info:
        load_waivers(write(tmp_path, "waivers:\n  - rule: r/a\n    rule: r/b\n"))
    assert info.value.code == "duplicate-key"
    assert "waivers.yaml:3:5: waivers[0].rule: error[duplicate-key]: duplicate key `rule`" \
        in info.value.render()


def test_an_unknown_rule_is_an_error_with_a_did_you_mean() -> None:
    waivers = parse_waivers({"waivers": [
        {"rule": "cn.algorithm_filing/user_optout", "reason": "x", "owner": "o",
         "expires": "2026-12-31"}]})
    with pytest.raises(WaiverError) as info:
        waivers.check_rules(["cn.algorithm_filing/user_opt_out", "other/x"])
    [d] = info.value.diagnostics
    assert d.code == "waiver-unknown-rule"
    assert d.help == "did you mean `cn.algorithm_filing/user_opt_out`?"


def test_matching_and_expiry() -> None:
    w = Waiver("r/a", "why", "who", D(2026, 12, 31), platform="web")
    waivers = Waivers((w,))
    assert waivers.find("r/a", "feed", "web", None, D(2026, 12, 31)) == w
    assert waivers.find("r/a", "feed", "web", None, D(2027, 1, 1)) is None
    assert waivers.find("r/a", "feed", "app", None, D(2026, 12, 1)) is None
    # a per-filing finding names its platforms: a waiver of `web` covers a filing of `web`
    # alone, never one that also names `app` (that would hide the finding about `app`)
    assert waivers.find("r/a", "feed", None, "F-1", D(2026, 12, 1), ("web",)) == w
    assert waivers.find("r/a", "feed", None, "F-1", D(2026, 12, 1), ("app", "web")) is None
    assert waivers.expired(D(2027, 1, 1)) == (w,)
    assert waivers.expired(D(2026, 12, 31)) == ()
    [unused] = waivers.warnings([], D(2026, 12, 1))
    assert unused.code == "waiver-unused"
    assert waivers.warnings([w], D(2026, 12, 1)) == []


def test_an_expiry_is_written_yyyy_mm_dd_like_every_date() -> None:
    from policy_sdk.dates import read_date

    for odd in ("2026-W52-1", "20261231", "2026-02-30"):
        with pytest.raises(WaiverError) as info:
            parse_waivers({"waivers": [{"rule": "r/a", "reason": "x", "owner": "o",
                                        "expires": odd}]})
        assert info.value.diagnostics[0].message == (
            f"`{odd}` is not a date; expected YYYY-MM-DD")
        assert read_date(odd) is None
    assert read_date(" 2026-12-31 ") == D(2026, 12, 31)
