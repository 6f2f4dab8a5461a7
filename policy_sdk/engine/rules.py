"""Rules compiled once, run per evaluation (``docs/semantics.md`` §4–§6).

A :class:`CompiledRule` decides every scope key of one rule in a few passes over the
scope's items, with the obligation's index built once per evaluation (by the
:class:`~policy_sdk.engine.context.Context`). The result is an :class:`Outcome`: the
indexes of applicable, violated and pending items, not Finding objects — those are
built only for the findings somebody asks to see (:mod:`policy_sdk.engine.explain`).

Conditions are split at their top-level ``and``: the parts that read only the
organization are decided once, those that read only the algorithm (or only the
platform) once per algorithm (platform), the rest once per item.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from itertools import repeat
from operator import is_
from typing import Any, Final

import attrs

from policy_sdk import ast
from policy_sdk.engine import columns
from policy_sdk.engine.compile import ACCESS, Compiled, ExprCompiler, Getter
from policy_sdk.engine.context import Context, condition_key
from policy_sdk.errors import Diagnostic, EvaluationError, Span
from policy_sdk.facts.model import RUNNING_STATUSES
from policy_sdk.facts.schema import Schema
from policy_sdk.plugins.specs import FunctionSpec
from policy_sdk.validate.names import Resolved, resolve

#: the key parts each scope's keys have (§1)
KEY_PARTS: Final[dict[str, tuple[str, ...]]] = {
    "platform": ("algorithm", "platform"),
    "deployment": ("algorithm", "platform"),
    "algorithm": ("algorithm",),
    "organization": (),
    "filing": ("algorithm", "filing"),
}


def key_of(scope: str, item: Any) -> tuple[str | None, str | None, str | None]:
    """(algorithm, platform, filing) of a scope item."""
    if scope in ("platform", "deployment"):
        return (item.algorithm, item.platform, None)
    if scope == "filing":
        return (item.algorithm, None, item.number)
    if scope == "algorithm":
        return (item.id, None, None)
    return (None, None, None)


@attrs.frozen(eq=False)
class CompiledDeadline:
    amount: int
    working: bool
    anchor: Compiled
    node: ast.Deadline


@attrs.frozen(eq=False)
class CompiledRule:
    """One rule, ready to run. ``id`` is its finding id (§6)."""

    id: str
    rule: ast.Rule
    verb: str  # require | forbid | ensure
    scope: str
    kind: str | None
    distinct: bool
    severity: str
    message: str
    citation: str | None
    remedy: str | None
    interpretation: str | None
    origin: str
    span: Span | None
    #: top-level conjuncts of `where`, grouped by what they read
    where_const: Compiled | None
    where_algorithm: Compiled | None
    where_platform: Compiled | None
    where_item: Compiled | None
    #: deployment statuses a `where` conjunct on the deployment's status admits
    where_status: frozenset[str] | None
    where: Compiled | None  # the whole condition (for explanations)
    with_: Compiled | None
    condition: Compiled | None  # ensure
    deadline: CompiledDeadline | None

    @property
    def statement(self) -> ast.Statement:
        return self.rule.statement

    def run(self, ctx: Context) -> Outcome:
        items = ctx.items(self.scope)
        applicable = self._applicable(ctx, items)
        if self.verb == "forbid" and self.kind is None:
            failing = list(range(len(items)) if applicable is None else applicable)
            return Outcome(self, items, applicable, failing, [], {})
        if self.verb == "ensure":
            assert self.condition is not None
            holds = self.condition.make(ctx)
            failing = [i for i in _indices(items, applicable) if holds(items[i], None) is not True]
        else:
            failing = self._unmatched(ctx, items, applicable, want_found=self.verb == "forbid")
        if self.verb == "forbid" or self.deadline is None or not failing:
            return Outcome(self, items, applicable, failing, [], {})
        return self._deadlines(ctx, items, applicable, failing)

    # -- where ------------------------------------------------------------------------

    def _applicable(self, ctx: Context, items: Sequence[Any]) -> Sequence[int] | None:
        """Indexes of the items where the rule applies (None: all of them).

        Rules with the same scope and the same `where` share the result within one
        evaluation (the default pack has four such rules)."""
        if self.where is None:
            return None
        found: Sequence[int] | None = ctx.memo(
            ("applicable", self.scope, condition_key(self.rule.statement.where)),
            lambda: self._compute_applicable(ctx, items),
        )
        return found

    def _compute_applicable(self, ctx: Context, items: Sequence[Any]) -> Sequence[int] | None:
        if self.where_const is not None and self.where_const.make(ctx)(None, None) is not True:
            return []
        by_algorithm = _table(ctx, self.where_algorithm, ctx.algorithms, "algorithm")
        by_platform = _table(ctx, self.where_platform, ctx.platforms, "platform")
        for table in (by_algorithm, by_platform):
            if table is not None and not any(table.values()) and not table.unknown_holds():
                return []  # holds for no algorithm (platform): applies nowhere
        allowed = self.where_status
        rest = self.where_item.make(ctx) if self.where_item is not None else None
        if by_platform is None and rest is None:
            if by_algorithm is None and allowed is None:
                return None
            if by_algorithm is None:
                assert allowed is not None
                return [i for i, x in enumerate(items) if x.status in allowed]
            if allowed is None:
                return columns.applicable_by_algorithm(items, by_algorithm)
            return [
                i for i, x in enumerate(items)
                if by_algorithm[x.algorithm] and x.status in allowed
            ]

        def applies(x: Any) -> bool:
            if by_algorithm is not None and not by_algorithm[x.algorithm]:
                return False
            if by_platform is not None and not by_platform[x.platform]:
                return False
            if allowed is not None and x.status not in allowed:
                return False
            return rest is None or rest(x, None) is True

        return [i for i, x in enumerate(items) if applies(x)]

    # -- matching records (§4.1) ---------------------------------------------------------

    def _unmatched(
        self, ctx: Context, items: Sequence[Any], applicable: Sequence[int] | None, want_found: bool
    ) -> list[int]:
        """Applicable indexes with no matching record (``want_found``: with one)."""
        indices = _indices(items, applicable)
        if want_found:
            found = self.matcher(ctx)
            return [i for i in indices if found(items[i])]
        if (
            self.kind == "filing"
            and self.with_ is None
            and self.scope in ("platform", "deployment")
        ):  # the hot path: one (algorithm, platform) lookup per deployment, at C speed
            filings, distinct = ctx.facts.filings, self.distinct
            return columns.unfiled_by_filings(
                items, applicable, filings, distinct,
                # rules of one evaluation share the marks (over an as-of view, they are
                # where the deployments' positions are built)
                lambda: ctx.memo(("filed_marks", id(items), distinct),
                                 lambda: columns.filed_marks(items, filings, distinct)))
        if self.kind != "filing" and self.with_ is None:
            return _uncovered(ctx.record_index(self.kind or "", KEY_PARTS[self.scope]),
                              self.scope, items, indices)
        found = self.matcher(ctx)
        return [i for i in indices if not found(items[i])]

    def matcher(self, ctx: Context) -> Callable[[Any], bool]:
        """``item -> bool``: whether a matching record exists for the item's key."""
        candidates = self.candidates(ctx)
        if self.with_ is None:
            return lambda item: bool(candidates(item))
        keep = self.with_.make(ctx)
        return lambda item: any(keep(item, rec) is True for rec in candidates(item))

    def candidates(self, ctx: Context) -> Callable[[Any], Sequence[Any]]:
        """``item -> records`` of the rule's kind matching the key (before ``with``)."""
        kind, scope, distinct = self.kind, self.scope, self.distinct
        empty: Sequence[Any] = ()
        if kind == "filing":
            if scope in ("platform", "deployment"):
                by_pair = ctx.live_by_pair(distinct)
                return lambda d: by_pair.get((d.algorithm, d.platform), empty)
            if distinct:  # the key has no platform: nothing names it alone
                return lambda item: empty
            if scope == "filing":
                return lambda f: (f,) if f.live else empty
            if scope == "algorithm":
                live_of = ctx.live_by_algorithm()
                return lambda a: live_of.get(a.id, empty)
            live = ctx.live_filings()
            return lambda o: live
        assert kind is not None
        parts = KEY_PARTS[scope]
        index = ctx.record_index(kind, parts)
        if not parts:
            every = [r for rs in index.values() for r in rs]
            return lambda o: every
        get = index.get
        if scope in ("platform", "deployment"):

            def by_deployment(d: Any) -> Sequence[Any]:
                a, p = d.algorithm, d.platform
                out: list[Any] = []
                for k in ((a, p), (a, None), (None, p), (None, None)):
                    out.extend(get(k, empty))
                return out

            return by_deployment
        if scope == "filing":

            def by_filing(f: Any) -> Sequence[Any]:
                a, n = f.algorithm, f.number
                out: list[Any] = []
                for k in ((a, n), (a, None), (None, n), (None, None)):
                    out.extend(get(k, empty))
                return out

            return by_filing

        def by_algorithm(a: Any) -> Sequence[Any]:
            return [*get((a.id,), empty), *get((None,), empty)]

        return by_algorithm

    # -- deadlines (§5) ---------------------------------------------------------------------

    def _deadline_error(self, exc: EvaluationError, item: Any, start: dt.date) -> EvaluationError:
        """``exc`` with where the deadline was needed: the rule, the key, the anchor."""
        assert self.deadline is not None
        days = "working days" if self.deadline.working else "days"
        where = (f"needed for the deadline of rule `{self.id}` for {_describe_key(item)}: "
                 f"{self.deadline.amount} {days} after {start.isoformat()}")
        return EvaluationError([
            attrs.evolve(d, help=f"{where}; {d.help}" if d.help else where)
            for d in exc.diagnostics
        ])

    def _deadlines(
        self, ctx: Context, items: Sequence[Any], applicable: Sequence[int] | None,
        failing: list[int],
    ) -> Outcome:
        deadline = self.deadline
        assert deadline is not None
        anchor = deadline.anchor.make(ctx)
        as_of = ctx.as_of
        amount, working = deadline.amount, deadline.working
        violated: list[int] = []
        pending: list[int] = []
        due: dict[int, dt.date] = {}
        # anchor -> (due day, overdue), for this rule: a few thousand distinct anchors
        # for hundreds of thousands of items
        known: dict[dt.date, tuple[dt.date, bool]] = {}
        date = dt.date
        for i in failing:
            start = anchor(items[i], None)
            if type(start) is not date:
                violated.append(i)  # no anchor: no time limit runs
                continue
            found = known.get(start)
            if found is None:
                try:
                    day = ctx.due(start, amount, working)
                except EvaluationError as exc:  # e.g. a year the calendar does not know
                    raise self._deadline_error(exc, items[i], start) from None
                found = known[start] = (day, as_of > day)
            due[i] = found[0]
            (violated if found[1] else pending).append(i)
        return Outcome(self, items, applicable, violated, pending, due)


