"""Policy conditions compiled into closures over pre-resolved attribute getters.

Compilation happens once per engine: every path is resolved with
:func:`policy_sdk.validate.names.resolve`, every operator is turned into a small
Python closure, and nothing is ever ``eval``-ed. A compiled expression is a *maker*:
given one evaluation's :class:`~policy_sdk.engine.context.Context`, it returns the
getter ``(item, record) -> value`` bound to that evaluation's lookups, so the getters
close over plain dicts and sets, not over the engine.

Values and operators follow ``docs/semantics.md`` §3 exactly (the reference
interpreter is the literal reading; a differential test keeps the two together).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from operator import attrgetter
from typing import Any, Final

import attrs

from policy_sdk import ast
from policy_sdk.engine.context import Context
from policy_sdk.errors import Diagnostic, EvaluationError
from policy_sdk.facts.model import (
    LIVE_FILING_STATUSES,
    RUNNING_STATUSES,
    Algorithm,
    Deployment,
    Filing,
    Organization,
    Platform,
    Record,
)
from policy_sdk.facts.rows import ById, column
from policy_sdk.facts.schema import Attribute, Schema
from policy_sdk.plugins.specs import FunctionSpec
from policy_sdk.validate.names import NameProblem, Resolved, resolve

Getter = Callable[[Any, Any], Any]
Maker = Callable[[Context], Getter]

ENTITY_CLASSES: Final[dict[str, type]] = {
    "organization": Organization,
    "algorithm": Algorithm,
    "platform": Platform,
    "deployment": Deployment,
    "filing": Filing,
    "record": Record,
}
_FIELDS: Final = {
    name: frozenset(f for f in attrs.fields_dict(cls) if f != "extra")
    for name, cls in ENTITY_CLASSES.items()
}

#: how each bound name is reached from a scope item: the item itself, looked up by
#: the item's ``algorithm`` / ``platform`` id, or the (one) organization
ACCESS: Final[dict[str, dict[str, str]]] = {
    "platform": {"deployment": "self", "algorithm": "alg", "platform": "plat",
                 "organization": "org"},
    "deployment": {"deployment": "self", "algorithm": "alg", "platform": "plat",
                   "organization": "org"},
    "algorithm": {"algorithm": "self", "organization": "org"},
    "organization": {"organization": "org"},
    "filing": {"filing": "self", "algorithm": "alg", "organization": "org"},
}


# --- §3 values --------------------------------------------------------------------


def normalize(value: object) -> object:
    """Lists as tuples, datetimes as dates (what facts may carry in ``extra``)."""
    if isinstance(value, list | tuple):
        return tuple(normalize(v) for v in value)
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def _kind(value: object) -> int:
    if value is None:
        return 0
    t = type(value)
    if t is bool:
        return 1
    if t is int or t is float:
        return 2
    if t is str:
        return 3
    if t is dt.date:
        return 4
    if t is tuple:
        return 5
    return 6


def equal(a: object, b: object) -> bool:
    """``==``: same type and same value; lists item by item."""
    if type(a) is type(b) and type(a) is not tuple:
        return bool(a == b)
    ka = _kind(a)
    if ka != _kind(b):
        return False
    if ka == 5:
        assert isinstance(a, tuple)
        assert isinstance(b, tuple)
        return len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def order(op: str) -> Callable[[Any, Any], bool]:
    """``<`` ``<=`` ``>`` ``>=``: numbers, dates, strings of one type; null is false."""

    def compare(a: Any, b: Any) -> bool:
        ka = _kind(a)
        if ka not in (2, 3, 4) or ka != _kind(b):
            return False
        if op == "<":
            return bool(a < b)
        if op == "<=":
            return bool(a <= b)
        if op == ">":
            return bool(a > b)
        return bool(a >= b)

    return compare


def member(x: object, items: object) -> bool:
    """``x in L``: L a list; a list x overlaps L; null in L is false."""
    if type(items) is not tuple or x is None:
        return False
    if type(x) is str:
        return x in items  # a string equals only a string
    if type(x) is tuple:
        return any(member(item, items) for item in x)
    return any(equal(x, item) for item in items)


# --- compiled expressions -----------------------------------------------------------


@attrs.frozen(eq=False)
class Compiled:
    """A compiled expression: ``make(ctx)`` gives the getter; ``bindings`` it reads."""

    make: Maker
    bindings: frozenset[str]
    #: the value, when the expression reads nothing (literals, lists of literals)
    constant: tuple[object] | None = None
    #: for an attribute of the item's algorithm (platform) read as it stands:
    #: ``("algorithm" | "platform", ctx -> {id: value})``, the getter's own table
    #: (hoisted conditions are then worked out per id at C speed, rules._table)
    by_id: tuple[str, Callable[[Context], Mapping[str, Any]]] | None = None


def _const(value: object) -> Compiled:
    def make(ctx: Context) -> Getter:
        return lambda item, rec: value

    return Compiled(make, frozenset(), (value,))


class ExprCompiler:
    """Compiles expressions of one clause (scope, optional ``with`` record kind)."""

    def __init__(
        self,
        scope: str,
        schema: Schema,
        functions: Mapping[str, FunctionSpec],
        record_kind: str | None = None,
        access: Mapping[str, str] | None = None,
    ) -> None:
        self.scope = scope
        self.schema = schema
        self.functions = functions
        self.record_kind = record_kind
        self.access = access if access is not None else ACCESS[scope]
        self.problems: list[Diagnostic] = []

    def resolve(self, path: ast.Path) -> Resolved | None:
        found = resolve(path, self.scope, self.schema, self.record_kind)
        if isinstance(found, NameProblem):
            self.problems.append(
                Diagnostic(found.code, found.message, span=path.span, help=found.help)
            )
            return None
        return found

    def compile(self, expr: ast.Expr) -> Compiled:
        match expr:
            case ast.Literal(value=value):
                return _const(value)
            case ast.Path():
                return self._path(expr)
            case ast.ListExpr(items=items):
                return self._list([self.compile(i) for i in items])
            case ast.Call():
                return self._call(expr)
            case ast.Not(operand=operand):
                inner = self.compile(operand)

                def make_not(ctx: Context) -> Getter:
                    g = inner.make(ctx)
                    return lambda item, rec: g(item, rec) is not True

                return Compiled(make_not, inner.bindings)
            case ast.BoolOp(op=op, operands=operands):
                return self._boolop(op, [self.compile(o) for o in operands])
            case ast.Compare(op=op, left=left, right=right):
                return self._compare(op, self.compile(left), self.compile(right))
            case ast.In(left=left, right=right, negated=negated):
                return self._in(self.compile(left), self.compile(right), negated)
        raise AssertionError(expr)  # pragma: no cover

    # -- paths ----------------------------------------------------------------------

    def _path(self, path: ast.Path) -> Compiled:
        found = self.resolve(path)
        if found is None:
            return _const(None)
        return path_getter(found, self.access)

    # -- the rest --------------------------------------------------------------------

    def _list(self, items: list[Compiled]) -> Compiled:
        if all(i.constant is not None for i in items):
            return _const(tuple(normalize(i.constant[0]) for i in items if i.constant))

        def make(ctx: Context) -> Getter:
            gs = [i.make(ctx) for i in items]
            return lambda item, rec: tuple(normalize(g(item, rec)) for g in gs)

        return Compiled(make, frozenset().union(*(i.bindings for i in items)))

    def _call(self, call: ast.Call) -> Compiled:
        spec = self.functions.get(call.name)
        args = [self.compile(a) for a in call.args]
        if spec is None:
            from policy_sdk.errors import did_you_mean

            self.problems.append(
                Diagnostic("unknown-function", f"unknown function `{call.name}`",
                           span=call.span, help=did_you_mean(call.name, self.functions))
            )
            return _const(None)
        impl, name = spec.impl, call.name

        def make(ctx: Context) -> Getter:
            gs = [a.make(ctx) for a in args]

            def run(item: Any, rec: Any) -> Any:
                values = [g(item, rec) for g in gs]
                try:
                    return normalize(impl(*values))
                except Exception as exc:  # a plugin's function failed
                    raise EvaluationError(
                        [Diagnostic("function-failed",
                                    f"function `{name}` failed: {exc}", span=call.span)]
                    ) from None

            return run

        return Compiled(make, frozenset().union(*(a.bindings for a in args)) | {"<call>"})

    def _boolop(self, op: str, parts: list[Compiled]) -> Compiled:
        bindings = frozenset().union(*(p.bindings for p in parts))
        if op == "and":

            def make_and(ctx: Context) -> Getter:
                gs = [p.make(ctx) for p in parts]
                if len(gs) == 2:
                    a, b = gs
                    return lambda item, rec: a(item, rec) is True and b(item, rec) is True
                if len(gs) == 3:
                    a, b, c = gs
                    return lambda item, rec: (
                        a(item, rec) is True and b(item, rec) is True and c(item, rec) is True
                    )
                return lambda item, rec: all(g(item, rec) is True for g in gs)

            return Compiled(make_and, bindings)

        def make_or(ctx: Context) -> Getter:
            gs = [p.make(ctx) for p in parts]
            return lambda item, rec: any(g(item, rec) is True for g in gs)

        return Compiled(make_or, bindings)

    def _compare(self, op: str, left: Compiled, right: Compiled) -> Compiled:
        bindings = left.bindings | right.bindings
        if op in ("==", "!="):
            negate = op == "!="
            for side, other in ((right, left), (left, right)):
                if side.constant is not None and type(side.constant[0]) in (str, bool):
                    # a string or boolean literal: equal only to the same value of its type
                    value = side.constant[0]
                    typ = type(value)

                    def make_lit(ctx: Context, other: Compiled = other,
                                 value: object = value, typ: type = typ) -> Getter:
                        g = other.make(ctx)
                        if negate:
                            return lambda item, rec: not (
                                type(v := g(item, rec)) is typ and v == value
                            )
                        return lambda item, rec: type(v := g(item, rec)) is typ and v == value

                    return Compiled(make_lit, bindings)

            def make_eq(ctx: Context) -> Getter:
                lg, rg = left.make(ctx), right.make(ctx)
                if negate:
                    return lambda item, rec: not equal(lg(item, rec), rg(item, rec))
                return lambda item, rec: equal(lg(item, rec), rg(item, rec))

            return Compiled(make_eq, bindings)

        cmp = order(op)

        def make_order(ctx: Context) -> Getter:
            lg, rg = left.make(ctx), right.make(ctx)
            return lambda item, rec: cmp(lg(item, rec), rg(item, rec))

        return Compiled(make_order, bindings)

    def _in(self, left: Compiled, right: Compiled, negated: bool) -> Compiled:
        bindings = left.bindings | right.bindings

        def make(ctx: Context) -> Getter:
            lg, rg = left.make(ctx), right.make(ctx)
            if negated:
                return lambda item, rec: not member(lg(item, rec), rg(item, rec))
            return lambda item, rec: member(lg(item, rec), rg(item, rec))

        return Compiled(make, bindings)


# --- attribute readers -----------------------------------------------------------------


def reader(attribute: Attribute, ctx: Context) -> Callable[[Any], Any]:
    """``entity -> value`` of ``attribute`` for this evaluation (entity never None)."""
    entity, name = attribute.entity, attribute.name
    if attribute.computed:
        if entity == "deployment" and name == "running":
            return lambda d: d.status in RUNNING_STATUSES
        if entity == "algorithm" and name == "running":
            running = ctx.running_algorithms()
            return lambda a: a.id in running
        if entity == "algorithm" and name == "filed_platforms":
            filed = ctx.filed_platforms()
            return lambda a: filed.get(a.id, ())
        if entity == "filing" and name == "live":
            return lambda f: f.status in LIVE_FILING_STATUSES
        if entity == "filing":
            states = ctx.filing_states()
            get = attrgetter(name)
            return lambda f: get(states[f.number])
        raise EvaluationError(  # pragma: no cover - the schema and this table agree
            [Diagnostic("unknown-attribute", f"no computed attribute `{entity}.{name}`")]
        )
    if name in _FIELDS.get(entity, ()):
        return attrgetter(name)
    if attribute.type == "list" or attribute.type == "any" or attribute.type == "date":
        return lambda e: normalize(e.extra.get(name))
    return lambda e: e.extra.get(name)


def path_getter(found: Resolved, access: Mapping[str, str]) -> Compiled:
    """The getter of a resolved path, reaching its entity as ``access`` says."""
    binding, attribute = found.binding, found.attribute
    if binding == "record":

        def make_record(ctx: Context) -> Getter:
            read = reader(attribute, ctx)
            return lambda item, rec: read(rec)

        return Compiled(make_record, frozenset({"record"}))
    mode = access.get(binding)
    if mode == "self":

        def make_self(ctx: Context) -> Getter:
            if attribute.entity == "deployment" and attribute.name == "running":
                running = RUNNING_STATUSES
                return lambda item, rec: item.status in running
            read = reader(attribute, ctx)
            return lambda item, rec: read(item)

        return Compiled(make_self, frozenset({binding}))
    if mode == "org":

        def make_org(ctx: Context) -> Getter:
            value = reader(attribute, ctx)(ctx.organization)
            return lambda item, rec: value

        return Compiled(make_org, frozenset({binding}))
    if mode in ("alg", "plat"):
        by_algorithm = mode == "alg"

        def values_of(ctx: Context) -> dict[str, Any]:
            """id -> the attribute's value, once per evaluation."""

            def build() -> dict[str, Any]:
                read = reader(attribute, ctx)
                table: Mapping[str, Any] = ctx.algorithms if by_algorithm else ctx.platforms
                if isinstance(table, ById) and not attribute.computed \
                        and attribute.name in _FIELDS.get(attribute.entity, ()):
                    # entities the loader kept as columns: the column itself, none built
                    return dict(zip(table, column(table.rows, attribute.name),
                                    strict=True))
                return {k: read(v) for k, v in table.items()}  # one read per entity

            # keyed by what the reader reads (two paths to the same attribute share it)
            return ctx.memo(("values", attribute.entity, attribute.name, attribute.type,
                             attribute.computed), build)

        def make_lookup(ctx: Context) -> Getter:
            # the table made when first read, not with the getter: a part of a condition
            # that an earlier part decides for every item (`platform.type == "x" and
            # platform.vendors == null` where no platform is an `x`) reads no entity
            table: list[Callable[[Any], Any]] = []

            def first(key: Any) -> Any:
                table.append(values_of(ctx).get)
                return table[0](key)

            if by_algorithm:
                return lambda item, rec: (table[0] if table else first)(item.algorithm)
            return lambda item, rec: (table[0] if table else first)(item.platform)

        return Compiled(make_lookup, frozenset({binding}),
                        by_id=("algorithm" if by_algorithm else "platform", values_of))
    raise AssertionError((binding, dict(access)))  # pragma: no cover - resolve() checked it
