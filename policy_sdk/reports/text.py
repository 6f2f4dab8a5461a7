"""The text report of ``policy-sdk check``, written for people and for pipes.

The text is written as it is made by :mod:`policy_sdk.reports.textstream` (findings
placed in order by light keys, then made and written a batch at a time: bounded
memory); :func:`render_text` joins its pieces. Its slow twins, which hold every
finding:

* :func:`plain_text` — no colour: the lines are made with plain string operations and
  joined once (no console, no markup parsing, no per-line rendering).
* :func:`rich_text` — through ``rich`` (markup, styles), for colour. Without colour it
  gives exactly the plain writer's text (a property test checks it).

Everything that comes from the user (ids, names, messages, explanations) is shown as
it is: never read as rich markup (``[red]``, ``[/]``), never as emoji codes
(``:cn:``), and control characters and terminal escape sequences are shown escaped
(:func:`safe`), so a facts file cannot move the cursor or recolour a terminal.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Mapping
from typing import IO, Any, Final

from policy_sdk.engine.finding import urgency_key
from policy_sdk.i18n import N_, _, get_language

_SHOWN: Final = ("violated", "pending")
#: listed without --all: what needs attention, and what a waiver accepted (own heading)
_LISTED: Final = ("violated", "pending", "waived")
_ALL: Final = ("violated", "pending", "waived", "satisfied", "not_applicable")

STYLE: Final[Mapping[str, str]] = {
    "violated": "bold red",
    "pending": "yellow",
    "satisfied": "green",
    "not_applicable": "dim",
    "waived": "cyan",
}

#: how each status is shown in the text (translated where shown)
STATUS_WORDS: Final[Mapping[str, str]] = {
    "violated": N_("violated"),
    "pending": N_("pending"),
    "satisfied": N_("satisfied"),
    "not_applicable": N_("not_applicable"),
    "waived": N_("waived"),
}


class Words:
    """The words of one text report in the current language, looked up once."""

    def __init__(self) -> None:
        self.zh = get_language() == "zh"
        self.status = {k: self.pad(_(v), 14) for k, v in STATUS_WORDS.items()}
        self.advisory = _(" [advisory]")
        self.due = _(" (due {date})")
        self.due_provisional = _(" (due {date}, provisional)")
        self.basis = _("basis:")
        self.remedy = _("remedy:")
        #: between a label and its text: none after a full-width colon
        self.sep = "" if self.zh else " "
        self.algorithm = _("algorithm {name}")
        self.filing = _("filing {number}")
        self.algorithm_filing = _("{algorithm} filing {number}")

    def pad(self, word: str, width: int) -> str:
        """``word`` padded to ``width`` terminal cells (a Chinese character takes two)."""
        from policy_sdk.errors import display_width

        return word + " " * max(0, width - display_width(word))

    def head(self, head: str) -> str:
        """A group heading as it is shown (:func:`heads` gives the keys)."""
        if head.startswith("platform "):
            return _("platform {name}").format(name=head[len("platform "):])
        return _(head) if head in HEADS else head  # a filing's heading: made translated


HEADS: Final = (N_("filings"), N_("algorithms"), N_("organization"), N_("waived"))

#: C0 and C1 controls, DEL, and the bidirectional overrides/isolates that reorder text
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_NAMED: Final = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\x1b"}


def _escape_char(m: re.Match[str]) -> str:
    c = m.group()
    named = _NAMED.get(c)
    if named is not None:
        return named
    n = ord(c)
    return f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}"


def safe(text: str) -> str:
    """``text`` with control characters, escape sequences and bidi controls written as
    ``\\x1b``, ``\\n``, ``\\u202e`` …; everything else unchanged."""
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(_escape_char, text)


def summary_line(report: Any) -> str:
    """Counts by status; violated and pending split into mandatory and advisory (only
    mandatory violations fail the check); waived shown when there are any."""
    c = report.counts
    split = report.severity_counts() if hasattr(report, "severity_counts") else None

    def by_severity(status: str) -> str:
        if split is None:
            return ""
        by = split.get(status, {})
        return _(" ({mandatory} mandatory, {advisory} advisory)").format(
            mandatory=by.get("mandatory", 0), advisory=by.get("advisory", 0))

    waived = c.get("waived", 0)
    return _("{violated} violated{violated_split}, {pending} pending{pending_split}, "
             "{waived}{satisfied} satisfied, {not_applicable} not applicable (as of {as_of})"
             ).format(
        violated=c.get("violated", 0), violated_split=by_severity("violated"),
        pending=c.get("pending", 0), pending_split=by_severity("pending"),
        waived=_("{count} waived, ").format(count=waived) if waived else "",
        satisfied=c.get("satisfied", 0), not_applicable=c.get("not_applicable", 0),
        as_of=report.as_of.isoformat(),
    )


def waiver_line(f: Any) -> str:
    """A waived finding's waiver: reason, owner, expiry, where it is written."""
    w = f.waiver
    if w is None:
        return _("waived")
    return _("waived: {reason} (owner {owner}, until {date}; {where})").format(
        reason=w.reason, owner=w.owner, date=w.expires.isoformat(), where=w.where)