def _describe_key(item: Any) -> str:
    """The scope key of an item, as findings name it."""
    if hasattr(item, "number"):
        return f"filing `{item.number}`"
    if hasattr(item, "platform") and hasattr(item, "algorithm"):
        return f"`{item.algorithm}` on `{item.platform}`"
    if hasattr(item, "id"):
        return f"algorithm `{item.id}`"
    return "the organization"


def _uncovered(
    index: Mapping[tuple[str | None, ...], object], scope: str, items: Sequence[Any],
    indices: Sequence[int],
) -> list[int]:
    """Indexes of items no record of ``index`` covers (a part a record leaves out matches)."""
    keys = frozenset(index)
    if not keys:
        return list(indices)
    if (None,) * len(KEY_PARTS[scope]) in keys:
        return []  # a record naming no part covers every key
    if scope == "algorithm":
        return [i for i in indices if (items[i].id,) not in keys]
    # records naming only the algorithm; only the other part; both
    only_algorithm = frozenset(k[0] for k in keys if k[1] is None)
    only_other = frozenset(k[1] for k in keys if k[0] is None)
    if scope in ("platform", "deployment"):
        return [
            i for i in indices
            if (d := items[i]).algorithm not in only_algorithm
            and d.platform not in only_other
            and (d.algorithm, d.platform) not in keys
        ]
    return [
        i for i in indices
        if (f := items[i]).algorithm not in only_algorithm
        and f.number not in only_other
        and (f.algorithm, f.number) not in keys
    ]


