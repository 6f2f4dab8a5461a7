"""Findings and reports: what evaluation returns.

A :class:`Report` holds every finding of every rule (satisfied and not applicable
included); its JSON form lists violated and pending findings by default and always
counts all. The JSON contract is documented in ``docs/report.schema.json``.
"""

from __future__ import annotations

import datetime as dt
from typing import Final, Literal

import attrs

from policy_sdk.errors import Span

Status = Literal["violated", "pending", "satisfied", "not_applicable"]
STATUSES: Final[tuple[Status, ...]] = ("violated", "pending", "satisfied", "not_applicable")


@attrs.frozen
class Finding:
    """The outcome of one rule for one scope key.

    Equality compares the decision (rule, status, key, deadline, …), not the
    wording of the explanation or where the rule came from.
    """

    rule: str
    status: Status
    severity: str
    algorithm: str | None
    platform: str | None
    filing: str | None
    message: str
    citation: str | None = None
    remedy: str | None = None
    deadline: dt.date | None = None
    explanation: tuple[str, ...] = attrs.field(default=(), eq=False)
    #: where the rule came from: a policy file path or ``plugin:NAME``
    origin: str = attrs.field(default="", eq=False)
    span: Span | None = attrs.field(default=None, eq=False, repr=False)

    def sort_key(self) -> tuple[str, str, str, str]:
        return (self.rule, self.algorithm or "", self.platform or "", self.filing or "")
