"""A deliberately simple tree-walking evaluator, written from ``docs/semantics.md``.

This is the *reference* the fast engine is checked against (``tests/trust``). It
has no indexes, no compilation and no caches: every scope key scans every record,
every attribute is computed when it is read, and every part below is commented with
the section of ``docs/semantics.md`` it implements. Quadratic time is fine here;
being obviously right is the point.

It shares only the name resolver (``policy_sdk.validate.names``, the contract for
§1–§2) and the data types with the engine. Computed attributes (§7) and the
working-day count (§5) are re-derived here from their definitions, not imported.

:func:`evaluate_reference` optionally reports every condition outcome to a
``trace`` callback; ``policy-sdk test`` uses that for rule coverage.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

import attrs

from policy_sdk import ast
from policy_sdk.engine.localized import rule_texts
from policy_sdk.engine.report import Finding, Status
from policy_sdk.errors import Diagnostic, EvaluationError, ValidationError
from policy_sdk.facts.model import Algorithm, Deployment, Facts, Filing, Platform
from policy_sdk.facts.schema import CORE_SCHEMA, Attribute, Schema
from policy_sdk.validate.names import NameProblem, resolve

__all__ = ["Calendar", "TraceEvent", "evaluate_reference"]


class Calendar(Protocol):
    """What the reference needs of a calendar: whether one day is a working day."""

    def is_workday(self, day: dt.date) -> bool: ...


@attrs.frozen
class TraceEvent:
    """One observed outcome, for coverage.

    ``point`` names where in the rule: ``("where", 0, 1)`` is operand 1 of operand 0
    of the ``where`` condition; ``("outcome",)`` is the statement's own outcome.
    ``outcome`` is ``True``/``False`` for conditions, or a word for statement
    outcomes (``found``, ``missing``, ``pending``, ``overdue``, ``no-anchor``).
    """

    rule: str
    point: tuple[str | int, ...]
    outcome: bool | str


Trace = Callable[[TraceEvent], None]

LIVE = ("submitted", "active")  # §4.1: a filing is live when submitted or active
RUNNING = ("active", "paused")  # §7: a deployment runs when active or paused


# --- §1 scopes and scope keys ---------------------------------------------------


@attrs.frozen
class _Key:
    """A scope key: its parts (§1) and the entities bound in conditions."""

    algorithm: str | None
    platform: str | None
    filing: str | None
    bound: Mapping[str, object]  # binding name -> entity object


def _keys(scope: str, facts: Facts) -> list[_Key]:
    """§1: what `per SCOPE` iterates over, with the entities each key binds."""
    org = facts.organization
    if scope in ("platform", "deployment"):  # each deployment (algorithm × platform)
        out = []
        for d in facts.deployments:
            out.append(
                _Key(
                    d.algorithm,
                    d.platform,
                    None,
                    {
                        "deployment": d,
                        "algorithm": _find_algorithm(facts, d.algorithm),
                        "platform": _find_platform(facts, d.platform),
                        "organization": org,
                    },
                )
            )
        return out
    if scope == "algorithm":  # each algorithm
        return [
            _Key(a.id, None, None, {"algorithm": a, "organization": org})
            for a in facts.algorithms
        ]
    if scope == "organization":  # the one organization
        return [_Key(None, None, None, {"organization": org})]
    if scope == "filing":  # each filing; `algorithm` is the filed one
        return [
            _Key(
                f.algorithm,
                None,
                f.number,
                {
                    "filing": f,
                    "algorithm": _find_algorithm(facts, f.algorithm),
                    "organization": org,
                },
            )
            for f in facts.filings
        ]
    raise ValidationError(f"unknown scope `per {scope}`", code="unknown-scope")


def _find_algorithm(facts: Facts, id_: str) -> Algorithm | None:
    for a in facts.algorithms:
        if a.id == id_:
            return a
    return None


def _find_platform(facts: Facts, id_: str) -> Platform | None:
    for p in facts.platforms:
        if p.id == id_:
            return p
    return None


# --- §2 names and §7 computed attributes -----------------------------------------


def _read(entity: object | None, attribute: Attribute, facts: Facts) -> object:
    """§2: the value of ``attribute`` of ``entity``; a missing optional one is null."""
    if entity is None:
        return None
    name = attribute.name
    if attribute.computed:
        return _computed(entity, name, facts)
    if name != "extra" and name in attrs.fields_dict(type(entity)):  # type: ignore[arg-type]
        value = getattr(entity, name)
    else:
        extra: Mapping[str, Any] = getattr(entity, "extra", {})
        value = extra.get(name)
    return _normalize(value)


def _normalize(value: object) -> object:
    if isinstance(value, list | tuple):
        return tuple(_normalize(v) for v in value)
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def _dep(facts: Facts, algorithm: str, platform: str) -> Deployment | None:
    """dep(p): the deployment of the algorithm on platform p, if any."""
    for d in facts.deployments:
        if d.algorithm == algorithm and d.platform == platform:
            return d
    return None


def _computed(entity: object, name: str, facts: Facts) -> object:
    """§7, one definition at a time, straight from the table."""
    if isinstance(entity, Filing):
        platforms = set(entity.platforms)  # P
        exists = entity.status != "not_yet_filed"  # §8: a filing filed later has no state yet
        status = {p: _status(facts, entity.algorithm, p) if exists else None for p in platforms}
        stopped = {p for p in platforms if status[p] == "stopped"}
        running = {p for p in platforms if status[p] in RUNNING}
        never = {p for p in platforms if status[p] in (None, "not_yet_launched")}
        if name == "live":  # status is submitted or active
            return entity.status in LIVE
        if name == "stopped_platforms":  # p in P whose dep(p) exists and is stopped (sorted)
            return tuple(sorted(stopped))
        if name == "running_platforms":  # p in P whose dep(p) is active or paused (sorted)
            return tuple(sorted(running))
        if name == "never_launched_platforms":  # p in P with no launched dep(p) (sorted)
            return tuple(sorted(never))
        # some p stopped and none running (a never-launched p does not keep it alive)
        terminated = bool(stopped) and not running
        if name == "terminated":
            return terminated
        stop_dates = [_stopped_on(facts, entity.algorithm, p) for p in sorted(stopped)]
        if name == "terminated_on":  # terminated and every stop date known: the latest
            if terminated and all(d is not None for d in stop_dates):
                return max(d for d in stop_dates if d is not None)
            return None
        if name == "partially_stopped":  # some p stopped and some p running
            return bool(stopped) and bool(running)
        if name == "first_stopped_on":  # earliest known stopped_on among stopped p
            known = [d for d in stop_dates if d is not None]
            return min(known) if known else None
        if name == "undisplayed_platforms":
            # Art. 26: running p where the number is not shown; `displayed` shows it
            # everywhere, a matching number_displayed record on p (or on no platform) there
            if entity.displayed:
                return ()
            shown = [
                r.platform for r in facts.records
                if r.kind == "number_displayed" and r.algorithm in (None, entity.algorithm)
                and r.filing in (None, entity.number)
            ]
            if None in shown:
                return ()
            return tuple(sorted(p for p in running if p not in shown))
        if name in ("change_due", "change_due_on"):
            # §8: while not terminated, each stop day is a change, satisfied by a
            # filing_change record matching the filing dated on or after it (an
            # unknown stop day: by any dated one); only live filings owe changes
            records = [
                r.on for r in facts.records
                if r.kind == "filing_change" and r.on is not None
                and r.algorithm in (None, entity.algorithm) and r.filing in (None, entity.number)
            ]
            open_: list[dt.date | None] = []
            if entity.status in LIVE and not terminated:
                for day in set(stop_dates):
                    if day is None:
                        if not records:
                            open_.append(day)
                    elif not any(r >= day for r in records):
                        open_.append(day)
            if name == "change_due":
                return bool(open_)
            known = [d for d in open_ if d is not None]
            return min(known) if known else None
    if isinstance(entity, Deployment) and name == "running":  # active or paused
        return entity.status in RUNNING
    if isinstance(entity, Algorithm):
        if name == "running":  # some deployment of the algorithm is running
            return any(d.algorithm == entity.id and d.status in RUNNING for d in facts.deployments)
        if name == "filed_platforms":  # platforms named by live filings (sorted)
            return tuple(
                sorted(
                    {
                        p
                        for f in facts.filings
                        if f.algorithm == entity.id and f.status in LIVE
                        for p in f.platforms
                    }
                )
            )
    raise EvaluationError(f"no computed attribute `{name}` here", code="unknown-attribute")


def _status(facts: Facts, algorithm: str, platform: str) -> str | None:
    d = _dep(facts, algorithm, platform)
    return d.status if d is not None else None


def _stopped_on(facts: Facts, algorithm: str, platform: str) -> dt.date | None:
    d = _dep(facts, algorithm, platform)
    return d.stopped_on if d is not None else None


# --- §3 values and operators -------------------------------------------------------


def _type(value: object) -> str:
    """§3: string, number, boolean, date, list, null."""
    if value is None:
        return "null"
    if isinstance(value, bool):  # before number: a boolean is not a number
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, str):
        return "string"
    if isinstance(value, tuple):
        return "list"
    return "other"


def _equal(a: object, b: object) -> bool:
    """§3 `==`: same type and same value; lists item by item, in order."""
    ta, tb = _type(a), _type(b)
    if ta != tb:
        return False
    if ta == "list":
        assert isinstance(a, tuple)
        assert isinstance(b, tuple)
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def _order(op: str, a: Any, b: Any) -> bool:
    """§3 `<` `<=` `>` `>=`: numbers, dates, strings; null on either side is false."""
    ta, tb = _type(a), _type(b)
    if ta == "null" or tb == "null":
        return False
    if ta != tb or ta not in ("number", "date", "string"):
        return False  # a type error the validator reports; false at run time
    if op == "<":
        return bool(a < b)
    if op == "<=":
        return bool(a <= b)
    if op == ">":
        return bool(a > b)
    return bool(a >= b)


def _member(x: object, items: object) -> bool:
    """§3 `x in L`: L a list; a list x overlaps; null in L is false."""
    if not isinstance(items, tuple):
        return False
    if x is None:
        return False
    if isinstance(x, tuple):
        return any(_member(item, items) for item in x)
    return any(_equal(x, item) for item in items)


def _truth(value: object) -> bool:
    """§3: a condition holds when its value is `true`; anything else is false."""
    return value is True


@attrs.frozen
class _Env:
    """What a condition sees: the scope, the key's entities, the `with` record."""

    scope: str
    bound: Mapping[str, object]
    facts: Facts
    schema: Schema
    functions: Mapping[str, Callable[..., Any]]
    record_kind: str | None = None
    record: object | None = None
    rule: str = ""
    trace: Trace | None = None


