"""Findings built on demand, with their explanations (``docs/semantics.md`` §6).

An explanation says, in domain words, what made the rule apply (the values of the
facts its conditions read), which records it looked for and what it found, and how
the due date was counted. It is written only for findings somebody looks at.

A large facts file can have hundreds of thousands of findings, so they are made in
bulk and in two steps. :class:`~policy_sdk.engine.source.EngineFindings` is an engine
report's source of findings: it counts from the rules' outcomes, and puts the findings
asked for in the report's order (sorting scope keys, not Finding objects) before a
:class:`FindingMaker` makes each one with its key, status and deadline. The
explanation, remedy, facts location and working days left are worked out only when
one of them is read: an :class:`_Explainer` works out once per rule and evaluation
what that rule's explanations share (how to read and word each fact its conditions
read — resolved once per compiled rule, :func:`rule_setup` — the records it looks
for, the lines that depend only on an algorithm, a platform or an anchor date,
cached as they come up), and each explanation then costs a few lookups and joins.
The JSON report goes further for a deployment rule: each line declares what it reads
(:class:`Shape`), so a finding's whole text is a template, made once per algorithm,
status and due date, joined by the finding's platform (:meth:`FindingMaker.json_texts`).
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from itertools import repeat
from json.encoder import encode_basestring  # the C implementation when available
from operator import attrgetter
from typing import Any, Final, NamedTuple

import attrs

from policy_sdk import ast
from policy_sdk.engine import columns
from policy_sdk.engine.compile import ACCESS, Compiled, ExprCompiler, Getter, reader
from policy_sdk.engine.context import Context
from policy_sdk.engine.deadlines import (  # working_days_left etc. are re-exported
    DeadlineLine,
    working_days_left,
)
from policy_sdk.engine.finding import (
    UNREAD,
    Details,
    Finding,
    Status,
    build_findings,
    row_from_init,
)
from policy_sdk.engine.jsontext import FindingText, FindingWriter, utf8
from policy_sdk.engine.localized import rule_texts
from policy_sdk.engine.rules import CompiledRule, Outcome
from policy_sdk.facts.derived import FilingState
from policy_sdk.facts.model import LIVE_FILING_STATUSES
from policy_sdk.facts.schema import Schema
from policy_sdk.i18n import N_, Language, _, get_language, use_language
from policy_sdk.validate.names import Resolved

# Explanations are written in the language of the evaluation: each text below is marked
# (N_) and translated (_) once per rule and evaluation, where an explainer is set up,
# never per finding (and never in what is cached per compiled rule).

#: the note on reusable materials, around the platform's name
REUSE = N_(
    "`{algorithm}` already holds a filing on {others}: its core materials — the algorithm "
    "description and the algorithm security self-assessment report — can be reused; only "
    "the usage scenario and the user-interaction description of `{platform}` need adapting."
)
NOT_APPLICABLE = N_("the rule does not apply here (its `where` condition does not hold)")
CONDITION_HOLDS = N_("the required condition holds: `{condition}`")
CONDITION_FAILS = N_("the required condition does not hold: `{condition}`")
FORBIDDEN = N_("this is forbidden wherever the rule applies")

Key = tuple[str | None, str | None, str | None]
#: a finding's own values, in the order :meth:`FindingMaker.json_text` gives them to
#: the JSON writer (:attr:`~policy_sdk.engine.jsontext.FindingText.own`)
_OWN = ("algorithm", "platform", "filing", "remedy", "deadline", "working_days_left",
        "explanation", "facts_path", "facts_line", "platforms", "waiver")
#: the keys of several findings as three columns: algorithms, platforms, filings
KeyColumns = tuple[Sequence[str | None], Sequence[str | None], Sequence[str | None]]
#: the statuses whose findings carry the rule's deadline
_WITH_DEADLINE: Final = frozenset(("violated", "pending"))
Line = Callable[[Any], str]  # scope item -> one explanation line


class Shape(NamedTuple):
    """What a line of a deployment's explanation (or its remedy) depends on, declared
    beside the line for the JSON writer's templates (:meth:`FindingMaker.json_texts`):
    its text is ``item.platform.join(parts(item))``, and ``parts`` are the same for
    every item with the same attributes ``reads`` and the same ``key(item)`` — except
    for an item whose platform is in ``irregular(item)`` (then the line's own function
    decides; ``irregular`` too is the same for those items)."""

    reads: tuple[str, ...]
    parts: Callable[[Any], tuple[Any, ...]]  # texts (a remedy: (None,) for none)
    key: Callable[[Any], Hashable] | None = None
    irregular: Callable[[Any], frozenset[str]] | None = None


#: templates of a rule's findings held at once (:meth:`FindingMaker._templated`)
_TEMPLATES_KEPT = 8192
#: findings of a rule written before it is decided whether its templates pay
_TEMPLATES_TRIAL = 1024
#: findings of a rule worded before its templates are set up
_TEMPLATES_AFTER = 64


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
        rule = self._rule = outcome.rule
        self._items = outcome.items
        self._due = outcome.due
        self._ctx = ctx
        self._schema = schema
        self._key = key_reader(rule.scope)
        # deployments kept as columns: the key without building the deployment
        self._deployment_columns = (columns.deployment_columns(self._items)
                                    if rule.scope in ("platform", "deployment") else None)
        self._key_at = (columns.deployment_keys(self._items)
                        if self._deployment_columns is not None else None)
        self._platforms = rule.scope == "filing"  # per-filing findings name them
        #: the fields every finding of the rule has
        with use_language(self._language):
            texts = rule_texts(rule.rule, rule.id)
        self._shared = (rule.id, rule.severity, texts.message, texts.citation, rule.origin,
                        rule.span)
        self._explainer: _Explainer | None = None
        self._lock = threading.Lock()

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

    def key_columns(self, indexes: Sequence[int]) -> KeyColumns:
        """The (algorithm, platform, filing) keys of the items at ``indexes``, as three
        columns (``[self.key(i) for i in indexes]`` transposed)."""
        if self._deployment_columns is not None:
            algorithms, platforms = self._deployment_columns
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
        ``_TEMPLATES_AFTER`` findings were asked for (a small report's findings are
        worded: setting them up would cost more)."""
        one, setup = self._json_text(writer, binary, templated)

        def worded(indexes: Sequence[int], statuses: Sequence[str]) -> list[Any]:
            return list(map(one, indexes, statuses))

        if setup is None:
            return worded
        after = _TEMPLATES_AFTER
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
            values = {"rule": rule_id, "status": status, "severity": severity,
                      "message": message, "citation": citation, "origin": origin,
                      "span": span, **same}
            found = made[status] = (
                (writer.utf8_template(values, constant), writer.utf8_for(constant),
                 explainer.for_status(status)) if binary else
                (writer.template(values, constant), writer.text_for(constant),
                 explainer.for_status(status)))
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


