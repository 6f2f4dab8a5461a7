"""The audit header of a report, and urgency: working days left or overdue.

Both are computed here from what a command has at hand (the report, the facts, the
registry, the calendar). The JSON report's own ``meta`` object and
``working_days_left`` field (issue 16, items 4-5) belong to the report module; when
they exist, :func:`audit_meta` and :func:`working_days_left` can be replaced by them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

import attrs

from policy_sdk.errors import PolicySdkError


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
    """Who, what, when and with which tools: the report's audit header."""

    organization: str | None
    as_of: dt.date
    facts: FileDigest | None
    tool_version: str
    policies: tuple[FileDigest, ...] = ()
    plugins: tuple[PluginVersion, ...] = ()
    generated_by: str = "policy-sdk"

    @property
    def pack(self) -> str:
        """The default pack's version: it ships with the tool."""
        shipped = [p for p in self.policies if p.kind == "pack"]
        return f"policy-sdk {self.tool_version}" if shipped else "-"


def sha256_of(path: str | Path) -> str | None:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    except (OSError, ValueError):
        return None
    return h.hexdigest()


def policy_digests(files: Iterable[str]) -> tuple[FileDigest, ...]:
    """The policy files of an engine (``engine.modules``' file names): the shipped pack's
    ``policies/…`` names are read from the installed pack; ``plugin:NAME`` has no file."""
    out: list[FileDigest] = []
    pack: Path | None = None
    for name in files:
        if name.startswith("plugin:"):
            out.append(FileDigest(name, None, "plugin"))
            continue
        path = Path(name)
        kind = "policy"
        if name.startswith("policies/") and not path.exists():
            if pack is None:
                from policy_sdk._resources import default_policies_dir

                pack = default_policies_dir()
            path = pack / name[len("policies/"):]
            kind = "pack"
        elif name.startswith("policies/"):
            from policy_sdk._resources import default_policies_dir

            try:
                shipped = (default_policies_dir() / name[len("policies/"):]).resolve()
                kind = "pack" if shipped == path.resolve() else "policy"
            except (OSError, FileNotFoundError):
                kind = "policy"
        out.append(FileDigest(name, sha256_of(path), kind))
    return tuple(sorted(set(out), key=lambda d: (d.kind, d.name)))


def audit_meta(
    *,
    as_of: dt.date,
    facts_file: str | None,
    facts: Any = None,
    policy_files: Sequence[str] = (),
    plugins: Iterable[Any] = (),
) -> AuditMeta:
    """The audit header from what a command has: ``facts`` (for the organization's
    name), the engine's policy file names, the registry's plugin infos."""
    from policy_sdk import __version__

    org = getattr(getattr(facts, "organization", None), "name", None)
    return AuditMeta(
        organization=org if isinstance(org, str) else None,
        as_of=as_of,
        facts=FileDigest(facts_file, sha256_of(facts_file), "facts") if facts_file else None,
        tool_version=__version__,
        policies=policy_digests(policy_files),
        plugins=tuple(
            sorted(
                (PluginVersion(p.name, p.version, p.where) for p in plugins),
                key=lambda p: p.name,
            )
        ),
    )


# --- urgency ----------------------------------------------------------------------

#: working days counted at most (beyond, the count is not shown)
_SPAN_LIMIT = 4000


class WorkdaysLeft:
    """``working_days_left(deadline)``: working days from ``as_of`` to ``deadline``
    (after ``as_of``, up to and including the deadline); negative when overdue (the
    working days after the deadline up to and including ``as_of``); 0 on the day.
    None without a deadline, or when the calendar does not know the years between.
    Memoized per deadline: a report's findings share few deadlines."""

    def __init__(self, calendar: WorkdayCalendarLike, as_of: dt.date) -> None:
        self._calendar = calendar
        self._as_of = as_of
        self._known: dict[dt.date, int | None] = {}

    def __call__(self, deadline: dt.date | None) -> int | None:
        if deadline is None:
            return None
        if deadline in self._known:
            return self._known[deadline]
        value = self._count(deadline)
        self._known[deadline] = value
        return value

    def _count(self, deadline: dt.date) -> int | None:
        start, end, sign = (
            (self._as_of, deadline, 1) if deadline >= self._as_of else (deadline, self._as_of, -1)
        )
        span = (end - start).days
        if span > _SPAN_LIMIT:
            return None
        one = dt.timedelta(days=1)
        n = 0
        day = start
        try:
            for _ in range(span):
                day += one
                if self._calendar.is_workday(day):
                    n += 1
        except PolicySdkError:
            return None
        return sign * n


def urgency_words(left: int | None, deadline: dt.date | None, as_of: dt.date) -> str:
    """``剩 3 个工作日 (3 working days left)``, ``逾期 12 个工作日 (overdue by 12
    working days)``, ``今日到期 (due today)``; empty without a deadline."""
    if deadline is None:
        return ""
    if deadline < as_of and not left:  # passed over a weekend or holiday
        return "已逾期 (overdue)"
    if left is None:
        return f"截止 {deadline.isoformat()} (due {deadline.isoformat()})"
    if left > 0:
        return f"剩 {left} 个工作日 ({left} working day{'s' if left != 1 else ''} left)"
    if left < 0:
        n = -left
        return f"逾期 {n} 个工作日 (overdue by {n} working day{'s' if n != 1 else ''})"
    return "今日到期 (due today)"