def _eval(expr: ast.Expr, env: _Env, point: tuple[str | int, ...]) -> object:
    """§3: the value of an expression."""
    if isinstance(expr, ast.Literal):
        return expr.value
    if isinstance(expr, ast.Path):
        return _path(expr, env)
    if isinstance(expr, ast.ListExpr):
        return tuple(_eval(item, env, (*point, i)) for i, item in enumerate(expr.items))
    if isinstance(expr, ast.Call):
        fn = env.functions.get(expr.name)
        if fn is None:
            raise ValidationError(f"unknown function `{expr.name}`", code="unknown-function")
        args = [_eval(a, env, (*point, i)) for i, a in enumerate(expr.args)]
        return _normalize(fn(*args))
    if isinstance(expr, ast.Not):  # `not`: null counts as false
        return not _cond(expr.operand, env, (*point, 0))
    if isinstance(expr, ast.BoolOp):  # `and` / `or`, left to right, short-circuit
        if expr.op == "and":
            return all(_cond(o, env, (*point, i)) for i, o in enumerate(expr.operands))
        return any(_cond(o, env, (*point, i)) for i, o in enumerate(expr.operands))
    if isinstance(expr, ast.Compare):
        left = _eval(expr.left, env, (*point, 0))
        right = _eval(expr.right, env, (*point, 1))
        if expr.op == "==":
            return _equal(left, right)
        if expr.op == "!=":
            return not _equal(left, right)
        return _order(expr.op, left, right)
    if isinstance(expr, ast.In):
        left = _eval(expr.left, env, (*point, 0))
        right = _eval(expr.right, env, (*point, 1))
        found = _member(left, right)
        return not found if expr.negated else found
    raise AssertionError(expr)  # pragma: no cover


