"""Findings and reports: what evaluation returns.

A :class:`Report` holds every finding of every rule (satisfied and not applicable
included); its JSON form lists violated, pending and waived findings by default and
always counts all. The JSON contract is documented in ``docs/report.schema.json``.

Two reports are made from a report: :meth:`Report.with_waivers` (waivers and severity
overrides applied: ``waived`` findings, ``waivers/expired`` findings, warnings for
waivers that waive nothing) and :meth:`Report.narrowed` (only some rules, algorithms,
platforms: its counts and :attr:`Report.failed` are those of what it keeps).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, Protocol, cast

import attrs

from policy_sdk._gc import gc_pause_allowed, gc_paused
from policy_sdk.ast.nodes import SEVERITIES
from policy_sdk.engine.finding import (
    STATUSES,
    Finding,
    Status,
    finding_order,
    order_key,
    row_of,
    urgency_key,
)
from policy_sdk.engine.jsontext import FindingText, FindingWriter, dumps_nested, utf8
from policy_sdk.engine.jsontext import dumps as json_text
from policy_sdk.errors import Diagnostic, EvaluationError, Span, did_you_mean

if TYPE_CHECKING:
    from policy_sdk.waivers import Waiver, Waivers

__all__ = ["STATUSES", "Finding", "FindingSelection", "FindingSource", "Report", "RuleInfo",
           "Status", "order_key", "urgency_key"]


class FindingSelection(Protocol):
    """Some findings of a source, in :func:`order_key` order, made as they are iterated
    (as Finding objects, or as rows of values for the JSON writer:
    :data:`~policy_sdk.engine.finding.ROW`, with no object per finding)."""

    def __len__(self) -> int: ...

    def __iter__(self) -> Iterator[Finding]: ...

    def rows(self) -> Iterator[tuple[Any, ...]]: ...


class FindingSource(Protocol):
    """Where an engine report's findings come from
    (:class:`policy_sdk.engine.source.EngineFindings`): exact counts without making
    any finding, and the findings of some statuses (of a severity, of a rule) made on
    demand in the report's order."""

    def counts(self) -> dict[str, int]: ...

    def count(self, statuses: frozenset[str], severity: str | None, rule: str | None) -> int:
        """How many findings :meth:`select` would make."""
        ...

    def select(self, statuses: frozenset[str], severity: str | None,
               rule: str | None) -> FindingSelection: ...


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


#: listed unless every finding is asked for: what needs attention, and what was
#: accepted by a waiver (nothing waived is hidden)
_WANTED_DEFAULT: Final = ("violated", "pending", "waived")
#: what a waiver can waive
_WAIVABLE: Final = ("violated", "pending")
#: pieces of text handed out at once by :meth:`Report.iter_json` (about a megabyte)
_PIECES_PER_CHUNK: Final = 20_000

Meta = Mapping[str, Any]
#: findings made or written at once from which the cyclic collector is paused (below,
#: pausing costs more than the collections it saves)
_PAUSE_FROM: Final = 5_000


@contextlib.contextmanager
def _paused(n: int, allowed: bool) -> Iterator[None]:
    """The collector paused for ``n`` findings, where pausing is allowed (by the
    engine's ``pause_gc``, ``allowed``, or by the caller: :mod:`policy_sdk._gc`)."""
    if n < _PAUSE_FROM:
        yield
        return
    with gc_pause_allowed(allowed), gc_paused():
        yield


