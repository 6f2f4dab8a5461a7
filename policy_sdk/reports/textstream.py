"""The text report written as it is made: bounded memory whatever the number of findings.

The text lists findings in the order for people (:func:`~policy_sdk.engine.finding.urgency_key`:
overdue first, then by deadline) grouped by platform or filing, each group where its most
urgent finding stands — so every finding must be placed before the first line is
written. :func:`iter_text` places them with light keys only, then makes and writes them
in that order a batch at a time:

1. *Placing.* The findings are read once in the report's order
   (:func:`~policy_sdk.engine.finding.order_key`), a batch at a time, by their keys
   and deadlines only (an engine's selection: :meth:`Selection.runs
   <policy_sdk.engine.source.Selection.runs>`). Each is kept
   as one integer (its maker and its index for that maker) in the *cell* of its
   (urgency rank, deadline, group): eight bytes a finding, no object.
2. *Writing.* Groups are taken in the order of their most urgent finding (the first
   cell of each, by rank, deadline and place in the report's order); within a group,
   cells by rank and deadline, each cell's findings in the report's order — exactly
   ``sorted(findings, key=urgency_key)`` grouped as :func:`~policy_sdk.reports.text.heads`
   says. The findings are made, :data:`BATCH` at a time, as rows of values with their
   explanations and remedies, written, and let go.

Each batch is written from the findings' rows with plain string operations, what
comes from the user as it is; it is then checked at C speed for a character
:func:`~policy_sdk.reports.text.safe` would escape (a line feed, a control, a
bidirectional override), and a batch that has one is written again line by line,
escaped — the same bytes as :func:`~policy_sdk.reports.text.plain_text`, the slow twin
that holds every finding (a property test compares them). With colour the styled words
are written between the codes the rich console writes for their style (asked of it
once per style), and a batch whose text is not all printable goes through the console
line by line — the same bytes as :func:`~policy_sdk.reports.text.rich_text`.

An engine's platform findings are placed from their keys and the deadlines their
maker keeps, without being made (:func:`_deadlines`); other findings are made to be
placed (the slow twin of that, compared in the tests too).
"""

from __future__ import annotations

import io
from array import array
from collections.abc import Callable, Iterator, Sequence
from itertools import groupby, repeat
from operator import itemgetter
from typing import Any, Final, Literal, overload

from policy_sdk._gc import gc_paused
from policy_sdk.engine.finding import PROVISIONAL_MARKS, ROW, row_of
from policy_sdk.i18n import _, get_language, use_language
from policy_sdk.reports.text import (
    _ALL,
    _LISTED,
    _UNSAFE,
    STYLE,
    Words,
    _due,
    _safe_block,
    _subject,
    audit_lines,
    finding_lines,
    heads,
    safe,
    summary_line,
    urgency,
    waiver_line,
)

__all__ = ["BATCH", "iter_text", "iter_text_utf8"]

#: findings made at once, while placing and while writing: fewer than the cyclic
#: collector's allocation threshold (700), so a batch let go is never promoted
BATCH: Final = 128
#: bytes (about) handed out at once
PIECE: Final = 1 << 20

#: rank by status, as :func:`~policy_sdk.engine.finding.urgency_key` (violated with a
#: deadline: 0)
_RANK: Final = {"violated": 1, "pending": 2, "waived": 3, "satisfied": 4, "not_applicable": 5}
_STATUS_OF_RANK: Final = ("violated", "violated", "pending", "waived", "satisfied",
                          "not_applicable")
#: a finding's code: its maker's number shifted by this, plus its index for the maker
_SHIFT: Final = 40
_MASK: Final = (1 << _SHIFT) - 1


class _Given:
    """Findings made already (a report that holds its findings), as a maker of them."""

    __slots__ = ("_findings",)

    def __init__(self, findings: Sequence[Any]) -> None:
        self._findings = findings

    def many(self, indexes: Sequence[int], statuses: Sequence[str]) -> list[Any]:
        return list(map(self._findings.__getitem__, indexes))

    def row(self, index: int, status: str) -> tuple[Any, ...]:
        return row_of(self._findings[index])