def _indices(items: Sequence[Any], applicable: Sequence[int] | None) -> Sequence[int]:
    return range(len(items)) if applicable is None else applicable


class _Probe:
    """A stand-in scope item carrying only an id, for hoisted conditions."""

    __slots__ = ("algorithm", "platform")

    def __init__(self) -> None:
        self.algorithm: str | None = None
        self.platform: str | None = None


class _Table(dict[str, bool]):
    """id -> whether a hoisted condition holds; an id the facts do not define reads null."""

    def __init__(self, getter: Getter, field: str, data: dict[str, bool]) -> None:
        super().__init__(data)
        self._getter = getter
        self._field = field

    def unknown_holds(self) -> bool:
        """Whether the condition holds for an id the facts do not define (all nulls)."""
        probe = _Probe()
        setattr(probe, self._field, "\x00 no such id")
        return self._getter(probe, None) is True

    def __missing__(self, key: str) -> bool:
        probe = _Probe()
        setattr(probe, self._field, key)
        value = self._getter(probe, None) is True
        self[key] = value
        return value


def _table(
    ctx: Context, part: Compiled | None, entities: Mapping[str, Any], field: str
) -> _Table | None:
    if part is None:
        return None
    getter = part.make(ctx)
    if part.by_id is not None and part.by_id[0] == field:
        # the condition is the entity's attribute as it stands: its own table, read
        # at C speed (the loop below is the slow twin: tests/engine/test_columns.py)
        values = part.by_id[1](ctx)
        if len(values) == len(entities):  # the same ids: made from these entities
            return _Table(getter, field, dict(zip(values, map(is_, values.values(),
                                                              repeat(True)), strict=True)))
    return _table_slow(getter, entities, field)