def _cond(expr: ast.Expr, env: _Env, point: tuple[str | int, ...]) -> bool:
    """A condition (a whole clause, or an operand of `and`/`or`/`not`): traced for coverage."""
    held = _truth(_eval(expr, env, point))
    if env.trace is not None:
        env.trace(TraceEvent(env.rule, point, held))
    return held


def _path(path: ast.Path, env: _Env) -> object:
    """§2: resolve the name, then read it from the bound entity (or the `with` record)."""
    found = resolve(path, env.scope, env.schema, env.record_kind)
    if isinstance(found, NameProblem):
        raise ValidationError([Diagnostic(found.code, found.message, span=path.span,
                                          help=found.help)])
    entity = env.record if found.binding == "record" else env.bound.get(found.binding)
    return _read(entity, found.attribute, env.facts)


# --- §4 statements ------------------------------------------------------------------


def _matching(
    statement: ast.Require | ast.Forbid, kind: str, key: _Key, env: _Env
) -> list[object]:
    """§4.1: the records of `kind` matching `key` (and `with`, if any)."""
    distinct = isinstance(statement, ast.Require) and statement.distinct
    candidates: list[object] = []
    if kind == "filing":
        for f in env.facts.filings:
            if f.status not in LIVE:  # only live filings cover anything
                continue
            if env.scope == "filing":  # per filing: the filing itself
                if f.number != key.filing:
                    continue
            elif key.algorithm is not None and f.algorithm != key.algorithm:
                continue
            if key.platform is not None and key.platform not in f.platforms:
                continue  # filing is per platform: it must name the key's platform
            if distinct and (key.platform is None or set(f.platforms) != {key.platform}):
                continue  # distinct: the key's platform and no other
            candidates.append(f)
    else:
        for r in env.facts.records:
            if r.kind != kind:
                continue
            # a part the record names must equal the key's; a part the key lacks is not compared
            if not (_part(r.algorithm, key.algorithm) and _part(r.platform, key.platform)
                    and _part(r.filing, key.filing)):
                continue
            candidates.append(r)
    if statement.with_ is None:
        return candidates
    out = []
    for record in candidates:  # `with R`: the record bound under its kind's name
        inner = attrs.evolve(env, record_kind=kind, record=record)
        if _cond(statement.with_, inner, ("with",)):
            out.append(record)
    return out