class Report:
    """Every finding of an evaluation, and counts by status.

    ``findings`` holds all findings (satisfied and not applicable included), sorted
    by :func:`~policy_sdk.engine.finding.order_key`. An engine-made report reads its
    findings from a :class:`FindingSource`: ``counts`` never makes a finding, a
    selection makes only the findings asked for (and their explanations, remedies and
    facts locations only when read), and :meth:`iter_json` writes findings not asked
    for before without keeping them. Reports are immutable, safe to share between
    threads, and pickle as their findings.

    ``meta`` (engine reports): the provenance the JSON report carries as ``meta``
    (organization, as_of, facts file and its SHA-256, tool, policies and their digest,
    plugins); a callable is called once, when first needed. ``pause_gc``: the report
    may pause the cyclic collector while it makes or writes many findings (the
    engine's choice, :mod:`policy_sdk._gc`).
    """

    __slots__ = ("_all", "_as_of", "_counts", "_had_counts", "_meta", "_pause", "_rules",
                 "_selected", "_source", "_warnings")

    def __init__(
        self,
        findings: Iterable[Finding] = (),
        *,
        as_of: dt.date,
        counts: Mapping[str, int] | None = None,
        rules: Sequence[RuleInfo] = (),
        source: FindingSource | None = None,
        meta: Meta | Callable[[], Meta] | None = None,
        pause_gc: bool = False,
        warnings: Sequence[Diagnostic] = (),
    ) -> None:
        self._as_of = as_of
        self._warnings = tuple(warnings)
        self._pause = pause_gc
        self._rules = tuple(rules)
        self._source = source
        self._meta = meta
        self._selected: dict[tuple[str, ...], Sequence[Finding]] = {}
        # the source's own counts, read once (a source's findings do not change)
        self._had_counts: Mapping[str, int] | None = None
        if source is None:
            ordered = tuple(sorted(findings, key=finding_order))
            self._all: Sequence[Finding] | None = ordered
            tally: dict[str, int] = {s: 0 for s in STATUSES}
            for f in ordered:
                tally[f.status] += 1
            self._counts = dict(counts) if counts is not None else tally
        else:
            self._all = None
            if counts is None:
                self._had_counts = source.counts()
                self._counts = dict(self._had_counts)
            else:
                self._counts = dict(counts)

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
    def warnings(self) -> tuple[Diagnostic, ...]:
        """What the report warns about (a waiver in force that waives nothing, an expired
        severity override); the JSON report lists them as ``warnings``."""
        return self._warnings

    def with_warnings(self, warnings: Sequence[Diagnostic], *, first: bool = False) -> Report:
        """This report with more :attr:`warnings` (``first``: before its own); the
        findings, counts and caches are shared, nothing is evaluated again."""
        if not warnings:
            return self
        new = object.__new__(Report)
        for name in Report.__slots__:
            setattr(new, name, getattr(self, name))
        new._warnings = ((*warnings, *self._warnings) if first
                         else (*self._warnings, *warnings))
        return new

    def severity_counts(self) -> dict[str, dict[str, int]]:
        """Findings by status, then by severity (``mandatory``, ``advisory`` and any
        other a plugin uses), every status and severity present; counted without
        making findings where the report can."""
        severities = (*SEVERITIES, *sorted({r.severity for r in self._rules} - {*SEVERITIES}))
        if self._source is not None:
            return {s: {v: self._source.count(frozenset((s,)), v, None) for v in severities}
                    for s in STATUSES}
        out: dict[str, dict[str, int]] = {s: dict.fromkeys(severities, 0) for s in STATUSES}
        for f in self.findings:
            by = out[f.status]
            by[f.severity] = by.get(f.severity, 0) + 1
        return out

    def with_waivers(self, waivers: Waivers) -> Report:
        """This report with ``waivers`` applied as of its as-of date (``docs/waivers.md``).

        * a severity override in force changes its rule's severity (its findings', and
          so :attr:`failed`);
        * a violated or pending finding matched by a waiver in force becomes ``waived``
          (carrying the waiver; the first matching waiver in file order);
        * an expired waiver waives nothing and is itself a violated finding of rule
          ``waivers/expired``, with the severity of the rule it waived;
        * a waiver in force that matched nothing, and an expired severity override, are
          :attr:`warnings`.

        A rule id the report does not have is a :class:`~policy_sdk.waivers.WaiverError`
        with a did-you-mean (a typo would waive nothing, silently). The new report holds
        its findings (made here, with their details).
        """
        from policy_sdk.i18n import _
        from policy_sdk.waivers import EXPIRED_RULE

        ids = [r.id for r in self._rules] or sorted({f.rule for f in self.findings})
        waivers.check_rules(ids)
        day = self._as_of
        used: set[Waiver] = set()
        out: list[Finding] = []
        for f in self.findings:
            severity = waivers.severity_of(f.rule, day)
            changes: dict[str, Any] = {}
            if severity is not None and severity != f.severity:
                changes["severity"] = severity
            if f.status in _WAIVABLE:
                waiver = waivers.find(f.rule, f.algorithm, f.platform, f.filing, day,
                                      f.platforms)
                if waiver is not None:
                    used.add(waiver)
                    changes["status"] = "waived"
                    changes["waiver"] = waiver
            if changes:
                read = f.remedy  # details worked out for the status the rule gave
                del read
                f = attrs.evolve(f, **changes)
            out.append(f)
        infos = [attrs.evolve(r, severity=sev) if (sev := waivers.severity_of(r.id, day))
                 else r for r in self._rules]
        by_id = {r.id: r for r in infos}
        expired = waivers.expired(day)
        for w in expired:
            rule = by_id.get(w.rule)
            severity = waivers.severity_of(w.rule, day) or (
                rule.severity if rule is not None else "mandatory")
            out.append(Finding(
                EXPIRED_RULE, "violated", severity, w.algorithm, w.platform, w.filing,
                _("the waiver of `{rule}` expired on {date} (owner {owner}; reason: "
                  "{reason})").format(rule=w.rule, date=w.expires.isoformat(),
                                      owner=w.owner, reason=w.reason),
                None,
                _("fix the finding and remove the waiver, or renew it with a later "
                  "`expires` if the finding is still accepted"),
                None,
                (_("waiver {where}: rule `{rule}`, owner {owner}, expired on {date}").format(
                    where=w.where, rule=w.rule, owner=w.owner, date=w.expires.isoformat()),),
                waivers.file or "waivers",
            ))
        if waivers.waivers and EXPIRED_RULE not in by_id:
            infos.append(RuleInfo(
                EXPIRED_RULE, "mandatory", _("an expired waiver"),
                remedy=_("fix the finding and remove the waiver, or renew it"),
                origin=waivers.file or "waivers"))
        return Report(out, as_of=day, rules=sorted(infos, key=lambda r: r.id),
                      meta=self._meta, pause_gc=self._pause,
                      warnings=(*self._warnings, *waivers.warnings(used, day)))

    def narrowed(
        self, *, rules: Sequence[str] = (), algorithms: Sequence[str] = (),
        platforms: Sequence[str] = (), known_algorithms: Sequence[str] | None = None,
        known_platforms: Sequence[str] | None = None,
    ) -> Report:
        """Only the findings of one of ``rules``, one of ``algorithms`` and one of
        ``platforms`` (a filter not given keeps everything; a per-filing finding is of
        each platform its filing names): the new report's counts and :attr:`failed` are
        those of what it keeps.

        A value the report cannot have is an :class:`~policy_sdk.errors.EvaluationError`
        with a did-you-mean, not an empty report: a rule id not among :attr:`rules`, an
        algorithm or platform id not among ``known_algorithms``/``known_platforms``
        (when given: the facts' ids).
        """
        from policy_sdk.i18n import N_, _

        problems: list[Diagnostic] = []
        ids = sorted({r.id for r in self._rules} or {f.rule for f in self.findings})
        for what, values, known, message, heading in (
                ("rule", rules, ids, N_("no rule `{value}` in this report"),
                 N_("its rules: {listed}")),
                ("algorithm", algorithms, known_algorithms,
                 N_("no algorithm `{value}` in the facts"), N_("the facts' algorithms: {listed}")),
                ("platform", platforms, known_platforms,
                 N_("no platform `{value}` in the facts"), N_("the facts' platforms: {listed}"))):
            if known is None:
                continue
            for value in values:
                if value not in known:
                    listed = ", ".join(f"`{k}`" for k in sorted(known)[:20]) or "-"
                    problems.append(Diagnostic(
                        f"unknown-{what}", _(message).format(value=value),
                        help=did_you_mean(value, known) or _(heading).format(listed=listed)))
        if problems:
            raise EvaluationError(problems)
        if not (rules or algorithms or platforms):
            return self
        want_rules, want_algorithms, want_platforms = set(rules), set(algorithms), set(platforms)
        kept = [
            f for f in self.findings
            if (not want_rules or f.rule in want_rules)
            and (not want_algorithms or f.algorithm in want_algorithms)
            and (not want_platforms or f.platform in want_platforms
                 or not want_platforms.isdisjoint(f.platforms))
        ]
        infos = [r for r in self._rules if not want_rules or r.id in want_rules]
        return Report(kept, as_of=self._as_of, rules=infos, meta=self._meta,
                      pause_gc=self._pause, warnings=self._warnings)

    @property
    def meta(self) -> Mapping[str, Any] | None:
        """The report's provenance (``meta`` of the JSON report), if known — a copy:
        what the engine says of its policies and plugins is shared by all its reports,
        and changing it here changes no report."""
        meta = self._provenance()
        return None if meta is None else _copied(meta)

    def _provenance(self) -> Mapping[str, Any] | None:
        """:attr:`meta` itself (shared: read, never changed)."""
        meta = self._meta
        if callable(meta):
            meta = self._meta = meta()
        return meta

    @property
    def findings(self) -> Sequence[Finding]:
        if self._all is None:
            self._all = self.select(STATUSES)
        return self._all

    def select(
        self,
        statuses: Sequence[str] | str = _WANTED_DEFAULT,
        *,
        severity: str | None = None,
        rule: str | None = None,
    ) -> Sequence[Finding]:
        """The findings with one of ``statuses`` (and ``severity``, and of ``rule``, if
        given), sorted. A single string is one status.

        An engine's report gives a sequence that stands for the tuple of those findings
        (equal to it; slices are tuples) and makes them as they are read, keeping none
        (:class:`policy_sdk.engine.source.Selection`).

        A status, severity or rule id the report cannot have is an
        :class:`~policy_sdk.errors.EvaluationError` (with a did-you-mean), not an empty
        answer: a misspelt filter must not look like "no findings".
        """
        if isinstance(statuses, str):
            statuses = (statuses,)
        self._check_filters(statuses, severity, rule)
        key = self._key(statuses, severity, rule)
        found = self._selected.get(key)
        if found is None:
            if self._source is None:
                found = tuple(
                    f for f in self._all or () if f.status in statuses
                    and (severity is None or f.severity == severity)
                    and (rule is None or f.rule == rule))
            else:  # made as read (source.Selection)
                found = cast("Sequence[Finding]",
                             self._source.select(self._had(statuses), severity, rule))
            self._selected[key] = found
        return found

    def _had(self, statuses: Sequence[str]) -> frozenset[str]:
        """Of ``statuses``, those the source has findings of, to ask it for: asked for
        one it has none of (an engine's ``waived``), it would read every scope key's
        status (seconds for a million deployments) to find none."""
        assert self._source is not None
        have = self._had_counts
        if have is None:
            have = self._had_counts = self._source.counts()
        return frozenset(s for s in statuses if have.get(s, 0))

    @staticmethod
    def _key(statuses: Sequence[str], severity: str | None, rule: str | None) -> tuple[str, ...]:
        return (*sorted(set(statuses)), "\x00", severity or "", rule or "")

    def by_urgency(
        self, statuses: Sequence[str] | str = _WANTED_DEFAULT, *, severity: str | None = None,
        rule: str | None = None,
    ) -> list[Finding]:
        """:meth:`select`, in the order for people (:func:`urgency_key`: overdue first,
        then by deadline)."""
        return sorted(self.select(statuses, severity=severity, rule=rule), key=urgency_key)

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
    ) -> Sequence[Finding]:
        """Violated findings (of ``severity`` and ``rule``, if given)."""
        return self.select(("violated",), severity=severity, rule=rule)

    @property
    def failed(self) -> bool:
        """Whether a mandatory rule is violated (``policy-sdk check`` exits 1)."""
        if self._source is not None:
            # counted without making findings: any mandatory violation will do
            return self._source.count(frozenset(("violated",)), "mandatory", None) > 0
        return bool(self.violations(severity="mandatory"))

    def _head(self, listed: int) -> dict[str, Any]:
        """The report's JSON object without its findings (an empty list)."""
        head: dict[str, Any] = {"as_of": self._as_of.isoformat()}
        meta = self._provenance()
        if meta is not None:
            head["meta"] = dict(meta)
        head["summary"] = {
            **{s: self._counts.get(s, 0) for s in STATUSES},
            "total": sum(self._counts.values()),
            "listed": listed,
        }
        head["findings"] = []
        return head

    def to_dict(self, include_all: bool = False, *, severity: str | None = None) -> dict[str, Any]:
        """The JSON form (``docs/report.schema.json``): violated and pending findings
        (``include_all``: every finding), and counts of all findings by status."""
        statuses = STATUSES if include_all else _WANTED_DEFAULT
        listed = self.select(statuses, severity=severity)
        out = self._head(len(listed))
        out["findings"] = [f.to_dict() for f in listed]
        if self._warnings:
            out["warnings"] = self._warnings_json()
        return out

    def _warnings_json(self) -> list[dict[str, Any]]:
        return [{"code": w.code, "message": w.message, "path": w.path, "help": w.help}
                for w in self._warnings]

    def to_json(
        self, include_all: bool = False, *, severity: str | None = None, indent: int | None = 2
    ) -> str:
        """``json.dumps(self.to_dict(...), ensure_ascii=False, indent=indent)``, the same
        text, written finding by finding (no dict per finding; see
        :class:`~policy_sdk.engine.jsontext.FindingWriter`)."""
        return "".join(self._iter_json(include_all, severity, indent, "", None))

    def iter_json(
        self, include_all: bool = False, *, severity: str | None = None,
        indent: int | None = 2, end: str = "",
    ) -> Iterator[str]:
        """:meth:`to_json`'s text followed by ``end``, in pieces of about a megabyte, for
        writing a large report to a stream (``policy_sdk._io.write_stream``) without
        holding its text: findings not asked for before are made as they are written
        and not kept. The filters are checked before the first piece."""
        return self._iter_json(include_all, severity, indent, end, _PIECES_PER_CHUNK)

    def iter_json_utf8(
        self, include_all: bool = False, *, severity: str | None = None,
        indent: int | None = 2, end: str = "",
    ) -> Iterator[bytes]:
        """:meth:`iter_json`'s pieces in UTF-8, as ``policy_sdk._io`` writes text (a lone
        surrogate backslash-escaped: :func:`~policy_sdk.engine.jsontext.utf8`); an
        engine's findings are written in UTF-8 directly, never as text (a Chinese
        citation makes a finding's text twice its size in memory)."""
        return self._iter_json(include_all, severity, indent, end, _PIECES_PER_CHUNK, True)

    def _iter_json(
        self, include_all: bool, severity: str | None, indent: int | None, end: str,
        chunk: int | None, binary: bool = False,
    ) -> Iterator[Any]:
        """:meth:`iter_json`, in pieces of ``chunk`` pieces of text (None: one piece);
        ``binary``: :meth:`iter_json_utf8`."""
        if indent is not None and type(indent) is not int:
            text = json_text(self.to_dict(include_all, severity=severity), indent=indent) + end
            return iter((utf8(text) if binary else text,))
        statuses = STATUSES if include_all else _WANTED_DEFAULT
        self._check_filters(statuses, severity, None)
        listed: FindingSelection | Sequence[Finding]
        known = self._selected.get(self._key(statuses, severity, None))
        if known is not None or self._source is None:
            listed = known if known is not None else self.select(statuses, severity=severity)
        else:  # made as written
            with _paused(sum(self._counts.get(s, 0) for s in statuses), self._pause):
                listed = self._source.select(self._had(statuses), severity, None)
        head = self._head(len(listed))
        runs = None if isinstance(listed, tuple) else getattr(listed, "runs", None)
        if binary and (runs is None or not len(listed)):  # the text's pieces, encoded
            return map(utf8, self._json_pieces(head, listed, indent, end, chunk, False))
        return self._json_pieces(head, listed, indent, end, chunk, binary)

    def _json_pieces(
        self, head: dict[str, Any], listed: FindingSelection | Sequence[Finding],
        indent: int | None, end: str, chunk: int | None, binary: bool,
    ) -> Iterator[Any]:
        """The report's text in pieces (``binary``: in UTF-8, for an engine's findings
        only)."""
        if not head["summary"]["listed"]:
            if self._warnings:
                head["warnings"] = self._warnings_json()
            yield json_text(head, indent=indent) + end
            return
        text = json_text(head, indent=indent)
        after = ""
        if self._warnings:  # after the findings, as json.dumps writes the dict
            after = ("," if indent is not None else ", ") + (
                "" if indent is None else "\n" + " " * indent) + '"warnings": ' + (
                dumps_nested(self._warnings_json(), indent, 1))
        writer = FindingWriter(indent)

        def newline(depth: int) -> str:
            return "" if indent is None else "\n" + " " * indent * depth

        # `"findings": []` closes the text: open the list there, close it after them
        close = "[]" + newline(0) + "}"
        if not text.endswith(close):  # pragma: no cover - json writes an empty list so
            raise ValueError("unexpected report text")
        runs = None if isinstance(listed, tuple) else getattr(listed, "runs", None)
        opening = text[: -len(close)] + "[" + newline(2)
        closing = newline(1) + "]" + after + newline(0) + "}" + end
        # many strings, no cycles: nothing for the collector
        with _paused(len(listed), self._pause):
            if runs is not None:  # an engine's findings: made as text, run by run
                per_piece = max(1, chunk // 20) if chunk else len(listed)
                if binary:
                    made: list[Any] = [utf8(opening)]
                    yield from _run_texts(runs(), FindingText(indent), made, per_piece, True)
                    made.append(utf8(closing))
                    yield b"".join(made)
                    return
                made = [opening]
                yield from _run_texts(runs(), FindingText(indent), made, per_piece, False)
                made.append(closing)
                yield "".join(made)
                return
            out = writer.out
            out.append(opening)
            rows = listed.rows() if hasattr(listed, "rows") else map(row_of, listed)
            yield from writer.write_rows(rows, chunk or 0)
        out.append(closing)
        yield "".join(out)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (self.findings, self._as_of, self._counts, self._rules,
                           self._provenance(), self._warnings))

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