def _runs(listed: Sequence[Any]) -> Iterator[tuple[Any, Sequence[int], Sequence[str]]]:
    """``listed`` in its order as runs of (maker, indexes, statuses): an engine's
    selection by its makers, made when asked; anything else as findings made."""
    runs = None if isinstance(listed, tuple) else getattr(listed, "runs", None)
    if runs is not None:
        yield from runs()
        return
    findings = listed if isinstance(listed, tuple | list) else tuple(listed)
    yield _Given(findings), range(len(findings)), [f.status for f in findings]


def _deadlines(maker: Any) -> Callable[[int], Any] | None:
    """``index -> deadline`` of an engine's finding maker for its violated and pending
    findings (``FindingMaker(index, status).deadline``), read from the deadlines it
    keeps, so that findings are placed without being made; None when the maker keeps
    none that way (findings made already; a maker of another make): its findings are
    made to be placed (the slow twin; the property tests run both)."""
    if isinstance(maker, _Given):
        return None
    get = getattr(maker, "deadline", None)  # the evaluation's deadlines by index
    return get if callable(get) and hasattr(maker, "key_columns") else None


#: (rank, deadline ordinal, place of its first finding, the findings' codes)
Cell = tuple[int, int, int, "array[int]"]


class Plan:
    """Where each finding of a selection goes: its makers, and its groups in the order
    they are written, each as (heading key, its cells in order)."""

    __slots__ = ("groups", "makers", "total")

    def __init__(self, listed: Sequence[Any]) -> None:
        self.makers: list[Any] = []
        #: (urgency, platform) or (urgency, None, heading key) -> the findings' codes,
        #: where urgency is rank << 24 | deadline ordinal (a day's ordinal < 2**22)
        cells: dict[tuple[Any, ...], array[int]] = {}
        firsts: dict[tuple[Any, ...], int] = {}  # the place of a cell's first finding
        rank_of = _RANK
        place = 0
        head_of: dict[tuple[Any, ...], str] = {}
        key: tuple[Any, ...]
        for maker, indexes, statuses in _runs(listed):
            base = len(self.makers) << _SHIFT
            self.makers.append(maker)
            due_of = _deadlines(maker)
            for start in range(0, len(indexes), BATCH):
                at = indexes[start:start + BATCH]
                some = statuses[start:start + BATCH]
                if due_of is not None and "waived" not in some:
                    platforms = maker.key_columns(at)[1]
                    if None not in platforms:  # each under its platform: keys suffice
                        for index, status, platform in zip(at, some, platforms, strict=True):
                            rank = rank_of[status]
                            if rank <= 2 and (due := due_of(index)) is not None:
                                urgency = (0 if rank == 1 else rank) << 24 | due.toordinal()
                            else:
                                urgency = rank << 24
                            key = (urgency, platform)
                            codes = cells.get(key)
                            if codes is None:
                                codes = cells[key] = array("q")
                                firsts[key] = place
                            codes.append(base | index)
                            place += 1
                        continue
                made = maker.many(at, some)
                for f, index in zip(made, at, strict=True):
                    rank = rank_of[f.status]
                    due = f.deadline
                    if due is not None:
                        urgency = (0 if rank == 1 else rank) << 24 | due.toordinal()
                    else:
                        urgency = rank << 24
                    platform = f.platform
                    if platform is not None and rank != 3:
                        key = (urgency, platform)
                    else:
                        shape = (rank == 3, platform, f.filing, f.platforms,
                                 f.algorithm is None)
                        head = head_of.get(shape)
                        if head is None:
                            head = head_of[shape] = heads(f)[0]
                        key = (urgency, None, head)
                    codes = cells.get(key)
                    if codes is None:
                        codes = cells[key] = array("q")
                        firsts[key] = place
                    codes.append(base | index)
                    place += 1
        self.total = place
        by_head: dict[str, list[Cell]] = {}
        for key, codes in cells.items():
            urgency = key[0]
            head = "platform " + key[1] if len(key) == 2 else key[2]
            by_head.setdefault(head, []).append(
                (urgency >> 24, urgency & 0xFFFFFF, firsts[key], codes))
        for its in by_head.values():
            its.sort()  # (rank, deadline) are unique within a group
        self.groups: list[tuple[str, list[Cell]]] = sorted(
            by_head.items(), key=lambda item: item[1][0][:3])

    def made(self, codes: Sequence[int], statuses: Sequence[str]) -> list[Any]:
        """The findings of ``codes`` (with their ``statuses``), made run by run of one
        maker."""
        makers = self.makers
        found: list[Any] = []
        start = 0
        for m, run in groupby(codes, _SHIFT.__rrshift__):
            indexes = [code & _MASK for code in run]
            stop = start + len(indexes)
            found += makers[m].many(indexes, statuses[start:stop])
            start = stop
        return found

    def items(self) -> Iterator[tuple[list[Any], list[int], list[str]]]:
        """The text's items in order, a batch at a time: a group's heading key (a
        :class:`Head`), then its findings as rows of values
        (:data:`~policy_sdk.engine.finding.ROW`: ``FindingMaker.row``, details worked
        out, no finding object), :data:`BATCH` findings at most a batch, across cells
        and groups; with each batch the codes and statuses of its findings (to make
        them as findings: :meth:`made`)."""
        makers = self.makers
        batch: list[Any] = []
        codes: list[int] = []
        statuses: list[str] = []
        for head, cells in self.groups:
            batch.append(Head(head))
            for rank, _ordinal, _place, found in cells:
                status = _STATUS_OF_RANK[rank]
                start, n = 0, len(found)
                while start < n:
                    stop = min(n, start + BATCH - len(codes))
                    some = found[start:stop]
                    batch += [makers[code >> _SHIFT].row(code & _MASK, status)
                              for code in some]
                    codes += some
                    statuses += repeat(status, stop - start)
                    start = stop
                    if len(codes) >= BATCH:
                        yield batch, codes, statuses
                        batch, codes, statuses = [], [], []
        if batch:
            yield batch, codes, statuses


