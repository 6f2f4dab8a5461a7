"""The text ``policy-sdk test`` prints: progress, failures with diffs, coverage, summary."""

from __future__ import annotations

import os

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