def _part(record_part: str | None, key_part: str | None) -> bool:
    """§4.1: a part the record leaves out matches anything; one the key lacks is not compared."""
    return record_part is None or key_part is None or record_part == key_part


def _due(deadline: ast.Deadline, env: _Env, calendar: Calendar) -> dt.date | None:
    """§5: the due date, or None when the anchor is null."""
    anchor = _path(deadline.anchor, env)
    if not isinstance(anchor, dt.date):
        return None
    if not deadline.working:  # calendar days: due = A + N
        try:
            return anchor + dt.timedelta(days=deadline.amount)
        except OverflowError:  # past 9999-12-31: worded, as the engine words it
            raise EvaluationError([Diagnostic(
                "deadline-out-of-range",
                f"a deadline of {deadline.amount} calendar days from `{anchor.isoformat()}` "
                "falls after 9999-12-31, the last day that can be counted",
                help="check the deadline's number of days and the date it counts from",
            )]) from None
    day, counted = anchor, 0  # working days: the N-th working day after A
    while counted < deadline.amount:
        day += dt.timedelta(days=1)
        if _is_workday(calendar, day):
            counted += 1
    return day


def _is_workday(calendar: Calendar, day: dt.date) -> bool:
    """§5: the calendar's answer; for a year it does not know, the provisional rule:
    Monday to Friday, except 1 January, 1–2 May and 1–3 October."""
    try:
        return calendar.is_workday(day)
    except EvaluationError as exc:
        if exc.code != "calendar-unknown-year":
            raise
    fixed = {(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)}
    return day.weekday() < 5 and (day.month, day.day) not in fixed


def _unmet(
    deadline: ast.Deadline | None, env: _Env, calendar: Calendar, as_of: dt.date
) -> tuple[Status, dt.date | None]:
    """§4.1/§5: an unmet obligation is pending until its due date, violated after."""
    if deadline is None:
        return "violated", None
    due = _due(deadline, env, calendar)
    if due is None:  # anchor null: violated
        _event(env, ("deadline",), "no-anchor")
        return "violated", None
    if as_of <= due:
        _event(env, ("deadline",), "pending")
        return "pending", due
    _event(env, ("deadline",), "overdue")
    return "violated", due


def _event(env: _Env, point: tuple[str | int, ...], outcome: bool | str) -> None:
    if env.trace is not None:
        env.trace(TraceEvent(env.rule, point, outcome))


