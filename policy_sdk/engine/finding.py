"""A finding, its wire shape declared once, and the orders findings are listed in.

:data:`FINDING_FIELDS` is the one declaration of what a finding says on the wire: the
JSON key, which :class:`Finding` attributes it reads, how it is encoded, whether it
is the same for every finding of a rule with a status (``shared``: the fast writer
writes it once per rule), and its description. :meth:`Finding.to_dict`, the fast JSON
writer (:class:`policy_sdk.engine.jsontext.FindingWriter`) and the finding part of
``docs/report.schema.json`` (:func:`finding_schema`; a test compares the file) are
all made from it. Adding a field to a finding: an attribute on :class:`Finding`, an
entry in :data:`FINDING_FIELDS`, the same entry in ``docs/report.schema.json``.

An engine's findings are made when asked for, and the costly parts — the
explanation, the remedy text (it may carry a note on reusable materials), the facts
location, the working days left — only when one of them is read (then all at once,
cached on the finding): :attr:`Finding.remedy` and the others are properties.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Callable, Iterable
from itertools import repeat
from operator import attrgetter, itemgetter
from typing import Any, Final, Literal, Protocol

import attrs

from policy_sdk.ast.nodes import SEVERITIES
from policy_sdk.errors import Span
from policy_sdk.waivers import Waiver

__all__ = [
    "FINDING_FIELDS",
    "STATUSES",
    "Finding",
    "FindingDetails",
    "Status",
    "WireField",
    "build_findings",
    "finding_schema",
    "order_key",
    "urgency_key",
]

Status = Literal["violated", "pending", "waived", "satisfied", "not_applicable"]
#: ``waived``: violated or pending, and accepted by a waiver in force
#: (:meth:`policy_sdk.engine.report.Report.with_waivers`); the engine itself never
#: gives it
STATUSES: Final[tuple[Status, ...]] = ("violated", "pending", "waived", "satisfied",
                                       "not_applicable")

#: (remedy, explanation, facts path, facts line, working days left)
Details = tuple[str | None, tuple[str, ...], str | None, int | None, int | None]

#: how a deadline line says it was counted provisionally, in each language
#: (deadlines.PROVISIONAL; tests/i18n checks the Chinese translation starts so)
PROVISIONAL_MARKS: tuple[str, ...] = (
    " (provisional: the calendar does not know that year", "（暂定：日历尚未收录该年份")


class FindingDetails(Protocol):
    """Works out the costly parts of a finding when one of them is first read."""

    def details(self, index: int, status: str) -> Details: ...


class _Unread:
    __slots__ = ()

    def __repr__(self) -> str:
        return "<not read yet>"


#: a detail of an engine finding not worked out yet
UNREAD: Final[Any] = _Unread()


@attrs.frozen
class Finding:
    """The outcome of one rule for one scope key.

    Equality compares the decision (rule, status, severity, key, message, citation,
    deadline), not the wording of the remedy and explanation or where the rule came from.
    """

    rule: str
    status: Status
    severity: str
    algorithm: str | None
    platform: str | None
    filing: str | None
    message: str
    citation: str | None = None
    #: advice; may carry a note on reusable materials, so it takes no part in equality
    _remedy: str | None = attrs.field(default=None, eq=False, repr=False)
    deadline: dt.date | None = None
    _explanation: tuple[str, ...] = attrs.field(default=(), eq=False, repr=False)
    #: where the rule came from: a policy file path or ``plugin:NAME``
    origin: str = attrs.field(default="", eq=False)
    span: Span | None = attrs.field(default=None, eq=False, repr=False)
    #: where in the facts the scope key stands: data path (``deployments[3]``) and line
    _facts_path: str | None = attrs.field(default=None, eq=False, repr=False)
    _facts_line: int | None = attrs.field(default=None, eq=False, repr=False)
    #: for a per-filing finding, the platforms the filing names (sorted): the finding
    #: concerns all of them (it is one finding, listed once); empty for other findings
    platforms: tuple[str, ...] = attrs.field(default=(), eq=False, repr=False)
    #: working days from the as-of date to the deadline (negative: overdue by that
    #: many); None without a deadline (or, for a hand-made finding, unless given)
    _working_days_left: int | None = attrs.field(default=None, eq=False, repr=False)
    #: the maker of an engine finding whose details are worked out when read, and the
    #: finding's index for it (two slots, not a pair: one object less per finding)
    _source: FindingDetails | None = attrs.field(default=None, eq=False, repr=False)
    _index: int = attrs.field(default=0, eq=False, repr=False)
    #: the waiver that moved this finding to ``waived`` (None for every other finding)
    waiver: Waiver | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def remedy(self) -> str | None:
        value = self._remedy
        if value is UNREAD:
            self._read()
            value = self._remedy
        return value

    @property
    def explanation(self) -> tuple[str, ...]:
        value = self._explanation
        if value is UNREAD:
            self._read()
            value = self._explanation
        return value

    @property
    def facts_path(self) -> str | None:
        value = self._facts_path
        if value is UNREAD:
            self._read()
            value = self._facts_path
        return value

    @property
    def facts_line(self) -> int | None:
        value = self._facts_line
        if value is UNREAD:
            self._read()
            value = self._facts_line
        return value

    @property
    def working_days_left(self) -> int | None:
        value = self._working_days_left
        if value is UNREAD:
            self._read()
            value = self._working_days_left
        return value

    @property
    def provisional(self) -> bool:
        """Whether the deadline was counted through a year the working-day calendar does
        not know (Monday to Friday without the moving holidays; docs/calendar.md): its
        deadline line says so."""
        return self.deadline is not None and any(
            mark in line for line in self.explanation for mark in PROVISIONAL_MARKS
        )

    def _read(self) -> None:
        """Works out the details not read yet (all at once; racing threads store the
        same values)."""
        assert self._source is not None, "a detail not read and nobody to read it"
        values = self._source.details(self._index, self.status)
        put = object.__setattr__
        if (self._remedy is UNREAD and self._explanation is UNREAD
                and self._facts_path is UNREAD and self._facts_line is UNREAD
                and self._working_days_left is UNREAD):  # the usual: none given
            put(self, "_remedy", values[0])
            put(self, "_explanation", values[1])
            put(self, "_facts_path", values[2])
            put(self, "_facts_line", values[3])
            put(self, "_working_days_left", values[4])
            return
        for name, value in zip(_DETAILS, values, strict=True):  # keep what was given
            if getattr(self, name) is UNREAD:
                put(self, name, value)

    def sort_key(self) -> tuple[str, str, str, str]:
        """(rule, algorithm, platform, filing), a missing part first (see :func:`order_key`)."""
        return (self.rule, self.algorithm or "", self.platform or "", self.filing or "")

    def to_dict(self) -> dict[str, Any]:
        """The finding as the JSON report carries it (:data:`FINDING_FIELDS`)."""
        out: dict[str, Any] = {}
        for field in FINDING_FIELDS:
            value = field.to_json(self)
            if value is not ABSENT:
                out[field.name] = value
        return out

    def __reduce__(self) -> tuple[Any, ...]:
        # pickled with its details worked out (not with the evaluation behind them)
        return (Finding, (
            self.rule, self.status, self.severity, self.algorithm, self.platform,
            self.filing, self.message, self.citation, self.remedy, self.deadline,
            self.explanation, self.origin, self.span, self.facts_path, self.facts_line,
            self.platforms, self.working_days_left, None, 0, self.waiver,
        ))


_DETAILS: Final = ("_remedy", "_explanation", "_facts_path", "_facts_line",
                   "_working_days_left")


#: the slots of :class:`Finding`, in the constructor's order (its own setters: the
#: class is frozen)
_SETTERS: Final = tuple(Finding.__dict__[a.name].__set__ for a in attrs.fields(Finding))


def build_findings(n: int, columns: Iterable[Iterable[Any]]) -> list[Finding]:
    """``n`` findings from ``columns``: one iterable per constructor argument, in order
    (``repeat(value)`` for a value every finding shares; each at least ``n`` long).

    The same objects as ``Finding(*row)`` row by row (the constructor has no
    validators or defaults to run when every argument is given), built at C speed:
    each slot is filled for all findings in one pass over its descriptor
    (``tests/engine/test_build_findings.py`` compares the two).
    """
    found = list(map(object.__new__, repeat(Finding, n)))
    given = 0
    for put, values in zip(_SETTERS, columns, strict=False):
        deque(map(put, found, values), maxlen=0)
        given += 1
    if given != len(_SETTERS):
        raise ValueError(f"{given} columns for {len(_SETTERS)} finding attributes")
    return found


# --- the wire shape ------------------------------------------------------------------

#: how a wire field's value is written (see :data:`_KINDS`)
Kind = Literal["text", "text?", "date?", "int?", "lines", "platforms", "policy_location",
               "facts_location", "waiver"]


class _Absent:
    __slots__ = ()


#: a wire field left out of a finding's JSON (an optional field with nothing to say)
ABSENT: Final[Any] = _Absent()

#: kind -> (JSON value of the attributes it reads, JSON Schema of that value, optional)
_KINDS: Final[dict[str, tuple[Callable[..., Any], dict[str, Any], bool]]] = {
    "text": (lambda v: v, {"type": "string"}, False),
    "text?": (lambda v: v, {"type": ["string", "null"]}, False),
    "date?": (lambda v: v.isoformat() if v else None,
              {"type": ["string", "null"], "format": "date"}, False),
    "int?": (lambda v: v, {"type": ["integer", "null"]}, False),
    "lines": (lambda v: list(v), {"type": "array", "items": {"type": "string"}}, False),
    "platforms": (lambda v: list(v) if v else ABSENT,
                  {"type": "array", "items": {"type": "string"}, "minItems": 1}, True),
    "policy_location": (
        lambda span: ABSENT if span is None else
        {"file": span.file, "line": span.line, "column": span.column},
        {"type": "object", "required": ["file", "line", "column"],
         "properties": {"file": {"type": "string"}, "line": {"type": "integer"},
                        "column": {"type": "integer"}}},
        True),
    "facts_location": (
        lambda path, line: ABSENT if path is None else {"path": path, "line": line},
        {"type": "object", "required": ["path", "line"],
         "properties": {"path": {"type": "string"}, "line": {"type": ["integer", "null"]}}},
        True),
    "waiver": (
        lambda waiver: ABSENT if waiver is None else waiver.to_dict(),
        {"type": "object", "required": ["reason", "owner", "expires", "where"],
         "properties": {"reason": {"type": "string"}, "owner": {"type": "string"},
                        "expires": {"type": "string", "format": "date"},
                        "where": {"type": "string",
                                  "description": "the entry in the waivers file: "
                                  "FILE waivers[N]"}}},
        True),
}


@attrs.frozen
class WireField:
    """One key of a finding's JSON object."""

    #: the JSON key
    name: str
    kind: Kind
    #: the :class:`Finding` attributes it is written from
    reads: tuple[str, ...]
    description: str
    #: the same for every finding of a rule with a status (written once per rule)
    shared: bool = False
    #: the values it may take, if listed
    enum: tuple[str, ...] | None = None

    @property
    def optional(self) -> bool:
        """Left out of a finding that has nothing to say (else always there)."""
        return _KINDS[self.kind][2]

    def to_json(self, finding: Any) -> Any:
        """The JSON value of this field for ``finding`` (a :class:`Finding`, or anything
        with its attributes; :data:`ABSENT`: left out)."""
        convert = _KINDS[self.kind][0]
        return convert(*[getattr(finding, name) for name in self.reads])

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = (
            {"enum": list(self.enum)} if self.enum is not None else dict(_KINDS[self.kind][1]))
        out["description"] = self.description
        return out


