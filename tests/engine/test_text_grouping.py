"""Text output groups findings by platform; a per-filing finding shows under each
platform its filing names (it carries them in ``Finding.platforms``)."""

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
    assert found["platform app"] == ["displayed"]
    assert found["platform web"] == ["displayed"]
    assert "filings" not in found


def test_per_platform_findings_carry_no_platforms() -> None:
    report = ENGINE.evaluate(load(), as_of=AS_OF)
    for f in report.findings:
        if f.filing is None:
            assert f.platforms == ()
        else:
            filing = next(x for x in load().filings if x.number == f.filing)
            assert f.platforms == tuple(sorted(set(filing.platforms)))


def test_company_text_has_every_filing_finding_under_its_platforms() -> None:
    report = ENGINE.evaluate(load(), as_of=AS_OF)
    found = sections(render_text(report))
    assert "filings" not in found
    listed = report.select()
    for f in listed:
        heads = [f"platform {f.platform}"] if f.platform else [f"platform {p}"
                                                             for p in f.platforms]
        for head in heads:
            assert f.rule in found[head]
    # every finding of the JSON report is in the text at least once; counts unchanged
    assert json.loads(report.to_json())["summary"]["listed"] == len(listed)
    assert sum(len(v) for v in found.values()) > len(listed)  # some shown more than once
