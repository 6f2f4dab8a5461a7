"""Findings built on demand, with their explanations (``docs/semantics.md`` §6).

An explanation says, in domain words, what made the rule apply (the values of the
facts its conditions read), which records it looked for and what it found, and how
the due date was counted. It is written only for findings somebody looks at.

A large facts file can have hundreds of thousands of findings, so they are made in
bulk and in two steps. :class:`~policy_sdk.engine.source.EngineFindings` is an engine
report's source of findings: it counts from the rules' outcomes, and puts the findings
asked for in the report's order (sorting scope keys, not Finding objects) before a
:class:`FindingMaker` makes each one with its key, status and deadline. The
explanation, remedy, facts location and working days left are worked out only when one
of them is read: an :class:`~policy_sdk.engine.wording._Explainer` works out once per
rule and evaluation what that rule's explanations share (how to read and word each fact
its conditions read — resolved once per compiled rule,
:func:`~policy_sdk.engine.wording.rule_setup` — the records it looks for, the lines that
depend only on an algorithm, a platform or an anchor date, cached as they come up), and
each explanation then costs a few lookups and joins. The JSON report goes further for a
deployment rule: each line declares what it reads
(:class:`~policy_sdk.engine.fact_lines.Shape`), so a finding's whole text is a template,
made once per algorithm, status and due date, joined by the finding's platform
(:meth:`FindingMaker.json_texts`).

This module holds :class:`FindingMaker` (findings, rows, the JSON report's texts and
templates); the wording of a rule's findings is in :mod:`policy_sdk.engine.wording`,
the lines it is made of in :mod:`policy_sdk.engine.fact_lines` (``Key`` and ``Shape``
are importable from here too).
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from collections.abc import Callable, Hashable, Iterable, Sequence
from itertools import repeat
from json.encoder import encode_basestring  # the C implementation when available
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Final

from policy_sdk.engine import columns
from policy_sdk.engine.context import Context
from policy_sdk.engine.fact_lines import Key as Key
from policy_sdk.engine.fact_lines import Shape as Shape
from policy_sdk.engine.finding import (
    UNREAD,
    Details,
    Finding,
    Status,
    build_findings,
    row_from_init,
)
from policy_sdk.engine.jsontext import FindingText, FindingWriter, utf8
from policy_sdk.engine.localized import rule_texts_in
from policy_sdk.engine.rules import CompiledRule, Outcome
from policy_sdk.engine.wording import _Explainer, key_reader
from policy_sdk.facts.schema import Schema
from policy_sdk.i18n import Language, get_language, use_language

#: a finding's own values, in the order :meth:`FindingMaker.json_text` gives them to
#: the JSON writer (:attr:`~policy_sdk.engine.jsontext.FindingText.own`)
_OWN = ("algorithm", "platform", "filing", "remedy", "deadline", "working_days_left",
        "explanation", "facts_path", "facts_line", "platforms", "waiver")
#: the keys of several findings as three columns: algorithms, platforms, filings
KeyColumns = tuple[Sequence[str | None], Sequence[str | None], Sequence[str | None]]
#: the statuses whose findings carry the rule's deadline
_WITH_DEADLINE: Final = frozenset(("violated", "pending"))


#: templates of a rule's findings held at once (:meth:`FindingMaker._templated`)
_TEMPLATES_KEPT = 8192
#: findings of a rule written before it is decided whether its templates pay
_TEMPLATES_TRIAL = 1024
#: findings of a rule worded before its templates are set up
_TEMPLATES_AFTER = 64
#: the same for a rule with no deadline: its findings' templates differ only by the
#: algorithm and what the lines read (not by a date of each deployment), so they pay
#: from a few findings on (measured: ``benchmarks/api_bench.py --only small``)
_TEMPLATES_AFTER_UNDATED = 16


#: compiled rule -> (language, status, constant fields, indent, in UTF-8) -> the pieces
#: of its findings' JSON text around their own values (:meth:`FindingMaker._json_text`)
_TEMPLATES: weakref.WeakKeyDictionary[CompiledRule, dict[Hashable, tuple[Any, ...]]] = (
    weakref.WeakKeyDictionary())
_TEMPLATES_LOCK = threading.Lock()


def _rule_templates(rule: CompiledRule) -> dict[Hashable, tuple[Any, ...]]:
    found = _TEMPLATES.get(rule)
    if found is None:
        with _TEMPLATES_LOCK:
            found = _TEMPLATES.setdefault(rule, {})
    return found


class FindingMaker:
    """Makes the findings of one rule's outcome: ``maker(index, status)`` gives the
    finding with its key, status and deadline; its remedy, explanation, facts
    location and working days left are worked out by :meth:`details` when first
    read (by :class:`_Explainer`, set up at most once per maker)."""

    __slots__ = ("_ctx", "_deployment_columns", "_due", "_explainer", "_items", "_key",
                 "_key_at", "_language",
                 "_lock",
                 "_platforms", "_rule", "_schema", "_shared")

    def __init__(self, outcome: Outcome, ctx: Context, schema: Schema,
                 language: Language | None = None) -> None:
        #: the language of the evaluation: explanations read later (another thread,
        #: another request) are still written in it
        self._language = get_language() if language is None else language
        self._rule = outcome.rule
        self._items = outcome.items
        self._due = outcome.due
        self._ctx = ctx
        self._schema = schema
        self._explainer: _Explainer | None = None
        self._lock = threading.Lock()
        # the rest (_LAZY) is set up when first read: a report makes a maker per rule,
        # and most rules of a small report have no finding to make

    #: what :meth:`_set_up` sets, when one of them is first read
    _LAZY: Final = frozenset(("_key", "_deployment_columns", "_key_at", "_platforms",
                              "_shared"))

    if not TYPE_CHECKING:  # hidden from the type checker: attributes stay checked

        def __getattr__(self, name: str) -> Any:
            # called only for a slot not set yet
            if name not in FindingMaker._LAZY:
                raise AttributeError(name)
            self._set_up()
            return object.__getattribute__(self, name)

    def _set_up(self) -> None:
        """The key readers and the fields every finding of the rule has (idempotent:
        threads racing here set equal values)."""
        rule = self._rule
        self._key = key_reader(rule.scope)
        # deployments kept as columns: the key without building the deployment
        self._deployment_columns = (columns.deployment_columns(self._items)
                                    if rule.scope in ("platform", "deployment") else None)
        self._key_at = (columns.deployment_keys(self._items)
                        if self._deployment_columns is not None else None)
        self._platforms = rule.scope == "filing"  # per-filing findings name them
        #: the fields every finding of the rule has
        texts = rule_texts_in(rule.rule, rule.id, self._language)
        self._shared = (rule.id, rule.severity, texts.message, texts.citation, rule.origin,
                        rule.span)

    @property
    def severity(self) -> str:
        return self._rule.severity

    @property
    def rule_id(self) -> str:
        return self._rule.id

    def key(self, index: int) -> Key:
        if self._key_at is not None:
            return self._key_at(index)
        return self._key(self._items[index])

    def __call__(self, index: int, status: Status) -> Finding:
        a, p, n = self.key(index)
        rule_id, severity, message, citation, origin, span = self._shared
        due = self._due.get(index) if status == "violated" or status == "pending" else None
        return Finding(
            rule_id, status, severity, a, p, n, message, citation, UNREAD, due, UNREAD,
            origin, span, UNREAD, UNREAD,
            tuple(sorted(set(self._items[index].platforms))) if self._platforms else (),
            UNREAD, self, index,
        )

    def deadline(self, index: int) -> dt.date | None:
        """The deadline the violated or pending finding ``index`` carries (None: the
        rule gives it none), read without making the finding."""
        return self._due.get(index)

    def key_columns(self, indexes: Sequence[int]) -> KeyColumns:
        """The (algorithm, platform, filing) keys of the items at ``indexes``, as three
        columns (``[self.key(i) for i in indexes]`` transposed)."""
        if self._deployment_columns is not None:
            algorithms, platforms = self._deployment_columns
            if type(indexes) is range and indexes == range(len(algorithms)):
                return algorithms, platforms, [None] * len(indexes)  # every item: as kept
            return (list(map(algorithms.__getitem__, indexes)),
                    list(map(platforms.__getitem__, indexes)), [None] * len(indexes))
        keys = list(map(self.key, indexes))
        return ([k[0] for k in keys], [k[1] for k in keys], [k[2] for k in keys])

    def many(self, indexes: Sequence[int], statuses: Sequence[Status],
             keys: KeyColumns | None = None) -> list[Finding]:
        """``[self(i, s) for i, s in zip(indexes, statuses)]``, built column by column
        (:func:`~policy_sdk.engine.finding.build_findings`; ``keys``: their
        :meth:`key_columns`, if already read). The slow twin is :meth:`__call__`."""
        n = len(indexes)
        a, p, f = self.key_columns(indexes) if keys is None else keys
        rule_id, severity, message, citation, origin, span = self._shared
        get = self._due.get
        if not set(statuses) <= _WITH_DEADLINE:
            due: Sequence[dt.date | None] = [
                get(i) if s in _WITH_DEADLINE else None
                for i, s in zip(indexes, statuses, strict=True)]
        else:
            due = list(map(get, indexes))
        items = self._items
        shown: Iterable[tuple[str, ...]] = (
            [tuple(sorted(set(items[i].platforms))) for i in indexes]
            if self._platforms else repeat(()))
        return build_findings(n, (
            repeat(rule_id), statuses, repeat(severity), a, p, f, repeat(message),
            repeat(citation), repeat(UNREAD), due, repeat(UNREAD), repeat(origin),
            repeat(span), repeat(UNREAD), repeat(UNREAD), shown, repeat(UNREAD),
            repeat(self), indexes, repeat(None)))

    def row(self, index: int, status: str) -> tuple[Any, ...]:
        """The finding ``self(index, status)`` as a row of values (``finding.ROW``),
        details worked out, with no Finding object."""
        item = self._items[index]
        key = self._key(item)
        rule_id, severity, message, citation, origin, span = self._shared
        due = self._due.get(index) if status == "violated" or status == "pending" else None
        explainer = self._explainer or self._explainer_made()
        remedy, lines = self._explained(explainer, item, key, due, status)
        locate = explainer.locate
        facts_path, facts_line = (None, None) if locate is None else locate(index)
        return row_from_init((
            rule_id, status, severity, key[0], key[1], key[2], message, citation, remedy, due,
            lines, origin, span, facts_path, facts_line,
            tuple(sorted(set(item.platforms))) if self._platforms else (),
            None if due is None else explainer.working_days_left(due), None))

    def json_text(self, writer: FindingText, binary: bool = False, templated: bool = True
                  ) -> Callable[[int, str], Any]:
        """``(index, status) -> text``: the finding ``self(index, status)`` as the JSON
        writer writes it (:meth:`json_texts`, one finding at a time)."""
        texts = self.json_texts(writer, binary, templated)
        return lambda index, status: texts((index,), (status,))[0]

    def json_texts(self, writer: FindingText, binary: bool = False, templated: bool = True
                   ) -> Callable[[Sequence[int], Sequence[str]], list[Any]]:
        """``(indexes, statuses) -> texts``: ``json_text(writer, binary)`` of each finding,
        in one loop. The templates (:meth:`_templated`) are set up once more than
        ``_TEMPLATES_AFTER`` findings were asked for (``_TEMPLATES_AFTER_UNDATED`` for a
        rule with no deadline; a small report's findings are worded: setting them up
        would cost more)."""
        one, setup = self._json_text(writer, binary, templated)

        def worded(indexes: Sequence[int], statuses: Sequence[str]) -> list[Any]:
            return list(map(one, indexes, statuses))

        if setup is None:
            return worded
        after = _TEMPLATES_AFTER
        if self._rule.deadline is None:  # its findings share templates: they pay sooner
            after = min(after, _TEMPLATES_AFTER_UNDATED)
        if after <= 0:
            return setup() or worded
        state: list[Any] = [0, None]  # findings asked for, the templated writer

        def lazily(indexes: Sequence[int], statuses: Sequence[str]) -> list[Any]:
            many = state[1]
            if many is None:
                state[0] += len(indexes)
                if state[0] <= after:
                    return worded(indexes, statuses)
                many = state[1] = setup() or worded
            result: list[Any] = many(indexes, statuses)
            return result

        return lazily

    def _json_text(self, writer: FindingText, binary: bool, templated: bool
                   ) -> tuple[Callable[[int, str], Any], Callable[[], Any] | None]:
        """``(one, setup)``: ``one(index, status) -> text`` is the finding
        ``self(index, status)`` as the JSON writer writes it, its details worked out,
        with no Finding and no row; ``setup()`` (if not None) gives what writes several
        from templates, or None (:meth:`_templated`). What
        every finding of the rule with a status says — the shared fields, and those the
        rule makes the same for all (no deadline, the same remedy, no facts location,
        no platforms, the parts of the key its scope has not) — is written once per
        status; a finding writes the rest (``writer.text_for``). Called in the
        evaluation's language (the caller switches to it, :attr:`language`).
        ``binary``: the text in UTF-8 (``writer.utf8_for``). A deployment rule's failing
        findings are written from templates (:meth:`_templated`); ``templated=False``
        words each line by line (its slow twin)."""
        if writer.own != _OWN:  # pragma: no cover - a wire field added: the row path
            write = FindingWriter(writer.indent)

            def by_row(index: int, status: str) -> Any:
                write.out.clear()
                write.write_row(self.row(index, status))
                return utf8("".join(write.out)) if binary else "".join(write.out)

            return by_row, None
        explainer = self._explainer or self._explainer_made()
        items, key_of, dues = self._items, self._key, self._due
        locate = explainer.locate
        days_left = explainer.working_days_left
        per_filing = self._platforms
        rule_id, severity, message, citation, origin, span = self._shared
        scope = self._rule.scope
        # what the rule makes the same for each of its findings
        always: dict[str, Any] = {"waiver": None}
        if not per_filing:
            always["platforms"] = ()
        if locate is None:
            always["facts_path"] = always["facts_line"] = None
        if scope != "filing":
            always["filing"] = None
        if scope not in ("platform", "deployment"):
            always["platform"] = None
        if scope == "organization":
            always["algorithm"] = None
        #: status -> (pieces, text, explain for that status)
        made: dict[str, tuple[tuple[Any, ...], Callable[..., Any], Callable[..., Any]]] = {}

        def make(status: str) -> tuple[tuple[Any, ...], Callable[..., Any], Callable[..., Any]]:
            same = dict(always)
            if not (dues and (status == "violated" or status == "pending")):
                same["deadline"] = same["working_days_left"] = None
            if explainer.remedy_is_the_rules(status):
                same["remedy"] = explainer.rule_remedy
            constant = frozenset(same)
            # the pieces are a function of the rule, the language, the status, the
            # constant fields (their values are the rule's: its remedy, or none), the
            # indent and the encoding: kept per compiled rule
            kept = _rule_templates(self._rule)
            key = (self._language, status, constant, writer.indent, binary)
            pieces = kept.get(key)
            if pieces is None:
                values = {"rule": rule_id, "status": status, "severity": severity,
                          "message": message, "citation": citation, "origin": origin,
                          "span": span, **same}
                pieces = kept[key] = (writer.utf8_template(values, constant) if binary
                                      else writer.template(values, constant))
            found = made[status] = (
                pieces, writer.utf8_for(constant) if binary else writer.text_for(constant),
                explainer.for_status(status))
            return found

        left: dict[dt.date, int | None] = {}

        def one(index: int, status: str) -> Any:
            item = items[index]
            key = key_of(item)
            if status == "violated" or status == "pending":
                due = dues.get(index)
                if due is None:
                    days = None
                else:
                    try:
                        days = left[due]
                    except KeyError:
                        days = left[due] = days_left(due)
            else:
                due = days = None
            pieces, text, explained = made.get(status) or make(status)
            remedy, lines = explained(item, key, due)
            facts_path, facts_line = (None, None) if locate is None else locate(index)
            return text(
                pieces, key[0], key[1], key[2], remedy, due, days, lines, facts_path,
                facts_line, tuple(sorted(set(item.platforms))) if per_filing else (), None)

        if not templated:
            return one, None
        return one, lambda: self._templated(
            explainer, lambda status: made.get(status) or make(status), binary, one)

    def _templated(
        self, explainer: _Explainer,
        made: Callable[[str], tuple[tuple[Any, ...], Callable[..., Any], Callable[..., Any]]],
        binary: bool, worded: Callable[[int, str], Any],
    ) -> Callable[[Sequence[int], Sequence[str]], list[Any]] | None:
        """``(indexes, statuses) -> texts`` of the findings of a deployment rule whose
        lines all declare their :class:`Shape` (None for other rules), ``worded`` for
        statuses other than violated and pending: each finding's whole text is a
        template's pieces joined by its platform's JSON text. A template is made per
        status and value of what the lines read besides the platform (the algorithm,
        the deployment's status, the due date …), by writing one finding with a
        placeholder for its platform and cutting the text there; a finding whose
        platform a line treats apart (``Shape.irregular``), or a template the
        placeholder does not cut cleanly, is ``worded`` (the slow twin: the same text,
        line by line; property-tested with it, and through the JSON report)."""
        if explainer.locate is not None:
            return None
        layouts = {status: explainer.failing_layout(status)
                   for status in ("violated", "pending")}
        first = layouts["violated"]
        if first is None or layouts["pending"] is None:
            return None
        # the lines' shapes are the same for both statuses (not the forbidding line)
        shapes, remedy_shape, _forbidden, deadline = first
        every = [*shapes, remedy_shape] if remedy_shape is not None else shapes
        # the finding's own algorithm is written in it: always read
        reads = tuple(dict.fromkeys(
            ("algorithm", *(name for shape in every for name in shape.reads))))
        keys = tuple(shape.key for shape in every if shape.key is not None)
        irregulars = tuple(shape.irregular for shape in every if shape.irregular is not None)
        read = attrgetter(*reads)
        items, dues = self._items, self._due
        anchor = deadline.anchor if deadline is not None else None
        days_left = explainer.working_days_left
        rule_remedy = explainer.rule_remedy
        # the placeholder: its JSON text has no border (no proper prefix is also a
        # suffix), so no match found by cutting overlaps another: a count of matches
        # equal to the placeholders written means the cuts are exactly at them
        placeholder = "\x00\ue000\x01"
        cut: Any = encode_basestring(placeholder)[1:-1]
        if binary:
            cut = utf8(cut)
        Template = tuple[tuple[Any, ...] | None, frozenset[str]]
        #: status -> key -> template
        by_status: dict[str, dict[Hashable, Template]] = {"violated": {}, "pending": {}}
        platform_texts: dict[str, Any] = {}

        #: (status, what the shapes read) -> (the lines before the deadline's, the
        #: remedy, the placeholders written, the irregular platforms): templates of
        #: other due dates share it
        worded_parts: dict[Hashable, tuple[list[str], str | None, int, frozenset[str]]] = {}

        def template(item: Any, due: dt.date | None, status: str, read_key: Hashable
                     ) -> Template:
            pieces, text, _explain = made(status)
            found_parts = worded_parts.get((status, read_key))
            if found_parts is None:
                found_parts = worded_parts[(status, read_key)] = shaped(item, status)
            lines, remedy, holes, irregular = found_parts
            if deadline is not None:
                lines = [*lines, deadline(item, due, status)]
            written = text(pieces, item.algorithm, placeholder, None, remedy, due,
                           None if due is None else days_left(due), lines, None, None, (),
                           None)
            found = tuple(written.split(cut))
            return (found if len(found) == holes + 1 else None), irregular

        def shaped(item: Any, status: str
                   ) -> tuple[list[str], str | None, int, frozenset[str]]:
            layout = layouts[status]
            assert layout is not None
            forbidden = layout[2]
            holes = 1  # the finding's platform
            lines = []
            for shape in shapes:
                parts = shape.parts(item)
                holes += len(parts) - 1
                lines.append(placeholder.join(parts))
            if forbidden is not None:
                lines.append(forbidden)
            remedy = rule_remedy
            if remedy_shape is not None:
                parts = remedy_shape.parts(item)
                if parts == (None,):
                    remedy = None
                else:
                    holes += len(parts) - 1
                    remedy = placeholder.join(parts)
            irregular: frozenset[str] = frozenset().union(*(f(item) for f in irregulars))
            return lines, remedy, holes, irregular

        #: findings written, how an item is read (from the items' tuple once a quarter
        #: of them were: ``Rows`` builds them all then, the same objects), templates
        #: made, and whether templates pay (not where most findings need their own:
        #: every deployment launched on another day)
        read_so_far: list[Any] = [0, items.__getitem__, 0, True]
        _templates_kept = _TEMPLATES_KEPT

        def many(indexes: Sequence[int], statuses: Sequence[str]) -> list[Any]:
            if not read_so_far[3]:
                return list(map(worded, indexes, statuses))
            out: list[Any] = []
            add = out.append
            get = read_so_far[1]
            for index, status in zip(indexes, statuses, strict=True):
                templates = by_status.get(status)
                if templates is None:
                    add(worded(index, status))
                    continue
                item = get(index)
                key = read(item)
                if keys:
                    key = (key, *[f(item) for f in keys])
                due = dues.get(index) if dues else None
                read_key = key
                if anchor is not None:
                    key = (key, due, anchor(item, None))
                elif due is not None:
                    key = (key, due)
                try:
                    found = templates[key]
                except KeyError:
                    if len(templates) >= _templates_kept:  # bound what is held
                        templates.clear()
                    read_so_far[2] += 1
                    found = templates[key] = template(item, due, status, read_key)
                except TypeError:  # a value that is no key
                    add(worded(index, status))
                    continue
                cuts, irregular = found
                platform = item.platform
                if cuts is None or platform in irregular:
                    add(worded(index, status))
                    continue
                platform_text = platform_texts.get(platform)
                if platform_text is None:
                    if type(platform) is not str:
                        add(worded(index, status))
                        continue
                    platform_text = encode_basestring(platform)[1:-1]
                    if binary:
                        platform_text = utf8(platform_text)
                    platform_texts[platform] = platform_text
                add(platform_text.join(cuts))
            written = read_so_far[0] = read_so_far[0] + len(out)
            if written >= _TEMPLATES_TRIAL and read_so_far[2] * 8 > written:
                # a template for fewer than 8 findings each: making one costs about
                # what wording 8 does (measured)
                read_so_far[3] = False
            if read_so_far[0] * 4 > len(items) and get == items.__getitem__:
                every = getattr(items, "all", None)
                if callable(every):
                    read_so_far[1] = every().__getitem__
            return out

        return many

    @property
    def language(self) -> Language:
        """The evaluation's language: the findings' texts are written in it."""
        return self._language

    def _explainer_made(self) -> _Explainer:
        with self._lock, use_language(self._language):
            explainer = self._explainer
            if explainer is None:
                explainer = self._explainer = _Explainer(self._rule, self._ctx, self._schema)
        return explainer

    def _explained(self, explainer: _Explainer, item: Any, key: Key, due: dt.date | None,
                   status: str) -> tuple[str | None, list[str]]:
        """``explainer.explain(…)`` in the evaluation's language (switched to only when
        the reader's differs)."""
        if get_language() == self._language:
            return explainer.explain(item, key, due, status)
        with use_language(self._language):
            return explainer.explain(item, key, due, status)

    def details(self, index: int, status: str) -> Details:
        """(remedy, explanation, facts path, facts line, working days left) of the
        finding ``self(index, status)``."""
        explainer = self._explainer or self._explainer_made()
        item = self._items[index]
        key = self._key(item)
        due = self._due.get(index) if status == "violated" or status == "pending" else None
        remedy, lines = self._explained(explainer, item, key, due, status)
        locate = explainer.locate
        facts_path, facts_line = (None, None) if locate is None else locate(index)
        return (remedy, tuple(lines), facts_path, facts_line,
                None if due is None else explainer.working_days_left(due))