#: the finding's fields on the wire, in the order its JSON object has them
FINDING_FIELDS: Final[tuple[WireField, ...]] = (
    WireField("rule", "text", ("rule",),
              "rule id: POLICY/NAME, or NAME outside a policy block", shared=True),
    WireField("status", "text", ("status",), "the rule's decision for this scope key",
              shared=True, enum=STATUSES),
    WireField("severity", "text", ("severity",), "mandatory rules fail `policy-sdk check`",
              shared=True, enum=SEVERITIES),
    WireField("algorithm", "text?", ("algorithm",), "the scope key's algorithm id"),
    WireField("platform", "text?", ("platform",),
              "the scope key's platform id (per platform/deployment rules)"),
    WireField("filing", "text?", ("filing",),
              "the scope key's filing number (per filing rules)"),
    WireField("message", "text", ("message",), "the rule's title", shared=True),
    WireField("citation", "text?", ("citation",),
              "the legal basis, e.g. 《互联网信息服务算法推荐管理规定》第二十四条第一款",
              shared=True),
    WireField("remedy", "text?", ("remedy",), "what to do about it"),
    WireField("deadline", "date?", ("deadline",),
              "due date of a violated or pending obligation with a time limit"),
    WireField("working_days_left", "int?", ("working_days_left",),
              "Chinese working days from as_of to the deadline: 0 when due on as_of (or "
              "before the next working day), negative when overdue (minus the working days "
              "since the deadline, as_of included; at least 1); null without a deadline"),
    WireField("explanation", "lines", ("explanation",),
              "the facts the rule read and the records it looked for"),
    WireField("origin", "text", ("origin",),
              "the policy file, or plugin:NAME, the rule came from", shared=True),
    WireField("policy_location", "policy_location", ("span",),
              "where the rule stands in its policy file", shared=True),
    WireField("facts_location", "facts_location", ("facts_path", "facts_line"),
              "where the scope key stands in the facts file (a YAML file's line)"),
    WireField("platforms", "platforms", ("platforms",),
              "per-filing findings: the platforms the filing names (sorted); the "
              "finding is listed once and concerns each of them"),
    WireField("waiver", "waiver", ("waiver",),
              "a waived finding: the waiver in force that accepts it (`check --waivers`)"),
)