class Head(str):
    """A group's heading key among the findings of a batch."""

    __slots__ = ()


# --- plain ------------------------------------------------------------------------------


#: a row's (rule, status, severity, algorithm, platform, filing, message, citation,
#: remedy, deadline, working days left, explanation, waiver)
_FIELDS: Final = itemgetter(*map(ROW.index, (
    "rule", "status", "severity", "algorithm", "platform", "filing", "message", "citation",
    "remedy", "deadline", "working_days_left", "explanation", "waiver")))


class _Shown:
    """The few attributes of a finding the text's helpers read, for a row."""

    __slots__ = ("algorithm", "deadline", "filing", "platform", "provisional", "status",
                 "waiver", "working_days_left")

    def __init__(self, **values: Any) -> None:
        for name in self.__slots__:
            setattr(self, name, values.get(name))


#: the ASCII characters :func:`safe` escapes: C0 controls and DEL
_ASCII_CONTROLS: Final = bytes(range(0x20)) + b"\x7f"


def _printable(text: str) -> bool:
    """True when ``text`` has no character :func:`safe` escapes, at C speed (exact for
    ASCII text, which has none but controls; other text: printable has none); False
    when it may have one."""
    if text.isascii():
        data = text.encode("ascii")
        return len(data.translate(None, _ASCII_CONTROLS)) == len(data)
    return text.isprintable()


def _unsafe(text: str) -> bool:
    """Whether ``text`` has a character :func:`safe` escapes."""
    return not _printable(text) and _UNSAFE.search(text) is not None


