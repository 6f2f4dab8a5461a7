"""Explanation lines worded from the facts (split from :mod:`policy_sdk.engine.explain`).

What :class:`~policy_sdk.engine.wording._Explainer` puts together, line by line: a
fact a rule's conditions read, as ``LABEL NAME = VALUE (WHY)`` (:func:`_fact_line`,
values written as policies write them: :func:`render`), and the records a
`require`/`forbid` looked for and what it found (:class:`_RecordLines`, with
:class:`_AlgorithmFilings` for a missing filing). A line of a deployment's explanation
declares beside it what it reads (:class:`Shape`), for the JSON report's templates
(:meth:`~policy_sdk.engine.explain.FindingMaker.json_texts`). Texts are translated
where a line maker is set up (once per rule and evaluation), never per finding.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Mapping, Sequence
from operator import attrgetter
from typing import Any, NamedTuple

from policy_sdk import ast
from policy_sdk.engine.compile import ACCESS, Compiled, ExprCompiler, Getter, reader
from policy_sdk.engine.context import Context
from policy_sdk.engine.kept_texts import BOUND, kept_table
from policy_sdk.engine.rules import CompiledRule
from policy_sdk.facts.derived import FilingState
from policy_sdk.facts.model import LIVE_FILING_STATUSES
from policy_sdk.facts.schema import Schema
from policy_sdk.i18n import N_, _
from policy_sdk.validate.names import Resolved

#: a finding's scope key: (algorithm, platform, filing)
Key = tuple[str | None, str | None, str | None]
Line = Callable[[Any], str]  # scope item -> one explanation line


class Shape(NamedTuple):
    """What a line of a deployment's explanation (or its remedy) depends on, declared
    beside the line for the JSON writer's templates
    (:meth:`~policy_sdk.engine.explain.FindingMaker.json_texts`):
    its text is ``item.platform.join(parts(item))``, and ``parts`` are the same for
    every item with the same attributes ``reads`` and the same ``key(item)`` — except
    for an item whose platform is in ``irregular(item)`` (then the line's own function
    decides; ``irregular`` too is the same for those items)."""

    reads: tuple[str, ...]
    parts: Callable[[Any], tuple[Any, ...]]  # texts (a remedy: (None,) for none)
    key: Callable[[Any], Hashable] | None = None
    irregular: Callable[[Any], frozenset[str]] | None = None


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

        def value_of(key: Any) -> str:
            """The value of the entity ``key`` as the line writes it."""
            entity = table.get(key)
            return render(None if entity is None else read(entity))

        def looked_up(item: Any) -> str:
            key = get_id(item)
            text = by_id.get(key)
            if text is None:
                text = by_id[key] = f"{word} `{key}` {name} = {value_of(key)}"
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
                text = after[key] = f"` {name} = {value_of(key)}"
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
    # a function of the template, the fixed values and the algorithm's id: kept between
    # reports (engine.kept_texts; an id that is not text is made each time)
    made: dict[Any, tuple[str, str]] = kept_table(
        ("around", template, tuple(sorted(fixed.items()))))

    def around(algorithm: Any) -> tuple[str, str]:
        try:
            return made[algorithm]
        except KeyError:
            found = (head.format(algorithm=algorithm, **fixed),
                     tail.format(algorithm=algorithm, **fixed))
            if type(algorithm) is str and len(made) < BOUND:
                made[algorithm] = found
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