#: the :class:`Finding` attributes the wire fields read, in wire order: a finding as a
#: row of values (what the JSON writer reads, :data:`row_of`)
ROW: Final[tuple[str, ...]] = tuple(name for field in FINDING_FIELDS for name in field.reads)
#: the :class:`Finding` constructor's arguments, in order (``source`` aside)
INIT: Final[tuple[str, ...]] = tuple(str(a.alias) for a in attrs.fields(Finding)
                                     if a.alias not in ("source", "index"))
#: ``finding -> row`` (:data:`ROW`)
row_of: Final[Callable[[Finding], tuple[Any, ...]]] = attrgetter(*ROW)
#: ``constructor arguments (:data:`INIT`) -> row``: an engine makes a row as it would
#: make the finding, with no finding
row_from_init: Final[Callable[[tuple[Any, ...]], tuple[Any, ...]]] = itemgetter(
    *[INIT.index(name) for name in ROW])


def finding_schema() -> dict[str, Any]:
    """The JSON Schema of a finding (``$defs.finding`` of ``docs/report.schema.json``)."""
    return {
        "type": "object",
        "required": [f.name for f in FINDING_FIELDS if not f.optional],
        "properties": {f.name: f.schema() for f in FINDING_FIELDS},
    }


# --- orders ----------------------------------------------------------------------------