class _Explainer:
    """What a rule's explanations share, worked out once per rule and evaluation: how
    to read and word each fact its conditions read, the records it looks for, its
    deadline's wording, its remedy, where its scope keys stand in the facts."""

    __slots__ = ("_condition", "_ctx", "_deadline", "_ensure", "_forbidden",
                 "_not_applicable", "_records", "_remedy", "_remedy_text", "_required", "_rule",
                 "_where", "locate", "where_shapes")

    def __init__(self, rule: CompiledRule, ctx: Context, schema: Schema) -> None:
        self._rule = rule
        self._ctx = ctx
        self.locate = _locator(ctx, rule.scope)  # None: the facts carry no locations
        setup = rule_setup(rule, schema)
        where = [_fact_line(found, rule.scope, ctx) for found in setup.where]
        self._where = _all_lines([line for line, _shape in where])
        #: the `where` lines' shapes (None: a line that declares none)
        self.where_shapes = tuple(shape for _line, shape in where)
        self._ensure = isinstance(rule.statement, ast.Ensure)
        self._condition = _all_lines(
            [_fact_line(found, rule.scope, ctx)[0] for found in setup.condition])
        shown = setup.condition_text
        self._required = (_(CONDITION_HOLDS).format(condition=shown),
                          _(CONDITION_FAILS).format(condition=shown))
        self._not_applicable = _(NOT_APPLICABLE)
        self._forbidden = _(FORBIDDEN)
        self._remedy_text = rule_texts(rule.rule, rule.id).remedy
        self._records = (
            _RecordLines(rule, ctx) if rule.verb != "ensure" and rule.kind is not None else None
        )
        self._deadline = (DeadlineLine(rule, ctx, _made(ctx, rule.deadline.anchor), render)
                          if rule.deadline is not None else None)
        self._remedy = (
            _Remedy(self._remedy_text, ctx) if rule.kind == "filing" and rule.verb == "require"
            else None
        )

    def explain(
        self, item: Any, key: Key, due: dt.date | None, status: str
    ) -> tuple[str | None, list[str]]:
        """(remedy, explanation lines) of a finding."""
        remedy = self._remedy_text
        lines = self._where(item)
        if status == "violated" or status == "pending":
            if self._remedy is not None and key[0] is not None and key[1] is not None:
                remedy = self._remedy(key[0], key[1])
            if self._ensure:
                lines += self._condition(item)
                lines.append(self._required[1])
            elif self._records is not None:
                self._records(item, key, True, lines)
            elif status == "violated":
                lines.append(self._forbidden)
            if self._deadline is not None:
                lines.append(self._deadline(item, due, status))
        elif status == "not_applicable":
            lines.append(self._not_applicable)
        elif self._ensure:
            lines += self._condition(item)
            lines.append(self._required[0] if status == "satisfied" else self._required[1])
        elif self._records is not None:
            self._records(item, key, False, lines)
        return remedy, lines

    def for_status(self, status: str) -> Callable[[Any, Key, dt.date | None],
                                                  tuple[str | None, list[str]]]:
        """``(item, key, due) -> explain(item, key, due, status)``, with what ``status``
        and the rule decide worked out once (the writer's fast twin of :meth:`explain`,
        property-tested with it through the JSON report)."""
        explain = self.explain
        if status not in ("violated", "pending") or self._ensure:
            return lambda item, key, due: explain(item, key, due, status)
        where, text, records = self._where, self._remedy_text, self._records
        remedy_of, deadline = self._remedy, self._deadline
        if remedy_of is None and deadline is None and records is not None:
            def recorded(item: Any, key: Key, due: dt.date | None
                         ) -> tuple[str | None, list[str]]:
                lines = where(item)
                records(item, key, True, lines)
                return text, lines

            return recorded
        forbidden = self._forbidden if records is None and status == "violated" else None

        def failing(item: Any, key: Key, due: dt.date | None) -> tuple[str | None, list[str]]:
            remedy = text
            lines = where(item)
            if remedy_of is not None and key[0] is not None and key[1] is not None:
                remedy = remedy_of(key[0], key[1])
            if records is not None:
                records(item, key, True, lines)
            elif forbidden is not None:
                lines.append(forbidden)
            if deadline is not None:
                lines.append(deadline(item, due, status))
            return remedy, lines

        return failing

    def failing_layout(self, status: str) -> tuple[
            list[Shape], Shape | None, str | None, DeadlineLine | None] | None:
        """How :meth:`explain` words a deployment's finding with ``status`` (violated,
        pending) where every line declares its :class:`Shape`: the shapes of the lines
        before the deadline's, the remedy's shape (None: the rule's own remedy), the
        line saying the rule forbids it (or None), the deadline line (or None).
        None where a line declares no shape (its finding is worded line by line)."""
        if status not in ("violated", "pending") or self._ensure \
                or self._rule.scope not in ("platform", "deployment"):
            return None
        shapes = [shape for shape in self.where_shapes if shape is not None]
        if len(shapes) != len(self.where_shapes):
            return None
        records = self._records
        if records is not None:
            shape = records.failing_shape()
            if shape is None:
                return None
            shapes.append(shape)
        forbidden = self._forbidden if records is None and status == "violated" else None
        remedy = self._remedy.shape() if self._remedy is not None else None
        return shapes, remedy, forbidden, self._deadline

    def working_days_left(self, due: dt.date) -> int | None:
        return working_days_left(self._ctx, due)

    @property
    def rule_remedy(self) -> str | None:
        """The rule's own remedy text."""
        return self._remedy_text

    def remedy_is_the_rules(self, status: str) -> bool:
        """Whether :meth:`explain` gives every finding with ``status`` the rule's own
        remedy (:attr:`rule_remedy`: no note made per finding)."""
        return self._remedy is None or not (status == "violated" or status == "pending")