def _table_slow(getter: Getter, entities: Mapping[str, Any], field: str) -> _Table:
    """:func:`_table`, id by id."""
    probe = _Probe()  # one probe, re-pointed at each id: no allocation per entity
    data: dict[str, bool] = {}
    for key in entities:
        setattr(probe, field, key)
        data[key] = getter(probe, None) is True
    return _Table(getter, field, data)


@attrs.frozen(eq=False)
class Outcome:
    """What one rule decided, by index into its scope's items."""

    rule: CompiledRule
    items: Sequence[Any]
    applicable: Sequence[int] | None  # None: every item
    violated: list[int]
    pending: list[int]
    due: dict[int, dt.date]

    def counts(self) -> dict[str, int]:
        n = len(self.items)
        applicable = n if self.applicable is None else len(self.applicable)
        violated, pending = len(self.violated), len(self.pending)
        satisfied = applicable - violated - pending
        rest = n - applicable
        if self.rule.verb == "forbid" and self.rule.kind is None:
            return {"violated": violated, "pending": 0, "satisfied": rest, "not_applicable": 0}
        return {"violated": violated, "pending": pending, "satisfied": satisfied,
                "not_applicable": rest}

    def with_statuses(self, wanted: set[str]) -> list[tuple[int, str]]:
        """(index, status) of the items whose status is one of ``wanted``: violated
        ones first, then pending (read off the outcome), or every status in item order."""
        if wanted <= {"violated", "pending"}:
            pairs: list[tuple[int, str]] = []
            if "violated" in wanted:
                pairs.extend([(i, "violated") for i in self.violated])
            if "pending" in wanted:
                pairs.extend([(i, "pending") for i in self.pending])
            return pairs
        return [(i, s) for i, s in self.statuses() if s in wanted]

    def selected(self, wanted: set[str]) -> tuple[list[int], list[str]]:
        """:meth:`with_statuses` as two columns: the indexes and their statuses."""
        if wanted <= {"violated", "pending"}:
            indexes: list[int] = []
            statuses: list[str] = []
            for status, found in (("violated", self.violated), ("pending", self.pending)):
                if status in wanted and found:
                    indexes.extend(found)
                    statuses.extend([status] * len(found))
            return indexes, statuses
        pairs = self.with_statuses(wanted)
        return [i for i, _ in pairs], [s for _, s in pairs]

    def statuses(self) -> list[tuple[int, str]]:
        """Every item's (index, status)."""
        status = {i: "violated" for i in self.violated}
        status.update((i, "pending") for i in self.pending)
        kindless_forbid = self.rule.verb == "forbid" and self.rule.kind is None
        outside = "satisfied" if kindless_forbid else "not_applicable"
        inside = set(range(len(self.items)) if self.applicable is None else self.applicable)
        return [
            (i, status.get(i, "satisfied" if i in inside else outside))
            for i in range(len(self.items))
        ]


# --- compilation ----------------------------------------------------------------------


