"""The text ``policy-sdk test`` prints: progress, failures with diffs, coverage, summary."""

from __future__ import annotations

import os

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
        broken = any(path == f for path, _ in result.errors)
        lines.append(f"{f} {marks}{'E' if broken else ''}".rstrip())
        if verbose:
            for r in result.results:
                if r.file == f:
                    word = "PASSED" if r.passed else ("ERROR" if r.error else "FAILED")
                    lines.append(f"  {word} {r.case.name}")

    failures = [r for r in result.results if not r.passed]
    if failures or result.errors:
        lines.append("")
        lines.append("failures" if failures else "errors")
        for r in failures:
            lines.append("")
            lines.append(f"--- {r.title}")
            if r.error is not None:
                lines.extend("  " + line for line in r.error.render().splitlines())
            else:
                lines.extend("  " + line for line in r.diff)
        for path, error in result.errors:
            lines.append("")
            lines.append(f"--- {path}: cannot run this file")
            lines.extend("  " + line for line in error.render().splitlines())

    if coverage and result.coverage:
        complete = sum(c.complete for c in result.coverage)
        lines.append("")
        lines.append(
            f"rule coverage: {complete} of {len(result.coverage)} rules fully covered"
        )
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
            parts.append(f"{errored} case{'s' if errored != 1 else ''}")
        if result.errors:
            n = len(result.errors)
            parts.append(f"{n} file{'s' if n != 1 else ''}")
        lines.append(f"{' and '.join(parts)} could not run (bad input, shown above)")
    lines.append(f"{result.passed} passed, {result.failed} failed")
    return "\n".join(lines)
