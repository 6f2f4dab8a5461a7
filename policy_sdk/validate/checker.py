"""Static validation of a parsed policy against the schema.

Before a policy is evaluated, every name in it is resolved and every expression is
given a type, so a typo or a comparison that can never hold is reported at its span
(with did-you-mean) instead of silently never matching. What is checked:

* attribute paths (:func:`policy_sdk.validate.names.resolve`, in the statement's scope;
  inside ``with`` the record is bound under its kind's name): unknown or ambiguous
  names are errors;
* obligation kinds (``require KIND``) against :attr:`Schema.kinds`; scopes;
* functions: known name, number of arguments, argument types (``FunctionSpec.params``);
* types: ``==``/``!=`` need the same type on both sides (``null`` compares with
  anything); ``<`` … need numbers, dates or text of one type; ``in`` needs a list on
  the right whose items have the left side's type; ``and``/``or``/``not`` and every
  condition (``where``, ``with``, ``ensure``) need true/false; a deadline counts from
  a date;
* closed sets of values: ``deployment.status == "actve"`` or ``"personalised_push" in
  algorithm.types`` name a value the attribute can never have: an error with
  did-you-mean;
* statements: duplicate rule ids, ``distinct`` only on ``require distinct filing per
  platform|deployment``, ``with`` only where there is a record kind.

Warnings (the rule is valid but a part of it can never matter): a condition that is
the literal ``false``; an ordering comparison with ``null`` (always false); comparing
an attribute that is never null with ``null``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path as FsPath
from typing import Final

import attrs

from policy_sdk import ast
from policy_sdk.errors import Diagnostic, Level, Span, ValidationError, did_you_mean
from policy_sdk.facts.schema import Schema
from policy_sdk.i18n import _
from policy_sdk.plugins.specs import FunctionSpec
from policy_sdk.validate.names import NameProblem, resolve

__all__ = ["check_module", "validate_module"]

_WORDS: Final = {
    "string": "text",
    "number": "a number",
    "boolean": "true or false",
    "date": "a date",
    "list": "a list",
    "null": "null",
    "any": "any value",
}
_ORDERED: Final = ("number", "date", "string")
_DISTINCT_SCOPES: Final = ("platform", "deployment")


@attrs.frozen
class _Ty:
    kind: str  # string | number | boolean | date | list | null | any
    #: for lists: the items' kind
    item: str = "any"
    #: the closed set of values (of a string, or of a list's items)
    enum: tuple[str, ...] | None = None
    #: may read as null at run time
    nullable: bool = True
    #: how to name it in messages: `deployment.status`, `"actve"`
    shown: str = ""
    #: what the enum is (for messages): "deployment.status"
    owner: str = ""


_BOOL: Final = _Ty("boolean", nullable=False)
_ANY: Final = _Ty("any")


def _literal_type(lit: ast.Literal) -> _Ty:
    v = lit.value
    shown = _show_literal(v)
    if v is None:
        return _Ty("null", shown="null")
    if isinstance(v, bool):
        return _Ty("boolean", nullable=False, shown=shown)
    if isinstance(v, int | float):
        return _Ty("number", nullable=False, shown=shown)
    if isinstance(v, str):
        return _Ty("string", nullable=False, shown=shown)
    return _Ty("date", nullable=False, shown=shown)


def _show_literal(v: ast.LiteralValue) -> str:
    if v is None:
        return "`null`"
    if isinstance(v, bool):
        return f"`{str(v).lower()}`"
    if isinstance(v, str):
        return f'`"{v}"`'
    if isinstance(v, int | float):
        return f"`{v}`"
    return f"`{v.isoformat()}`"


def _word(t: _Ty) -> str:
    if t.kind == "list" and t.item not in ("any", "string"):
        return f"a list of {_WORDS[t.item].removeprefix('a ')}s"
    return _WORDS[t.kind]


def _is(t: _Ty) -> str:
    return f"{t.shown} is {_word(t)}" if t.shown else f"this is {_word(t)}"


class _Checker:
    def __init__(self, schema: Schema, functions: Mapping[str, FunctionSpec], file: str,
                 source: str | None) -> None:
        self.schema = schema
        self.functions = functions
        self.file = file
        self._source = source
        self._lines: list[str] | None = None
        self.out: list[Diagnostic] = []

    # -- reporting ------------------------------------------------------------------

    def _line(self, span: Span) -> str | None:
        if self._lines is None:
            text = self._source
            if text is None and span.file and span.file != "<string>":
                try:
                    text = FsPath(span.file).read_text(encoding="utf-8-sig")
                except (OSError, UnicodeDecodeError, ValueError):
                    text = None
            self._lines = text.splitlines() if text is not None else []
        if 0 < span.line <= len(self._lines):
            return self._lines[span.line - 1]
        return None

    def report(self, code: str, message: str, span: Span | None, help: str | None = None,
               level: Level = "error") -> None:
        self.out.append(Diagnostic(code=code, message=message, level=level, span=span,
                                   file=None if span is not None else self.file, help=help,
                                   source_line=self._line(span) if span is not None else None))

    # -- module and statements --------------------------------------------------------

    def module(self, module: ast.Module) -> None:
        seen: dict[str, ast.Rule] = {}
        for rule_id, rule in ast.rule_ids(module):
            first = seen.get(rule_id)
            if first is None:
                seen[rule_id] = rule
            elif rule.name is not None or first.name is not None:
                where = (_(" (first at line {line})").format(line=first.span.line)
                         if first.span is not None else "")
                self.report("duplicate-rule", _("duplicate rule id `{id}`{where}").format(
                    id=rule_id, where=where), rule.span, _("give each rule its own name"))
            self.rule(rule)

    def rule(self, rule: ast.Rule) -> None:
        st = rule.statement
        scope = st.scope.name
        if scope not in ast.SCOPES:
            self.report("unknown-scope", _("unknown scope `{scope}`").format(scope=scope),
                        st.scope.span, did_you_mean(scope, ast.SCOPES)
                        or _("scopes are {scopes}").format(
                            scopes=_(", ").join(f"`{s}`" for s in ast.SCOPES)))
            return
        if isinstance(st, ast.Require):
            kind_ok = self.kind(st.kind)
            if st.distinct and (st.kind.name != "filing" or scope not in _DISTINCT_SCOPES):
                self.report("distinct",
                            "`distinct` applies only to `require distinct filing per platform` "
                            "(or `per deployment`)", st.span,
                            "a distinct filing is one that names this platform and no other")
            if st.where is not None:
                self.condition(st.where, scope, None, "`where`")
            if st.with_ is not None and kind_ok:
                self.condition(st.with_, scope, st.kind.name, "`with`")
            if st.deadline is not None:
                self.deadline(st.deadline, scope)
        elif isinstance(st, ast.Forbid):
            kind_ok = st.kind is not None and self.kind(st.kind)
            if st.where is not None:
                self.condition(st.where, scope, None, "`where`")
            if st.with_ is not None:
                if st.kind is None:
                    self.report("with-without-kind",
                                "`with` examines records, so it needs a kind: `forbid KIND per …`",
                                st.with_.span, "move the condition into `where`")
                elif kind_ok:
                    self.condition(st.with_, scope, st.kind.name, "`with`")
        else:
            if st.where is not None:
                self.condition(st.where, scope, None, "`where`")
            self.condition(st.condition, scope, None, "`ensure`")
            if st.deadline is not None:
                self.deadline(st.deadline, scope)

    def kind(self, kind: ast.Ident) -> bool:
        if kind.name in self.schema.kinds:
            return True
        self.report("unknown-kind", _("unknown obligation kind `{kind}`").format(kind=kind.name),
                    kind.span, did_you_mean(kind.name, self.schema.kinds)
                    or _("declare it in the facts file under `schema: {{kinds: [...]}}`"))
        return False

    def deadline(self, deadline: ast.Deadline, scope: str) -> None:
        t = self.path(deadline.anchor, scope, None)
        if t is not None and t.kind not in ("date", "any"):
            self.report("deadline-anchor",
                        f"a deadline counts from a date, but {_is(t)}", deadline.anchor.span)

    def condition(self, expr: ast.Expr, scope: str, record_kind: str | None, what: str) -> None:
        t = self.expr(expr, scope, record_kind)
        if t is None:
            return
        if t.kind not in ("boolean", "any"):
            self.report("not-a-condition",
                        f"a {what} condition must be true or false, but {_is(t)}", expr.span)
        elif isinstance(expr, ast.Literal) and expr.value is False:
            self.report("never-applies", f"the {what} condition is always false", expr.span,
                        level="warning")

    # -- expressions -----------------------------------------------------------------

    def expr(self, e: ast.Expr, scope: str, rk: str | None) -> _Ty | None:
        """The type of ``e``; None when an error inside it was reported already."""
        if isinstance(e, ast.Literal):
            return _literal_type(e)
        if isinstance(e, ast.Path):
            return self.path(e, scope, rk)
        if isinstance(e, ast.ListExpr):
            return self.list_expr(e, scope, rk)
        if isinstance(e, ast.Call):
            return self.call(e, scope, rk)
        if isinstance(e, ast.Not):
            t = self.expr(e.operand, scope, rk)
            if t is not None and t.kind not in ("boolean", "any", "null"):
                self.report("type", f"`not` needs true or false, but {_is(t)}", e.operand.span)
            return _BOOL
        if isinstance(e, ast.BoolOp):
            for operand in e.operands:
                t = self.expr(operand, scope, rk)
                if t is not None and t.kind not in ("boolean", "any", "null"):
                    self.report("type", f"`{e.op}` needs true or false on each side, but {_is(t)}",
                                operand.span)
            return _BOOL
        if isinstance(e, ast.Compare):
            self.compare(e, scope, rk)
            return _BOOL
        self.in_(e, scope, rk)
        return _BOOL

    def path(self, p: ast.Path, scope: str, rk: str | None) -> _Ty | None:
        found = resolve(p, scope, self.schema, rk)
        if isinstance(found, NameProblem):
            self.report(found.code, found.message, p.span, found.help)
            return None
        a = found.attribute
        owner = f"{a.entity}.{a.name}"
        if a.type == "list":
            return _Ty("list", item="string", enum=a.enum, nullable=a.optional,
                       shown=f"`{p.dotted}`", owner=owner)
        return _Ty(a.type, enum=a.enum, nullable=a.optional, shown=f"`{p.dotted}`", owner=owner)

    def list_expr(self, e: ast.ListExpr, scope: str, rk: str | None) -> _Ty | None:
        kinds: list[str] = []
        bad = False
        for item in e.items:
            t = self.expr(item, scope, rk)
            if t is None:
                bad = True
                continue
            if t.kind == "list":
                self.report("type", "a list cannot contain lists", item.span)
                bad = True
            elif t.kind not in ("null", "any") and t.kind not in kinds:
                kinds.append(t.kind)
        if len(kinds) > 1:
            self.report("type", "a list must hold values of one type; this one mixes "
                        + " and ".join(_WORDS[k] for k in kinds), e.span)
            bad = True
        if bad:
            return None
        return _Ty("list", item=kinds[0] if kinds else "any", nullable=False, shown="the list")

    def call(self, e: ast.Call, scope: str, rk: str | None) -> _Ty | None:
        spec = self.functions.get(e.name)
        arg_types = [self.expr(a, scope, rk) for a in e.args]
        if spec is None:
            self.report("unknown-function", _("unknown function `{name}`").format(name=e.name),
                        e.span, did_you_mean(e.name, self.functions)
                        or (_("functions here: {names}").format(
                            names=_(", ").join(f"`{n}`" for n in sorted(self.functions)))
                            if self.functions else _("no plugin registers functions")))
            return None
        if len(e.args) != len(spec.params):
            n = len(spec.params)
            self.report("arity", f"`{e.name}` takes {n} argument{'s' if n != 1 else ''}, "
                        f"not {len(e.args)}", e.span)
            return None
        ok = True
        for i, (arg, t, want) in enumerate(zip(e.args, arg_types, spec.params, strict=True)):
            if t is None:
                ok = False
            elif want != "any" and t.kind not in (want, "any", "null"):
                self.report("type", f"argument {i + 1} of `{e.name}` must be {_WORDS[want]}, "
                            f"but {_is(t)}", arg.span)
                ok = False
        if not ok:
            return None
        if spec.returns == "list":
            return _Ty("list", item="any", shown=f"`{e.name}(…)`")
        return _Ty(spec.returns, shown=f"`{e.name}(…)`")

    def compare(self, e: ast.Compare, scope: str, rk: str | None) -> None:
        lt = self.expr(e.left, scope, rk)
        rt = self.expr(e.right, scope, rk)
        if lt is None or rt is None:
            return
        if lt.kind == "null" or rt.kind == "null":
            other = rt if lt.kind == "null" else lt
            if e.op in ("==", "!="):
                if other.kind != "null" and not other.nullable and other.owner:
                    outcome = "false" if e.op == "==" else "true"
                    self.report("never-null", f"{other.shown} is never null, so this is always "
                                f"{outcome}", e.span, level="warning")
            else:
                self.report("null-order", f"`{e.op}` with null is always false", e.span,
                            level="warning")
            return
        if "any" in (lt.kind, rt.kind):
            return
        if lt.kind != rt.kind or (lt.kind == "list" and "any" not in (lt.item, rt.item)
                                  and lt.item != rt.item):
            self.mismatch(e, lt, rt)
            return
        if e.op not in ("==", "!=") and lt.kind not in _ORDERED:
            self.report("type", f"`{e.op}` compares numbers, dates or text, but {_is(lt)}",
                        e.span)
            return
        self.enum_values(e.left, lt, e.right)
        self.enum_values(e.right, rt, e.left)

    def mismatch(self, e: ast.Compare, lt: _Ty, rt: _Ty) -> None:
        help = None
        for side, t in ((e.right, lt), (e.left, rt)):
            if (t.kind == "date" and isinstance(side, ast.Literal) and isinstance(side.value, str)
                    and len(side.value) == 10 and side.value[4:5] == "-"):
                help = f"write the date without quotes: {side.value}"
        self.report("type-mismatch", f"cannot compare {_word(lt)} with {_word(rt)}: "
                    f"{_is(lt)} and {_is(rt)}", e.span, help)

    def enum_values(self, side: ast.Expr, t: _Ty, other: ast.Expr) -> None:
        """``other`` is compared with (or searched in) ``side`` of type ``t``: its string
        literals must be values ``t`` can have."""
        if not t.enum:
            return
        literals: list[ast.Literal] = []
        if isinstance(other, ast.Literal) and isinstance(other.value, str):
            literals.append(other)
        elif isinstance(other, ast.ListExpr):
            literals.extend(i for i in other.items
                            if isinstance(i, ast.Literal) and isinstance(i.value, str))
        for lit in literals:
            assert isinstance(lit.value, str)
            if lit.value not in t.enum:
                self.report("unknown-value",
                            _('`"{value}"` is never a value of `{owner}`; it is one of '
                              "{values}").format(value=lit.value, owner=t.owner,
                                                 values=_(", ").join(f"`{v}`" for v in t.enum)),
                            lit.span, did_you_mean(lit.value, t.enum))

    def in_(self, e: ast.In, scope: str, rk: str | None) -> None:
        lt = self.expr(e.left, scope, rk)
        rt = self.expr(e.right, scope, rk)
        if rt is not None and rt.kind not in ("list", "any"):
            word = "`not in`" if e.negated else "`in`"
            self.report("in-needs-list", f"{word} needs a list on the right, but {_is(rt)}",
                        e.right.span)
            return
        if lt is None or rt is None:
            return
        if lt.kind == "null":
            self.report("null-in", "`null in …` is always false", e.span, level="warning")
            return
        left_item = lt.item if lt.kind == "list" else lt.kind
        if "any" not in (left_item, rt.item) and left_item != rt.item:
            self.report("type-mismatch",
                        f"{_is(lt)}, but the list on the right holds "
                        f"{_WORDS[rt.item].removeprefix('a ')}"
                        f"{'s' if rt.item in ('number', 'date') else ''}", e.span)
            return
        # the left side's closed set constrains a literal list on the right, and vice versa
        self.enum_values(e.left, lt, e.right)
        self.enum_values(e.right, rt, e.left)


def validate_module(
    module: ast.Module,
    schema: Schema,
    functions: Mapping[str, FunctionSpec],
    *,
    source: str | None = None,
) -> list[Diagnostic]:
    """Every error and warning (``level="warning"``) of ``module``, sorted by position.

    ``source`` is the module's text, for the source line under each diagnostic; without
    it the file named by ``module.file`` is read when a diagnostic needs a line.
    """
    checker = _Checker(schema, functions, module.file, source)
    checker.module(module)
    return sorted(checker.out, key=Diagnostic.sort_key)


def check_module(
    module: ast.Module,
    schema: Schema,
    functions: Mapping[str, FunctionSpec],
    *,
    source: str | None = None,
) -> list[Diagnostic]:
    """Raise :class:`~policy_sdk.errors.ValidationError` (with every diagnostic) if the
    module has an error; otherwise return its warnings."""
    found = validate_module(module, schema, functions, source=source)
    if any(d.level == "error" for d in found):
        raise ValidationError(found)
    return found