def heads(f: Any) -> list[str]:
    """The group a finding is shown in: its platform; for a per-filing finding its
    filing, with the platforms the filing names (one finding, shown once); else
    filings, algorithms, organization.
    A waived finding is shown under its own heading, ``waived``, after the others."""
    if f.status == "waived":
        return ["waived"]
    if f.platform is not None:
        return [f"platform {f.platform}"]
    if f.filing is not None:
        if len(f.platforms) == 1:
            return [_("filing {number} (platform {platform})").format(
                number=f.filing, platform=f.platforms[0])]
        if f.platforms:
            return [_("filing {number} (platforms {platforms})").format(
                number=f.filing, platforms=", ".join(f.platforms))]
        return ["filings"]
    if f.algorithm is not None:
        return ["algorithms"]
    return ["organization"]


def _groups(report: Any, include_all: bool, severity: str | None
            ) -> tuple[tuple[Any, ...], list[tuple[str, list[Any]]]]:
    """The findings shown, and their groups: findings in the order for people
    (``Report.by_urgency``: overdue first, then by deadline), each group where its most
    urgent finding stands, each finding once."""
    findings = report.select(_ALL if include_all else _LISTED, severity=severity)
    groups: dict[str, list[Any]] = {}
    for f in sorted(findings, key=urgency_key):
        groups.setdefault(heads(f)[0], []).append(f)
    return findings, list(groups.items())


def audit_lines(report: Any) -> list[str]:
    """The audit header, from the report's ``meta`` (as in JSON, SARIF, HTML, XLSX):
    organization and as-of date, the facts file and its SHA-256, the tool, the policies
    and their digest, the plugins; then an empty line. Nothing for a report without
    ``meta`` (made from findings alone)."""
    meta = report.meta
    if not meta:
        return []
    lines = [_("`{organization}`, as of {as_of}").format(
        organization=meta.get("organization"), as_of=meta.get("as_of"))]
    facts = meta.get("facts")
    if facts:
        lines.append(_("facts `{file}`, SHA-256 {sha256}").format(
            file=facts.get("file"), sha256=facts.get("sha256") or "-"))
    policies = meta.get("policies") or {}
    tool = meta.get("tool") or {}
    lines.append(_("policy-sdk {version}, {policies}, rules SHA-256 {sha256}").format(
        version=tool.get("version"),
        policies=_("the default pack") if policies.get("pack") else
        ", ".join(policies.get("files") or ()),
        sha256=policies.get("sha256") or "-"))
    plugins = ", ".join(f"{p['name']} {p.get('version') or ''}".strip()
                        for p in meta.get("plugins") or ())
    if plugins:
        lines.append(_("plugins: {plugins}").format(plugins=plugins))
    return [*lines, ""]


def urgency(f: Any) -> str:
    """`` overdue by 12 working days``, `` 3 working days left``, `` no working day
    left`` from the finding's ``working_days_left`` (the number JSON carries; negative
    exactly when overdue); empty without one."""
    n = f.working_days_left
    if n is None or f.deadline is None:
        return ""
    if n < -1:
        return " " + _("overdue by {n} working days").format(n=-n)
    if n == -1:
        return " " + _("overdue by 1 working day")
    if n == 0:
        return " " + _("no working day left")
    if n == 1:
        return " " + _("1 working day left")
    return " " + _("{n} working days left").format(n=n)


def _subject(f: Any, words: Words) -> str:
    if f.status == "waived" and f.platform is not None:  # not under its platform's heading
        return " ".join(x for x in (f.algorithm, _("platform {name}").format(name=f.platform))
                        if x)
    if f.algorithm and f.platform is None and f.filing is None:
        return words.algorithm.format(name=f.algorithm)
    if f.filing:
        if f.algorithm:
            return words.algorithm_filing.format(algorithm=f.algorithm, number=f.filing)
        return words.filing.format(number=f.filing)
    return f.algorithm or ""