@attrs.frozen
class RuleSetup:
    """What a rule's explanations need that depends only on the rule (and its schema):
    cached per compiled rule, so an engine pays it once, not per report."""

    #: the facts the `where` (and an `ensure` condition) read, resolved, in reading order
    where: tuple[Resolved, ...]
    condition: tuple[Resolved, ...]
    #: an `ensure`'s condition as policies write it (its lines are worded per language)
    condition_text: str


_SETUPS: weakref.WeakKeyDictionary[CompiledRule, RuleSetup] = weakref.WeakKeyDictionary()
_SETUPS_LOCK = threading.Lock()


def rule_setup(rule: CompiledRule, schema: Schema) -> RuleSetup:
    """The :class:`RuleSetup` of ``rule`` (made once per compiled rule)."""
    found = _SETUPS.get(rule)
    if found is not None:
        return found
    statement = rule.statement
    shown = ""
    condition: tuple[Resolved, ...] = ()
    if isinstance(statement, ast.Ensure):
        from policy_sdk.syntax.formatter import format_expr

        shown = format_expr(statement.condition)
        condition = _facts_read(statement.condition, rule.scope, schema)
    found = RuleSetup(_facts_read(statement.where, rule.scope, schema), condition, shown)
    with _SETUPS_LOCK:
        _SETUPS[rule] = found
    return found


def _all_lines(makers: Sequence[Line]) -> Callable[[Any], list[str]]:
    """``item -> [line(item) for line in makers]``, without a loop for the usual few."""
    match makers:
        case []:
            return lambda item: []
        case [a]:
            return lambda item: [a(item)]
        case [a, b]:
            return lambda item: [a(item), b(item)]
        case [a, b, c]:
            return lambda item: [a(item), b(item), c(item)]
        case [a, b, c, d]:
            return lambda item: [a(item), b(item), c(item), d(item)]
    return lambda item: [line(item) for line in makers]