class _Plain:
    """Writes findings' lines from their rows (:data:`~policy_sdk.engine.finding.ROW`)
    as they are, not made safe, as few pieces each, and tells whether they had a
    character :func:`safe` would escape (in colour, ``styles``: whether all were
    printable). What many findings share — a rule's message and citation lines, a
    remedy line, the words after a deadline — is made (and checked) once."""

    __slots__ = ("_basis", "_dash", "_dues", "_head", "_middles", "_ok", "_remedy",
                 "_statuses", "colour", "started", "words")

    def __init__(self, words: Words, styles: _Styles | None = None) -> None:
        self.words = words
        #: in colour: each styled part between its style's codes (``styles``), and the
        #: text must be printable throughout (else the batch goes through the console)
        self.colour = styles is not None

        def styled(text: str, style: str | None) -> str:
            if styles is None or not style or not text:
                return text
            before, after = styles.codes(style)
            return before + text + after

        self._statuses = {k: styled(v, STYLE.get(k)) for k, v in words.status.items()}
        self._basis = styled(words.basis, "dim")
        self._remedy = styled(words.remedy, "dim")
        self._dash = "      " + styled("-", "dim") + " "
        self._head: tuple[str, str] = styles.codes("bold") if styles is not None else ("", "")
        #: whether a text may be written as it is
        self._ok: Callable[[str], bool] = (
            _printable if styles is not None else (lambda text: not _unsafe(text)))
        #: whether a group was begun (the next one is after an empty line)
        self.started = False
        #: (message, citation) -> [their lines, whether safe, and the last remedy of
        #: a finding with them (a rule's own remedy is the same for its findings; a
        #: filing rule's names the finding's platform), its line, whether safe]
        self._middles: dict[tuple[str, str | None], list[Any]] = {}
        #: (deadline, working days left, provisional) -> the words after the subject
        self._dues: dict[tuple[Any, Any, bool], str] = {}

    def write(self, batch: Sequence[Any], out: list[str]) -> bool:
        """Append the lines of ``batch`` (headings and rows) to ``out``; whether none
        has a character to escape (in colour: whether all are printable)."""
        words = self.words
        middles, dues = self._middles, self._dues
        statuses = self._statuses
        english = not words.zh
        advisory_word = words.advisory
        fields = _FIELDS
        remedy_head = "      " + self._remedy + words.sep
        basis = self._basis
        dash = self._dash
        joint = "\n" + dash
        ok = self._ok
        before, after = self._head
        marks = PROVISIONAL_MARKS
        clean = True
        #: what came from the user, each a line: checked at once
        fresh: list[str] = []
        for item in batch:
            if item.__class__ is Head:  # a group's heading, after the group before
                head = words.head(item)
                fresh.append(head)
                out.append(("\n" if self.started else "") + before + head + after + "\n")
                self.started = True
                continue
            (rule, status, severity, algorithm, platform, filing, message, citation, remedy,
             deadline, left, explanation, waiver) = fields(item)
            middle = middles.get((message, citation))
            if middle is None:
                text = "      " + message + "\n"
                if citation:
                    text += "      " + basis + words.sep + citation + "\n"
                middle = middles[(message, citation)] = [
                    text, ok(message) and (not citation or ok(citation)), None, "", True]
            remedy_line = ""
            if status == "violated" or status == "pending":
                if remedy:
                    if remedy != middle[2]:
                        middle[2:] = (remedy, remedy_head + remedy + "\n", ok(remedy))
                    remedy_line = middle[3]
                    clean = clean and middle[4]
            elif status == "waived":
                text = waiver_line(_Shown(waiver=waiver))
                fresh.append(text)
                remedy_line = "      " + text + "\n"
            if english and status != "waived":
                if algorithm and platform is None and filing is None:
                    subject = "algorithm " + algorithm
                elif filing:
                    subject = (algorithm + " filing " if algorithm else "filing ") + filing
                else:
                    subject = algorithm or ""
            else:
                subject = _subject(_Shown(status=status, algorithm=algorithm,
                                          platform=platform, filing=filing), words)
            if explanation:
                explained = dash + joint.join(explanation) + "\n"
                fresh += explanation
            else:
                explained = ""
            if deadline:
                # provisional (Finding.provisional) only if a mark is in the lines
                provisional = False
                for mark in marks:
                    if mark in explained:
                        provisional = any(mark in line for line in explanation
                                          for mark in marks)
                        break
                key = (deadline, left, provisional)
                due = dues.get(key)
                if due is None:
                    shown = _Shown(deadline=deadline, working_days_left=left,
                                   provisional=provisional)
                    due = dues[key] = _due(shown, words) + urgency(shown)
            else:
                due = ""
            first = (f"  {statuses.get(status) or f'{status:<14}'} {rule}"
                     f"{advisory_word if severity == 'advisory' else ''}  {subject}{due}")
            fresh += (rule, subject)  # the rest of the line is ours
            clean = clean and middle[1]
            out += (first, "\n", middle[0], explained, remedy_line)
        if clean and not _printable("".join(fresh)):
            clean = not self.colour and not any(map(_UNSAFE.search, fresh))
        return clean