def _run_texts(
    runs: Iterator[tuple[Any, list[int], list[str]]], writer: FindingText, out: list[Any],
    per_piece: int, binary: bool,
) -> Iterator[Any]:
    """The findings of an engine's selection (:meth:`Selection.runs
    <policy_sdk.engine.source.Selection.runs>`) written after what ``out`` holds, the
    separator between them; every ``per_piece`` findings the text so far is handed out
    and ``out`` emptied. A run's findings are made as text by their maker
    (``FindingMaker.json_texts``), ``per_piece`` at most at once, in the evaluation's
    language; ``binary``: in UTF-8 (bytes in ``out`` and handed out)."""
    from policy_sdk.i18n import use_language

    separator: Any = utf8(writer.separator) if binary else writer.separator
    empty: Any = b"" if binary else ""
    have = 0  # findings in `out`
    first = True
    for maker, indexes, statuses in runs:
        texts = maker.json_texts(writer, binary)
        language = maker.language
        start, n = 0, len(indexes)
        while start < n:
            stop = min(n, start + per_piece - have)
            # in the evaluation's language, set for the block even where it is the
            # current one: each text then reads it at once (not from the environment)
            with use_language(language):
                part = separator.join(texts(indexes[start:stop], statuses[start:stop]))
            if not first:
                out.append(separator)
            first = False
            out.append(part)
            have += stop - start
            start = stop
            if have >= per_piece:
                piece = empty.join(out)
                out.clear()
                have = 0
                yield piece


def _copied(value: Any) -> Any:
    """A copy of JSON-like ``value`` (mappings, lists and tuples copied all the way down;
    text, numbers and other values as they are)."""
    if isinstance(value, Mapping):
        return {k: _copied(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_copied(v) for v in value] if isinstance(value, list) else tuple(
            _copied(v) for v in value)
    return value


def _restore(
    findings: tuple[Finding, ...], as_of: dt.date, counts: Mapping[str, int],
    rules: tuple[RuleInfo, ...], meta: Meta | None = None,
    warnings: tuple[Diagnostic, ...] = (),
) -> Report:
    return Report(findings, as_of=as_of, counts=counts, rules=rules, meta=meta,
                  warnings=warnings)
