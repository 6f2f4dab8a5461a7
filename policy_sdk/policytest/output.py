"""What ``policy-sdk test`` prints: the text (progress, failures with diffs, coverage,
summary), JUnit XML (:func:`render_junit`) and JSON (:func:`render_json`) for CI."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from policy_sdk.i18n import N_, _, plural
from policy_sdk.policytest.runner import RunResult


def _shown(path: str) -> str:
    """A path relative to the working folder when it is inside it."""
    if path.startswith("plugin:") or not os.path.isabs(path):
        return path
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def render(result: RunResult, *, coverage: bool = True, verbose: bool = False) -> str:
    """The whole report; its last line is exactly ``N passed, N failed``."""
    lines: list[str] = []
    for f in result.files:
        marks = "".join(
            "." if r.passed else ("E" if r.error is not None else "F")
            for r in result.results
            if r.file == f
        )
        broken = any(path == f for path, _error in result.errors)
        lines.append(f"{f} {marks}{'E' if broken else ''}".rstrip())
        if verbose:
            for r in result.results:
                if r.file == f:
                    word = _("PASSED") if r.passed else (_("ERROR") if r.error else _("FAILED"))
                    lines.append(f"  {word} {r.case.name}")

    failures = [r for r in result.results if not r.passed]
    if failures or result.errors:
        lines.append("")
        lines.append(_("failures") if failures else _("errors"))
        for r in failures:
            lines.append("")
            lines.append(f"--- {r.title}")
            if r.error is not None:
                lines.extend("  " + line for line in r.error.render().splitlines())
            else:
                lines.extend("  " + line for line in r.diff)
        for path, error in result.errors:
            lines.append("")
            lines.append("--- " + _("{path}: cannot run this file").format(path=path))
            lines.extend("  " + line for line in error.render().splitlines())

    if coverage and result.coverage:
        complete = sum(c.complete for c in result.coverage)
        lines.append("")
        lines.append(_("rule coverage: {complete} of {count} rules fully covered").format(
            complete=complete, count=len(result.coverage)))
        for c in result.coverage:
            missing = c.missing()
            if not missing:
                continue
            where = f"{_shown(c.span.file)}:{c.span.line}" if c.span is not None else c.origin
            lines.append(f"  {c.rule} ({where})")
            lines.extend(f"    {m}" for m in missing)

    lines.append("")
    errored = sum(1 for r in result.results if r.error is not None)
    if errored or result.errors:
        # cases that could not run count as neither passed nor failed: say so
        parts = []
        if errored:
            parts.append(plural(errored, N_("{count} case"), N_("{count} cases")))
        if result.errors:
            parts.append(plural(len(result.errors), N_("{count} file"), N_("{count} files")))
        lines.append(_("{what} could not run (bad input, shown above)").format(
            what=_(" and ").join(parts)))
    lines.append(_("{passed} passed, {failed} failed").format(passed=result.passed,
                                                             failed=result.failed))
    return "\n".join(lines)


# --- for CI: JUnit XML and JSON ---------------------------------------------------------


def _suite_name(path: Path) -> str:
    return _shown(str(path))


def render_junit(result: RunResult) -> str:
    """JUnit XML as CI systems read it: one ``testsuite`` per test file, one
    ``testcase`` per case (``classname`` the file, ``name`` the case); a failed case has
    a ``failure`` whose text is the diff, a case that could not run an ``error``; a file
    that could not run is one ``testcase`` with an ``error``."""
    from xml.etree import ElementTree as ET

    root = ET.Element("testsuites", name="policy-sdk test")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for f in result.files:
        name = _suite_name(f)
        suite = ET.SubElement(root, "testsuite", name=name)
        counts = {"tests": 0, "failures": 0, "errors": 0}
        for r in result.results:
            if r.file != f:
                continue
            counts["tests"] += 1
            case = ET.SubElement(suite, "testcase", classname=name,
                                 name=f"{r.case.name} (as of {r.case.as_of.isoformat()})")
            if r.case.line:
                case.set("file", name)
                case.set("line", str(r.case.line))
            if r.error is not None:
                counts["errors"] += 1
                error = ET.SubElement(case, "error", message="the case could not run",
                                      type=r.error.diagnostics[0].code
                                      if r.error.diagnostics else "error")
                error.text = _xml_safe(r.error.render())
            elif r.diff:
                counts["failures"] += 1
                failure = ET.SubElement(case, "failure", message="expectations not met",
                                        type="expectation")
                failure.text = _xml_safe("\n".join(r.diff))
        for path, err in result.errors:
            if path != f:
                continue
            counts["tests"] += 1
            counts["errors"] += 1
            case = ET.SubElement(suite, "testcase", classname=name, name="(file)")
            error = ET.SubElement(case, "error", message="this file cannot run",
                                  type=err.diagnostics[0].code if err.diagnostics else "error")
            error.text = _xml_safe(err.render())
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    """Text XML 1.0 can carry: characters it forbids written as ``\\xNN``."""
    return _XML_BAD.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def render_json(result: RunResult, *, coverage: bool = True) -> str:
    """The run as JSON: every case (file, name, as-of date, line, status ``passed``,
    ``failed`` or ``error``, the diff or the error), files that could not run, rule
    coverage (each rule, whether fully covered, what is missing) and the counts."""
    cases: list[dict[str, Any]] = []
    for r in result.results:
        status = "error" if r.error is not None else ("failed" if r.diff else "passed")
        item: dict[str, Any] = {
            "file": _shown(str(r.file)), "name": r.case.name,
            "as_of": r.case.as_of.isoformat(), "line": r.case.line, "status": status,
        }
        if r.diff:
            item["diff"] = list(r.diff)
        if r.error is not None:
            item["error"] = r.error.render()
        cases.append(item)
    doc: dict[str, Any] = {
        "summary": {"passed": result.passed, "failed": result.failed,
                    "errors": sum(1 for r in result.results if r.error is not None)
                    + len(result.errors)},
        "cases": cases,
        "file_errors": [{"file": _shown(str(p)), "error": e.render()}
                        for p, e in result.errors],
    }
    if coverage:
        doc["coverage"] = [
            {"rule": c.rule, "origin": c.origin, "complete": c.complete,
             "missing": c.missing()}
            for c in result.coverage
        ]
    return json.dumps(doc, ensure_ascii=False, indent=2)