def _encode(text: str) -> bytes:
    """As :mod:`policy_sdk._io` writes text (a lone surrogate backslash-escaped)."""
    return text.encode("utf-8", "backslashreplace")


def _escaped(batch: Sequence[Any], findings: Sequence[Any], words: Words, started: bool
             ) -> str:
    """A batch's text as :func:`~policy_sdk.reports.text.plain_text` writes it when
    something must be escaped: line by line, each made :func:`safe` (``findings``: the
    batch's findings, made)."""
    parts: list[str] = []
    made = iter(findings)
    for item in batch:
        if item.__class__ is Head:
            parts.append(("\n" if started else "") + safe(words.head(item)) + "\n")
            started = True
        else:
            parts.append(_safe_block(next(made), words))
    return "".join(parts)


def _plain_pieces(report: Any, plan: Plan, language: str, binary: bool) -> Iterator[Any]:
    """The text without colour, in pieces of about :data:`PIECE` bytes (written in
    ``language``, the reader's when the findings were placed)."""
    with use_language(language):
        words = Words()
        audit = "".join(safe(line) + "\n" for line in audit_lines(report))
    plain = _Plain(words)
    joined = b"".join if binary else "".join
    pending: list[Any] = [_encode(audit) if binary else audit]
    size = 0
    items = plan.items()
    while True:
        # the language pinned: every finding asks for it
        with use_language(language), gc_paused():
            got = next(items, None)
            if got is None:
                break
            batch, codes, statuses = got
            started = plain.started
            out: list[str] = []
            if plain.write(batch, out):
                text = "".join(out)
            else:  # written again, line by line, escaped
                text = _escaped(batch, plan.made(codes, statuses), words, started)
            piece: Any = _encode(text) if binary else text
            del got, batch, out, text
        pending.append(piece)
        size += len(piece)
        if size >= PIECE:
            yield joined(pending)
            pending.clear()
            size = 0
    with use_language(language):
        end = ("\n" if plan.total else _("no findings to show") + "\n") + (
            summary_line(report) + "\n")
    pending.append(_encode(end) if binary else end)
    yield joined(pending)


# --- colour -----------------------------------------------------------------------------


class _Styles:
    """A finding's lines in colour as the console writes them, without the console:
    each styled part between the codes the console writes for its style (asked of the
    console once per style, on a probe), the others as they are. Used for a batch whose
    text is all printable (as :func:`safe` left it); any other batch goes through the
    console itself."""

    __slots__ = ("_buffer", "_codes", "_console", "_text")

    def __init__(self, console: Any, buffer: io.StringIO, text: Any) -> None:
        self._console = console
        self._buffer = buffer
        self._text = text
        self._codes: dict[str, tuple[str, str]] = {}

    def codes(self, style: str) -> tuple[str, str]:
        """What the console writes before and after a part in ``style``."""
        found = self._codes.get(style)
        if found is None:
            buffer = self._buffer
            start = buffer.tell()
            self._console.print(self._text.assemble(("X", style)))
            written = buffer.getvalue()[start:]
            buffer.seek(start)
            buffer.truncate()
            before, _probe, after = written.rpartition("X")
            found = self._codes[style] = (before, after[:-1])  # less the line's end
        return found

    def lines(self, lines: Sequence[Any]) -> str:
        out: list[str] = []
        codes = self.codes
        for parts in lines:
            for text, style in parts:
                if style and text:
                    before, after = codes(style)
                    out += (before, text, after)
                else:
                    out.append(text)
            out.append("\n")
        return "".join(out)