def key_reader(scope: str) -> Callable[[Any], Key]:
    """``item -> (algorithm, platform, filing)`` of a scope's items."""
    if scope in ("platform", "deployment"):
        return lambda d: (d.algorithm, d.platform, None)
    if scope == "filing":
        return lambda f: (f.algorithm, None, f.number)
    if scope == "algorithm":
        return lambda a: (a.id, None, None)
    return lambda o: (None, None, None)


def _locator(
    ctx: Context, scope: str
) -> Callable[[int], tuple[str | None, int | None]] | None:
    """``index -> (data path, line)`` of the scope key in the facts file, if known; None
    when the facts carry no locations."""
    nowhere: tuple[str | None, int | None] = (None, None)
    if not ctx.facts.locations:
        return None
    section = {"platform": "deployments", "deployment": "deployments", "filing": "filings",
               "algorithm": "algorithms", "organization": "organization"}[scope]
    lines = ctx.memo("entry_lines", lambda: _entry_lines(ctx.facts.locations))
    if section == "organization":
        line = lines.get(section)
        found = nowhere if line is None else (section, line)
        return lambda index: found

    def locate(index: int) -> tuple[str | None, int | None]:
        path = f"{section}[{index}]"
        line = lines.get(path)
        return nowhere if line is None else (path, line)

    return locate


def _entry_lines(locations: Mapping[str, int]) -> dict[str, int]:
    """Data path of each entry (``deployments[3]``) -> its first line, built once."""
    out: dict[str, int] = {}
    for path, line in locations.items():
        cut = path.find("]")
        entry = path[: cut + 1] if cut != -1 else path.split(".", 1)[0]
        if entry not in out or line < out[entry]:
            out[entry] = line
    return out


class _Remedy:
    """``(algorithm, platform) -> remedy`` of a missing filing: the rule's remedy and
    (seed 000) a note that the core materials of the algorithm's filings on other
    platforms can be reused. The text up to the platform's name is made once per
    algorithm."""

    __slots__ = ("_filed", "_heads", "_remedy", "_reuse", "_tail")

    def __init__(self, remedy: str | None, ctx: Context) -> None:
        self._remedy = remedy
        self._reuse, _p, self._tail = _(REUSE).partition("{platform}")
        self._filed = ctx.filed_platforms()  # algorithm -> platforms of its live filings
        #: algorithm -> (its filed platforms, the text for a platform not among them)
        self._heads: dict[str, tuple[frozenset[str], str | None]] = {}

    def __call__(self, algorithm: str, platform: str) -> str | None:
        try:
            filed, head = self._heads[algorithm]
        except KeyError:
            platforms = self._filed.get(algorithm, ())
            filed, head = self._heads[algorithm] = (frozenset(platforms),
                                                    self._head(algorithm, platforms))
        if platform in filed:  # named by a filing that does not count (`with`, `distinct`)
            others = [p for p in self._filed[algorithm] if p != platform]
            head = self._head(algorithm, others)
        return self._remedy if head is None else f"{head}{platform}{self._tail}"

    def shape(self) -> Shape:
        """The :class:`Shape` of a deployment's remedy (the rule's own where the
        parts are ``(None,)``)."""
        heads, filed_of = self._heads, self._filed

        def entry(item: Any) -> tuple[frozenset[str], str | None]:
            algorithm = item.algorithm
            found = heads.get(algorithm)
            if found is None:
                platforms = filed_of.get(algorithm, ())
                found = heads[algorithm] = (frozenset(platforms),
                                            self._head(algorithm, platforms))
            return found

        def parts(item: Any) -> tuple[Any, ...]:
            head = entry(item)[1]
            return (self._remedy,) if head is None else (head, self._tail)

        return Shape(("algorithm",), parts, irregular=lambda item: entry(item)[0])

    def _head(self, algorithm: str, others: Sequence[str]) -> str | None:
        if not others:
            return None
        note = self._reuse.format(algorithm=algorithm,
                                  others=_(", ").join(f"`{p}`" for p in others))
        return _("{remedy} {note}").format(remedy=self._remedy, note=note) if self._remedy else note


# --- facts the conditions read ---------------------------------------------------------


def render(value: object) -> str:
    """A value as explanations write it (as in policies: ``true``, ``null``, ``[a, b]``)."""
    if type(value) is str:
        return value
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return "[" + ", ".join([render(v) for v in value]) + "]"
    return str(value)


def _paths(expr: ast.Expr | None) -> list[ast.Path]:
    if expr is None:
        return []
    seen: dict[str, ast.Path] = {}
    for node in ast.walk_expr(expr):
        if isinstance(node, ast.Path):
            seen.setdefault(node.dotted, node)
    return sorted(seen.values(), key=lambda p: (p.span.line, p.span.column) if p.span else (0, 0))


def _facts_read(expr: ast.Expr | None, scope: str, schema: Schema) -> tuple[Resolved, ...]:
    """The facts ``expr`` reads (not the `with` record), resolved, in reading order."""
    compiler = ExprCompiler(scope, schema, {})
    found: list[Resolved] = []
    for path in _paths(expr):
        resolved = compiler.resolve(path)
        if isinstance(resolved, Resolved) and resolved.binding != "record":
            found.append(resolved)
    return tuple(found)


