"""Built-in output formats of ``policy-sdk check``: text, json, sarif.

They are registered by the core plugin (:mod:`policy_sdk.plugins.builtin`) as
:data:`BUILTIN_REPORTERS`; a plugin adds more with ``policy_sdk_register_reporters``.
A reporter's ``render`` receives the :class:`~policy_sdk.engine.report.Report` and the
options below as keyword arguments it may ignore (``include_all``, ``severity``,
``color``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final

from policy_sdk._gc import gc_paused
from policy_sdk.engine.jsontext import dumps as json_text
from policy_sdk.engine.report import STATUSES, Finding, Report
from policy_sdk.plugins.specs import ReporterSpec

_SHOWN: Final = ("violated", "pending")
#: listed without --all (a waived finding is listed, as suppressed)
_LISTED: Final = ("violated", "pending", "waived")


def _listed(report: Report, include_all: bool, severity: str | None) -> Sequence[Finding]:
    return report.select(STATUSES if include_all else _LISTED, severity=severity)


def summary_line(report: Report) -> str:
    from policy_sdk.reports.text import summary_line as line

    return line(report)


# --- text ----------------------------------------------------------------------------


def render_text(
    report: Report, *, include_all: bool = False, severity: str | None = None,
    color: bool = False, **_: Any,
) -> str:
    """Findings for people, most urgent first, grouped by platform, with a summary line
    (:mod:`policy_sdk.reports.text`: plain text without colour, rich with it; user text
    never read as markup, control characters shown escaped).

    A per-filing finding is shown once, under its filing, with the filing's platforms."""
    from policy_sdk.reports.text import render_text as render

    return render(report, include_all=include_all, severity=severity, color=color)


# --- json ----------------------------------------------------------------------------


def render_json(
    report: Report, *, include_all: bool = False, severity: str | None = None, **_: Any
) -> str:
    """The embedding contract (``docs/report.schema.json``)."""
    return "".join(iter_json(report, include_all=include_all, severity=severity))


def iter_json(
    report: Report, *, include_all: bool = False, severity: str | None = None, **_: Any
) -> Iterator[str]:
    """:func:`render_json`'s text in pieces of about a megabyte (for
    ``policy_sdk._io.write_stream``): a report of a million findings is never held as
    one text."""
    return report.iter_json(include_all, severity=severity, indent=2, end="\n")


def iter_json_utf8(
    report: Report, *, include_all: bool = False, severity: str | None = None, **_: Any
) -> Iterator[bytes]:
    """:func:`iter_json`'s pieces in UTF-8 as ``policy_sdk._io`` writes text (what
    ``check --format json`` writes: an engine's findings are never made as text)."""
    return report.iter_json_utf8(include_all, severity=severity, indent=2, end="\n")


# --- sarif ---------------------------------------------------------------------------

SARIF_SCHEMA: Final = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL: Final = {"violated": "error", "pending": "warning", "waived": "error",
                 "satisfied": "none", "not_applicable": "none"}


def render_sarif(
    report: Report, *, include_all: bool = False, severity: str | None = None,
    facts_file: str | None = None, **_: Any,
) -> str:
    """SARIF 2.1.0: one result per finding, located at the rule in its policy file
    and, when known, at the scope key's line in the facts file."""
    with gc_paused():  # many small dicts, no cycles: nothing for the collector
        return _sarif(report, include_all, severity, facts_file)