def order_key(
    rule: str, algorithm: str | None, platform: str | None, filing: str | None, status: str
) -> tuple[str, str, str, str, str]:
    """The order of a report's findings (JSON, SARIF, ``Report.findings``): by rule,
    algorithm, platform, filing (a missing part first), then status. The one place it
    is defined: the report and the engine's source of findings both sort by it."""
    return (rule, algorithm or "", platform or "", filing or "", status)


def finding_order(f: Finding) -> tuple[str, str, str, str, str]:
    """:func:`order_key` of a finding."""
    return (f.rule, f.algorithm or "", f.platform or "", f.filing or "", f.status)


#: rank by status in :func:`urgency_key` (violated with a deadline comes first)
_URGENCY: Final = {"violated": 1, "pending": 2, "waived": 3, "satisfied": 4,
                   "not_applicable": 5}


def urgency_key(f: Finding) -> tuple[int, int, tuple[str, str, str, str, str]]:
    """The order for people (text, HTML, spreadsheets): overdue first (the longest
    overdue first), then other violations, then pending by deadline (the nearest
    first), then the rest; ties in :func:`order_key` order. JSON and SARIF keep
    :func:`order_key` (stable for diffs); programs sort by ``working_days_left``."""
    rank = _URGENCY[f.status]
    if rank == 1 and f.deadline is not None:
        rank = 0
    due = f.deadline.toordinal() if f.deadline is not None else 0
    return (rank, due, finding_order(f))