def _decide(
    statement: ast.Statement, key: _Key, env: _Env, calendar: Calendar, as_of: dt.date
) -> tuple[Status, dt.date | None]:
    """§4: one key's status (and due date, when a deadline decided it)."""
    # every statement first decides whether it applies: `where C` holds (no where: always)
    applies = statement.where is None or _cond(statement.where, env, ("where",))
    if isinstance(statement, ast.Require):  # §4.1
        if not applies:
            return "not_applicable", None
        if _matching(statement, statement.kind.name, key, env):
            _event(env, ("outcome",), "found")
            return "satisfied", None
        _event(env, ("outcome",), "missing")
        return _unmet(statement.deadline, env, calendar, as_of)
    if isinstance(statement, ast.Forbid):  # §4.2
        if statement.kind is None:  # violated where it applies, else satisfied
            return ("violated", None) if applies else ("satisfied", None)
        if not applies:
            return "not_applicable", None
        if _matching(statement, statement.kind.name, key, env):
            _event(env, ("outcome",), "found")
            return "violated", None
        _event(env, ("outcome",), "missing")
        return "satisfied", None
    # §4.3 ensure
    if not applies:
        return "not_applicable", None
    if _cond(statement.condition, env, ("ensure",)):
        return "satisfied", None
    return _unmet(statement.deadline, env, calendar, as_of)


# --- §8 the facts as of a day --------------------------------------------------------


def _as_of(facts: Facts, day: dt.date) -> Facts:
    """§8: a launch after ``day`` has not happened (`not_yet_launched`), nor a stop (the
    deployment is still active), nor a filing (`not_yet_filed`); later records are out."""
    deployments = []
    for d in facts.deployments:
        if d.launched_on is not None and d.launched_on > day:
            d = attrs.evolve(d, status="not_yet_launched", stopped_on=None)
        elif d.stopped_on is not None and d.stopped_on > day:
            d = attrs.evolve(d, status="active", stopped_on=None)
        deployments.append(d)
    filings = [
        attrs.evolve(f, status="not_yet_filed") if f.filed_on is not None and f.filed_on > day
        else f
        for f in facts.filings
    ]
    records = [r for r in facts.records if r.on is None or r.on <= day]
    return attrs.evolve(facts, deployments=tuple(deployments), filings=tuple(filings),
                        records=tuple(records))


# --- §6 severity, ids, findings ------------------------------------------------------


def evaluate_reference(
    modules: Sequence[ast.Module],
    facts: Facts,
    *,
    as_of: dt.date,
    calendar: Calendar,
    schema: Schema | None = None,
    functions: Mapping[str, Callable[..., Any]] | None = None,
    origins: Sequence[str] | None = None,
    trace: Trace | None = None,
) -> list[Finding]:
    """Every finding of every rule of ``modules`` on ``facts`` as of ``as_of``.

    ``schema`` is the one the policies were validated against (default: the core
    schema); attributes the facts declare are added to it. ``functions`` maps a
    function name to its implementation (or a ``FunctionSpec``). ``origins``, if
    given, is one origin per module (a path or ``plugin:NAME``) copied into findings.
    ``trace`` receives every condition outcome (for coverage).
    """
    facts = _as_of(facts, as_of)  # §8: what is dated after as_of has not happened yet
    base = schema if schema is not None else CORE_SCHEMA
    declared = [
        Attribute(d.entity, d.name, d.type, d.description or "", origin="facts")  # type: ignore[arg-type]
        for d in facts.attributes
        if base.get(d.entity, d.name) is None
    ]
    full = base.extended(declared) if declared else base
    impls: dict[str, Callable[..., Any]] = {}
    for name, fn in (functions or {}).items():
        impls[name] = getattr(fn, "impl", fn)
    findings: list[Finding] = []
    for index, module in enumerate(modules):
        origin = origins[index] if origins is not None else module.file
        for rule_id, rule in ast.rule_ids(module):  # §6 ids
            statement = rule.statement
            scope = statement.scope.name
            texts = rule_texts(rule, rule_id)  # the rule's own texts in the current language
            for key in _keys(scope, facts):
                env = _Env(scope, key.bound, facts, full, impls, rule=rule_id, trace=trace)
                status, due = _decide(statement, key, env, calendar, as_of)
                findings.append(
                    Finding(
                        rule=rule_id,
                        status=status,
                        severity=rule.severity or "mandatory",  # §6 default severity
                        algorithm=key.algorithm,
                        platform=key.platform,
                        filing=key.filing,
                        message=texts.message,
                        citation=texts.citation,
                        remedy=texts.remedy,
                        deadline=due,
                        origin=origin,
                        span=rule.span,
                    )
                )
    # §6: ordered by (rule id, algorithm, platform, filing), a missing part first
    findings.sort(key=Finding.sort_key)
    return findings