def _sarif(
    report: Report, include_all: bool, severity: str | None, facts_file: str | None
) -> str:
    from policy_sdk import __version__
    from policy_sdk.reports.sarif import Locations

    where = Locations()  # uriBaseId'd, percent-encoded locations that exist for the user
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    for info in report.rules:
        if info.id in index:
            continue
        index[info.id] = len(rules)
        rule: dict[str, Any] = {
            "id": info.id,
            "shortDescription": {"text": info.message},
            "properties": {"severity": info.severity},
        }
        if info.citation:
            rule["fullDescription"] = {"text": info.citation}
        if info.remedy:
            rule["help"] = {"text": info.remedy}
        if info.interpretation:
            rule["properties"]["interpretation"] = info.interpretation
        rules.append(rule)
    results = []
    for f in _listed(report, include_all, severity):
        level = _LEVEL[f.status]
        if f.severity == "advisory" and level == "error":
            level = "warning"
        locations: list[dict[str, Any]] = []
        if f.facts_line is not None and facts_file:
            locations.append(where.location(facts_file, f.facts_line, 1, f.facts_path))
        if f.span is not None:
            locations.append(where.location(f.span.file, f.span.line, f.span.column, "rule"))
        result: dict[str, Any] = {
            "ruleId": f.rule,
            "level": level,
            "kind": "fail" if f.status in _LISTED else (
                "pass" if f.status == "satisfied" else "notApplicable"),
            "message": {"text": _sarif_message(f)},
            "locations": locations,
            "properties": {
                "status": f.status,
                "severity": f.severity,
                "algorithm": f.algorithm,
                "platform": f.platform,
                "filing": f.filing,
                "deadline": f.deadline.isoformat() if f.deadline else None,
                "working_days_left": f.working_days_left,
                "explanation": list(f.explanation),
            },
        }
        if f.waiver is not None:  # accepted by a waiver: reported, as suppressed
            from policy_sdk.i18n import _

            result["suppressions"] = [{
                "kind": "external",
                "justification": _("{reason} (owner {owner}, until {date}; {where})").format(
                    reason=f.waiver.reason, owner=f.waiver.owner,
                    date=f.waiver.expires.isoformat(), where=f.waiver.where),
            }]
            result["properties"]["waiver"] = f.waiver.to_dict()
        if f.provisional:  # counted through a year the calendar does not know
            result["properties"]["provisional"] = True
        if f.platforms:  # a per-filing finding: one result for all the filing's platforms
            result["properties"]["platforms"] = list(f.platforms)
        if f.rule in index:
            result["ruleIndex"] = index[f.rule]
        results.append(result)
    doc: dict[str, Any] = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "policy-sdk",
                        "version": __version__,
                        "informationUri": "https://pypi.org/project/policy-sdk/",
                        "rules": rules,
                    }
                },
                "results": results,
                "properties": {"as_of": report.as_of.isoformat(), "summary": report.counts},
            }
        ],
    }
    meta = report.meta
    if meta is not None:  # the report's provenance, and SARIF's account of the run
        doc["runs"][0]["properties"]["meta"] = dict(meta)
        doc["runs"][0]["invocations"] = [_invocation(meta)]
    if where.bases:
        doc["runs"][0]["originalUriBaseIds"] = where.bases
    return json_text(doc, indent=2) + "\n"  # json.dumps's text, written faster


def _invocation(meta: Mapping[str, Any]) -> dict[str, Any]:
    """SARIF's account of the run: it completed, on which facts, as of when."""
    invocation: dict[str, Any] = {"executionSuccessful": True,
                                  "properties": {"as_of": meta.get("as_of")}}
    facts = meta.get("facts")
    if facts:
        invocation["properties"]["facts_sha256"] = facts.get("sha256")
        invocation["properties"]["facts_file"] = facts.get("file")
    return invocation


def _sarif_message(f: Finding) -> str:
    key = ", ".join(
        f"{name} `{value}`" for name, value in
        (("algorithm", f.algorithm), ("platform", f.platform), ("filing", f.filing)) if value
    )
    due = f"; due {f.deadline.isoformat()}" if f.deadline else ""
    return f"{f.status}: {f.message}" + (f" ({key})" if key else "") + due


BUILTIN_REPORTERS: Final[list[ReporterSpec]] = [
    ReporterSpec("text", render_text, "findings for people, most urgent first"),
    ReporterSpec("json", render_json, "the JSON report (docs/report.schema.json)"),
    ReporterSpec("sarif", render_sarif, "SARIF 2.1.0 for code-scanning tools"),
]