def _rich_pieces(report: Any, plan: Plan, language: str, binary: bool) -> Iterator[Any]:
    """:func:`~policy_sdk.reports.text.rich_text`'s text, in pieces: the same console,
    its buffer handed out and emptied every :data:`PIECE` characters or so; findings'
    lines written as the console writes them (:class:`_Styles`)."""
    from rich.console import Console
    from rich.text import Text

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, no_color=False, width=100,
                      highlight=False, soft_wrap=True, emoji=False, markup=False,
                      color_system="standard")
    styles = _Styles(console, buffer, Text)

    def taken() -> Any:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return _encode(text) if binary else text

    with use_language(language):
        words = Words()
        for line in audit_lines(report):
            console.print(Text(safe(line), style="dim"))
    plain = _Plain(words, styles)
    items = plan.items()
    while True:
        with use_language(language), gc_paused():
            got = next(items, None)
            if got is None:
                break
            batch, codes, statuses = got
            started = plain.started
            out: list[str] = []
            if plain.write(batch, out):
                buffer.write("".join(out))
            else:  # through the console, finding by finding
                made = iter(plan.made(codes, statuses))
                for item in batch:
                    if item.__class__ is Head:
                        if started:
                            console.print()
                        started = True
                        console.print(Text(safe(words.head(item)), style="bold"))
                        continue
                    lines = finding_lines(next(made), words)
                    if _printable("".join([t for parts in lines for t, _style in parts])):
                        buffer.write(styles.lines(lines))
                        continue
                    for parts in lines:
                        console.print(Text.assemble(*((t, s or "") for t, s in parts)))
            del got, batch, out
        if buffer.tell() >= PIECE:
            yield taken()
    started = plain.started
    if started:
        console.print()
    with use_language(language):
        if not plan.total:
            console.print(_("no findings to show"))
        console.print(Text(summary_line(report), style="bold"))
    yield taken()


# --- the doors --------------------------------------------------------------------------


@overload
def _pieces(report: Any, include_all: bool, severity: str | None, color: bool,
            binary: Literal[True]) -> Iterator[bytes]: ...


@overload
def _pieces(report: Any, include_all: bool, severity: str | None, color: bool,
            binary: Literal[False]) -> Iterator[str]: ...


def _pieces(report: Any, include_all: bool, severity: str | None, color: bool,
            binary: bool) -> Iterator[Any]:
    """The findings are selected (the filters checked) and placed now; the text is made
    as the pieces are read."""
    listed = report.select(_ALL if include_all else _LISTED, severity=severity)
    language = get_language()
    with use_language(language), gc_paused():  # many small objects let go, no cycles
        plan = Plan(listed)
    del listed
    write: Callable[[Any, Plan, str, bool], Iterator[Any]] = (
        _rich_pieces if color else _plain_pieces)
    return write(report, plan, language, binary)


def iter_text(report: Any, *, include_all: bool = False, severity: str | None = None,
              color: bool = False) -> Iterator[str]:
    """The text report (:func:`~policy_sdk.reports.text.render_text`'s text) in pieces
    of about a megabyte, made as they are read: findings are made a batch at a time
    and let go, whatever their number. The filters are checked, and the findings
    placed in order, before this returns."""
    return _pieces(report, include_all, severity, color, False)


def iter_text_utf8(report: Any, *, include_all: bool = False, severity: str | None = None,
                   color: bool = False) -> Iterator[bytes]:
    """:func:`iter_text`'s pieces in UTF-8, as :mod:`policy_sdk._io` writes text (a lone
    surrogate backslash-escaped): what ``check --format text`` writes."""
    return _pieces(report, include_all, severity, color, True)

