"""Findings and reports: what evaluation returns.

A :class:`Report` holds every finding of every rule (satisfied and not applicable
included); its JSON form lists violated and pending findings by default and always
counts all. The JSON contract is documented in ``docs/report.schema.json``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence, Sized
from json.encoder import encode_basestring  # the C implementation when available
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol

import attrs

from policy_sdk._gc import gc_paused
from policy_sdk.ast.nodes import SEVERITIES
from policy_sdk.engine.jsontext import dumps as json_text
from policy_sdk.engine.jsontext import dumps_nested as json_nested
from policy_sdk.errors import Diagnostic, EvaluationError, Span, did_you_mean

if TYPE_CHECKING:
    from policy_sdk.engine.explain import FindingRows

Status = Literal["violated", "pending", "satisfied", "not_applicable"]
STATUSES: Final[tuple[Status, ...]] = ("violated", "pending", "satisfied", "not_applicable")


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
    remedy: str | None = attrs.field(default=None, eq=False)
    deadline: dt.date | None = None
    explanation: tuple[str, ...] = attrs.field(default=(), eq=False)
    #: where the rule came from: a policy file path or ``plugin:NAME``
    origin: str = attrs.field(default="", eq=False)
    span: Span | None = attrs.field(default=None, eq=False, repr=False)
    #: where in the facts the scope key stands: data path (``deployments[3]``) and line
    facts_path: str | None = attrs.field(default=None, eq=False, repr=False)
    facts_line: int | None = attrs.field(default=None, eq=False, repr=False)
    #: for a per-filing finding, the platforms the filing names (sorted), so that text
    #: output can show it under each of them; empty for other findings
    platforms: tuple[str, ...] = attrs.field(default=(), eq=False, repr=False)
    #: the deadline was counted through a year the working-day calendar does not know
    #: (Monday to Friday without the moving holidays; docs/calendar.md)
    provisional: bool = attrs.field(default=False, eq=False)

    def sort_key(self) -> tuple[str, str, str, str]:
        return (self.rule, self.algorithm or "", self.platform or "", self.filing or "")

    def to_dict(self) -> dict[str, Any]:
        """The finding as the JSON report carries it (``docs/report.schema.json``)."""
        out: dict[str, Any] = {
            "rule": self.rule,
            "status": self.status,
            "severity": self.severity,
            "algorithm": self.algorithm,
            "platform": self.platform,
            "filing": self.filing,
            "message": self.message,
            "citation": self.citation,
            "remedy": self.remedy,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "explanation": list(self.explanation),
            "origin": self.origin,
        }
        if self.span is not None:
            out["policy_location"] = {"file": self.span.file, "line": self.span.line,
                                      "column": self.span.column}
        if self.facts_path is not None:
            out["facts_location"] = {"path": self.facts_path, "line": self.facts_line}
        return out


@attrs.frozen
class RuleInfo:
    """What a report says about a rule it ran (for reporters such as SARIF)."""

    id: str
    severity: str
    message: str
    citation: str | None = None
    remedy: str | None = None
    interpretation: str | None = None
    origin: str = ""
    span: Span | None = None


_WANTED_DEFAULT: Final = ("violated", "pending")


class Report:
    """Every finding of an evaluation, and counts by status.

    ``findings`` holds all findings (satisfied and not applicable included), sorted
    by :meth:`Finding.sort_key`. An engine-made report builds Finding objects only
    when they are asked for (``counts`` never needs them, and :meth:`to_json` writes
    findings not built yet straight from the rules' outcomes), so evaluating a large
    facts file and reading its violations stays cheap. Reports are immutable,
    safe to share between threads, and pickle as their findings.
    """

    __slots__ = ("_all", "_as_of", "_counts", "_lazy", "_rules", "_selected")

    def __init__(
        self,
        findings: Iterable[Finding] = (),
        *,
        as_of: dt.date,
        counts: Mapping[str, int] | None = None,
        rules: Sequence[RuleInfo] = (),
        lazy: LazyFindings | None = None,
    ) -> None:
        self._as_of = as_of
        self._rules = tuple(rules)
        self._lazy = lazy
        self._selected: dict[tuple[str, ...], tuple[Finding, ...]] = {}
        if lazy is None:
            ordered = tuple(sorted(findings, key=_order))
            self._all: tuple[Finding, ...] | None = ordered
            tally: dict[str, int] = {s: 0 for s in STATUSES}
            for f in ordered:
                tally[f.status] += 1
            self._counts = dict(counts) if counts is not None else tally
        else:
            self._all = None
            self._counts = dict(counts) if counts is not None else lazy.counts()

    @property
    def as_of(self) -> dt.date:
        return self._as_of

    @property
    def counts(self) -> Mapping[str, int]:
        """Findings by status, all of them (every status present, zero or not)."""
        return dict(self._counts)

    @property
    def rules(self) -> tuple[RuleInfo, ...]:
        return self._rules

    @property
    def findings(self) -> tuple[Finding, ...]:
        if self._all is None:
            self._all = self.select(STATUSES)
        return self._all

    def select(
        self,
        statuses: Sequence[str] | str = _WANTED_DEFAULT,
        *,
        severity: str | None = None,
        rule: str | None = None,
    ) -> tuple[Finding, ...]:
        """The findings with one of ``statuses`` (and ``severity``, and of ``rule``, if
        given), sorted. A single string is one status.

        A status, severity or rule id the report cannot have is an
        :class:`~policy_sdk.errors.EvaluationError` (with a did-you-mean), not an empty
        answer: a misspelt filter must not look like "no findings".
        """
        if isinstance(statuses, str):
            statuses = (statuses,)
        self._check_filters(statuses, severity, rule)
        key = (*sorted(statuses), severity or "", rule or "")
        found = self._selected.get(key)
        if found is None:
            if self._all is not None or self._lazy is None:
                pool: Iterable[Finding] = self._all or ()
                found = tuple(f for f in pool if f.status in statuses)
            else:
                found = self._build(statuses, severity, rule)
            if severity is not None:
                found = tuple(f for f in found if f.severity == severity)
            if rule is not None:
                found = tuple(f for f in found if f.rule == rule)
            self._selected[key] = found
        return found

    def _build(
        self, statuses: Sequence[str], severity: str | None, rule: str | None
    ) -> tuple[Finding, ...]:
        """The lazy findings of ``statuses``, sorted (of ``severity`` and ``rule`` at
        least: the caller filters again)."""
        assert self._lazy is not None
        from policy_sdk.engine.explain import FindingRows

        # many small objects, no cycles: nothing for the collector (that would walk all
        # facts and findings made so far, up to 2 s for a large facts file)
        with gc_paused():
            rows = FindingRows.of(self._lazy, statuses, severity, rule)
            if rows is not None:  # an engine report's: sorted first, made in order
                return tuple(rows.findings())
            return tuple(sorted(self._lazy.build(tuple(statuses)), key=_order))

    def _check_filters(
        self, statuses: Sequence[str], severity: str | None, rule: str | None
    ) -> None:
        problems: list[Diagnostic] = []

        def unknown(code: str, message: str, value: object, what: str,
                    known: Sequence[str]) -> None:
            hint = did_you_mean(value, known) if isinstance(value, str) else None
            if hint and len(known) > 5:  # the suggestion alone: a long list would drown it
                help = hint
            else:
                listed = ", ".join(f"`{k}`" for k in known) if len(known) <= 20 else (
                    f"{len(known)} of them, in `report.rules`")
                listed = f"{what}: {listed or 'none'}"
                help = f"{hint} ({listed})" if hint else listed
            problems.append(Diagnostic(code, message, help=help))

        for status in statuses:
            if status not in STATUSES:
                unknown("unknown-status", f"unknown status `{status}`", status, "statuses",
                        STATUSES)
        if severity is not None:
            severities = (*SEVERITIES, *sorted({r.severity for r in self._rules} - {*SEVERITIES}))
            if severity not in severities:
                unknown("unknown-severity", f"unknown severity `{severity}`", severity,
                        "severities", severities)
        if rule is not None:
            ids = {r.id for r in self._rules}
            if not ids and self._all is not None:  # a report made from findings alone
                ids = {f.rule for f in self._all}
            if rule not in ids:
                unknown("unknown-rule", f"no rule of this report has the id `{rule}`", rule,
                        "rules", sorted(ids))
        if problems:
            raise EvaluationError(problems)

    def violations(
        self, *, severity: str | None = None, rule: str | None = None
    ) -> tuple[Finding, ...]:
        """Violated findings (of ``severity`` and ``rule``, if given)."""
        return self.select(("violated",), severity=severity, rule=rule)

    @property
    def failed(self) -> bool:
        """Whether a mandatory rule is violated (``policy-sdk check`` exits 1)."""
        return bool(self.violations(severity="mandatory"))

    def to_dict(self, include_all: bool = False, *, severity: str | None = None) -> dict[str, Any]:
        """The JSON form (``docs/report.schema.json``): violated and pending findings
        (``include_all``: every finding), and counts of all findings by status."""
        statuses = STATUSES if include_all else _WANTED_DEFAULT
        listed = self.select(statuses, severity=severity)
        return {
            "as_of": self._as_of.isoformat(),
            "summary": {
                **{s: self._counts.get(s, 0) for s in STATUSES},
                "total": sum(self._counts.values()),
                "listed": len(listed),
            },
            "findings": [f.to_dict() for f in listed],
        }

    def to_json(
        self, include_all: bool = False, *, severity: str | None = None, indent: int | None = 2
    ) -> str:
        """``json.dumps(self.to_dict(...), ensure_ascii=False, indent=indent)``, the same
        text, written finding by finding (no dict per finding; see :class:`_FindingText`)."""
        return self._json(include_all, severity, indent)

    def _json(
        self, include_all: bool, severity: str | None, indent: int | None, end: str = ""
    ) -> str:
        """:meth:`to_json` followed by ``end`` (for the json reporter: a report of a
        million findings is a gigabyte of text, not to be copied again for a newline)."""
        with gc_paused():  # many strings, no cycles: nothing for the collector
            if indent is None or type(indent) is int:
                try:
                    return self._json_text(include_all, severity, indent, end)
                except (TypeError, ValueError):  # a hand-made finding with unusual values
                    pass
            return json_text(self.to_dict(include_all, severity=severity), indent=indent) + end

    def _json_text(
        self, include_all: bool, severity: str | None, indent: int | None, end: str
    ) -> str:
        statuses = STATUSES if include_all else _WANTED_DEFAULT
        self._check_filters(statuses, severity, None)
        rows: FindingRows | None = None
        if self._lazy is not None and self._selected.get(
                (*sorted(statuses), severity or "", "")) is None:
            # an engine report's findings not built yet: written from the rules'
            # outcomes directly, with no Finding object each
            from policy_sdk.engine.explain import FindingRows

            rows = FindingRows.of(self._lazy, statuses, severity)
        findings: tuple[Finding, ...] = ()
        if rows is None:
            findings = self.select(statuses, severity=severity)
        listed: Sized = findings if rows is None else rows
        head: dict[str, Any] = {
            "as_of": self._as_of.isoformat(),
            "summary": {
                **{s: self._counts.get(s, 0) for s in STATUSES},
                "total": sum(self._counts.values()),
                "listed": len(listed),
            },
            "findings": [],
        }
        text = json_text(head, indent=indent)
        if not len(listed):
            return text + end
        out: list[str] = []
        writer = _FindingText(indent, out)
        # `"findings": []` closes the text: open the list there, close it after them
        close = "[]" + writer.newline(0) + "}"
        if not text.endswith(close):  # pragma: no cover - json writes an empty list so
            raise ValueError("unexpected report text")
        out.append(text[: -len(close)] + "[" + writer.newline(2))
        if rows is None:
            write = writer.write
            for f in findings:
                write(f)
        else:
            write_row = writer.write_row
            for row in rows:
                write_row(*row)
        writer.close()
        out.append(end)
        return "".join(out)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (self.findings, self._as_of, self._counts, self._rules))

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Report)
            and self._as_of == other._as_of
            and self.counts == other.counts
            and self.findings == other.findings
        )

    def __hash__(self) -> int:
        return hash((self._as_of, tuple(sorted(self._counts.items()))))

    def __repr__(self) -> str:
        counts = ", ".join(f"{s}={n}" for s, n in self._counts.items())
        return f"Report(as_of={self._as_of.isoformat()}, {counts})"


class LazyFindings(Protocol):
    """What builds an engine report's findings on demand."""

    def counts(self) -> dict[str, int]: ...

    def build(self, statuses: tuple[str, ...]) -> list[Finding]: ...


#: stands for a finding's own values in the text of its rule's constant ones
_HOLE: Final = "\x00\x01finding value\x01\x00"


class _FindingText:
    """Writes findings as ``json.dumps`` writes ``f.to_dict()`` in a report's findings
    list (two levels deep), into one list of pieces joined once at the end.

    The text of what a rule's findings share (rule id, status, severity, message,
    citation, origin, policy location) is made once, by the generic encoder, and cut
    at holes for the finding's own values; each finding then costs a few C-level
    string encodings and one ``extend``, and no text of its own that would be copied
    again into the report's. A value of a type ``json.dumps`` would write other than
    as text raises ``TypeError`` (the caller then takes the generic path).
    """

    __slots__ = ("_after", "_dates", "_indent", "_lines", "_tail", "_templates", "out")

    def __init__(self, indent: int | None, out: list[str]) -> None:
        self._indent = indent
        self.out = out
        #: (rule, status, severity, message, citation, origin) -> (span, pieces)
        self._templates: dict[tuple[Any, ...], tuple[Span | None, tuple[str, ...]]] = {}
        self._dates: dict[dt.date, str] = {}
        #: an explanation's opening, separator and closing
        self._lines = ("[" + self.newline(4), self.comma(4), self.newline(3) + "]")
        #: `,\n      "facts_location": {...}` of a finding whose facts location is known
        text = json_nested({"facts_location": {"path": _HOLE, "line": _HOLE}}, indent, 2)
        inner = text[len("{" + self.newline(3)): -len(self.newline(2) + "}")]
        self._tail = _cut(self.comma(3) + inner, 2)
        #: what follows a finding's last value: its closing, and the next one's separator
        self._after = self.newline(2) + "}" + self.comma(2)

    def newline(self, depth: int) -> str:
        return "" if self._indent is None else "\n" + " " * self._indent * depth

    def comma(self, depth: int) -> str:
        """What separates the items of a list or dict ``depth`` levels deep."""
        return ", " if self._indent is None else "," + self.newline(depth)

    def write(self, f: Finding) -> None:
        self.write_row(
            (f.rule, f.status, f.severity, f.message, f.citation, f.origin), f.span,
            f.algorithm, f.platform, f.filing, f.remedy, f.deadline, f.explanation,
            f.facts_path, f.facts_line,
        )

    def write_row(
        self, shared: tuple[Any, ...], span: Span | None, a: Any, p: Any, n: Any, r: Any,
        deadline: Any, lines: Sequence[Any], facts_path: Any, facts_line: Any,
    ) -> None:
        """A finding from its values: ``shared`` are (rule, status, severity, message,
        citation, origin)."""
        found = self._templates.get(shared)
        if found is None or found[0] is not span:
            found = self._templates[shared] = (span, self._template(shared, span))
        c = found[1]
        encode = encode_basestring
        if lines:
            start, between, end = self._lines
            explained = between.join(map(encode, lines))
        else:
            start, explained, end = "[", "", "]"
        if not deadline:
            due = "null"
        elif type(deadline) is dt.date:  # dates repeat: each written once
            known = self._dates.get(deadline)
            if known is None:
                known = self._dates[deadline] = encode(deadline.isoformat())
            due = known
        else:
            due = encode(deadline.isoformat())
        out = self.out
        out += (
            c[0], "null" if a is None else encode(a),
            c[1], "null" if p is None else encode(p),
            c[2], "null" if n is None else encode(n),
            c[3], "null" if r is None else encode(r),
            c[4], due, c[5], start, explained, end, c[6],
        )
        if facts_path is not None:
            if facts_line is None:
                shown = "null"
            elif type(facts_line) is int:
                shown = int.__repr__(facts_line)
            else:
                raise TypeError("facts line")
            t = self._tail
            out += (t[0], encode(facts_path), t[1], shown, t[2])
        out.append(self._after)

    def close(self) -> None:
        """Ends the findings list and the report (after the last finding)."""
        self.out[-1] = self.newline(2) + "}" + self.newline(1) + "]" + self.newline(0) + "}"

    def _template(self, shared: tuple[Any, ...], span: Span | None) -> tuple[str, ...]:
        """The text around the holes of a finding of a rule and status, up to its
        closing: 7 pieces (the holes: algorithm, platform, filing, remedy, deadline,
        explanation; the facts location, if any, follows the last piece)."""
        rule, status, severity, message, citation, origin = shared
        shape = Finding(rule, status, severity, _HOLE, _HOLE, _HOLE, message, citation,
                        _HOLE, None, (), origin, span).to_dict()
        shape["deadline"] = shape["explanation"] = _HOLE
        text = json_nested(shape, self._indent, 2)
        close = self.newline(2) + "}"
        if not text.endswith(close):  # pragma: no cover - a dict's text ends so
            raise ValueError("unexpected finding text")
        return _cut(text[: -len(close)], 6)


def _cut(text: str, n: int) -> tuple[str, ...]:
    """``text`` cut at its ``n`` holes."""
    pieces = tuple(text.split(encode_basestring(_HOLE)))
    if len(pieces) != n + 1:  # pragma: no cover - the hole is no text of a rule's
        raise ValueError("a hole in the text of a constant")
    return pieces


def _order(f: Finding) -> tuple[str, str, str, str, str]:
    """:meth:`Finding.sort_key`, then the status (spelt out: it runs once per finding)."""
    return (f.rule, f.algorithm or "", f.platform or "", f.filing or "", f.status)


def _restore(
    findings: tuple[Finding, ...], as_of: dt.date, counts: Mapping[str, int],
    rules: tuple[RuleInfo, ...],
) -> Report:
    return Report(findings, as_of=as_of, counts=counts, rules=rules)
