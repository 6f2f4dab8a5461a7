"""How a rule's findings are worded (split from :mod:`policy_sdk.engine.explain`).

:class:`_Explainer` works out once per rule and evaluation what that rule's
explanations share — how to read and word each fact its conditions read (resolved once
per compiled rule: :func:`rule_setup`), the records it looks for, its deadline's
wording, its remedy (:class:`_Remedy`, with the note on reusable materials), where its
scope keys stand in the facts (:func:`_locator`) — and then words each finding's remedy
and explanation lines (:meth:`_Explainer.explain`, and per status
:meth:`_Explainer.for_status`; :meth:`_Explainer.failing_layout` for the JSON report's
templates). The lines themselves are made in :mod:`policy_sdk.engine.fact_lines`.
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

import attrs

from policy_sdk import ast
from policy_sdk.engine.context import Context
from policy_sdk.engine.deadlines import DeadlineLine, deadline_words, working_days_left
from policy_sdk.engine.fact_lines import (
    Key,
    Line,
    Shape,
    _fact_line,
    _facts_read,
    _made,
    _RecordLines,
    render,
)
from policy_sdk.engine.kept_texts import BOUND, kept_for, kept_table
from policy_sdk.engine.localized import rule_texts
from policy_sdk.engine.rules import CompiledRule
from policy_sdk.facts.schema import Schema
from policy_sdk.i18n import N_, _, get_language, use_language
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
        words = rule_words(rule, schema, get_language())
        self._required = words.required
        self._not_applicable = words.not_applicable
        self._forbidden = words.forbidden
        self._remedy_text = words.remedy
        self._records = (
            _RecordLines(rule, ctx) if rule.verb != "ensure" and rule.kind is not None else None
        )
        self._deadline = (DeadlineLine(rule, ctx, _made(ctx, rule.deadline.anchor), render,
                                       words.deadline)
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


class RuleWords(NamedTuple):
    """What a rule's explanations say in one language whatever the facts: the lines
    saying its `ensure` condition holds and does not, that it does not apply, that it
    forbids, its remedy, and its deadline's words (:func:`deadline_words`)."""

    required: tuple[str, str]
    not_applicable: str
    forbidden: str
    remedy: str | None
    deadline: tuple[str, str, str, tuple[str, str]] | None


def rule_words_uncached(rule: CompiledRule, schema: Schema, language: str) -> RuleWords:
    """:func:`rule_words`, made anew."""
    with use_language(language):
        shown = rule_setup(rule, schema).condition_text
        return RuleWords(
            (_(CONDITION_HOLDS).format(condition=shown), _(CONDITION_FAILS).format(
                condition=shown)),
            _(NOT_APPLICABLE), _(FORBIDDEN), rule_texts(rule.rule, rule.id).remedy,
            deadline_words(rule) if rule.deadline is not None else None)


#: id(rule) -> (the compiled rule, language -> its words): a function of the rule and the
#: language, made once (dict operations only: safe between threads; bounded)
_WORDS: dict[int, tuple[CompiledRule, dict[str, RuleWords]]] = {}


def rule_words(rule: CompiledRule, schema: Schema, language: str) -> RuleWords:
    """:class:`RuleWords` of ``rule`` in ``language``, kept for the next report
    (:func:`rule_words_uncached` is the slow twin)."""
    return kept_for(_WORDS, rule, language,
                    lambda: rule_words_uncached(rule, schema, language), 4096)


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
    lines = ctx.memo("entry_lines", lambda: entry_lines(ctx.facts.locations))
    if section == "organization":
        line = lines.get(section)
        found = nowhere if line is None else (section, line)
        return lambda index: found

    def locate(index: int) -> tuple[str | None, int | None]:
        path = f"{section}[{index}]"
        line = lines.get(path)
        return nowhere if line is None else (path, line)

    return locate


def entry_lines(locations: Mapping[str, int]) -> Mapping[str, int]:
    """Data path of each entry (``deployments[3]``) -> its first line: the loaded facts'
    own (``first_lines()``, which reads only each entry's first row where it can), else
    worked out from every value's line (:func:`_entry_lines`, the slow twin)."""
    first_lines = getattr(locations, "first_lines", None)
    if callable(first_lines):
        found: Mapping[str, int] = first_lines()
        return found
    return _entry_lines(locations)


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

    __slots__ = ("_filed", "_heads", "_kept", "_remedy", "_reuse", "_tail", "_words")

    def __init__(self, remedy: str | None, ctx: Context) -> None:
        self._remedy = remedy
        self._reuse, _p, self._tail = _(REUSE).partition("{platform}")
        self._words = (_(", "), _("{remedy} {note}"))
        self._filed = ctx.filed_platforms()  # algorithm -> platforms of its live filings
        #: algorithm -> (its filed platforms, the text for a platform not among them)
        self._heads: dict[str, tuple[frozenset[str], str | None]] = {}
        #: (algorithm, other platforms) -> the text before the platform: a function of
        #: them and these texts, kept between reports (engine.kept_texts)
        self._kept = kept_table(("remedy", remedy, self._reuse, *self._words))

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
        if type(algorithm) is not str or type(others) is not tuple:
            return self.head(algorithm, others)
        key = (algorithm, others)
        try:
            found: str = self._kept[key]
        except KeyError:
            found = self.head(algorithm, others)
            if len(self._kept) < BOUND:
                self._kept[key] = found
        except TypeError:  # a platform that is no key
            return self.head(algorithm, others)
        return found

    def head(self, algorithm: str, others: Sequence[str]) -> str:
        """The remedy's text before the platform's name, made anew (:meth:`_head` keeps
        it; ``others`` not empty)."""
        separator, words = self._words
        note = self._reuse.format(algorithm=algorithm,
                                  others=separator.join(f"`{p}`" for p in others))
        return words.format(remedy=self._remedy, note=note) if self._remedy else note