def _fact_line(found: Resolved, scope: str, ctx: Context) -> tuple[Line, Shape | None]:
    """``item -> "LABEL NAME = VALUE (WHY)"`` for one fact a condition reads, and its
    :class:`Shape` where it declares one."""
    binding, name = found.binding, found.name
    read = reader(found.attribute, ctx)
    if binding == "organization":  # the same line for every item
        org = ctx.organization
        line = f"{_('organization')} {name} = {render(None if org is None else read(org))}"
        return (lambda item: line), Shape((), lambda item: (line,))
    if binding in ("algorithm", "platform") and ACCESS[scope].get(binding) != "self":
        # looked up by the item's algorithm (platform) id: one line per id, cached
        table: Mapping[str, Any] = ctx.algorithms if binding == "algorithm" else ctx.platforms
        get_id = attrgetter(binding)
        by_id: dict[str | None, str] = {}
        word = _(_ENTITY_WORDS[binding])

        def looked_up(item: Any) -> str:
            key = get_id(item)
            text = by_id.get(key)
            if text is None:
                entity = table.get(key)
                value = None if entity is None else read(entity)
                text = by_id[key] = f"{word} `{key}` {name} = {render(value)}"
            return text

        if binding == "algorithm":  # the same line for every item of the algorithm
            return looked_up, Shape(("algorithm",), lambda item: (looked_up(item),))
        # the item's own platform (a deployment's: the only scope reading a platform by
        # id): the line around it, the rest by the platform's value
        head = f"{word} `"
        after: dict[str | None, str] = {}

        def value_after(item: Any) -> str:
            key = item.platform
            text = after.get(key)
            if text is None:
                entity = table.get(key)
                value = None if entity is None else read(entity)
                text = after[key] = f"` {name} = {render(value)}"
            return text

        return looked_up, Shape((), lambda item: (head, value_after(item)), key=value_after)
    label = _label(binding)
    attribute = found.attribute
    if attribute.computed and attribute.entity == binding \
            and (binding, attribute.name) in _BY_STATUS:
        # value and the stored fact behind it are the item's status: that part of the
        # line is made once per status
        status_why = _by_status(binding, attribute.name)
        said: dict[str, str] = {}
        parts = (_around_platform(_("deployment of `{algorithm}` on `{platform}`"))
                 if binding == "deployment" else None)
        if parts is not None:  # the label too made around the platform, per algorithm
            head, tail = parts
            around: dict[Any, tuple[str, str]] = {}

            def deployment_by_status(d: Any) -> str:
                rest = said.get(d.status)
                if rest is None:
                    rest = said[d.status] = f" {name} = {render(read(d))}{status_why(d)}"
                algorithm = d.algorithm
                try:
                    before, after = around[algorithm]
                except KeyError:
                    before, after = around[algorithm] = (head.format(algorithm=algorithm),
                                                         tail.format(algorithm=algorithm))
                return f"{before}{d.platform}{after}{rest}"

            def status_parts(d: Any) -> tuple[str, str]:
                deployment_by_status(d)  # fills the caches
                before, after = around[d.algorithm]
                return before, after + said[d.status]

            return deployment_by_status, Shape(("algorithm", "status"), status_parts)

        def by_status(item: Any) -> str:
            rest = said.get(item.status)
            if rest is None:
                rest = said[item.status] = (
                    f" {name} = {render(read(item))}{status_why(item)}")
            return label(item) + rest

        return by_status, None
    why = _why(found, ctx)
    if why is None:
        return (lambda item: f"{label(item)} {name} = {render(read(item))}"), None
    return (lambda item: f"{label(item)} {name} = {render(read(item))}{why(item)}"), None


#: the entities an explanation names, as words (translated where used)
_ENTITY_WORDS: dict[str, str] = {"algorithm": N_("algorithm"), "platform": N_("platform")}


def _label(binding: str) -> Callable[[Any], str]:
    """How an explanation names the item itself (the entity ``binding`` is bound to)."""
    if binding == "deployment":
        on = _("deployment of `{algorithm}` on `{platform}`")
        fast = _by_algorithm(on)
        if fast is not None:
            return lambda d: fast(d.algorithm, d.platform)
        return lambda d: on.format(algorithm=d.algorithm, platform=d.platform)
    if binding == "algorithm":
        algorithm = _("algorithm `{id}`")
        return lambda a: algorithm.format(id=a.id)
    if binding == "filing":
        filing = _("filing `{number}`")
        return lambda f: filing.format(number=f.number)
    return lambda item: binding  # pragma: no cover - the scopes bind no other item


#: computed attributes that are a function of the item's status (the stored fact an
#: explanation gives for them)
_BY_STATUS: frozenset[tuple[str, str]] = frozenset({("deployment", "running"),
                                                    ("filing", "live")})