#: one line as (text, style or None) parts
Line = list[tuple[str, str | None]]


def _due(f: Any, words: Words) -> str:
    """`` (due DAY)``; ``, provisional`` when counted through a year the calendar does
    not know (docs/calendar.md)."""
    if not f.deadline:
        return ""
    if getattr(f, "provisional", False):
        return words.due_provisional.format(date=f.deadline.isoformat())
    return words.due.format(date=f.deadline.isoformat())


def finding_lines(f: Any, words: Words | None = None) -> list[Line]:
    """The lines of one finding, as styled parts (user text made :func:`safe`)."""
    w = Words() if words is None else words
    due = _due(f, w) + urgency(f)
    advisory = w.advisory if f.severity == "advisory" else ""
    out: list[Line] = [[
        ("  ", None), (w.status.get(f.status) or f"{f.status:<14}", STYLE.get(f.status)),
        (f" {safe(f.rule)}{advisory}  {safe(_subject(f, w))}{due}", None),
    ]]
    out.append([(f"      {safe(f.message)}", None)])
    if f.citation:
        out.append([("      ", None), (w.basis, "dim"), (w.sep + safe(f.citation), None)])
    for line in f.explanation:
        out.append([("      ", None), ("-", "dim"), (f" {safe(line)}", None)])
    if f.remedy and f.status in _SHOWN:
        out.append([("      ", None), (w.remedy, "dim"), (w.sep + safe(f.remedy), None)])
    if f.status == "waived":
        out.append([(f"      {safe(waiver_line(f))}", None)])
    return out


def _plain_line(parts: Line) -> str:
    return "".join(text for text, _ in parts)


#: bytes of C0 controls but the line feed, and DEL, in UTF-8 (a bytes.translate table)
_C0: Final = bytes(range(0x0A)) + bytes(range(0x0B, 0x20)) + b"\x7f"

#: the UTF-8 forms of the other characters :func:`safe` escapes, each regular expression
#: opening with a literal (searched for at C speed): C1 controls, bidi controls, U+061C
_UNSAFE_UTF8: Final = tuple(re.compile(p) for p in (
    b"\xc2[\x80-\x9f]", b"\xe2\x80[\x8e\x8f\xaa-\xae]", b"\xe2\x81[\xa6-\xa9]",
    b"\xd8\x9c",
))


def _clean(text: str, lines: int) -> bool:
    """Whether ``text`` has ``lines`` line feeds and no character :func:`safe` would
    escape (scans of its UTF-8 bytes at C speed: a regular expression over the text
    itself costs more than writing it)."""
    data = text.encode("utf-8", "surrogatepass")
    if data.count(b"\n") != lines or len(data.translate(None, _C0)) != len(data):
        return False
    return not any(p.search(data) for p in _UNSAFE_UTF8)


def _safe_block(f: Any, words: Words) -> str:
    return "".join(_plain_line(parts) + "\n" for parts in finding_lines(f, words))


class _Blocks:
    """Writes findings' lines as they are (not made safe) into ``out``, as few pieces
    each, and keeps what must be checked before the text is used as it is:

    * a rule's message, citation and remedy lines are made once, and checked once
      (``dirty`` when one has a character to escape);
    * the lines made per finding (its first line, its explanation) are also kept in
      ``fresh`` with the number of lines they should make (``fresh_lines``): a line
      feed in the user's text shows as one more, and one scan of them finds any other
      character to escape;
    """

    def __init__(self, out: list[str], words: Words) -> None:
        self.out = out
        self.words = words
        self.dirty = False
        self.fresh: list[str] = []
        self.fresh_lines = 0
        self._middles: dict[tuple[str, str | None], str] = {}
        self._remedies: dict[str, str] = {}

    def write(self, f: Any) -> None:
        words = self.words
        key = (f.message, f.citation)
        middle = self._middles.get(key)
        if middle is None:
            middle = "      " + f.message + "\n"
            if f.citation:
                middle += "      " + words.basis + words.sep + f.citation + "\n"
            self._middles[key] = middle
            if _UNSAFE.search(f.message) or (f.citation and _UNSAFE.search(f.citation)):
                self.dirty = True
        remedy = ""
        if f.remedy and f.status in _SHOWN:
            remedy = self._remedies.get(f.remedy, "")
            if not remedy:
                remedy = self._remedies[f.remedy] = (
                    "      " + words.remedy + words.sep + f.remedy + "\n")
                if _UNSAFE.search(f.remedy):
                    self.dirty = True
        elif f.status == "waived":
            remedy = "      " + waiver_line(f) + "\n"
            if _UNSAFE.search(remedy[6:-1]):
                self.dirty = True
        if words.zh or (f.status == "waived" and f.platform is not None):
            subject = _subject(f, words)
        elif f.algorithm and f.platform is None and f.filing is None:
            subject = "algorithm " + f.algorithm
        elif f.filing:
            subject = (f.algorithm + " filing " if f.algorithm else "filing ") + f.filing
        else:
            subject = f.algorithm or ""
        advisory = words.advisory if f.severity == "advisory" else ""
        due = _due(f, words) + urgency(f)
        lines = f.explanation
        status = words.status.get(f.status) or f"{f.status:<14}"
        first = f"  {status} {f.rule}{advisory}  {subject}{due}\n"
        explained = ("      - " + "\n      - ".join(lines) + "\n") if lines else ""
        self.fresh += (first, explained)
        self.fresh_lines += 1 + len(lines)
        self.out += (first, middle, explained, remedy)


