"""Hypothesis strategies for WELL-TYPED random policies and small random facts.

Policies are generated over the AST using the schema: every path is valid for its
scope (and for the record a ``with`` clause examines), comparisons pair values of
the same type (or ``null``), orderings only compare numbers, dates and strings,
``in`` always has a list on the right, kinds come from ``RECORD_KINDS`` and
deadlines are anchored on date attributes.

Facts draw ids, statuses and dates from small pools so that policies and facts
meet often (a literal ``"a1"`` in a policy matches an algorithm in the facts).
Dates stay inside the years the working-day calendar knows, and deadlines are
short, so no due date leaves the calendar.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping

from hypothesis import strategies as st

from policy_sdk import ast
from policy_sdk.facts.model import (
    Algorithm,
    Deployment,
    Facts,
    Filing,
    Organization,
    Platform,
    Record,
)
from policy_sdk.facts.schema import CORE_SCHEMA, RECORD_KINDS, Attribute, Schema
from policy_sdk.plugins.specs import FunctionSpec
from policy_sdk.validate.names import Resolved, bindings, resolve

ALGORITHM_IDS = ("a1", "a2", "a3")
PLATFORM_IDS = ("p1", "p2", "p3")
FILING_NUMBERS = ("F1", "F2", "F3", "F4")
PLATFORM_TYPES = ("app", "mini_program", "official_account", "website")
HOSTS = ("wechat", "alipay")
FIRST_DAY = dt.date(2025, 1, 1)
LAST_DAY = dt.date(2026, 10, 31)  # + at most 30 working days stays inside 2026

dates = st.dates(min_value=FIRST_DAY, max_value=LAST_DAY)
# a few fixed dates so that equal dates (ties at the due date) happen often
some_dates = st.one_of(st.sampled_from([dt.date(2025, 9, 30), dt.date(2025, 10, 15),
                                        dt.date(2026, 2, 16)]), dates)

STRING_POOL: dict[tuple[str, str], tuple[str, ...]] = {
    ("algorithm", "id"): ALGORITHM_IDS,
    ("deployment", "algorithm"): ALGORITHM_IDS,
    ("filing", "algorithm"): ALGORITHM_IDS,
    ("record", "algorithm"): ALGORITHM_IDS,
    ("platform", "id"): PLATFORM_IDS,
    ("deployment", "platform"): PLATFORM_IDS,
    ("record", "platform"): PLATFORM_IDS,
    ("platform", "type"): PLATFORM_TYPES,
    ("platform", "host"): HOSTS,
    ("filing", "number"): FILING_NUMBERS,
    ("record", "filing"): FILING_NUMBERS,
    ("record", "kind"): RECORD_KINDS,
}
LIST_POOL: dict[tuple[str, str], tuple[str, ...]] = {
    ("filing", "platforms"): PLATFORM_IDS,
    ("filing", "stopped_platforms"): PLATFORM_IDS,
    ("filing", "running_platforms"): PLATFORM_IDS,
    ("algorithm", "filed_platforms"): PLATFORM_IDS,
}


def _strings_for(attribute: Attribute) -> tuple[str, ...]:
    if attribute.enum:
        return attribute.enum
    return STRING_POOL.get((attribute.entity, attribute.name), ("x", "示例", "a1", "p1"))


def _list_items_for(attribute: Attribute) -> tuple[str, ...]:
    if attribute.enum:
        return attribute.enum
    return LIST_POOL.get((attribute.entity, attribute.name), ("x", "y"))


# --- policies ---------------------------------------------------------------------


def _entity_of(binding: str, record_kind: str | None) -> str:
    if record_kind is not None and binding == record_kind:
        return "filing" if record_kind == "filing" else "record"
    return binding


Ctx = tuple[str, str | None]  # (scope, record kind inside `with`, or None)


class PolicyGenerator:
    """Strategies for well-typed policies over one schema (built once, then cached)."""

    def __init__(
        self, schema: Schema = CORE_SCHEMA, functions: Mapping[str, FunctionSpec] | None = None
    ) -> None:
        self.schema = schema
        self.functions = dict(sorted((functions or {}).items()))
        self._conditions: dict[Ctx, st.SearchStrategy[ast.Expr]] = {}
        #: (scope, record kind) -> type -> [(path written fully or bare, attribute)]
        self._paths: dict[Ctx, dict[str, list[tuple[tuple[ast.Path, ...], Attribute]]]] = {}
        for scope in ast.SCOPES:
            for kind in (None, *schema.kinds):
                self._paths[(scope, kind)] = self._path_table(scope, kind)

    def _path_table(
        self, scope: str, record_kind: str | None
    ) -> dict[str, list[tuple[tuple[ast.Path, ...], Attribute]]]:
        table: dict[str, list[tuple[tuple[ast.Path, ...], Attribute]]] = {}
        for binding in bindings(scope, record_kind):
            entity = _entity_of(binding, record_kind)
            for name in self.schema.names(entity):
                attribute = self.schema.get(entity, name)
                assert attribute is not None
                full = ast.Path((binding, name))
                bare = ast.Path((name,))
                written = [full]
                want = resolve(full, scope, self.schema, record_kind)
                got = resolve(bare, scope, self.schema, record_kind)
                if isinstance(want, Resolved) and got == want:
                    written.append(bare)  # the bare name means the same here
                table.setdefault(attribute.type, []).append((tuple(written), attribute))
        return table

    def types(self, ctx: Ctx) -> list[str]:
        return sorted(t for t in self._paths[ctx] if t != "any")

    @functools.cache  # noqa: B019 - generators live as long as the test session
    def paths(self, ctx: Ctx, type_: str) -> st.SearchStrategy[tuple[ast.Path, Attribute]]:
        """A path valid in ``ctx`` of type ``type_`` (written in full or bare)."""
        options = self._paths[ctx][type_]
        return st.sampled_from(options).flatmap(
            lambda o: st.sampled_from(o[0]).map(lambda p: (p, o[1]))
        )

    @functools.cache  # noqa: B019 - generators live as long as the test session
    def atoms(self, ctx: Ctx) -> st.SearchStrategy[ast.Expr]:
        """A comparison, a membership test, a boolean path or a boolean literal."""
        types = self.types(ctx)
        parts: list[st.SearchStrategy[ast.Expr]] = [st.booleans().map(ast.Literal)]
        if "boolean" in types:
            parts.append(self.paths(ctx, "boolean").map(lambda pa: pa[0]))
        parts += [self._compare(ctx, t) for t in types]
        parts.append(self._in_literal(ctx, "string"))
        if "list" in types:
            parts.append(self._in_literal(ctx, "list"))
            parts.append(self._in_path(ctx))
        for spec in self.functions.values():
            if all(t in types for t in spec.params) and spec.returns in ("boolean", "number"):
                parts.append(self._call_atom(ctx, spec))
        return st.one_of(parts)

    def _argument(self, ctx: Ctx, type_: str) -> st.SearchStrategy[ast.Expr]:
        path = self.paths(ctx, type_).map(lambda pa: pa[0])
        if type_ == "string":
            return path | st.sampled_from(["a", "p", "F", "网信", ""]).map(ast.Literal)
        if type_ == "date":
            return path | some_dates.map(ast.Literal)
        return path

    @functools.cache  # noqa: B019 - generators live as long as the test session
    def _call_atom(self, ctx: Ctx, spec: FunctionSpec) -> st.SearchStrategy[ast.Expr]:
        """A call of a registered function: as a condition, or compared with a number."""
        call = st.tuples(*(self._argument(ctx, t) for t in spec.params)).map(
            lambda args: ast.Call(spec.name, tuple(args))
        )
        if spec.returns == "boolean":
            return call
        return st.builds(
            lambda c, op, n: ast.Compare(op, c, ast.Literal(n)),
            call, st.sampled_from(ast.COMPARISON_OPS), st.integers(-2, 40),
        )

    @functools.cache  # noqa: B019 - generators live as long as the test session
    def _compare(self, ctx: Ctx, type_: str) -> st.SearchStrategy[ast.Expr]:
        ops = ["==", "!="] if type_ in ("boolean", "list") else list(ast.COMPARISON_OPS)

        @st.composite
        def build(draw: st.DrawFn) -> ast.Expr:
            left: ast.Expr
            left, attribute = draw(self.paths(ctx, type_))
            right: ast.Expr
            kind = draw(st.sampled_from(["literal", "literal", "null", "path"]))
            if kind == "null":
                right = ast.Literal(None)
            elif kind == "path":
                right, _ = draw(self.paths(ctx, type_))
            else:
                right = draw(_literal_of(attribute))
            if draw(st.booleans()):
                left, right = right, left
            return ast.Compare(draw(st.sampled_from(ops)), left, right)

        return build()

    @functools.cache  # noqa: B019 - generators live as long as the test session
    def _in_literal(self, ctx: Ctx, type_: str) -> st.SearchStrategy[ast.Expr]:
        @st.composite
        def build(draw: st.DrawFn) -> ast.Expr:
            left, attribute = draw(self.paths(ctx, type_))
            pool = _list_items_for(attribute) if type_ == "list" else _strings_for(attribute)
            items = draw(st.lists(st.sampled_from(pool), max_size=3))
            return ast.In(left, ast.ListExpr(tuple(ast.Literal(i) for i in items)),
                          draw(st.booleans()))

        return build()

    @functools.cache  # noqa: B019 - generators live as long as the test session
    def _in_path(self, ctx: Ctx) -> st.SearchStrategy[ast.Expr]:
        @st.composite
        def build(draw: st.DrawFn) -> ast.Expr:
            right, attribute = draw(self.paths(ctx, "list"))
            item: ast.Expr = ast.Literal(draw(st.sampled_from(_list_items_for(attribute))))
            if draw(st.integers(0, 4)) == 0:
                item = ast.Literal(None)
            return ast.In(item, right, draw(st.booleans()))

        return build()

    def conditions(self, ctx: Ctx) -> st.SearchStrategy[ast.Expr]:
        """A boolean condition: atoms combined with `and`, `or`, `not` (bounded size)."""
        if ctx not in self._conditions:

            def extend(inner: st.SearchStrategy[ast.Expr]) -> st.SearchStrategy[ast.Expr]:
                return st.one_of(
                    inner.map(ast.Not),
                    st.tuples(st.sampled_from(["and", "or"]),
                              st.lists(inner, min_size=2, max_size=3))
                    .map(lambda t: ast.BoolOp(t[0], tuple(t[1]))),  # type: ignore[arg-type]
                )

            self._conditions[ctx] = st.recursive(self.atoms(ctx), extend, max_leaves=6)
        return self._conditions[ctx]

    @functools.cache  # noqa: B019 - generators live as long as the test session
    @functools.cache  # noqa: B019 - generators live as long as the test session
    def _maybe_conditions(self, ctx: Ctx) -> st.SearchStrategy[ast.Expr | None]:
        return st.none() | self.conditions(ctx)

    def deadlines(self, scope: str) -> st.SearchStrategy[ast.Deadline | None]:
        if "date" not in self.types((scope, None)):
            return st.none()
        return st.none() | st.builds(
            lambda anchor, amount, working: ast.Deadline(amount, working, anchor[0]),
            self.paths((scope, None), "date"),
            st.integers(0, 25),
            st.booleans(),
        )

    @functools.cache  # noqa: B019 - generators live as long as the test session
    def statements(self) -> st.SearchStrategy[ast.Statement]:
        @st.composite
        def build(draw: st.DrawFn) -> ast.Statement:
            scope = draw(st.sampled_from(ast.SCOPES))
            scope_id = ast.Ident(scope)
            where = draw(self._maybe_conditions((scope, None)))
            form = draw(st.sampled_from(["require", "require", "forbid", "ensure"]))
            if form == "ensure":
                return ast.Ensure(
                    condition=draw(self.conditions((scope, None))),
                    scope=scope_id,
                    where=where,
                    deadline=draw(self.deadlines(scope)),
                )
            kind = draw(st.sampled_from(self.schema.kinds))
            with_ = draw(self._maybe_conditions((scope, kind)))
            if form == "forbid":
                if draw(st.integers(0, 4)) == 0:
                    return ast.Forbid(kind=None, scope=scope_id, where=where)
                return ast.Forbid(kind=ast.Ident(kind), scope=scope_id, where=where, with_=with_)
            distinct = (
                kind == "filing" and scope in ("platform", "deployment") and draw(st.booleans())
            )
            return ast.Require(
                kind=ast.Ident(kind),
                scope=scope_id,
                where=where,
                with_=with_,
                deadline=draw(self.deadlines(scope)),
                distinct=distinct,
            )

        return build()

    @functools.cache  # noqa: B019 - generators live as long as the test session
    def rules(self, name: str) -> st.SearchStrategy[ast.Rule]:
        """A rule named ``name``, or (sometimes) a bare statement whose id is derived."""
        return st.builds(
            lambda statement, named, title, severity, citation, remedy: ast.Rule(
                name=name if named else None, statement=statement,
                title=title if named else None, severity=severity if named else None,
                citation=citation if named else None, remedy=remedy if named else None,
            ),
            self.statements(),
            st.sampled_from([True, True, True, False]),
            st.sampled_from([f"rule {name}", None]),
            st.sampled_from([None, "mandatory", "advisory"]),
            st.sampled_from([None, "Art. 24"]),
            st.sampled_from([None, "file it"]),
        )

    @functools.cache  # noqa: B019 - generators live as long as the test session
    def modules(self, n_rules: int = 4) -> st.SearchStrategy[ast.Module]:
        """One module of ``n_rules`` rules (each an independent random policy): named
        rules in a policy block, bare statements (derived ids, ``_2`` on repeats) beside."""

        def build(rules: tuple[ast.Rule, ...]) -> ast.Module:
            named = tuple(r for r in rules if r.name is not None)
            bare = tuple(r for r in rules if r.name is None)
            items: tuple[ast.Policy | ast.Rule, ...] = bare
            if named:
                items = (ast.Policy(name="gen", rules=named), *bare)
            return ast.Module(items=items, file="<generated>")

        return st.tuples(*(self.rules(f"r{i}") for i in range(n_rules))).map(build)


def _literal_of(attribute: Attribute) -> st.SearchStrategy[ast.Expr]:
    t = attribute.type
    if t == "string":
        return st.sampled_from(_strings_for(attribute)).map(ast.Literal)
    if t == "number":
        return st.integers(-3, 3).map(ast.Literal)
    if t == "boolean":
        return st.booleans().map(ast.Literal)
    if t == "date":
        return some_dates.map(ast.Literal)
    if t == "list":
        return st.lists(st.sampled_from(_list_items_for(attribute)), max_size=3).map(
            lambda xs: ast.ListExpr(tuple(ast.Literal(x) for x in xs))
        )
    return st.just(ast.Literal(None))


CORE = PolicyGenerator()
modules = CORE.modules


# --- facts --------------------------------------------------------------------------


_ALGORITHM_TYPES = ("generation_synthesis", "personalized_push", "ranking_selection",
                    "retrieval_filtering", "scheduling_decision")
_FILING_STATUSES = ("submitted", "active", "active", "cancellation_pending", "cancelled",
                    "rejected")
_KINDS = tuple(k for k in RECORD_KINDS if k != "filing")
_subset3 = st.lists(st.booleans(), min_size=3, max_size=3)
_maybe_date = st.none() | some_dates
_maybe_index = st.none() | st.integers(0, 3)


def _pick(items: tuple[str, ...], index: int | None) -> str | None:
    return None if index is None or not items else items[index % len(items)]


@st.composite
def facts(draw: st.DrawFn) -> Facts:
    """Small facts whose references are consistent (what a facts loader accepts).

    Built from fixed strategies only (no strategy is created per draw: that is slow).
    """
    org = Organization(
        name="测试公司",
        role=draw(st.sampled_from(("provider", "technical_supporter"))),
        public_opinion=draw(st.booleans()),
    )
    algorithm_ids = tuple(a for a, on in zip(ALGORITHM_IDS, draw(_subset3), strict=True) if on)
    algorithms = tuple(
        Algorithm(
            id=a,
            name=draw(st.sampled_from((None, f"算法{a}"))),
            types=tuple(sorted(set(draw(st.lists(st.sampled_from(_ALGORITHM_TYPES),
                                                 max_size=2))))),
            uses_recommendation=draw(st.booleans()),
        )
        for a in algorithm_ids
    )
    platform_ids = tuple(p for p, on in zip(PLATFORM_IDS, draw(_subset3), strict=True) if on)
    platforms = tuple(
        Platform(
            id=p,
            type=draw(st.sampled_from(PLATFORM_TYPES)),
            host=draw(st.sampled_from((None, *HOSTS))),
        )
        for p in platform_ids
    )
    deployments = []
    for a in algorithm_ids:
        for p in platform_ids:
            status = draw(st.sampled_from((None, "active", "paused", "stopped")))
            if status is None:
                continue
            deployments.append(
                Deployment(
                    algorithm=a,
                    platform=p,
                    status=status,
                    launched_on=draw(_maybe_date),
                    stopped_on=draw(_maybe_date) if status == "stopped" else None,
                )
            )
    filings = []
    if algorithm_ids and platform_ids:
        for number, on in zip(FILING_NUMBERS, draw(st.lists(st.booleans(), min_size=4,
                                                            max_size=4)), strict=True):
            if not on:
                continue
            named = [p for p, on_ in zip(platform_ids, draw(_subset3), strict=False) if on_]
            filings.append(
                Filing(
                    number=number,
                    algorithm=algorithm_ids[draw(st.integers(0, 2)) % len(algorithm_ids)],
                    platforms=tuple(named or platform_ids[:1]),
                    status=draw(st.sampled_from(_FILING_STATUSES)),
                    filed_on=draw(_maybe_date),
                    displayed=draw(st.booleans()),
                )
            )
    numbers = tuple(f.number for f in filings)
    records = tuple(
        Record(
            kind=draw(st.sampled_from(_KINDS)),
            algorithm=_pick(algorithm_ids, draw(_maybe_index)),
            platform=_pick(platform_ids, draw(_maybe_index)),
            filing=_pick(numbers, draw(_maybe_index)),
            on=draw(_maybe_date),
        )
        for _ in range(draw(st.integers(0, 4)))
    )
    return Facts(
        organization=org,
        algorithms=algorithms,
        platforms=platforms,
        deployments=tuple(deployments),
        filings=tuple(filings),
        records=records,
    )


as_of_dates = st.one_of(some_dates, dates)
