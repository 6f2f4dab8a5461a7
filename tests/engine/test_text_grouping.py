"""Text output groups findings by platform; a per-filing finding shows once, under its
filing, with the platforms the filing names (``Finding.platforms``); the number of
finding blocks is the summary's count (issue 16: one finding, counted once)."""

from __future__ import annotations

import datetime as dt
import json

from policy_sdk.engine.engine import Engine
from policy_sdk.engine.reporters import render_text
from policy_sdk.facts.model import Deployment, Filing, Platform

from .engine_support import AS_OF, facts, load, rec_alg

ENGINE = Engine()
RULE = """rule displayed { ensure displayed per filing where filing.live }"""


def sections(text: str) -> dict[str, list[str]]:
    """Heading -> the finding lines under it (the status lines, indented by two)."""
    out: dict[str, list[str]] = {}
    head = ""
    for line in text.splitlines():
        if line and not line.startswith(" "):
            head = line
            out[head] = []
        elif line.startswith("  ") and not line.startswith("   "):
            out[head].append(line.split()[1])
    return out


def test_per_filing_finding_carries_its_filings_platforms_sorted() -> None:
    engine = Engine.from_source(RULE, load_entrypoints=False, plugin_rules=False)
    doc = facts(
        algorithms=(rec_alg(),),
        platforms=(Platform("web", "website"), Platform("app", "app")),
        deployments=(Deployment("rec", "web", "active"), Deployment("rec", "app", "active")),
        filings=(Filing("F1", "rec", ("web", "app", "web"), "active", dt.date(2025, 1, 5),
                        False),),
    )
    report = engine.evaluate(doc, as_of=AS_OF)
    (finding,) = report.violations()
    assert finding.platforms == ("app", "web")
    assert finding.platform is None
    assert finding.filing == "F1"
    # the JSON carries them, once per finding (issue 16: one finding, counted once)
    assert finding.to_dict()["platforms"] == ["app", "web"]
    assert [f["platforms"] for f in json.loads(report.to_json())["findings"]] == [
        ["app", "web"]]
    text = render_text(report)
    found = sections(text)
    assert {head: rules for head, rules in found.items() if rules} == {
        "filing F1 (platforms app, web)": ["displayed"]}


def test_per_platform_findings_carry_no_platforms() -> None:
    report = ENGINE.evaluate(load(), as_of=AS_OF)
    for f in report.findings:
        if f.filing is None:
            assert f.platforms == ()
        else:
            filing = next(x for x in load().filings if x.number == f.filing)
            assert f.platforms == tuple(sorted(set(filing.platforms)))


def test_company_text_shows_each_finding_once_and_counts_agree() -> None:
    report = ENGINE.evaluate(load(), as_of=AS_OF)
    text = render_text(report)
    found = sections(text)
    assert "filings" not in found
    listed = report.select()
    for f in listed:
        if f.platform:
            head = f"platform {f.platform}"
        elif len(f.platforms) == 1:
            head = f"filing {f.filing} (platform {f.platforms[0]})"
        else:
            head = f"filing {f.filing} (platforms {', '.join(f.platforms)})"
        assert f.rule in found[head]
    # one block per finding: the blocks of each status are the summary's count of it
    blocks = [line.split()[0] for line in text.splitlines()
              if line.startswith("  ") and not line.startswith("   ")]
    summary = json.loads(report.to_json())["summary"]
    assert len(blocks) == summary["listed"] == len(listed)
    assert blocks.count("violated") == summary["violated"] == report.counts["violated"] == 11
    assert blocks.count("pending") == summary["pending"] == report.counts["pending"]
    assert text.rstrip().splitlines()[-1].startswith(
        f"{summary['violated']} violated, {summary['pending']} pending")
    # in the order for people: Report.by_urgency
    shown = [line.split()[1] for line in text.splitlines()
             if line.startswith("  ") and not line.startswith("   ")]
    order = report.by_urgency()
    assert shown[0] == order[0].rule
    # groups stand where their most urgent finding stands: the last block is pending
    assert blocks[-1] == "pending"
    assert order[-1].status == "pending"
    first = next(line for line in text.splitlines() if line.startswith("  "))
    assert first.endswith("feed-rec (due 2026-03-16) overdue by 171 working days")