def _by_status(binding: str, name: str) -> Line:
    status = _(" (status = {status})")
    return lambda item: status.format(status=item.status)


def _why(found: Resolved, ctx: Context) -> Line | None:
    """The stored facts behind a computed attribute of the item, if any."""
    attribute = found.attribute
    if not attribute.computed:
        return None
    if (found.binding, attribute.name) in _BY_STATUS:
        return _by_status(found.binding, attribute.name)
    if found.binding == "filing":
        states = ctx.filing_states()
        deployments = ctx.deployments_by_algorithm()

        said: dict[tuple[str, str], str] = ctx.memo("filing_why", dict)

        def filing_state(f: Any) -> str:
            key = (f.number, f.algorithm)
            text = said.get(key)
            if text is None:
                text = said[key] = _stopped_and_running(states.get(f.number), f.algorithm,
                                                        deployments)
            return text

        return filing_state
    return None


def _stopped_and_running(
    state: FilingState | None, algorithm: str, deployments: Mapping[str, Mapping[str, Any]]
) -> str:
    if state is None:
        return ""
    on = _("{platform} on {date}")
    stopped = _(", ").join(
        on.format(platform=p, date=render(deployments[algorithm][p].stopped_on))
        for p in state.stopped_platforms
    )
    running = _(", ").join(state.running_platforms)
    # the changes a `filing_change` record covers (one per stop day; docs/semantics.md §7)
    change = _("; change for the stop of {stopped_on} recorded on {changed_on}")
    recorded = "".join(
        change.format(stopped_on=render(e.on), changed_on=render(e.changed_on))
        for e in state.changes if e.changed_on is not None
    )
    return _(" (stopped: {stopped}; running: {running}{recorded})").format(
        stopped=stopped or _("none"), running=running or _("none"), recorded=recorded)


# --- records looked for ------------------------------------------------------------------


#: a scope key as an explanation names it, by scope (its parts: ``rules.KEY_PARTS``)
_KEY_WORDS: dict[str, str] = {
    "platform": N_("algorithm `{algorithm}`, platform `{platform}`"),
    "deployment": N_("algorithm `{algorithm}`, platform `{platform}`"),
    "algorithm": N_("algorithm `{algorithm}`"),
    "filing": N_("algorithm `{algorithm}`, filing `{filing}`"),
    "organization": N_("the organization"),
}


def _around_platform(template: str) -> tuple[str, str] | None:
    """The format strings before and after ``{platform}`` in ``template`` (each then
    formatted alone, as the whole would be); None where that does not hold (the
    platform not once, escaped braces)."""
    if template.count("{platform}") != 1 or "{{" in template or "}}" in template:
        return None
    head, tail = template.split("{platform}")
    return head, tail


def _by_algorithm(template: str, **fixed: Any) -> Callable[[Any, Any], str] | None:
    """``(algorithm, platform) -> template.format(algorithm=…, platform=…, **fixed)``,
    the text around the platform made once per algorithm (findings of one algorithm
    on many platforms); None where the template does not lend itself (the platform
    not once, escaped braces)."""
    found = _around_algorithm(template, **fixed)
    return None if found is None else found[0]


def _around_algorithm(
    template: str, **fixed: Any
) -> tuple[Callable[[Any, Any], str], Callable[[Any], tuple[str, str]]] | None:
    """:func:`_by_algorithm`'s text function, and ``algorithm -> (before, after)``:
    the text around the platform it makes (for :class:`Shape`)."""
    parts = _around_platform(template)
    if parts is None:
        return None
    head, tail = parts
    made: dict[Any, tuple[str, str]] = {}

    def around(algorithm: Any) -> tuple[str, str]:
        try:
            return made[algorithm]
        except KeyError:
            found = made[algorithm] = (head.format(algorithm=algorithm, **fixed),
                                       tail.format(algorithm=algorithm, **fixed))
            return found

    def text(algorithm: Any, platform: Any) -> str:
        try:
            before, after = made[algorithm]
        except KeyError:
            before, after = around(algorithm)
        return f"{before}{platform}{after}"

    return text, around


def _key_words(scope: str) -> Callable[[Key], str]:
    words = _(_KEY_WORDS[scope])
    return lambda key: words.format(algorithm=key[0], platform=key[1], filing=key[2])