def _plain(report: Any, include_all: bool, severity: str | None, fast: bool
           ) -> tuple[str, bool]:
    """The text, and (fast: written as it is) whether it is as :func:`safe` would
    make it."""
    findings, groups = _groups(report, include_all, severity)
    words = Words()
    out: list[str] = [safe(line) + "\n" for line in audit_lines(report)]
    blocks = _Blocks(out, words)
    for head, members in groups:
        if fast:
            blocks.dirty = blocks.dirty or _UNSAFE.search(head) is not None
            out.append(words.head(head) + "\n")
            write = blocks.write
            for f in members:
                write(f)
        else:
            out.append(safe(words.head(head)) + "\n")
            out += (_safe_block(f, words) for f in members)
        out.append("\n")
    if not findings:
        out.append(_("no findings to show") + "\n")
    out.append(summary_line(report) + "\n")
    clean = fast and not blocks.dirty and _clean("".join(blocks.fresh), blocks.fresh_lines)
    return "".join(out), clean


def plain_text(report: Any, *, include_all: bool = False, severity: str | None = None) -> str:
    """Findings for people, most urgent first, grouped by platform or filing, with a
    summary line;
    no colour, no console. Written as it is first, while what comes from the user is
    checked for a character to escape or a line feed (in one scan of its bytes); only
    a report that has one is written again, escaped (line by line)."""
    text, clean = _plain(report, include_all, severity, fast=True)
    if clean:
        return text
    return _plain(report, include_all, severity, fast=False)[0]


def rich_text(report: Any, *, include_all: bool = False, severity: str | None = None,
              color: bool = False) -> str:
    """The same lines through a rich console, line by line (colour when ``color``);
    user text goes in as text objects, never parsed as markup."""
    from rich.console import Console
    from rich.text import Text

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, width=100,
                      highlight=False, soft_wrap=True, emoji=False, markup=False,
                      color_system="standard" if color else None)
    findings, groups = _groups(report, include_all, severity)
    words = Words()
    for line in audit_lines(report):
        console.print(Text(safe(line), style="dim"))
    for head, members in groups:
        console.print(Text(safe(words.head(head)), style="bold"))
        for f in members:
            for parts in finding_lines(f, words):
                console.print(Text.assemble(*((t, s or "") for t, s in parts)))
        console.print()
    if not findings:
        console.print(_("no findings to show"))
    console.print(Text(summary_line(report), style="bold"))
    return buffer.getvalue()


def render_text(report: Any, *, include_all: bool = False, severity: str | None = None,
                color: bool = False) -> str:
    """The text reporter: :func:`~policy_sdk.reports.textstream.iter_text`'s pieces
    joined (plain when there is no colour, else through rich); its slow twins are
    :func:`plain_text` and :func:`rich_text`."""
    from policy_sdk.reports.textstream import iter_text

    return "".join(iter_text(report, include_all=include_all, severity=severity,
                             color=color))


# --- colour ---------------------------------------------------------------------------


def use_color(flag: bool | None, stream: IO[str] | None = None,
              environ: Mapping[str, str] | None = None) -> bool:
    """Whether to colour: ``--color``/``--no-color`` when given; else no when
    ``NO_COLOR`` is set and not empty, yes when ``FORCE_COLOR`` is (no-color.org);
    else when ``stream`` (default: stdout) is a terminal."""
    if flag is not None:
        return flag
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR"):
        return True
    import sys

    target = sys.stdout if stream is None else stream
    try:
        return bool(target.isatty())
    except (AttributeError, ValueError):
        return False
