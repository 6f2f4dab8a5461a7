"""The audit header of a report, and the words for urgency.

Nothing here is computed twice: the header is a view of the report's own ``meta``
(:func:`policy_sdk.provenance.report_meta`, the JSON report's ``meta`` object; for an
inventory or a plan, :func:`policy_sdk.provenance.facts_meta`), and the working days
left are the findings' ``working_days_left``, or — for an inventory's or a plan's
deadlines, which are not findings — the same count
(:func:`policy_sdk.engine.deadlines.count_working_days_left`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import attrs


class WorkdayCalendarLike(Protocol):
    def is_workday(self, day: dt.date) -> bool: ...


@attrs.frozen
class FileDigest:
    """A file the report was made from, and its SHA-256 (None when it cannot be read)."""

    name: str
    sha256: str | None
    #: "facts", "policy", "pack" (the shipped default pack), "plugin" (plugin rules)
    kind: str


@attrs.frozen
class PluginVersion:
    name: str
    version: str | None
    where: str


@attrs.frozen
class AuditMeta:
    """Who, what, when and with which tools: the report's audit header, as the HTML
    page and the XLSX ``meta`` sheet show it (made from ``meta``: :meth:`from_meta`)."""

    organization: str | None
    as_of: dt.date
    facts: FileDigest | None
    tool_version: str
    policies: tuple[FileDigest, ...] = ()
    plugins: tuple[PluginVersion, ...] = ()
    #: SHA-256 of the rules that ran (``meta.policies.sha256``), None when none ran
    rules_sha256: str | None = None
    pack_name: str | None = None
    generated_by: str = "policy-sdk"

    @property
    def pack(self) -> str:
        """The default pack's version: it ships with the tool."""
        return f"policy-sdk {self.tool_version}" if self.pack_name else "-"

    @classmethod
    def from_meta(cls, meta: Mapping[str, Any]) -> AuditMeta:
        """The header of a report's ``meta`` (``docs/report.schema.json``)."""
        facts = meta.get("facts")
        policies = meta.get("policies") or {}
        pack = policies.get("pack")
        files: list[FileDigest] = [
            FileDigest(d["file"], d["sha256"], "pack" if pack else "policy")
            for d in policies.get("file_sha256", ())
        ]
        files += [FileDigest(name, None, "plugin") for name in policies.get("plugin_rules", ())]
        return cls(
            organization=meta.get("organization"),
            as_of=dt.date.fromisoformat(meta["as_of"]),
            facts=FileDigest(facts["file"], facts["sha256"], "facts") if facts else None,
            tool_version=meta["tool"]["version"],
            policies=tuple(sorted(files, key=lambda d: (d.kind, d.name))),
            plugins=tuple(PluginVersion(p["name"], p.get("version"), p.get("where") or "")
                          for p in meta.get("plugins", ())),
            rules_sha256=policies.get("sha256"),
            pack_name=pack,
        )


def days_left(calendar: WorkdayCalendarLike, as_of: dt.date
              ) -> Callable[[dt.date | None], int | None]:
    """``left(deadline)``: the findings' count of working days left
    (:func:`~policy_sdk.engine.deadlines.count_working_days_left`) for deadlines that are
    not findings' (an inventory's, a plan's); None without a deadline."""
    from policy_sdk.engine.deadlines import count_working_days_left

    known: dict[dt.date, int | None] = {}

    def left(deadline: dt.date | None) -> int | None:
        if deadline is None:
            return None
        if deadline not in known:
            known[deadline] = count_working_days_left(calendar, as_of, deadline)
        return known[deadline]

    return left


def urgency_words(left: int | None, deadline: dt.date | None, as_of: dt.date) -> str:
    """``剩 3 个工作日 (3 working days left)``, ``逾期 12 个工作日 (overdue by 12
    working days)``, ``今日到期 (due today)``; empty without a deadline. ``left`` is
    ``working_days_left`` (negative exactly when overdue)."""
    if deadline is None:
        return ""
    if left is None:
        if deadline < as_of:
            return "已逾期 (overdue)"
        return f"截止 {deadline.isoformat()} (due {deadline.isoformat()})"
    if left < 0:
        n = -left
        return f"逾期 {n} 个工作日 (overdue by {n} working day{'s' if n != 1 else ''})"
    if left == 0:  # due on the as-of date, or before the next working day
        return "今日到期 (due today)" if deadline == as_of else (
            "已无剩余工作日 (no working day left)")
    return f"剩 {left} 个工作日 ({left} working day{'s' if left != 1 else ''} left)"