class _RecordLines:
    """``(item, key, failing, lines)``: adds to ``lines`` the records a `require`/`forbid`
    looked for and what it found."""

    __slots__ = ("_alone", "_candidates", "_ctx", "_keep", "_key_words", "_kind", "_none",
                 "_none_line", "_none_parts", "_per_algorithm", "_rule",
                 "_unmatched_when_failing", "_with")

    def __init__(self, rule: CompiledRule, ctx: Context) -> None:
        assert rule.kind is not None
        self._rule = rule
        self._ctx = ctx
        self._kind = rule.kind
        self._key_words = _key_words(rule.scope)
        self._candidates: Callable[[Any], Sequence[Any]] | None = None  # made when needed
        self._keep = _made(ctx, rule.with_) if rule.with_ is not None else None
        self._with = rule.with_ is not None
        self._none = (_("no `{kind}` record satisfying the `with` condition covers {subject}")
                      if self._with else _("no `{kind}` record covers {subject}")
                      ).replace("{kind}", rule.kind)
        #: ``(algorithm, platform) -> that line`` for a scope keyed by both (made faster)
        self._none_line: Callable[[Any, Any], str] | None = None
        #: ``algorithm -> (before, after)``: the text around the platform in that line
        self._none_parts: Callable[[Any], tuple[str, str]] | None = None
        head, subject, tail = self._none.partition("{subject}")
        if rule.scope in ("platform", "deployment") and subject \
                and not any(c in head + tail for c in "{}"):
            around = _around_algorithm(head + _(_KEY_WORDS[rule.scope]) + tail, filing=None)
            if around is not None:
                self._none_line, self._none_parts = around
        self._alone = rule.distinct
        #: a failing `require` without `with` matched no record: nothing to look up
        self._unmatched_when_failing = rule.verb == "require" and rule.with_ is None
        #: algorithm -> its filings, and the text around a platform's name in the line
        #: saying no live filing names it
        self._per_algorithm: dict[str | None, tuple[_AlgorithmFilings, str, str]] = {}

    def __call__(self, item: Any, key: Key, failing: bool, lines: list[str]) -> None:
        if failing and self._unmatched_when_failing:
            if self._kind == "filing" and key[1] is not None and key[2] is None:
                # the usual missing filing of a deployment: a line made of a head and
                # tail per algorithm around the platform, and the dead filings naming it
                found = self._per_algorithm.get(key[0])
                if found is None:
                    found = self._algorithm_filings(key[0])
                filings, head, tail = found
                platform = key[1]
                lines.append(f"{head}{platform}{tail}")
                if platform in filings.dead:
                    lines.extend(filings.dead_lines(platform))
                if self._alone:  # `distinct`
                    lines.extend(filings.shared_lines(platform))
                return
            candidates: Sequence[Any] = ()
            matched = candidates
        else:
            if self._candidates is None:
                self._candidates = self._rule.candidates(self._ctx)
            candidates = self._candidates(item)
            matched = candidates
            if self._keep is not None:
                keep = self._keep
                matched = [r for r in candidates if keep(item, r) is True]
        if self._kind == "filing":
            if matched:
                found_filing = _("found: live filing `{number}` of `{algorithm}` naming "
                                 "{platforms}")
                lines.extend([
                    found_filing.format(number=f.number, algorithm=f.algorithm,
                                        platforms=_(", ").join(f"`{p}`" for p in f.platforms))
                    for f in sorted(matched, key=lambda f: f.number)
                ])
            else:
                self._missing_filing(key, len(candidates), lines)
            return
        if matched:
            found_record = _("found: `{kind}` record").format(kind=self._kind)
            lines.extend([
                found_record + _record_parts(r)
                for r in sorted(matched, key=lambda r: (r.algorithm or "", r.platform or "",
                                                        r.filing or "", render(r.on)))
            ])
            return
        none_line = self._none_line
        line = (self._none.format(subject=self._key_words(key)) if none_line is None
                else none_line(key[0], key[1]))
        if self._keep is not None and candidates:
            line += _(" ({count} record(s) cover it but fail the `with` condition)").format(
                count=len(candidates))
        lines.append(line)

    def failing_shape(self) -> Shape | None:
        """The :class:`Shape` of the lines this adds for a failing deployment (the records
        looked for and not found), where they declare one."""
        if not self._unmatched_when_failing or self._rule.scope not in ("platform",
                                                                         "deployment"):
            return None
        if self._kind == "filing":
            def filings(item: Any) -> tuple[_AlgorithmFilings, str, str]:
                found = self._per_algorithm.get(item.algorithm)
                return self._algorithm_filings(item.algorithm) if found is None else found

            def parts(item: Any) -> tuple[str, str]:
                _filings, head, tail = filings(item)
                return head, tail

            alone = self._alone
            return Shape(("algorithm",), parts,
                         irregular=lambda item: filings(item)[0].irregular(alone))
        none_parts = self._none_parts
        if none_parts is None:
            return None
        return Shape(("algorithm",), lambda item: none_parts(item.algorithm))

    def _missing_filing(self, key: Key, n_candidates: int, out: list[str]) -> None:
        algorithm, platform, filing = key
        ctx = self._ctx
        if filing is not None:
            by_number = ctx.memo("filings_by_number",
                                 lambda: {x.number: x for x in ctx.facts.filings})
            f = by_number.get(filing)
            status = f.status if f is not None else "unknown"
            out.append(_("filing `{number}` is not live (status = {status})").format(
                number=filing, status=status))
            return
        found = self._per_algorithm.get(algorithm)
        if found is None:
            found = self._algorithm_filings(algorithm)
        filings, head, tail = found
        if platform is not None:
            out.append(f"{head}{platform}{tail}")
        elif algorithm is not None:
            out.append((_("no live filing of `{algorithm}` satisfies the `with` condition")
                        if self._with else _("no live filing of `{algorithm}`")
                        ).format(algorithm=algorithm) + filings.named)
        else:
            out.append((_("no live filing satisfies the `with` condition") if self._with
                        else _("no live filing")) + filings.named)
        if self._keep is not None and n_candidates:
            out.append(_("{count} live filing(s) cover it but fail the `with` "
                         "condition").format(count=n_candidates))
        if platform is not None:
            if platform in filings.dead:
                out.extend(filings.dead_lines(platform))
            if self._alone:  # `distinct`
                out.extend(filings.shared_lines(platform))


    def _algorithm_filings(self, algorithm: str | None) -> tuple[_AlgorithmFilings, str, str]:
        filings = _AlgorithmFilings(self._ctx, algorithm)
        if self._alone:  # `distinct`
            line = (_("no live filing of `{algorithm}` satisfying the `with` condition names "
                      "platform `{platform}` alone") if self._with else
                    _("no live filing of `{algorithm}` names platform `{platform}` alone"))
        else:
            line = (_("no live filing of `{algorithm}` satisfying the `with` condition names "
                      "platform `{platform}`") if self._with else
                    _("no live filing of `{algorithm}` names platform `{platform}`"))
        head, _p, tail = line.partition("{platform}")
        found = self._per_algorithm[algorithm] = (
            filings, head.format(algorithm=algorithm), tail + filings.named,
        )
        return found