def compile_rule(
    rule_id: str,
    rule: ast.Rule,
    schema: Schema,
    functions: Mapping[str, FunctionSpec],
    origin: str,
    problems: list[Diagnostic],
) -> CompiledRule:
    """Compile one rule; name problems are appended to ``problems``."""
    statement = rule.statement
    scope = statement.scope.name
    if scope not in ACCESS:
        from policy_sdk.errors import did_you_mean

        problems.append(
            Diagnostic("unknown-scope", f"unknown scope `per {scope}`", span=statement.scope.span,
                       help=did_you_mean(scope, ACCESS))
        )
        scope = "organization"
    compiler = ExprCompiler(scope, schema, functions)
    kind: str | None = None
    distinct = False
    with_: Compiled | None = None
    condition: Compiled | None = None
    deadline: CompiledDeadline | None = None
    match statement:
        case ast.Require():
            kind, distinct = statement.kind.name, statement.distinct
            verb = "require"
        case ast.Forbid():
            kind = statement.kind.name if statement.kind is not None else None
            verb = "forbid"
        case ast.Ensure():
            verb = "ensure"
            condition = compiler.compile(statement.condition)
    if kind is not None and kind not in schema.kinds:
        from policy_sdk.errors import did_you_mean

        span = statement.kind.span if isinstance(statement, ast.Require | ast.Forbid) and \
            statement.kind is not None else statement.span
        problems.append(
            Diagnostic("unknown-kind", f"unknown obligation kind `{kind}`", span=span,
                       help=did_you_mean(kind, schema.kinds))
        )
    if isinstance(statement, ast.Require | ast.Forbid) and statement.with_ is not None:
        inner = ExprCompiler(scope, schema, functions, record_kind=kind)
        with_ = inner.compile(statement.with_)
        problems.extend(inner.problems)
    if isinstance(statement, ast.Require | ast.Ensure) and statement.deadline is not None:
        node = statement.deadline
        deadline = CompiledDeadline(node.amount, node.working, compiler.compile(node.anchor), node)
    where = compiler.compile(statement.where) if statement.where is not None else None
    parts = _split(statement.where, compiler, scope)
    problems.extend(compiler.problems)
    return CompiledRule(
        id=rule_id,
        rule=rule,
        verb=verb,
        scope=scope,
        kind=kind,
        distinct=distinct,
        severity=rule.severity or "mandatory",
        message=rule.title or rule_id,
        citation=rule.citation,
        remedy=rule.remedy,
        interpretation=rule.interpretation,
        origin=origin,
        span=rule.span,
        where_const=parts[0],
        where_algorithm=parts[1],
        where_platform=parts[2],
        where_item=parts[3],
        where_status=parts[4],
        where=where,
        with_=with_,
        condition=condition,
        deadline=deadline,
    )


def _split(
    where: ast.Expr | None, compiler: ExprCompiler, scope: str
) -> tuple[Compiled | None, Compiled | None, Compiled | None, Compiled | None,
           frozenset[str] | None]:
    """The top-level conjuncts of ``where``, grouped: org-only, algorithm, platform, item,
    and the deployment statuses that status conjuncts admit."""
    if where is None:
        return (None, None, None, None, None)
    conjuncts = where.operands if isinstance(where, ast.BoolOp) and where.op == "and" else (where,)
    groups: dict[str, list[ast.Expr]] = {"const": [], "alg": [], "plat": [], "item": []}
    access = ACCESS[scope]
    silent = ExprCompiler(scope, compiler.schema, compiler.functions)
    statuses: frozenset[str] | None = None
    for c in conjuncts:
        admitted = _status_filter(c, silent) if access.get("deployment") == "self" else None
        if admitted is not None:
            statuses = admitted if statuses is None else statuses & admitted
            continue
        reads = silent.compile(c).bindings - {"organization"}
        if not reads:
            groups["const"].append(c)
        elif reads == {"algorithm"} and access.get("algorithm") == "alg":
            groups["alg"].append(c)
        elif reads == {"platform"} and access.get("platform") == "plat":
            groups["plat"].append(c)
        else:
            groups["item"].append(c)

    def join(exprs: list[ast.Expr]) -> Compiled | None:
        if not exprs:
            return None
        expr = exprs[0] if len(exprs) == 1 else ast.BoolOp("and", tuple(exprs))
        return silent.compile(expr)

    return (join(groups["const"]), join(groups["alg"]), join(groups["plat"]),
            join(groups["item"]), statuses)


def _status_filter(expr: ast.Expr, compiler: ExprCompiler) -> frozenset[str] | None:
    """The statuses a condition on the deployment's status admits, if it is one of
    ``deployment.running``, ``status == "x"``, ``status in ["x", "y"]``."""

    def is_status(node: ast.Expr, name: str) -> bool:
        if not isinstance(node, ast.Path):
            return False
        found = resolve(node, compiler.scope, compiler.schema)
        return (
            isinstance(found, Resolved)
            and found.binding == "deployment"
            and found.attribute.name == name
        )

    if is_status(expr, "running"):
        return frozenset(RUNNING_STATUSES)
    if isinstance(expr, ast.Compare) and expr.op == "==" and is_status(expr.left, "status"):
        right = expr.right
        if isinstance(right, ast.Literal) and type(right.value) is str:
            return frozenset({right.value})
    if isinstance(expr, ast.In) and not expr.negated and is_status(expr.left, "status"):
        right = expr.right
        if isinstance(right, ast.ListExpr) and all(
            isinstance(i, ast.Literal) and type(i.value) is str for i in right.items
        ):
            return frozenset(i.value for i in right.items if isinstance(i, ast.Literal)
                             and isinstance(i.value, str))
    return None