class _AlgorithmFilings:
    """What a missing-filing explanation says about one algorithm's filings."""

    __slots__ = ("_irregular", "_live", "_mine", "dead", "named")

    def __init__(self, ctx: Context, algorithm: str | None) -> None:
        mine = self._mine = (
            ctx.filings_by_algorithm().get(algorithm or "", []) if algorithm
            else list(ctx.facts.filings)
        )
        self._live = [f for f in mine if f.status in LIVE_FILING_STATUSES]
        self._irregular: dict[bool, frozenset[str]] = {}
        #: platform -> numbers of the filings naming it that are not live
        self.dead: dict[str, list[str]] = {}
        for f in mine:
            if f.status not in LIVE_FILING_STATUSES:
                for p in set(f.platforms):
                    self.dead.setdefault(p, []).append(f.number)
        named = sorted({p for f in self._live for p in f.platforms})
        self.named = ""  # what follows the first line
        if algorithm is not None:
            self.named = (
                _("; live filings of `{algorithm}` name: {platforms}").format(
                    algorithm=algorithm, platforms=_(", ").join(named)) if named
                else _("; `{algorithm}` has no live filing").format(algorithm=algorithm)
            )

    def irregular(self, alone: bool) -> frozenset[str]:
        """The platforms whose missing-filing lines say more than the line around the
        platform: named by a filing that is not live, or (``alone``: `distinct`) by a
        live one."""
        found = self._irregular.get(alone)
        if found is None:
            platforms = set(self.dead)
            if alone:
                platforms.update(p for f in self._live for p in f.platforms)
            found = self._irregular[alone] = frozenset(platforms)
        return found

    def dead_lines(self, platform: str) -> list[str]:
        """Filings of the algorithm naming ``platform`` that are not live."""
        numbers = self.dead.get(platform)
        if not numbers:
            return []
        out = []
        for number in sorted(numbers):
            f = next(x for x in self._mine if x.number == number)
            out.append(_("filing `{number}` names `{platform}` but is {status}").format(
                number=number, platform=platform, status=f.status))
        return out

    def shared_lines(self, platform: str) -> list[str]:
        """Live filings naming ``platform`` together with others (for `distinct`)."""
        shared = sorted(f.number for f in self._live if platform in f.platforms)
        together = _("live filing `{number}` names `{platform}` together with others")
        return [together.format(number=number, platform=platform) for number in shared]


def _record_parts(r: Any) -> str:
    parts = [f"{_(p)} `{getattr(r, p)}`" for p in _RECORD_PARTS if getattr(r, p) is not None]
    if r.on is not None:
        parts.append(_("on {date}").format(date=r.on.isoformat()))
    return (_(" ({parts})").format(parts=_(", ").join(parts)) if parts
            else _(" (covering everything)"))


_RECORD_PARTS = (N_("algorithm"), N_("platform"), N_("filing"))


def _made(ctx: Context, compiled: Compiled) -> Getter:
    """``compiled.make(ctx)``, once per evaluation."""
    made: Getter = ctx.memo(("made", id(compiled)), lambda: compiled.make(ctx))
    return made


# --- deadlines -------------------------------------------------------------------------------
